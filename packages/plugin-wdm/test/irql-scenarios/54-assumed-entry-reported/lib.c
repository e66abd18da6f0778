/*
 * A library-style helper with no IRQL annotation, no role and no caller in the run: its entry IRQL is only the
 * assumed default (PASSIVE_LEVEL..DISPATCH_LEVEL), so its paged allocation "may run at DISPATCH_LEVEL" with basis
 * assumed. This scenario turns on settings.irql.reportAssumed, so it is reported; the trace is the assumption.
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

    entries = (PULONG)ExAllocatePoolWithTag(PagedPool, Count * sizeof(ULONG), LIB_TAG); // expect: wdm/IrqlExAllocatePool trace=17 basis=assumed
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
