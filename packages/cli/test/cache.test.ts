/** `--cache`: unchanged units are read back; a change re-analyses only the units it can affect. */
import { existsSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WDM_DRIVER, findings, project, run } from './helpers.js';

const KMDF_QUEUE = `#include <wdf.h>\nEVT_WDF_IO_QUEUE_IO_READ EvtIoRead;\nVOID EvtIoRead(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)\n{\n    PVOID p = ExAllocatePoolWithTag(PagedPool, Length, 'qrdK');\n    UNREFERENCED_PARAMETER(Queue);\n    UNREFERENCED_PARAMETER(Request);\n    UNREFERENCED_PARAMETER(p);\n}\n`;

function cacheLine(stderr: string): string {
  return /cache .*: (\d+ of \d+ units unchanged)/.exec(stderr)?.[1] ?? '(no cache line)';
}

/** The `N files: H parses read back …, W written` lines, one per analysed unit. */
function parseLines(stderr: string): string[] {
  return [...stderr.matchAll(/(\d+ files: \d+ parses read back) from .*?, (\d+ written)/g)].map((m) => `${m[1]}, ${m[2]}`);
}

/** The unit entries of a cache directory (its `parses/` aside). */
function unitEntries(cacheDir: string): string[] {
  return readdirSync(cacheDir).filter((name) => name.endsWith('.json'));
}

const HELPER = `#include <ntddk.h>\n_IRQL_requires_max_(DISPATCH_LEVEL)\nVOID HelperTouch(PULONG Counter)\n{\n    InterlockedIncrement((LONG volatile *)Counter);\n}\n`;

/** The `N files: R function analyses read back, A analysed` lines, one per analysed unit. */
function analysisLines(stderr: string): string[] {
  return [...stderr.matchAll(/\d+ files: \d+ function analyses read back, \d+ analysed/g)].map((m) => m[0]);
}

/** A driver in four files: lock wrappers, a dispatch routine that allocates under the lock, an unrelated flush path. */
const QUEUE_DRIVER = {
  'drv/queue.h': `#pragma once\ntypedef struct _QUEUE_CONTEXT {\n    KSPIN_LOCK Lock;\n    KIRQL OldIrql;\n    FAST_MUTEX Mutex;\n    LIST_ENTRY Pending;\n} QUEUE_CONTEXT, *PQUEUE_CONTEXT;\n\nVOID QueueLock(PQUEUE_CONTEXT Queue);\nVOID QueueUnlock(PQUEUE_CONTEXT Queue);\n`,
  'drv/lock.c': `#include <ntddk.h>\n#include "queue.h"\n\nVOID QueueLock(PQUEUE_CONTEXT Queue)\n{\n    KeAcquireSpinLock(&Queue->Lock, &Queue->OldIrql);\n}\n\nVOID QueueUnlock(PQUEUE_CONTEXT Queue)\n{\n    KeReleaseSpinLock(&Queue->Lock, Queue->OldIrql);\n}\n`,
  'drv/queue.c': `#include <ntddk.h>\n#include "queue.h"\n\nDRIVER_DISPATCH DispatchWrite;\n\nNTSTATUS DispatchWrite(PDEVICE_OBJECT DeviceObject, PIRP Irp)\n{\n    PQUEUE_CONTEXT queue = DeviceObject->DeviceExtension;\n    PVOID entry;\n\n    QueueLock(queue);\n    entry = ExAllocatePoolWithTag(PagedPool, 64, 'eueQ');\n    QueueUnlock(queue);\n    UNREFERENCED_PARAMETER(Irp);\n    return entry ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;\n}\n`,
  'drv/flush.c': `#include <ntddk.h>\n#include "queue.h"\n\nVOID QueueFlushRaised(PQUEUE_CONTEXT Queue)\n{\n    KIRQL old;\n\n    KeRaiseIrql(DISPATCH_LEVEL, &old);\n    RemoveHeadList(&Queue->Pending);\n    KeLowerIrql(old);\n}\n\n_IRQL_requires_(PASSIVE_LEVEL)\nVOID QueueDrain(PQUEUE_CONTEXT Queue)\n{\n    while (!IsListEmpty(&Queue->Pending)) {\n        QueueFlushRaised(Queue);\n    }\n    KeFlushQueuedDpcs();\n}\n`,
};

describe('--cache', () => {
  it('reads every unit back on an unchanged re-run, with the same output', async () => {
    const dir = project({ 'a/driver.c': WDM_DRIVER, 'b/queue.c': KMDF_QUEUE });
    const cold = await run(['-f', 'json', '--cache', '--debug', '.'], dir);
    expect(cacheLine(cold.stderr)).toBe('0 of 2 units unchanged');
    expect(unitEntries(join(dir, 'node_modules/.cache/ddi-lint'))).toHaveLength(2);
    const warm = await run(['-f', 'json', '--cache', '--debug', '.'], dir);
    expect(cacheLine(warm.stderr)).toBe('2 of 2 units unchanged');
    expect(warm.stdout).toBe(cold.stdout);
    expect(warm.code).toBe(cold.code);
  }, 30_000);

  it('re-analyses only the unit of a changed file, and reports the change', async () => {
    const dir = project({ 'a/driver.c': WDM_DRIVER, 'b/queue.c': KMDF_QUEUE });
    await run(['-f', 'json', '--cache', '.'], dir);
    writeFileSync(join(dir, 'b/queue.c'), KMDF_QUEUE.replace('ExAllocatePoolWithTag(PagedPool, Length,', 'ExAllocatePool2(POOL_FLAG_PAGED, Length,'));
    const r = await run(['-f', 'json', '--cache', '--debug', '.'], dir);
    expect(cacheLine(r.stderr)).toBe('1 of 2 units unchanged');
    const queue = (JSON.parse(r.stdout) as { filePath: string; messages: { ruleId: string }[] }[]).find((x) => x.filePath.endsWith('queue.c'))!;
    expect(queue.messages.map((m) => m.ruleId)).not.toContain('kmdf/UnsafeAllocatePool');
    // The old entry of the changed unit is pruned: the cache does not grow with every edit.
    expect(unitEntries(join(dir, 'node_modules/.cache/ddi-lint'))).toHaveLength(2);
  }, 30_000);

  it('is invalidated by a config change and by --rule, and kept apart per --cache-location', async () => {
    const dir = project({ 'a/driver.c': WDM_DRIVER, 'b/queue.c': KMDF_QUEUE });
    await run(['--cache', '.'], dir);
    writeFileSync(join(dir, '.ddirc.json'), JSON.stringify({ root: true, extends: 'wdm/recommended', rules: { 'wdm/UnsafeAllocatePool': 'off' } }));
    expect(cacheLine((await run(['--cache', '--debug', '.'], dir)).stderr)).toBe('0 of 2 units unchanged');
    expect(cacheLine((await run(['--cache', '--debug', '.'], dir)).stderr)).toBe('2 of 2 units unchanged');
    expect(cacheLine((await run(['--cache', '--debug', '--rule', 'wdm/IrqlExAllocatePool: warn', '.'], dir)).stderr)).toBe('0 of 2 units unchanged');
    const elsewhere = await run(['--cache', '--cache-location', 'build/lint-cache', '--debug', '.'], dir);
    expect(cacheLine(elsewhere.stderr)).toBe('0 of 2 units unchanged');
    expect(unitEntries(join(dir, 'build/lint-cache'))).toHaveLength(2);
  }, 30_000);

  it('treats a damaged cache entry as missing', async () => {
    const dir = project({ 'a/driver.c': WDM_DRIVER });
    const cold = await run(['-f', 'json', '--cache', '.'], dir);
    const cacheDir = join(dir, 'node_modules/.cache/ddi-lint');
    for (const name of unitEntries(cacheDir)) writeFileSync(join(cacheDir, name), '{"key": "trunc');
    const r = await run(['-f', 'json', '--cache', '--debug', '.'], dir);
    expect(cacheLine(r.stderr)).toBe('0 of 1 units unchanged');
    expect(r.stdout).toBe(cold.stdout);
  }, 30_000);

  it('parses only the changed file of a re-analysed unit, with the output of a run without the cache', async () => {
    const dir = project({ 'a/driver.c': WDM_DRIVER, 'a/helper.c': HELPER, 'b/queue.c': KMDF_QUEUE });
    const cold = await run(['-f', 'json', '--cache', '--debug', '.'], dir);
    expect(parseLines(cold.stderr).sort()).toEqual(['1 files: 0 parses read back, 1 written', '2 files: 0 parses read back, 2 written']);
    writeFileSync(join(dir, 'a/helper.c'), HELPER.replace('InterlockedIncrement', 'KeMemoryBarrier();\n    InterlockedIncrement'));
    const changed = await run(['-f', 'json', '--cache', '--debug', '.'], dir);
    expect(cacheLine(changed.stderr)).toBe('1 of 2 units unchanged');
    expect(parseLines(changed.stderr)).toEqual(['2 files: 1 parses read back, 1 written']);
    const uncached = await run(['-f', 'json', '.'], dir);
    expect(changed.stdout).toBe(uncached.stdout);
    // The config changed: every unit is analysed again, and nothing is parsed.
    const reconfigured = await run(['-f', 'json', '--cache', '--debug', '--rule', 'wdm/IrqlExAllocatePool: warn', '.'], dir);
    expect(parseLines(reconfigured.stderr).sort()).toEqual(['1 files: 1 parses read back, 0 written', '2 files: 2 parses read back, 0 written']);
    expect(reconfigured.stdout).toBe((await run(['-f', 'json', '--rule', 'wdm/IrqlExAllocatePool: warn', '.'], dir)).stdout);
  }, 60_000);

  it('re-analyses the functions of the changed file and those whose answers changed, with the output of a run without the cache', async () => {
    const dir = project(QUEUE_DRIVER);
    const cold = await run(['-f', 'json', '--cache', '--debug', '.'], dir);
    expect(analysisLines(cold.stderr)).toEqual(['4 files: 0 function analyses read back, 5 analysed']);
    expect(findings(cold.stdout)).toContain('queue.c:12 wdm/IrqlExAllocatePool 2');
    // The spin lock becomes a fast mutex: lock.c's two functions change, and DispatchWrite now allocates at
    // APC_LEVEL; flush.c's two functions are read back.
    writeFileSync(join(dir, 'drv/lock.c'), QUEUE_DRIVER['drv/lock.c'].replace('KeAcquireSpinLock(&Queue->Lock, &Queue->OldIrql)', 'ExAcquireFastMutex(&Queue->Mutex)'));
    const changed = await run(['-f', 'json', '--cache', '--debug', '.'], dir);
    expect(analysisLines(changed.stderr)).toEqual(['4 files: 2 function analyses read back, 3 analysed']);
    expect(changed.stdout).toBe((await run(['-f', 'json', '.'], dir)).stdout);
    expect(findings(changed.stdout)).not.toContain('queue.c:12 wdm/IrqlExAllocatePool 2');
    // One file of function records per source file with functions.
    expect(readdirSync(join(dir, 'node_modules/.cache/ddi-lint/analyses'))).toHaveLength(3);
    // A damaged file of records: every function is analysed, with the same output.
    const analyses = join(dir, 'node_modules/.cache/ddi-lint/analyses');
    for (const name of readdirSync(analyses)) writeFileSync(join(analyses, name), '{"key": "trunc');
    writeFileSync(join(dir, 'drv/lock.c'), QUEUE_DRIVER['drv/lock.c']);
    const damaged = await run(['-f', 'json', '--cache', '--debug', '.'], dir);
    expect(analysisLines(damaged.stderr)).toEqual(['4 files: 0 function analyses read back, 5 analysed']);
    expect(damaged.stdout).toBe(cold.stdout);
  }, 60_000);

  it('reads function analyses back when a file joins the driver, and forgets those of a file that left', async () => {
    const dir = project(QUEUE_DRIVER);
    await run(['--cache', '.'], dir);
    const analyses = join(dir, 'node_modules/.cache/ddi-lint/analyses');
    expect(readdirSync(analyses)).toHaveLength(3);
    // A new file in the driver's folder: the unit is another set of files, but each file's records are its own.
    const power = `#include <ntddk.h>\n#include "queue.h"\n\n_IRQL_requires_(PASSIVE_LEVEL)\nVOID QueuePowerDown(PQUEUE_CONTEXT Queue)\n{\n    QueueDrain(Queue);\n}\n`;
    writeFileSync(join(dir, 'drv/power.c'), power.replace('QueueDrain', 'QueueLock(Queue);\n    QueueUnlock'));
    const added = await run(['-f', 'json', '--cache', '--debug', '.'], dir);
    expect(analysisLines(added.stderr)).toEqual(['5 files: 5 function analyses read back, 1 analysed']);
    expect(added.stdout).toBe((await run(['-f', 'json', '.'], dir)).stdout);
    expect(readdirSync(analyses)).toHaveLength(4);
    rmSync(join(dir, 'drv/power.c'));
    const removed = await run(['-f', 'json', '--cache', '--debug', '.'], dir);
    expect(analysisLines(removed.stderr)).toEqual(['4 files: 5 function analyses read back, 0 analysed']);
    expect(readdirSync(analyses)).toHaveLength(3);
  }, 60_000);

  it('reads function analyses back across a change of rules or of a -D that no function tests', async () => {
    const dir = project(QUEUE_DRIVER);
    await run(['--cache', '.'], dir);
    // The rules changed: every unit's results are stale, but no function's analysis is.
    const reconfigured = await run(['-f', 'json', '--cache', '--debug', '--rule', 'wdm/IrqlExAllocatePool: warn', '.'], dir);
    expect(analysisLines(reconfigured.stderr)).toEqual(['4 files: 5 function analyses read back, 0 analysed']);
    expect(reconfigured.stdout).toBe((await run(['-f', 'json', '--rule', 'wdm/IrqlExAllocatePool: warn', '.'], dir)).stdout);
    const defined = await run(['-f', 'json', '--cache', '--debug', '-D', 'DBG=1', '.'], dir);
    expect(analysisLines(defined.stderr)).toEqual(['4 files: 5 function analyses read back, 0 analysed']);
    expect(defined.stdout).toBe((await run(['-f', 'json', '-D', 'DBG=1', '.'], dir)).stdout);
  }, 60_000);

  it('keeps the parses of the files it still has, and parses a damaged one again', async () => {
    const dir = project({ 'a/driver.c': WDM_DRIVER, 'a/helper.c': HELPER });
    const cold = await run(['-f', 'json', '--cache', '.'], dir);
    const parses = join(dir, 'node_modules/.cache/ddi-lint/parses');
    expect(readdirSync(parses)).toHaveLength(2);
    // A parse cut short (a full disk, a killed run) is not trusted.
    for (const name of readdirSync(parses)) writeFileSync(join(parses, name), 'trunc');
    const reconfigured = await run(['-f', 'json', '--cache', '--debug', '--rule', 'wdm/IrqlExAllocatePool: warn', '.'], dir);
    expect(parseLines(reconfigured.stderr)).toEqual(['2 files: 0 parses read back, 2 written']);
    expect(reconfigured.stdout).toBe((await run(['-f', 'json', '--rule', 'wdm/IrqlExAllocatePool: warn', '.'], dir)).stdout);
    writeFileSync(join(dir, 'a/helper.c'), HELPER.replace('Counter)', 'Counter )'));
    const changed = await run(['-f', 'json', '--cache', '--debug', '.'], dir);
    expect(parseLines(changed.stderr)).toEqual(['2 files: 1 parses read back, 1 written']);
    expect(changed.stdout).toBe(cold.stdout);
    // The old helper.c's parse is gone with the entry that used it; the unchanged driver.c's is kept.
    expect(readdirSync(parses)).toHaveLength(2);
  }, 60_000);

  it('a cache location that cannot be written is a warning, and the run completes with the same output', async () => {
    const dir = project({ 'a/driver.c': WDM_DRIVER, 'not-a-directory': 'a file' });
    const plain = await run(['-f', 'json', 'a'], dir);
    const r = await run(['-f', 'json', '--cache', '--cache-location', 'not-a-directory/cache', 'a'], dir);
    expect(r.stdout).toBe(plain.stdout);
    expect(r.code).toBe(plain.code);
    expect(r.stderr).toMatch(/^ddi-lint: warning: --cache: the cache cannot be written at .*not-a-directory[\\/]cache \(ENOTDIR[^)]*\); this run's results are not cached\n$/);
  }, 30_000);

  it("removes what a stopped run left half-written, once it is old, and not another run's file in the making", async () => {
    const dir = project({ 'a/driver.c': WDM_DRIVER });
    await run(['--cache', '.'], dir);
    const cacheDir = join(dir, 'node_modules/.cache/ddi-lint');
    const left = [join(cacheDir, `${'a'.repeat(64)}.json.123.tmp`), join(cacheDir, 'parses', `${'b'.repeat(64)}.bin.123.1.tmp`)];
    const fresh = join(cacheDir, 'parses', `${'c'.repeat(64)}.bin.456.1.tmp`);
    for (const f of [...left, fresh]) writeFileSync(f, 'partial');
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    for (const f of left) utimesSync(f, twoHoursAgo, twoHoursAgo);
    await run(['--cache', '.'], dir);
    expect(left.filter((f) => existsSync(f))).toEqual([]);
    expect(existsSync(fresh)).toBe(true);
  }, 30_000);

  it('is not written without --cache', async () => {
    const dir = project({ 'a/driver.c': WDM_DRIVER });
    await run(['.'], dir);
    expect(existsSync(join(dir, 'node_modules/.cache/ddi-lint'))).toBe(false);
  });
});
