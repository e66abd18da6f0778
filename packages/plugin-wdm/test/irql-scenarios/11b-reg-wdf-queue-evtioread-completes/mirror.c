/*
 * A KMDF driver whose read callback (queueConfig.EvtIoRead) serves reads from a cached buffer with DDIs allowed
 * up to DISPATCH_LEVEL. The PASSIVE_LEVEL calls are in EvtDriverDeviceAdd (registered by WDF_DRIVER_CONFIG_INIT).
 * reportAssumed is on: missed registrations would make the PASSIVE_LEVEL calls assumed findings.
 */
#include <ntddk.h>
#include <wdf.h>

typedef struct _MIR_CONTEXT {
    UCHAR Cache[64];
    ULONG Reads;
} MIR_CONTEXT, *PMIR_CONTEXT;

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(MIR_CONTEXT, MirGetContext)

VOID
MirEvtIoRead(
    _In_ WDFQUEUE Queue,
    _In_ WDFREQUEST Request,
    _In_ size_t Length
    )
{
    PMIR_CONTEXT ctx = MirGetContext(WdfIoQueueGetDevice(Queue));
    PVOID buffer;
    size_t available;
    NTSTATUS status;

    status = WdfRequestRetrieveOutputBuffer(Request, 1, &buffer, &available);
    if (!NT_SUCCESS(status)) {
        WdfRequestComplete(Request, status);
        return;
    }
    if (Length < available) {
        available = Length;
    }
    if (available > sizeof(ctx->Cache)) {
        available = sizeof(ctx->Cache);
    }
    RtlCopyMemory(buffer, ctx->Cache, available);
    ctx->Reads++;
    WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, available);
}

NTSTATUS
MirEvtDeviceAdd(
    _In_ WDFDRIVER Driver,
    _Inout_ PWDFDEVICE_INIT DeviceInit
    )
{
    WDF_OBJECT_ATTRIBUTES attributes;
    WDF_IO_QUEUE_CONFIG queueConfig;
    WDFDEVICE device;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(Driver);

    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, MIR_CONTEXT);
    status = WdfDeviceCreate(&DeviceInit, &attributes, &device);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    status = WdfDeviceCreateDeviceInterface(device, &GUID_DEVINTERFACE_MIRROR, NULL);
    if (!NT_SUCCESS(status)) {
        return status;
    }

    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&queueConfig, WdfIoQueueDispatchParallel);
    queueConfig.EvtIoRead = MirEvtIoRead;
    return WdfIoQueueCreate(device, &queueConfig, WDF_NO_OBJECT_ATTRIBUTES, WDF_NO_HANDLE);
}

NTSTATUS
DriverEntry(
    _In_ PDRIVER_OBJECT DriverObject,
    _In_ PUNICODE_STRING RegistryPath
    )
{
    WDF_DRIVER_CONFIG config;

    WDF_DRIVER_CONFIG_INIT(&config, MirEvtDeviceAdd);
    return WdfDriverCreate(DriverObject, RegistryPath, WDF_NO_OBJECT_ATTRIBUTES, &config, WDF_NO_HANDLE);
}
