/*
 * A completion routine (declared IO_COMPLETION_ROUTINE, PASSIVE_LEVEL..DISPATCH_LEVEL) closes the transfer's file
 * handle only "if (KeGetCurrentIrql() <= APC_LEVEL)". The guard narrows the IRQL to PASSIVE_LEVEL..APC_LEVEL, which
 * is still not enough for ZwClose (PASSIVE_LEVEL only): the finding says "may run at PASSIVE_LEVEL..APC_LEVEL".
 */
#include <wdm.h>

typedef struct _XFER_CONTEXT {
    HANDLE SourceFile;
    PIO_WORKITEM CloseWorkItem;
} XFER_CONTEXT, *PXFER_CONTEXT;

IO_WORKITEM_ROUTINE XferCloseWorker;

VOID
XferCloseWorker(
    _In_ PDEVICE_OBJECT DeviceObject,
    _In_opt_ PVOID Context
    )
{
    PXFER_CONTEXT ctx = (PXFER_CONTEXT)Context;

    UNREFERENCED_PARAMETER(DeviceObject);

    ZwClose(ctx->SourceFile);
}

IO_COMPLETION_ROUTINE XferComplete;

NTSTATUS
XferComplete(
    _In_ PDEVICE_OBJECT DeviceObject,
    _In_ PIRP Irp,
    _In_reads_opt_(_Inexpressible_("varies")) PVOID Context
    )
{
    PXFER_CONTEXT ctx = (PXFER_CONTEXT)Context;

    UNREFERENCED_PARAMETER(DeviceObject);

    if (Irp->PendingReturned) {
        IoMarkIrpPending(Irp);
    }
    if (KeGetCurrentIrql() <= APC_LEVEL) {
        ZwClose(ctx->SourceFile); // expect: wdm/IrqlTooHigh trace=28 basis=contract
    } else {
        IoQueueWorkItem(ctx->CloseWorkItem, XferCloseWorker, DelayedWorkQueue, ctx);
    }
    return STATUS_CONTINUE_COMPLETION;
}
