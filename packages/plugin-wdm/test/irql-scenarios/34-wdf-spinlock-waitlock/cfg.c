/*
 * KMDF locks: WdfSpinLockAcquire raises to DISPATCH_LEVEL; the work item (PASSIVE_LEVEL) then takes the
 * configuration wait lock with no timeout, which needs PASSIVE_LEVEL.
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

    WdfSpinLockAcquire(ctx->StateLock);
    WdfWaitLockAcquire(ctx->ConfigLock, NULL); // expect: kmdf/KmdfIrql trace=26 basis=proven
    ctx->ActiveMode = ctx->PendingMode;
    WdfWaitLockRelease(ctx->ConfigLock);
    WdfSpinLockRelease(ctx->StateLock);
}
