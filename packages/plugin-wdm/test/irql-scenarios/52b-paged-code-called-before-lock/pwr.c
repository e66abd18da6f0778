/*
 * PwrSaveContext is pageable (it starts with PAGED_CODE()); the power dispatch routine calls it before taking the
 * device spin lock, at PASSIVE_LEVEL.
 */
#include <wdm.h>

typedef struct _PWR_EXTENSION {
    KSPIN_LOCK StateLock;
    ULONG Context[32];
    ULONG Saved[32];
    DEVICE_POWER_STATE DevicePowerState;
} PWR_EXTENSION, *PPWR_EXTENSION;

static VOID
PwrSaveContext(
    _Inout_ PPWR_EXTENSION Ext
    )
{
    PAGED_CODE();

    RtlCopyMemory(Ext->Saved, Ext->Context, sizeof(Ext->Saved));
}

_Dispatch_type_(IRP_MJ_POWER)
DRIVER_DISPATCH PwrDispatchPower;

_Use_decl_annotations_
NTSTATUS
PwrDispatchPower(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    PPWR_EXTENSION ext = (PPWR_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    KIRQL oldIrql;

    if (stack->MinorFunction == IRP_MN_SET_POWER && stack->Parameters.Power.Type == DevicePowerState) {
        PwrSaveContext(ext);
        KeAcquireSpinLock(&ext->StateLock, &oldIrql);
        ext->DevicePowerState = stack->Parameters.Power.State.DeviceState;
        KeReleaseSpinLock(&ext->StateLock, oldIrql);
    }
    PoStartNextPowerIrp(Irp);
    Irp->IoStatus.Status = STATUS_SUCCESS;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
