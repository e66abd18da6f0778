import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WDM_DRIVER, project, run } from './helpers.js';

const KMDF = '#include <ntddk.h>\n#include <wdf.h>\nVOID f(VOID) { PVOID p = ExAllocatePoolWithTag(NonPagedPoolNx, 8, \'ohcE\'); }\n';
const STORPORT_HEADER = '#include <storport.h>\n';
const STORPORT = '#include "miniport.h"\nVOID f(VOID) { KIRQL o; KeAcquireSpinLock(&g_Lock, &o); KeReleaseSpinLock(&g_Lock, o); }\n';

describe('--init', () => {
  it('writes one preset for a single driver model', async () => {
    const dir = project({ 'src/driver.c': WDM_DRIVER });
    const r = await run(['--init'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Driver models: wdm \(1 folder\)/);
    expect(JSON.parse(readFileSync(join(dir, '.ddirc.json'), 'utf8'))).toEqual({ root: true, extends: ['wdm/recommended'] });
  });

  it('writes one override per model for a tree with several, and the result lints each with its own preset', async () => {
    const dir = project({ 'wdm/driver.c': WDM_DRIVER, 'kmdf/echo.c': KMDF, 'mp/miniport.h': STORPORT_HEADER, 'mp/miniport.c': STORPORT });
    expect((await run(['--init'], dir)).code).toBe(0);
    const config = JSON.parse(readFileSync(join(dir, '.ddirc.json'), 'utf8'));
    expect(config.overrides.map((o: { files: string[]; extends: string[] }) => `${o.files.join(',')} ${o.extends.join(',')}`).sort()).toEqual([
      'kmdf/** kmdf/recommended',
      'mp/** storport/recommended',
      'wdm/** wdm/recommended',
    ]);
    const lint = JSON.parse((await run(['-f', 'json', '.'], dir)).stdout) as { filePath: string; messages: { ruleId: string }[] }[];
    const rules = Object.fromEntries(lint.map((x) => [x.filePath.slice(dir.length + 1), x.messages.map((m) => m.ruleId)]));
    expect(rules['kmdf/echo.c']).toEqual(['kmdf/UnsafeAllocatePool']);
    expect(rules['mp/miniport.c']).toEqual(['storport/HwStorPortProhibitedDDIs', 'storport/HwStorPortProhibitedDDIs']);
    expect(rules['wdm/driver.c']).toEqual(['wdm/IrqlExAllocatePool', 'wdm/UnsafeAllocatePool']);
  });

  it('refuses to overwrite a config', async () => {
    const dir = project({ 'driver.c': WDM_DRIVER, '.ddirc': '{}' });
    const r = await run(['--init'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\.ddirc already exists/);
    expect(existsSync(join(dir, '.ddirc.json'))).toBe(false);
  });
});

describe('--print-config', () => {
  it('prints the embedded default for the file\'s driver model', async () => {
    const dir = project({ 'mp/miniport.h': STORPORT_HEADER, 'mp/miniport.c': STORPORT });
    const r = await run(['--print-config', 'mp/miniport.c'], dir);
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.stdout);
    expect(printed.driverModel).toBe('storport');
    expect(printed.sources).toEqual(['embedded default storport/recommended']);
    expect(printed.rules['storport/SpNoWait']).toBe('error');
    expect(printed.rules['wdm/UnsafeAllocatePool']).toBeUndefined();
  });

  it('prints the cascade with overrides and options', async () => {
    const dir = project({
      '.ddirc.json': JSON.stringify({
        root: true,
        extends: 'wdm/recommended',
        overrides: [{ files: ['legacy/*.c'], rules: { 'wdm/UnsafeAllocatePool': ['error', { target: 'downlevel' }] } }],
      }),
      'legacy/old.c': WDM_DRIVER,
    });
    const printed = JSON.parse((await run(['--print-config', 'legacy/old.c'], dir)).stdout);
    expect(printed.rules['wdm/UnsafeAllocatePool']).toEqual(['error', { target: 'downlevel' }]);
    expect(printed.sources).toEqual([join(dir, '.ddirc.json')]);
  });
});

describe('rule options are validated against the rule schema', () => {
  it('names the file, the rule and the option', async () => {
    const dir = project({
      '.ddirc.json': JSON.stringify({ root: true, extends: 'wdm/recommended', rules: { 'wdm/UnsafeAllocatePool': ['warn', { target: 'win11' }] } }),
      'driver.c': WDM_DRIVER,
    });
    const r = await run(['driver.c'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      `ddi-lint: ${join(dir, '.ddirc.json')}: rules.wdm/UnsafeAllocatePool: invalid options: option 1.target: must be one of "win10-2004", "downlevel", got "win11"`,
    );
  });

  it('rejects options for a rule that takes none', async () => {
    const dir = project({ 'driver.c': WDM_DRIVER });
    const r = await run(['--rule', 'wdm/IrqlExAllocatePool: ["error", {"strict": true}]', 'driver.c'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--rule wdm\/IrqlExAllocatePool: invalid options: the rule takes no options, got 1/);
  });
});

describe('junit output', () => {
  it('has one failing test case per finding', async () => {
    const dir = project({ 'driver.c': WDM_DRIVER });
    const out = (await run(['-f', 'junit', 'driver.c'], dir)).stdout;
    expect(out).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<testsuites>/);
    expect(out.match(/<testcase /g)).toHaveLength(2);
    expect(out).toContain('name="driver.c:14:14 wdm/IrqlExAllocatePool"');
    expect(out).toContain('Path: driver.c:13 KeAcquireSpinLock raises the IRQL to DISPATCH_LEVEL');
  });
});
