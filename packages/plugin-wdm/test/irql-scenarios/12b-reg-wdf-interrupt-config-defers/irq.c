/*
 * The same interrupt (WDF_INTERRUPT_CONFIG_INIT(&config, Isr, Dpc)) split correctly: the ISR only acknowledges
 * the device and queues the DPC (WdfInterruptQueueDpcForIsr is allowed up to DIRQL); the DPC completes the
 * request (<= DISPATCH_LEVEL) under the WDF spin lock.
 */
#include <ntddk.h>
#include <wdf.h>

typedef struct _IRQ_CONTEXT {
    WDFINTERRUPT Interrupt;
    WDFSPINLOCK RequestLock;
    WDFREQUEST CurrentRequest;
    PULONG Registers;
    ULONG LatchedStatus;
} IRQ_CONTEXT, *PIRQ_CONTEXT;

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(IRQ_CONTEXT, IrqGetContext)

BOOLEAN
IrqEvtInterruptIsr(
    _In_ WDFINTERRUPT Interrupt,
    _In_ ULONG MessageID
    )
{
    PIRQ_CONTEXT ctx = IrqGetContext(WdfInterruptGetDevice(Interrupt));
    ULONG status;

    UNREFERENCED_PARAMETER(MessageID);

    status = READ_REGISTER_ULONG(ctx->Registers);
    if ((status & 1) == 0) {
        return FALSE;
    }
    WRITE_REGISTER_ULONG(ctx->Registers, status);
    ctx->LatchedStatus = status;
    WdfInterruptQueueDpcForIsr(Interrupt);
    return TRUE;
}

VOID
IrqEvtInterruptDpc(
    _In_ WDFINTERRUPT Interrupt,
    _In_ WDFOBJECT AssociatedObject
    )
{
    PIRQ_CONTEXT ctx = IrqGetContext(WdfInterruptGetDevice(Interrupt));
    WDFREQUEST request;

    UNREFERENCED_PARAMETER(AssociatedObject);

    WdfSpinLockAcquire(ctx->RequestLock);
    request = ctx->CurrentRequest;
    ctx->CurrentRequest = NULL;
    WdfSpinLockRelease(ctx->RequestLock);
    if (request != NULL) {
        WdfRequestComplete(request, (ctx->LatchedStatus & 2) ? STATUS_DEVICE_DATA_ERROR : STATUS_SUCCESS);
    }
}

EVT_WDF_DEVICE_PREPARE_HARDWARE IrqEvtDevicePrepareHardware;

NTSTATUS
IrqEvtDevicePrepareHardware(
    _In_ WDFDEVICE Device,
    _In_ WDFCMRESLIST ResourcesRaw,
    _In_ WDFCMRESLIST ResourcesTranslated
    )
{
    PIRQ_CONTEXT ctx = IrqGetContext(Device);
    WDF_INTERRUPT_CONFIG interruptConfig;

    WDF_INTERRUPT_CONFIG_INIT(&interruptConfig, IrqEvtInterruptIsr, IrqEvtInterruptDpc);
    interruptConfig.InterruptRaw = WdfCmResourceListGetDescriptor(ResourcesRaw, 0);
    interruptConfig.InterruptTranslated = WdfCmResourceListGetDescriptor(ResourcesTranslated, 0);
    return WdfInterruptCreate(Device, &interruptConfig, WDF_NO_OBJECT_ATTRIBUTES, &ctx->Interrupt);
}
