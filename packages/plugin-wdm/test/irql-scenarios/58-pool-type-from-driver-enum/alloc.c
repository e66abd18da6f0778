/*
 * The pool type comes from the driver's own configuration enum, whose enumerators are initialised from the WDK's
 * POOL_TYPE names (DscPoolLarge = PagedPool), through a macro with a cast: DESCRIPTOR_POOL is PagedPool, so the DPC
 * (registered with KeInitializeDpc) allocates paged memory at DISPATCH_LEVEL.
 */
#include <wdm.h>

typedef enum _DSC_POOL_CHOICE {
    DscPoolFast = NonPagedPoolNx,
    DscPoolLarge = PagedPool
} DSC_POOL_CHOICE;

#define DESCRIPTOR_POOL ((POOL_TYPE)DscPoolLarge)
#define DSC_TAG 'csDD'

typedef struct _DSC_EXTENSION {
    KDPC RefillDpc;
    PVOID Spare;
} DSC_EXTENSION, *PDSC_EXTENSION;

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
        ext->Spare = ExAllocatePoolWithTag(DESCRIPTOR_POOL, 512, DSC_TAG); // expect: wdm/IrqlExAllocatePool trace=46 basis=contract
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
