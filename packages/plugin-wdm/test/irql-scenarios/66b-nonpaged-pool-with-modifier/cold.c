/*
 * Pool types with modifiers: NonPagedPoolNx | POOL_RAISE_IF_ALLOCATION_FAILURE is still non-paged. The DPC
 * (declared KDEFERRED_ROUTINE) may allocate it at DISPATCH_LEVEL.
 */
#include <wdm.h>

#define COLD_TAG 'dloC'

typedef struct _COLD_EXTENSION {
    PVOID Archive;
} COLD_EXTENSION, *PCOLD_EXTENSION;

KDEFERRED_ROUTINE ColdArchiveDpc;

VOID
ColdArchiveDpc(
    _In_ PKDPC Dpc,
    _In_opt_ PVOID DeferredContext,
    _In_opt_ PVOID SystemArgument1,
    _In_opt_ PVOID SystemArgument2
    )
{
    PCOLD_EXTENSION ext = (PCOLD_EXTENSION)DeferredContext;

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);

    if (ext->Archive == NULL) {
        ext->Archive = ExAllocatePoolWithTag(NonPagedPoolNx | POOL_RAISE_IF_ALLOCATION_FAILURE, 4 * PAGE_SIZE, COLD_TAG);
    }
}
