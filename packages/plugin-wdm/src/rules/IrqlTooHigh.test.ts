import { describe } from 'vitest';
import { RuleTester } from '@ddi-lint/core/rule-tester';
import rule from './IrqlTooHigh.js';

/** 1-based line of the first line of `code` containing `needle`. */
function lineOf(code: string, needle: string): number {
  const i = code.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`"${needle}" not in code`);
  return i + 1;
}

/** 1-based column of `needle` on its line. */
function columnOf(code: string, needle: string): number {
  return code.split('\n')[lineOf(code, needle) - 1].indexOf(needle) + 1;
}

const EXTENSION = `#include <wdm.h>

typedef struct _LOG_EXTENSION {
    KSPIN_LOCK Lock;
    KIRQL LockIrql;
    KEVENT FlushDone;
    FAST_MUTEX FileMutex;
    HANDLE LogFile;
    PKINTERRUPT Interrupt;
    PDEVICE_OBJECT LowerDevice;
    LIST_ENTRY Pending;
    ULONG Dropped;
} LOG_EXTENSION, *PLOG_EXTENSION;
`;

// ---- A DPC that reads the registry: ZwQueryValueKey is PASSIVE_LEVEL only. ----

const DPC_REGISTRY = `${EXTENSION}
KDEFERRED_ROUTINE PollDpc;

VOID
PollDpc(
    _In_ PKDPC Dpc,
    _In_opt_ PVOID DeferredContext,
    _In_opt_ PVOID SystemArgument1,
    _In_opt_ PVOID SystemArgument2
    )
{
    PLOG_EXTENSION ext = (PLOG_EXTENSION)DeferredContext;
    UNICODE_STRING name = RTL_CONSTANT_STRING(L"PollInterval");
    UCHAR buffer[sizeof(KEY_VALUE_PARTIAL_INFORMATION) + sizeof(ULONG)];
    ULONG length;

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);

    ZwQueryValueKey(ext->LogFile, &name, KeyValuePartialInformation, buffer, sizeof(buffer), &length);
}
`;

// ---- A dispatch routine that asks for a device property while it holds its spin lock. ----

const PROPERTY_UNDER_LOCK = `${EXTENSION}
_Dispatch_type_(IRP_MJ_DEVICE_CONTROL)
DRIVER_DISPATCH LogDeviceControl;

_Use_decl_annotations_
NTSTATUS
LogDeviceControl(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    PLOG_EXTENSION ext = (PLOG_EXTENSION)DeviceObject->DeviceExtension;
    WCHAR location[64];
    ULONG length = 0;
    NTSTATUS status;
    KIRQL oldIrql;

    KeAcquireSpinLock(&ext->Lock, &oldIrql);
    status = IoGetDeviceProperty(ext->LowerDevice, DevicePropertyLocationInformation, sizeof(location), location, &length);
    KeReleaseSpinLock(&ext->Lock, oldIrql);

    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}
`;

// ---- A helper that sleeps, called by a dispatch routine that holds a spin lock. ----

const SLEEP_HELPER = `${EXTENSION}
static VOID BackOff(_In_ ULONG Milliseconds)
{
    LARGE_INTEGER interval;
    interval.QuadPart = -10 * 1000 * (LONGLONG)Milliseconds;
    KeDelayExecutionThread(KernelMode, FALSE, &interval);
}

_Dispatch_type_(IRP_MJ_WRITE)
DRIVER_DISPATCH LogWrite;

_Use_decl_annotations_
NTSTATUS LogWrite(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PLOG_EXTENSION ext = (PLOG_EXTENSION)DeviceObject->DeviceExtension;
    KIRQL oldIrql;

    KeAcquireSpinLock(&ext->Lock, &oldIrql);
    while (ext->Dropped > 16) {
        BackOff(5);
    }
    InsertTailList(&ext->Pending, &Irp->Tail.Overlay.ListEntry);
    KeReleaseSpinLock(&ext->Lock, oldIrql);

    IoMarkIrpPending(Irp);
    return STATUS_PENDING;
}
`;

// ---- The same bug across files: the helper is in log.c, the caller holding the lock in queue.c. ----

const FILE_HELPER = `${EXTENSION}
NTSTATUS LogCloseFile(_Inout_ PLOG_EXTENSION Ext)
{
    NTSTATUS status = ZwClose(Ext->LogFile);
    Ext->LogFile = NULL;
    return status;
}
`;

const FILE_CALLER = `${EXTENSION}
NTSTATUS LogCloseFile(_Inout_ PLOG_EXTENSION Ext);

_Dispatch_type_(IRP_MJ_CLEANUP)
DRIVER_DISPATCH LogCleanup;

_Use_decl_annotations_
NTSTATUS LogCleanup(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PLOG_EXTENSION ext = (PLOG_EXTENSION)DeviceObject->DeviceExtension;
    KLOCK_QUEUE_HANDLE handle;

    KeAcquireInStackQueuedSpinLock(&ext->Lock, &handle);
    if (ext->LogFile != NULL) {
        LogCloseFile(ext);
    }
    KeReleaseInStackQueuedSpinLock(&handle);

    Irp->IoStatus.Status = STATUS_SUCCESS;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
`;

// ---- Argument-dependent bounds: waits and KeSetEvent(…, TRUE). ----

const DPC_WAITS_FOREVER = `${EXTENSION}
KDEFERRED_ROUTINE FlushDpc;

VOID FlushDpc(PKDPC Dpc, PVOID DeferredContext, PVOID SystemArgument1, PVOID SystemArgument2)
{
    PLOG_EXTENSION ext = (PLOG_EXTENSION)DeferredContext;

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);

    KeWaitForSingleObject(&ext->FlushDone, Executive, KernelMode, FALSE, NULL);
    ext->Dropped = 0;
}
`;

const COMPLETION_SETS_EVENT_WAIT = `${EXTENSION}
IO_COMPLETION_ROUTINE LogForwardComplete;

_Use_decl_annotations_
NTSTATUS LogForwardComplete(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    PLOG_EXTENSION ext = (PLOG_EXTENSION)Context;

    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Irp);

    KeSetEvent(&ext->FlushDone, IO_NO_INCREMENT, TRUE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}
`;

const ISR_SETS_EVENT = `${EXTENSION}
KSERVICE_ROUTINE LogInterrupt;

_Use_decl_annotations_
BOOLEAN LogInterrupt(PKINTERRUPT Interrupt, PVOID ServiceContext)
{
    PLOG_EXTENSION ext = (PLOG_EXTENSION)ServiceContext;

    UNREFERENCED_PARAMETER(Interrupt);

    if (READ_REGISTER_ULONG((PULONG)ext->LowerDevice) == 0) {
        return FALSE;
    }
    KeSetEvent(&ext->FlushDone, IO_NO_INCREMENT, FALSE);
    return TRUE;
}
`;

// ---- A project function whose own annotation states the bound. ----

const ANNOTATED_CALLEE = `${EXTENSION}
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSTATUS LogFlushToDisk(_Inout_ PLOG_EXTENSION Ext);

_Use_decl_annotations_
NTSTATUS LogFlushToDisk(PLOG_EXTENSION Ext)
{
    IO_STATUS_BLOCK iosb;
    return ZwFlushBuffersFile(Ext->LogFile, &iosb);
}

_Dispatch_type_(IRP_MJ_FLUSH_BUFFERS)
DRIVER_DISPATCH LogFlush;

_Use_decl_annotations_
NTSTATUS LogFlush(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PLOG_EXTENSION ext = (PLOG_EXTENSION)DeviceObject->DeviceExtension;
    NTSTATUS status;
    KIRQL oldIrql;

    KeAcquireSpinLock(&ext->Lock, &oldIrql);
    status = LogFlushToDisk(ext);
    KeReleaseSpinLock(&ext->Lock, oldIrql);

    Irp->IoStatus.Status = status;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}
`;

const OLD_SPELLING_CALLEE = `${EXTENSION}
__drv_maxIRQL(APC_LEVEL)
VOID LogRotate(PLOG_EXTENSION Ext)
{
    ExAcquireFastMutex(&Ext->FileMutex);
    Ext->Dropped = 0;
    ExReleaseFastMutex(&Ext->FileMutex);
}

KDEFERRED_ROUTINE RotateDpc;

VOID RotateDpc(PKDPC Dpc, PVOID DeferredContext, PVOID SystemArgument1, PVOID SystemArgument2)
{
    LogRotate((PLOG_EXTENSION)DeferredContext);
}
`;

// ---- IRQL raised by hand, by a fast mutex, by an interrupt spin lock, by a WDF spin lock. ----

const RAISED_BY_HAND = `${EXTENSION}
_IRQL_requires_(PASSIVE_LEVEL)
VOID LogWriteMarker(PLOG_EXTENSION Ext, PVOID Marker, ULONG Length)
{
    IO_STATUS_BLOCK iosb;
    KIRQL oldIrql;

    KeRaiseIrql(DISPATCH_LEVEL, &oldIrql);
    Ext->Dropped++;
    ZwWriteFile(Ext->LogFile, NULL, NULL, NULL, &iosb, Marker, Length, NULL, NULL);
    KeLowerIrql(oldIrql);

    ZwWriteFile(Ext->LogFile, NULL, NULL, NULL, &iosb, Marker, Length, NULL, NULL);
}
`;

const FAST_MUTEX_ZW = `${EXTENSION}
_IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS LogReopen(PLOG_EXTENSION Ext, POBJECT_ATTRIBUTES Attributes)
{
    IO_STATUS_BLOCK iosb;
    NTSTATUS status;

    ExAcquireFastMutex(&Ext->FileMutex);
    status = ZwCreateFile(&Ext->LogFile, FILE_APPEND_DATA | SYNCHRONIZE, Attributes, &iosb, NULL,
                          FILE_ATTRIBUTE_NORMAL, FILE_SHARE_READ, FILE_OPEN_IF,
                          FILE_SYNCHRONOUS_IO_NONALERT, NULL, 0);
    ExReleaseFastMutex(&Ext->FileMutex);
    return status;
}
`;

const INTERRUPT_LOCK_COMPLETE = `${EXTENSION}
_Dispatch_type_(IRP_MJ_READ)
DRIVER_DISPATCH LogRead;

_Use_decl_annotations_
NTSTATUS LogRead(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PLOG_EXTENSION ext = (PLOG_EXTENSION)DeviceObject->DeviceExtension;
    KIRQL oldIrql;

    oldIrql = KeAcquireInterruptSpinLock(ext->Interrupt);
    if (ext->Dropped != 0) {
        Irp->IoStatus.Status = STATUS_DATA_OVERRUN;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
    }
    KeReleaseInterruptSpinLock(ext->Interrupt, oldIrql);
    return STATUS_SUCCESS;
}
`;

const WDF_LOCK_ZW = `#include <ntddk.h>
#include <wdf.h>

typedef struct _TRACE_CONTEXT {
    WDFSPINLOCK Lock;
    HANDLE File;
} TRACE_CONTEXT, *PTRACE_CONTEXT;

EVT_WDF_IO_QUEUE_IO_WRITE TraceEvtIoWrite;

VOID TraceEvtIoWrite(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
    PTRACE_CONTEXT ctx = TraceGetContext(WdfIoQueueGetDevice(Queue));

    WdfSpinLockAcquire(ctx->Lock);
    if (ctx->File != NULL) {
        ZwClose(ctx->File);
        ctx->File = NULL;
    }
    WdfSpinLockRelease(ctx->Lock);
    WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, Length);
}
`;

// ---- A helper that returns holding the lock, and says so. ----

const RAISES_HELPER_THEN_ZW = `${EXTENSION}
_IRQL_raises_(DISPATCH_LEVEL)
_Acquires_lock_(Ext->Lock)
VOID LogLock(_Inout_ PLOG_EXTENSION Ext)
{
    KeAcquireSpinLock(&Ext->Lock, &Ext->LockIrql);
}

_Dispatch_type_(IRP_MJ_SHUTDOWN)
DRIVER_DISPATCH LogShutdown;

_Use_decl_annotations_
NTSTATUS LogShutdown(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PLOG_EXTENSION ext = (PLOG_EXTENSION)DeviceObject->DeviceExtension;

    LogLock(ext);
    ZwClose(ext->LogFile);
    ext->LogFile = NULL;
    KeReleaseSpinLock(&ext->Lock, ext->LockIrql);

    Irp->IoStatus.Status = STATUS_SUCCESS;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
`;

// ---- A DPC known only through its registration. ----

const REGISTERED_DPC = `${EXTENSION}
static VOID LogTimerExpired(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
    PLOG_EXTENSION ext = (PLOG_EXTENSION)Context;
    IoWMIRegistrationControl(ext->LowerDevice, WMIREG_ACTION_UPDATE_GUIDS);
}

NTSTATUS LogStartTimer(PLOG_EXTENSION Ext, PKTIMER Timer, PKDPC Dpc)
{
    LARGE_INTEGER due;
    due.QuadPart = -10 * 1000 * 1000;
    KeInitializeDpc(Dpc, LogTimerExpired, Ext);
    KeSetTimer(Timer, due, Dpc);
    return STATUS_SUCCESS;
}
`;

// ---- A helper called once with the lock held and once without: a possible violation. ----

const SOMETIMES_LOCKED = `${EXTENSION}
static VOID LogDrop(PLOG_EXTENSION Ext)
{
    Ext->Dropped++;
    KeDelayExecutionThread(KernelMode, FALSE, NULL);
}

_Dispatch_type_(IRP_MJ_WRITE)
DRIVER_DISPATCH LogWrite2;

_Use_decl_annotations_
NTSTATUS LogWrite2(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PLOG_EXTENSION ext = (PLOG_EXTENSION)DeviceObject->DeviceExtension;
    KIRQL oldIrql;

    if (Irp->RequestorMode == UserMode) {
        LogDrop(ext);
    }
    KeAcquireSpinLock(&ext->Lock, &oldIrql);
    LogDrop(ext);
    KeReleaseSpinLock(&ext->Lock, oldIrql);
    return STATUS_SUCCESS;
}
`;

// ---- An unannotated helper nobody calls: its entry is only assumed. ----

const ASSUMED_HELPER = `${EXTENSION}
VOID LogForgetFile(PLOG_EXTENSION Ext)
{
    if (Ext->LogFile != NULL) {
        ZwClose(Ext->LogFile);
        Ext->LogFile = NULL;
    }
}
`;

// ---- The wrong branch of a KeGetCurrentIrql guard. ----

const WRONG_BRANCH = `${EXTENSION}
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID LogClose(PLOG_EXTENSION Ext)
{
    if (KeGetCurrentIrql() < DISPATCH_LEVEL) {
        Ext->Dropped = 0;
    } else {
        ZwClose(Ext->LogFile);
    }
}
`;

// ---- Two findings in one function. ----

const TWO_IN_ONE_DPC = `${EXTENSION}
KDEFERRED_ROUTINE ResetDpc;

VOID ResetDpc(PKDPC Dpc, PVOID DeferredContext, PVOID SystemArgument1, PVOID SystemArgument2)
{
    PLOG_EXTENSION ext = (PLOG_EXTENSION)DeferredContext;
    IO_STATUS_BLOCK iosb;

    ZwFlushBuffersFile(ext->LogFile, &iosb);
    ZwClose(ext->LogFile);
    ext->LogFile = NULL;
}
`;

// ---- A callee known only by its annotated prototype, called while the caller holds a spin lock. ----

const GAP_PROTOTYPE_ONLY = `${EXTENSION}
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSTATUS LogFlushToDisk(_Inout_ PLOG_EXTENSION Ext);

_Dispatch_type_(IRP_MJ_FLUSH_BUFFERS)
DRIVER_DISPATCH LogFlush;

_Use_decl_annotations_
NTSTATUS LogFlush(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PLOG_EXTENSION ext = (PLOG_EXTENSION)DeviceObject->DeviceExtension;
    NTSTATUS status;
    KIRQL oldIrql;

    KeAcquireSpinLock(&ext->Lock, &oldIrql);
    status = LogFlushToDisk(ext);
    KeReleaseSpinLock(&ext->Lock, oldIrql);
    return status;
}
`;

// ---- Timeouts: a wait with a visible non-zero timeout needs <= APC_LEVEL, a zero one is a poll. ----

const DPC_WAITS_WITH_TIMEOUT = `${EXTENSION}
KDEFERRED_ROUTINE FlushDpc;

VOID FlushDpc(PKDPC Dpc, PVOID DeferredContext, PVOID SystemArgument1, PVOID SystemArgument2)
{
    PLOG_EXTENSION ext = (PLOG_EXTENSION)DeferredContext;
    LARGE_INTEGER timeout;

    timeout.QuadPart = -10 * 1000 * 50;    // 50 ms, relative
    KeWaitForSingleObject(&ext->FlushDone, Executive, KernelMode, FALSE, &timeout);
}
`;

const DPC_WAITS_WITH_INITIALIZER = DPC_WAITS_WITH_TIMEOUT.replace('LARGE_INTEGER timeout;', 'LARGE_INTEGER timeout = { -500000 };').replace(/\n\s*timeout\.QuadPart = [^\n]*/, '');

const LOCKED_WAIT_ANY = `${EXTENSION}
#define WAIT_100_MS (-10 * 1000 * 100)

_IRQL_requires_max_(PASSIVE_LEVEL)
NTSTATUS LogWaitEither(_Inout_ PLOG_EXTENSION Ext, _In_ PKEVENT Other)
{
    PVOID objects[2] = { &Ext->FlushDone, Other };
    LARGE_INTEGER wait = { .QuadPart = WAIT_100_MS };
    KIRQL old;
    NTSTATUS status;

    KeAcquireSpinLock(&Ext->Lock, &old);
    status = KeWaitForMultipleObjects(2, objects, WaitAny, Executive, KernelMode, FALSE, &wait, NULL);
    KeReleaseSpinLock(&Ext->Lock, old);
    return status;
}
`;

// Polls with a zero timeout, then waits 1 ms once nothing is pending: the stored values disagree, so the
// wait keeps the benefit of the doubt.
const DPC_POLL_THEN_WAIT = `${EXTENSION}
KDEFERRED_ROUTINE PollDpc2;

VOID PollDpc2(PKDPC Dpc, PVOID DeferredContext, PVOID SystemArgument1, PVOID SystemArgument2)
{
    PLOG_EXTENSION ext = (PLOG_EXTENSION)DeferredContext;
    LARGE_INTEGER t;

    t.QuadPart = 0;
    while (KeWaitForSingleObject(&ext->FlushDone, Executive, KernelMode, FALSE, &t) == STATUS_TIMEOUT) {
        if (IsListEmpty(&ext->Pending)) {
            t.QuadPart = -10 * 1000;
        }
    }
}
`;

// The timeout comes from elsewhere: a caller's pointer, a computed value, a local another call fills in.
const DPC_TIMEOUT_NOT_VISIBLE = `${EXTENSION}
KDEFERRED_ROUTINE TimedDpc;

static VOID WaitFor(PLOG_EXTENSION Ext, PLARGE_INTEGER Timeout)
{
    KeWaitForSingleObject(&Ext->FlushDone, Executive, KernelMode, FALSE, Timeout);
}

VOID TimedDpc(PKDPC Dpc, PVOID DeferredContext, PVOID SystemArgument1, PVOID SystemArgument2)
{
    PLOG_EXTENSION ext = (PLOG_EXTENSION)DeferredContext;
    LARGE_INTEGER computed, queried, bumped;
    ULONG ms = (ULONG)(ULONG_PTR)SystemArgument1;

    computed.QuadPart = -(LONGLONG)ms * 10000;
    KeWaitForSingleObject(&ext->FlushDone, Executive, KernelMode, FALSE, &computed);
    KeQuerySystemTime(&queried);
    queried.QuadPart = -1;
    KeWaitForSingleObject(&ext->FlushDone, Executive, KernelMode, FALSE, &queried);
    bumped.QuadPart = 0;
    bumped.QuadPart += ms;
    KeWaitForSingleObject(&ext->FlushDone, Executive, KernelMode, FALSE, &bumped);
    WaitFor(ext, (PLARGE_INTEGER)SystemArgument2);
}
`;

// At PASSIVE_LEVEL a timed wait is what the driver should do.
const DISPATCH_WAITS_WITH_TIMEOUT = `${EXTENSION}
_Dispatch_type_(IRP_MJ_FLUSH_BUFFERS)
DRIVER_DISPATCH LogFlush;

_Use_decl_annotations_
NTSTATUS LogFlush(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PLOG_EXTENSION ext = (PLOG_EXTENSION)DeviceObject->DeviceExtension;
    LARGE_INTEGER timeout = { -5000000 };
    NTSTATUS status = KeWaitForSingleObject(&ext->FlushDone, Executive, KernelMode, FALSE, &timeout);
    Irp->IoStatus.Status = status;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}
`;

new RuleTester().run('wdm/IrqlTooHigh', rule, {
  valid: [
    { name: 'a zero timeout, then a non-zero one, on one local, in a DPC (benefit of the doubt)', code: DPC_POLL_THEN_WAIT },
    { name: 'timeouts the function does not show (a parameter, a computed value, a local another call fills, +=)', code: DPC_TIMEOUT_NOT_VISIBLE },
    { name: 'a non-zero timeout in a dispatch routine at PASSIVE_LEVEL', code: DISPATCH_WAITS_WITH_TIMEOUT },
    {
      name: 'the property is read after the spin lock is released',
      code: `${EXTENSION}
_Dispatch_type_(IRP_MJ_DEVICE_CONTROL)
DRIVER_DISPATCH LogDeviceControl;

_Use_decl_annotations_
NTSTATUS LogDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PLOG_EXTENSION ext = (PLOG_EXTENSION)DeviceObject->DeviceExtension;
    PDEVICE_OBJECT lower;
    WCHAR location[64];
    ULONG length = 0;
    NTSTATUS status;
    KIRQL oldIrql;

    KeAcquireSpinLock(&ext->Lock, &oldIrql);
    lower = ext->LowerDevice;
    KeReleaseSpinLock(&ext->Lock, oldIrql);

    status = IoGetDeviceProperty(lower, DevicePropertyLocationInformation, sizeof(location), location, &length);
    Irp->IoStatus.Status = status;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}
`,
    },
    {
      name: 'the IRQL saved in a structure field is restored before ZwClose',
      code: `${EXTENSION}
_Dispatch_type_(IRP_MJ_CLOSE)
DRIVER_DISPATCH LogClose;

_Use_decl_annotations_
NTSTATUS LogClose(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PLOG_EXTENSION ext = (PLOG_EXTENSION)DeviceObject->DeviceExtension;
    HANDLE file;

    KeAcquireSpinLock(&ext->Lock, &ext->LockIrql);
    file = ext->LogFile;
    ext->LogFile = NULL;
    KeReleaseSpinLock(&ext->Lock, ext->LockIrql);

    if (file != NULL) {
        ZwClose(file);
    }
    Irp->IoStatus.Status = STATUS_SUCCESS;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
`,
    },
    {
      name: 'the in-stack queued spin lock is released before the helper runs',
      code: FILE_HELPER,
      files: {
        'queue.c': `${EXTENSION}
NTSTATUS LogCloseFile(_Inout_ PLOG_EXTENSION Ext);

_Dispatch_type_(IRP_MJ_CLEANUP)
DRIVER_DISPATCH LogCleanup;

_Use_decl_annotations_
NTSTATUS LogCleanup(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PLOG_EXTENSION ext = (PLOG_EXTENSION)DeviceObject->DeviceExtension;
    KLOCK_QUEUE_HANDLE handle;
    BOOLEAN open;

    KeAcquireInStackQueuedSpinLock(&ext->Lock, &handle);
    open = ext->LogFile != NULL;
    KeReleaseInStackQueuedSpinLock(&handle);
    if (open) {
        LogCloseFile(ext);
    }
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
`,
      },
    },
    {
      name: 'guarded by KeGetCurrentIrql() == PASSIVE_LEVEL, and by an early return',
      code: `${EXTENSION}
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID LogCloseIfPassive(PLOG_EXTENSION Ext)
{
    if (KeGetCurrentIrql() == PASSIVE_LEVEL) {
        ZwClose(Ext->LogFile);
        Ext->LogFile = NULL;
    }
}

_IRQL_requires_max_(DISPATCH_LEVEL)
NTSTATUS LogFlushIfPassive(PLOG_EXTENSION Ext)
{
    IO_STATUS_BLOCK iosb;

    if (KeGetCurrentIrql() != PASSIVE_LEVEL) {
        return STATUS_PENDING;
    }
    return ZwFlushBuffersFile(Ext->LogFile, &iosb);
}
`,
    },
    {
      name: 'an unannotated helper with no caller is only assumed PASSIVE..DISPATCH: not reported by default',
      code: ASSUMED_HELPER,
    },
    {
      name: 'settings.irql.unknownEntry = PASSIVE_LEVEL makes the assumed helper safe even when assumed findings are on',
      code: ASSUMED_HELPER,
      settings: { irql: { unknownEntry: 'PASSIVE_LEVEL', reportAssumed: true } },
    },
    {
      name: 'DDIs whose reference page gives no IRQL (see Remarks) are never guessed',
      code: `${EXTENSION}
KDEFERRED_ROUTINE MapDpc;

VOID MapDpc(PKDPC Dpc, PVOID DeferredContext, PVOID SystemArgument1, PVOID SystemArgument2)
{
    PLOG_EXTENSION ext = (PLOG_EXTENSION)DeferredContext;
    PMDL mdl = (PMDL)SystemArgument1;
    PVOID va;

    KeAcquireSpinLockAtDpcLevel(&ext->Lock);
    MmProbeAndLockPages(mdl, KernelMode, IoWriteAccess);
    va = MmMapLockedPagesSpecifyCache(mdl, KernelMode, MmCached, NULL, FALSE, NormalPagePriority);
    KeReleaseSpinLockFromDpcLevel(&ext->Lock);
}
`,
    },
    {
      name: 'pool allocators belong to wdm/IrqlExAllocatePool',
      code: `${EXTENSION}
KDEFERRED_ROUTINE GrowDpc;

VOID GrowDpc(PKDPC Dpc, PVOID DeferredContext, PVOID SystemArgument1, PVOID SystemArgument2)
{
    PVOID block = ExAllocatePoolWithTag(PagedPool, 256, 'gLxD');
    *(PVOID *)SystemArgument1 = block;
}
`,
    },
    {
      name: 'WDF DDIs belong to kmdf/KmdfIrql, even under a WDF spin lock',
      code: `#include <ntddk.h>
#include <wdf.h>

typedef struct _TRACE_CONTEXT {
    WDFSPINLOCK Lock;
    WDFIOTARGET Target;
} TRACE_CONTEXT, *PTRACE_CONTEXT;

EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL TraceEvtIoDeviceControl;

VOID TraceEvtIoDeviceControl(WDFQUEUE Queue, WDFREQUEST Request, size_t OutputBufferLength,
                             size_t InputBufferLength, ULONG IoControlCode)
{
    PTRACE_CONTEXT ctx = TraceGetContext(WdfIoQueueGetDevice(Queue));
    WDF_MEMORY_DESCRIPTOR input;
    ULONG_PTR bytes = 0;

    WdfSpinLockAcquire(ctx->Lock);
    WdfIoTargetSendIoctlSynchronously(ctx->Target, NULL, IoControlCode, &input, NULL, NULL, &bytes);
    WdfSpinLockRelease(ctx->Lock);
    WdfRequestComplete(Request, STATUS_SUCCESS);
}
`,
    },
    {
      name: 'KeSetEvent(…, FALSE) and a zero-timeout wait in a DPC',
      code: `${EXTENSION}
KDEFERRED_ROUTINE SignalDpc;

VOID SignalDpc(PKDPC Dpc, PVOID DeferredContext, PVOID SystemArgument1, PVOID SystemArgument2)
{
    PLOG_EXTENSION ext = (PLOG_EXTENSION)DeferredContext;
    LARGE_INTEGER zero;

    zero.QuadPart = 0;
    if (KeWaitForSingleObject(&ext->FlushDone, Executive, KernelMode, FALSE, &zero) == STATUS_TIMEOUT) {
        KeSetEvent(&ext->FlushDone, IO_NO_INCREMENT, FALSE);
    }
}
`,
    },
    {
      name: 'a callee annotated _IRQL_requires_max_(DISPATCH_LEVEL) under a spin lock',
      code: `${EXTENSION}
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID LogCount(_Inout_ PLOG_EXTENSION Ext)
{
    Ext->Dropped++;
}

_Dispatch_type_(IRP_MJ_WRITE)
DRIVER_DISPATCH LogWrite;

_Use_decl_annotations_
NTSTATUS LogWrite(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PLOG_EXTENSION ext = (PLOG_EXTENSION)DeviceObject->DeviceExtension;
    KIRQL oldIrql;

    KeAcquireSpinLock(&ext->Lock, &oldIrql);
    LogCount(ext);
    KeReleaseSpinLock(&ext->Lock, oldIrql);
    return STATUS_SUCCESS;
}
`,
    },
    {
      name: 'a callee annotated _IRQL_requires_max_(PASSIVE_LEVEL) called at PASSIVE_LEVEL',
      code: ANNOTATED_CALLEE.replace(
        '    KeAcquireSpinLock(&ext->Lock, &oldIrql);\n    status = LogFlushToDisk(ext);\n    KeReleaseSpinLock(&ext->Lock, oldIrql);',
        '    KeAcquireSpinLock(&ext->Lock, &oldIrql);\n    ext->Dropped = 0;\n    KeReleaseSpinLock(&ext->Lock, oldIrql);\n    status = LogFlushToDisk(ext);',
      ),
    },
    {
      name: 'a helper that returns holding the lock (_IRQL_raises_), released before ZwClose',
      code: RAISES_HELPER_THEN_ZW.replace(
        '    LogLock(ext);\n    ZwClose(ext->LogFile);\n    ext->LogFile = NULL;\n    KeReleaseSpinLock(&ext->Lock, ext->LockIrql);',
        '    HANDLE file;\n\n    LogLock(ext);\n    file = ext->LogFile;\n    ext->LogFile = NULL;\n    KeReleaseSpinLock(&ext->Lock, ext->LockIrql);\n    ZwClose(file);',
      ),
    },
    {
      name: 'a lock helper and an unlock helper that keeps the saved IRQL in the extension',
      code: `${EXTENSION}
_IRQL_raises_(DISPATCH_LEVEL)
_Acquires_lock_(Ext->Lock)
static VOID LogLock(_Inout_ PLOG_EXTENSION Ext)
{
    KeAcquireSpinLock(&Ext->Lock, &Ext->LockIrql);
}

_Releases_lock_(Ext->Lock)
static VOID LogUnlock(_Inout_ PLOG_EXTENSION Ext)
{
    KeReleaseSpinLock(&Ext->Lock, Ext->LockIrql);
}

_Dispatch_type_(IRP_MJ_CLOSE)
DRIVER_DISPATCH LogClose;

_Use_decl_annotations_
NTSTATUS LogClose(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PLOG_EXTENSION ext = (PLOG_EXTENSION)DeviceObject->DeviceExtension;
    HANDLE file;

    LogLock(ext);
    file = ext->LogFile;
    ext->LogFile = NULL;
    LogUnlock(ext);

    ZwClose(file);
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
`,
    },
    {
      name: 'the IRQL is lowered with KeLowerIrql before the file is written',
      code: RAISED_BY_HAND.replace(
        '    ZwWriteFile(Ext->LogFile, NULL, NULL, NULL, &iosb, Marker, Length, NULL, NULL);\n    KeLowerIrql(oldIrql);\n',
        '    KeLowerIrql(oldIrql);\n',
      ),
    },
    {
      name: 'DDIs callable at any IRQL, and IoRequestDpc, in an ISR',
      code: `${EXTENSION}
KSERVICE_ROUTINE LogInterrupt;

_Use_decl_annotations_
BOOLEAN LogInterrupt(PKINTERRUPT Interrupt, PVOID ServiceContext)
{
    PLOG_EXTENSION ext = (PLOG_EXTENSION)ServiceContext;
    PDEVICE_OBJECT device = ext->LowerDevice;

    UNREFERENCED_PARAMETER(Interrupt);
    KeMemoryBarrier();
    IoRequestDpc(device, device->CurrentIrp, ext);
    return TRUE;
}
`,
    },
    {
      name: 'calls through a function pointer and to functions outside the table and the program are not checked',
      code: `${EXTENSION}
typedef VOID (*LOG_SINK)(PLOG_EXTENSION Ext);

KDEFERRED_ROUTINE SinkDpc;

VOID SinkDpc(PKDPC Dpc, PVOID DeferredContext, PVOID SystemArgument1, PVOID SystemArgument2)
{
    PLOG_EXTENSION ext = (PLOG_EXTENSION)DeferredContext;
    LOG_SINK sink = (LOG_SINK)SystemArgument1;

    sink(ext);
    VendorTraceWrite(ext, ext->Dropped);
}
`,
    },
    {
      name: 'PASSIVE_LEVEL DDIs in DriverEntry, AddDevice and a work item',
      code: `${EXTENSION}
IO_WORKITEM_ROUTINE LogFlushWorker;

VOID LogFlushWorker(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
    PLOG_EXTENSION ext = (PLOG_EXTENSION)Context;
    IO_STATUS_BLOCK iosb;
    ZwFlushBuffersFile(ext->LogFile, &iosb);
}

DRIVER_ADD_DEVICE LogAddDevice;

NTSTATUS LogAddDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT PhysicalDeviceObject)
{
    WCHAR name[64];
    ULONG length;
    return IoGetDeviceProperty(PhysicalDeviceObject, DevicePropertyFriendlyName, sizeof(name), name, &length);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    OBJECT_ATTRIBUTES attributes;
    HANDLE key;
    InitializeObjectAttributes(&attributes, RegistryPath, OBJ_KERNEL_HANDLE, NULL, NULL);
    if (NT_SUCCESS(ZwOpenKey(&key, KEY_READ, &attributes))) {
        ZwClose(key);
    }
    DriverObject->DriverExtension->AddDevice = LogAddDevice;
    return STATUS_SUCCESS;
}
`,
    },
    {
      // PAGED_CODE() only caps the IRQL at APC_LEVEL; the one caller runs at PASSIVE_LEVEL.
      name: 'a PAGED_CODE() helper called only from DriverEntry may call ZwCreateFile',
      code: `${EXTENSION}
static NTSTATUS LogOpenFile(PLOG_EXTENSION Ext, POBJECT_ATTRIBUTES Attributes)
{
    IO_STATUS_BLOCK iosb;

    PAGED_CODE();

    return ZwCreateFile(&Ext->LogFile, FILE_APPEND_DATA | SYNCHRONIZE, Attributes, &iosb, NULL,
                        FILE_ATTRIBUTE_NORMAL, FILE_SHARE_READ, FILE_OPEN_IF,
                        FILE_SYNCHRONOUS_IO_NONALERT, NULL, 0);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    OBJECT_ATTRIBUTES attributes;
    InitializeObjectAttributes(&attributes, RegistryPath, OBJ_KERNEL_HANDLE, NULL, NULL);
    return LogOpenFile((PLOG_EXTENSION)DriverObject->DriverExtension, &attributes);
}
`,
    },
  ],
  invalid: [
    {
      name: 'ZwQueryValueKey in a DPC',
      code: DPC_REGISTRY,
      errors: [
        {
          messageId: 'tooHigh',
          message:
            'ZwQueryValueKey must be called at IRQL <= PASSIVE_LEVEL (documented), but here the code runs at DISPATCH_LEVEL.',
          line: lineOf(DPC_REGISTRY, 'ZwQueryValueKey('),
          column: 5,
          basis: 'contract',
          trace: ['PollDpc is declared KDEFERRED_ROUTINE, entered at DISPATCH_LEVEL'],
        },
      ],
    },
    {
      name: 'IoGetDeviceProperty while the dispatch routine holds its spin lock',
      code: PROPERTY_UNDER_LOCK,
      errors: [
        {
          messageId: 'tooHigh',
          line: lineOf(PROPERTY_UNDER_LOCK, 'IoGetDeviceProperty('),
          column: columnOf(PROPERTY_UNDER_LOCK, 'IoGetDeviceProperty('),
          basis: 'proven',
          trace: ['KeAcquireSpinLock raises the IRQL to DISPATCH_LEVEL'],
        },
      ],
    },
    {
      name: 'a helper that sleeps, called with the spin lock held',
      code: SLEEP_HELPER,
      errors: [
        {
          messageId: 'tooHigh',
          message:
            'KeDelayExecutionThread must be called at IRQL <= APC_LEVEL (documented), but here the code runs at DISPATCH_LEVEL.',
          line: lineOf(SLEEP_HELPER, 'KeDelayExecutionThread('),
          basis: 'proven',
          trace: ['KeAcquireSpinLock raises the IRQL to DISPATCH_LEVEL', 'LogWrite calls BackOff at DISPATCH_LEVEL'],
        },
      ],
    },
    {
      name: 'the helper in this file, the caller holding an in-stack queued spin lock in another',
      code: FILE_HELPER,
      files: { 'queue.c': FILE_CALLER },
      errors: [
        {
          messageId: 'tooHigh',
          line: lineOf(FILE_HELPER, 'ZwClose('),
          column: columnOf(FILE_HELPER, 'ZwClose('),
          basis: 'proven',
          trace: ['KeAcquireInStackQueuedSpinLock raises the IRQL to DISPATCH_LEVEL', 'LogCleanup calls LogCloseFile at DISPATCH_LEVEL'],
        },
      ],
    },
    {
      name: 'KeWaitForSingleObject with a non-zero constant timeout in a DPC',
      code: DPC_WAITS_WITH_TIMEOUT,
      errors: [
        {
          messageId: 'tooHigh',
          message:
            'KeWaitForSingleObject must be called at IRQL <= APC_LEVEL (KeWaitForSingleObject with Timeout = &timeout (timeout.QuadPart = -10 * 1000 * 50)), but here the code runs at DISPATCH_LEVEL.',
          line: lineOf(DPC_WAITS_WITH_TIMEOUT, 'KeWaitForSingleObject('),
        },
      ],
    },
    {
      name: 'a positional initializer ({ -500000 }: the low part, non-zero) in a DPC',
      code: DPC_WAITS_WITH_INITIALIZER,
      errors: [{ messageId: 'tooHigh', line: lineOf(DPC_WAITS_WITH_INITIALIZER, 'KeWaitForSingleObject(') }],
    },
    {
      name: 'KeWaitForMultipleObjects under a spin lock, its timeout given in the initializer through a macro',
      code: LOCKED_WAIT_ANY,
      errors: [
        {
          messageId: 'tooHigh',
          line: lineOf(LOCKED_WAIT_ANY, 'KeWaitForMultipleObjects('),
          basis: 'proven',
        },
      ],
    },
    {
      name: 'KeWaitForSingleObject with no timeout in a DPC',
      code: DPC_WAITS_FOREVER,
      errors: [
        {
          messageId: 'tooHigh',
          message:
            'KeWaitForSingleObject must be called at IRQL <= APC_LEVEL (KeWaitForSingleObject with Timeout = NULL), but here the code runs at DISPATCH_LEVEL.',
          line: lineOf(DPC_WAITS_FOREVER, 'KeWaitForSingleObject('),
        },
      ],
    },
    {
      name: 'KeSetEvent(…, Wait = TRUE) in a completion routine that may run at DISPATCH_LEVEL',
      code: COMPLETION_SETS_EVENT_WAIT,
      errors: [
        {
          messageId: 'tooHigh',
          message:
            'KeSetEvent must be called at IRQL <= APC_LEVEL (KeSetEvent with Wait = TRUE), but here the code may run at PASSIVE_LEVEL..DISPATCH_LEVEL.',
          line: lineOf(COMPLETION_SETS_EVENT_WAIT, 'KeSetEvent('),
          basis: 'contract',
          trace: ['LogForwardComplete is declared IO_COMPLETION_ROUTINE, entered at PASSIVE_LEVEL..DISPATCH_LEVEL'],
        },
      ],
    },
    {
      name: 'KeSetEvent(…, FALSE) in an ISR: DISPATCH_LEVEL is the most it allows',
      code: ISR_SETS_EVENT,
      errors: [
        {
          messageId: 'tooHigh',
          message:
            'KeSetEvent must be called at IRQL <= DISPATCH_LEVEL (KeSetEvent with Wait = FALSE), but here the code runs at DIRQL.',
          line: lineOf(ISR_SETS_EVENT, 'KeSetEvent('),
          trace: ['LogInterrupt is declared KSERVICE_ROUTINE, entered at DIRQL'],
        },
      ],
    },
    {
      name: "the callee's own _IRQL_requires_max_(PASSIVE_LEVEL), called under a spin lock",
      code: ANNOTATED_CALLEE,
      errors: [
        {
          messageId: 'tooHigh',
          message:
            'LogFlushToDisk must be called at IRQL <= PASSIVE_LEVEL (annotated _IRQL_requires_max_(PASSIVE_LEVEL)), but here the code runs at DISPATCH_LEVEL.',
          line: lineOf(ANNOTATED_CALLEE, 'status = LogFlushToDisk('),
          column: columnOf(ANNOTATED_CALLEE, 'LogFlushToDisk(ext)'),
          basis: 'proven',
          trace: ['KeAcquireSpinLock raises the IRQL to DISPATCH_LEVEL'],
        },
      ],
    },
    {
      name: 'the old __drv_maxIRQL spelling on the callee, called from a DPC',
      code: OLD_SPELLING_CALLEE,
      errors: [
        {
          messageId: 'tooHigh',
          message:
            'LogRotate must be called at IRQL <= APC_LEVEL (annotated __drv_maxIRQL(APC_LEVEL)), but here the code runs at DISPATCH_LEVEL.',
          line: lineOf(OLD_SPELLING_CALLEE, 'LogRotate((PLOG_EXTENSION)'),
        },
      ],
    },
    {
      name: 'ZwWriteFile after KeRaiseIrql(DISPATCH_LEVEL); the write after KeLowerIrql is fine',
      code: RAISED_BY_HAND,
      errors: [
        {
          messageId: 'tooHigh',
          line: lineOf(RAISED_BY_HAND, 'ZwWriteFile('),
          basis: 'proven',
          trace: ['KeRaiseIrql raises the IRQL to DISPATCH_LEVEL'],
        },
      ],
    },
    {
      name: 'ZwCreateFile while holding a fast mutex (APC_LEVEL)',
      code: FAST_MUTEX_ZW,
      errors: [
        {
          messageId: 'tooHigh',
          message: 'ZwCreateFile must be called at IRQL <= PASSIVE_LEVEL (documented), but here the code runs at APC_LEVEL.',
          line: lineOf(FAST_MUTEX_ZW, 'ZwCreateFile('),
          trace: ['ExAcquireFastMutex raises the IRQL to APC_LEVEL'],
        },
      ],
    },
    {
      name: 'IoCompleteRequest under the interrupt spin lock (DIRQL)',
      code: INTERRUPT_LOCK_COMPLETE,
      errors: [
        {
          messageId: 'tooHigh',
          message: 'IoCompleteRequest must be called at IRQL <= DISPATCH_LEVEL (documented), but here the code runs at DIRQL.',
          line: lineOf(INTERRUPT_LOCK_COMPLETE, 'IoCompleteRequest('),
          trace: ['KeAcquireInterruptSpinLock raises the IRQL to DIRQL'],
        },
      ],
    },
    {
      name: 'a WDM DDI (ZwClose) under a WDF spin lock in a KMDF driver',
      code: WDF_LOCK_ZW,
      errors: [
        {
          messageId: 'tooHigh',
          line: lineOf(WDF_LOCK_ZW, 'ZwClose('),
          basis: 'proven',
          trace: ['WdfSpinLockAcquire raises the IRQL to DISPATCH_LEVEL'],
        },
      ],
    },
    {
      name: 'ZwClose after a helper annotated _IRQL_raises_(DISPATCH_LEVEL) returns with the lock held',
      code: RAISES_HELPER_THEN_ZW,
      errors: [
        {
          messageId: 'tooHigh',
          line: lineOf(RAISES_HELPER_THEN_ZW, 'ZwClose('),
          basis: 'contract',
          trace: ['LogLock is annotated _IRQL_raises_(DISPATCH_LEVEL)', 'LogLock returns at DISPATCH_LEVEL'],
        },
      ],
    },
    {
      name: 'a routine registered with KeInitializeDpc is a DPC whatever its name',
      code: REGISTERED_DPC,
      errors: [
        {
          messageId: 'tooHigh',
          line: lineOf(REGISTERED_DPC, 'IoWMIRegistrationControl('),
          basis: 'contract',
          trace: [/^LogTimerExpired is registered as KDEFERRED_ROUTINE by KeInitializeDpc.*, entered at DISPATCH_LEVEL$/],
        },
      ],
    },
    {
      name: 'a helper called both with and without the lock: a possible violation',
      code: SOMETIMES_LOCKED,
      errors: [
        {
          messageId: 'tooHigh',
          message:
            'KeDelayExecutionThread must be called at IRQL <= APC_LEVEL (documented), but here the code may run at PASSIVE_LEVEL..DISPATCH_LEVEL.',
          line: lineOf(SOMETIMES_LOCKED, 'KeDelayExecutionThread('),
          basis: 'proven',
          trace: ['KeAcquireSpinLock raises the IRQL to DISPATCH_LEVEL', 'LogWrite2 calls LogDrop at DISPATCH_LEVEL'],
        },
      ],
    },
    {
      name: 'the assumed entry is reported when settings.irql.reportAssumed is true',
      code: ASSUMED_HELPER,
      settings: { irql: { reportAssumed: true } },
      errors: [
        {
          messageId: 'tooHigh',
          message:
            'ZwClose must be called at IRQL <= PASSIVE_LEVEL (documented), but here the code may run at PASSIVE_LEVEL..DISPATCH_LEVEL.',
          line: lineOf(ASSUMED_HELPER, 'ZwClose('),
          basis: 'assumed',
          trace: ['LogForgetFile has no IRQL annotation, role or caller here: assumed PASSIVE_LEVEL..DISPATCH_LEVEL'],
        },
      ],
    },
    {
      name: 'the else branch of KeGetCurrentIrql() < DISPATCH_LEVEL runs at DISPATCH_LEVEL',
      code: WRONG_BRANCH,
      errors: [
        {
          messageId: 'tooHigh',
          message: 'ZwClose must be called at IRQL <= PASSIVE_LEVEL (documented), but here the code runs at DISPATCH_LEVEL.',
          line: lineOf(WRONG_BRANCH, 'ZwClose('),
          basis: 'contract',
          trace: ['LogClose is annotated _IRQL_requires_max_(DISPATCH_LEVEL)'],
        },
      ],
    },
    {
      name: 'two violations in one DPC are reported in source order',
      code: TWO_IN_ONE_DPC,
      errors: [
        { messageId: 'tooHigh', line: lineOf(TWO_IN_ONE_DPC, 'ZwFlushBuffersFile('), message: /^ZwFlushBuffersFile must be called at IRQL <= PASSIVE_LEVEL/ },
        { messageId: 'tooHigh', line: lineOf(TWO_IN_ONE_DPC, 'ZwClose('), message: /^ZwClose must be called at IRQL <= PASSIVE_LEVEL/ },
      ],
    },
    {
      // The callee is only declared (its definition is in a file outside the run, a library, …); its prototype's
      // SAL annotation is the contract PREfast checks (C28121).
      name: 'an annotated prototype without a definition in the run, called under a spin lock',
      code: GAP_PROTOTYPE_ONLY,
      errors: [{ messageId: 'tooHigh', line: lineOf(GAP_PROTOTYPE_ONLY, 'status = LogFlushToDisk(') }],
    },
  ],
});

