/*
 * An error path jumps past the release: "goto exit" from inside the locked region leaves the function with the
 * request-list lock held (wdm/IrqlNotRestored at the acquire).
 */
#include <wdm.h>

typedef struct _MOD_EXTENSION {
    KSPIN_LOCK RequestLock;
    LIST_ENTRY Requests;
    BOOLEAN Removed;
} MOD_EXTENSION, *PMOD_EXTENSION;

_Dispatch_type_(IRP_MJ_READ)
DRIVER_DISPATCH ModDispatchRead;

_Use_decl_annotations_
NTSTATUS
ModDispatchRead(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    PMOD_EXTENSION ext = (PMOD_EXTENSION)DeviceObject->DeviceExtension;
    NTSTATUS status;
    KIRQL oldIrql;

    KeAcquireSpinLock(&ext->RequestLock, &oldIrql); // expect: wdm/IrqlNotRestored trace=27 basis=proven
    if (ext->Removed) {
        status = STATUS_DELETE_PENDING;
        goto exit;
    }
    IoMarkIrpPending(Irp);
    InsertTailList(&ext->Requests, &Irp->Tail.Overlay.ListEntry);
    KeReleaseSpinLock(&ext->RequestLock, oldIrql);
    return STATUS_PENDING;

exit:
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}
