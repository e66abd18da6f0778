import { describe } from 'vitest';
import { RuleTester } from '@ddi-lint/core/rule-tester';
import rule from './SpinLockReleaseMismatch.js';

/** 1-based line of the first line of `code` containing `needle`. */
function lineOf(code: string, needle: string): number {
  const i = code.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`"${needle}" not in code`);
  return i + 1;
}

const EXTENSION = `#include <wdm.h>

#define UART_SYNC_IRQL DISPATCH_LEVEL

typedef struct _UART_EXTENSION {
    KSPIN_LOCK RxLock;
    KSPIN_LOCK TxLock;
    EX_SPIN_LOCK StatsLock;
    KIRQL RxIrql;
    LIST_ENTRY RxQueue;
    LIST_ENTRY TxQueue;
    ULONG Overruns;
} UART_EXTENSION, *PUART_EXTENSION;
`;

// ---- A release with an IRQL variable no acquire saved (a typo: irql for oldIrql). ----

const UNSAVED_VARIABLE = `${EXTENSION}
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID UartCountOverrun(_Inout_ PUART_EXTENSION Ext)
{
    KIRQL oldIrql;
    KIRQL irql = PASSIVE_LEVEL;

    KeAcquireSpinLock(&Ext->RxLock, &oldIrql);
    Ext->Overruns++;
    KeReleaseSpinLock(&Ext->RxLock, irql);
}
`;

// ---- A copy-pasted release: the wrong lock with the right IRQL variable. ----

const WRONG_LOCK = `${EXTENSION}
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID UartQueueWrite(_Inout_ PUART_EXTENSION Ext, _Inout_ PIRP Irp)
{
    KIRQL oldIrql;

    KeAcquireSpinLock(&Ext->TxLock, &oldIrql);
    InsertTailList(&Ext->TxQueue, &Irp->Tail.Overlay.ListEntry);
    KeReleaseSpinLock(&Ext->RxLock, oldIrql);
}
`;

// ---- Two nested locks released with each other's IRQL. ----

const SWAPPED_NESTED = `${EXTENSION}
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID UartLoopback(_Inout_ PUART_EXTENSION Ext)
{
    KIRQL rxIrql;
    KIRQL txIrql;

    KeAcquireSpinLock(&Ext->RxLock, &rxIrql);
    KeAcquireSpinLock(&Ext->TxLock, &txIrql);
    if (!IsListEmpty(&Ext->TxQueue)) {
        InsertTailList(&Ext->RxQueue, RemoveHeadList(&Ext->TxQueue));
    }
    KeReleaseSpinLock(&Ext->TxLock, rxIrql);
    KeReleaseSpinLock(&Ext->RxLock, txIrql);
}
`;

// ---- The wrong in-stack queued handle. ----

const WRONG_HANDLE = `${EXTENSION}
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID UartPurgeReceives(_Inout_ PUART_EXTENSION Ext)
{
    KLOCK_QUEUE_HANDLE rxHandle;
    KLOCK_QUEUE_HANDLE txHandle;

    KeAcquireInStackQueuedSpinLock(&Ext->RxLock, &rxHandle);
    InitializeListHead(&Ext->RxQueue);
    KeReleaseInStackQueuedSpinLock(&txHandle);
}
`;

// ---- KeLowerIrql to a level above the current one. ----

const LOWER_RAISES = `${EXTENSION}
_IRQL_requires_(PASSIVE_LEVEL)
VOID UartResetFifo(_In_ volatile UCHAR *Fcr)
{
    KIRQL oldIrql;

    KeRaiseIrql(HIGH_LEVEL, &oldIrql);
    WRITE_REGISTER_UCHAR((PUCHAR)Fcr, 0x07);
    KeLowerIrql(DISPATCH_LEVEL);
    WRITE_REGISTER_UCHAR((PUCHAR)Fcr, 0x01);
    KeLowerIrql(oldIrql);

    KeLowerIrql(UART_SYNC_IRQL);
}
`;

const LOWER_RAISES_CALLED = `${EXTENSION}
static VOID UartLeaveSync(VOID)
{
    KeLowerIrql(APC_LEVEL);
}

_Dispatch_type_(IRP_MJ_CREATE)
DRIVER_DISPATCH UartCreate;

_Use_decl_annotations_
NTSTATUS UartCreate(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UartLeaveSync();
    Irp->IoStatus.Status = STATUS_SUCCESS;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
`;

const REASSIGNED_POINTER = `${EXTENSION}
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID UartTouchThroughMovedPointer(_Inout_ PUART_EXTENSION Ext, _In_ BOOLEAN Tx)
{
    PKSPIN_LOCK lock = &Ext->RxLock;
    KIRQL oldIrql;

    if (Tx) {
        lock = &Ext->TxLock;
    }
    KeAcquireSpinLock(lock, &oldIrql);
    Ext->Overruns++;
    KeReleaseSpinLock(&Ext->RxLock, oldIrql);
}
`;

new RuleTester().run('wdm/SpinLockReleaseMismatch', rule, {
  valid: [
    {
      name: 'the lock acquired through a local pointer and released through the field',
      code: `${EXTENSION}
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID UartTouchThroughPointer(_Inout_ PUART_EXTENSION Ext)
{
    PKSPIN_LOCK lock = &Ext->RxLock;
    KIRQL oldIrql;

    KeAcquireSpinLock(lock, &oldIrql);
    Ext->Overruns++;
    KeReleaseSpinLock(&Ext->RxLock, oldIrql);
}
`,
    },
    {
      name: 'the lock acquired through a cast of the parameter and released through a local copy of it',
      code: `${EXTENSION}
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID UartTouchThroughCopy(_Inout_ PVOID Context)
{
    PUART_EXTENSION ext = Context;
    KIRQL oldIrql;

    KeAcquireSpinLock(&(((PUART_EXTENSION)Context)->RxLock), &oldIrql);
    ext->Overruns++;
    KeReleaseSpinLock(&(ext->RxLock), oldIrql);
}
`,
    },
    {
      name: 'every release matches its acquire: local, structure field, returned IRQL, in-stack handle',
      code: `${EXTENSION}
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID UartShuffle(_Inout_ PUART_EXTENSION Ext)
{
    KLOCK_QUEUE_HANDLE handle;
    KIRQL oldIrql;

    KeAcquireSpinLock(&Ext->RxLock, &oldIrql);
    Ext->Overruns++;
    KeReleaseSpinLock(&Ext->RxLock, oldIrql);

    KeAcquireSpinLock(&Ext->RxLock, &Ext->RxIrql);
    Ext->Overruns++;
    KeReleaseSpinLock(&Ext->RxLock, Ext->RxIrql);

    oldIrql = KeAcquireSpinLockRaiseToDpc(&Ext->TxLock);
    Ext->Overruns++;
    KeReleaseSpinLock(&Ext->TxLock, oldIrql);

    {
        KIRQL statsIrql = ExAcquireSpinLockExclusive(&Ext->StatsLock);
        Ext->Overruns++;
        ExReleaseSpinLockExclusive(&Ext->StatsLock, statsIrql);
    }

    KeAcquireInStackQueuedSpinLock(&Ext->TxLock, &handle);
    InitializeListHead(&Ext->TxQueue);
    KeReleaseInStackQueuedSpinLock(&handle);
}
`,
    },
    {
      name: 'nested locks released in LIFO order, each with its own IRQL',
      code: SWAPPED_NESTED.replace(
        '    KeReleaseSpinLock(&Ext->TxLock, rxIrql);\n    KeReleaseSpinLock(&Ext->RxLock, txIrql);',
        '    KeReleaseSpinLock(&Ext->TxLock, txIrql);\n    KeReleaseSpinLock(&Ext->RxLock, rxIrql);',
      ),
    },
    {
      name: 'an unlock helper releases with the IRQL its caller saved in the extension',
      code: `${EXTENSION}
_IRQL_raises_(DISPATCH_LEVEL)
_Acquires_lock_(Ext->RxLock)
static VOID UartLockRx(_Inout_ PUART_EXTENSION Ext)
{
    KeAcquireSpinLock(&Ext->RxLock, &Ext->RxIrql);
}

_IRQL_requires_(DISPATCH_LEVEL)
_Releases_lock_(Ext->RxLock)
static VOID UartUnlockRx(_Inout_ PUART_EXTENSION Ext)
{
    KeReleaseSpinLock(&Ext->RxLock, Ext->RxIrql);
}

_IRQL_requires_max_(DISPATCH_LEVEL)
VOID UartClearOverruns(_Inout_ PUART_EXTENSION Ext)
{
    UartLockRx(Ext);
    Ext->Overruns = 0;
    UartUnlockRx(Ext);
}
`,
    },
    {
      name: 'spacing differences in the lock expression do not matter',
      code: `${EXTENSION}
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID UartTouch(_Inout_ PUART_EXTENSION Ext)
{
    KIRQL oldIrql;

    KeAcquireSpinLock( & Ext->RxLock, &oldIrql );
    Ext->Overruns++;
    KeReleaseSpinLock(&Ext->RxLock, oldIrql);
}
`,
    },
    {
      name: 'the same IRQL variable filled on both branches of a DPC-level / normal acquire',
      code: `${EXTENSION}
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID UartTouchAnyLevel(_Inout_ PUART_EXTENSION Ext)
{
    KIRQL oldIrql = DISPATCH_LEVEL;
    BOOLEAN atDpc = KeGetCurrentIrql() == DISPATCH_LEVEL;

    if (atDpc) {
        KeAcquireSpinLockAtDpcLevel(&Ext->RxLock);
    } else {
        KeAcquireSpinLock(&Ext->RxLock, &oldIrql);
    }
    Ext->Overruns++;
    if (atDpc) {
        KeReleaseSpinLockFromDpcLevel(&Ext->RxLock);
    } else {
        KeReleaseSpinLock(&Ext->RxLock, oldIrql);
    }
}
`,
    },
    {
      name: 'lowering: to the saved IRQL, from HIGH_LEVEL to DISPATCH_LEVEL, and to the constant PASSIVE_LEVEL the function was entered at',
      code: `${EXTENSION}
_IRQL_requires_(PASSIVE_LEVEL)
VOID UartProgramDivisor(_In_ volatile UCHAR *Lcr, _In_ UCHAR Divisor)
{
    KIRQL oldIrql;

    KeRaiseIrql(HIGH_LEVEL, &oldIrql);
    WRITE_REGISTER_UCHAR((PUCHAR)Lcr, 0x80);
    KeLowerIrql(DISPATCH_LEVEL);
    WRITE_REGISTER_UCHAR((PUCHAR)Lcr + 1, Divisor);
    KeLowerIrql(oldIrql);

    KeRaiseIrqlToDpcLevel();
    WRITE_REGISTER_UCHAR((PUCHAR)Lcr, 0x03);
    KeLowerIrql(PASSIVE_LEVEL);
}
`,
    },
    {
      name: 'KeLowerIrql(DISPATCH_LEVEL) where the IRQL may already be higher is not a definite raise',
      code: `${EXTENSION}
_IRQL_requires_max_(HIGH_LEVEL)
VOID UartDropToDpc(VOID)
{
    KeLowerIrql(DISPATCH_LEVEL);
}
`,
    },
    {
      name: 'a cancel routine releases the cancel spin lock with Irp->CancelIrql',
      code: `${EXTENSION}
DRIVER_CANCEL UartCancelRead;

_Use_decl_annotations_
VOID UartCancelRead(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PUART_EXTENSION ext = (PUART_EXTENSION)DeviceObject->DeviceExtension;
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
      // `&(Ext->RxLock)` and `&Ext->RxLock` are the same lock.
      name: 'the lock written with and without parentheses',
      code: `${EXTENSION}
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID UartTouchParenthesized(_Inout_ PUART_EXTENSION Ext)
{
    KIRQL oldIrql;

    KeAcquireSpinLock(&(Ext->RxLock), &oldIrql);
    Ext->Overruns++;
    KeReleaseSpinLock(&Ext->RxLock, oldIrql);
}
`,
    },
  ],
  invalid: [
    {
      // The local pointed at another lock first: it is not a plain copy, so the two spellings stay different locks.
      name: 'a local pointer that is reassigned is not an alias',
      code: REASSIGNED_POINTER,
      errors: [{ messageId: 'wrongLock', line: lineOf(REASSIGNED_POINTER, 'KeReleaseSpinLock(') }],
    },
    {
      name: 'released with an IRQL variable no acquire saved',
      code: UNSAVED_VARIABLE,
      errors: [
        {
          messageId: 'unsavedIrql',
          message:
            'KeReleaseSpinLock restores the IRQL from irql, but on the way here only oldIrql was saved by an acquire: the IRQL would be set to the wrong level.',
          line: lineOf(UNSAVED_VARIABLE, 'KeReleaseSpinLock('),
          column: 5,
        },
      ],
    },
    {
      name: 'the wrong lock released with the IRQL saved for another',
      code: WRONG_LOCK,
      errors: [
        {
          messageId: 'wrongLock',
          message: 'KeReleaseSpinLock releases Ext->RxLock with the IRQL saved when Ext->TxLock was acquired (oldIrql).',
          line: lineOf(WRONG_LOCK, 'KeReleaseSpinLock('),
          column: 5,
        },
      ],
    },
    {
      name: 'nested locks released with each other’s IRQL',
      code: SWAPPED_NESTED,
      errors: [
        {
          messageId: 'wrongLock',
          message: 'KeReleaseSpinLock releases Ext->TxLock with the IRQL saved when Ext->RxLock was acquired (rxIrql).',
          line: lineOf(SWAPPED_NESTED, 'KeReleaseSpinLock(&Ext->TxLock'),
        },
        {
          messageId: 'wrongLock',
          message: 'KeReleaseSpinLock releases Ext->RxLock with the IRQL saved when Ext->TxLock was acquired (txIrql).',
          line: lineOf(SWAPPED_NESTED, 'KeReleaseSpinLock(&Ext->RxLock'),
        },
      ],
    },
    {
      name: 'an in-stack queued release through a handle no acquire filled',
      code: WRONG_HANDLE,
      errors: [
        {
          messageId: 'unsavedIrql',
          message:
            'KeReleaseInStackQueuedSpinLock restores the IRQL from txHandle, but on the way here only rxHandle was saved by an acquire: the IRQL would be set to the wrong level.',
          line: lineOf(WRONG_HANDLE, 'KeReleaseInStackQueuedSpinLock('),
        },
      ],
    },
    {
      name: 'KeLowerIrql to a level above the current one (a #define that names DISPATCH_LEVEL)',
      code: LOWER_RAISES,
      errors: [
        {
          messageId: 'lowerRaises',
          message: 'KeLowerIrql(DISPATCH_LEVEL) would raise the IRQL: here the code runs at PASSIVE_LEVEL.',
          line: lineOf(LOWER_RAISES, 'KeLowerIrql(UART_SYNC_IRQL)'),
          column: 5,
          basis: 'contract',
          trace: ['UartResetFifo is annotated _IRQL_requires_(PASSIVE_LEVEL)'],
        },
      ],
    },
    {
      name: 'KeLowerIrql(APC_LEVEL) in a helper called from a dispatch routine at PASSIVE_LEVEL',
      code: LOWER_RAISES_CALLED,
      errors: [
        {
          messageId: 'lowerRaises',
          message: 'KeLowerIrql(APC_LEVEL) would raise the IRQL: here the code runs at PASSIVE_LEVEL.',
          line: lineOf(LOWER_RAISES_CALLED, 'KeLowerIrql('),
          trace: ['UartCreate is declared DRIVER_DISPATCH, entered at PASSIVE_LEVEL', 'UartCreate calls UartLeaveSync at PASSIVE_LEVEL'],
        },
      ],
    },
  ],
});

