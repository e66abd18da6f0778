/*
 * KeRaiseIrql(DISPATCH_LEVEL, &old) / KeLowerIrql(old) around a firmware mailbox write that must not be preempted.
 * The reply buffer is allocated from paged pool inside the raised region; after KeLowerIrql the IRQL is back to
 * PASSIVE_LEVEL and the second (paged) allocation is fine.
 */
#include <wdm.h>

#define FW_TAG 'xbMF'

typedef struct _FW_EXTENSION {
    PULONG Mailbox;
    PVOID Reply;
    PVOID Log;
} FW_EXTENSION, *PFW_EXTENSION;

_Dispatch_type_(IRP_MJ_DEVICE_CONTROL)
DRIVER_DISPATCH FwDispatchDeviceControl;

_Use_decl_annotations_
NTSTATUS
FwDispatchDeviceControl(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    PFW_EXTENSION ext = (PFW_EXTENSION)DeviceObject->DeviceExtension;
    NTSTATUS status = STATUS_SUCCESS;
    KIRQL oldIrql;

    KeRaiseIrql(DISPATCH_LEVEL, &oldIrql);
    WRITE_REGISTER_ULONG(ext->Mailbox, 0x1);
    ext->Reply = ExAllocatePoolWithTag(PagedPool, PAGE_SIZE, FW_TAG); // expect: wdm/IrqlExAllocatePool trace=30 basis=proven
    WRITE_REGISTER_ULONG(ext->Mailbox + 1, 0x2);
    KeLowerIrql(oldIrql);

    ext->Log = ExAllocatePoolWithTag(PagedPool, PAGE_SIZE, FW_TAG);
    if (ext->Reply == NULL || ext->Log == NULL) {
        status = STATUS_INSUFFICIENT_RESOURCES;
    }
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}
