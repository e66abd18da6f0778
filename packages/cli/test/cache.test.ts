/** `--cache`: unchanged units are read back; a change re-analyses only the units it can affect. */
import { existsSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WDM_DRIVER, project, run } from './helpers.js';

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
