/*
 * "#pragma alloc_text(PAGE, SectRetryDpc)" places a DPC (declared KDEFERRED_ROUTINE, DISPATCH_LEVEL) in a pageable
 * section. The finding is on the function, since the pragma is outside it.
 */
#include <wdm.h>

typedef struct _SECT_EXTENSION {
    KDPC RetryDpc;
    ULONG Retries;
} SECT_EXTENSION, *PSECT_EXTENSION;

DRIVER_INITIALIZE DriverEntry;
KDEFERRED_ROUTINE SectRetryDpc;

#ifdef ALLOC_PRAGMA
#pragma alloc_text(INIT, DriverEntry)
#pragma alloc_text(PAGE, SectRetryDpc)
#endif

VOID
SectRetryDpc( // expect: wdm/IrqlPagedCode trace=13 basis=contract
    _In_ PKDPC Dpc,
    _In_opt_ PVOID DeferredContext,
    _In_opt_ PVOID SystemArgument1,
    _In_opt_ PVOID SystemArgument2
    )
{
    PSECT_EXTENSION ext = (PSECT_EXTENSION)DeferredContext;

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);

    ext->Retries++;
}

NTSTATUS
DriverEntry(
    _In_ PDRIVER_OBJECT DriverObject,
    _In_ PUNICODE_STRING RegistryPath
    )
{
    UNREFERENCED_PARAMETER(DriverObject);
    UNREFERENCED_PARAMETER(RegistryPath);

    return STATUS_SUCCESS;
}
