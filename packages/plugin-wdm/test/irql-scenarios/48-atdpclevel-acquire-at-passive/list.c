/*
 * KeAcquireSpinLockAtDpcLevel / KeReleaseSpinLockFromDpcLevel may only be called at DISPATCH_LEVEL or above: they
 * do not raise the IRQL. The IRP_MJ_CREATE routine (PASSIVE_LEVEL) uses them as if they were KeAcquireSpinLock.
 */
#include <wdm.h>

typedef struct _LST_EXTENSION {
    KSPIN_LOCK ClientLock;
    ULONG Clients;
} LST_EXTENSION, *PLST_EXTENSION;

_Dispatch_type_(IRP_MJ_CREATE)
DRIVER_DISPATCH LstDispatchCreate;

_Use_decl_annotations_
NTSTATUS
LstDispatchCreate(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    PLST_EXTENSION ext = (PLST_EXTENSION)DeviceObject->DeviceExtension;

    KeAcquireSpinLockAtDpcLevel(&ext->ClientLock); // expect: wdm/IrqlTooLow trace=13 basis=contract
    ext->Clients++;
    KeReleaseSpinLockFromDpcLevel(&ext->ClientLock); // expect: wdm/IrqlTooLow trace=13 basis=contract

    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
