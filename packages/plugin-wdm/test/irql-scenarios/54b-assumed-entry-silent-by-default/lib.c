/*
 * The same library-style helper with no IRQL annotation, no role and no caller in the run, with the default
 * settings: a finding whose only basis is the assumed entry IRQL is not reported.
 */
#include <wdm.h>

#define LIB_TAG 'biLU'

typedef struct _LIB_TABLE {
    PULONG Entries;
    PULONG Retired;
    ULONG Count;
} LIB_TABLE, *PLIB_TABLE;

NTSTATUS
LibTableResize(
    _Inout_ PLIB_TABLE Table,
    _In_ ULONG Count
    )
{
    PULONG entries;

    entries = (PULONG)ExAllocatePoolWithTag(PagedPool, Count * sizeof(ULONG), LIB_TAG);
    if (entries == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    if (Table->Entries != NULL) {
        RtlCopyMemory(entries, Table->Entries, min(Count, Table->Count) * sizeof(ULONG));
    }
    Table->Retired = Table->Entries;
    Table->Entries = entries;
    Table->Count = Count;
    return STATUS_SUCCESS;
}
