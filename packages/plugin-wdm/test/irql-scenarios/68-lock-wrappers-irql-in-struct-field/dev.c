/*
 * Unannotated lock wrappers that keep the saved IRQL in the device extension: DevLock acquires with
 * &Ext->LockIrql and returns holding the lock (wdm/IrqlNotRestored: it does not say so), DevUnlock releases with
 * Ext->LockIrql. The caller's ZwClose between the two runs at DISPATCH_LEVEL; the one after DevUnlock is fine.
 */
#include <wdm.h>

typedef struct _DEV_EXTENSION {
    KSPIN_LOCK Lock;
    KIRQL LockIrql;
    HANDLE PendingClose;
    HANDLE StaleHandle;
} DEV_EXTENSION, *PDEV_EXTENSION;

static VOID
DevLock(
    _Inout_ PDEV_EXTENSION Ext
    )
{
    KeAcquireSpinLock(&Ext->Lock, &Ext->LockIrql); // expect: wdm/IrqlNotRestored trace=20 basis=proven
}

static VOID
DevUnlock(
    _Inout_ PDEV_EXTENSION Ext
    )
{
    KeReleaseSpinLock(&Ext->Lock, Ext->LockIrql);
}

_Dispatch_type_(IRP_MJ_CLEANUP)
DRIVER_DISPATCH DevDispatchCleanup;

_Use_decl_annotations_
NTSTATUS
DevDispatchCleanup(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    PDEV_EXTENSION ext = (PDEV_EXTENSION)DeviceObject->DeviceExtension;
    HANDLE stale;

    DevLock(ext);
    if (ext->PendingClose != NULL) {
        ZwClose(ext->PendingClose); // expect: wdm/IrqlTooHigh trace=20,44 basis=proven
        ext->PendingClose = NULL;
    }
    stale = ext->StaleHandle;
    ext->StaleHandle = NULL;
    DevUnlock(ext);
    if (stale != NULL) {
        ZwClose(stale);
    }

    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
