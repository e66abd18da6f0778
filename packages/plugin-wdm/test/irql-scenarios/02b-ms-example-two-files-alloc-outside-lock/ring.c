#include "ring.h"

PRING_ENTRY
RingAllocateEntry(
    _In_ ULONG Length
    )
{
    PRING_ENTRY entry;

    entry = (PRING_ENTRY)ExAllocatePool(PagedPool, FIELD_OFFSET(RING_ENTRY, Data) + Length);
    if (entry != NULL) {
        entry->Length = Length;
        InitializeListHead(&entry->Link);
    }
    return entry;
}
