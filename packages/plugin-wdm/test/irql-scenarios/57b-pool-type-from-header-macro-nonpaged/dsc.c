/*
 * The pool type is the driver's own macro from dsc.h (DSC_DESCRIPTOR_POOL is NonPagedPoolNx): the refill DPC
 * (registered with KeInitializeDpc) allocates non-paged memory, which is allowed at DISPATCH_LEVEL.
 */
#include "dsc.h"

VOID
DscRefillDpc(
    _In_ PKDPC Dpc,
    _In_opt_ PVOID DeferredContext,
    _In_opt_ PVOID SystemArgument1,
    _In_opt_ PVOID SystemArgument2
    )
{
    PDSC_EXTENSION ext = (PDSC_EXTENSION)DeferredContext;

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);

    if (ext->Spare == NULL) {
        ext->Spare = ExAllocatePoolWithTag(DSC_DESCRIPTOR_POOL, 512, DSC_TAG);
    }
}

VOID
DscInitialize(
    _Inout_ PDSC_EXTENSION Ext
    )
{
    Ext->Spare = NULL;
    KeInitializeDpc(&Ext->RefillDpc, DscRefillDpc, Ext);
}
