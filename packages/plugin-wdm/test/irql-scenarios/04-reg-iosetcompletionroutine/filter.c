/*
 * A read filter keeps a copy of what the lower driver returned. The completion routine, registered with
 * IoSetCompletionRoutine and not declared IO_COMPLETION_ROUTINE, copies the data into paged pool: completion
 * routines may run at DISPATCH_LEVEL.
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
    PSNOOP_EXTENSION ext = (PSNOOP_EXTENSION)Context;
    ULONG length = (ULONG)Irp->IoStatus.Information;
    PVOID copy;

    UNREFERENCED_PARAMETER(DeviceObject);

    if (Irp->PendingReturned) {
        IoMarkIrpPending(Irp);
    }
    if (NT_SUCCESS(Irp->IoStatus.Status) && length != 0) {
        copy = ExAllocatePoolWithTag(PagedPool, length, SNOOP_TAG); // expect: wdm/IrqlExAllocatePool trace=56 basis=contract
        if (copy != NULL) {
            RtlCopyMemory(copy, Irp->AssociatedIrp.SystemBuffer, length);
            ext->LastRead = copy;
            ext->LastReadLength = length;
        }
    }
    return STATUS_CONTINUE_COMPLETION;
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

    IoCopyCurrentIrpStackLocationToNext(Irp);
    IoSetCompletionRoutine(Irp, SnoopReadComplete, ext, TRUE, TRUE, TRUE);
    return IoCallDriver(ext->LowerDevice, Irp);
}
