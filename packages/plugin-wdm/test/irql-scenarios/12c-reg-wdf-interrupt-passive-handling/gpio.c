/*
 * A passive-level interrupt (interruptConfig.PassiveHandling = TRUE, typical for GPIO/I2C devices): KMDF calls the
 * ISR registered by WDF_INTERRUPT_CONFIG_INIT at PASSIVE_LEVEL, so the ISR may talk to the I2C controller
 * synchronously (WdfIoTargetSendIoctlSynchronously needs PASSIVE_LEVEL).
 */
#include <ntddk.h>
#include <wdf.h>

#define IOCTL_I2C_READ_STATUS CTL_CODE(FILE_DEVICE_UNKNOWN, 0x960, METHOD_BUFFERED, FILE_ANY_ACCESS)

typedef struct _GPX_CONTEXT {
    WDFINTERRUPT Interrupt;
    WDFIOTARGET I2cTarget;
    UCHAR Status;
} GPX_CONTEXT, *PGPX_CONTEXT;

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(GPX_CONTEXT, GpxGetContext)

BOOLEAN
GpxEvtInterruptIsr(
    _In_ WDFINTERRUPT Interrupt,
    _In_ ULONG MessageID
    )
{
    PGPX_CONTEXT ctx = GpxGetContext(WdfInterruptGetDevice(Interrupt));
    WDF_MEMORY_DESCRIPTOR output;
    ULONG_PTR returned;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(MessageID);

    WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(&output, &ctx->Status, sizeof(ctx->Status));
    status = WdfIoTargetSendIoctlSynchronously(ctx->I2cTarget, NULL, IOCTL_I2C_READ_STATUS, NULL, &output, NULL, &returned);
    return NT_SUCCESS(status) && (ctx->Status & 1) != 0;
}

EVT_WDF_DEVICE_PREPARE_HARDWARE GpxEvtDevicePrepareHardware;

NTSTATUS
GpxEvtDevicePrepareHardware(
    _In_ WDFDEVICE Device,
    _In_ WDFCMRESLIST ResourcesRaw,
    _In_ WDFCMRESLIST ResourcesTranslated
    )
{
    PGPX_CONTEXT ctx = GpxGetContext(Device);
    WDF_INTERRUPT_CONFIG interruptConfig;

    WDF_INTERRUPT_CONFIG_INIT(&interruptConfig, GpxEvtInterruptIsr, NULL);
    interruptConfig.PassiveHandling = TRUE;
    interruptConfig.InterruptRaw = WdfCmResourceListGetDescriptor(ResourcesRaw, 0);
    interruptConfig.InterruptTranslated = WdfCmResourceListGetDescriptor(ResourcesTranslated, 0);
    return WdfInterruptCreate(Device, &interruptConfig, WDF_NO_OBJECT_ATTRIBUTES, &ctx->Interrupt);
}
