/*
 * Cross-file with static helpers of the same name: dpc.c and close.c each define a static XfRecord. The DPC calls
 * its own (lock-free ring write, fine at DISPATCH_LEVEL); only close.c's XfRecord writes to the file, and it is
 * called from a dispatch routine at PASSIVE_LEVEL.
 */
#include "driver.h"

static VOID
XfRecord(
    _In_ PXF_EXTENSION Ext,
    _In_ ULONG Sequence
    )
{
    LONG slot = InterlockedIncrement(&Ext->RingHead) & 15;

    InterlockedExchange(&Ext->Ring[slot], (LONG)Sequence);
}

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

    XfRecord(ext, (ULONG)(ULONG_PTR)SystemArgument1);
}
