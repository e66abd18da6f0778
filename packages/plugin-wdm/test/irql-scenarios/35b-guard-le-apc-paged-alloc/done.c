/*
 * A completion routine (declared IO_COMPLETION_ROUTINE, PASSIVE_LEVEL..DISPATCH_LEVEL) copies the result into paged
 * pool only "if (KeGetCurrentIrql() <= APC_LEVEL)": the guard makes the paged allocation safe; otherwise it keeps
 * the data in the preallocated non-paged buffer.
 */
#include <wdm.h>

#define XFER_TAG 'frfX'

typedef struct _XFER_CONTEXT {
    PVOID PagedCopy;
    PVOID NonPagedBuffer;
    ULONG Length;
} XFER_CONTEXT, *PXFER_CONTEXT;

IO_COMPLETION_ROUTINE XferComplete;

NTSTATUS
XferComplete(
    _In_ PDEVICE_OBJECT DeviceObject,
    _In_ PIRP Irp,
    _In_reads_opt_(_Inexpressible_("varies")) PVOID Context
    )
{
    PXFER_CONTEXT ctx = (PXFER_CONTEXT)Context;
    ULONG length = (ULONG)Irp->IoStatus.Information;

    UNREFERENCED_PARAMETER(DeviceObject);

    if (Irp->PendingReturned) {
        IoMarkIrpPending(Irp);
    }
    if (length > ctx->Length) {
        length = ctx->Length;
    }
    if (KeGetCurrentIrql() <= APC_LEVEL) {
        ctx->PagedCopy = ExAllocatePoolWithTag(PagedPool, length, XFER_TAG);
        if (ctx->PagedCopy != NULL) {
            RtlCopyMemory(ctx->PagedCopy, Irp->AssociatedIrp.SystemBuffer, length);
        }
    } else {
        RtlCopyMemory(ctx->NonPagedBuffer, Irp->AssociatedIrp.SystemBuffer, length);
    }
    return STATUS_CONTINUE_COMPLETION;
}
