/*
 * The cancel spin lock (IoAcquireCancelSpinLock(&irql) / IoReleaseCancelSpinLock(irql)) raises to DISPATCH_LEVEL.
 * The read routine allocates the read-ahead buffer from paged pool before taking it.
 */
#include <wdm.h>

#define CXL_TAG 'lxCP'

typedef struct _CXL_EXTENSION {
    LIST_ENTRY PendingReads;
    PVOID ReadAhead;
} CXL_EXTENSION, *PCXL_EXTENSION;

DRIVER_CANCEL CxlCancelRead;

VOID
CxlCancelRead(
    _Inout_ PDEVICE_OBJECT DeviceObject,
    _Inout_ _IRQL_uses_cancel_ PIRP Irp
    )
{
    UNREFERENCED_PARAMETER(DeviceObject);

    RemoveEntryList(&Irp->Tail.Overlay.ListEntry);
    IoReleaseCancelSpinLock(Irp->CancelIrql);
    Irp->IoStatus.Status = STATUS_CANCELLED;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
}

_Dispatch_type_(IRP_MJ_READ)
DRIVER_DISPATCH CxlDispatchRead;

_Use_decl_annotations_
NTSTATUS
CxlDispatchRead(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    PCXL_EXTENSION ext = (PCXL_EXTENSION)DeviceObject->DeviceExtension;
    KIRQL cancelIrql;

    if (ext->ReadAhead == NULL) {
        ext->ReadAhead = ExAllocatePoolWithTag(PagedPool, PAGE_SIZE, CXL_TAG);
    }
    IoAcquireCancelSpinLock(&cancelIrql);
    IoMarkIrpPending(Irp);
    IoSetCancelRoutine(Irp, CxlCancelRead);
    InsertTailList(&ext->PendingReads, &Irp->Tail.Overlay.ListEntry);
    IoReleaseCancelSpinLock(cancelIrql);
    return STATUS_PENDING;
}
