/*
 * Nested spin locks: the close routine takes the device lock, then the file's lock; after releasing the inner lock
 * the IRQL goes back to what the inner acquire saved (DISPATCH_LEVEL, the outer lock is still held), so the
 * ZwClose made before the outer release runs at DISPATCH_LEVEL.
 */
#include <wdm.h>

typedef struct _SES_FILE {
    LIST_ENTRY Link;
    KSPIN_LOCK FileLock;
    HANDLE Backing;
    BOOLEAN Open;
} SES_FILE, *PSES_FILE;

typedef struct _SES_EXTENSION {
    KSPIN_LOCK DeviceLock;
    ULONG OpenFiles;
} SES_EXTENSION, *PSES_EXTENSION;

_Dispatch_type_(IRP_MJ_CLOSE)
DRIVER_DISPATCH SesDispatchClose;

_Use_decl_annotations_
NTSTATUS
SesDispatchClose(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    PSES_EXTENSION ext = (PSES_EXTENSION)DeviceObject->DeviceExtension;
    PSES_FILE file = (PSES_FILE)IoGetCurrentIrpStackLocation(Irp)->FileObject->FsContext;
    HANDLE backing;
    KIRQL deviceIrql;
    KIRQL fileIrql;

    KeAcquireSpinLock(&ext->DeviceLock, &deviceIrql);
    KeAcquireSpinLock(&file->FileLock, &fileIrql);
    backing = file->Backing;
    file->Backing = NULL;
    file->Open = FALSE;
    KeReleaseSpinLock(&file->FileLock, fileIrql);
    if (backing != NULL) {
        ZwClose(backing); // expect: wdm/IrqlTooHigh trace=36 basis=proven
    }
    ext->OpenFiles--;
    KeReleaseSpinLock(&ext->DeviceLock, deviceIrql);

    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
