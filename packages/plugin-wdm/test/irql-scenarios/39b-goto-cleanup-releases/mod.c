/*
 * Every path out of the locked region goes through the "cleanup" label, which releases the lock; the registry handle
 * is closed after the release, at PASSIVE_LEVEL.
 */
#include <wdm.h>

typedef struct _MOD_EXTENSION {
    KSPIN_LOCK RequestLock;
    LIST_ENTRY Requests;
    BOOLEAN Removed;
    HANDLE StaleKey;
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
    NTSTATUS status = STATUS_PENDING;
    HANDLE staleKey;
    KIRQL oldIrql;

    KeAcquireSpinLock(&ext->RequestLock, &oldIrql);
    staleKey = ext->StaleKey;
    ext->StaleKey = NULL;
    if (ext->Removed) {
        status = STATUS_DELETE_PENDING;
        goto cleanup;
    }
    IoMarkIrpPending(Irp);
    InsertTailList(&ext->Requests, &Irp->Tail.Overlay.ListEntry);

cleanup:
    KeReleaseSpinLock(&ext->RequestLock, oldIrql);
    if (staleKey != NULL) {
        ZwClose(staleKey);
    }
    if (status != STATUS_PENDING) {
        Irp->IoStatus.Status = status;
        Irp->IoStatus.Information = 0;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
    }
    return status;
}
