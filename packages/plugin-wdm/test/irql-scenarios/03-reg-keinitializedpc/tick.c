/*
 * A periodic statistics DPC, registered with KeInitializeDpc (no role declaration), writes the counters to a log
 * file: ZwWriteFile needs PASSIVE_LEVEL and a DPC runs at DISPATCH_LEVEL.
 */
#include <wdm.h>

#define TICK_TAG 'kciT'

typedef struct _TICK_EXTENSION {
    KDPC StatsDpc;
    KTIMER StatsTimer;
    HANDLE LogFile;
    volatile LONG Interrupts;
    volatile LONG Transfers;
} TICK_EXTENSION, *PTICK_EXTENSION;

typedef struct _TICK_RECORD {
    LONG Interrupts;
    LONG Transfers;
} TICK_RECORD;

VOID
TickStatsDpc(
    _In_ PKDPC Dpc,
    _In_opt_ PVOID DeferredContext,
    _In_opt_ PVOID SystemArgument1,
    _In_opt_ PVOID SystemArgument2
    )
{
    PTICK_EXTENSION ext = (PTICK_EXTENSION)DeferredContext;
    IO_STATUS_BLOCK iosb;
    TICK_RECORD record;

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);

    record.Interrupts = InterlockedExchange(&ext->Interrupts, 0);
    record.Transfers = InterlockedExchange(&ext->Transfers, 0);
    ZwWriteFile(ext->LogFile, NULL, NULL, NULL, &iosb, &record, sizeof(record), NULL, NULL); // expect: wdm/IrqlTooHigh trace=63 basis=contract
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

    KeInitializeDpc(&ext->StatsDpc, TickStatsDpc, ext);
    KeInitializeTimerEx(&ext->StatsTimer, NotificationTimer);
    due.QuadPart = -10 * 1000 * 1000;
    KeSetTimerEx(&ext->StatsTimer, due, 1000, &ext->StatsDpc);
    return STATUS_SUCCESS;
}
