/*
 * A KMDF filter whose read callback (registered through queueConfig.EvtIoRead, no role declaration) reads the
 * lower target synchronously. EvtIoRead may be called at DISPATCH_LEVEL; WdfIoTargetSendReadSynchronously needs
 * PASSIVE_LEVEL.
 */
#include <ntddk.h>
#include <wdf.h>

typedef struct _MIR_CONTEXT {
    WDFIOTARGET Target;
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
    WDF_MEMORY_DESCRIPTOR descriptor;
    WDFMEMORY memory;
    ULONG_PTR bytesRead = 0;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(Length);

    status = WdfRequestRetrieveOutputMemory(Request, &memory);
    if (NT_SUCCESS(status)) {
        WDF_MEMORY_DESCRIPTOR_INIT_HANDLE(&descriptor, memory, NULL);
        status = WdfIoTargetSendReadSynchronously(ctx->Target, NULL, &descriptor, NULL, NULL, &bytesRead); // expect: kmdf/KmdfIrql trace=62 basis=contract
        ctx->Reads++;
    }
    WdfRequestCompleteWithInformation(Request, status, bytesRead);
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

    WdfFdoInitSetFilter(DeviceInit);
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, MIR_CONTEXT);
    status = WdfDeviceCreate(&DeviceInit, &attributes, &device);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    MirGetContext(device)->Target = WdfDeviceGetIoTarget(device);

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
