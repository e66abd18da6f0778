import { RuleTester } from '@ddi-lint/core/rule-tester';
import rule from './IrqlNotRestored.js';

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

typedef struct _NIC_EXTENSION {
    KSPIN_LOCK RxLock;
    KIRQL RxIrql;
    LIST_ENTRY RxQueue;
    FAST_MUTEX StatsMutex;
    PKINTERRUPT Interrupt;
    ULONG RxCount;
    BOOLEAN Stopping;
} NIC_EXTENSION, *PNIC_EXTENSION;
`;

// ---- The classic: an early return on an error path while the spin lock is held. ----

const EARLY_RETURN = `${EXTENSION}
_Dispatch_type_(IRP_MJ_READ)
DRIVER_DISPATCH NicRead;

_Use_decl_annotations_
NTSTATUS NicRead(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PNIC_EXTENSION ext = (PNIC_EXTENSION)DeviceObject->DeviceExtension;
    KIRQL oldIrql;

    KeAcquireSpinLock(&ext->RxLock, &oldIrql);
    if (ext->Stopping) {
        Irp->IoStatus.Status = STATUS_DEVICE_NOT_READY;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return STATUS_DEVICE_NOT_READY;
    }
    InsertTailList(&ext->RxQueue, &Irp->Tail.Overlay.ListEntry);
    KeReleaseSpinLock(&ext->RxLock, oldIrql);

    IoMarkIrpPending(Irp);
    return STATUS_PENDING;
}
`;

// ---- A fast mutex left held on a validation failure. ----

const FAST_MUTEX_LEFT = `${EXTENSION}
_IRQL_requires_max_(APC_LEVEL)
NTSTATUS NicUpdateStats(_Inout_ PNIC_EXTENSION Ext, _In_ ULONG Count)
{
    ExAcquireFastMutex(&Ext->StatsMutex);
    if (Count > 0x10000) {
        return STATUS_INVALID_PARAMETER;
    }
    Ext->RxCount += Count;
    ExReleaseFastMutex(&Ext->StatsMutex);
    return STATUS_SUCCESS;
}
`;

// ---- KeRaiseIrql to HIGH_LEVEL, lowered on one path only. ----

const RAISE_NOT_LOWERED = `${EXTENSION}
VOID NicPokeHardware(_In_ volatile ULONG *Register, _In_ ULONG Value)
{
    KIRQL oldIrql;

    KeRaiseIrql(HIGH_LEVEL, &oldIrql);
    WRITE_REGISTER_ULONG((PULONG)Register, Value);
    if (READ_REGISTER_ULONG((PULONG)Register) != Value) {
        return;
    }
    KeLowerIrql(oldIrql);
}
`;

// ---- A loop that breaks out with the in-stack queued lock held. ----

const LOOP_BREAK = `${EXTENSION}
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID NicDrainReceives(_Inout_ PNIC_EXTENSION Ext)
{
    KLOCK_QUEUE_HANDLE handle;
    PLIST_ENTRY entry;

    KeAcquireInStackQueuedSpinLock(&Ext->RxLock, &handle);
    for (;;) {
        if (IsListEmpty(&Ext->RxQueue)) {
            KeReleaseInStackQueuedSpinLock(&handle);
            return;
        }
        entry = RemoveHeadList(&Ext->RxQueue);
        if (Ext->Stopping) {
            break;
        }
        Ext->RxCount++;
    }
}
`;

// ---- KeAcquireSpinLockRaiseToDpc (the IRQL is returned) and a switch case that returns. ----

const SWITCH_RETURN = `${EXTENSION}
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID NicSetFilter(_Inout_ PNIC_EXTENSION Ext, _In_ ULONG Filter)
{
    KIRQL oldIrql = KeAcquireSpinLockRaiseToDpc(&Ext->RxLock);

    switch (Filter) {
    case 0:
        Ext->Stopping = TRUE;
        break;
    case 1:
        return;
    default:
        Ext->RxCount = 0;
        break;
    }
    KeReleaseSpinLock(&Ext->RxLock, oldIrql);
}
`;

// ---- Two raises in one function, each with its own early return. ----

const TWO_RAISES = `${EXTENSION}
_IRQL_requires_max_(DISPATCH_LEVEL)
NTSTATUS NicSnapshot(_Inout_ PNIC_EXTENSION Ext, _Out_ PULONG Count)
{
    KIRQL queueIrql;
    KIRQL interruptIrql;

    KeAcquireSpinLock(&Ext->RxLock, &queueIrql);
    if (Ext->Stopping) {
        return STATUS_DEVICE_NOT_READY;
    }
    *Count = Ext->RxCount;
    KeReleaseSpinLock(&Ext->RxLock, queueIrql);

    interruptIrql = KeAcquireInterruptSpinLock(Ext->Interrupt);
    if (*Count == 0) {
        return STATUS_NO_MORE_ENTRIES;
    }
    KeReleaseInterruptSpinLock(Ext->Interrupt, interruptIrql);
    return STATUS_SUCCESS;
}
`;

// ---- The cancel spin lock, left held when the IRP is already canceled. ----

const CANCEL_LOCK_LEFT = `${EXTENSION}
_IRQL_requires_max_(DISPATCH_LEVEL)
BOOLEAN NicClearCancelRoutine(_Inout_ PIRP Irp)
{
    KIRQL cancelIrql;

    IoAcquireCancelSpinLock(&cancelIrql);
    if (Irp->Cancel) {
        return FALSE;
    }
    IoSetCancelRoutine(Irp, NULL);
    IoReleaseCancelSpinLock(cancelIrql);
    return TRUE;
}
`;

// ---- A lock helper that returns holding the lock without saying so, and a caller that never releases. ----

const UNANNOTATED_LOCK_HELPER = `${EXTENSION}
static VOID NicLockRx(_Inout_ PNIC_EXTENSION Ext)
{
    KeAcquireSpinLock(&Ext->RxLock, &Ext->RxIrql);
}

_Dispatch_type_(IRP_MJ_FLUSH_BUFFERS)
DRIVER_DISPATCH NicFlush;

_Use_decl_annotations_
NTSTATUS NicFlush(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PNIC_EXTENSION ext = (PNIC_EXTENSION)DeviceObject->DeviceExtension;

    NicLockRx(ext);
    InitializeListHead(&ext->RxQueue);
    Irp->IoStatus.Status = STATUS_SUCCESS;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
`;

// ---- A KMDF queue callback that returns with the WDF spin lock held. ----

const WDF_LOCK_LEFT = `#include <ntddk.h>
#include <wdf.h>

typedef struct _RX_QUEUE_CONTEXT {
    WDFSPINLOCK Lock;
    ULONG Pending;
} RX_QUEUE_CONTEXT, *PRX_QUEUE_CONTEXT;

EVT_WDF_IO_QUEUE_IO_READ NicEvtIoRead;

VOID NicEvtIoRead(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
    PRX_QUEUE_CONTEXT ctx = RxQueueGetContext(Queue);

    WdfSpinLockAcquire(ctx->Lock);
    if (Length == 0) {
        WdfRequestComplete(Request, STATUS_INVALID_PARAMETER);
        return;
    }
    ctx->Pending++;
    WdfSpinLockRelease(ctx->Lock);
    WdfRequestComplete(Request, STATUS_SUCCESS);
}
`;

new RuleTester().run('wdm/IrqlNotRestored', rule, {
  valid: [
    {
      name: 'every path reaches the release through a cleanup label',
      code: `${EXTENSION}
_Dispatch_type_(IRP_MJ_READ)
DRIVER_DISPATCH NicRead;

_Use_decl_annotations_
NTSTATUS NicRead(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PNIC_EXTENSION ext = (PNIC_EXTENSION)DeviceObject->DeviceExtension;
    NTSTATUS status = STATUS_PENDING;
    KIRQL oldIrql;

    KeAcquireSpinLock(&ext->RxLock, &oldIrql);
    if (ext->Stopping) {
        status = STATUS_DEVICE_NOT_READY;
        goto Unlock;
    }
    InsertTailList(&ext->RxQueue, &Irp->Tail.Overlay.ListEntry);
    IoMarkIrpPending(Irp);

Unlock:
    KeReleaseSpinLock(&ext->RxLock, oldIrql);
    if (status != STATUS_PENDING) {
        Irp->IoStatus.Status = status;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
    }
    return status;
}
`,
    },
    {
      name: 'a helper that says it returns raised: _IRQL_raises_ and _Acquires_lock_',
      code: `${EXTENSION}
_IRQL_raises_(DISPATCH_LEVEL)
_Acquires_lock_(Ext->RxLock)
VOID NicLockRx(_Inout_ PNIC_EXTENSION Ext)
{
    KeAcquireSpinLock(&Ext->RxLock, &Ext->RxIrql);
}
`,
    },
    {
      name: '_Acquires_exclusive_lock_ alone is enough',
      code: `${EXTENSION}
_Acquires_exclusive_lock_(Ext->RxLock)
VOID NicLockRxExclusive(_Inout_ PNIC_EXTENSION Ext)
{
    KeAcquireSpinLock(&Ext->RxLock, &Ext->RxIrql);
}
`,
    },
    {
      name: 'a helper annotated _IRQL_saves_global_',
      code: `${EXTENSION}
_IRQL_saves_global_(SpinLock, Ext)
_IRQL_raises_(DISPATCH_LEVEL)
VOID NicLockRxSaving(_Inout_ PNIC_EXTENSION Ext)
{
    KeAcquireSpinLock(&Ext->RxLock, &Ext->RxIrql);
}
`,
    },
    {
      name: 'raising wrappers that return the previous IRQL: __drv_raisesIRQL and _IRQL_raises_ + _IRQL_saves_',
      code: `${EXTENSION}
__drv_raisesIRQL(DISPATCH_LEVEL)
KIRQL NicRaiseOld(VOID)
{
    KIRQL oldIrql;
    KeRaiseIrql(DISPATCH_LEVEL, &oldIrql);
    return oldIrql;
}

_IRQL_requires_max_(DISPATCH_LEVEL)
_IRQL_raises_(DISPATCH_LEVEL)
_IRQL_saves_
KIRQL NicRaiseToDpc(VOID)
{
    return KeRaiseIrqlToDpcLevel();
}
`,
    },
    {
      name: 'a lock helper that says so and an unlock helper that restores the IRQL saved in the extension',
      code: `${EXTENSION}
_IRQL_raises_(DISPATCH_LEVEL)
_Acquires_lock_(Ext->RxLock)
static VOID NicLockRx(_Inout_ PNIC_EXTENSION Ext)
{
    KeAcquireSpinLock(&Ext->RxLock, &Ext->RxIrql);
}

_Releases_lock_(Ext->RxLock)
static VOID NicUnlockRx(_Inout_ PNIC_EXTENSION Ext)
{
    KeReleaseSpinLock(&Ext->RxLock, Ext->RxIrql);
}

_Dispatch_type_(IRP_MJ_FLUSH_BUFFERS)
DRIVER_DISPATCH NicFlush;

_Use_decl_annotations_
NTSTATUS NicFlush(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PNIC_EXTENSION ext = (PNIC_EXTENSION)DeviceObject->DeviceExtension;

    NicLockRx(ext);
    InitializeListHead(&ext->RxQueue);
    NicUnlockRx(ext);
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
`,
    },
    {
      name: 'KeRaiseIrql / KeLowerIrql around every case of a switch',
      code: `${EXTENSION}
VOID NicWriteRegister(_In_ volatile ULONG *Register, _In_ ULONG Which, _In_ ULONG Value)
{
    KIRQL oldIrql;

    KeRaiseIrql(HIGH_LEVEL, &oldIrql);
    switch (Which) {
    case 0:
        WRITE_REGISTER_ULONG((PULONG)Register, Value);
        break;
    case 1:
        WRITE_REGISTER_ULONG((PULONG)Register + 1, Value);
        KeLowerIrql(oldIrql);
        return;
    default:
        break;
    }
    KeLowerIrql(oldIrql);
}
`,
    },
    {
      name: 'an acquire and release in every loop iteration, the IRQL saved in a structure field',
      code: `${EXTENSION}
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID NicCountReceives(_Inout_ PNIC_EXTENSION Ext, _In_ ULONG Rounds)
{
    ULONG i;

    for (i = 0; i < Rounds; i++) {
        KeAcquireSpinLock(&Ext->RxLock, &Ext->RxIrql);
        Ext->RxCount++;
        KeReleaseSpinLock(&Ext->RxLock, Ext->RxIrql);
    }
}
`,
    },
    {
      name: 'a DPC-level acquire does not change the IRQL (a lock leak is not this rule)',
      code: `${EXTENSION}
KDEFERRED_ROUTINE NicRxDpc;

VOID NicRxDpc(PKDPC Dpc, PVOID DeferredContext, PVOID SystemArgument1, PVOID SystemArgument2)
{
    PNIC_EXTENSION ext = (PNIC_EXTENSION)DeferredContext;

    KeAcquireSpinLockAtDpcLevel(&ext->RxLock);
    if (ext->Stopping) {
        return;
    }
    ext->RxCount++;
    KeReleaseSpinLockFromDpcLevel(&ext->RxLock);
}
`,
    },
    {
      name: 'a cancel routine lowers the IRQL, it does not raise it',
      code: `${EXTENSION}
DRIVER_CANCEL NicCancel;

_Use_decl_annotations_
VOID NicCancel(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PNIC_EXTENSION ext = (PNIC_EXTENSION)DeviceObject->DeviceExtension;
    KIRQL oldIrql;

    IoReleaseCancelSpinLock(Irp->CancelIrql);
    KeAcquireSpinLock(&ext->RxLock, &oldIrql);
    RemoveEntryList(&Irp->Tail.Overlay.ListEntry);
    KeReleaseSpinLock(&ext->RxLock, oldIrql);
    Irp->IoStatus.Status = STATUS_CANCELLED;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
}
`,
    },
    {
      name: 'a fast mutex released on every path, including the error path',
      code: FAST_MUTEX_LEFT.replace(
        '    if (Count > 0x10000) {\n        return STATUS_INVALID_PARAMETER;',
        '    if (Count > 0x10000) {\n        ExReleaseFastMutex(&Ext->StatsMutex);\n        return STATUS_INVALID_PARAMETER;',
      ),
    },
    {
      // Entered at DISPATCH_LEVEL with the lock held, it drops the lock around the call and takes it again: it
      // returns at the IRQL it was entered at, as its _IRQL_requires_ / _Requires_lock_held_ contract says.
      name: 'a _Requires_lock_held_ helper that drops and re-takes the lock',
      code: `${EXTENSION}
_IRQL_requires_(DISPATCH_LEVEL)
_Requires_lock_held_(Ext->RxLock)
static VOID NicIndicateLocked(_Inout_ PNIC_EXTENSION Ext, _In_ PDEVICE_OBJECT Upper, _In_ PIRP Irp)
{
    KeReleaseSpinLock(&Ext->RxLock, Ext->RxIrql);
    IoCallDriver(Upper, Irp);
    KeAcquireSpinLock(&Ext->RxLock, &Ext->RxIrql);
}
`,
    },
  ],
  invalid: [
    {
      name: 'an early return with the spin lock held',
      code: EARLY_RETURN,
      errors: [
        {
          messageId: 'notRestored',
          message:
            'NicRead can return with the IRQL still raised to DISPATCH_LEVEL here: release or restore it on every path, or annotate NicRead with _IRQL_raises_ / _Acquires_lock_ if that is its purpose.',
          line: lineOf(EARLY_RETURN, 'KeAcquireSpinLock('),
          column: 5,
          basis: 'proven',
          trace: ['KeAcquireSpinLock raises the IRQL to DISPATCH_LEVEL'],
        },
      ],
    },
    {
      name: 'a fast mutex left held on an error path (APC_LEVEL)',
      code: FAST_MUTEX_LEFT,
      errors: [
        {
          messageId: 'notRestored',
          message: /^NicUpdateStats can return with the IRQL still raised to APC_LEVEL here/,
          line: lineOf(FAST_MUTEX_LEFT, 'ExAcquireFastMutex('),
          trace: ['ExAcquireFastMutex raises the IRQL to APC_LEVEL'],
        },
      ],
    },
    {
      name: 'KeRaiseIrql(HIGH_LEVEL) not lowered on one path',
      code: RAISE_NOT_LOWERED,
      errors: [
        {
          messageId: 'notRestored',
          message: /^NicPokeHardware can return with the IRQL still raised to HIGH_LEVEL here/,
          line: lineOf(RAISE_NOT_LOWERED, 'KeRaiseIrql('),
          trace: ['KeRaiseIrql raises the IRQL to HIGH_LEVEL'],
        },
      ],
    },
    {
      name: 'a break out of the loop skips the in-stack queued release',
      code: LOOP_BREAK,
      errors: [
        {
          messageId: 'notRestored',
          line: lineOf(LOOP_BREAK, 'KeAcquireInStackQueuedSpinLock('),
          trace: ['KeAcquireInStackQueuedSpinLock raises the IRQL to DISPATCH_LEVEL'],
        },
      ],
    },
    {
      name: 'KeAcquireSpinLockRaiseToDpc and a switch case that returns',
      code: SWITCH_RETURN,
      errors: [
        {
          messageId: 'notRestored',
          line: lineOf(SWITCH_RETURN, 'KeAcquireSpinLockRaiseToDpc('),
          column: columnOf(SWITCH_RETURN, 'KeAcquireSpinLockRaiseToDpc('),
        },
      ],
    },
    {
      name: 'two raises, each left on its own error path, are reported separately',
      code: TWO_RAISES,
      errors: [
        {
          messageId: 'notRestored',
          message: /raised to DISPATCH_LEVEL/,
          line: lineOf(TWO_RAISES, 'KeAcquireSpinLock('),
        },
        {
          messageId: 'notRestored',
          message: /raised to DIRQL/,
          line: lineOf(TWO_RAISES, 'KeAcquireInterruptSpinLock('),
          column: columnOf(TWO_RAISES, 'KeAcquireInterruptSpinLock('),
        },
      ],
    },
    {
      name: 'the cancel spin lock left held on the canceled path',
      code: CANCEL_LOCK_LEFT,
      errors: [
        {
          messageId: 'notRestored',
          line: lineOf(CANCEL_LOCK_LEFT, 'IoAcquireCancelSpinLock('),
          trace: ['IoAcquireCancelSpinLock raises the IRQL to DISPATCH_LEVEL'],
        },
      ],
    },
    {
      name: 'an unannotated lock helper is reported once, in the helper',
      code: UNANNOTATED_LOCK_HELPER,
      errors: [
        {
          messageId: 'notRestored',
          message: /^NicLockRx can return with the IRQL still raised/,
          line: lineOf(UNANNOTATED_LOCK_HELPER, 'KeAcquireSpinLock('),
          trace: ['KeAcquireSpinLock raises the IRQL to DISPATCH_LEVEL'],
        },
        // NicFlush, which calls it and returns without releasing, is not reported again: the cause is reported
        // once, in the helper (an annotated helper's callers are reported instead).
      ],
    },
    {
      name: 'a KMDF callback returns with its WDF spin lock held',
      code: WDF_LOCK_LEFT,
      errors: [
        {
          messageId: 'notRestored',
          line: lineOf(WDF_LOCK_LEFT, 'WdfSpinLockAcquire('),
          trace: ['WdfSpinLockAcquire raises the IRQL to DISPATCH_LEVEL'],
        },
      ],
    },
  ],
});

// ---- Formerly a known gap: a raise known only from a callee's annotations (_IRQL_raises_, basis contract) was
// filtered out, not followed. Now a regular test. ----

const GAP_ANNOTATED_HELPER_NOT_RELEASED = `${EXTENSION}
_IRQL_raises_(DISPATCH_LEVEL)
_Acquires_lock_(Ext->RxLock)
static VOID NicLockRx(_Inout_ PNIC_EXTENSION Ext)
{
    KeAcquireSpinLock(&Ext->RxLock, &Ext->RxIrql);
}

_Dispatch_type_(IRP_MJ_FLUSH_BUFFERS)
DRIVER_DISPATCH NicFlush;

_Use_decl_annotations_
NTSTATUS NicFlush(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PNIC_EXTENSION ext = (PNIC_EXTENSION)DeviceObject->DeviceExtension;

    NicLockRx(ext);
    if (ext->Stopping) {
        return STATUS_DEVICE_NOT_READY;
    }
    InitializeListHead(&ext->RxQueue);
    KeReleaseSpinLock(&ext->RxLock, ext->RxIrql);
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
`;

// Formerly a known gap: the callee says it returns raised (`_IRQL_raises_`), so the caller that keeps the lock is
// the one reported.
new RuleTester().run('wdm/IrqlNotRestored (annotated helpers)', rule, {
  valid: [],
  invalid: [
    {
      name: 'the caller of an _IRQL_raises_ helper returns without releasing',
      code: GAP_ANNOTATED_HELPER_NOT_RELEASED,
      errors: [{ messageId: 'notRestored', line: lineOf(GAP_ANNOTATED_HELPER_NOT_RELEASED, '    NicLockRx(ext);') }],
    },
  ],
});
