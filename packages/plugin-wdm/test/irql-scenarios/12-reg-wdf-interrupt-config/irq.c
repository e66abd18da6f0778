/*
 * WDF_INTERRUPT_CONFIG_INIT(&config, Isr, Dpc) registers both callbacks: the ISR runs at DIRQL and completes the
 * request itself (WdfRequestComplete needs <= DISPATCH_LEVEL); the DPC runs at DISPATCH_LEVEL and re-reads a
 * registry tunable (WdfRegistryQueryULong needs PASSIVE_LEVEL).
 */
#include <ntddk.h>
#include <wdf.h>

typedef struct _IRQ_CONTEXT {
    WDFINTERRUPT Interrupt;
    WDFREQUEST CurrentRequest;
    WDFKEY ParametersKey;
    PULONG Registers;
    ULONG CoalesceCount;
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
    if (ctx->CurrentRequest != NULL) {
        WdfRequestComplete(ctx->CurrentRequest, STATUS_SUCCESS); // expect: kmdf/KmdfIrql trace=69 basis=contract
        ctx->CurrentRequest = NULL;
    }
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
    DECLARE_CONST_UNICODE_STRING(valueName, L"CoalesceCount");

    UNREFERENCED_PARAMETER(AssociatedObject);

    WdfRegistryQueryULong(ctx->ParametersKey, &valueName, &ctx->CoalesceCount); // expect: kmdf/KmdfIrql trace=69 basis=contract
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
