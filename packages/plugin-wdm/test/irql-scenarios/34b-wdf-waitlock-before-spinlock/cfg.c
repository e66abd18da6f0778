/*
 * KMDF lock order done right: the work item (PASSIVE_LEVEL) takes the wait lock first, with no timeout, and only
 * then the spin lock (DISPATCH_LEVEL) for the short state update.
 */
#include <ntddk.h>
#include <wdf.h>

typedef struct _CFGX_CONTEXT {
    WDFSPINLOCK StateLock;
    WDFWAITLOCK ConfigLock;
    ULONG PendingMode;
    ULONG ActiveMode;
} CFGX_CONTEXT, *PCFGX_CONTEXT;

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(CFGX_CONTEXT, CfgxGetContext)

EVT_WDF_WORKITEM CfgxEvtApplyMode;

VOID
CfgxEvtApplyMode(
    _In_ WDFWORKITEM WorkItem
    )
{
    PCFGX_CONTEXT ctx = CfgxGetContext(WdfWorkItemGetParentObject(WorkItem));

    WdfWaitLockAcquire(ctx->ConfigLock, NULL);
    WdfSpinLockAcquire(ctx->StateLock);
    ctx->ActiveMode = ctx->PendingMode;
    WdfSpinLockRelease(ctx->StateLock);
    WdfWaitLockRelease(ctx->ConfigLock);
}
