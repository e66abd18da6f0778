/*
 * The interrupt DPC done right: declared EVT_WDF_INTERRUPT_DPC (DISPATCH_LEVEL), it copies the report the ISR
 * latched under the interrupt lock and completes the waiting request; every call is allowed at DISPATCH_LEVEL.
 */
#include <ntddk.h>
#include <wdf.h>

typedef struct _HIDX_CONTEXT {
    WDFQUEUE PendingReads;
    UCHAR LatchedReport[16];
} HIDX_CONTEXT, *PHIDX_CONTEXT;

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(HIDX_CONTEXT, HidxGetContext)

EVT_WDF_INTERRUPT_DPC HidxEvtInterruptDpc;

VOID
HidxEvtInterruptDpc(
    _In_ WDFINTERRUPT Interrupt,
    _In_ WDFOBJECT AssociatedObject
    )
{
    PHIDX_CONTEXT ctx = HidxGetContext(AssociatedObject);
    WDFREQUEST request;
    PVOID buffer;
    NTSTATUS status;

    status = WdfIoQueueRetrieveNextRequest(ctx->PendingReads, &request);
    if (!NT_SUCCESS(status)) {
        return;
    }
    status = WdfRequestRetrieveOutputBuffer(request, sizeof(ctx->LatchedReport), &buffer, NULL);
    if (NT_SUCCESS(status)) {
        WdfInterruptAcquireLock(Interrupt);
        RtlCopyMemory(buffer, ctx->LatchedReport, sizeof(ctx->LatchedReport));
        WdfInterruptReleaseLock(Interrupt);
    }
    WdfRequestCompleteWithInformation(request, status, NT_SUCCESS(status) ? sizeof(ctx->LatchedReport) : 0);
}
