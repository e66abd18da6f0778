/*
 * "if (KeGetCurrentIrql() == PASSIVE_LEVEL) close now, else defer": the then-branch is fine, but the else-branch
 * (APC_LEVEL..DISPATCH_LEVEL) allocates the deferral record from paged pool.
 */
#include <wdm.h>

#define DEFER_TAG 'fdXD'

typedef struct _DEFER_RECORD {
    WORK_QUEUE_ITEM Item;
    HANDLE Handle;
} DEFER_RECORD, *PDEFER_RECORD;

typedef struct _XFER_CONTEXT {
    HANDLE SourceFile;
} XFER_CONTEXT, *PXFER_CONTEXT;

WORKER_THREAD_ROUTINE XferDeferredClose;

VOID
XferDeferredClose(
    _In_ PVOID Parameter
    )
{
    PDEFER_RECORD record = (PDEFER_RECORD)Parameter;

    ZwClose(record->Handle);
    ExFreePoolWithTag(record, DEFER_TAG);
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
    PDEFER_RECORD record;

    UNREFERENCED_PARAMETER(DeviceObject);

    if (Irp->PendingReturned) {
        IoMarkIrpPending(Irp);
    }
    if (KeGetCurrentIrql() == PASSIVE_LEVEL) {
        ZwClose(ctx->SourceFile);
    } else {
        record = (PDEFER_RECORD)ExAllocatePoolWithTag(PagedPool, sizeof(DEFER_RECORD), DEFER_TAG); // expect: wdm/IrqlExAllocatePool trace=31 basis=contract
        if (record != NULL) {
            record->Handle = ctx->SourceFile;
            ExInitializeWorkItem(&record->Item, XferDeferredClose, record);
            ExQueueWorkItem(&record->Item, DelayedWorkQueue);
        }
    }
    return STATUS_CONTINUE_COMPLETION;
}
