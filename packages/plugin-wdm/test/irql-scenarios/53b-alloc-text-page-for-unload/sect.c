/*
 * Pageable sections used right: DriverEntry in INIT and the unload routine (DRIVER_UNLOAD, PASSIVE_LEVEL) in PAGE;
 * the DPC stays in non-paged code.
 */
#include <wdm.h>

typedef struct _SECT_GLOBALS {
    KDPC RetryDpc;
    ULONG Retries;
    PDEVICE_OBJECT Device;
} SECT_GLOBALS;

static SECT_GLOBALS SectGlobals;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD SectUnload;
KDEFERRED_ROUTINE SectRetryDpc;

#ifdef ALLOC_PRAGMA
#pragma alloc_text(INIT, DriverEntry)
#pragma alloc_text(PAGE, SectUnload)
#endif

VOID
SectRetryDpc(
    _In_ PKDPC Dpc,
    _In_opt_ PVOID DeferredContext,
    _In_opt_ PVOID SystemArgument1,
    _In_opt_ PVOID SystemArgument2
    )
{
    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(DeferredContext);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);

    SectGlobals.Retries++;
}

VOID
SectUnload(
    _In_ PDRIVER_OBJECT DriverObject
    )
{
    UNREFERENCED_PARAMETER(DriverObject);

    PAGED_CODE();

    KeFlushQueuedDpcs();
    IoDeleteDevice(SectGlobals.Device);
}

NTSTATUS
DriverEntry(
    _In_ PDRIVER_OBJECT DriverObject,
    _In_ PUNICODE_STRING RegistryPath
    )
{
    UNREFERENCED_PARAMETER(RegistryPath);

    KeInitializeDpc(&SectGlobals.RetryDpc, SectRetryDpc, NULL);
    DriverObject->DriverUnload = SectUnload;
    return IoCreateDevice(DriverObject, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &SectGlobals.Device);
}
