/*
 * A legitimate KeLowerIrql to a constant level: the routine raises to HIGH_LEVEL for the timer reprogramming, lowers
 * to DISPATCH_LEVEL for the bookkeeping, then back to the saved IRQL.
 */
#include <wdm.h>

typedef struct _TMR_EXTENSION {
    PULONG Registers;
    ULONG Reprogrammed;
} TMR_EXTENSION, *PTMR_EXTENSION;

_Dispatch_type_(IRP_MJ_DEVICE_CONTROL)
DRIVER_DISPATCH TmrDispatchDeviceControl;

_Use_decl_annotations_
NTSTATUS
TmrDispatchDeviceControl(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    PTMR_EXTENSION ext = (PTMR_EXTENSION)DeviceObject->DeviceExtension;
    KIRQL oldIrql;

    KeRaiseIrql(HIGH_LEVEL, &oldIrql);
    WRITE_REGISTER_ULONG(ext->Registers, 0);
    WRITE_REGISTER_ULONG(ext->Registers + 1, 1000);
    KeLowerIrql(DISPATCH_LEVEL);
    ext->Reprogrammed++;
    KeLowerIrql(oldIrql);

    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
