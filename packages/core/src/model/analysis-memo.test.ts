import { describe, expect, it } from 'vitest';
import type { ParseStore } from '../frontend/parse-cache.js';
import { buildProgram } from '../linter/linter.js';
import type { FunctionRecords } from './analysis-memo.js';
import { formatInterval } from './irql.js';
import type { IrqlValue } from './irql-domain.js';
import { DEFAULT_IRQL_SETTINGS, type IrqlSettings, type Program } from './program.js';

const QUEUE_H = `#pragma once
typedef struct _QUEUE_CONTEXT {
    KSPIN_LOCK Lock;
    KIRQL OldIrql;
    FAST_MUTEX Mutex;
    LIST_ENTRY Pending;
} QUEUE_CONTEXT, *PQUEUE_CONTEXT;

#define QUEUE_TAG 'eueQ'
#define QUEUE_RAISE_LEVEL DISPATCH_LEVEL

VOID QueueLock(PQUEUE_CONTEXT Queue);
VOID QueueUnlock(PQUEUE_CONTEXT Queue);
`;

const LOCK_C = `#include <ntddk.h>
#include "queue.h"

VOID QueueLock(PQUEUE_CONTEXT Queue)
{
    KeAcquireSpinLock(&Queue->Lock, &Queue->OldIrql);
}

VOID QueueUnlock(PQUEUE_CONTEXT Queue)
{
    KeReleaseSpinLock(&Queue->Lock, Queue->OldIrql);
}
`;

const QUEUE_C = `#include <ntddk.h>
#include "queue.h"

DRIVER_DISPATCH DispatchWrite;

NTSTATUS DispatchWrite(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PQUEUE_CONTEXT queue = DeviceObject->DeviceExtension;
    PVOID entry;

    QueueLock(queue);
    entry = ExAllocatePoolWithTag(PagedPool, 64, QUEUE_TAG);
    QueueUnlock(queue);
    UNREFERENCED_PARAMETER(Irp);
    return entry ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}
`;

const FLUSH_C = `#include <ntddk.h>
#include "queue.h"

VOID QueueFlushRaised(PQUEUE_CONTEXT Queue)
{
    KIRQL old;

    KeRaiseIrql(QUEUE_RAISE_LEVEL, &old);
    RemoveHeadList(&Queue->Pending);
    KeLowerIrql(old);
}

_IRQL_requires_(PASSIVE_LEVEL)
VOID QueueDrain(PQUEUE_CONTEXT Queue)
{
    while (!IsListEmpty(&Queue->Pending)) {
        QueueFlushRaised(Queue);
    }
    KeFlushQueuedDpcs();
}
`;

/** A recursive pair: it completes queued entries under the lock, then calls itself again through its partner. */
const COMPLETE_C = `#include <ntddk.h>\n#include "queue.h"\n\nVOID QueueCompleteOne(PQUEUE_CONTEXT Queue, ULONG Depth);\n\nVOID QueueCompleteAll(PQUEUE_CONTEXT Queue, ULONG Depth)\n{\n    QueueLock(Queue);\n    if (!IsListEmpty(&Queue->Pending)) {\n        RemoveTailList(&Queue->Pending);\n    }\n    QueueUnlock(Queue);\n    if (Depth < 4) {\n        QueueCompleteOne(Queue, Depth + 1);\n    }\n}\n\nVOID QueueCompleteOne(PQUEUE_CONTEXT Queue, ULONG Depth)\n{\n    KeFlushQueuedDpcs();\n    QueueCompleteAll(Queue, Depth);\n}\n`;

type Files = Record<string, string>;

const DRIVER: Files = { 'queue.h': QUEUE_H, 'lock.c': LOCK_C, 'queue.c': QUEUE_C, 'flush.c': FLUSH_C };

function memoryStore(): ParseStore {
  const kept = new Map<string, Uint8Array>();
  return { read: (key) => kept.get(key), write: (key, bytes) => void kept.set(key, bytes) };
}

function build(files: Files, store: ParseStore, records?: FunctionRecords, settings?: IrqlSettings): Program {
  const inputs = Object.entries(files).map(([filePath, text]) => ({ filePath, text }));
  const { program } = buildProgram(inputs, settings, store, records ? { analysisRecords: records } : undefined);
  program.prepare();
  return program;
}

/** Everything the analysis says, as text: each call's IRQL with its evidence and trace, each function's exit and release issues. */
function facts(program: Program): string[] {
  const out: string[] = [];
  for (const file of program.files) {
    for (const call of file.source.root.descendantsOfType('call_expression')) {
      const fact = program.irqlAt(call);
      const name = call.childForFieldName('function')?.text;
      out.push(
        `${file.source.filePath}:${call.startIndex} ${name} ${fact ? formatInterval(fact.interval) : '-'} ${JSON.stringify(
          fact?.evidence.map((e) => [e.basis, e.steps.map((s) => `${s.message} @${s.source.filePath}:${s.start}-${s.end}`)]),
        )}`,
      );
    }
    for (const def of file.definitions) {
      const r = program.irqlOf(def);
      out.push(`${def.name} exit ${valueText(r.exit)} saved ${[...r.exitSaved].map(([slot, v]) => `${slot}=${valueText(v)}`).join(',')} restores ${r.restoresUnsaved.join(',')} issues ${r.releaseIssues.map((i) => `${i.kind}:${i.slot}@${i.call.startIndex}`).join(',')}`);
    }
  }
  return out;
}

function valueText(v: IrqlValue | undefined): string {
  if (!v) return '-';
  const parts = v.parts.map((e) => `${e.key}:${formatInterval(e.interval)}:${e.basis}:${e.steps.map((s) => `${s.message}@${s.source.filePath}:${s.start}`).join('>')}`);
  return `${v.entryCap ? formatInterval(v.entryCap) : 'none'} [${parts.join(' | ')}] ${JSON.stringify([...(v.entryWhen ?? [])])}`;
}

function irqlAtCall(program: Program, callee: string): string {
  for (const file of program.files) {
    const call = file.source.root.descendantsOfType('call_expression').find((c) => c.childForFieldName('function')?.text === callee);
    if (call) return formatInterval(program.irqlAt(call)!.interval);
  }
  throw new Error(`no call to ${callee}`);
}

/** A run's records as the next run gets them: every file's, through JSON. */
function kept(program: Program): FunctionRecords {
  return JSON.parse(JSON.stringify(Object.assign({}, ...program.analysisRecords()!.records.values()))) as FunctionRecords;
}

/** A first run (which records), then `next` run against those records: its counts and whether it says what a run without records says. */
function rerun(next: Files, settings?: { first?: IrqlSettings; next?: IrqlSettings }): { program: Program; reused: number; analysed: number; sameAsFresh: boolean } {
  const store = memoryStore();
  const first = build(DRIVER, store, {}, settings?.first);
  const records = kept(first);
  const program = build(next, store, records, settings?.next);
  const { reused, analysed } = program.analysisRecords()!;
  const fresh = build(next, memoryStore(), undefined, settings?.next);
  return { program, reused, analysed, sameAsFresh: JSON.stringify(facts(program)) === JSON.stringify(facts(fresh)) };
}

describe('AnalysisMemo: function analyses reused between runs', () => {
  it('records every function on a first run, and reads them all back when nothing changed', () => {
    const first = build(DRIVER, memoryStore(), {});
    expect(first.analysisRecords()).toMatchObject({ reused: 0, analysed: 5 });
    expect([...first.analysisRecords()!.records].map(([file, records]) => [file, Object.keys(records).length])).toEqual([
      ['lock.c', 2],
      ['queue.c', 1],
      ['flush.c', 2],
    ]);
    const r = rerun(DRIVER);
    expect([r.reused, r.analysed]).toEqual([5, 0]);
    expect(r.sameAsFresh).toBe(true);
    expect(irqlAtCall(r.program, 'ExAllocatePoolWithTag')).toBe('DISPATCH_LEVEL');
  });

  it("re-analyses a changed file's functions and the callers whose callee summary changed, and reads the others back", () => {
    // The lock becomes a fast mutex: QueueLock now returns at APC_LEVEL, so DispatchWrite's facts change.
    const r = rerun({ ...DRIVER, 'lock.c': LOCK_C.replace('KeAcquireSpinLock(&Queue->Lock, &Queue->OldIrql)', 'ExAcquireFastMutex(&Queue->Mutex)') });
    // lock.c's two functions and DispatchWrite; flush.c's two functions read back.
    expect([r.reused, r.analysed]).toEqual([2, 3]);
    expect(r.sameAsFresh).toBe(true);
    expect(irqlAtCall(r.program, 'ExAllocatePoolWithTag')).toBe('APC_LEVEL');
  });

  it("re-analyses the callers of a function that only moved: their traces point into the callee's file", () => {
    // Same IRQL, same saved slot: only the offsets of QueueLock's evidence change, and DispatchWrite's trace shows them.
    const r = rerun({ ...DRIVER, 'lock.c': LOCK_C.replace('#include "queue.h"\n', '#include "queue.h"\n\n/* Queue lock wrappers. */\n') });
    expect([r.reused, r.analysed]).toEqual([2, 3]);
    expect(r.sameAsFresh).toBe(true);
  });

  it('re-analyses only the changed file when what its functions tell their callers stays the same', () => {
    // A comment above the functions: every offset in flush.c moves, so both of its functions are analysed again;
    // QueueDrain's summary steps are flush.c's own, so nothing outside flush.c is.
    const r = rerun({ ...DRIVER, 'flush.c': FLUSH_C.replace('#include "queue.h"\n', '#include "queue.h"\n\n/* Drains the queue at PASSIVE_LEVEL. */\n') });
    expect([r.reused, r.analysed]).toEqual([3, 2]);
    expect(r.sameAsFresh).toBe(true);
  });

  it('re-analyses a function whose file is unchanged when a constant it read changed in a header', () => {
    const r = rerun({ ...DRIVER, 'queue.h': QUEUE_H.replace('#define QUEUE_RAISE_LEVEL DISPATCH_LEVEL', '#define QUEUE_RAISE_LEVEL APC_LEVEL') });
    expect(r.analysed).toBeGreaterThanOrEqual(1);
    expect(r.reused).toBeGreaterThanOrEqual(3);
    expect(r.sameAsFresh).toBe(true);
    expect(irqlAtCall(r.program, 'RemoveHeadList')).toBe('APC_LEVEL');
  });

  it("re-analyses after a change of the build's defines only the functions whose #if branches read them", () => {
    const withBranch = {
      ...DRIVER,
      'lock.c': LOCK_C.replace(
        '    KeAcquireSpinLock(&Queue->Lock, &Queue->OldIrql);',
        '#if QUEUE_USES_MUTEX\n    ExAcquireFastMutex(&Queue->Mutex);\n#else\n    KeAcquireSpinLock(&Queue->Lock, &Queue->OldIrql);\n#endif',
      ),
    };
    const spinLock = { ...DEFAULT_IRQL_SETTINGS, defines: { QUEUE_USES_MUTEX: null } };
    const mutex = { ...DEFAULT_IRQL_SETTINGS, defines: { QUEUE_USES_MUTEX: '1' } };
    const store = memoryStore();
    const records = kept(build(withBranch, store, {}, spinLock));
    // QueueLock's branch now goes the other way, and DispatchWrite sees its new summary; the rest is read back.
    const program = build(withBranch, store, records, mutex);
    expect(program.analysisRecords()).toMatchObject({ reused: 3, analysed: 2 });
    expect(facts(program)).toEqual(facts(build(withBranch, memoryStore(), undefined, mutex)));
    expect(irqlAtCall(program, 'ExAllocatePoolWithTag')).toBe('APC_LEVEL');
    // A define no branch reads changes nothing.
    const unrelated = { ...DEFAULT_IRQL_SETTINGS, defines: { QUEUE_USES_MUTEX: null, DBG: '1' } };
    expect(build(withBranch, store, records, unrelated).analysisRecords()).toMatchObject({ reused: 5, analysed: 0 });
  });

  it('records a project macro analysed as a function, and the callers whose trace runs through its own source', () => {
    const header = `${QUEUE_H}#define QUEUE_ACQUIRE(q) KeAcquireSpinLock(&(q)->Lock, &(q)->OldIrql)\n#define QUEUE_RELEASE(q) KeReleaseSpinLock(&(q)->Lock, (q)->OldIrql)\n`;
    const append = `#include <ntddk.h>\n#include "queue.h"\n\nVOID QueueAppend(PQUEUE_CONTEXT Queue, PLIST_ENTRY Entry)\n{\n    QUEUE_ACQUIRE(Queue);\n    InsertTailList(&Queue->Pending, Entry);\n    Entry->Blink = ExAllocatePoolWithTag(PagedPool, 16, QUEUE_TAG);\n    QUEUE_RELEASE(Queue);\n}\n`;
    const files = { ...DRIVER, 'queue.h': header, 'append.c': append };
    const store = memoryStore();
    const first = build(files, store, {});
    const macros = first.files.flatMap((f) => f.definitions).filter((d) => d.macro);
    expect(macros.map((d) => d.name)).toEqual(['QUEUE_ACQUIRE', 'QUEUE_RELEASE']);
    // Filed under the header that defines them, as the functions of a file are under it.
    expect(Object.keys(first.analysisRecords()!.records.get('queue.h') ?? {})).toHaveLength(2);
    const records = kept(first);
    expect(Object.keys(records)).toHaveLength(8);
    const again = build(files, store, records);
    expect(again.analysisRecords()).toMatchObject({ reused: 8, analysed: 0 });
    expect(facts(again)).toEqual(facts(build(files, memoryStore())));
    // The step inside the macro points into the macro's own source, as in a fresh analysis.
    const allocation = again.files.find((f) => f.source.filePath === 'append.c')!.source.root.descendantsOfType('call_expression').find((c) => c.text.startsWith('ExAllocatePoolWithTag'))!;
    const acquire = again.irqlAt(allocation)!.evidence[0]!.steps[0]!;
    expect(acquire.message).toBe('KeAcquireSpinLock raises the IRQL to DISPATCH_LEVEL');
    expect(acquire.source).toBe(again.files.flatMap((f) => f.definitions).find((d) => d.name === 'QUEUE_ACQUIRE')!.source);
  });

  it('records a recursive cycle whole: read back while what it asks outside the cycle is the same, iterated again when not', () => {
    const files = { ...DRIVER, 'complete.c': COMPLETE_C };
    const store = memoryStore();
    const first = build(files, store, {});
    expect(Object.keys(first.analysisRecords()!.records.get('complete.c') ?? {})).toEqual([expect.stringMatching(/^cycle\0/)]);
    const records = kept(first);
    // Nothing changed: the cycle's two functions are read back with the rest, none analysed.
    const again = build(files, store, records);
    expect(again.analysisRecords()).toMatchObject({ reused: 7, analysed: 0 });
    expect(facts(again)).toEqual(facts(build(files, memoryStore())));
    // The lock the cycle calls outside itself changes: the cycle iterates again, to the facts of a fresh run.
    const changed = { ...files, 'lock.c': LOCK_C.replace('KeAcquireSpinLock(&Queue->Lock, &Queue->OldIrql)', 'ExAcquireFastMutex(&Queue->Mutex)') };
    const program = build(changed, store, records);
    expect(program.analysisRecords()!.analysed).toBeGreaterThanOrEqual(2 + 3);
    expect(facts(program)).toEqual(facts(build(changed, memoryStore())));
    expect(irqlAtCall(program, 'RemoveTailList')).toBe('APC_LEVEL');
  });

  it('gives the facts of a fresh analysis through a chain of random edits, each run reading the records of the one before', () => {
    // Driver-shaped edits, applied one after another; some break the syntax for a while, as typing does.
    const edits: ((files: Files) => Files | { files: Files; settings: IrqlSettings })[] = [
      (f) => ({ ...f, 'lock.c': f['lock.c']!.includes('KeAcquireSpinLock') ? f['lock.c']!.replace('KeAcquireSpinLock(&Queue->Lock, &Queue->OldIrql)', 'ExAcquireFastMutex(&Queue->Mutex)') : f['lock.c']!.replace('ExAcquireFastMutex(&Queue->Mutex)', 'KeAcquireSpinLock(&Queue->Lock, &Queue->OldIrql)') }),
      (f) => ({ ...f, 'queue.h': f['queue.h']!.includes('DISPATCH_LEVEL') ? f['queue.h']!.replace('DISPATCH_LEVEL', 'APC_LEVEL') : f['queue.h']!.replace('APC_LEVEL', 'DISPATCH_LEVEL') }),
      (f) => ({ ...f, 'queue.c': f['queue.c']!.includes('QueueLock(queue)') ? f['queue.c']!.replace('QueueLock(queue)', 'QueueLockAtDpc(queue)') : f['queue.c']!.replace('QueueLockAtDpc(queue)', 'QueueLock(queue)') }),
      (f) => ({ ...f, 'flush.c': f['flush.c']!.replace('KeFlushQueuedDpcs();', 'KeFlushQueuedDpcs();\n    KeFlushQueuedDpcs();') }),
      (f) => ({ files: f, settings: { ...DEFAULT_IRQL_SETTINGS, defines: { QUEUE_USES_MUTEX: random() < 0.5 ? '1' : null } } }),
    ];
    const lineEdit = (f: Files): Files => {
      const names = Object.keys(f);
      const name = names[Math.floor(random() * names.length)]!;
      const lines = f[name]!.split('\n');
      const at = Math.floor(random() * lines.length);
      if (random() < 0.6) lines.splice(at, 0, '/* edited */');
      else if (random() < 0.5) lines.splice(at, 1);
      else lines.splice(at, 0, lines[at] ?? '');
      return { ...f, [name]: lines.join('\n') };
    };
    let seed = 20261125;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    let files: Files = {
      ...DRIVER,
      'complete.c': COMPLETE_C,
      'lock.c': `${LOCK_C}\nVOID QueueLockAtDpc(PQUEUE_CONTEXT Queue)\n{\n#if QUEUE_USES_MUTEX\n    ExAcquireFastMutex(&Queue->Mutex);\n#else\n    KeAcquireSpinLockAtDpcLevel(&Queue->Lock);\n#endif\n}\n`,
    };
    let settings: IrqlSettings = DEFAULT_IRQL_SETTINGS;
    const store = memoryStore();
    let records: FunctionRecords = {};
    let reused = 0;
    for (let round = 0; round < 40; round++) {
      const edit = random() < 0.5 ? lineEdit : edits[Math.floor(random() * edits.length)]!;
      const next = edit(files);
      if ('settings' in next) ({ files, settings } = next as { files: Files; settings: IrqlSettings });
      else files = next as Files;
      const program = build(files, store, records, settings);
      expect(facts(program), `round ${round}`).toEqual(facts(build(files, memoryStore(), undefined, settings)));
      reused += program.analysisRecords()!.reused;
      records = kept(program);
    }
    // Most functions were read back most of the time: the chain tested reuse, not only analysis.
    expect(reused).toBeGreaterThan(100);
  });

  it('analyses afresh, with the same facts, a record that is damaged or of another shape', () => {
    const store = memoryStore();
    const records = kept(build(DRIVER, store, {}));
    const keys = Object.keys(records);
    const damaged: Record<string, unknown> = { ...records };
    damaged[keys[0]!] = { asked: [['p', false], ['d', false]], result: { steps: 'not a table' } };
    damaged[keys[1]!] = { asked: [['?', 1]], result: records[keys[1]!]!.result };
    damaged[keys[2]!] = 'trunc';
    const program = build(DRIVER, store, damaged as FunctionRecords);
    expect(program.analysisRecords()).toMatchObject({ reused: 2, analysed: 3 });
    expect(facts(program)).toEqual(facts(build(DRIVER, memoryStore())));
  });

  it('records nothing, and reads nothing back, for a program parsed without a store (no parse keys)', () => {
    const inputs = Object.entries(DRIVER).map(([filePath, text]) => ({ filePath, text }));
    const { program } = buildProgram(inputs, undefined, undefined, { analysisRecords: {} });
    program.prepare();
    expect(program.analysisRecords()).toMatchObject({ reused: 0, analysed: 5 });
    expect(program.analysisRecords()!.records.size).toBe(0);
  });
});
