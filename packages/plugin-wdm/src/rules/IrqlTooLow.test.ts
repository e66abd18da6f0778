import { RuleTester } from '@ddi-lint/core/rule-tester';
import rule from './IrqlTooLow.js';

/** 1-based line of the first line of `code` containing `needle`. */
function lineOf(code: string, needle: string): number {
  const i = code.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`"${needle}" not in code`);
  return i + 1;
}

const EXTENSION = `#include <ntddk.h>

typedef struct _PORT_EXTENSION {
    KSPIN_LOCK QueueLock;
    KIRQL QueueIrql;
    LIST_ENTRY PendingIrps;
    FAST_MUTEX ConfigMutex;
    PVOID Config;
    PKINTERRUPT Interrupt;
    KDPC CompletionDpc;
    ULONG Outstanding;
} PORT_EXTENSION, *PPORT_EXTENSION;
`;

// ---- A dispatch routine that uses the DPC-level release (copied from the DPC) at PASSIVE_LEVEL. ----

const DPC_RELEASE_IN_DISPATCH = `${EXTENSION}
_Dispatch_type_(IRP_MJ_CREATE)
DRIVER_DISPATCH PortCreate;

_Use_decl_annotations_
NTSTATUS PortCreate(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PPORT_EXTENSION ext = (PPORT_EXTENSION)DeviceObject->DeviceExtension;
    KIRQL oldIrql;

    KeAcquireSpinLock(&ext->QueueLock, &oldIrql);
    ext->Outstanding = 0;
    KeReleaseSpinLock(&ext->QueueLock, oldIrql);

    KeAcquireSpinLockAtDpcLevel(&ext->QueueLock);
    InitializeListHead(&ext->PendingIrps);
    KeReleaseSpinLockFromDpcLevel(&ext->QueueLock);

    Irp->IoStatus.Status = STATUS_SUCCESS;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
`;

// ---- IoStartNextPacket from a dispatch routine, at PASSIVE_LEVEL. ----

const START_NEXT_IN_DISPATCH = `${EXTENSION}
_Dispatch_type_(IRP_MJ_CLEANUP)
DRIVER_DISPATCH PortCleanup;

_Use_decl_annotations_
NTSTATUS PortCleanup(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    Irp->IoStatus.Status = STATUS_SUCCESS;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    IoStartNextPacket(DeviceObject, TRUE);
    return STATUS_SUCCESS;
}
`;

// ---- A DPC-level queued lock in a completion routine, which may run at PASSIVE_LEVEL. ----

const COMPLETION_DPC_LOCK = `${EXTENSION}
IO_COMPLETION_ROUTINE PortReadComplete;

_Use_decl_annotations_
NTSTATUS PortReadComplete(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    PPORT_EXTENSION ext = (PPORT_EXTENSION)Context;
    KLOCK_QUEUE_HANDLE handle;

    UNREFERENCED_PARAMETER(DeviceObject);

    KeAcquireInStackQueuedSpinLockAtDpcLevel(&ext->QueueLock, &handle);
    ext->Outstanding--;
    KeReleaseInStackQueuedSpinLockFromDpcLevel(&handle);

    if (Irp->PendingReturned) {
        IoMarkIrpPending(Irp);
    }
    return STATUS_CONTINUE_COMPLETION;
}
`;

// ---- A project function that must be called with the queue lock held (DISPATCH_LEVEL), called without it. ----

const LOCKED_HELPER_UNLOCKED = `${EXTENSION}
_IRQL_requires_(DISPATCH_LEVEL)
_Requires_lock_held_(Ext->QueueLock)
static PIRP PortDequeueLocked(_Inout_ PPORT_EXTENSION Ext)
{
    PLIST_ENTRY entry;

    if (IsListEmpty(&Ext->PendingIrps)) {
        return NULL;
    }
    entry = RemoveHeadList(&Ext->PendingIrps);
    return CONTAINING_RECORD(entry, IRP, Tail.Overlay.ListEntry);
}

_Dispatch_type_(IRP_MJ_READ)
DRIVER_DISPATCH PortRead;

_Use_decl_annotations_
NTSTATUS PortRead(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PPORT_EXTENSION ext = (PPORT_EXTENSION)DeviceObject->DeviceExtension;
    PIRP next;
    KIRQL oldIrql;

    KeAcquireSpinLock(&ext->QueueLock, &oldIrql);
    next = PortDequeueLocked(ext);
    KeReleaseSpinLock(&ext->QueueLock, oldIrql);

    if (next == NULL) {
        next = PortDequeueLocked(ext);
    }

    IoMarkIrpPending(Irp);
    return STATUS_PENDING;
}
`;

// ---- _IRQL_requires_min_ on a helper reached from DriverEntry. ----

const MIN_ANNOTATION_FROM_INIT = `${EXTENSION}
_IRQL_requires_min_(DISPATCH_LEVEL)
static VOID PortResetCounters(_Inout_ PPORT_EXTENSION Ext)
{
    Ext->Outstanding = 0;
}

static NTSTATUS PortInitializeExtension(_Out_ PPORT_EXTENSION Ext)
{
    KeInitializeSpinLock(&Ext->QueueLock);
    InitializeListHead(&Ext->PendingIrps);
    PortResetCounters(Ext);
    return STATUS_SUCCESS;
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    return PortInitializeExtension((PPORT_EXTENSION)DriverObject->DriverExtension);
}
`;

// ---- The old spelling, and the lock released one statement too early. ----

const OLD_SPELLING_AFTER_RELEASE = `${EXTENSION}
__drv_requiresIRQL(DISPATCH_LEVEL)
static VOID PortKickQueue(PPORT_EXTENSION Ext)
{
    KeInsertQueueDpc(&Ext->CompletionDpc, NULL, NULL);
}

_Dispatch_type_(IRP_MJ_WRITE)
DRIVER_DISPATCH PortWrite;

_Use_decl_annotations_
NTSTATUS PortWrite(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PPORT_EXTENSION ext = (PPORT_EXTENSION)DeviceObject->DeviceExtension;
    KIRQL oldIrql;

    KeAcquireSpinLock(&ext->QueueLock, &oldIrql);
    InsertTailList(&ext->PendingIrps, &Irp->Tail.Overlay.ListEntry);
    KeReleaseSpinLock(&ext->QueueLock, oldIrql);
    PortKickQueue(ext);

    IoMarkIrpPending(Irp);
    return STATUS_PENDING;
}
`;

// ---- Cleanup labels reached before the acquire: the release may run at the entry IRQL. ----

const FAST_MUTEX_CLEANUP = `${EXTENSION}
_Dispatch_type_(IRP_MJ_DEVICE_CONTROL)
DRIVER_DISPATCH PortDeviceControl;

_Use_decl_annotations_
NTSTATUS PortDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PPORT_EXTENSION ext = (PPORT_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status = STATUS_SUCCESS;

    if (stack->Parameters.DeviceIoControl.InputBufferLength < sizeof(ULONG)) {
        status = STATUS_BUFFER_TOO_SMALL;
        goto Exit;
    }

    ExAcquireFastMutex(&ext->ConfigMutex);
    RtlCopyMemory(ext->Config, Irp->AssociatedIrp.SystemBuffer, sizeof(ULONG));

Exit:
    ExReleaseFastMutex(&ext->ConfigMutex);
    Irp->IoStatus.Status = status;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}
`;

const SPIN_LOCK_CLEANUP = `${EXTENSION}
_IRQL_requires_max_(APC_LEVEL)
NTSTATUS PortCancelAll(_Inout_ PPORT_EXTENSION Ext, _In_ BOOLEAN Surprise)
{
    KIRQL oldIrql = PASSIVE_LEVEL;

    if (Surprise) {
        goto Done;
    }
    KeAcquireSpinLock(&Ext->QueueLock, &oldIrql);
    while (!IsListEmpty(&Ext->PendingIrps)) {
        RemoveHeadList(&Ext->PendingIrps);
    }
Done:
    KeReleaseSpinLock(&Ext->QueueLock, oldIrql);
    return STATUS_SUCCESS;
}
`;

// ---- Cross-file: the annotated helper is defined in another file of the program. ----

const CROSS_FILE_CALLER = `${EXTENSION}
VOID PortCompleteLocked(_Inout_ PPORT_EXTENSION Ext);

_Dispatch_type_(IRP_MJ_FLUSH_BUFFERS)
DRIVER_DISPATCH PortFlush;

_Use_decl_annotations_
NTSTATUS PortFlush(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PPORT_EXTENSION ext = (PPORT_EXTENSION)DeviceObject->DeviceExtension;

    PortCompleteLocked(ext);
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
`;

const CROSS_FILE_CALLEE = `${EXTENSION}
_IRQL_requires_min_(DISPATCH_LEVEL)
VOID PortCompleteLocked(_Inout_ PPORT_EXTENSION Ext)
{
    KeAcquireSpinLockAtDpcLevel(&Ext->QueueLock);
    Ext->Outstanding = 0;
    KeReleaseSpinLockFromDpcLevel(&Ext->QueueLock);
}
`;

// ---- An unannotated helper nobody calls. ----

const ASSUMED_HELPER = `${EXTENSION}
VOID PortDrainAtDpc(PPORT_EXTENSION Ext)
{
    KLOCK_QUEUE_HANDLE handle;

    KeAcquireInStackQueuedSpinLockAtDpcLevel(&Ext->QueueLock, &handle);
    Ext->Outstanding = 0;
    KeReleaseInStackQueuedSpinLockFromDpcLevel(&handle);
}
`;

// ---- KeAcquireSpinLockAtDpcLevel in a dispatch routine, at PASSIVE_LEVEL. ----

const GAP_ACQUIRE_AT_DPC_LEVEL = `${EXTENSION}
_Dispatch_type_(IRP_MJ_CREATE)
DRIVER_DISPATCH PortCreate;

_Use_decl_annotations_
NTSTATUS PortCreate(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PPORT_EXTENSION ext = (PPORT_EXTENSION)DeviceObject->DeviceExtension;

    KeAcquireSpinLockAtDpcLevel(&ext->QueueLock);
    ext->Outstanding = 0;
    KeReleaseSpinLockFromDpcLevel(&ext->QueueLock);

    Irp->IoStatus.Status = STATUS_SUCCESS;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
`;

new RuleTester().run('wdm/IrqlTooLow', rule, {
  valid: [
    {
      name: 'DPC-level lock calls in a DPC',
      code: `${EXTENSION}
IO_DPC_ROUTINE PortDpcForIsr;

_Use_decl_annotations_
VOID PortDpcForIsr(PKDPC Dpc, PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    PPORT_EXTENSION ext = (PPORT_EXTENSION)Context;
    KLOCK_QUEUE_HANDLE handle;

    KeAcquireSpinLockAtDpcLevel(&ext->QueueLock);
    ext->Outstanding--;
    KeReleaseSpinLockFromDpcLevel(&ext->QueueLock);

    KeAcquireInStackQueuedSpinLockAtDpcLevel(&ext->QueueLock, &handle);
    InitializeListHead(&ext->PendingIrps);
    KeReleaseInStackQueuedSpinLockFromDpcLevel(&handle);

    IoStartNextPacket(DeviceObject, FALSE);
}
`,
    },
    {
      name: 'a helper that uses the DPC-level release, called only with the lock held',
      code: `${EXTENSION}
static VOID PortUnlockFromDpc(PPORT_EXTENSION Ext)
{
    KeReleaseSpinLockFromDpcLevel(&Ext->QueueLock);
}

_Dispatch_type_(IRP_MJ_READ)
DRIVER_DISPATCH PortRead;

_Use_decl_annotations_
NTSTATUS PortRead(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PPORT_EXTENSION ext = (PPORT_EXTENSION)DeviceObject->DeviceExtension;
    KIRQL oldIrql;

    KeAcquireSpinLock(&ext->QueueLock, &oldIrql);
    KeAcquireSpinLockAtDpcLevel(&ext->QueueLock);
    PortUnlockFromDpc(ext);
    KeReleaseSpinLock(&ext->QueueLock, oldIrql);
    return STATUS_SUCCESS;
}
`,
    },
    {
      name: 'releases after their acquires: KeReleaseSpinLock, in-stack queued, fast mutex, field-saved IRQL',
      code: `${EXTENSION}
_Dispatch_type_(IRP_MJ_WRITE)
DRIVER_DISPATCH PortWrite;

_Use_decl_annotations_
NTSTATUS PortWrite(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PPORT_EXTENSION ext = (PPORT_EXTENSION)DeviceObject->DeviceExtension;
    KLOCK_QUEUE_HANDLE handle;
    KIRQL oldIrql;

    KeAcquireSpinLock(&ext->QueueLock, &oldIrql);
    ext->Outstanding++;
    KeReleaseSpinLock(&ext->QueueLock, oldIrql);

    KeAcquireInStackQueuedSpinLock(&ext->QueueLock, &handle);
    InsertTailList(&ext->PendingIrps, &Irp->Tail.Overlay.ListEntry);
    KeReleaseInStackQueuedSpinLock(&handle);

    ExAcquireFastMutex(&ext->ConfigMutex);
    ext->Config = NULL;
    ExReleaseFastMutex(&ext->ConfigMutex);

    KeAcquireSpinLock(&ext->QueueLock, &ext->QueueIrql);
    ext->Outstanding--;
    KeReleaseSpinLock(&ext->QueueLock, ext->QueueIrql);

    IoMarkIrpPending(Irp);
    return STATUS_PENDING;
}
`,
    },
    {
      name: 'guarded by KeGetCurrentIrql() >= DISPATCH_LEVEL',
      code: `${EXTENSION}
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID PortTouch(_Inout_ PPORT_EXTENSION Ext)
{
    KIRQL oldIrql;

    if (KeGetCurrentIrql() >= DISPATCH_LEVEL) {
        KeAcquireSpinLockAtDpcLevel(&Ext->QueueLock);
        Ext->Outstanding++;
        KeReleaseSpinLockFromDpcLevel(&Ext->QueueLock);
    } else {
        KeAcquireSpinLock(&Ext->QueueLock, &oldIrql);
        Ext->Outstanding++;
        KeReleaseSpinLock(&Ext->QueueLock, oldIrql);
    }
}
`,
    },
    {
      name: 'IoStartNextPacket in StartIo and in a DPC',
      code: `${EXTENSION}
DRIVER_STARTIO PortStartIo;

_Use_decl_annotations_
VOID PortStartIo(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    Irp->IoStatus.Status = STATUS_SUCCESS;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    IoStartNextPacket(DeviceObject, FALSE);
}

KDEFERRED_ROUTINE PortRetryDpc;

_Use_decl_annotations_
VOID PortRetryDpc(PKDPC Dpc, PVOID DeferredContext, PVOID SystemArgument1, PVOID SystemArgument2)
{
    IoStartNextPacket((PDEVICE_OBJECT)DeferredContext, TRUE);
}
`,
    },
    {
      name: 'annotated callees called within their range',
      code: `${EXTENSION}
_IRQL_requires_(DISPATCH_LEVEL)
_Requires_lock_held_(Ext->QueueLock)
static VOID PortCountLocked(_Inout_ PPORT_EXTENSION Ext)
{
    Ext->Outstanding++;
}

_IRQL_requires_min_(APC_LEVEL)
static VOID PortSwapConfig(_Inout_ PPORT_EXTENSION Ext, _In_ PVOID Config)
{
    Ext->Config = Config;
}

_Dispatch_type_(IRP_MJ_DEVICE_CONTROL)
DRIVER_DISPATCH PortDeviceControl;

_Use_decl_annotations_
NTSTATUS PortDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PPORT_EXTENSION ext = (PPORT_EXTENSION)DeviceObject->DeviceExtension;
    KIRQL oldIrql;

    KeAcquireSpinLock(&ext->QueueLock, &oldIrql);
    PortCountLocked(ext);
    KeReleaseSpinLock(&ext->QueueLock, oldIrql);

    ExAcquireFastMutex(&ext->ConfigMutex);
    PortSwapConfig(ext, Irp->AssociatedIrp.SystemBuffer);
    ExReleaseFastMutex(&ext->ConfigMutex);
    return STATUS_SUCCESS;
}
`,
    },
    {
      name: 'the lock taken by a helper annotated _IRQL_raises_ is released by the caller',
      code: `${EXTENSION}
_IRQL_raises_(DISPATCH_LEVEL)
_Acquires_lock_(Ext->QueueLock)
static VOID PortLock(_Inout_ PPORT_EXTENSION Ext)
{
    KeAcquireSpinLock(&Ext->QueueLock, &Ext->QueueIrql);
}

_Dispatch_type_(IRP_MJ_CLOSE)
DRIVER_DISPATCH PortClose;

_Use_decl_annotations_
NTSTATUS PortClose(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PPORT_EXTENSION ext = (PPORT_EXTENSION)DeviceObject->DeviceExtension;

    PortLock(ext);
    ext->Outstanding = 0;
    KeReleaseSpinLock(&ext->QueueLock, ext->QueueIrql);
    return STATUS_SUCCESS;
}
`,
    },
    {
      name: 'a cancel routine releases the cancel spin lock it was called with',
      code: `${EXTENSION}
DRIVER_CANCEL PortCancel;

_Use_decl_annotations_
VOID PortCancel(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PPORT_EXTENSION ext = (PPORT_EXTENSION)DeviceObject->DeviceExtension;
    KIRQL oldIrql;

    IoReleaseCancelSpinLock(Irp->CancelIrql);

    KeAcquireSpinLock(&ext->QueueLock, &oldIrql);
    RemoveEntryList(&Irp->Tail.Overlay.ListEntry);
    KeReleaseSpinLock(&ext->QueueLock, oldIrql);

    Irp->IoStatus.Status = STATUS_CANCELLED;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
}
`,
    },
    {
      name: 'an unannotated helper with no caller is only assumed PASSIVE..DISPATCH: not reported by default',
      code: ASSUMED_HELPER,
    },
    {
      name: 'DDIs whose reference page states no IRQL (see Remarks) are never guessed',
      code: `${EXTENSION}
_IRQL_requires_(PASSIVE_LEVEL)
VOID PortSignal(_Inout_ PPORT_EXTENSION Ext, _Inout_ PKEVENT Event)
{
    KIRQL oldIrql = KeAcquireInterruptSpinLock(Ext->Interrupt);
    Ext->Outstanding = 0;
    KeReleaseInterruptSpinLock(Ext->Interrupt, oldIrql);
    KeSetEvent(Event, IO_NO_INCREMENT, FALSE);
}
`,
    },
    {
      name: 'WDF DDIs belong to kmdf/KmdfIrql',
      code: `#include <ntddk.h>
#include <wdf.h>

EVT_WDF_DEVICE_D0_EXIT PortEvtD0Exit;

NTSTATUS PortEvtD0Exit(WDFDEVICE Device, WDF_POWER_DEVICE_STATE TargetState)
{
    WDFSPINLOCK lock = PortGetContext(Device)->Lock;
    WdfSpinLockRelease(lock);
    return STATUS_SUCCESS;
}
`,
    },
    {
      // IoSetCancelRoutine is an interlocked exchange on Irp->CancelRoutine: wdm.h declares it
      // _IRQL_requires_max_(DISPATCH_LEVEL), and a driver that manages its own IRP queue calls it without the
      // cancel spin lock, at PASSIVE_LEVEL in its dispatch routine.
      name: 'IoSetCancelRoutine in a dispatch routine that queues the IRP itself',
      code: `${EXTENSION}
DRIVER_CANCEL PortCancel;

_Dispatch_type_(IRP_MJ_READ)
DRIVER_DISPATCH PortRead;

_Use_decl_annotations_
NTSTATUS PortRead(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PPORT_EXTENSION ext = (PPORT_EXTENSION)DeviceObject->DeviceExtension;

    IoMarkIrpPending(Irp);
    IoSetCancelRoutine(Irp, PortCancel);
    ExInterlockedInsertTailList(&ext->PendingIrps, &Irp->Tail.Overlay.ListEntry, &ext->QueueLock);
    return STATUS_PENDING;
}
`,
    },
    {
      // The release runs only when the lock was taken (same condition).
      name: 'a lock taken and released under the same condition',
      code: `${EXTENSION}
static VOID PortBumpCount(_Inout_ PPORT_EXTENSION Ext, _In_ BOOLEAN TakeLock)
{
    KIRQL oldIrql = PASSIVE_LEVEL;

    if (TakeLock) {
        KeAcquireSpinLock(&Ext->QueueLock, &oldIrql);
    }
    Ext->Outstanding++;
    if (TakeLock) {
        KeReleaseSpinLock(&Ext->QueueLock, oldIrql);
    }
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    PortBumpCount((PPORT_EXTENSION)DriverObject->DriverExtension, TRUE);
    return STATUS_SUCCESS;
}
`,
    },
  ],
  invalid: [
    {
      name: 'KeReleaseSpinLockFromDpcLevel in a dispatch routine (PASSIVE_LEVEL)',
      code: DPC_RELEASE_IN_DISPATCH,
      errors: [
        // The acquire needs DISPATCH_LEVEL too (WDK header annotation; the reference page says "see remarks").
        { messageId: 'tooLow', line: lineOf(DPC_RELEASE_IN_DISPATCH, 'KeAcquireSpinLockAtDpcLevel(') },
        {
          messageId: 'tooLow',
          message:
            'KeReleaseSpinLockFromDpcLevel must be called at IRQL >= DISPATCH_LEVEL (documented), but here the code runs at PASSIVE_LEVEL.',
          line: lineOf(DPC_RELEASE_IN_DISPATCH, 'KeReleaseSpinLockFromDpcLevel('),
          column: 5,
          basis: 'contract',
          trace: ['PortCreate is declared DRIVER_DISPATCH, entered at PASSIVE_LEVEL'],
        },
      ],
    },
    {
      name: 'IoStartNextPacket from a dispatch routine',
      code: START_NEXT_IN_DISPATCH,
      errors: [
        {
          messageId: 'tooLow',
          message: 'IoStartNextPacket must be called at IRQL >= DISPATCH_LEVEL (documented), but here the code runs at PASSIVE_LEVEL.',
          line: lineOf(START_NEXT_IN_DISPATCH, 'IoStartNextPacket('),
        },
      ],
    },
    {
      name: 'an AtDpcLevel acquire in a completion routine, which may run at PASSIVE_LEVEL',
      code: COMPLETION_DPC_LOCK,
      errors: [
        {
          messageId: 'tooLow',
          message:
            'KeAcquireInStackQueuedSpinLockAtDpcLevel must be called at IRQL >= DISPATCH_LEVEL (documented), but here the code may run at PASSIVE_LEVEL..DISPATCH_LEVEL.',
          line: lineOf(COMPLETION_DPC_LOCK, 'KeAcquireInStackQueuedSpinLockAtDpcLevel('),
          basis: 'contract',
          trace: ['PortReadComplete is declared IO_COMPLETION_ROUTINE, entered at PASSIVE_LEVEL..DISPATCH_LEVEL'],
        },
        // The release needs DISPATCH_LEVEL too (WDK header annotation; the reference page states nothing).
        { messageId: 'tooLow', line: lineOf(COMPLETION_DPC_LOCK, 'KeReleaseInStackQueuedSpinLockFromDpcLevel(') },
      ],
    },
    {
      name: 'a _IRQL_requires_(DISPATCH_LEVEL) helper called after the lock was released',
      code: LOCKED_HELPER_UNLOCKED,
      errors: [
        {
          messageId: 'tooLow',
          message:
            'PortDequeueLocked must be called at IRQL >= DISPATCH_LEVEL (annotated _IRQL_requires_(DISPATCH_LEVEL)), but here the code runs at PASSIVE_LEVEL.',
          line: lineOf(LOCKED_HELPER_UNLOCKED, '        next = PortDequeueLocked('),
          column: 16,
        },
      ],
    },
    {
      name: '_IRQL_requires_min_(DISPATCH_LEVEL) on a helper reached from DriverEntry',
      code: MIN_ANNOTATION_FROM_INIT,
      errors: [
        {
          messageId: 'tooLow',
          message:
            'PortResetCounters must be called at IRQL >= DISPATCH_LEVEL (annotated _IRQL_requires_min_(DISPATCH_LEVEL)), but here the code runs at PASSIVE_LEVEL.',
          line: lineOf(MIN_ANNOTATION_FROM_INIT, '    PortResetCounters(Ext);'),
          basis: 'contract',
          trace: ["DriverEntry is the driver's DRIVER_INITIALIZE routine", 'DriverEntry calls PortInitializeExtension at PASSIVE_LEVEL'],
        },
      ],
    },
    {
      name: 'the old __drv_requiresIRQL spelling, called one statement after the release',
      code: OLD_SPELLING_AFTER_RELEASE,
      errors: [
        {
          messageId: 'tooLow',
          message:
            'PortKickQueue must be called at IRQL >= DISPATCH_LEVEL (annotated __drv_requiresIRQL(DISPATCH_LEVEL)), but here the code runs at PASSIVE_LEVEL.',
          line: lineOf(OLD_SPELLING_AFTER_RELEASE, '    PortKickQueue(ext);'),
        },
      ],
    },
    {
      name: 'ExReleaseFastMutex on an error path that jumps over the acquire',
      code: FAST_MUTEX_CLEANUP,
      errors: [
        {
          messageId: 'tooLow',
          message:
            'ExReleaseFastMutex must be called at IRQL >= APC_LEVEL (documented), but here the code may run at PASSIVE_LEVEL..APC_LEVEL.',
          line: lineOf(FAST_MUTEX_CLEANUP, 'ExReleaseFastMutex('),
          basis: 'contract',
          trace: ['PortDeviceControl is declared DRIVER_DISPATCH, entered at PASSIVE_LEVEL'],
        },
      ],
    },
    {
      name: 'KeReleaseSpinLock on a path that never acquired the lock',
      code: SPIN_LOCK_CLEANUP,
      errors: [
        {
          messageId: 'tooLow',
          message:
            'KeReleaseSpinLock must be called at IRQL >= DISPATCH_LEVEL (documented), but here the code may run at PASSIVE_LEVEL..DISPATCH_LEVEL.',
          line: lineOf(SPIN_LOCK_CLEANUP, 'KeReleaseSpinLock('),
          trace: ['PortCancelAll is annotated _IRQL_requires_max_(APC_LEVEL)'],
        },
      ],
    },
    {
      name: 'the annotated helper is defined in another file of the program',
      code: CROSS_FILE_CALLER,
      files: { 'complete.c': CROSS_FILE_CALLEE },
      errors: [
        {
          messageId: 'tooLow',
          message:
            'PortCompleteLocked must be called at IRQL >= DISPATCH_LEVEL (annotated _IRQL_requires_min_(DISPATCH_LEVEL)), but here the code runs at PASSIVE_LEVEL.',
          line: lineOf(CROSS_FILE_CALLER, '    PortCompleteLocked(ext);'),
        },
      ],
    },
    {
      name: 'the assumed entry is reported when settings.irql.reportAssumed is true',
      code: ASSUMED_HELPER,
      settings: { irql: { reportAssumed: true } },
      errors: [
        {
          messageId: 'tooLow',
          message:
            'KeAcquireInStackQueuedSpinLockAtDpcLevel must be called at IRQL >= DISPATCH_LEVEL (documented), but here the code may run at PASSIVE_LEVEL..DISPATCH_LEVEL.',
          line: lineOf(ASSUMED_HELPER, 'KeAcquireInStackQueuedSpinLockAtDpcLevel('),
          basis: 'assumed',
          trace: ['PortDrainAtDpc has no IRQL annotation, role or caller here'],
        },
        // The release needs DISPATCH_LEVEL too (WDK header annotation; the reference page states nothing).
        { messageId: 'tooLow', line: lineOf(ASSUMED_HELPER, 'KeReleaseInStackQueuedSpinLockFromDpcLevel(') },
      ],
    },
    {
      // KeAcquireSpinLockAtDpcLevel requires IRQL >= DISPATCH_LEVEL (knowledge base §2; wdm.h
      // _IRQL_requires_min_(DISPATCH_LEVEL)).
      name: 'KeAcquireSpinLockAtDpcLevel in a dispatch routine (PASSIVE_LEVEL)',
      code: GAP_ACQUIRE_AT_DPC_LEVEL,
      errors: [
        { messageId: 'tooLow', line: lineOf(GAP_ACQUIRE_AT_DPC_LEVEL, 'KeAcquireSpinLockAtDpcLevel(') },
        { messageId: 'tooLow', line: lineOf(GAP_ACQUIRE_AT_DPC_LEVEL, 'KeReleaseSpinLockFromDpcLevel(') },
      ],
    },
  ],
});
