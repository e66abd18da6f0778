/*
 * KeLowerIrql(DISPATCH_LEVEL) in a dispatch routine, meant as "drop to DISPATCH_LEVEL for the register update", is
 * called at PASSIVE_LEVEL: KeLowerIrql must not raise the IRQL.
 */
#include <wdm.h>

typedef struct _TMR_EXTENSION {
    PULONG Registers;
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

    KeLowerIrql(DISPATCH_LEVEL); // expect: wdm/SpinLockReleaseMismatch trace=12 basis=contract
    WRITE_REGISTER_ULONG(ext->Registers, 0);

    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
