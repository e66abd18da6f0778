#include <wdm.h>
#include "devlock.h"

typedef struct _DEV_EXTENSION {
    KSPIN_LOCK Lock;
    KIRQL OldIrql;
    PVOID Buffer;
    HANDLE Log;
} DEV_EXTENSION, *PDEV_EXTENSION;

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

    ext->Buffer = ALLOC_PAGED(64);
    LOCK_DEVICE(ext);
    ZwClose(ext->Log); // expect: wdm/IrqlTooHigh trace=devlock.h:7,24 basis=proven
    UNLOCK_DEVICE(ext);
    ZwClose(ext->Log);
    UNREFERENCED_PARAMETER(Irp);
    return STATUS_SUCCESS;
}

VOID DevRefill(PDEV_EXTENSION ext)
{
    LOCK_DEVICE(ext);
    ext->Buffer = ALLOC_PAGED(32); // expect: wdm/IrqlExAllocatePool trace=devlock.h:7,34,35,devlock.h:10 basis=proven
    UNLOCK_DEVICE(ext);
}
