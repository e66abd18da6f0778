/*
 * The fixed statistics DPC: it snapshots the counters and queues an IO work item (registered with IoQueueWorkItem,
 * so it runs at PASSIVE_LEVEL) that writes them to the log file. reportAssumed is on: had either registration been
 * missed, the routines would be analysed at the assumed PASSIVE_LEVEL..DISPATCH_LEVEL and reported.
 */
#include <wdm.h>

typedef struct _TICK_EXTENSION {
    KDPC StatsDpc;
    KTIMER StatsTimer;
    PIO_WORKITEM LogWorkItem;
    HANDLE LogFile;
    volatile LONG Interrupts;
    volatile LONG Transfers;
    volatile LONG LogPending;
    LONG SnapshotInterrupts;
    LONG SnapshotTransfers;
} TICK_EXTENSION, *PTICK_EXTENSION;

typedef struct _TICK_RECORD {
    LONG Interrupts;
    LONG Transfers;
} TICK_RECORD;

VOID
TickWriteLog(
    _In_ PDEVICE_OBJECT DeviceObject,
    _In_opt_ PVOID Context
    )
{
    PTICK_EXTENSION ext = (PTICK_EXTENSION)Context;
    IO_STATUS_BLOCK iosb;
    TICK_RECORD record;

    UNREFERENCED_PARAMETER(DeviceObject);

    record.Interrupts = ext->SnapshotInterrupts;
    record.Transfers = ext->SnapshotTransfers;
    ZwWriteFile(ext->LogFile, NULL, NULL, NULL, &iosb, &record, sizeof(record), NULL, NULL);
    InterlockedExchange(&ext->LogPending, 0);
}

VOID
TickStatsDpc(
    _In_ PKDPC Dpc,
    _In_opt_ PVOID DeferredContext,
    _In_opt_ PVOID SystemArgument1,
    _In_opt_ PVOID SystemArgument2
    )
{
    PTICK_EXTENSION ext = (PTICK_EXTENSION)DeferredContext;

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);

    if (InterlockedCompareExchange(&ext->LogPending, 1, 0) != 0) {
        return;
    }
    ext->SnapshotInterrupts = InterlockedExchange(&ext->Interrupts, 0);
    ext->SnapshotTransfers = InterlockedExchange(&ext->Transfers, 0);
    IoQueueWorkItem(ext->LogWorkItem, TickWriteLog, DelayedWorkQueue, ext);
}

NTSTATUS
DriverEntry(
    _In_ PDRIVER_OBJECT DriverObject,
    _In_ PUNICODE_STRING RegistryPath
    )
{
    PDEVICE_OBJECT device;
    PTICK_EXTENSION ext;
    LARGE_INTEGER due;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(RegistryPath);

    status = IoCreateDevice(DriverObject, sizeof(TICK_EXTENSION), NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    ext = (PTICK_EXTENSION)device->DeviceExtension;
    RtlZeroMemory(ext, sizeof(*ext));
    ext->LogWorkItem = IoAllocateWorkItem(device);
    if (ext->LogWorkItem == NULL) {
        IoDeleteDevice(device);
        return STATUS_INSUFFICIENT_RESOURCES;
    }

    KeInitializeDpc(&ext->StatsDpc, TickStatsDpc, ext);
    KeInitializeTimerEx(&ext->StatsTimer, NotificationTimer);
    due.QuadPart = -10 * 1000 * 1000;
    KeSetTimerEx(&ext->StatsTimer, due, 1000, &ext->StatsDpc);
    return STATUS_SUCCESS;
}
