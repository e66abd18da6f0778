/*
 * driver.c - DriverEntry, AddDevice, Unload, PnP, create/close and the allocation helpers
 * of the wdm-ramdisk example driver.
 *
 * Deliberate defects are marked "Defect:"; examples/README.md lists them with the rule
 * that reports each one.
 */
#include "driver.h"

UNICODE_STRING RamDiskRegistryPath;

#ifdef ALLOC_PRAGMA
#pragma alloc_text(INIT, DriverEntry)
#pragma alloc_text(PAGE, RamDiskAddDevice)
#pragma alloc_text(PAGE, RamDiskUnload)
#pragma alloc_text(PAGE, RamDiskDispatchCreateClose)
#pragma alloc_text(PAGE, RamDiskDispatchPnp)
#pragma alloc_text(PAGE, RamDiskReadParameters)
#endif

_Use_decl_annotations_
NTSTATUS
DriverEntry(
    PDRIVER_OBJECT DriverObject,
    PUNICODE_STRING RegistryPath
    )
{
    //
    // Keep a copy of the service key for RamDiskReadParameters.
    // Defect: ExAllocatePool is deprecated (untagged, uninitialised memory). The IRQL is fine:
    // DriverEntry runs at PASSIVE_LEVEL, where paged pool may be allocated.
    //
    RamDiskRegistryPath.Buffer = (PWCH)ExAllocatePool(PagedPool, RegistryPath->Length + sizeof(WCHAR));
    if (RamDiskRegistryPath.Buffer == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    RamDiskRegistryPath.Length = 0;
    RamDiskRegistryPath.MaximumLength = RegistryPath->Length + sizeof(WCHAR);
    RtlCopyUnicodeString(&RamDiskRegistryPath, RegistryPath);

    DriverObject->DriverUnload = RamDiskUnload;
    DriverObject->DriverExtension->AddDevice = RamDiskAddDevice;
    DriverObject->MajorFunction[IRP_MJ_CREATE] = RamDiskDispatchCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = RamDiskDispatchCreateClose;
    DriverObject->MajorFunction[IRP_MJ_READ] = RamDiskDispatchReadWrite;
    DriverObject->MajorFunction[IRP_MJ_WRITE] = RamDiskDispatchReadWrite;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = RamDiskDispatchDeviceControl;
    DriverObject->MajorFunction[IRP_MJ_PNP] = RamDiskDispatchPnp;

    return STATUS_SUCCESS;
}

_Use_decl_annotations_
VOID
RamDiskUnload(
    PDRIVER_OBJECT DriverObject
    )
{
    PAGED_CODE();
    UNREFERENCED_PARAMETER(DriverObject);

    if (RamDiskRegistryPath.Buffer != NULL) {
        ExFreePool(RamDiskRegistryPath.Buffer);
        RamDiskRegistryPath.Buffer = NULL;
    }
}

_Use_decl_annotations_
NTSTATUS
RamDiskAddDevice(
    PDRIVER_OBJECT DriverObject,
    PDEVICE_OBJECT PhysicalDeviceObject
    )
{
    NTSTATUS status;
    PDEVICE_OBJECT device = NULL;
    PRAMDISK_EXTENSION ext;

    PAGED_CODE();

    status = IoCreateDevice(DriverObject,
                            sizeof(RAMDISK_EXTENSION),
                            NULL,
                            FILE_DEVICE_DISK,
                            FILE_DEVICE_SECURE_OPEN,
                            FALSE,
                            &device);
    if (!NT_SUCCESS(status)) {
        return status;
    }

    ext = (PRAMDISK_EXTENSION)device->DeviceExtension;
    RtlZeroMemory(ext, sizeof(RAMDISK_EXTENSION));
    ext->Self = device;
    ext->ImageSize = RAMDISK_DEFAULT_SIZE;
    KeInitializeSpinLock(&ext->Lock);
    KeInitializeSpinLock(&ext->StatsLock);
    InitializeListHead(&ext->PendingWrites);
    InitializeListHead(&ext->History);
    KeInitializeDpc(&ext->WriteBehindDpc, RamDiskWriteBehindDpc, ext);

    status = RamDiskReadParameters(ext);
    if (!NT_SUCCESS(status)) {
        IoDeleteDevice(device);
        return status;
    }

    //
    // Defect: ExAllocatePoolWithTag is deprecated (uninitialised memory; the RtlZeroMemory
    // below is what ExAllocatePool2 would do for free). The IRQL and the pool type are fine.
    //
    ext->Image = (PUCHAR)ExAllocatePoolWithTag(NonPagedPoolNx, ext->ImageSize, RAMDISK_TAG_IMAGE);
    if (ext->Image == NULL) {
        IoDeleteDevice(device);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    RtlZeroMemory(ext->Image, ext->ImageSize);

    ext->LowerDevice = IoAttachDeviceToDeviceStack(device, PhysicalDeviceObject);
    if (ext->LowerDevice == NULL) {
        ExFreePoolWithTag(ext->Image, RAMDISK_TAG_IMAGE);
        IoDeleteDevice(device);
        return STATUS_NO_SUCH_DEVICE;
    }

    device->Flags |= DO_DIRECT_IO | DO_POWER_PAGABLE;
    device->Flags &= ~DO_DEVICE_INITIALIZING;
    return STATUS_SUCCESS;
}

_Use_decl_annotations_
NTSTATUS
RamDiskReadParameters(
    PRAMDISK_EXTENSION Extension
    )
{
    OBJECT_ATTRIBUTES attributes;
    UNICODE_STRING valueName;
    HANDLE key = NULL;
    PKEY_VALUE_PARTIAL_INFORMATION info;
    ULONG infoLength = sizeof(KEY_VALUE_PARTIAL_INFORMATION) + sizeof(ULONG);
    ULONG resultLength = 0;
    ULONG size = 0;
    NTSTATUS status;

    PAGED_CODE();

    InitializeObjectAttributes(&attributes,
                               &RamDiskRegistryPath,
                               OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE,
                               NULL,
                               NULL);
    status = ZwOpenKey(&key, KEY_READ, &attributes);
    if (!NT_SUCCESS(status)) {
        return STATUS_SUCCESS;      // no key: keep the defaults
    }

    // Correct: paged pool at PASSIVE_LEVEL, zeroed by ExAllocatePool2.
    info = (PKEY_VALUE_PARTIAL_INFORMATION)ExAllocatePool2(POOL_FLAG_PAGED, infoLength, RAMDISK_TAG_PATH);
    if (info == NULL) {
        ZwClose(key);
        return STATUS_INSUFFICIENT_RESOURCES;
    }

    RtlInitUnicodeString(&valueName, L"ImageSize");
    status = ZwQueryValueKey(key, &valueName, KeyValuePartialInformation, info, infoLength, &resultLength);
    if (NT_SUCCESS(status) && info->Type == REG_DWORD && info->DataLength == sizeof(ULONG)) {
        RtlCopyMemory(&size, info->Data, sizeof(ULONG));
        if (size >= RAMDISK_SECTOR_SIZE && size <= 16 * RAMDISK_DEFAULT_SIZE) {
            Extension->ImageSize = size & ~(RAMDISK_SECTOR_SIZE - 1);
        }
    }

    ExFreePoolWithTag(info, RAMDISK_TAG_PATH);
    ZwClose(key);
    return STATUS_SUCCESS;
}

_Use_decl_annotations_
NTSTATUS
RamDiskDispatchCreateClose(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    PAGED_CODE();
    UNREFERENCED_PARAMETER(DeviceObject);

    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

_Use_decl_annotations_
NTSTATUS
RamDiskStartCompletion(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp,
    PVOID Context
    )
{
    UNREFERENCED_PARAMETER(DeviceObject);

    // Hand the IRP back to RamDiskDispatchPnp, which waits for this event.
    if (Irp->PendingReturned) {
        KeSetEvent((PKEVENT)Context, IO_NO_INCREMENT, FALSE);
    }
    return STATUS_MORE_PROCESSING_REQUIRED;
}

_Use_decl_annotations_
NTSTATUS
RamDiskDispatchPnp(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    PRAMDISK_EXTENSION ext = (PRAMDISK_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    PDEVICE_OBJECT lower = ext->LowerDevice;
    KEVENT started;
    NTSTATUS status;

    PAGED_CODE();

    switch (stack->MinorFunction) {
    case IRP_MN_START_DEVICE:
        KeInitializeEvent(&started, NotificationEvent, FALSE);
        IoCopyCurrentIrpStackLocationToNext(Irp);
        IoSetCompletionRoutine(Irp, RamDiskStartCompletion, &started, TRUE, TRUE, TRUE);
        status = IoCallDriver(lower, Irp);
        if (status == STATUS_PENDING) {
            KeWaitForSingleObject(&started, Executive, KernelMode, FALSE, NULL);
            status = Irp->IoStatus.Status;
        }
        Irp->IoStatus.Status = status;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return status;

    case IRP_MN_REMOVE_DEVICE:
        Irp->IoStatus.Status = STATUS_SUCCESS;
        IoSkipCurrentIrpStackLocation(Irp);
        status = IoCallDriver(lower, Irp);

        // No write-behind DPC may still be running when the extension goes away.
        KeRemoveQueueDpc(&ext->WriteBehindDpc);
        KeFlushQueuedDpcs();
        RamDiskFreeHistory(ext);
        if (ext->Label != NULL) {
            ExFreePoolWithTag(ext->Label, RAMDISK_TAG_LABEL);
            ext->Label = NULL;
        }
        ExFreePoolWithTag(ext->Image, RAMDISK_TAG_IMAGE);
        IoDetachDevice(lower);
        IoDeleteDevice(DeviceObject);
        return status;

    default:
        IoSkipCurrentIrpStackLocation(Irp);
        return IoCallDriver(lower, Irp);
    }
}

//
// Allocates one IOCTL history record; the caller links it into Extension->History.
//
_Use_decl_annotations_
PRAMDISK_HISTORY_ENTRY
RamDiskAllocateHistoryEntry(
    ULONG IoControlCode
    )
{
    PRAMDISK_HISTORY_ENTRY entry;

    //
    // Defect: RamDiskDispatchDeviceControl (io.c) calls this helper while it holds ext->Lock,
    // i.e. at DISPATCH_LEVEL, and paged pool cannot be allocated there. The allocator is
    // also the deprecated one.
    //
    entry = (PRAMDISK_HISTORY_ENTRY)ExAllocatePoolWithTag(PagedPool, sizeof(RAMDISK_HISTORY_ENTRY), RAMDISK_TAG_HISTORY);
    if (entry != NULL) {
        RtlZeroMemory(entry, sizeof(RAMDISK_HISTORY_ENTRY));
        entry->IoControlCode = IoControlCode;
        KeQuerySystemTimePrecise(&entry->Time);
    }
    return entry;
}

//
// Frees the IOCTL history. The records are paged, so they are unlinked under the lock
// and freed only after it is released.
//
_Use_decl_annotations_
VOID
RamDiskFreeHistory(
    PRAMDISK_EXTENSION Extension
    )
{
    LIST_ENTRY detached;
    PLIST_ENTRY link;
    KIRQL oldIrql;

    InitializeListHead(&detached);

    KeAcquireSpinLock(&Extension->Lock, &oldIrql);
    while (!IsListEmpty(&Extension->History)) {
        InsertTailList(&detached, RemoveHeadList(&Extension->History));
    }
    Extension->HistoryCount = 0;
    KeReleaseSpinLock(&Extension->Lock, oldIrql);

    while (!IsListEmpty(&detached)) {
        link = RemoveHeadList(&detached);
        ExFreePoolWithTag(CONTAINING_RECORD(link, RAMDISK_HISTORY_ENTRY, Link), RAMDISK_TAG_HISTORY);
    }
}
