/*
 * An IO timer (IoInitializeTimer) that gives up on a stuck transfer: it fails the request and starts the next
 * packet. IoStartNextPacket needs DISPATCH_LEVEL, which is where an IO timer routine runs; with reportAssumed on,
 * a missed registration would show up as an assumed IrqlTooLow.
 */
#include <ntddk.h>

typedef struct _WD_EXTENSION {
    PIRP CurrentIrp;
    ULONG SecondsBusy;
} WD_EXTENSION, *PWD_EXTENSION;

VOID
WdWatchdogTimer(
    _In_ PDEVICE_OBJECT DeviceObject,
    _In_opt_ PVOID Context
    )
{
    PWD_EXTENSION ext = (PWD_EXTENSION)Context;
    PIRP stuck;

    if (ext->CurrentIrp == NULL) {
        ext->SecondsBusy = 0;
        return;
    }
    if (++ext->SecondsBusy < 30) {
        return;
    }
    stuck = ext->CurrentIrp;
    ext->CurrentIrp = NULL;
    ext->SecondsBusy = 0;
    stuck->IoStatus.Status = STATUS_IO_TIMEOUT;
    stuck->IoStatus.Information = 0;
    IoCompleteRequest(stuck, IO_NO_INCREMENT);
    IoStartNextPacket(DeviceObject, FALSE);
}

DRIVER_ADD_DEVICE WdAddDevice;

NTSTATUS
WdAddDevice(
    _In_ PDRIVER_OBJECT DriverObject,
    _In_ PDEVICE_OBJECT PhysicalDeviceObject
    )
{
    PDEVICE_OBJECT device;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(PhysicalDeviceObject);

    status = IoCreateDevice(DriverObject, sizeof(WD_EXTENSION), NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    RtlZeroMemory(device->DeviceExtension, sizeof(WD_EXTENSION));
    status = IoInitializeTimer(device, WdWatchdogTimer, device->DeviceExtension);
    if (NT_SUCCESS(status)) {
        IoStartTimer(device);
    }
    return status;
}
