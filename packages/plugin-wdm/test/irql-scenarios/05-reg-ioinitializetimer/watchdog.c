/*
 * A once-a-second IO timer (IoInitializeTimer) watches for a stuck transfer and opens a crash-dump file when it
 * finds one. IO timer routines run at DISPATCH_LEVEL; ZwCreateFile needs PASSIVE_LEVEL.
 */
#include <ntddk.h>

typedef struct _WD_EXTENSION {
    PIRP CurrentIrp;
    ULONG SecondsBusy;
    HANDLE DumpFile;
} WD_EXTENSION, *PWD_EXTENSION;

VOID
WdWatchdogTimer(
    _In_ PDEVICE_OBJECT DeviceObject,
    _In_opt_ PVOID Context
    )
{
    PWD_EXTENSION ext = (PWD_EXTENSION)Context;
    UNICODE_STRING name;
    OBJECT_ATTRIBUTES attributes;
    IO_STATUS_BLOCK iosb;

    UNREFERENCED_PARAMETER(DeviceObject);

    if (ext->CurrentIrp == NULL) {
        ext->SecondsBusy = 0;
        return;
    }
    if (++ext->SecondsBusy < 30 || ext->DumpFile != NULL) {
        return;
    }
    RtlInitUnicodeString(&name, L"\\SystemRoot\\wddump.bin");
    InitializeObjectAttributes(&attributes, &name, OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE, NULL, NULL);
    ZwCreateFile(&ext->DumpFile, GENERIC_WRITE, &attributes, &iosb, NULL, FILE_ATTRIBUTE_NORMAL, 0, // expect: wdm/IrqlTooHigh trace=57 basis=contract
                 FILE_OVERWRITE_IF, FILE_SYNCHRONOUS_IO_NONALERT, NULL, 0);
}

DRIVER_ADD_DEVICE WdAddDevice;

NTSTATUS
WdAddDevice(
    _In_ PDRIVER_OBJECT DriverObject,
    _In_ PDEVICE_OBJECT PhysicalDeviceObject
    )
{
    PDEVICE_OBJECT device;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(PhysicalDeviceObject);

    status = IoCreateDevice(DriverObject, sizeof(WD_EXTENSION), NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    RtlZeroMemory(device->DeviceExtension, sizeof(WD_EXTENSION));
    status = IoInitializeTimer(device, WdWatchdogTimer, device->DeviceExtension);
    if (NT_SUCCESS(status)) {
        IoStartTimer(device);
    }
    return status;
}
