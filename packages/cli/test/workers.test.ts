/**
 * `--jobs`: analysis units in worker threads. The output is the same whatever the number of workers and the
 * order of files on disk, and a rule that never returns is stopped without losing the rest of the run.
 * (The workers run the built files: `pnpm test` builds first.)
 */
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WDM_DRIVER, findings, project, run } from './helpers.js';

/** Three drivers in sibling folders; the second one's header is shared through a relative include. */
const DRIVERS: Record<string, string> = {
  'wdm/read.c': WDM_DRIVER,
  'wdm/write.c': WDM_DRIVER.replace(/DispatchWrite/g, 'DispatchRead'),
  'kmdf/sys/queue.c': `#include "..\\inc\\queue.h"\n#include <wdf.h>\nVOID EvtIoRead(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)\n{\n    PVOID p = ExAllocatePoolWithTag(PagedPool, Length, 'qrdK');\n    UNREFERENCED_PARAMETER(Queue);\n    UNREFERENCED_PARAMETER(Request);\n    UNREFERENCED_PARAMETER(p);\n}\n`,
  'kmdf/inc/queue.h': `EVT_WDF_IO_QUEUE_IO_READ EvtIoRead;\n`,
  'storport/miniport.c': `#include <storport.h>\nBOOLEAN HwStartIo(PVOID DeviceExtension, PSCSI_REQUEST_BLOCK Srb)\n{\n    KeStallExecutionProcessor(100);\n    StorPortNotification(RequestComplete, DeviceExtension, Srb);\n    return TRUE;\n}\n`,
};

describe('--jobs', () => {
  it('gives byte-identical json and SARIF with 0, 1 and 2 workers', async () => {
    const dir = project(DRIVERS);
    for (const format of ['json', 'sarif']) {
      const outputs = [];
      for (const jobs of ['0', '1', '2']) outputs.push((await run(['-f', format, '--jobs', jobs, '.'], dir)).stdout);
      expect(outputs[1]).toBe(outputs[0]);
      expect(outputs[2]).toBe(outputs[0]);
    }
    const found = findings((await run(['-f', 'json', '--jobs', '2', '.'], dir)).stdout);
    expect(found).toEqual(expect.arrayContaining(['read.c:14 wdm/IrqlExAllocatePool 2', 'write.c:14 wdm/IrqlExAllocatePool 2', 'queue.c:5 kmdf/UnsafeAllocatePool 1']));
  }, 60_000);

  it('gives the same output whatever order the files were written to disk in', async () => {
    const forward = project(DRIVERS);
    const backward = project({});
    for (const [path, text] of Object.entries(DRIVERS).reverse()) {
      const target = join(backward, path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, text);
    }
    const a = (await run(['-f', 'json', '--jobs', '2', '.'], forward)).stdout.split(forward).join('<dir>');
    const b = (await run(['-f', 'json', '--jobs', '2', '.'], backward)).stdout.split(backward).join('<dir>');
    expect(b).toBe(a);
  }, 60_000);

  it('rejects a --jobs that is not a whole number', async () => {
    const r = await run(['--jobs', 'many', '.'], project({ 'a.c': 'int x;\n' }));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--jobs many: expected a whole number/);
  });
});

describe('a rule that never returns', () => {
  const plugin = `export default {
  meta: { name: 'stuck', version: '1.0.0' },
  rules: {
    forever: {
      meta: { type: 'problem', docs: { description: 'loops on stuck.c' }, messages: { x: 'x' }, schema: [] },
      create(context) {
        return { call_expression() { if (context.filename.endsWith('stuck.c')) for (;;) {} } };
      },
    },
  },
};
`;

  it('is stopped by the per-file budget: its file gets a fatal message naming it, every other file is linted, exit 2', async () => {
    const dir = project({
      'package.json': JSON.stringify({ type: 'module' }),
      'stuck-plugin.js': plugin,
      '.ddirc.json': JSON.stringify({ root: true, extends: 'wdm/recommended', plugins: ['./stuck-plugin.js'], rules: { 'stuck/forever': 'error' } }),
      'drv/stuck.c': WDM_DRIVER,
      'drv/fine.c': WDM_DRIVER.replace(/DispatchWrite/g, 'DispatchRead'),
      'other/also-fine.c': WDM_DRIVER,
    });
    const started = Date.now();
    const r = await run(['-f', 'json', '--jobs', '1', '--max-file-time', '300', '.'], dir);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(r.code).toBe(2);
    const results = JSON.parse(r.stdout) as { filePath: string; messages: { ruleId: string | null; fatal?: boolean; message: string }[] }[];
    const of = (name: string) => results.find((x) => x.filePath.endsWith(name))!.messages;
    expect(of('stuck.c')).toEqual([
      expect.objectContaining({
        ruleId: 'stuck/forever',
        fatal: true,
        message: expect.stringMatching(/^Rule stuck\/forever did not return within the per-file budget of 300 ms on .*stuck\.c and was stopped/),
      }),
    ]);
    // The file analysed with it in the same unit, and the other unit, keep their findings.
    expect(of('fine.c').map((m) => m.ruleId)).toContain('wdm/IrqlExAllocatePool');
    expect(of('also-fine.c').map((m) => m.ruleId)).toContain('wdm/IrqlExAllocatePool');
    expect(r.stderr).toMatch(/Rule stuck\/forever did not return/);
  }, 60_000);
});

describe('a worker that cannot start', () => {
  it('is a clear internal error, exit 2', async () => {
    const { DdiLint } = await import('../src/engine.js');
    const dir = project({ 'a.c': WDM_DRIVER });
    const broken = join(dir, 'broken-worker.mjs');
    writeFileSync(broken, 'throw new Error("no such thing");\n');
    const engine = new DdiLint({ cwd: dir, jobs: 1, workerUrl: new URL(`file://${broken}`) });
    await expect(engine.lintFiles(['.'])).rejects.toThrow(/could not start an analysis worker: it failed: no such thing/);
    expect(readFileSync(join(dir, 'a.c'), 'utf8')).toBe(WDM_DRIVER);
  });
});

describe('a worker started while the files are read', () => {
  const lintWith = async (dir: string, options: Record<string, unknown>): Promise<{ debug: string[]; json: string }> => {
    const { DdiLint } = await import('../src/engine.js');
    const debug: string[] = [];
    const engine = new DdiLint({ cwd: dir, jobs: 1, ...options, debug: (line) => debug.push(line) });
    const results = await engine.lintFiles(['.']);
    return { debug: debug.filter((l) => l.startsWith('an analysis worker started')), json: JSON.stringify(results.map((r) => r.messages)) };
  };

  it('starts on a run without --cache and does the work', async () => {
    const dir = project(DRIVERS);
    const inThread = await lintWith(dir, { jobs: 0 });
    const early = await lintWith(dir, {});
    expect(early.debug).toEqual(['an analysis worker started while the files are read (no --cache)']);
    expect(early.json).toBe(inThread.json);
  }, 60_000);

  it('with --cache: starts when there is no cache yet or a file is newer than it, not on a run that reads everything back', async () => {
    const dir = project(DRIVERS);
    const cache = { cache: true, cacheLocation: join(dir, '.cache') };
    const cold = await lintWith(dir, cache);
    expect(cold.debug).toEqual(['an analysis worker started while the files are read (no cache yet)']);
    const warm = await lintWith(dir, cache);
    expect(warm.debug).toEqual([]);
    expect(warm.json).toBe(cold.json);
    // An edit, dated after the cache's last write.
    const edited = join(dir, 'wdm/read.c');
    writeFileSync(edited, WDM_DRIVER.replace('PagedPool', 'NonPagedPoolNx'));
    const later = new Date(Date.now() + 60_000);
    utimesSync(edited, later, later);
    const changed = await lintWith(dir, cache);
    expect(changed.debug).toEqual([`an analysis worker started while the files are read (${edited} changed since the cache was written)`]);
    expect(changed.json).toBe((await lintWith(dir, { jobs: 0 })).json);
    expect(changed.json).not.toBe(cold.json);
  }, 60_000);

  it('is adopted by the pool with what it reported before (its "ready" included); workers started and not needed are stopped', async () => {
    const { runInWorkers, startWorker } = await import('../src/worker-pool.js');
    const dir = project({ 'a.c': WDM_DRIVER });
    const engine = { cwd: dir };
    const first = startWorker(engine);
    const spare = startWorker(engine);
    const spareExited = new Promise<number>((resolve) => spare.worker.once('exit', resolve));
    // Loaded, and said so, before the pool takes it over.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const replayed: string[] = [];
    const watched = { ...first, adopt: () => { const events = first.adopt(); replayed.push(...events.map((e) => (e.kind === 'message' ? e.reply.type : e.kind))); return events; } };
    const [outcome] = await runInWorkers([{ files: [{ filePath: join(dir, 'a.c'), text: WDM_DRIVER }] }], { workers: 2, engine, maxFileTimeMs: 10_000, started: [watched, spare] });
    expect(replayed).toContain('ready');
    expect(outcome!.results.flatMap((r) => r.messages.map((m) => `${m.line} ${m.ruleId}`))).toEqual(expect.arrayContaining(['14 wdm/IrqlExAllocatePool']));
    expect(typeof (await spareExited)).toBe('number');
  }, 60_000);

  it('is not stopped while it loads, only once it says it is ready', async () => {
    // Terminating a worker while it loads tree-sitter's bindings could abort the whole process (2 of 3 runs of 60
    // workers stopped at random moments of their start-up, before `stopWhenLoaded`).
    const { startWorker } = await import('../src/worker-pool.js');
    const dir = project({});
    const slow = join(dir, 'slow-worker.mjs');
    writeFileSync(slow, `import { parentPort } from 'node:worker_threads';\nsetTimeout(() => parentPort.postMessage({ type: 'ready' }), 600);\nsetInterval(() => {}, 1000);\n`);
    const started = startWorker({ cwd: dir }, new URL(`file://${slow}`));
    const t0 = Date.now();
    const exited = new Promise<number>((resolve) => started.worker.once('exit', () => resolve(Date.now() - t0)));
    started.stop();
    const stillLoading = await Promise.race([exited.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 300))]);
    expect(stillLoading).toBe(true);
    expect(await exited).toBeGreaterThanOrEqual(550);
  }, 30_000);
});
