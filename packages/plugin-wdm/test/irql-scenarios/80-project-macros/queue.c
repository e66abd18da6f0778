#include "driver.h"

_IRQL_requires_max_(PASSIVE_LEVEL)
VOID
CountPending(
    _In_ PQUEUE_CONTEXT Queue
    )
{
    KIRQL oldIrql;
    PLIST_ENTRY entry;

    do {
        KeAcquireSpinLock(&Queue->Lock, &oldIrql);
        FOR_EACH_ENTRY(entry, &Queue->Pending) {
            Queue->Count++;
            if (Queue->Count > 100) {
                ReloadSettings(Queue);   // expect: wdm/IrqlTooHigh trace=13 basis=proven
            }
        }
        KeReleaseSpinLock(&Queue->Lock, oldIrql);
    } WHILE (FALSE);
}

PAGED
VOID
ReloadSettings(
    _In_ PQUEUE_CONTEXT Queue
    )
{
    PAGED_CODE();
    Queue->Count = 0;
}
