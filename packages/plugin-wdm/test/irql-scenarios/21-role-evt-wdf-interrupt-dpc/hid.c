/*
 * A KMDF interrupt DPC declared EVT_WDF_INTERRUPT_DPC asks the lower driver for the report with a synchronous
 * IOCTL. WdfIoTargetSendIoctlSynchronously needs PASSIVE_LEVEL; EvtInterruptDpc runs at DISPATCH_LEVEL.
 */
#include <ntddk.h>
#include <wdf.h>

#define IOCTL_HIDX_GET_REPORT CTL_CODE(FILE_DEVICE_UNKNOWN, 0x930, METHOD_BUFFERED, FILE_ANY_ACCESS)

typedef struct _HIDX_CONTEXT {
    WDFIOTARGET Target;
    UCHAR Report[16];
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
    WDF_MEMORY_DESCRIPTOR output;
    ULONG_PTR returned;

    UNREFERENCED_PARAMETER(Interrupt);

    WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(&output, ctx->Report, sizeof(ctx->Report));
    WdfIoTargetSendIoctlSynchronously(ctx->Target, NULL, IOCTL_HIDX_GET_REPORT, NULL, &output, NULL, &returned); // expect: kmdf/KmdfIrql trace=17 basis=contract
}
