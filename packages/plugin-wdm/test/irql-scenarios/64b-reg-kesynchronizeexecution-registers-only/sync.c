/*
 * KeSynchronizeExecution(interrupt, Routine, context) runs Routine at the interrupt's DIRQL (KSYNCHRONIZE_ROUTINE).
 * The synchronized routine only touches the registers; the dispatch routine signals the event after it returns.
 */
#include <wdm.h>

typedef struct _SYN_EXTENSION {
    PKINTERRUPT Interrupt;
    PULONG Registers;
    ULONG Mode;
    KEVENT ModeChanged;
} SYN_EXTENSION, *PSYN_EXTENSION;

BOOLEAN
SynApplyMode(
    _In_opt_ PVOID SynchronizeContext
    )
{
    PSYN_EXTENSION ext = (PSYN_EXTENSION)SynchronizeContext;

    WRITE_REGISTER_ULONG(ext->Registers, ext->Mode);
    return TRUE;
}

_Dispatch_type_(IRP_MJ_DEVICE_CONTROL)
DRIVER_DISPATCH SynDispatchDeviceControl;

_Use_decl_annotations_
NTSTATUS
SynDispatchDeviceControl(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    PSYN_EXTENSION ext = (PSYN_EXTENSION)DeviceObject->DeviceExtension;

    ext->Mode = *(PULONG)Irp->AssociatedIrp.SystemBuffer;
    KeSynchronizeExecution(ext->Interrupt, SynApplyMode, ext);
    KeSetEvent(&ext->ModeChanged, IO_NO_INCREMENT, FALSE);

    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
