#include "ring.h"

PRING_ENTRY
RingAllocateEntry(
    _In_ ULONG Length
    )
{
    PRING_ENTRY entry;

    entry = (PRING_ENTRY)ExAllocatePool(PagedPool, FIELD_OFFSET(RING_ENTRY, Data) + Length); // expect: wdm/IrqlExAllocatePool trace=dispatch.c:20,dispatch.c:21 basis=proven
    if (entry != NULL) {
        entry->Length = Length;
        InitializeListHead(&entry->Link);
    }
    return entry;
}
