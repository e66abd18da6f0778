import { chmodSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WDM_DRIVER, findings, project, run } from './helpers.js';

const MICROSOFT_EXAMPLE = {
  'read.c': `#include <ntddk.h>
#include "helpers.h"

DRIVER_DISPATCH DispatchRead;

_Use_decl_annotations_
NTSTATUS
DispatchRead(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PDEVICE_EXTENSION ext = DeviceObject->DeviceExtension;
    KIRQL oldIrql;

    KeAcquireSpinLock(&ext->Lock, &oldIrql);
    FillLookaside(ext, 512);
    KeReleaseSpinLock(&ext->Lock, oldIrql);
    UNREFERENCED_PARAMETER(Irp);
    return STATUS_SUCCESS;
}
`,
  'helpers.h': 'VOID FillLookaside(PDEVICE_EXTENSION Extension, SIZE_T Size);\n',
  'helpers.c': `#include <ntddk.h>
#include "helpers.h"

VOID
FillLookaside(PDEVICE_EXTENSION Extension, SIZE_T Size)
{
    Extension->Lookaside = ExAllocatePool(PagedPool, Size);
}
`,
};

describe('ddi-lint command line', () => {
  it('reports Microsoft\'s IrqlExAllocatePool example at the allocation, across files, with the path', async () => {
    const dir = project(MICROSOFT_EXAMPLE);
    const r = await run(['.'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('helpers.c');
    expect(r.stdout).toMatch(/7:28\s+error\s+ExAllocatePool allocates paged pool \(PagedPool\) where the code runs at DISPATCH_LEVEL.*wdm\/IrqlExAllocatePool/);
    expect(r.stdout).toMatch(/path: read\.c:13 +KeAcquireSpinLock raises the IRQL to DISPATCH_LEVEL/);
    expect(r.stdout).toMatch(/read\.c:14 +DispatchRead calls FillLookaside at DISPATCH_LEVEL/);
    expect(r.stdout).toMatch(/✖ 2 problems \(1 error, 1 warning\)/);

    const json = JSON.parse((await run(['-f', 'json', '.'], dir)).stdout);
    const helpers = json.find((x: { filePath: string }) => x.filePath.endsWith('helpers.c'));
    const finding = helpers.messages.find((m: { ruleId: string }) => m.ruleId === 'wdm/IrqlExAllocatePool');
    expect(finding).toMatchObject({ line: 7, column: 28, severity: 2, basis: 'proven', messageId: 'pagedAtDispatch' });
    expect(finding.trace.map((t: { filePath: string; line: number }) => `${t.filePath.split('/').pop()}:${t.line}`)).toEqual(['read.c:13', 'read.c:14']);
  });

  it('json output has ESLint\'s result shape', async () => {
    const dir = project({ 'driver.c': WDM_DRIVER });
    const [result] = JSON.parse((await run(['-f', 'json', 'driver.c'], dir)).stdout);
    expect(Object.keys(result).sort()).toEqual(
      ['errorCount', 'fatalErrorCount', 'filePath', 'fixableErrorCount', 'fixableWarningCount', 'messages', 'suppressedMessages', 'usedDeprecatedRules', 'warningCount'].sort(),
    );
    expect(result.filePath).toBe(join(dir, 'driver.c'));
    for (const m of result.messages) {
      expect(m).toEqual(expect.objectContaining({ ruleId: expect.any(String), severity: expect.any(Number), message: expect.any(String), line: expect.any(Number), column: expect.any(Number), endLine: expect.any(Number), endColumn: expect.any(Number) }));
    }
    expect(result.errorCount).toBe(1);
    expect(result.warningCount).toBe(1);
  });

  it('exit codes: 0 clean, 1 errors, --max-warnings, 2 bad usage', async () => {
    const clean = project({ 'ok.c': 'VOID f(VOID) { PVOID p = ExAllocatePool2(POOL_FLAG_NON_PAGED, 8, \'kooT\'); }\n' });
    expect((await run(['ok.c'], clean)).code).toBe(0);
    const warnOnly = project({ 'w.c': 'VOID f(VOID) { PVOID p = ExAllocatePoolWithTag(NonPagedPoolNx, 8, \'kooT\'); }\n' });
    expect((await run(['w.c'], warnOnly)).code).toBe(0);
    const tooMany = await run(['--max-warnings', '0', 'w.c'], warnOnly);
    expect(tooMany.code).toBe(1);
    expect(tooMany.stderr).toMatch(/too many warnings \(maximum: 0\)/);
    expect((await run(['w.c', '--quiet', '-f', 'json'], warnOnly)).stdout).toContain('"messages":[]');
    const missing = await run(['nope.c'], clean);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/No files matching the pattern "nope\.c" were found/);
    const badOption = await run(['--frobnicate'], clean);
    expect(badOption.code).toBe(2);
    const badFormat = await run(['-f', 'xml', 'ok.c'], clean);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toMatch(/unknown formatter "xml"/);
  });

  it('writes the report with -o and prints help and version', async () => {
    const dir = project({ 'driver.c': WDM_DRIVER });
    const r = await run(['-f', 'json', '-o', 'out/report.json', 'driver.c'], dir);
    expect(r.stdout).toBe('');
    expect(JSON.parse(readFileSync(join(dir, 'out/report.json'), 'utf8'))).toHaveLength(1);
    expect((await run(['--help'], dir)).stdout).toMatch(/^ddi-lint \[options\]/);
    expect((await run(['--version'], dir)).stdout).toMatch(/^v\d+\.\d+\.\d+/);
  });

  it('github format emits workflow annotations', async () => {
    const dir = project({ 'driver.c': WDM_DRIVER });
    const lines = (await run(['-f', 'github', 'driver.c'], dir)).stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^::error file=driver\.c,line=14,col=14,endLine=14,endColumn=59,title=wdm\/IrqlExAllocatePool::ExAllocatePool2 allocates paged pool/);
    expect(lines[0]).toContain('Path: driver.c:13 KeAcquireSpinLock raises the IRQL to DISPATCH_LEVEL');
    expect(lines[1]).toMatch(/^::warning file=driver\.c,line=17,.*title=wdm\/UnsafeAllocatePool::/);
  });

  it('lints globs, and directories through symbolic-link loops', async () => {
    const dir = project({ 'src/a.c': WDM_DRIVER, 'src/deep/b.c': WDM_DRIVER, 'src/c.h': '#define X 1\n', 'src/readme.txt': 'x' });
    symlinkSync(join(dir, 'src'), join(dir, 'src/deep/loop'));
    const r = await run(['-f', 'json', 'src/**/*.c'], dir);
    const files = (JSON.parse(r.stdout) as { filePath: string }[]).map((x) => x.filePath.slice(dir.length + 1));
    expect(files).toEqual(['src/a.c', 'src/deep/b.c']);
    const all = await run(['-f', 'json', 'src'], dir);
    expect((JSON.parse(all.stdout) as unknown[]).length).toBe(3);
  });

  it('keeps going past unreadable and binary files, naming them', async () => {
    const dir = project({ 'good.c': WDM_DRIVER, 'blob.c': '\u0000\u0001\u0002binary', 'locked.c': WDM_DRIVER });
    chmodSync(join(dir, 'locked.c'), 0o000);
    mkdirSync(join(dir, 'dir.c'));
    const r = await run(['-f', 'json', '.'], dir);
    const results = JSON.parse(r.stdout) as { filePath: string; messages: { ruleId: string | null; message: string; fatal?: boolean }[] }[];
    const byName = Object.fromEntries(results.map((x) => [x.filePath.split('/').pop(), x.messages]));
    expect(byName['blob.c'][0]).toMatchObject({ ruleId: null, fatal: true });
    expect(byName['blob.c'][0].message).toMatch(/blob\.c looks like a binary file/);
    expect(byName['good.c'].map((m) => m.ruleId)).toEqual(['wdm/IrqlExAllocatePool', 'wdm/UnsafeAllocatePool']);
    if (process.getuid?.() !== 0) expect(byName['locked.c'][0].message).toMatch(/permission denied/);
    expect(r.code).toBe(1);
  });
});

describe('custom formatters', () => {
  it('loads a formatter module by path, giving it the results and the rules\' meta', async () => {
    const dir = project({
      'package.json': JSON.stringify({ type: 'module' }),
      'tools/count.js': `export default (results, context) =>
  results.map((r) => r.filePath.split('/').pop() + ': ' + r.messages.map((m) => m.ruleId + ' (' + context.rulesMeta[m.ruleId].type + ')').join(', ')).join('\\n');
`,
      'driver.c': WDM_DRIVER,
    });
    const r = await run(['-f', './tools/count.js', 'driver.c'], dir);
    expect(r.stdout.trim()).toBe('driver.c: wdm/IrqlExAllocatePool (problem), wdm/UnsafeAllocatePool (problem)');
    expect(r.code).toBe(1);
  });
});
