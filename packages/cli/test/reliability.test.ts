/** Hostile input and misbehaving plugins: each yields a clear notice, and the rest of the run goes on. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WDM_DRIVER, findings, project, run } from './helpers.js';

type Result = { filePath: string; messages: { ruleId: string | null; line: number; column: number; message: string; severity: number }[]; output?: string };

function byFile(stdout: string): Record<string, Result['messages']> {
  return Object.fromEntries((JSON.parse(stdout) as Result[]).map((r) => [r.filePath.split('/').pop(), r.messages]));
}

describe('hostile input', () => {
  it('a function nested 10,000 deep is skipped with a notice; the rest of the file is linted', async () => {
    const deep = `void f(int x) {\n${'if (x) {\n'.repeat(10000)}g();\n${'}\n'.repeat(10000)}}\n`;
    const dir = project({ 'deep.c': `${deep}${WDM_DRIVER}`, 'parens.c': `int f(int x) { return ${'('.repeat(10000)}x${')'.repeat(10000)}; }\n` });
    const r = await run(['-f', 'json', '.'], dir);
    const files = byFile(r.stdout);
    expect(files['deep.c'][0]).toMatchObject({ ruleId: null, severity: 1 });
    expect(files['deep.c'][0].message).toBe('Analysis incomplete: f could not be analysed (nesting too deep); the other functions were');
    expect(files['deep.c'].map((m) => m.ruleId)).toContain('wdm/IrqlExAllocatePool');
    expect(files['parens.c']).toEqual([]);
    expect(r.code).toBe(1);
  });

  it('empty files, CRLF line endings, UTF-16 and Windows-1252 sources keep exact positions', async () => {
    const dir = project({ 'empty.c': '' });
    const crlf = WDM_DRIVER.replace(/\n/g, '\r\n');
    writeFileSync(join(dir, 'crlf.c'), crlf);
    writeFileSync(join(dir, 'utf16.c'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(WDM_DRIVER, 'utf16le')]));
    writeFileSync(join(dir, 'cp1252.c'), Buffer.concat([Buffer.from('// Gr\xfc\xdfe aus M\xfcnchen \x96 r\xe9sum\xe9\n', 'latin1'), Buffer.from(WDM_DRIVER)]));
    const files = byFile((await run(['-f', 'json', '.'], dir)).stdout);
    expect(files['empty.c']).toEqual([]);
    const where = (f: string) => files[f].map((m) => `${m.line}:${m.column} ${m.ruleId}`);
    expect(where('crlf.c')).toEqual(['14:14 wdm/IrqlExAllocatePool', '17:20 wdm/UnsafeAllocatePool']);
    expect(where('utf16.c')).toEqual(['14:14 wdm/IrqlExAllocatePool', '17:20 wdm/UnsafeAllocatePool']);
    expect(where('cp1252.c')).toEqual(['15:14 wdm/IrqlExAllocatePool', '18:20 wdm/UnsafeAllocatePool']);
  });

  it('output is the same whatever the order the files are given in', async () => {
    const dir = project({ 'a.c': WDM_DRIVER, 'b/c.c': WDM_DRIVER, 'b/d.h': '#define X 1\n', 'z.c': WDM_DRIVER.replace('PagedPool', 'NonPagedPoolNx') });
    const one = (await run(['-f', 'json', 'a.c', 'b', 'z.c'], dir)).stdout;
    const two = (await run(['-f', 'json', 'z.c', 'b/d.h', 'b/c.c', 'a.c'], dir)).stdout;
    expect(two).toBe(one);
    const sarifOne = (await run(['-f', 'sarif', 'a.c', 'b', 'z.c'], dir)).stdout;
    const sarifTwo = (await run(['-f', 'sarif', 'z.c', 'b', 'a.c'], dir)).stdout;
    expect(sarifTwo).toBe(sarifOne);
  });
});

describe('misbehaving plugins', () => {
  it('a rule that throws: the run completes for the other rules and files, the crash names rule, file and place, exit 2', async () => {
    const plugin = `export default {
  meta: { name: 'bad' },
  rules: {
    boom: {
      meta: { type: 'problem', docs: { description: 'throws' }, messages: { x: 'x' }, schema: [] },
      create(context) {
        return { call_expression(node) { if (context.calleeName(node) === 'KeReleaseSpinLock') throw new Error('kaboom'); } };
      },
    },
  },
};
`;
    const dir = project({
      'package.json': JSON.stringify({ type: 'module' }),
      'bad.js': plugin,
      '.ddirc.json': JSON.stringify({ root: true, extends: 'wdm/recommended', plugins: ['./bad.js'], rules: { 'bad/boom': 'error' } }),
      'driver.c': WDM_DRIVER,
      'other.c': WDM_DRIVER,
    });
    const r = await run(['-f', 'json', '.'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`Rule bad/boom crashed while linting ${join(dir, 'driver.c')}:15:5: kaboom`);
    expect(findings(r.stdout).filter((f) => f.includes('wdm/'))).toEqual([
      'driver.c:14 wdm/IrqlExAllocatePool 2',
      'driver.c:17 wdm/UnsafeAllocatePool 1',
      'other.c:14 wdm/IrqlExAllocatePool 2',
      'other.c:17 wdm/UnsafeAllocatePool 1',
    ]);
  });
});

describe('fixes', () => {
  it('--fix-dry-run reports the fixed text without writing', async () => {
    const code = "VOID f(VOID) { PVOID p = ExAllocatePoolWithTag(PagedPool, 8, 'gaT1'); }\r\n";
    const dir = project({ 'a.c': code });
    const r = await run(['-f', 'json', '--fix-dry-run', 'a.c'], dir);
    const [result] = JSON.parse(r.stdout) as Result[];
    expect(result.output).toBe("VOID f(VOID) { PVOID p = ExAllocatePool2(POOL_FLAG_PAGED, 8, 'gaT1'); }\r\n");
    expect(readFileSync(join(dir, 'a.c'), 'utf8')).toBe(code);
  });

  it('--fix writes, keeps CRLF, leaves files with nothing to fix alone, and a second run changes nothing', async () => {
    const code = "VOID f(VOID)\r\n{\r\n    PVOID p = ExAllocatePoolWithTag(NonPagedPoolNx, 8, 'gaT1');\r\n}\r\n";
    const dir = project({ 'a.c': code, 'clean.c': 'VOID g(VOID) { }\n' });
    const before = readFileSync(join(dir, 'clean.c'));
    await run(['--fix', '.'], dir);
    const fixed = readFileSync(join(dir, 'a.c'), 'utf8');
    expect(fixed).toBe("VOID f(VOID)\r\n{\r\n    PVOID p = ExAllocatePool2(POOL_FLAG_NON_PAGED, 8, 'gaT1');\r\n}\r\n");
    expect(readFileSync(join(dir, 'clean.c'))).toEqual(before);
    await run(['--fix', '.'], dir);
    expect(readFileSync(join(dir, 'a.c'), 'utf8')).toBe(fixed);
  });
});

describe('--shard', () => {
  it('splits the files deterministically, every file in exactly one shard, with whole-program facts kept', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 12; i++) files[`drv/f${i}.c`] = `#include <ntddk.h>\nVOID Helper${i}(VOID) { PVOID p = ExAllocatePoolWithTag(PagedPool, 8, 'gaT1'); }\n`;
    // The caller holding the lock is in one file; the helpers' findings depend on it, whatever the shard.
    files['drv/caller.c'] = `#include <ntddk.h>\nDRIVER_DISPATCH Dispatch;\nNTSTATUS Dispatch(PDEVICE_OBJECT D, PIRP I) { KIRQL o; KeAcquireSpinLock(&g_Lock, &o); ${Array.from({ length: 12 }, (_, i) => `Helper${i}();`).join(' ')} KeReleaseSpinLock(&g_Lock, o); return 0; }\n`;
    const dir = project(files);
    const all = findings((await run(['-f', 'json', 'drv'], dir)).stdout).sort();
    const parts: string[][] = [];
    for (let i = 1; i <= 3; i++) parts.push(findings((await run(['-f', 'json', '--shard', `${i}/3`, 'drv'], dir)).stdout));
    expect(parts.flat().sort()).toEqual(all);
    expect(all.filter((f) => f.includes('IrqlExAllocatePool'))).toHaveLength(12);
    expect(parts.filter((p) => p.length > 0).length).toBeGreaterThan(1);
    expect(findings((await run(['-f', 'json', '--shard', '2/3', 'drv'], dir)).stdout)).toEqual(parts[1]);
    expect((await run(['--shard', '4/3', 'drv'], dir)).code).toBe(2);
  });
});

describe('per-file budgets', () => {
  it('a file over the size budget is skipped with a notice; the others are linted', async () => {
    const dir = project({ 'big.c': `/* ${'x'.repeat(5000)} */\n${WDM_DRIVER}`, 'small.c': WDM_DRIVER });
    const r = await run(['-f', 'json', '--max-file-size', '4096', '.'], dir);
    const files = byFile(r.stdout);
    expect(files['big.c']).toHaveLength(1);
    expect(files['big.c'][0].message).toMatch(/big\.c is \d+ bytes, over the per-file size budget of 4096 bytes/);
    expect(files['small.c'].map((m) => m.ruleId)).toEqual(['wdm/IrqlExAllocatePool', 'wdm/UnsafeAllocatePool']);
  });

  it('a slow rule is stopped by the time budget with a notice, and the run goes on', async () => {
    const plugin = `export default {
  meta: { name: 'slow' },
  rules: {
    crawl: {
      meta: { type: 'problem', docs: { description: 'slow' }, messages: { x: 'x' }, schema: [] },
      create() {
        return { identifier() { const end = Date.now() + 2; while (Date.now() < end) {} } };
      },
    },
  },
};
`;
    const body = Array.from({ length: 400 }, (_, i) => `int v${i} = w${i} + z${i};`).join('\n');
    const dir = project({
      'package.json': JSON.stringify({ type: 'module' }),
      'slow.js': plugin,
      '.ddirc.json': JSON.stringify({ root: true, extends: 'wdm/recommended', plugins: ['./slow.js'], rules: { 'slow/crawl': 'error' } }),
      'a.c': `void f(void) {\n${body}\n}\n`,
      'b.c': WDM_DRIVER,
    });
    const r = await run(['-f', 'json', '--max-file-time', '200', '.'], dir);
    const files = byFile(r.stdout);
    expect(files['a.c'].some((m) => /per-file budget of 200 ms/.test(m.message))).toBe(true);
    expect(files['b.c'].some((m) => m.ruleId === 'wdm/IrqlExAllocatePool')).toBe(true);
  }, 30_000);
});

describe('fixes keep the file\'s encoding', () => {
  it('UTF-16 with its mark, UTF-8 with a mark, and Windows-1252 are written back as they were read', async () => {
    const code = "VOID f(VOID) { PVOID p = ExAllocatePoolWithTag(PagedPool, 8, 'gaT1'); } // na\u00efve\r\n";
    const fixed = "VOID f(VOID) { PVOID p = ExAllocatePool2(POOL_FLAG_PAGED, 8, 'gaT1'); } // na\u00efve\r\n";
    const dir = project({});
    writeFileSync(join(dir, 'u16.c'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(code, 'utf16le')]));
    writeFileSync(join(dir, 'bom.c'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(code, 'utf8')]));
    writeFileSync(join(dir, 'cp1252.c'), Buffer.from(code, 'latin1'));
    await run(['--fix', '.'], dir);
    expect(readFileSync(join(dir, 'u16.c'))).toEqual(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(fixed, 'utf16le')]));
    expect(readFileSync(join(dir, 'bom.c'))).toEqual(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(fixed, 'utf8')]));
    expect(readFileSync(join(dir, 'cp1252.c'))).toEqual(Buffer.from(fixed, 'latin1'));
  });
});

describe('a fix that would break the parse', () => {
  it('is refused: the file is left as it was', async () => {
    const plugin = `export default {
  meta: { name: 'bad' },
  rules: {
    breaker: {
      meta: { type: 'problem', docs: { description: 'breaks' }, messages: { x: 'x' }, schema: [], fixable: 'code' },
      create(context) {
        return {
          call_expression(node) {
            context.report({ node, messageId: 'x', fix: (fixer) => fixer.insertTextAfter(node, ' ) ) {') });
          },
        };
      },
    },
  },
};
`;
    const code = 'VOID f(VOID)\n{\n    Work();\n}\n';
    const dir = project({
      'package.json': JSON.stringify({ type: 'module' }),
      'bad.js': plugin,
      '.ddirc.json': JSON.stringify({ root: true, plugins: ['./bad.js'], rules: { 'bad/breaker': 'error' } }),
      'a.c': code,
    });
    const r = await run(['--fix', '--debug', '.'], dir);
    expect(readFileSync(join(dir, 'a.c'), 'utf8')).toBe(code);
    expect(r.stderr).toMatch(/a fix would add parse errors; the file is left as it was/);
  });
});
