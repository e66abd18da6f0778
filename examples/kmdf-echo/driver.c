/*
 * driver.c - DriverEntry, EvtDriverDeviceAdd and the device cleanup callback of the
 * kmdf-echo example driver.
 *
 * Deliberate defects are marked "Defect:"; examples/README.md lists them with the rule
 * that reports each one.
 */
#include "driver.h"

static LONG EchoInstanceCount = 0;

#ifdef ALLOC_PRAGMA
#pragma alloc_text(INIT, DriverEntry)
#pragma alloc_text(PAGE, EchoEvtDeviceAdd)
#pragma alloc_text(PAGE, EchoEvtDeviceContextCleanup)
#endif

_Use_decl_annotations_
NTSTATUS
DriverEntry(
    PDRIVER_OBJECT DriverObject,
    PUNICODE_STRING RegistryPath
    )
{
    WDF_DRIVER_CONFIG config;
    NTSTATUS status;

    WDF_DRIVER_CONFIG_INIT(&config, EchoEvtDeviceAdd);

    status = WdfDriverCreate(DriverObject, RegistryPath, WDF_NO_OBJECT_ATTRIBUTES, &config, WDF_NO_HANDLE);
    if (!NT_SUCCESS(status)) {
        DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_ERROR_LEVEL, "kmdf-echo: WdfDriverCreate failed 0x%08X\n", status);
    }
    return status;
}

_Use_decl_annotations_
NTSTATUS
EchoEvtDeviceAdd(
    WDFDRIVER Driver,
    PWDFDEVICE_INIT DeviceInit
    )
{
    WDF_OBJECT_ATTRIBUTES attributes;
    UNICODE_STRING linkName;
    PDEVICE_CONTEXT ctx;
    WDFDEVICE device;
    PWCHAR linkBuffer;
    LONG instance;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(Driver);
    PAGED_CODE();

    WdfDeviceInitSetIoType(DeviceInit, WdfDeviceIoBuffered);

    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, DEVICE_CONTEXT);
    attributes.EvtCleanupCallback = EchoEvtDeviceContextCleanup;
    status = WdfDeviceCreate(&DeviceInit, &attributes, &device);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    ctx = DeviceGetContext(device);

    WDF_OBJECT_ATTRIBUTES_INIT(&attributes);
    attributes.ParentObject = device;
    status = WdfSpinLockCreate(&attributes, &ctx->BufferLock);
    if (!NT_SUCCESS(status)) {
        return status;
    }

    //
    // Defect: ExAllocatePoolWithTag is deprecated and returns uninitialised memory (hence the
    // RtlZeroMemory). The IRQL is fine: PASSIVE_LEVEL, and the pool is non-paged anyway.
    //
    ctx->Buffer = ExAllocatePoolWithTag(NonPagedPoolNx, ECHO_INITIAL_LENGTH, ECHO_TAG_BUFFER);
    if (ctx->Buffer == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    RtlZeroMemory(ctx->Buffer, ECHO_INITIAL_LENGTH);
    ctx->BufferLength = 0;

    //
    // Correct: a paged buffer for the symbolic link name, at PASSIVE_LEVEL in a PAGED_CODE
    // function; WdfDeviceCreateSymbolicLink copies the string, so it is freed right away.
    //
    linkBuffer = (PWCHAR)ExAllocatePool2(POOL_FLAG_PAGED, ECHO_LINK_CHARS * sizeof(WCHAR), ECHO_TAG_LINK);
    if (linkBuffer == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    instance = InterlockedIncrement(&EchoInstanceCount);
    status = RtlStringCchPrintfW(linkBuffer, ECHO_LINK_CHARS, L"\\DosDevices\\KmdfEcho%ld", instance);
    if (NT_SUCCESS(status)) {
        RtlInitUnicodeString(&linkName, linkBuffer);
        status = WdfDeviceCreateSymbolicLink(device, &linkName);
    }
    ExFreePoolWithTag(linkBuffer, ECHO_TAG_LINK);
    if (!NT_SUCCESS(status)) {
        return status;
    }

    return EchoQueueInitialize(device);
}

_Use_decl_annotations_
VOID
EchoEvtDeviceContextCleanup(
    WDFOBJECT Object
    )
{
    PDEVICE_CONTEXT ctx = DeviceGetContext((WDFDEVICE)Object);

    PAGED_CODE();

    if (ctx->Buffer != NULL) {
        ExFreePoolWithTag(ctx->Buffer, ECHO_TAG_BUFFER);
        ctx->Buffer = NULL;
    }
}
