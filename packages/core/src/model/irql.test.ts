import { describe, expect, it } from 'vitest';
import {
  ANY_LEVEL,
  LEVEL_NAMES,
  Level,
  formatInterval,
  hull,
  interval,
  isLevelName,
  levelFromNumber,
  levelName,
  meet,
  parseLevel,
  sameInterval,
  within,
} from './irql.js';
import {
  ENTRY_VALUE,
  type Evidence,
  type IrqlValue,
  concretize,
  entryFact,
  explainAbove,
  explainBelow,
  joinValues,
  narrowValue,
  pruneEvidence,
  sameValue,
  setLevel,
  strongerBasis,
  valueKey,
  withEntryTruth,
} from './irql-domain.js';
import { dispatchFlagTest } from './irql-analysis.js';

const P = Level.Passive;
const A = Level.Apc;
const D = Level.Dispatch;
const DI = Level.Dirql;
const H = Level.High;
const ALL = [P, A, D, DI, H];
const ALL_INTERVALS = ALL.flatMap((lo) => ALL.filter((hi) => hi >= lo).map((hi) => interval(lo, hi)));

describe('levels and intervals', () => {
  it('orders the five abstract levels', () => {
    expect([P, A, D, DI, H]).toEqual([0, 1, 2, 3, 4]);
    expect(LEVEL_NAMES).toEqual(['PASSIVE_LEVEL', 'APC_LEVEL', 'DISPATCH_LEVEL', 'DIRQL', 'HIGH_LEVEL']);
    expect(levelName(D)).toBe('DISPATCH_LEVEL');
  });

  it('interval() defaults hi to lo and normalises a reversed pair', () => {
    expect(interval(D)).toEqual({ lo: D, hi: D });
    expect(interval(DI, A)).toEqual({ lo: A, hi: DI });
    expect(ANY_LEVEL).toEqual({ lo: P, hi: H });
  });

  it('there are 15 intervals in the lattice', () => {
    expect(ALL_INTERVALS).toHaveLength(15);
  });

  it('formats an interval', () => {
    expect(formatInterval(interval(D))).toBe('DISPATCH_LEVEL');
    expect(formatInterval(interval(P, D))).toBe('PASSIVE_LEVEL..DISPATCH_LEVEL');
    expect(formatInterval(ANY_LEVEL)).toBe('PASSIVE_LEVEL..HIGH_LEVEL');
  });
});

describe('hull (join)', () => {
  it('takes the smallest interval containing both', () => {
    expect(hull(interval(P), interval(D))).toEqual(interval(P, D));
    expect(hull(interval(A, D), interval(P, A))).toEqual(interval(P, D));
    expect(hull(interval(DI), interval(A))).toEqual(interval(A, DI));
    expect(hull(interval(D), interval(D))).toEqual(interval(D));
  });

  it('is commutative, associative, idempotent, and ANY_LEVEL absorbs', () => {
    for (const a of ALL_INTERVALS) {
      expect(hull(a, a)).toEqual(a);
      expect(hull(a, ANY_LEVEL)).toEqual(ANY_LEVEL);
      for (const b of ALL_INTERVALS) {
        expect(hull(a, b)).toEqual(hull(b, a));
        const h = hull(a, b);
        expect(h.lo <= a.lo && h.lo <= b.lo && h.hi >= a.hi && h.hi >= b.hi).toBe(true);
        for (const c of ALL_INTERVALS) expect(hull(hull(a, b), c)).toEqual(hull(a, hull(b, c)));
      }
    }
  });
});

describe('meet', () => {
  it('narrows to the common levels', () => {
    expect(meet(interval(P, D), interval(A, H))).toEqual(interval(A, D));
    expect(meet(interval(P, D), interval(P, A))).toEqual(interval(P, A));
    expect(meet(interval(D), interval(P, H))).toEqual(interval(D));
  });

  it('is null when the intervals are disjoint (an infeasible path)', () => {
    expect(meet(interval(P), interval(D))).toBeNull();
    expect(meet(interval(P, A), interval(D, H))).toBeNull();
  });

  it('is commutative and idempotent, ANY_LEVEL is its identity, and it lies within both', () => {
    for (const a of ALL_INTERVALS) {
      expect(meet(a, a)).toEqual(a);
      expect(meet(a, ANY_LEVEL)).toEqual(a);
      for (const b of ALL_INTERVALS) {
        const m = meet(a, b);
        expect(m).toEqual(meet(b, a));
        if (m) expect(m.lo >= a.lo && m.lo >= b.lo && m.hi <= a.hi && m.hi <= b.hi).toBe(true);
        else expect(a.hi < b.lo || b.hi < a.lo).toBe(true);
      }
    }
  });

  it('within: every level of the first interval is in the second', () => {
    expect(within(interval(A, D), interval(P, D))).toBe(true);
    expect(within(interval(P, D), interval(P, D))).toBe(true);
    expect(within(interval(P, D), interval(A, H))).toBe(false);
    expect(within(interval(P, H), interval(P, D))).toBe(false);
  });

  it('sameInterval compares by value', () => {
    expect(sameInterval(interval(P, D), { lo: P, hi: D })).toBe(true);
    expect(sameInterval(interval(P, D), interval(P, A))).toBe(false);
  });
});

describe('parseLevel', () => {
  it.each([
    ['PASSIVE_LEVEL', P],
    ['LOW_LEVEL', P],
    ['APC_LEVEL', A],
    ['DISPATCH_LEVEL', D],
    ['DIRQL', DI],
    ['SYNCH_LEVEL', DI],
    ['CLOCK_LEVEL', H],
    ['IPI_LEVEL', H],
    ['POWER_LEVEL', H],
    ['PROFILE_LEVEL', H],
    ['HIGH_LEVEL', H],
    ['  DISPATCH_LEVEL  ', D],
    ['(DISPATCH_LEVEL)', D],
    ['( APC_LEVEL )', A],
    ['0', P],
    ['1', A],
    ['2', D],
    ['5', DI],
    ['12', DI],
    ['13', H],
    ['15', H],
    ['31', H],
    ['(2)', D],
  ])('%j → %s', (text, level) => {
    expect(parseLevel(text)).toBe(level);
  });

  it.each(['', 'DISPATCH', 'dispatch_level', 'Irql', 'NewIrql', '32', '-1', '2.5', 'DISPATCH_LEVEL + 1', 'PASSIVE_LEVEL | 1'])(
    '%j is not a level',
    (text) => {
      expect(parseLevel(text)).toBeUndefined();
    },
  );

  // `text in NAMED_LEVELS` also finds the Object prototype's members: `parseLevel('constructor')` returns
  // Object itself instead of undefined, and `isLevelName('toString')` is true.
  it.each(['constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf'])(
    '%j (an Object.prototype member) is not a level',
    (text) => {
      expect(parseLevel(text)).toBeUndefined();
      expect(isLevelName(text)).toBe(false);
    },
  );

  it('isLevelName knows the names, not numbers', () => {
    expect(isLevelName('DISPATCH_LEVEL')).toBe(true);
    expect(isLevelName('2')).toBe(false);
    expect(isLevelName('MyLevel')).toBe(false);
  });
});

describe('levelFromNumber', () => {
  it('maps x64 IRQL numbers onto the abstract levels', () => {
    expect(levelFromNumber(0)).toBe(P);
    expect(levelFromNumber(1)).toBe(A);
    expect(levelFromNumber(2)).toBe(D);
    for (let n = 3; n <= 12; n++) expect(levelFromNumber(n), `${n}`).toBe(DI);
    for (let n = 13; n <= 31; n++) expect(levelFromNumber(n), `${n}`).toBe(H);
  });

  it('rejects non-integers and values out of range', () => {
    expect(levelFromNumber(-1)).toBeUndefined();
    expect(levelFromNumber(32)).toBeUndefined();
    expect(levelFromNumber(1.5)).toBeUndefined();
    expect(levelFromNumber(Number.NaN)).toBeUndefined();
    expect(levelFromNumber(Number.POSITIVE_INFINITY)).toBeUndefined();
  });
});

// ---- The symbolic domain -------------------------------------------------------------------------------------

function ev(lo: Level, hi: Level, basis: Evidence['basis'], key: string, steps = 1): Evidence {
  const fakeSource = undefined as unknown as Evidence['steps'][number]['source'];
  return {
    interval: interval(lo, hi),
    basis,
    key,
    steps: Array.from({ length: steps }, (_, i) => ({ message: `${key}#${i}`, source: fakeSource, start: i, end: i + 1 })),
  };
}

describe('symbolic IRQL values', () => {
  it('the entry value is the unconstrained entry IRQL with no parts', () => {
    expect(ENTRY_VALUE.entryCap).toEqual(ANY_LEVEL);
    expect(ENTRY_VALUE.parts).toEqual([]);
  });

  it('joinValues takes the hull of entry caps and merges parts by key', () => {
    const a: IrqlValue = { entryCap: interval(P), parts: [ev(D, D, 'proven', 'lock')] };
    const b: IrqlValue = { entryCap: interval(A), parts: [ev(A, A, 'proven', 'lock'), ev(DI, DI, 'proven', 'isr')] };
    const j = joinValues(a, b);
    expect(j.entryCap).toEqual(interval(P, A));
    expect(j.parts.map((p) => [p.key, p.interval])).toEqual([
      ['lock', interval(A, D)],
      ['isr', interval(DI)],
    ]);
    // A value without the entry IRQL (set by the code) joined with one that has it.
    const set = setLevel(D, { basis: 'proven', key: 'raise', steps: [] });
    expect(joinValues(set, ENTRY_VALUE).entryCap).toEqual(ANY_LEVEL);
    expect(joinValues(ENTRY_VALUE, set).parts).toHaveLength(1);
    expect(valueKey(joinValues(set, ENTRY_VALUE))).toBe(valueKey(joinValues(ENTRY_VALUE, set)));
  });

  it('joinValues shares what it would only copy (values are never changed once made)', () => {
    const locked: IrqlValue = { entryCap: interval(P), parts: [ev(D, D, 'proven', 'lock')] };
    expect(joinValues(locked, locked)).toBe(locked);
    expect(joinValues(locked, { entryCap: interval(A), parts: [] }).parts).toBe(locked.parts);
    expect(joinValues({ entryCap: null, parts: [] }, locked).parts).toBe(locked.parts);
    // Two parts with one key still merge into one.
    const twice: IrqlValue = { entryCap: null, parts: [ev(A, A, 'proven', 'lock')] };
    expect(joinValues(locked, twice).parts.map((p) => [p.key, p.interval])).toEqual([['lock', interval(A, D)]]);
  });

  it('sameValue answers yes only for values with the same valueKey', () => {
    const lockAt = (lo: Level, hi: Level, key = 'lock'): IrqlValue => ({ entryCap: interval(P), parts: [ev(lo, hi, 'proven', key)] });
    expect(sameValue(lockAt(D, D), lockAt(D, D))).toBe(true);
    expect(sameValue(lockAt(D, D), lockAt(A, D))).toBe(false);
    expect(sameValue(lockAt(D, D), lockAt(D, D, 'raise'))).toBe(false);
    expect(sameValue(lockAt(D, D), { ...lockAt(D, D), entryCap: interval(P, A) })).toBe(false);
    expect(sameValue(lockAt(D, D), { ...lockAt(D, D), entryCap: null })).toBe(false);
    const atDispatch = withEntryTruth(ENTRY_VALUE, 'AtDispatch', true)!;
    expect(sameValue(atDispatch, withEntryTruth(ENTRY_VALUE, 'AtDispatch', true)!)).toBe(true);
    expect(sameValue(atDispatch, withEntryTruth(ENTRY_VALUE, 'AtDispatch', false)!)).toBe(false);
    expect(sameValue(atDispatch, ENTRY_VALUE)).toBe(false);
    // The same parts in another order: the keys agree, the cheap test says no (the caller then compares keys).
    const [x, y] = [ev(D, D, 'proven', 'x'), ev(A, A, 'proven', 'y')];
    const xy: IrqlValue = { entryCap: null, parts: [x, y] };
    const yx: IrqlValue = { entryCap: null, parts: [y, x] };
    expect(valueKey(xy)).toBe(valueKey(yx));
    expect(sameValue(xy, yx)).toBe(false);
    expect(sameValue(xy, { entryCap: null, parts: [x, y] })).toBe(true);
  });

  it('joinValues gives back the first value itself when the second adds nothing to it', () => {
    const a: IrqlValue = { entryCap: interval(P, D), parts: [ev(P, D, 'proven', 'lock')] };
    expect(joinValues(a, { entryCap: interval(P, A), parts: [ev(D, D, 'proven', 'lock')] })).toBe(a);
    expect(joinValues(a, { entryCap: null, parts: [] })).toBe(a);
    // A wider cap, a part under another key, or a wider part: a new value.
    expect(joinValues(a, { entryCap: interval(P, H), parts: [] }).entryCap).toEqual(interval(P, H));
    expect(joinValues(a, { entryCap: null, parts: [ev(D, D, 'proven', 'raise')] }).parts.map((p) => p.key)).toEqual(['lock', 'raise']);
    expect(joinValues({ entryCap: null, parts: [ev(D, D, 'proven', 'lock')] }, a)).toEqual({ entryCap: interval(P, D), parts: [ev(P, D, 'proven', 'lock')] });
    // Truths of the first that the second does not share are dropped by the join.
    const when = withEntryTruth(ENTRY_VALUE, 'AtDispatch', true)!;
    expect(joinValues(when, ENTRY_VALUE).entryWhen).toBeUndefined();
    expect(joinValues(when, when)).toBe(when);
  });

  it('joinValues keeps at most 8 parts, keeping the highest and the lowest', () => {
    const many: IrqlValue = { entryCap: null, parts: Array.from({ length: 12 }, (_, i) => ev(i === 11 ? P : D, i === 0 ? H : D, 'proven', `k${i}`)) };
    const j = joinValues(many, { entryCap: null, parts: [] });
    expect(j.parts.length).toBeLessThanOrEqual(8);
    const hullOf = j.parts.map((p) => p.interval).reduce(hull);
    expect(hullOf).toEqual(interval(P, H));
  });

  it('entryWhen keeps the parameter truths common to every path that carries the entry IRQL', () => {
    const raised = setLevel(D, { basis: 'proven', key: 'raise', steps: [] });
    const atDispatch = withEntryTruth(ENTRY_VALUE, 'AtDispatch', true)!;
    // `if (!AtDispatch) KeRaiseIrql(…)`: only the untaken branch carries the entry, so its truth survives the join.
    expect(joinValues(raised, atDispatch).entryWhen).toEqual(new Map([['AtDispatch', true]]));
    expect(joinValues(atDispatch, raised).entryWhen).toEqual(new Map([['AtDispatch', true]]));
    // Both branches carry the entry with opposite truths: nothing is known.
    expect(joinValues(atDispatch, withEntryTruth(ENTRY_VALUE, 'AtDispatch', false)!).entryWhen).toBeUndefined();
    expect(valueKey(atDispatch)).not.toBe(valueKey(ENTRY_VALUE));
    // A contradicting test leaves only what the code set; with nothing set, the path is impossible.
    expect(withEntryTruth(atDispatch, 'AtDispatch', false)).toBeNull();
    expect(withEntryTruth(joinValues(raised, atDispatch), 'AtDispatch', false)).toEqual({ entryCap: null, parts: raised.parts });
    expect(narrowValue(atDispatch, interval(P, A))!.entryWhen).toEqual(new Map([['AtDispatch', true]]));
    expect(withEntryTruth(raised, 'AtDispatch', true)).toBe(raised);
  });

  it('narrowValue restricts every part and the entry cap; null when nothing is left', () => {
    const v: IrqlValue = { entryCap: interval(P, H), parts: [ev(D, D, 'proven', 'lock'), ev(P, A, 'contract', 'sal')] };
    const n = narrowValue(v, interval(P, A))!;
    expect(n.entryCap).toEqual(interval(P, A));
    expect(n.parts.map((p) => p.key)).toEqual(['sal']);
    expect(narrowValue({ entryCap: null, parts: [ev(D, D, 'proven', 'lock')] }, interval(P))).toBeNull();
    const onlyEntry = narrowValue({ entryCap: interval(D, H), parts: [] }, interval(P, A));
    expect(onlyEntry).toBeNull();
  });

  it('narrowValue gives back the value itself when the interval narrows nothing, and nothing from an empty value', () => {
    const v: IrqlValue = { entryCap: interval(P, A), parts: [ev(D, D, 'proven', 'lock')] };
    expect(narrowValue(v, interval(P, D))).toBe(v);
    expect(narrowValue(ENTRY_VALUE, interval(P, H))).toBe(ENTRY_VALUE);
    expect(narrowValue(v, interval(P, A))).not.toBe(v);
    expect(narrowValue({ entryCap: null, parts: [] }, interval(P, H))).toBeNull();
    // Without the entry on a path, its truths go whether or not the parts narrow.
    const truths = { entryCap: null, parts: v.parts, entryWhen: new Map([['AtDispatch', true]]) };
    expect(narrowValue(truths, interval(P, H))).toEqual({ entryCap: null, parts: v.parts });
  });

  it('concretize substitutes the entry fact under the entry cap', () => {
    const fact = entryFact([ev(P, D, 'assumed', 'unknown')])!;
    const v: IrqlValue = { entryCap: interval(P, A), parts: [ev(D, D, 'proven', 'lock')] };
    const c = concretize(v, fact)!;
    expect(c.interval).toEqual(interval(P, D));
    expect(c.evidence.map((e) => [e.key, e.interval])).toEqual([
      ['lock', interval(D)],
      ['unknown', interval(P, A)],
    ]);
    // The entry evidence outside the cap disappears.
    expect(concretize({ entryCap: interval(DI, H), parts: [] }, fact)).toBeUndefined();
  });

  it('entryFact is the hull of its evidence; pruneEvidence keeps the extremes per basis', () => {
    expect(entryFact([])).toBeUndefined();
    const list = [ev(P, P, 'contract', 'a'), ev(D, D, 'contract', 'b'), ev(A, A, 'contract', 'c'), ev(P, D, 'assumed', 'u')];
    const f = entryFact(list)!;
    expect(f.interval).toEqual(interval(P, D));
    const pruned = pruneEvidence(list).map((e) => e.key).sort();
    expect(pruned).toEqual(['a', 'b', 'u']);
  });

  it('strongerBasis ranks proven > contract > assumed', () => {
    expect(strongerBasis('assumed', 'proven')).toBe('proven');
    expect(strongerBasis('contract', 'assumed')).toBe('contract');
    expect(strongerBasis('contract', 'proven')).toBe('proven');
  });
});

describe('explainAbove / explainBelow', () => {
  it('is undefined when no evidence reaches above the maximum', () => {
    expect(explainAbove({ interval: interval(P, A), evidence: [ev(P, A, 'contract', 'x')] }, D)).toBeUndefined();
    expect(explainAbove({ interval: interval(D), evidence: [ev(D, D, 'proven', 'x')] }, D)).toBeUndefined();
  });

  it('a violation is definite when every level is above, possible otherwise', () => {
    const definite = explainAbove({ interval: interval(D), evidence: [ev(D, D, 'proven', 'lock')] }, A)!;
    expect(definite.definite).toBe(true);
    expect(definite.basis).toBe('proven');
    const possible = explainAbove({ interval: interval(P, D), evidence: [ev(P, D, 'assumed', 'u')] }, A)!;
    expect(possible.definite).toBe(false);
    expect(possible.basis).toBe('assumed');
    expect(possible.interval).toEqual(interval(P, D));
  });

  it('prefers the strongest basis, then the shortest trace', () => {
    const fact = {
      interval: interval(P, D),
      evidence: [ev(P, D, 'assumed', 'u', 1), ev(D, D, 'contract', 'c', 3), ev(D, D, 'contract', 'c2', 2), ev(P, P, 'proven', 'p', 1)],
    };
    const e = explainAbove(fact, A)!;
    expect(e.basis).toBe('contract');
    expect(e.steps.map((s) => s.message)).toEqual(['c2#0', 'c2#1']);
  });

  it('states the range of the evidence that is not only assumed, and stays "may" while an assumed path exists', () => {
    // A contract path at PASSIVE..APC reaches a PASSIVE-only call; an unseen caller's assumed entry goes up to DISPATCH.
    const fact = { interval: interval(P, D), evidence: [ev(P, A, 'contract', 'c'), ev(P, D, 'assumed', 'u')] };
    const e = explainAbove(fact, P)!;
    expect(e.basis).toBe('contract');
    expect(e.interval).toEqual(interval(P, A));
    expect(e.definite).toBe(false);
  });

  it('explainBelow mirrors it', () => {
    const fact = { interval: interval(P, D), evidence: [ev(P, P, 'proven', 'low'), ev(D, D, 'contract', 'high')] };
    const e = explainBelow(fact, D)!;
    expect(e.basis).toBe('proven');
    expect(e.definite).toBe(false);
    expect(explainBelow({ interval: interval(D), evidence: [ev(D, D, 'proven', 'x')] }, D)).toBeUndefined();
    expect(explainBelow({ interval: interval(P, A), evidence: [ev(P, A, 'proven', 'x')] }, D)!.definite).toBe(true);
  });
});

describe('dispatchFlagTest', () => {
  it('reads the NDIS dispatch-level flag tests drivers write, with their truth', () => {
    expect(dispatchFlagTest('SendFlags & NDIS_SEND_FLAGS_DISPATCH_LEVEL')).toEqual({ flags: 'SendFlags', whenSet: true });
    expect(dispatchFlagTest('(ReceiveFlags & NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL) ? TRUE : FALSE')).toEqual({ flags: 'ReceiveFlags', whenSet: true });
    expect(dispatchFlagTest('(Flags & NDIS_RETURN_FLAGS_DISPATCH_LEVEL) ? FALSE : TRUE')).toEqual({ flags: 'Flags', whenSet: false });
    expect(dispatchFlagTest('!NDIS_TEST_SEND_AT_DISPATCH_LEVEL(SendFlags)')).toEqual({ flags: 'SendFlags', whenSet: false });
    expect(dispatchFlagTest('(SendFlags & NDIS_SEND_FLAGS_DISPATCH_LEVEL) == 0')).toEqual({ flags: 'SendFlags', whenSet: false });
    expect(dispatchFlagTest('FlagOn(Params->Flags, NDIS_RWL_AT_DISPATCH_LEVEL)')).toEqual({ flags: 'Params->Flags', whenSet: true });
  });

  it('follows a local that holds the test, and ignores flags that say nothing about the IRQL', () => {
    const locals: Record<string, string> = { fAtDispatch: '(SendFlags & NDIS_SEND_FLAGS_DISPATCH_LEVEL) ? TRUE : FALSE', loop: 'SendFlags & NDIS_SEND_FLAGS_CHECK_FOR_LOOPBACK' };
    const local = (name: string) => locals[name];
    expect(dispatchFlagTest('!fAtDispatch', local)).toEqual({ flags: 'SendFlags', whenSet: false });
    expect(dispatchFlagTest('fAtDispatch == FALSE', local)).toEqual({ flags: 'SendFlags', whenSet: false });
    expect(dispatchFlagTest('loop', local)).toBeUndefined();
    expect(dispatchFlagTest('fAtDispatch')).toBeUndefined();
    expect(dispatchFlagTest('KeGetCurrentIrql() == DISPATCH_LEVEL')).toBeUndefined();
  });
});
