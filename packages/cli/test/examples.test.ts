/**
 * The bundled example drivers, linted as the README's quick start does (no config: the embedded default per
 * driver model). Every intended defect is reported, and nothing else: the correct code around them stays silent.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from './helpers.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');

describe('examples/', () => {
  it('reports exactly the documented defects', async () => {
    const r = await run(['-f', 'json', 'examples'], ROOT);
    const results = JSON.parse(r.stdout) as { filePath: string; messages: { line: number; ruleId: string; severity: number; basis?: string }[] }[];
    const found = results.flatMap((x) =>
      x.messages.map((m) => `${x.filePath.split('examples/')[1]}:${m.line} ${m.ruleId}${m.basis ? ` (${m.basis})` : ''}`),
    );
    expect(found).toEqual([
      'kmdf-echo/driver.c:76 kmdf/UnsafeAllocatePool',
      'kmdf-echo/queue.c:109 wdm/IrqlExAllocatePool (proven)',
      'kmdf-echo/queue.c:122 wdm/IrqlExFree3 (contract)',
      'storport-miniport/io.c:84 storport/HwStorPortProhibitedDDIs',
      'storport-miniport/io.c:84 storport/SpNoWait (proven)',
      'storport-miniport/io.c:84 wdm/IrqlExAllocatePool (contract)',
      'storport-miniport/io.c:262 storport/HwStorPortProhibitedDDIs',
      'storport-miniport/io.c:262 storport/SpNoWait (proven)',
      'storport-miniport/io.c:275 storport/SpNoWait (proven)',
      'wdm-ramdisk/driver.c:33 wdm/UnsafeAllocatePool',
      'wdm-ramdisk/driver.c:112 wdm/UnsafeAllocatePool',
      'wdm-ramdisk/driver.c:281 wdm/IrqlExAllocatePool (proven)',
      'wdm-ramdisk/driver.c:281 wdm/UnsafeAllocatePool',
      'wdm-ramdisk/io.c:255 wdm/IrqlExAllocatePool (contract)',
      'wdm-ramdisk/io.c:263 wdm/IrqlExFree3 (contract)',
    ]);
    expect(r.code).toBe(1);
  });

  it('prints the summary line the README quotes', async () => {
    const r = await run(['examples'], ROOT);
    expect(r.stdout).toMatch(/✖ 15 problems \(11 errors, 4 warnings\)/);
  });
});
