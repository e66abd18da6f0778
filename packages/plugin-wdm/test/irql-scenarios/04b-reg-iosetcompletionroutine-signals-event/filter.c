/*
 * The fixed read filter: the completion routine (registered with IoSetCompletionRoutine) only signals an event
 * without waiting, and the dispatch routine copies the data at PASSIVE_LEVEL once the lower driver is done.
 */
#include <wdm.h>

#define SNOOP_TAG 'pnSF'

typedef struct _SNOOP_EXTENSION {
    PDEVICE_OBJECT LowerDevice;
    PVOID LastRead;
    ULONG LastReadLength;
} SNOOP_EXTENSION, *PSNOOP_EXTENSION;

NTSTATUS
SnoopReadComplete(
    _In_ PDEVICE_OBJECT DeviceObject,
    _In_ PIRP Irp,
    _In_reads_opt_(_Inexpressible_("varies")) PVOID Context
    )
{
    PKEVENT done = (PKEVENT)Context;

    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Irp);

    KeSetEvent(done, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

_Dispatch_type_(IRP_MJ_READ)
DRIVER_DISPATCH SnoopDispatchRead;

_Use_decl_annotations_
NTSTATUS
SnoopDispatchRead(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    PSNOOP_EXTENSION ext = (PSNOOP_EXTENSION)DeviceObject->DeviceExtension;
    KEVENT done;
    NTSTATUS status;
    ULONG length;
    PVOID copy;

    KeInitializeEvent(&done, NotificationEvent, FALSE);
    IoCopyCurrentIrpStackLocationToNext(Irp);
    IoSetCompletionRoutine(Irp, SnoopReadComplete, &done, TRUE, TRUE, TRUE);
    status = IoCallDriver(ext->LowerDevice, Irp);
    if (status == STATUS_PENDING) {
        KeWaitForSingleObject(&done, Executive, KernelMode, FALSE, NULL);
        status = Irp->IoStatus.Status;
    }

    length = (ULONG)Irp->IoStatus.Information;
    if (NT_SUCCESS(status) && length != 0) {
        copy = ExAllocatePoolWithTag(PagedPool, length, SNOOP_TAG);
        if (copy != NULL) {
            RtlCopyMemory(copy, Irp->AssociatedIrp.SystemBuffer, length);
            ext->LastRead = copy;
            ext->LastReadLength = length;
        }
    }
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}
