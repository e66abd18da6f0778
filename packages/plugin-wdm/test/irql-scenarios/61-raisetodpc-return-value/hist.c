/*
 * KeAcquireSpinLockRaiseToDpc returns the previous IRQL (saved in the variable it is assigned to) and raises to
 * DISPATCH_LEVEL; KeReleaseSpinLock(&lock, old) restores it. The histogram buffer is allocated from paged pool in
 * between; the paged allocation after the release is fine.
 */
#include <wdm.h>

#define HIST_TAG 'tsiH'

typedef struct _HIST_EXTENSION {
    KSPIN_LOCK HistLock;
    PULONG Buckets;
    PULONG Archive;
} HIST_EXTENSION, *PHIST_EXTENSION;

_IRQL_requires_(PASSIVE_LEVEL)
VOID
HistEnsureBuckets(
    _Inout_ PHIST_EXTENSION Ext
    )
{
    KIRQL oldIrql = KeAcquireSpinLockRaiseToDpc(&Ext->HistLock);

    if (Ext->Buckets == NULL) {
        Ext->Buckets = (PULONG)ExAllocatePoolWithTag(PagedPool, 64 * sizeof(ULONG), HIST_TAG); // expect: wdm/IrqlExAllocatePool trace=22 basis=proven
    }
    KeReleaseSpinLock(&Ext->HistLock, oldIrql);

    if (Ext->Archive == NULL) {
        Ext->Archive = (PULONG)ExAllocatePoolWithTag(PagedPool, 64 * sizeof(ULONG), HIST_TAG);
    }
}
