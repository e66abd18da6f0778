/*
 * io.c - read/write, device control, the write-behind DPC and its work item
 * of the wdm-ramdisk example driver.
 *
 * Deliberate defects are marked "Defect:"; examples/README.md lists them with the rule
 * that reports each one.
 */
#include "driver.h"

static
_IRQL_requires_max_(APC_LEVEL)
NTSTATUS
RamDiskCaptureLabel(
    _In_reads_bytes_(InputLength) PVOID InputBuffer,
    _In_ ULONG InputLength,
    _Out_writes_(RAMDISK_LABEL_CHARS + 1) PWCHAR Label
    );

#ifdef ALLOC_PRAGMA
#pragma alloc_text(PAGE, RamDiskSummaryWorker)
#pragma alloc_text(PAGE, RamDiskCaptureLabel)
#endif

_Use_decl_annotations_
NTSTATUS
RamDiskDispatchReadWrite(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    PRAMDISK_EXTENSION ext = (PRAMDISK_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    BOOLEAN isWrite = (BOOLEAN)(stack->MajorFunction == IRP_MJ_WRITE);
    PRAMDISK_PENDING_WRITE pending;
    KLOCK_QUEUE_HANDLE statsHandle;
    KIRQL oldIrql;
    ULONGLONG offset;
    ULONG length;
    PUCHAR buffer;
    NTSTATUS status = STATUS_SUCCESS;

    if (isWrite) {
        offset = (ULONGLONG)stack->Parameters.Write.ByteOffset.QuadPart;
        length = stack->Parameters.Write.Length;
    } else {
        offset = (ULONGLONG)stack->Parameters.Read.ByteOffset.QuadPart;
        length = stack->Parameters.Read.Length;
    }

    if ((offset % RAMDISK_SECTOR_SIZE) != 0 || (length % RAMDISK_SECTOR_SIZE) != 0 ||
        offset > ext->ImageSize || length > ext->ImageSize - offset) {
        status = STATUS_INVALID_PARAMETER;
        length = 0;
        goto Complete;
    }
    if (length == 0) {
        goto Complete;
    }

    buffer = (PUCHAR)MmGetSystemAddressForMdlSafe(Irp->MdlAddress, NormalPagePriority | MdlMappingNoExecute);
    if (buffer == NULL) {
        status = STATUS_INSUFFICIENT_RESOURCES;
        length = 0;
        goto Complete;
    }

    if (isWrite) {
        RtlCopyMemory(ext->Image + offset, buffer, length);
    } else {
        RtlCopyMemory(buffer, ext->Image + offset, length);
    }

    KeAcquireInStackQueuedSpinLock(&ext->StatsLock, &statsHandle);
    if (isWrite) {
        ext->BytesWritten += length;
    } else {
        ext->BytesRead += length;
    }
    KeReleaseInStackQueuedSpinLock(&statsHandle);

    if (isWrite) {
        KeAcquireSpinLock(&ext->Lock, &oldIrql);
        // Correct: non-paged pool may be allocated at DISPATCH_LEVEL, and ExAllocatePoolZero is not deprecated.
        pending = (PRAMDISK_PENDING_WRITE)ExAllocatePoolZero(NonPagedPoolNx, sizeof(RAMDISK_PENDING_WRITE), RAMDISK_TAG_PENDING);
        if (pending != NULL) {
            pending->Offset = offset;
            pending->Length = length;
            InsertTailList(&ext->PendingWrites, &pending->Link);
        }
        KeReleaseSpinLock(&ext->Lock, oldIrql);
        KeInsertQueueDpc(&ext->WriteBehindDpc, NULL, NULL);
    }

Complete:
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = length;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}

_Use_decl_annotations_
NTSTATUS
RamDiskDispatchDeviceControl(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    PRAMDISK_EXTENSION ext = (PRAMDISK_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    ULONG code = stack->Parameters.DeviceIoControl.IoControlCode;
    PVOID systemBuffer = Irp->AssociatedIrp.SystemBuffer;
    PRAMDISK_HISTORY_ENTRY entry;
    PLIST_ENTRY oldest = NULL;
    PWCHAR label = NULL;
    PWCHAR previous;
    ULONG_PTR information = 0;
    KIRQL oldIrql;
    NTSTATUS status;

    //
    // Record the request in the diagnostic history.
    //
    KeAcquireSpinLock(&ext->Lock, &oldIrql);
    entry = RamDiskAllocateHistoryEntry(code);      // Defect: see driver.c, paged pool at DISPATCH_LEVEL
    if (entry != NULL) {
        InsertTailList(&ext->History, &entry->Link);
        if (++ext->HistoryCount > RAMDISK_MAX_HISTORY) {
            oldest = RemoveHeadList(&ext->History);
            ext->HistoryCount--;
        }
    }
    KeReleaseSpinLock(&ext->Lock, oldIrql);

    // The history records are paged: free the evicted one only now that the lock is released.
    if (oldest != NULL) {
        ExFreePoolWithTag(CONTAINING_RECORD(oldest, RAMDISK_HISTORY_ENTRY, Link), RAMDISK_TAG_HISTORY);
    }

    switch (code) {
    case IOCTL_RAMDISK_GET_SIZE:
        if (stack->Parameters.DeviceIoControl.OutputBufferLength < sizeof(ULONG)) {
            status = STATUS_BUFFER_TOO_SMALL;
            break;
        }
        *(PULONG)systemBuffer = ext->ImageSize;
        information = sizeof(ULONG);
        status = STATUS_SUCCESS;
        break;

    case IOCTL_RAMDISK_SET_LABEL:
        // Correct: ext->Lock was released above, so this runs at PASSIVE_LEVEL again.
        label = (PWCHAR)ExAllocatePool2(POOL_FLAG_PAGED, (RAMDISK_LABEL_CHARS + 1) * sizeof(WCHAR), RAMDISK_TAG_LABEL);
        if (label == NULL) {
            status = STATUS_INSUFFICIENT_RESOURCES;
            break;
        }
        status = RamDiskCaptureLabel(systemBuffer, stack->Parameters.DeviceIoControl.InputBufferLength, label);
        if (!NT_SUCCESS(status)) {
            ExFreePoolWithTag(label, RAMDISK_TAG_LABEL);
            break;
        }
        KeAcquireSpinLock(&ext->Lock, &oldIrql);
        previous = ext->Label;
        ext->Label = label;
        KeReleaseSpinLock(&ext->Lock, oldIrql);
        if (previous != NULL) {
            ExFreePoolWithTag(previous, RAMDISK_TAG_LABEL);
        }
        break;

    case IOCTL_RAMDISK_WIPE:
        RtlZeroMemory(ext->Image, ext->ImageSize);
        status = STATUS_SUCCESS;
        break;

    default:
        status = STATUS_INVALID_DEVICE_REQUEST;
        break;
    }

    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = information;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}

//
// Copies a caller's label into Label, a buffer of RAMDISK_LABEL_CHARS + 1 characters, and
// NUL-terminates it.
//
_Use_decl_annotations_
static
NTSTATUS
RamDiskCaptureLabel(
    PVOID InputBuffer,
    ULONG InputLength,
    PWCHAR Label
    )
{
    ULONG chars = InputLength / sizeof(WCHAR);

    PAGED_CODE();

    if (InputBuffer == NULL || chars == 0 || chars > RAMDISK_LABEL_CHARS) {
        return STATUS_INVALID_PARAMETER;
    }
    RtlCopyMemory(Label, InputBuffer, chars * sizeof(WCHAR));
    Label[chars] = UNICODE_NULL;
    return STATUS_SUCCESS;
}

_Use_decl_annotations_
VOID
RamDiskWriteBehindDpc(
    PKDPC Dpc,
    PVOID DeferredContext,
    PVOID SystemArgument1,
    PVOID SystemArgument2
    )
{
    PRAMDISK_EXTENSION ext = (PRAMDISK_EXTENSION)DeferredContext;
    PRAMDISK_WRITE_SUMMARY summary;
    PRAMDISK_PENDING_WRITE pending;
    LIST_ENTRY drained;
    PLIST_ENTRY link;
    ULONG writes = 0;
    ULONGLONG bytes = 0;

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);

    InitializeListHead(&drained);
    KeAcquireSpinLockAtDpcLevel(&ext->Lock);
    while (!IsListEmpty(&ext->PendingWrites)) {
        InsertTailList(&drained, RemoveHeadList(&ext->PendingWrites));
    }
    KeReleaseSpinLockFromDpcLevel(&ext->Lock);

    while (!IsListEmpty(&drained)) {
        link = RemoveHeadList(&drained);
        pending = CONTAINING_RECORD(link, RAMDISK_PENDING_WRITE, Link);
        writes++;
        bytes += pending->Length;
        ExFreePoolWithTag(pending, RAMDISK_TAG_PENDING);
    }
    if (writes == 0) {
        return;
    }

    //
    // Defect: a DPC runs at DISPATCH_LEVEL, and POOL_FLAG_PAGED asks for paged pool. The work
    // item that consumes the summary runs at PASSIVE_LEVEL, but the allocation happens here.
    //
    summary = (PRAMDISK_WRITE_SUMMARY)ExAllocatePool2(POOL_FLAG_PAGED, sizeof(RAMDISK_WRITE_SUMMARY), RAMDISK_TAG_SUMMARY);
    if (summary == NULL) {
        return;
    }
    summary->Writes = writes;
    summary->Bytes = bytes;
    summary->WorkItem = IoAllocateWorkItem(ext->Self);
    if (summary->WorkItem == NULL) {
        ExFreePoolWithTag(summary, RAMDISK_TAG_SUMMARY);
        return;
    }
    IoQueueWorkItem(summary->WorkItem, RamDiskSummaryWorker, DelayedWorkQueue, summary);
}

_Use_decl_annotations_
VOID
RamDiskSummaryWorker(
    PDEVICE_OBJECT DeviceObject,
    PVOID Context
    )
{
    PRAMDISK_WRITE_SUMMARY summary = (PRAMDISK_WRITE_SUMMARY)Context;

    PAGED_CODE();
    UNREFERENCED_PARAMETER(DeviceObject);

    DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_INFO_LEVEL,
               "wdm-ramdisk: %lu writes, %I64u bytes since the last summary\n",
               summary->Writes, summary->Bytes);

    IoFreeWorkItem(summary->WorkItem);
    ExFreePoolWithTag(summary, RAMDISK_TAG_SUMMARY);
}
