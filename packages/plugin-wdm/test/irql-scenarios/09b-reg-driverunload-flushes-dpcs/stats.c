/*
 * Unload (registered through DriverObject->DriverUnload) cancels the timer, waits for queued DPCs with
 * KeFlushQueuedDpcs (PASSIVE_LEVEL only) and folds the counters under the ordinary spin lock. reportAssumed is
 * on: were the registration missed, KeFlushQueuedDpcs would be an assumed IrqlTooHigh.
 */
#include <wdm.h>

typedef struct _ST_GLOBALS {
    KSPIN_LOCK StatsLock;
    KTIMER FlushTimer;
    KDPC FlushDpc;
    ULONG Pending;
    ULONG Flushed;
    PDEVICE_OBJECT Device;
} ST_GLOBALS;

static ST_GLOBALS StGlobals;

_IRQL_requires_min_(DISPATCH_LEVEL)
static VOID
StFlushStatsAtDpc(
    VOID
    )
{
    KeAcquireSpinLockAtDpcLevel(&StGlobals.StatsLock);
    StGlobals.Flushed += StGlobals.Pending;
    StGlobals.Pending = 0;
    KeReleaseSpinLockFromDpcLevel(&StGlobals.StatsLock);
}

KDEFERRED_ROUTINE StFlushDpc;

VOID
StFlushDpc(
    _In_ PKDPC Dpc,
    _In_opt_ PVOID DeferredContext,
    _In_opt_ PVOID SystemArgument1,
    _In_opt_ PVOID SystemArgument2
    )
{
    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(DeferredContext);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);

    StFlushStatsAtDpc();
}

VOID
StUnload(
    _In_ PDRIVER_OBJECT DriverObject
    )
{
    KIRQL oldIrql;

    UNREFERENCED_PARAMETER(DriverObject);

    KeCancelTimer(&StGlobals.FlushTimer);
    KeFlushQueuedDpcs();
    KeAcquireSpinLock(&StGlobals.StatsLock, &oldIrql);
    StGlobals.Flushed += StGlobals.Pending;
    StGlobals.Pending = 0;
    KeReleaseSpinLock(&StGlobals.StatsLock, oldIrql);
    IoDeleteDevice(StGlobals.Device);
}

NTSTATUS
DriverEntry(
    _In_ PDRIVER_OBJECT DriverObject,
    _In_ PUNICODE_STRING RegistryPath
    )
{
    LARGE_INTEGER due;

    UNREFERENCED_PARAMETER(RegistryPath);

    KeInitializeSpinLock(&StGlobals.StatsLock);
    KeInitializeDpc(&StGlobals.FlushDpc, StFlushDpc, NULL);
    KeInitializeTimerEx(&StGlobals.FlushTimer, NotificationTimer);
    due.QuadPart = -10 * 1000 * 1000;
    KeSetTimerEx(&StGlobals.FlushTimer, due, 1000, &StGlobals.FlushDpc);
    DriverObject->DriverUnload = StUnload;
    return IoCreateDevice(DriverObject, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &StGlobals.Device);
}
