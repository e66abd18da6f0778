/*
 * The parallel-port StartIo (DriverObject->DriverStartIo) done right for DISPATCH_LEVEL: it busy-waits with
 * KeStallExecutionProcessor and takes the port lock with the AtDpcLevel variants, which need DISPATCH_LEVEL.
 * reportAssumed is on: a missed registration would be an assumed IrqlTooLow on the release.
 */
#include <ntddk.h>

#define PRN_READY 0x80

typedef struct _PRN_EXTENSION {
    KSPIN_LOCK PortLock;
    PUCHAR Port;
} PRN_EXTENSION, *PPRN_EXTENSION;

VOID
PrnStartIo(
    _Inout_ PDEVICE_OBJECT DeviceObject,
    _Inout_ PIRP Irp
    )
{
    PPRN_EXTENSION ext = (PPRN_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    PUCHAR data = (PUCHAR)Irp->AssociatedIrp.SystemBuffer;
    ULONG i;

    KeAcquireSpinLockAtDpcLevel(&ext->PortLock);
    for (i = 0; i < stack->Parameters.Write.Length; i++) {
        while ((READ_PORT_UCHAR(ext->Port + 1) & PRN_READY) == 0) {
            KeStallExecutionProcessor(10);
        }
        WRITE_PORT_UCHAR(ext->Port, data[i]);
    }
    KeReleaseSpinLockFromDpcLevel(&ext->PortLock);
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = i;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    IoStartNextPacket(DeviceObject, FALSE);
}

_Dispatch_type_(IRP_MJ_WRITE)
DRIVER_DISPATCH PrnDispatchWrite;

_Use_decl_annotations_
NTSTATUS
PrnDispatchWrite(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    IoMarkIrpPending(Irp);
    IoStartPacket(DeviceObject, Irp, NULL, NULL);
    return STATUS_PENDING;
}

NTSTATUS
DriverEntry(
    _In_ PDRIVER_OBJECT DriverObject,
    _In_ PUNICODE_STRING RegistryPath
    )
{
    PDEVICE_OBJECT device;

    UNREFERENCED_PARAMETER(RegistryPath);

    DriverObject->MajorFunction[IRP_MJ_WRITE] = PrnDispatchWrite;
    DriverObject->DriverStartIo = PrnStartIo;
    return IoCreateDevice(DriverObject, sizeof(PRN_EXTENSION), NULL, FILE_DEVICE_PRINTER, 0, FALSE, &device);
}
