import { describe, expect, it } from 'vitest';
import { parseSource } from '../frontend/parser.js';
import { buildCfg } from './cfg.js';
import { buildFileModel } from './file-model.js';
import { branchTaken, defineLookup, evaluateCondition } from './preprocessor.js';

const lookup = defineLookup({ DBG: '1', NDIS_SUPPORT_NDIS6: '1', WIN9X: null, NTDDI_VERSION: '0x0A000000' }, new Map([['MAX_QUEUES', '4']]));

describe('#if conditions', () => {
  it('evaluates defined(), known values and arithmetic; a name known undefined is 0', () => {
    expect(evaluateCondition('DBG', lookup)).toBe(true);
    expect(evaluateCondition('defined(WIN9X)', lookup)).toBe(false);
    expect(evaluateCondition('!defined WIN9X && NDIS_SUPPORT_NDIS6', lookup)).toBe(true);
    expect(evaluateCondition('NTDDI_VERSION >= 0x06010000', lookup)).toBe(true);
    expect(evaluateCondition('MAX_QUEUES > 8 /* file #define */', lookup)).toBe(false);
    expect(evaluateCondition('WIN9X', lookup)).toBe(false);
    expect(evaluateCondition('0', lookup)).toBe(false);
    expect(evaluateCondition('(1)', lookup)).toBe(true);
  });

  it('leaves a condition on a name the build may define unknown', () => {
    expect(evaluateCondition('DBG_SPIN_LOCK', lookup)).toBeUndefined();
    expect(evaluateCondition('defined(_KERNEL_MODE)', lookup)).toBeUndefined();
    expect(evaluateCondition('DBG && FEATURE_X', lookup)).toBeUndefined();
  });

  it('reads #ifdef, #ifndef and #else', () => {
    const parsed = parseSource('x.c', 'void f(void) {\n#ifdef DBG\n a();\n#endif\n#ifndef WIN9X\n b();\n#else\n c();\n#endif\n#ifdef OTHER\n d();\n#endif\n}\n');
    const directives = parsed.root.descendantsOfType(['preproc_ifdef', 'preproc_else']);
    expect(directives.map((d) => branchTaken(d, lookup))).toEqual([true, true, true, undefined]);
  });
});

describe('#if inside a function, in the CFG', () => {
  const text = `VOID Flush(PDEV ext)
{
#if DBG_SPIN_LOCK
    Lock(ext);
#endif
#if 0
    Unused(ext);
#else
    Used(ext);
#endif
}
`;
  const callNames = (defines?: Record<string, string | null>) => {
    const model = buildFileModel(parseSource('flush.c', text), { defines });
    return model.definitions[0].cfg.nodes.flatMap((n) => n.calls).map((c) => c.childForFieldName('function')!.text);
  };

  it('keeps only the branch the build compiles, and both when the condition is unknown', () => {
    expect(callNames()).toEqual(['Lock', 'Used']);
    expect(callNames({ DBG_SPIN_LOCK: '0' })).toEqual(['Used']);
    expect(callNames({ DBG_SPIN_LOCK: null })).toEqual(['Used']);
    expect(callNames({ DBG_SPIN_LOCK: '1' })).toEqual(['Lock', 'Used']);
  });

  it('without options, every branch is an alternative (as before)', () => {
    const body = parseSource('flush.c', text).root.descendantsOfType('compound_statement')[0];
    const calls = buildCfg(body).nodes.flatMap((n) => n.calls).map((c) => c.childForFieldName('function')!.text);
    expect(calls).toEqual(['Lock', 'Unused', 'Used']);
  });
});

describe('#if around functions', () => {
  const text = `#if DBG_SPIN_LOCK
VOID DbgAcquire(PLOCK l) { KeAcquireSpinLock(&l->Lock, &l->Irql); }
#else
VOID FastAcquire(PLOCK l) { KeAcquireSpinLockAtDpcLevel(&l->Lock); }
#endif
#if 0
VOID Retired(VOID) { }
#endif
#ifdef OLD_API
VOID OldEntry(VOID) { }
#endif
VOID Always(VOID) { }
`;
  const names = (defines?: Record<string, string | null>) => buildFileModel(parseSource('lock.c', text), { defines }).definitions.map((d) => d.name);

  it('keeps the functions of the branches the build compiles, all of them when it is unknown', () => {
    expect(names()).toEqual(['DbgAcquire', 'FastAcquire', 'OldEntry', 'Always']);
    expect(names({ DBG_SPIN_LOCK: null, OLD_API: null })).toEqual(['FastAcquire', 'Always']);
    expect(names({ DBG_SPIN_LOCK: '1', OLD_API: '1' })).toEqual(['DbgAcquire', 'OldEntry', 'Always']);
  });
});
