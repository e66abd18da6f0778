/*
 * AddDevice (registered through DriverObject->DriverExtension->AddDevice) initialises the pending queue with a
 * helper written for callers that hold the queue lock (_IRQL_requires_(DISPATCH_LEVEL)), without taking it.
 * AddDevice runs at PASSIVE_LEVEL.
 */
#include <wdm.h>

typedef struct _FLT_EXTENSION {
    PDEVICE_OBJECT Self;
    PDEVICE_OBJECT LowerDevice;
    KSPIN_LOCK QueueLock;
    LIST_ENTRY PendingQueue;
    ULONG PendingCount;
} FLT_EXTENSION, *PFLT_EXTENSION;

_IRQL_requires_(DISPATCH_LEVEL)
static VOID
FltResetQueueLocked(
    _Inout_ PFLT_EXTENSION Ext
    )
{
    InitializeListHead(&Ext->PendingQueue);
    Ext->PendingCount = 0;
}

NTSTATUS
FltAddDevice(
    _In_ PDRIVER_OBJECT DriverObject,
    _In_ PDEVICE_OBJECT PhysicalDeviceObject
    )
{
    PDEVICE_OBJECT device;
    PFLT_EXTENSION ext;
    NTSTATUS status;

    status = IoCreateDevice(DriverObject, sizeof(FLT_EXTENSION), NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    ext = (PFLT_EXTENSION)device->DeviceExtension;
    ext->Self = device;
    KeInitializeSpinLock(&ext->QueueLock);
    FltResetQueueLocked(ext); // expect: wdm/IrqlTooLow trace=61 basis=contract
    ext->LowerDevice = IoAttachDeviceToDeviceStack(device, PhysicalDeviceObject);
    if (ext->LowerDevice == NULL) {
        IoDeleteDevice(device);
        return STATUS_NO_SUCH_DEVICE;
    }
    device->Flags &= ~DO_DEVICE_INITIALIZING;
    return STATUS_SUCCESS;
}

NTSTATUS
DriverEntry(
    _In_ PDRIVER_OBJECT DriverObject,
    _In_ PUNICODE_STRING RegistryPath
    )
{
    UNREFERENCED_PARAMETER(RegistryPath);

    DriverObject->DriverExtension->AddDevice = FltAddDevice;
    return STATUS_SUCCESS;
}
