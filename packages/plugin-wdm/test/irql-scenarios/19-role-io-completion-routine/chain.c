/*
 * A filter's completion routine, declared IO_COMPLETION_ROUTINE (and registered with IoSetCompletionRoutine),
 * sends a follow-up IOCTL down by building a synchronous IOCTL IRP: IoBuildDeviceIoControlRequest needs
 * <= APC_LEVEL, and completion routines can run at DISPATCH_LEVEL. The declared role is what the trace shows.
 */
#include <wdm.h>

#define IOCTL_CHAIN_ACK CTL_CODE(FILE_DEVICE_UNKNOWN, 0x920, METHOD_BUFFERED, FILE_ANY_ACCESS)

typedef struct _CHN_EXTENSION {
    PDEVICE_OBJECT LowerDevice;
    KEVENT AckDone;
    IO_STATUS_BLOCK AckStatus;
} CHN_EXTENSION, *PCHN_EXTENSION;

IO_COMPLETION_ROUTINE ChnWriteComplete;

NTSTATUS
ChnWriteComplete(
    _In_ PDEVICE_OBJECT DeviceObject,
    _In_ PIRP Irp,
    _In_reads_opt_(_Inexpressible_("varies")) PVOID Context
    )
{
    PCHN_EXTENSION ext = (PCHN_EXTENSION)Context;
    PIRP ack;

    UNREFERENCED_PARAMETER(DeviceObject);

    if (Irp->PendingReturned) {
        IoMarkIrpPending(Irp);
    }
    if (NT_SUCCESS(Irp->IoStatus.Status)) {
        ack = IoBuildDeviceIoControlRequest(IOCTL_CHAIN_ACK, ext->LowerDevice, NULL, 0, NULL, 0, FALSE, // expect: wdm/IrqlTooHigh trace=16 basis=contract
                                            &ext->AckDone, &ext->AckStatus);
        if (ack != NULL) {
            IoCallDriver(ext->LowerDevice, ack);
        }
    }
    return STATUS_CONTINUE_COMPLETION;
}

_Dispatch_type_(IRP_MJ_WRITE)
DRIVER_DISPATCH ChnDispatchWrite;

_Use_decl_annotations_
NTSTATUS
ChnDispatchWrite(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    PCHN_EXTENSION ext = (PCHN_EXTENSION)DeviceObject->DeviceExtension;

    IoCopyCurrentIrpStackLocationToNext(Irp);
    IoSetCompletionRoutine(Irp, ChnWriteComplete, ext, TRUE, FALSE, FALSE);
    return IoCallDriver(ext->LowerDevice, Irp);
}
