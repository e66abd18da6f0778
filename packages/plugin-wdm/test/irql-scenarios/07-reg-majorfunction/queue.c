/*
 * A driver with a StartIo queue. Its IRP_MJ_CLEANUP routine, registered through DriverObject->MajorFunction (no
 * role declaration), flushes the queue and kicks the next packet: IoStartNextPacket requires DISPATCH_LEVEL,
 * and a dispatch routine runs at PASSIVE_LEVEL.
 */
#include <ntddk.h>

typedef struct _QC_EXTENSION {
    BOOLEAN Busy;
    ULONG Flushed;
} QC_EXTENSION, *PQC_EXTENSION;

VOID
QcStartIo(
    _Inout_ PDEVICE_OBJECT DeviceObject,
    _Inout_ PIRP Irp
    )
{
    PQC_EXTENSION ext = (PQC_EXTENSION)DeviceObject->DeviceExtension;

    ext->Busy = TRUE;
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    ext->Busy = FALSE;
    IoStartNextPacket(DeviceObject, TRUE);
}

NTSTATUS
QcDispatchCleanup(
    _In_ PDEVICE_OBJECT DeviceObject,
    _Inout_ PIRP Irp
    )
{
    PQC_EXTENSION ext = (PQC_EXTENSION)DeviceObject->DeviceExtension;

    ext->Flushed++;
    if (!ext->Busy) {
        IoStartNextPacket(DeviceObject, TRUE); // expect: wdm/IrqlTooLow trace=57 basis=contract
    }
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

NTSTATUS
DriverEntry(
    _In_ PDRIVER_OBJECT DriverObject,
    _In_ PUNICODE_STRING RegistryPath
    )
{
    PDEVICE_OBJECT device;

    UNREFERENCED_PARAMETER(RegistryPath);

    DriverObject->MajorFunction[IRP_MJ_CLEANUP] = QcDispatchCleanup;
    DriverObject->DriverStartIo = QcStartIo;
    return IoCreateDevice(DriverObject, sizeof(QC_EXTENSION), NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
}
