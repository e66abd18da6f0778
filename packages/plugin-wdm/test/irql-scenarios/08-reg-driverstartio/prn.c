/*
 * A parallel-port style device: StartIo (registered through DriverObject->DriverStartIo) waits for the "ready"
 * bit by sleeping between polls. StartIo runs at DISPATCH_LEVEL, KeDelayExecutionThread needs <= APC_LEVEL.
 */
#include <ntddk.h>

#define PRN_READY 0x80

typedef struct _PRN_EXTENSION {
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
    LARGE_INTEGER pause;
    ULONG i;

    pause.QuadPart = -10 * 1000;
    for (i = 0; i < stack->Parameters.Write.Length; i++) {
        while ((READ_PORT_UCHAR(ext->Port + 1) & PRN_READY) == 0) {
            KeDelayExecutionThread(KernelMode, FALSE, &pause); // expect: wdm/IrqlTooHigh trace=64 basis=contract
        }
        WRITE_PORT_UCHAR(ext->Port, data[i]);
    }
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
