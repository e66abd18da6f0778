/*
 * Cross-file: the DPC is declared KDEFERRED_ROUTINE in driver.h, defined here, and calls XfAuditCompletion, which
 * lives in audit.c and writes an audit record with ZwWriteFile (PASSIVE_LEVEL only).
 */
#include "driver.h"

VOID
XfCompletionDpc(
    _In_ PKDPC Dpc,
    _In_opt_ PVOID DeferredContext,
    _In_opt_ PVOID SystemArgument1,
    _In_opt_ PVOID SystemArgument2
    )
{
    PXF_EXTENSION ext = (PXF_EXTENSION)DeferredContext;

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(SystemArgument2);

    ext->Completed++;
    XfAuditCompletion(ext, (ULONG)(ULONG_PTR)SystemArgument1);
}
