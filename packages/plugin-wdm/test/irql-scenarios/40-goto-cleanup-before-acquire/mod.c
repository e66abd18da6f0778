/*
 * A validation failure before the lock is taken jumps to a "cleanup" label that releases it: on that path
 * KeReleaseSpinLock runs at PASSIVE_LEVEL (it needs DISPATCH_LEVEL) and releases a lock that is not held.
 */
#include <wdm.h>

typedef struct _MOD_EXTENSION {
    KSPIN_LOCK RequestLock;
    LIST_ENTRY Requests;
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
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status = STATUS_PENDING;
    KIRQL oldIrql;

    if (stack->Parameters.Read.Length == 0) {
        status = STATUS_INVALID_PARAMETER;
        goto cleanup;
    }
    KeAcquireSpinLock(&ext->RequestLock, &oldIrql);
    IoMarkIrpPending(Irp);
    InsertTailList(&ext->Requests, &Irp->Tail.Overlay.ListEntry);

cleanup:
    KeReleaseSpinLock(&ext->RequestLock, oldIrql); // expect: wdm/IrqlTooLow trace=13 basis=contract
    if (status != STATUS_PENDING) {
        Irp->IoStatus.Status = status;
        Irp->IoStatus.Information = 0;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
    }
    return status;
}
