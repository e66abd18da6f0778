import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WDM_DRIVER, project, run } from './helpers.js';

const require = createRequire(import.meta.url);

/** Microsoft's SARIF validator, shipped as a platform binary inside @microsoft/sarif-multitool. */
function validator(): string {
  const pkg = dirname(require.resolve('@microsoft/sarif-multitool/package.json'));
  const bin = join(pkg, '..', 'sarif-multitool-linux', 'Sarif.Multitool');
  if (existsSync(bin)) return bin;
  return join(dirname(require.resolve('@microsoft/sarif-multitool-linux/package.json')), 'Sarif.Multitool');
}

/** Validate a SARIF file; the tool exits 0 even on errors, so read the findings from its own SARIF log. */
function validate(file: string): string[] {
  const out = `${file}.validation.sarif`;
  execFileSync(validator(), ['validate', file, '-o', out], { stdio: 'pipe' });
  const log = JSON.parse(readFileSync(out, 'utf8')) as { runs: { results?: { ruleId: string; level?: string; message: { id?: string; arguments?: string[] } }[] }[] };
  return (log.runs[0].results ?? [])
    .filter((r) => r.level === 'error' || r.level === 'warning' || r.level === undefined)
    .map((r) => `${r.ruleId} ${r.level ?? 'warning'} ${r.message.id ?? ''} ${(r.message.arguments ?? []).join(' | ')}`);
}

const CROSS_FILE = {
  'src/dispatch.c': `#include <ntddk.h>
DRIVER_DISPATCH DispatchWrite;
VOID StageBuffer(PDEVICE_EXTENSION Extension);
_Use_decl_annotations_
NTSTATUS DispatchWrite(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PDEVICE_EXTENSION ext = DeviceObject->DeviceExtension;
    KLOCK_QUEUE_HANDLE handle;
    KeAcquireInStackQueuedSpinLock(&ext->Lock, &handle);
    StageBuffer(ext);
    KeReleaseInStackQueuedSpinLock(&handle);
    UNREFERENCED_PARAMETER(Irp);
    return STATUS_SUCCESS;
}
`,
  'src/stage.c': `#include <ntddk.h>
VOID StageBuffer(PDEVICE_EXTENSION Extension)
{
    Extension->Stage = ExAllocatePoolWithTag(PagedPool, PAGE_SIZE, 'gtsS');
}
`,
  'src/with space.c': WDM_DRIVER,
};

describe('SARIF output', () => {
  it('passes Microsoft\'s SARIF validator, with codeFlows for the IRQL path', async () => {
    const dir = project(CROSS_FILE);
    const r = await run(['-f', 'sarif', '-o', 'report.sarif', 'src'], dir);
    expect(r.code).toBe(1);
    const file = join(dir, 'report.sarif');
    const log = JSON.parse(readFileSync(file, 'utf8'));
    const run0 = log.runs[0];
    expect(log.version).toBe('2.1.0');
    expect(run0.tool.driver.rules.map((x: { id: string }) => x.id)).toEqual(['wdm/IrqlExAllocatePool', 'wdm/UnsafeAllocatePool']);
    expect(run0.tool.driver.rules[0].helpUri).toMatch(/^https:\/\/.*IrqlExAllocatePool\.md$/);
    const irql = run0.results.find((x: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) =>
      x.ruleId === 'wdm/IrqlExAllocatePool' && x.locations[0].physicalLocation.artifactLocation.uri === 'src/stage.c');
    expect(irql.level).toBe('error');
    expect(irql.locations[0].physicalLocation.region).toMatchObject({ startLine: 4, startColumn: 24 });
    const flow = irql.codeFlows[0].threadFlows[0].locations.map(
      (l: { location: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } }; message: { text: string } } }) =>
        `${l.location.physicalLocation.artifactLocation.uri}:${l.location.physicalLocation.region.startLine} ${l.location.message.text}`,
    );
    expect(flow[0]).toBe('src/dispatch.c:9 KeAcquireInStackQueuedSpinLock raises the IRQL to DISPATCH_LEVEL');
    expect(flow[1]).toBe('src/dispatch.c:10 DispatchWrite calls StageBuffer at DISPATCH_LEVEL');
    expect(flow[2]).toMatch(/^src\/stage\.c:4 ExAllocatePoolWithTag allocates paged pool/);
    expect(run0.results.some((x: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) =>
      x.locations[0].physicalLocation.artifactLocation.uri === 'src/with%20space.c')).toBe(true);
    expect(validate(file)).toEqual([]);
  });

  it('reports unreadable inputs as tool notifications and still validates', async () => {
    const dir = project({ 'a.c': WDM_DRIVER, 'b.c': '\u0000binary' });
    await run(['-f', 'sarif', '-o', 'r.sarif', '.'], dir);
    const file = join(dir, 'r.sarif');
    const log = JSON.parse(readFileSync(file, 'utf8'));
    expect(log.runs[0].invocations[0].executionSuccessful).toBe(false);
    expect(log.runs[0].invocations[0].toolExecutionNotifications[0].message.text).toMatch(/b\.c looks like a binary file/);
    expect(validate(file)).toEqual([]);
  });

  it('keeps suppressed findings as inSource suppressions, and still validates', async () => {
    const dir = project({
      'a.c': WDM_DRIVER.replace('    ext->Scratch =', '    // ddi-lint-disable-next-line wdm/UnsafeAllocatePool -- legacy path, tracked in BUG-12\n    ext->Scratch ='),
    });
    await run(['-f', 'sarif', '-o', 'r.sarif', '.'], dir);
    const file = join(dir, 'r.sarif');
    const results = JSON.parse(readFileSync(file, 'utf8')).runs[0].results as { ruleId: string; suppressions?: { kind: string; justification?: string }[] }[];
    const suppressed = results.filter((x) => x.suppressions);
    expect(suppressed.map((x) => x.ruleId)).toEqual(['wdm/UnsafeAllocatePool']);
    expect(suppressed[0].suppressions).toEqual([{ kind: 'inSource', justification: 'legacy path, tracked in BUG-12' }]);
    expect(validate(file)).toEqual([]);
  });

  it('the validator does catch a broken log (the check can fail)', async () => {
    const dir = project({ 'a.c': WDM_DRIVER });
    await run(['-f', 'sarif', '-o', 'r.sarif', '.'], dir);
    const file = join(dir, 'r.sarif');
    const log = JSON.parse(readFileSync(file, 'utf8'));
    log.runs[0].results[0].ruleIndex = 42;
    require('node:fs').writeFileSync(file, JSON.stringify(log));
    expect(validate(file).join('\n')).toMatch(/SARIF1009/);
  });
});

describe('SARIF for every rule', () => {
  it('the ❌ examples of every rule doc, linted together, give a log that passes the validator with each rule present', async () => {
    const { examplesOf } = await import('./doc-examples.js');
    const { BUNDLED_PLUGINS } = await import('../src/config/plugins.js');
    const { readdirSync } = await import('node:fs');
    const docsRoot = join(dirname(require.resolve('../package.json')), '../../docs/rules');
    const files: Record<string, string> = {};
    const rules: Record<string, string> = {};
    for (const plugin of readdirSync(docsRoot)) {
      for (const doc of readdirSync(join(docsRoot, plugin))) {
        const rule = doc.replace(/\.md$/, '');
        if (!(BUNDLED_PLUGINS as Record<string, { rules: Record<string, unknown> }>)[plugin]?.rules[rule]) continue;
        rules[`${plugin}/${rule}`] = 'error';
        examplesOf(readFileSync(join(docsRoot, plugin, doc), 'utf8'))
          .filter((e) => e.kind === 'incorrect')
          .forEach((e, i) => (files[`${plugin}/${rule}/example${i}.c`] = e.code));
      }
    }
    const dir = project({ ...files, '.ddirc.json': JSON.stringify({ root: true, plugins: ['wdm', 'kmdf', 'storport'], rules }) });
    await run(['-f', 'sarif', '-o', 'all.sarif', '.'], dir);
    const file = join(dir, 'all.sarif');
    const log = JSON.parse(readFileSync(file, 'utf8'));
    const reported = new Set(log.runs[0].results.map((r: { ruleId: string }) => r.ruleId));
    for (const id of Object.keys(rules)) expect(reported.has(id), `${id} reported`).toBe(true);
    expect(log.runs[0].results.some((r: { codeFlows?: unknown[] }) => r.codeFlows?.length)).toBe(true);
    expect(log.runs[0].results.some((r: { fixes?: unknown[] }) => r.fixes?.length)).toBe(true);
    expect(validate(file)).toEqual([]);
  }, 60_000);
});
