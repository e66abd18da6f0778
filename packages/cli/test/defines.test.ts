/** `-D NAME[=VALUE]` and `settings.defines` pick the `#if` branches inside functions. */
import { describe, expect, it } from 'vitest';
import { findings, project, run } from './helpers.js';

const FLUSH = `#include <wdm.h>

typedef struct _DEV_EXTENSION { KSPIN_LOCK Lock; HANDLE Log; } DEV_EXTENSION, *PDEV_EXTENSION;

_IRQL_requires_(PASSIVE_LEVEL)
VOID
DevFlush(
    _Inout_ PDEV_EXTENSION Ext
    )
{
    KIRQL oldIrql;
#if DBG_SPIN_LOCK
    KeAcquireSpinLock(&Ext->Lock, &oldIrql);
#endif
    ZwClose(Ext->Log);
#if DBG_SPIN_LOCK
    KeReleaseSpinLock(&Ext->Lock, oldIrql);
#endif
#if 0
    KeRaiseIrql(DISPATCH_LEVEL, &oldIrql);
#endif
    ZwClose(Ext->Log);
}
`;

describe('build defines', () => {
  it('without them, an #if on an unknown name is an alternative path', async () => {
    const r = await run(['-f', 'json', '.'], project({ 'flush.c': FLUSH }));
    expect(findings(r.stdout)).toEqual(['flush.c:15 wdm/IrqlTooHigh 2']);
  });

  it('-D NAME=0 drops the branch, -D NAME keeps it; #if 0 is never analysed', async () => {
    const dir = project({ 'flush.c': FLUSH });
    expect(findings((await run(['-f', 'json', '-D', 'DBG_SPIN_LOCK=0', '.'], dir)).stdout)).toEqual([]);
    expect(findings((await run(['-f', 'json', '-D', 'DBG_SPIN_LOCK', '.'], dir)).stdout)).toEqual(['flush.c:15 wdm/IrqlTooHigh 2']);
  });

  it('settings.defines in the config does the same; null says the build does not define it', async () => {
    const dir = project({
      'flush.c': FLUSH,
      '.ddirc.json': JSON.stringify({ root: true, extends: 'wdm/recommended', settings: { defines: { DBG_SPIN_LOCK: null } } }),
    });
    expect(findings((await run(['-f', 'json', '.'], dir)).stdout)).toEqual([]);
  });

  it('rejects a malformed -D and a malformed settings.defines with one line', async () => {
    const bad = await run(['-D', '1X=2', '.'], project({ 'flush.c': FLUSH }));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/-D 1X=2: expected NAME or NAME=VALUE/);
    const dir = project({ 'flush.c': FLUSH, '.ddirc.json': JSON.stringify({ root: true, extends: 'wdm/recommended', settings: { defines: ['DBG'] } }) });
    const r = await run(['.'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/settings\.defines: expected an object of macro names to values/);
  });
});
