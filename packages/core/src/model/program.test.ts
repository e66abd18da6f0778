import { describe, expect, it } from 'vitest';
import { type ParsedSource, type SyntaxNode, parseSource } from '../frontend/parser.js';
import { type Interval, Level, formatInterval, interval } from './irql.js';
import { type IrqlFact, explainAbove, explainBelow } from './irql-domain.js';
import { Program } from './program.js';

const P = Level.Passive;
const A = Level.Apc;
const D = Level.Dispatch;
const DI = Level.Dirql;
const H = Level.High;

interface World {
  readonly program: Program;
  readonly sources: readonly ParsedSource[];
}

function world(...files: (string | [string, string])[]): World {
  const sources = files.map((f, i) => (typeof f === 'string' ? parseSource(i === 0 ? 'a.c' : `f${i}.c`, f) : parseSource(f[0], f[1])));
  return { program: new Program(sources), sources };
}

/** Calls to `callee` in every source, in source order. */
function callsTo(w: World, callee: string): SyntaxNode[] {
  return w.sources.flatMap((s) =>
    s.root.descendantsOfType('call_expression').filter((c) => c.childForFieldName('function')?.text === callee),
  );
}

function call(w: World, callee: string, nth = 0): SyntaxNode {
  const all = callsTo(w, callee);
  const c = all[nth];
  if (!c) throw new Error(`no call #${nth} to ${callee} (found ${all.length})`);
  return c;
}

function factAt(w: World, callee: string, nth = 0): IrqlFact {
  const f = w.program.irqlAt(call(w, callee, nth));
  if (!f) throw new Error(`no IRQL fact at ${callee}#${nth}`);
  return f;
}

function at(w: World, callee: string, nth = 0): string {
  return formatInterval(factAt(w, callee, nth).interval);
}

function entry(w: World, name: string): { interval: string; bases: string[]; steps: string[][] } {
  const def = w.program.files.flatMap((f) => f.definitions).find((d) => d.name === name);
  if (!def) throw new Error(`no definition ${name}`);
  const e = w.program.entryOf(def);
  return {
    interval: formatInterval(e.interval),
    bases: [...new Set(e.evidence.map((x) => x.basis))].sort(),
    steps: e.evidence.map((x) => x.steps.map((s) => s.message)),
  };
}

function fmt(i: Interval): string {
  return formatInterval(i);
}

const PASSIVE = fmt(interval(P));
const APC = fmt(interval(A));
const DISPATCH = fmt(interval(D));
const DIRQL = fmt(interval(DI));

describe('spin locks', () => {
  it('KeAcquireSpinLock raises to DISPATCH and KeReleaseSpinLock restores through the saved variable', () => {
    const w = world(`
DRIVER_DISPATCH DispatchWrite;

NTSTATUS DispatchWrite(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PDEVICE_EXTENSION ext = DeviceObject->DeviceExtension;
    KIRQL oldIrql;

    BeforeLock(ext);
    KeAcquireSpinLock(&ext->QueueLock, &oldIrql);
    InsertTailList(&ext->Queue, &Irp->Tail.Overlay.ListEntry);
    KeReleaseSpinLock(&ext->QueueLock, oldIrql);
    AfterLock(ext);
    return STATUS_PENDING;
}`);
    expect(at(w, 'BeforeLock')).toBe(PASSIVE);
    expect(at(w, 'KeAcquireSpinLock')).toBe(PASSIVE);
    expect(at(w, 'InsertTailList')).toBe(DISPATCH);
    expect(at(w, 'KeReleaseSpinLock')).toBe(DISPATCH);
    expect(at(w, 'AfterLock')).toBe(PASSIVE);

    const inside = factAt(w, 'InsertTailList');
    const why = explainAbove(inside, A)!;
    expect(why.basis).toBe('proven');
    expect(why.definite).toBe(true);
    expect(why.steps.map((s) => s.message)).toEqual(['KeAcquireSpinLock raises the IRQL to DISPATCH_LEVEL']);
    // The step points at the acquire call in the source.
    const acquire = call(w, 'KeAcquireSpinLock');
    expect([why.steps[0].start, why.steps[0].end]).toEqual([acquire.startIndex, acquire.endIndex]);

    const after = factAt(w, 'AfterLock');
    expect(explainAbove(after, P)).toBeUndefined();
    expect(after.evidence.map((e) => e.basis)).toEqual(['contract']);
    expect(after.evidence[0].steps[0].message).toMatch(/DispatchWrite is declared DRIVER_DISPATCH, entered at PASSIVE_LEVEL/);
  });

  it('restores through a struct field: &ext->OldIrql … ext->OldIrql', () => {
    const w = world(`
DRIVER_DISPATCH DispatchRead;
NTSTATUS DispatchRead(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)DeviceObject->DeviceExtension;
    KeAcquireSpinLock(&ext->Lock, &ext->OldIrql);
    Locked(ext);
    KeReleaseSpinLock(&ext->Lock, ext->OldIrql);
    Unlocked(ext);
    KeAcquireSpinLock(&(ext->Lock), &(ext->OldIrql));
    Locked(ext);
    KeReleaseSpinLock(&(ext->Lock), ext -> OldIrql);
    Unlocked(ext);
    return STATUS_SUCCESS;
}`);
    expect(at(w, 'Locked', 0)).toBe(DISPATCH);
    expect(at(w, 'Unlocked', 0)).toBe(PASSIVE);
    expect(at(w, 'Locked', 1)).toBe(DISPATCH);
    expect(at(w, 'Unlocked', 1)).toBe(PASSIVE);
  });

  it('restores through a saved-IRQL pointer: KeAcquireSpinLock(l, pOld) … KeReleaseSpinLock(l, *pOld)', () => {
    const w = world(`
_IRQL_requires_(PASSIVE_LEVEL)
VOID Worker(PKSPIN_LOCK Lock, PKIRQL pOld)
{
    KeAcquireSpinLock(Lock, pOld);
    Locked();
    KeReleaseSpinLock(Lock, *pOld);
    Unlocked();
}`);
    expect(at(w, 'Locked')).toBe(DISPATCH);
    expect(at(w, 'Unlocked')).toBe(PASSIVE);
  });

  it('nested locks restore in order', () => {
    const w = world(`
DRIVER_DISPATCH DispatchIoctl;
NTSTATUS DispatchIoctl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PDEVICE_EXTENSION ext = DeviceObject->DeviceExtension;
    KIRQL outer, inner;
    KeAcquireSpinLock(&ext->OuterLock, &outer);
    KeAcquireSpinLock(&ext->InnerLock, &inner);
    BothHeld();
    KeReleaseSpinLock(&ext->InnerLock, inner);
    OuterHeld();
    KeReleaseSpinLock(&ext->OuterLock, outer);
    NoneHeld();
    KeAcquireSpinLockAtDpcLevel(&ext->InnerLock);
    AtDpcAcquired();
    KeReleaseSpinLockFromDpcLevel(&ext->InnerLock);
    return STATUS_SUCCESS;
}`);
    expect(at(w, 'BothHeld')).toBe(DISPATCH);
    expect(at(w, 'OuterHeld')).toBe(DISPATCH);
    expect(at(w, 'NoneHeld')).toBe(PASSIVE);
    // The AtDpcLevel variants do not change the IRQL.
    expect(at(w, 'AtDpcAcquired')).toBe(PASSIVE);
  });

  it('KeAcquireSpinLockRaiseToDpc returns the old IRQL (declaration and assignment forms)', () => {
    const w = world(`
DRIVER_DISPATCH D;
NTSTATUS D(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    KIRQL a = KeAcquireSpinLockRaiseToDpc(&g_Lock);
    InA();
    KeReleaseSpinLock(&g_Lock, a);
    OutA();
    KIRQL b;
    b = KeAcquireSpinLockRaiseToDpc(&g_Lock);
    InB();
    KeReleaseSpinLock(&g_Lock, b);
    OutB();
    return STATUS_SUCCESS;
}`);
    expect([at(w, 'InA'), at(w, 'OutA'), at(w, 'InB'), at(w, 'OutB')]).toEqual([DISPATCH, PASSIVE, DISPATCH, PASSIVE]);
  });

  it('KeAcquireInStackQueuedSpinLock saves in the lock handle', () => {
    const w = world(`
DRIVER_DISPATCH DispatchCleanup;
NTSTATUS DispatchCleanup(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    KLOCK_QUEUE_HANDLE lockHandle;
    PDEVICE_EXTENSION ext = DeviceObject->DeviceExtension;
    KeAcquireInStackQueuedSpinLock(&ext->QueueLock, &lockHandle);
    DrainQueue(ext);
    KeReleaseInStackQueuedSpinLock(&lockHandle);
    CompleteAll(ext);
    return STATUS_SUCCESS;
}`);
    expect(at(w, 'DrainQueue')).toBe(DISPATCH);
    expect(at(w, 'CompleteAll')).toBe(PASSIVE);
    expect(explainAbove(factAt(w, 'DrainQueue'), A)!.steps[0].message).toBe(
      'KeAcquireInStackQueuedSpinLock raises the IRQL to DISPATCH_LEVEL',
    );
  });

  it('IoAcquireCancelSpinLock / IoReleaseCancelSpinLock', () => {
    const w = world(`
DRIVER_DISPATCH D;
NTSTATUS D(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    KIRQL cancelIrql;
    IoAcquireCancelSpinLock(&cancelIrql);
    Held();
    IoReleaseCancelSpinLock(cancelIrql);
    Released();
    return STATUS_SUCCESS;
}`);
    expect(at(w, 'Held')).toBe(DISPATCH);
    expect(at(w, 'Released')).toBe(PASSIVE);
  });

  it('acquire and release inside a loop leave the IRQL unchanged after it', () => {
    const w = world(`
DRIVER_DISPATCH D;
NTSTATUS D(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PDEVICE_EXTENSION ext = DeviceObject->DeviceExtension;
    KIRQL old;
    while (HasWork(ext)) {
        KeAcquireSpinLock(&ext->Lock, &old);
        TakeOne(ext);
        KeReleaseSpinLock(&ext->Lock, old);
        ProcessOne(ext);
    }
    Done(ext);
    return STATUS_SUCCESS;
}`);
    expect(at(w, 'HasWork')).toBe(PASSIVE);
    expect(at(w, 'TakeOne')).toBe(DISPATCH);
    expect(at(w, 'ProcessOne')).toBe(PASSIVE);
    expect(at(w, 'Done')).toBe(PASSIVE);
  });

  it('a release on only one path joins to PASSIVE..DISPATCH', () => {
    const w = world(`
DRIVER_DISPATCH D;
NTSTATUS D(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    KIRQL old;
    KeAcquireSpinLock(&g_Lock, &old);
    if (Irp->Flags) {
        KeReleaseSpinLock(&g_Lock, old);
    }
    Maybe();
    return STATUS_SUCCESS;
}`);
    const f = factAt(w, 'Maybe');
    expect(fmt(f.interval)).toBe('PASSIVE_LEVEL..DISPATCH_LEVEL');
    const why = explainAbove(f, A)!;
    expect(why.definite).toBe(false);
    expect(why.basis).toBe('proven');
  });
});

describe('KeRaiseIrql / KeLowerIrql and fast mutexes', () => {
  it('KeRaiseIrql raises to its argument and KeLowerIrql restores the saved level', () => {
    const w = world(`
DRIVER_DISPATCH D;
NTSTATUS D(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    KIRQL old, older;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    AtDispatch();
    KeRaiseIrql(HIGH_LEVEL, &older);
    AtHigh();
    KeLowerIrql(older);
    BackAtDispatch();
    KeLowerIrql(old);
    BackAtPassive();
    return STATUS_SUCCESS;
}`);
    expect(at(w, 'AtDispatch')).toBe(DISPATCH);
    expect(at(w, 'AtHigh')).toBe(fmt(interval(H)));
    expect(at(w, 'BackAtDispatch')).toBe(DISPATCH);
    expect(at(w, 'BackAtPassive')).toBe(PASSIVE);
    expect(explainAbove(factAt(w, 'AtHigh'), DI)!.steps.map((s) => s.message)).toEqual(['KeRaiseIrql raises the IRQL to HIGH_LEVEL']);
  });

  it('KeRaiseIrql with a numeric or #defined level, and KeLowerIrql to a constant', () => {
    const w = world(`
#define MY_LEVEL DISPATCH_LEVEL
_IRQL_requires_max_(PASSIVE_LEVEL)
VOID F(VOID)
{
    KIRQL old;
    KeRaiseIrql(MY_LEVEL, &old);
    ViaDefine();
    KeLowerIrql(PASSIVE_LEVEL);
    Lowered();
    KeRaiseIrql(1, &old);
    ViaNumber();
    KeLowerIrql(old);
    KeRaiseIrqlToDpcLevel();
    ToDpc();
}`);
    expect(at(w, 'ViaDefine')).toBe(DISPATCH);
    expect(at(w, 'Lowered')).toBe(PASSIVE);
    expect(at(w, 'ViaNumber')).toBe(APC);
    expect(at(w, 'ToDpc')).toBe(DISPATCH);
  });

  it('KeRaiseIrql to an unknown level is any level, basis assumed', () => {
    const w = world(`
_IRQL_requires_max_(PASSIVE_LEVEL)
VOID F(KIRQL Target)
{
    KIRQL old;
    KeRaiseIrql(Target, &old);
    Unknown();
}`);
    const f = factAt(w, 'Unknown');
    expect(f.interval).toEqual(interval(P, H));
    expect(explainAbove(f, D)!.basis).toBe('assumed');
  });

  it('ExAcquireFastMutex raises to APC_LEVEL; ExReleaseFastMutex restores', () => {
    const w = world(`
DRIVER_DISPATCH DispatchCreate;
NTSTATUS DispatchCreate(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PDEVICE_EXTENSION ext = DeviceObject->DeviceExtension;
    ExAcquireFastMutex(&ext->Mutex);
    UnderMutex(ext);
    ExReleaseFastMutex(&ext->Mutex);
    AfterMutex(ext);
    return STATUS_SUCCESS;
}`);
    expect(at(w, 'UnderMutex')).toBe(APC);
    expect(at(w, 'AfterMutex')).toBe(PASSIVE);
    const why = explainAbove(factAt(w, 'UnderMutex'), P)!;
    expect(why.basis).toBe('proven');
    expect(why.steps[0].message).toBe('ExAcquireFastMutex raises the IRQL to APC_LEVEL');
  });

  it('WdfSpinLockAcquire keeps the previous IRQL in the lock object', () => {
    const w = world(`
EVT_WDF_IO_QUEUE_IO_READ EvtIoRead;
VOID EvtIoRead(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
    PQUEUE_CONTEXT ctx = QueueGetContext(Queue);
    WdfSpinLockAcquire(ctx->Lock);
    Held();
    WdfSpinLockRelease(ctx->Lock);
    Released();
}`);
    expect(at(w, 'Held')).toBe(DISPATCH);
    expect(at(w, 'Released')).toBe('PASSIVE_LEVEL..DISPATCH_LEVEL');
  });
});

describe('summaries of the project’s own functions', () => {
  const src = `
typedef struct _DEVICE_EXTENSION { KSPIN_LOCK Lock; KIRQL OldIrql; LIST_ENTRY Queue; } DEVICE_EXTENSION, *PDEVICE_EXTENSION;

static VOID LockQueue(PDEVICE_EXTENSION Ext)
{
    KeAcquireSpinLock(&Ext->Lock, &Ext->OldIrql);
}

static VOID UnlockQueue(PDEVICE_EXTENSION Ext)
{
    KeReleaseSpinLock(&Ext->Lock, Ext->OldIrql);
}

static VOID Balanced(PDEVICE_EXTENSION Ext)
{
    KIRQL old;
    KeAcquireSpinLock(&Ext->Lock, &old);
    Touch(Ext);
    KeReleaseSpinLock(&Ext->Lock, old);
}

DRIVER_DISPATCH DispatchRead;
NTSTATUS DispatchRead(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PDEVICE_EXTENSION ext = DeviceObject->DeviceExtension;
    Balanced(ext);
    AfterBalanced(ext);
    LockQueue(ext);
    WhileLocked(ext);
    UnlockQueue(ext);
    AfterUnlock(ext);
    return STATUS_SUCCESS;
}`;

  it('a helper that returns with a lock held raises the caller’s IRQL after the call', () => {
    const w = world(src);
    expect(at(w, 'WhileLocked')).toBe(DISPATCH);
    const why = explainAbove(factAt(w, 'WhileLocked'), A)!;
    expect(why.basis).toBe('proven');
    expect(why.steps.map((s) => s.message)).toEqual([
      'KeAcquireSpinLock raises the IRQL to DISPATCH_LEVEL',
      'LockQueue returns at DISPATCH_LEVEL',
    ]);
    // The first step is in the helper, the second at the call in the caller.
    expect(why.steps[0].start).toBe(call(w, 'KeAcquireSpinLock', 0).startIndex);
    expect(why.steps[1].start).toBe(call(w, 'LockQueue').startIndex);
  });

  it('a balanced helper leaves the caller’s IRQL unchanged', () => {
    const w = world(src);
    expect(at(w, 'AfterBalanced')).toBe(PASSIVE);
    expect(at(w, 'Touch')).toBe(DISPATCH);
  });

  it('the helpers are entered at the IRQL of their call sites', () => {
    const w = world(src);
    expect(entry(w, 'LockQueue')).toMatchObject({ interval: PASSIVE, bases: ['contract'] });
    expect(entry(w, 'UnlockQueue')).toMatchObject({ interval: DISPATCH, bases: ['proven'] });
    expect(entry(w, 'UnlockQueue').steps[0]).toEqual([
      'KeAcquireSpinLock raises the IRQL to DISPATCH_LEVEL',
      'LockQueue returns at DISPATCH_LEVEL',
      'DispatchRead calls UnlockQueue at DISPATCH_LEVEL',
    ]);
  });

  // The release in UnlockQueue restores a value saved by its caller. The analysis documents that such a
  // release "restores the entry IRQL" of the helper, which is the caller's DISPATCH_LEVEL: so a caller using a
  // lock/unlock helper pair is believed to stay at DISPATCH_LEVEL after the unlock.
  it('a helper that releases a lock its caller’s helper took lowers the caller’s IRQL again', () => {
    const w = world(src);
    expect(at(w, 'AfterUnlock')).toBe(PASSIVE);
  });

  it('_IRQL_raises_ on an external function’s prototype is its summary', () => {
    const w = world(`
_IRQL_raises_(DISPATCH_LEVEL)
_IRQL_saves_global_(OldIrql, Ext)
VOID AcquireHardwareLock(_Inout_ PDEVICE_EXTENSION Ext);

DRIVER_DISPATCH D;
NTSTATUS D(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    AcquireHardwareLock(DeviceObject->DeviceExtension);
    AfterRaise();
    return STATUS_SUCCESS;
}`);
    const f = factAt(w, 'AfterRaise');
    expect(f.interval).toEqual(interval(D));
    const why = explainAbove(f, A)!;
    expect(why.basis).toBe('contract');
    expect(why.steps[0].message).toBe('AcquireHardwareLock is annotated _IRQL_raises_(DISPATCH_LEVEL)');
  });
});

describe('entry IRQL from contracts', () => {
  it('role type declaration KDEFERRED_ROUTINE gives DISPATCH_LEVEL', () => {
    const w = world(`
KDEFERRED_ROUTINE MyDpc;

VOID MyDpc(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
    UNREFERENCED_PARAMETER(Dpc);
    ProcessCompletedTransfers(Context);
}`);
    expect(entry(w, 'MyDpc')).toEqual({
      interval: DISPATCH,
      bases: ['contract'],
      steps: [['MyDpc is declared KDEFERRED_ROUTINE, entered at DISPATCH_LEVEL']],
    });
    const f = factAt(w, 'ProcessCompletedTransfers');
    expect(f.interval).toEqual(interval(D));
    const why = explainAbove(f, A)!;
    expect(why.basis).toBe('contract');
    expect(why.definite).toBe(true);
  });

  it('KSERVICE_ROUTINE (an ISR) gives DIRQL; IO_DPC_ROUTINE DISPATCH; DRIVER_UNLOAD PASSIVE', () => {
    const w = world(`
KSERVICE_ROUTINE MyIsr;
IO_DPC_ROUTINE MyDpcForIsr;
DRIVER_UNLOAD MyUnload;
BOOLEAN MyIsr(PKINTERRUPT Interrupt, PVOID Context) { Ack(Context); return TRUE; }
VOID MyDpcForIsr(PKDPC Dpc, PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context) { Dpc1(); }
VOID MyUnload(PDRIVER_OBJECT DriverObject) { Unload1(); }
`);
    expect(entry(w, 'MyIsr').interval).toBe(DIRQL);
    expect(at(w, 'Ack')).toBe(DIRQL);
    expect(entry(w, 'MyDpcForIsr').interval).toBe(DISPATCH);
    expect(entry(w, 'MyUnload').interval).toBe(PASSIVE);
  });

  it('_Function_class_ on the definition gives the role', () => {
    const w = world(`
_Function_class_(KDEFERRED_ROUTINE)
_IRQL_requires_same_
VOID TimerDpc(_In_ struct _KDPC *Dpc, _In_opt_ PVOID Context, _In_opt_ PVOID A1, _In_opt_ PVOID A2)
{
    Tick(Context);
}`);
    expect(entry(w, 'TimerDpc')).toMatchObject({ interval: DISPATCH, bases: ['contract'] });
  });

  it('_Dispatch_type_ marks a dispatch routine', () => {
    const w = world(`
_Dispatch_type_(IRP_MJ_CREATE)
_Dispatch_type_(IRP_MJ_CLOSE)
NTSTATUS CreateClose(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    Open(Irp);
    return STATUS_SUCCESS;
}`);
    expect(entry(w, 'CreateClose')).toMatchObject({ interval: PASSIVE, bases: ['contract'] });
  });

  it('_IRQL_requires_max_(APC_LEVEL) gives PASSIVE..APC', () => {
    const w = world(`
_IRQL_requires_max_(APC_LEVEL)
NTSTATUS ReadConfig(_In_ PUNICODE_STRING Path)
{
    return Query(Path);
}`);
    const e = entry(w, 'ReadConfig');
    expect(e.interval).toBe('PASSIVE_LEVEL..APC_LEVEL');
    expect(e.bases).toEqual(['contract']);
    expect(e.steps).toEqual([['ReadConfig is annotated _IRQL_requires_max_(APC_LEVEL)']]);
    expect(at(w, 'Query')).toBe('PASSIVE_LEVEL..APC_LEVEL');
  });

  it('old spellings, numbers, min-only and exact annotations', () => {
    const w = world(`
__drv_maxIRQL(2)
VOID OldMax(VOID) { A1(); }

_IRQL_requires_min_(DISPATCH_LEVEL)
VOID MinOnly(VOID) { A2(); }

_IRQL_requires_(DISPATCH_LEVEL)
VOID Exact(VOID) { A3(); }

_IRQL_requires_min_(APC_LEVEL)
VOID MinApc(VOID) { A4(); }

_IRQL_requires_min_(PASSIVE_LEVEL)
_IRQL_requires_max_(HIGH_LEVEL)
VOID Anywhere(VOID) { A5(); }
`);
    expect(entry(w, 'OldMax').interval).toBe('PASSIVE_LEVEL..DISPATCH_LEVEL');
    // "Any IRQL annotation without a max implies max DISPATCH".
    expect(entry(w, 'MinOnly').interval).toBe(DISPATCH);
    expect(entry(w, 'Exact').interval).toBe(DISPATCH);
    expect(entry(w, 'MinApc').interval).toBe('APC_LEVEL..DISPATCH_LEVEL');
    expect(entry(w, 'Anywhere').interval).toBe('PASSIVE_LEVEL..HIGH_LEVEL');
  });

  it('an annotation on the prototype in a header applies to the definition in another file', () => {
    const header = `
#ifndef _UTIL_H_
#define _UTIL_H_
_IRQL_requires_max_(APC_LEVEL)
NTSTATUS UtilReadRegistry(_In_ PCUNICODE_STRING Name, _Out_ PULONG Value);
#endif // _UTIL_H_
`;
    const impl = `
#include "util.h"
_Use_decl_annotations_
NTSTATUS UtilReadRegistry(PCUNICODE_STRING Name, PULONG Value)
{
    return ZwQuery(Name, Value);
}`;
    const w = world(['util.c', impl], ['util.h', header]);
    expect(entry(w, 'UtilReadRegistry')).toMatchObject({ interval: 'PASSIVE_LEVEL..APC_LEVEL', bases: ['contract'] });
  });

  it('an annotation outranks a role and a registration', () => {
    const w = world(`
KDEFERRED_ROUTINE Odd;
_IRQL_requires_(DISPATCH_LEVEL)
VOID Odd(PKDPC Dpc, PVOID C, PVOID A1, PVOID A2) { X(); }
VOID Init(PKDPC dpc) { KeInitializeDpc(dpc, Odd, NULL); }
`);
    expect(entry(w, 'Odd').steps).toEqual([['Odd is annotated _IRQL_requires_(DISPATCH_LEVEL)']]);
  });

  it('DriverEntry is PASSIVE_LEVEL by name', () => {
    const w = world(`
NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    return Init(DriverObject);
}`);
    expect(entry(w, 'DriverEntry')).toEqual({
      interval: PASSIVE,
      bases: ['contract'],
      steps: [['DriverEntry is the driver\u2019s DRIVER_INITIALIZE routine, entered at PASSIVE_LEVEL'.replace('\u2019', "'")]],
    });
  });
});

describe('entry IRQL from registrations', () => {
  const driver = `
VOID MyDpc(PKDPC Dpc, PVOID Context, PVOID A1, PVOID A2)
{
    InDpc(Context);
}

NTSTATUS MyCompletion(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    InCompletion(Irp);
    return STATUS_CONTINUE_COMPLETION;
}

NTSTATUS MyRead(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    IoCopyCurrentIrpStackLocationToNext(Irp);
    IoSetCompletionRoutine(Irp, MyCompletion, NULL, TRUE, TRUE, TRUE);
    return IoCallDriver(((PDEVICE_EXTENSION)DeviceObject->DeviceExtension)->Lower, Irp);
}

VOID MyUnload(PDRIVER_OBJECT DriverObject)
{
    InUnload(DriverObject);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    PDEVICE_EXTENSION ext = GetExt(DriverObject);
    KeInitializeDpc(&ext->Dpc, MyDpc, ext);
    DriverObject->MajorFunction[IRP_MJ_READ] = MyRead;
    DriverObject->DriverUnload = MyUnload;
    return STATUS_SUCCESS;
}`;

  it('KeInitializeDpc(&dpc, MyDpc, …) makes MyDpc a KDEFERRED_ROUTINE at DISPATCH', () => {
    const w = world(driver);
    const e = entry(w, 'MyDpc');
    expect(e.interval).toBe(DISPATCH);
    expect(e.bases).toEqual(['contract']);
    expect(e.steps).toEqual([['MyDpc is registered as KDEFERRED_ROUTINE by KeInitializeDpc(…), entered at DISPATCH_LEVEL']]);
    expect(at(w, 'InDpc')).toBe(DISPATCH);
  });

  it('IoSetCompletionRoutine makes an IO_COMPLETION_ROUTINE at PASSIVE..DISPATCH', () => {
    const w = world(driver);
    expect(entry(w, 'MyCompletion')).toMatchObject({ interval: 'PASSIVE_LEVEL..DISPATCH_LEVEL', bases: ['contract'] });
    expect(entry(w, 'MyCompletion').steps[0][0]).toMatch(/registered as IO_COMPLETION_ROUTINE by IoSetCompletionRoutine/);
  });

  it('DriverObject->MajorFunction[IRP_MJ_READ] = F makes F a dispatch routine at PASSIVE', () => {
    const w = world(driver);
    expect(entry(w, 'MyRead')).toEqual({
      interval: PASSIVE,
      bases: ['contract'],
      steps: [['MyRead is registered as DRIVER_DISPATCH by MajorFunction, entered at PASSIVE_LEVEL']],
    });
    expect(entry(w, 'MyUnload')).toMatchObject({ interval: PASSIVE, bases: ['contract'] });
  });

  it('registration through a cast and a chained assignment', () => {
    const w = world(`
NTSTATUS CreateClose(PDEVICE_OBJECT DeviceObject, PIRP Irp) { Open(); return 0; }
VOID Dpc2(PKDPC Dpc, PVOID C, PVOID A1, PVOID A2) { Two(); }
NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    DriverObject->MajorFunction[IRP_MJ_CREATE] = DriverObject->MajorFunction[IRP_MJ_CLOSE] = CreateClose;
    KeInitializeDpc(&g_Dpc, (PKDEFERRED_ROUTINE)Dpc2, NULL);
    return 0;
}`);
    expect(entry(w, 'CreateClose')).toMatchObject({ interval: PASSIVE, bases: ['contract'] });
    expect(entry(w, 'Dpc2')).toMatchObject({ interval: DISPATCH, bases: ['contract'] });
  });

  it('a registration in another file counts', () => {
    const w = world(
      ['dpc.c', 'VOID WatchdogDpc(PKDPC Dpc, PVOID C, PVOID A1, PVOID A2) { Pet(C); }'],
      ['init.c', 'NTSTATUS DriverEntry(PDRIVER_OBJECT D, PUNICODE_STRING R) { KeInitializeDpc(&g_Dpc, WatchdogDpc, NULL); return 0; }'],
    );
    expect(entry(w, 'WatchdogDpc').interval).toBe(DISPATCH);
  });
});

describe('entry IRQL from pageable code', () => {
  it('PAGED_CODE() and #pragma alloc_text(PAGE, f) give PASSIVE..APC for a function without callers', () => {
    const w = world(`
#ifdef ALLOC_PRAGMA
#pragma alloc_text(PAGE, PagedHelper)
#endif
VOID PagedHelper(VOID) { Work1(); }
VOID AssertsPaged(VOID) { PAGED_CODE(); Work2(); }
`);
    const a = entry(w, 'PagedHelper');
    expect(a.interval).toBe('PASSIVE_LEVEL..APC_LEVEL');
    expect(a.bases).toEqual(['assumed']); // a cap, not a promise that APC_LEVEL happens
    expect(a.steps[0][0]).toMatch(/placed in a pageable section by #pragma alloc_text/);
    const b = entry(w, 'AssertsPaged');
    expect(b.interval).toBe('PASSIVE_LEVEL..APC_LEVEL');
    expect(b.steps[0][0]).toMatch(/calls PAGED_CODE\(\)/);
  });
});

describe('guards on KeGetCurrentIrql()', () => {
  it('== PASSIVE_LEVEL narrows the then branch, != narrows the else branch', () => {
    const w = world(`
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID Log(PCSTR Message)
{
    Anywhere();
    if (KeGetCurrentIrql() == PASSIVE_LEVEL) {
        WriteToFile(Message);
    } else {
        QueueForLater(Message);
    }
    After();
}`);
    expect(at(w, 'Anywhere')).toBe('PASSIVE_LEVEL..DISPATCH_LEVEL');
    expect(at(w, 'WriteToFile')).toBe(PASSIVE);
    expect(at(w, 'QueueForLater')).toBe('APC_LEVEL..DISPATCH_LEVEL');
    expect(at(w, 'After')).toBe('PASSIVE_LEVEL..DISPATCH_LEVEL');
    // The narrowed fact keeps its evidence.
    expect(factAt(w, 'WriteToFile').evidence[0].basis).toBe('contract');
  });

  it('<=, <, >, reversed operands and negation', () => {
    const w = world(`
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID F(VOID)
{
    if (KeGetCurrentIrql() <= APC_LEVEL) LowEnough();
    if (KeGetCurrentIrql() < DISPATCH_LEVEL) Below();
    if (KeGetCurrentIrql() > APC_LEVEL) Above();
    if (DISPATCH_LEVEL == KeGetCurrentIrql()) Reversed();
    if (!(KeGetCurrentIrql() >= DISPATCH_LEVEL)) Negated();
    if (KeGetCurrentIrql() == PASSIVE_LEVEL && Ready()) Both();
}`);
    expect(at(w, 'LowEnough')).toBe('PASSIVE_LEVEL..APC_LEVEL');
    expect(at(w, 'Below')).toBe('PASSIVE_LEVEL..APC_LEVEL');
    expect(at(w, 'Above')).toBe(DISPATCH);
    expect(at(w, 'Reversed')).toBe(DISPATCH);
    expect(at(w, 'Negated')).toBe('PASSIVE_LEVEL..APC_LEVEL');
    expect(at(w, 'Both')).toBe(PASSIVE);
  });

  it('an early return on a high IRQL narrows the rest of the function', () => {
    const w = world(`
_IRQL_requires_max_(DISPATCH_LEVEL)
NTSTATUS F(VOID)
{
    if (KeGetCurrentIrql() > PASSIVE_LEVEL) {
        return STATUS_UNSUCCESSFUL;
    }
    OnlyPassive();
    return STATUS_SUCCESS;
}`);
    expect(at(w, 'OnlyPassive')).toBe(PASSIVE);
  });

  it('a guard narrows a raised level too, and an infeasible branch is unreachable', () => {
    const w = world(`
DRIVER_DISPATCH D;
NTSTATUS D(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    KIRQL old;
    KeAcquireSpinLock(&g_Lock, &old);
    if (KeGetCurrentIrql() == PASSIVE_LEVEL) {
        Impossible();
    }
    KeReleaseSpinLock(&g_Lock, old);
    return STATUS_SUCCESS;
}`);
    expect(w.program.irqlAt(call(w, 'Impossible'))).toBeUndefined();
  });
});

describe('interprocedural entry from callers', () => {
  it('a function called under a lock from another file is entered at DISPATCH, proven, with the trace', () => {
    const w = world(
      [
        'dispatch.c',
        `
#include "queue.h"
DRIVER_DISPATCH DispatchDeviceControl;
NTSTATUS DispatchDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PDEVICE_EXTENSION ext = DeviceObject->DeviceExtension;
    KIRQL oldIrql;
    KeAcquireSpinLock(&ext->Lock, &oldIrql);
    QueueAddRequest(ext, Irp);
    KeReleaseSpinLock(&ext->Lock, oldIrql);
    return STATUS_PENDING;
}`,
      ],
      [
        'queue.c',
        `
#include "queue.h"
VOID QueueAddRequest(PDEVICE_EXTENSION Ext, PIRP Irp)
{
    InsertTailList(&Ext->Pending, &Irp->Tail.Overlay.ListEntry);
}`,
      ],
    );
    const e = entry(w, 'QueueAddRequest');
    expect(e.interval).toBe(DISPATCH);
    expect(e.bases).toEqual(['proven']);
    expect(e.steps).toEqual([
      ['KeAcquireSpinLock raises the IRQL to DISPATCH_LEVEL', 'DispatchDeviceControl calls QueueAddRequest at DISPATCH_LEVEL'],
    ]);
    const f = factAt(w, 'InsertTailList');
    const why = explainAbove(f, A)!;
    expect(why.basis).toBe('proven');
    expect(why.definite).toBe(true);
    // The steps name their files.
    const qa = w.program.definitionNamed('QueueAddRequest')!;
    expect(w.program.entryOf(qa).evidence[0].steps.map((s) => s.source.filePath)).toEqual(['dispatch.c', 'dispatch.c']);
  });

  it('callers at different IRQLs join; a chain of helpers propagates', () => {
    const w = world(`
static VOID Leaf(VOID) { LeafWork(); }
static VOID Middle(VOID) { Leaf(); }
KDEFERRED_ROUTINE TimerDpc;
VOID TimerDpc(PKDPC Dpc, PVOID C, PVOID A1, PVOID A2) { Middle(); }
NTSTATUS DriverEntry(PDRIVER_OBJECT D, PUNICODE_STRING R) { Middle(); return 0; }
`);
    expect(entry(w, 'Middle').interval).toBe('PASSIVE_LEVEL..DISPATCH_LEVEL');
    expect(entry(w, 'Leaf').interval).toBe('PASSIVE_LEVEL..DISPATCH_LEVEL');
    expect(entry(w, 'Leaf').bases).toEqual(['contract']);
    const why = explainAbove(factAt(w, 'LeafWork'), A)!;
    expect(why.definite).toBe(false);
    expect(why.steps.map((s) => s.message)).toEqual([
      'TimerDpc is declared KDEFERRED_ROUTINE, entered at DISPATCH_LEVEL',
      'TimerDpc calls Middle at DISPATCH_LEVEL',
      'Middle calls Leaf at DISPATCH_LEVEL',
    ]);
  });

  it('a static function resolves within its own file', () => {
    const w = world(
      ['a.c', 'static VOID Helper(VOID) { InA(); }\nKDEFERRED_ROUTINE DpcA;\nVOID DpcA(PKDPC d, PVOID c, PVOID a, PVOID b) { Helper(); }'],
      ['b.c', 'static VOID Helper(VOID) { InB(); }\nNTSTATUS DriverEntry(PDRIVER_OBJECT D, PUNICODE_STRING R) { Helper(); return 0; }'],
    );
    expect(at(w, 'InA')).toBe(DISPATCH);
    expect(at(w, 'InB')).toBe(PASSIVE);
  });

  it('recursion terminates and propagates the entry IRQL around the cycle', () => {
    const w = world(`
typedef struct _NODE { struct _NODE *Left, *Right; KSPIN_LOCK Lock; } NODE, *PNODE;

static VOID Visit(PNODE Node);

static VOID VisitChildren(PNODE Node)
{
    if (Node->Left) Visit(Node->Left);
    if (Node->Right) Visit(Node->Right);
}

static VOID Visit(PNODE Node)
{
    KIRQL old;
    if (Node == NULL) return;
    KeAcquireSpinLock(&Node->Lock, &old);
    Mark(Node);
    KeReleaseSpinLock(&Node->Lock, old);
    VisitChildren(Node);
    Visit(Node->Right);
}

static ULONG Count(PNODE Node) { return Node ? 1 + Count(Node->Left) + Count(Node->Right) : 0; }

KDEFERRED_ROUTINE WalkDpc;
VOID WalkDpc(PKDPC Dpc, PVOID Context, PVOID A1, PVOID A2)
{
    Visit((PNODE)Context);
    Count((PNODE)Context);
}`);
    expect(entry(w, 'Visit').interval).toBe(DISPATCH);
    expect(entry(w, 'VisitChildren').interval).toBe(DISPATCH);
    expect(entry(w, 'Count').interval).toBe(DISPATCH);
    expect(at(w, 'Mark')).toBe(DISPATCH);
  });

  it('mutual recursion that raises the IRQL reaches a fixpoint', () => {
    const w = world(`
static VOID Ping(ULONG n);
static VOID Pong(ULONG n)
{
    KIRQL old;
    if (n == 0) return;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    Ping(n - 1);
}
static VOID Ping(ULONG n)
{
    if (n == 0) return;
    Pong(n - 1);
    AfterPong();
}
NTSTATUS DriverEntry(PDRIVER_OBJECT D, PUNICODE_STRING R) { Ping(4); AfterPing(); return 0; }
`);
    expect(at(w, 'AfterPong')).toBe('PASSIVE_LEVEL..DISPATCH_LEVEL');
    expect(at(w, 'AfterPing')).toBe('PASSIVE_LEVEL..DISPATCH_LEVEL');
    expect(entry(w, 'Pong').interval).toBe('PASSIVE_LEVEL..DISPATCH_LEVEL');
  });
});

describe('unknown entry', () => {
  const src = `
static NTSTATUS UnusedHelper(PVOID Buffer)
{
    return Fill(Buffer);
}`;

  it('a function with no annotation, role, registration or caller is assumed PASSIVE..DISPATCH', () => {
    const w = world(src);
    const e = entry(w, 'UnusedHelper');
    expect(e.interval).toBe('PASSIVE_LEVEL..DISPATCH_LEVEL');
    expect(e.bases).toEqual(['assumed']);
    expect(e.steps).toEqual([['UnusedHelper has no IRQL annotation, role or caller here: assumed PASSIVE_LEVEL..DISPATCH_LEVEL']]);
    const f = factAt(w, 'Fill');
    const why = explainAbove(f, A)!;
    expect(why.basis).toBe('assumed');
    expect(why.definite).toBe(false);
    expect(explainAbove(f, D)).toBeUndefined();
    expect(explainBelow(f, A)!.basis).toBe('assumed');
  });

  it('the unknown-entry default comes from the settings', () => {
    const sources = [parseSource('a.c', src)];
    const program = new Program(sources, { unknownEntry: interval(P) });
    const fill = sources[0].root.descendantsOfType('call_expression').find((c) => c.childForFieldName('function')?.text === 'Fill')!;
    expect(program.irqlAt(fill)!.interval).toEqual(interval(P));
  });

  it('a function whose address is taken also gets the unknown default besides its callers', () => {
    const w = world(`
static VOID Callback(PVOID Ctx) { InCallback(Ctx); }
NTSTATUS DriverEntry(PDRIVER_OBJECT D, PUNICODE_STRING R)
{
    Callback(NULL);
    RegisterWithSomeone(Callback);
    return 0;
}`);
    const e = entry(w, 'Callback');
    expect(e.interval).toBe('PASSIVE_LEVEL..DISPATCH_LEVEL');
    expect(e.bases).toEqual(['assumed', 'contract']);
  });
});

describe('irqlAt on nodes other than calls, and outside functions', () => {
  it('answers for statements and identifiers; undefined at file scope and in dead code', () => {
    const w = world(`
ULONG g_Count = 0;
DRIVER_DISPATCH D;
NTSTATUS D(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    KIRQL old;
    KeAcquireSpinLock(&g_Lock, &old);
    g_Count++;
    KeReleaseSpinLock(&g_Lock, old);
    return STATUS_SUCCESS;
    Dead();
}`);
    const inc = w.sources[0].root.descendantsOfType('update_expression')[0];
    expect(fmt(w.program.irqlAt(inc)!.interval)).toBe(DISPATCH);
    const global = w.sources[0].root.descendantsOfType('init_declarator')[0];
    expect(w.program.irqlAt(global)).toBeUndefined();
    expect(w.program.irqlAt(call(w, 'Dead'))).toBeUndefined();
  });
});

describe('more entry sources', () => {
  it('a role type declared in a header applies to the definition in the .c file', () => {
    const w = world(
      ['driver.c', '#include "driver.h"\nVOID CompletionDpc(PKDPC Dpc, PVOID C, PVOID A1, PVOID A2) { Finish(C); }'],
      ['driver.h', '#ifndef _DRIVER_H_\n#define _DRIVER_H_\nKDEFERRED_ROUTINE CompletionDpc;\nDRIVER_DISPATCH DispatchA, DispatchB;\n#endif\n'],
    );
    expect(entry(w, 'CompletionDpc')).toMatchObject({ interval: DISPATCH, bases: ['contract'] });
    expect(at(w, 'Finish')).toBe(DISPATCH);
  });
});

// Formerly known gaps: each test asserted the expected behaviour while it failed, and stays as a regression test
// now that it passes. The comments say what the bug was.
describe('fixed gaps (regression tests)', () => {
  // file-model.ts, visitTopLevel: `previousEnd` advances past every named child, comments included, so an
  // annotation followed by a comment (on its line or the next) is no longer "between the previous node and the
  // function" and is dropped.
  it('an IRQL annotation followed by a trailing comment still gives the entry IRQL', () => {
    const w = world(`
_IRQL_requires_max_(PASSIVE_LEVEL) // waits on an event
NTSTATUS WaitForDevice(PDEVICE_EXTENSION Ext)
{
    return KeWait(Ext);
}`);
    expect(entry(w, 'WaitForDevice')).toMatchObject({ interval: PASSIVE, bases: ['contract'] });
  });

  it('an IRQL annotation on a prototype followed by a comment still applies', () => {
    const w = world(`
_IRQL_requires_(DISPATCH_LEVEL)
/* Called with the queue lock held. */
VOID QueueKick(PDEVICE_EXTENSION Ext);

VOID QueueKick(PDEVICE_EXTENSION Ext) { Kick(Ext); }`);
    expect(entry(w, 'QueueKick')).toMatchObject({ interval: DISPATCH, bases: ['contract'] });
  });

  // program.ts, computeEntries: a self-recursive function with no other caller has a call site (itself), so it
  // gets no unknown-entry evidence during propagation; it only receives the unknown default in the final loop,
  // after propagation, so its callees never see the lock it holds when calling them.
  it('a helper called under a spin lock by a self-recursive function is entered at DISPATCH (proven)', () => {
    const w = world(`
static VOID Record(PNODE Node) { Save(Node); }
static VOID WalkTree(PNODE Node)
{
    KIRQL old;
    if (Node == NULL) return;
    KeAcquireSpinLock(&Node->Lock, &old);
    Record(Node);
    KeReleaseSpinLock(&Node->Lock, old);
    WalkTree(Node->Left);
}`);
    expect(entry(w, 'WalkTree')).toMatchObject({ interval: 'PASSIVE_LEVEL..DISPATCH_LEVEL', bases: ['assumed'] });
    expect(entry(w, 'Record')).toMatchObject({ interval: DISPATCH, bases: ['proven'] });
  });

  // cfg.ts, lowerTry / `break`: break out of a __try/__finally skips the __finally block (see cfg.test.ts), so
  // the lock released there is still believed held after the loop.
  it('after a loop left by break through a __finally that released the lock, the IRQL is back to PASSIVE', () => {
    const w = world(`
DRIVER_DISPATCH DispatchCleanup;
NTSTATUS DispatchCleanup(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PDEVICE_EXTENSION ext = DeviceObject->DeviceExtension;
    KIRQL old;
    for (;;) {
        KeAcquireSpinLock(&ext->Lock, &old);
        __try {
            if (IsListEmpty(&ext->Queue)) break;
            CancelOne(ext);
        } __finally {
            KeReleaseSpinLock(&ext->Lock, old);
        }
    }
    AfterLoop(ext);
    return STATUS_SUCCESS;
}`);
    expect(at(w, 'CancelOne')).toBe(DISPATCH);
    expect(at(w, 'AfterLoop')).toBe(PASSIVE);
  });

  // irql-analysis.ts, guardInterval: for `a && b` (and the false edge of `a || b`) it intersects the two ranges
  // with interval(max lo, min hi), which swaps an empty intersection into a non-empty range instead of making the
  // edge infeasible.
  it('contradictory IRQL guards make the branch unreachable', () => {
    const w = world(`
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID F(VOID)
{
    if (KeGetCurrentIrql() == PASSIVE_LEVEL && KeGetCurrentIrql() == DISPATCH_LEVEL) {
        Never();
    }
}`);
    expect(w.program.irqlAt(call(w, 'Never'))).toBeUndefined();
  });
});

describe('KeTryToAcquireSpinLockAtDpcLevel results', () => {
  it('narrow the branch to DISPATCH_LEVEL and above', () => {
    const w = world(`
VOID Poll(PKSPIN_LOCK Lock)
{
    if (KeTryToAcquireSpinLockAtDpcLevel(Lock)) {
        Drain(Lock);
        KeReleaseSpinLockFromDpcLevel(Lock);
    }
}`);
    // The entry is unknown (PASSIVE..DISPATCH assumed); the DDI's own requirement narrows the branch.
    expect(at(w, 'Drain')).toBe('DISPATCH_LEVEL');
  });
});

describe('passive-level interrupts', () => {
  it('WdfInterruptAcquireLock raises to DIRQL, unless the driver sets PassiveHandling = TRUE', () => {
    const body = `
VOID Poke(WDFINTERRUPT Interrupt)
{
    WdfInterruptAcquireLock(Interrupt);
    Touch();
    WdfInterruptReleaseLock(Interrupt);
}`;
    expect(at(world(body), 'Touch')).toBe('DIRQL');
    const passive = world(`
VOID Setup(WDF_INTERRUPT_CONFIG *config) { config->PassiveHandling = TRUE; }
${body}`);
    expect(at(passive, 'Touch')).toBe('PASSIVE_LEVEL..DISPATCH_LEVEL');
  });
});

describe('conditional compilation inside a function', () => {
  it('each #if branch is an alternative path', () => {
    const w = world(`
VOID Touch(PCTX Ctx)
{
    KIRQL old;
#ifdef USE_SPINLOCK
    KeAcquireSpinLock(&Ctx->Lock, &old);
    Update(Ctx);
    KeReleaseSpinLock(&Ctx->Lock, old);
#else
    ExAcquireFastMutex(&Ctx->Mutex);
    Update(Ctx);
    ExReleaseFastMutex(&Ctx->Mutex);
#endif
    After(Ctx);
}`);
    expect(at(w, 'Update', 0)).toBe('DISPATCH_LEVEL');
    expect(at(w, 'Update', 1)).toBe('APC_LEVEL');
    expect(at(w, 'After')).toBe('PASSIVE_LEVEL..DISPATCH_LEVEL');
  });
});

describe('functions tree-sitter could not fully parse', () => {
  it('do not pass an unbalanced lock on to their callers', () => {
    const w = world(`
VOID Helper(PCTX c)
{
    KeAcquireSpinLock(&c->Lock, &c->Old);
    if (c->Ready) ) ) {
        KeReleaseSpinLock(&c->Lock, c->Old);
    }
}
VOID Caller(PCTX c)
{
    Helper(c);
    After(c);
}`);
    expect(at(w, 'After')).toBe('PASSIVE_LEVEL..DISPATCH_LEVEL');
  });
});

describe('guards through a variable holding KeGetCurrentIrql()', () => {
  it('narrow like the call itself, unless the variable is also written by something else', () => {
    const w = world(`
VOID Flush(PCTX c)
{
    KIRQL irql = KeGetCurrentIrql();
    if (irql < DISPATCH_LEVEL) {
        Slow(c);
    }
}
VOID Reused(PCTX c)
{
    KIRQL irql = KeGetCurrentIrql();
    KeAcquireSpinLock(&c->Lock, &irql);
    if (irql < DISPATCH_LEVEL) {
        Other(c);
    }
    KeReleaseSpinLock(&c->Lock, irql);
}`);
    expect(at(w, 'Slow')).toBe('PASSIVE_LEVEL..APC_LEVEL');
    expect(at(w, 'Other')).toBe('DISPATCH_LEVEL');
  });
});

describe('branch facts set by constants', () => {
  /** A lock taken under one test and released under `if (held)`, with the flag (`held`) set after the acquire. */
  const worker = (setHeld: string, beforeRelease = 'DoWork(Ext);', flag = 'held') => `
VOID Worker(PDEVICE_EXTENSION Ext)
{
    KIRQL oldIrql;
    BOOLEAN held = FALSE;
    if (Ext->NeedLock) {
        KeAcquireSpinLock(&Ext->Lock, &oldIrql);
        ${flag} = ${setHeld}
    }
    ${beforeRelease}
    if (${flag}) {
        KeReleaseSpinLock(&Ext->Lock, oldIrql);
    }
    Done(Ext);
}`;
  const definition = (w: World) => w.program.definitions().find((d) => d.name === 'Worker')!;

  it('pair a release under `if (held)` with the acquire that set `held` to TRUE, however the constant is written', () => {
    for (const constant of ['TRUE;', '( TRUE ) ;  ', '1 ;\t']) {
      const w = world(worker(constant));
      expect(at(w, 'DoWork')).toBe('PASSIVE_LEVEL..DISPATCH_LEVEL');
      // Both paths leave the function as they entered it: the lock is released exactly where it was taken.
      expect(at(w, 'Done')).toBe(at(w, 'DoWork'));
      expect(w.program.irqlOf(definition(w)).exit?.parts).toEqual([]);
      expect(w.program.unrestoredRaises(definition(w))).toEqual([]);
    }
  });

  /** The IRQL parts left at the exit when `statement` runs between the acquire's branch and the test of `flag`. */
  const exitPartsWith = (flag: string, statement: string) => {
    const w = world(worker('TRUE;', statement, flag));
    return w.program.irqlOf(definition(w)).exit?.parts ?? [];
  };

  it('forget what a branch knew once a statement assigns the tested flag otherwise, in any form', () => {
    const assignments: [string, string][] = [
      ['held', 'held = Recheck(Ext);'],
      ['held', 'held |= Recheck(Ext);'],
      ['held', 'held++;'],
      ['held', '--held;'],
      ['held', 'Recheck(&held);'],
      ['held', 'Recheck(& held);'],
      ['Ext->LockHeld', 'Ext->LockHeld = Recheck(Ext);'],
      ['Ext->LockHeld', 'Recheck(&Ext->LockHeld);'],
    ];
    for (const [flag, assignment] of assignments) expect(exitPartsWith(flag, assignment).length, assignment).toBeGreaterThan(0);
  });

  it('keep what a branch knew across statements that only read the flag or write other names', () => {
    const reads: [string, string][] = [
      ['held', 'Log(held);'],
      ['held', 'heldCount = 1;'],
      ['held', 'Ext->held = 0;'],
      ['held', 'Ext->Count += held;'],
      ['Ext->LockHeld', 'Log(Ext->LockHeld);'],
      ['Ext->LockHeld', 'Other->LockHeld = 0;'],
    ];
    for (const [flag, statement] of reads) expect(exitPartsWith(flag, statement), statement).toEqual([]);
  });

  it('keep the lock paired when more paths are apart than a statement keeps (options tested twice that leave the IRQL alone)', () => {
    // Four options, each tested twice, make 2^4 paths: past the limit of states per statement, the paths that
    // differ only in options that do not change the IRQL are merged, and the one that does stays apart.
    const w = world(`
VOID Configure(PDEVICE_EXTENSION Ext, BOOLEAN Trace, BOOLEAN Verify, BOOLEAN Retry, BOOLEAN AtDirql)
{
    KIRQL oldIrql;
    if (!AtDirql) KeAcquireSpinLock(&Ext->Lock, &oldIrql);
    if (Trace) LogStart(Ext);
    if (Verify) CheckState(Ext);
    if (Retry) ArmRetry(Ext);
    Program(Ext);
    if (Retry) DisarmRetry(Ext);
    if (Verify) CheckState(Ext);
    if (Trace) LogEnd(Ext);
    if (!AtDirql) KeReleaseSpinLock(&Ext->Lock, oldIrql);
    Done(Ext);
}`);
    const configure = w.program.definitions().find((d) => d.name === 'Configure')!;
    expect(at(w, 'Program')).toBe('PASSIVE_LEVEL..DISPATCH_LEVEL');
    expect(at(w, 'Done')).toBe(at(w, 'LogStart'));
    expect(w.program.irqlOf(configure).exit?.parts).toEqual([]);
    expect(w.program.irqlOf(configure).releaseIssues).toEqual([]);
  });
});

describe('C++ method calls', () => {
  const source = `
class CQueue {
public:
    VOID Stop() { Flush(); this->Reset(); Other->Reset(); ::Flush(); }
    VOID Reset() { }
    static VOID Drain() { }
    VOID Flush();
};
namespace echo { VOID CQueue::Flush() { Drain(); } }
VOID Flush() { }
VOID Reset() { }
VOID Timer() { CQueue::Drain(); Flush(); Reset(); }
`;

  it('resolve a member called from a member (unqualified or through this) and a qualified call; not other objects', () => {
    const w = world(['queue.cpp', source]);
    const file = w.program.fileModel('queue.cpp')!;
    const callees = w.sources[0]!.root.descendantsOfType('call_expression').map((c) => {
      const caller = w.program.functionContaining(c)!.name;
      const callee = w.program.resolveCall(file, c);
      return `${caller}: ${c.text} -> ${callee ? `${callee.className ?? '(free)'} ${callee.name}` : '-'}`;
    });
    expect(callees).toEqual([
      'Stop: Flush() -> CQueue CQueue::Flush',
      'Stop: this->Reset() -> CQueue Reset',
      'Stop: Other->Reset() -> -',
      'Stop: ::Flush() -> (free) Flush',
      'CQueue::Flush: Drain() -> CQueue Drain',
      'Timer: CQueue::Drain() -> CQueue Drain',
      'Timer: Flush() -> (free) Flush',
      'Timer: Reset() -> (free) Reset',
    ]);
    const members = w.program.definitions().filter((d) => d.className === 'CQueue').map((d) => d.name);
    expect(members).toEqual(['Stop', 'Reset', 'Drain', 'CQueue::Flush']);
  });
});

describe('C++ methods by their qualified names', () => {
  it('match a definition whose qualified name spans lines with its declaration in the class', () => {
    const w = world([
      'device.cpp',
      `class CDevice {
public:
    _IRQL_requires_max_(PASSIVE_LEVEL)
    NTSTATUS Initialize();
};

_Use_decl_annotations_
NTSTATUS
CDevice::
    Initialize()
{
    return STATUS_SUCCESS;
}
`,
    ]);
    const def = w.program.definitions().find((d) => d.name === 'CDevice::Initialize')!;
    expect(def.className).toBe('CDevice');
    expect(formatInterval(w.program.annotatedBounds(def)!.interval)).toBe('PASSIVE_LEVEL');
  });

  it('take a registration by qualified name as the method\'s, defined in its class or outside it (and `::Name` as the function\'s)', () => {
    const w = world(
      [
        'queue.h',
        `class CQueue {
public:
    static VOID OnIoDeviceControl(WDFQUEUE Queue, WDFREQUEST Request, size_t Out, size_t In, ULONG Code) { UNREFERENCED_PARAMETER(Queue); }
    static VOID OnRead(WDFQUEUE Queue, WDFREQUEST Request, size_t Length);
};
`,
      ],
      [
        'queue.cpp',
        `#include "queue.h"
VOID CQueue::OnRead(WDFQUEUE Queue, WDFREQUEST Request, size_t Length) { UNREFERENCED_PARAMETER(Queue); }
VOID QueueIoWrite(WDFQUEUE Queue, WDFREQUEST Request, size_t Length) { UNREFERENCED_PARAMETER(Queue); }
NTSTATUS CQueue_Create(WDFDEVICE Device)
{
    WDF_IO_QUEUE_CONFIG queueConfig;
    queueConfig.EvtIoDeviceControl = CQueue::OnIoDeviceControl;
    queueConfig.EvtIoRead = CQueue::OnRead;
    queueConfig.EvtIoWrite = ::QueueIoWrite;
    return WdfIoQueueCreate(Device, &queueConfig, WDF_NO_OBJECT_ATTRIBUTES, NULL);
}
`,
      ],
    );
    const roles = (name: string) => w.program.rolesOf(w.program.definitions().find((d) => d.name === name)!).map((r) => `${r.roleType} ${r.how}`);
    expect(roles('OnIoDeviceControl')).toEqual(['EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL registered']);
    expect(roles('CQueue::OnRead')).toEqual(['EVT_WDF_IO_QUEUE_IO_READ registered']);
    expect(roles('QueueIoWrite')).toEqual(['EVT_WDF_IO_QUEUE_IO_WRITE registered']);
  });
});
