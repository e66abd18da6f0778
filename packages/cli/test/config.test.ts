import { describe, expect, it } from 'vitest';
import { WDM_DRIVER, findings, project, run } from './helpers.js';

// Every config form turns the deprecated-allocator rule off and keeps the IRQL rule: only the paged allocation
// under the spin lock (line 14) may be reported.
const CONFIG_OBJECT = { root: true, extends: ['wdm/recommended'], rules: { 'wdm/UnsafeAllocatePool': 'off' } };
const YAML = `root: true\nextends:\n  - wdm/recommended\nrules:\n  wdm/UnsafeAllocatePool: "off"\n`;
const JSON_TEXT = JSON.stringify(CONFIG_OBJECT, null, 2);
const EXPECTED = ['driver.c:14 wdm/IrqlExAllocatePool 2'];

describe('config file forms', () => {
  const forms: [string, string][] = [
    ['.ddirc (JSON)', JSON_TEXT],
    ['.ddirc (YAML)', YAML],
    ['.ddirc.json', JSON_TEXT],
    ['.ddirc.yaml', YAML],
    ['.ddirc.yml', YAML],
    ['.ddirc.js', `export default ${JSON_TEXT};\n`],
    ['.ddirc.cjs', `module.exports = ${JSON_TEXT};\n`],
    ['.ddirc.mjs', `export default ${JSON_TEXT};\n`],
    ['ddi.config.js', `export default ${JSON_TEXT};\n`],
    ['ddi.config.cjs', `module.exports = ${JSON_TEXT};\n`],
    ['ddi.config.mjs', `export default ${JSON_TEXT};\n`],
    ['package.json', JSON.stringify({ name: 'drv', type: 'module', ddi: CONFIG_OBJECT })],
  ];
  for (const [label, content] of forms) {
    it(`loads ${label}`, async () => {
      const name = label.split(' ')[0];
      const files: Record<string, string> = { 'src/driver.c': WDM_DRIVER, [name]: content };
      if (name.endsWith('.js')) files['package.json'] = JSON.stringify({ type: 'module' });
      const dir = project(files);
      const r = await run(['-f', 'json', 'src'], dir);
      expect(r.stderr).toBe('');
      expect(findings(r.stdout)).toEqual(EXPECTED);
      expect(r.code).toBe(1);
    });
  }

  it('without any config uses the embedded default for the driver model', async () => {
    const dir = project({ 'driver.c': WDM_DRIVER });
    const r = await run(['-f', 'json', '--debug', '.'], dir);
    expect(findings(r.stdout)).toEqual(['driver.c:14 wdm/IrqlExAllocatePool 2', 'driver.c:17 wdm/UnsafeAllocatePool 1']);
    expect(r.stderr).toMatch(/driver model wdm; no config file found, embedded default wdm\/recommended/);
    // Which front end parsed (the addon is built on this repository's machines).
    expect(r.stderr).toMatch(process.env.DDI_LINT_NATIVE === '0' ? /front end: JavaScript copy/ : /front end: native addon/);
  });

  it('picks the StorPort and KMDF presets from includes, also through a project header', async () => {
    const dir = project({
      'mp/miniport.h': '#include <storport.h>\n',
      'mp/miniport.c': '#include "miniport.h"\nvoid f(void) { ExAllocatePool(NonPagedPoolNx, 8); }\n',
      'kmdf/echo.c': '#include <ntddk.h>\n#include <wdf.h>\nvoid f(void) { ExAllocatePool(NonPagedPoolNx, 8); }\n',
    });
    const r = await run(['-f', 'json', '--debug', '.'], dir);
    expect(r.stderr).toMatch(/miniport\.c: driver model storport; no config file found, embedded default storport\/recommended/);
    expect(r.stderr).toMatch(/echo\.c: driver model kmdf; no config file found, embedded default kmdf\/recommended/);
    expect(findings(r.stdout)).toEqual(['echo.c:3 kmdf/UnsafeAllocatePool 1', 'miniport.c:2 storport/HwStorPortProhibitedDDIs 2']);
  });

  it('gives user-mode code (a UMDF 2 driver, a test application) no kernel rules; a source shared with a kernel build stays kernel', async () => {
    // A UMDF 2 queue callback: PAGED_CODE and a WDF spin lock mean nothing about IRQL in user mode.
    const umdfBody = `VOID EvtIoDeviceControl(WDFQUEUE Queue, WDFREQUEST Request, size_t Out, size_t In, ULONG Code)
{
    PDEVICE_CONTEXT ctx = GetDeviceContext(WdfIoQueueGetDevice(Queue));
    WdfSpinLockAcquire(ctx->Lock);
    ResetDevice(ctx);
    WdfSpinLockRelease(ctx->Lock);
}

_IRQL_requires_(PASSIVE_LEVEL)
VOID ResetDevice(PDEVICE_CONTEXT ctx)
{
    PAGED_CODE();
    UNREFERENCED_PARAMETER(ctx);
}
`;
    const dir = project({
      'umdf/driver.h': '#include <windows.h>\n#include <wdf.h>\nEVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL EvtIoDeviceControl;\n',
      'umdf/ioctl.c': `#include "driver.h"\n${umdfBody}`,
      'app/testapp.c': '#include <windows.h>\nint main(void) { return 0; }\n',
      'shared/ioctl.c': `#ifdef _KERNEL_MODE\n#include <ntddk.h>\n#else\n#include <windows.h>\n#endif\n#include <wdf.h>\nEVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL EvtIoDeviceControl;\n${umdfBody}`,
    });
    const r = await run(['-f', 'json', '--debug', '.'], dir);
    expect(r.stderr).toMatch(/umdf\/ioctl\.c: driver model user; no config file found, embedded default wdm\/user-mode/);
    expect(r.stderr).toMatch(/app\/testapp\.c: driver model user;/);
    expect(r.stderr).toMatch(/shared\/ioctl\.c: driver model kmdf;/);
    const found = findings(r.stdout);
    expect(found.filter((f) => f.startsWith('ioctl.c'))).toEqual(['ioctl.c:12 wdm/IrqlTooHigh 2']);
    expect(JSON.parse(r.stdout).filter((x: { filePath: string; messages: unknown[] }) => x.filePath.includes('umdf') && x.messages.length)).toEqual([]);
  });

  it('cascades from the file up to root: true, nearer configs winning', async () => {
    const dir = project({
      '.ddirc.json': JSON.stringify({ root: true, extends: 'wdm/all' }),
      'sub/.ddirc.json': JSON.stringify({ rules: { 'wdm/IrqlExAllocatePool': 'warn' } }),
      'sub/driver.c': WDM_DRIVER,
      'other/driver.c': WDM_DRIVER,
    });
    const r = await run(['-f', 'json', '.'], dir);
    expect(findings(r.stdout)).toEqual([
      'driver.c:14 wdm/IrqlExAllocatePool 2',
      'driver.c:17 wdm/UnsafeAllocatePool 2',
      'driver.c:14 wdm/IrqlExAllocatePool 1',
      'driver.c:17 wdm/UnsafeAllocatePool 2',
    ]);
  });

  it('stops at root: true', async () => {
    const dir = project({
      '.ddirc.json': JSON.stringify({ rules: { 'wdm/NoSuchRule': 'error' } }),
      'drv/.ddirc.json': JSON.stringify({ root: true, extends: 'wdm/recommended' }),
      'drv/driver.c': WDM_DRIVER,
    });
    const r = await run(['-f', 'json', 'drv'], dir);
    expect(r.code).toBe(1);
    expect(findings(r.stdout)).toHaveLength(2);
  });

  it('applies extends by path and overrides by glob', async () => {
    const dir = project({
      'configs/base.yaml': 'extends: wdm/recommended\n',
      '.ddirc': JSON.stringify({
        root: true,
        extends: './configs/base.yaml',
        overrides: [{ files: ['legacy/**/*.c'], rules: { 'wdm/UnsafeAllocatePool': 'off' } }],
      }),
      'legacy/old/driver.c': WDM_DRIVER,
      'new/driver.c': WDM_DRIVER,
    });
    const r = await run(['-f', 'json', '.'], dir);
    expect(findings(r.stdout)).toEqual([
      'driver.c:14 wdm/IrqlExAllocatePool 2',
      'driver.c:14 wdm/IrqlExAllocatePool 2',
      'driver.c:17 wdm/UnsafeAllocatePool 1',
    ]);
  });

  it('honours ignorePatterns and skips node_modules', async () => {
    const dir = project({
      '.ddirc.json': JSON.stringify({ root: true, extends: 'wdm/recommended', ignorePatterns: ['generated/'] }),
      'generated/driver.c': WDM_DRIVER,
      'node_modules/pkg/driver.c': WDM_DRIVER,
      'src/driver.c': WDM_DRIVER,
    });
    const r = await run(['-f', 'json', '.'], dir);
    const files = (JSON.parse(r.stdout) as { filePath: string }[]).map((x) => x.filePath.slice(dir.length + 1));
    expect(files).toEqual(['src/driver.c']);
  });

  it('-c replaces the lookup and --no-config-lookup ignores config files', async () => {
    const dir = project({
      '.ddirc.json': JSON.stringify({ root: true, rules: { 'wdm/UnsafeAllocatePool': 'off' }, plugins: ['wdm'] }),
      'strict.json': JSON.stringify({ extends: 'wdm/all' }),
      'driver.c': WDM_DRIVER,
    });
    expect(findings((await run(['-f', 'json', 'driver.c'], dir)).stdout)).toEqual([]);
    expect(findings((await run(['-f', 'json', '-c', 'strict.json', 'driver.c'], dir)).stdout)).toHaveLength(2);
    expect(findings((await run(['-f', 'json', '--no-config-lookup', 'driver.c'], dir)).stdout)).toHaveLength(2);
  });

  it('loads a local plugin by relative path and runs its rules', async () => {
    const plugin = `export default {
  meta: { name: 'acme' },
  rules: {
    'no-untagged-pool': {
      meta: { type: 'problem', docs: { description: 'tag' }, messages: { untagged: '{{name}} has no tag.' }, schema: [] },
      create(context) {
        return {
          call_expression(node) {
            const name = context.calleeName(node);
            if (name === 'ExAllocatePool') context.report({ node, messageId: 'untagged', data: { name } });
          },
        };
      },
    },
  },
};
`;
    const dir = project({
      'package.json': JSON.stringify({ type: 'module' }),
      'tools/acme-plugin.js': plugin,
      '.ddirc.json': JSON.stringify({ root: true, plugins: ['./tools/acme-plugin.js'], rules: { 'acme/no-untagged-pool': 'error' } }),
      'driver.c': 'void f(void) { PVOID p = ExAllocatePool(NonPagedPoolNx, 16); }\n',
    });
    const r = await run(['-f', 'json', '.'], dir);
    expect(r.stderr).toBe('');
    expect(findings(r.stdout)).toEqual(['driver.c:1 acme/no-untagged-pool 2']);
  });
});

describe('config errors exit 2 with one precise line', () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ['an unknown rule', { '.ddirc.json': JSON.stringify({ root: true, extends: 'wdm/recommended', rules: { 'wdm/IrqlExAlocatePool': 'error' } }) }, /\.ddirc\.json: rules\.wdm\/IrqlExAlocatePool: plugin "wdm" has no rule "IrqlExAlocatePool"/],
    ['a rule of a plugin not loaded', { '.ddirc.json': JSON.stringify({ root: true, rules: { 'kmdf/UnsafeAllocatePool': 'error' } }) }, /rules\.kmdf\/UnsafeAllocatePool: definition for rule "kmdf\/UnsafeAllocatePool" was not found: plugin "kmdf" is not loaded/],
    ['a bad severity', { '.ddirc.json': JSON.stringify({ root: true, plugins: ['wdm'], rules: { 'wdm/UnsafeAllocatePool': 'fatal' } }) }, /\.ddirc\.json: rules\.wdm\/UnsafeAllocatePool: invalid severity "fatal"/],
    ['invalid JSON', { '.ddirc.json': '{ "root": true,\n  "rules": { "wdm/UnsafeAllocatePool": "off", }\n' }, /\.ddirc\.json/],
    ['invalid YAML', { '.ddirc.yaml': 'root: true\nrules:\n  - : [\n' }, /\.ddirc\.yaml/],
    ['an unknown plugin', { '.ddirc.json': JSON.stringify({ root: true, plugins: ['nosuchvendor'] }) }, /\.ddirc\.json: plugins\[0\]: plugin "nosuchvendor" could not be found/],
    ['an unknown preset', { '.ddirc.json': JSON.stringify({ root: true, extends: 'wdm/strictest' }) }, /extends\[0\]: plugin "wdm" has no config "strictest"/],
    ['an unknown top-level key', { '.ddirc.json': JSON.stringify({ root: true, rulez: {} }) }, /\.ddirc\.json: rulez: unexpected top-level property "rulez"/],
    ['circular extends', { '.ddirc.json': JSON.stringify({ root: true, extends: './a.json' }), 'a.json': JSON.stringify({ extends: './b.json' }), 'b.json': JSON.stringify({ extends: './a.json' }) }, /extends: circular "extends": .*a\.json → .*b\.json → .*a\.json/],
  ];
  for (const [label, files, pattern] of cases) {
    it(label, async () => {
      const dir = project({ ...files, 'driver.c': WDM_DRIVER });
      const r = await run(['driver.c'], dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(pattern);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stdout).toBe('');
    });
  }

  it('reports line and column of a JSON syntax error', async () => {
    const dir = project({ '.ddirc.json': '{\n  "root": true,\n  "rules": { oops }\n}\n', 'driver.c': WDM_DRIVER });
    const r = await run(['driver.c'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/line 3|3:\d+|\(3,/i);
  });

  it('an unknown --rule is exit 2 naming the option', async () => {
    const dir = project({ 'driver.c': WDM_DRIVER });
    const r = await run(['--rule', 'wdm/Nope: error', 'driver.c'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--rule wdm\/Nope: plugin "wdm" has no rule "Nope"/);
  });
});
