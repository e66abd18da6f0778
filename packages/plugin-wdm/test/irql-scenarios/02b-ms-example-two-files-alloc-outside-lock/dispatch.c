#include "ring.h"

_Dispatch_type_(IRP_MJ_WRITE)
DRIVER_DISPATCH RingDispatchWrite;

_Use_decl_annotations_
NTSTATUS
RingDispatchWrite(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    PRING_EXTENSION ext = (PRING_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    ULONG length = stack->Parameters.Write.Length;
    PRING_ENTRY entry;
    NTSTATUS status = STATUS_SUCCESS;
    KIRQL oldIrql;

    /* Allocate first, at PASSIVE_LEVEL; take the lock only to link the entry in. */
    entry = RingAllocateEntry(length);
    if (entry == NULL) {
        status = STATUS_INSUFFICIENT_RESOURCES;
    } else {
        RtlCopyMemory(entry->Data, Irp->AssociatedIrp.SystemBuffer, length);
        KeAcquireSpinLock(&ext->RingLock, &oldIrql);
        InsertTailList(&ext->Entries, &entry->Link);
        ext->EntryCount++;
        KeReleaseSpinLock(&ext->RingLock, oldIrql);
    }

    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = NT_SUCCESS(status) ? length : 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}
