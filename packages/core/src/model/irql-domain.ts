/**
 * The abstract values of the IRQL dataflow.
 *
 * Inside a function the analysis does not know the entry IRQL, so a value is symbolic: "the entry IRQL, narrowed
 * to `entryCap`" and/or "one of these levels the code set itself" (`parts`, each with the evidence that set it).
 * This makes a function's analysis independent of its callers: it runs once, its exit value is its summary
 * (a helper that returns holding a spin lock has a DISPATCH_LEVEL part), and the concrete IRQL at any point is
 * obtained later by substituting the entry fact, which is itself computed over the call graph.
 *
 * Every part and every entry fact carries Evidence: an interval, a basis, and the trace steps that prove it.
 * - proven   — the code itself raised the IRQL (a lock, KeRaiseIrql, a caller holding a lock);
 * - contract — a documented contract: an annotation, a role type, a registration;
 * - assumed  — only the unknown-entry default (`settings.irql.unknownEntry`).
 */
import type { ParsedSource, SyntaxNode } from '../frontend/parser.js';
import type { FunctionDefinition } from './file-model.js';
import { type Interval, type Level, formatInterval, hull, meet, sameInterval, within } from './irql.js';

export type Basis = 'proven' | 'contract' | 'assumed';

const BASIS_RANK: Record<Basis, number> = { proven: 0, contract: 1, assumed: 2 };

export function strongerBasis(a: Basis, b: Basis): Basis {
  return BASIS_RANK[a] <= BASIS_RANK[b] ? a : b;
}

export interface TraceStep {
  readonly message: string;
  readonly source: ParsedSource;
  readonly start: number;
  readonly end: number;
}

export interface Evidence {
  readonly interval: Interval;
  readonly basis: Basis;
  /** Oldest first: the entry assumption or the raise, then each call on the way. */
  readonly steps: readonly TraceStep[];
  /** Identity of the origin (raise site, contract, call chain head), for joins. */
  readonly key: string;
  /** For a function's entry: the call through which this evidence entered it (the last hop of its chain). */
  readonly via?: {
    readonly caller: FunctionDefinition;
    readonly call: SyntaxNode;
    /** The caller's own entry IRQL reached the call unchanged (not a level the caller set itself). */
    readonly fromEntry: boolean;
  };
}

export interface IrqlValue {
  /** The entry IRQL, restricted to this cap; null when no path carries the entry IRQL here. */
  readonly entryCap: Interval | null;
  readonly parts: readonly Evidence[];
  /**
   * Truths of the function's parameters on every path that carries the entry IRQL here (`if (!fAtDispatch)
   * KeRaiseIrql(…)` leaves the entry IRQL only where `fAtDispatch` is TRUE): a caller whose argument states its
   * IRQL (an NDIS dispatch-level flag) or is a constant brings its entry only where these hold.
   */
  readonly entryWhen?: ReadonlyMap<string, boolean>;
}

export const ENTRY_VALUE: IrqlValue = { entryCap: { lo: 0, hi: 4 } as Interval, parts: [] };

export function withInterval(e: Evidence, interval: Interval): Evidence {
  return sameInterval(e.interval, interval) ? e : { ...e, interval };
}

const MAX_PARTS = 8;

/** The parts of `a` then `b`, one per key (the first's place, the hull of the intervals), at most MAX_PARTS. */
function mergeEvidence(a: readonly Evidence[], b: readonly Evidence[]): Evidence[] {
  // At most 2 × MAX_PARTS: a linear search is cheaper than a map, which every join of the fixpoint would make.
  let out: Evidence[] = [];
  for (const list of [a, b]) {
    for (const e of list) {
      let i = 0;
      while (i < out.length && out[i]!.key !== e.key) i++;
      out[i] = i < out.length ? withInterval(out[i]!, hull(out[i]!.interval, e.interval)) : e;
    }
  }
  if (out.length > MAX_PARTS) {
    out.sort((a, b) => b.interval.hi - a.interval.hi || BASIS_RANK[a.basis] - BASIS_RANK[b.basis]);
    const lowest = out.reduce((m, e) => (e.interval.lo < m.interval.lo ? e : m));
    out = out.slice(0, MAX_PARTS - 1);
    if (!out.includes(lowest)) out.push(lowest);
  }
  return out;
}

export function joinValues(a: IrqlValue, b: IrqlValue): IrqlValue {
  // Most joins of the fixpoint add nothing: `a` itself is the join, and no copy is made.
  if (a === b || covers(a, b)) return a;
  const entryCap = a.entryCap && b.entryCap ? hull(a.entryCap, b.entryCap) : (a.entryCap ?? b.entryCap);
  const entryWhen = !b.entryCap ? a.entryWhen : !a.entryCap ? b.entryWhen : commonTruths(a.entryWhen, b.entryWhen);
  // A single part needs no merge: it is shared (values are never changed once made).
  const parts = !b.parts.length && a.parts.length <= 1 ? a.parts : !a.parts.length && b.parts.length <= 1 ? b.parts : mergeEvidence(a.parts, b.parts);
  return entryWhen?.size ? { entryCap, parts, entryWhen } : { entryCap, parts };
}

/** Whether joining `b` into `a` gives `a` back: every level and part of `b` is in `a`, and `a`'s truths hold in `b`. */
function covers(a: IrqlValue, b: IrqlValue): boolean {
  if (a.parts.length > MAX_PARTS) return false;
  if (b.entryCap) {
    if (!a.entryCap || !within(b.entryCap, a.entryCap)) return false;
    if (a.entryWhen?.size && a.entryWhen !== b.entryWhen) {
      for (const [k, v] of a.entryWhen) if (b.entryWhen?.get(k) !== v) return false;
    }
  }
  for (const p of b.parts) {
    if (!a.parts.some((q) => q.key === p.key && within(p.interval, q.interval))) return false;
  }
  return true;
}

function commonTruths(a: ReadonlyMap<string, boolean> | undefined, b: ReadonlyMap<string, boolean> | undefined): ReadonlyMap<string, boolean> | undefined {
  if (!a?.size || !b?.size) return undefined;
  const out = new Map<string, boolean>();
  for (const [k, v] of a) if (b.get(k) === v) out.set(k, v);
  return out;
}

/** The value with the entry IRQL kept only where `param` has the truth `value` (null when that path is impossible). */
export function withEntryTruth(v: IrqlValue, param: string, value: boolean): IrqlValue | null {
  if (!v.entryCap) return v;
  const known = v.entryWhen?.get(param);
  if (known === value) return v;
  if (known !== undefined) return v.parts.length ? { entryCap: null, parts: v.parts } : null;
  return { ...v, entryWhen: new Map([...(v.entryWhen ?? []), [param, value]]) };
}

/** Restrict a value to the levels a guard allows; null when no level is left (the edge is infeasible). */
export function narrowValue(v: IrqlValue, to: Interval): IrqlValue | null {
  // Values are never changed once made: one the guard does not narrow is returned as it is.
  if ((v.entryCap ? within(v.entryCap, to) : v.parts.length && !v.entryWhen) && v.parts.every((p) => within(p.interval, to))) return v;
  const entryCap = v.entryCap ? meet(v.entryCap, to) : null;
  const parts: Evidence[] = [];
  for (const p of v.parts) {
    const m = meet(p.interval, to);
    if (m) parts.push(withInterval(p, m));
  }
  if (!entryCap && !parts.length) return null;
  return entryCap && v.entryWhen ? { entryCap, parts, entryWhen: v.entryWhen } : { entryCap, parts };
}

/**
 * Whether two values are the same field by field, parts in the same order: a cheap test that implies equal
 * `valueKey`s (a false answer does not imply different keys: the key does not depend on the parts' order).
 */
export function sameValue(a: IrqlValue, b: IrqlValue): boolean {
  if (a === b) return true;
  const [ca, cb] = [a.entryCap, b.entryCap];
  if (ca ? !cb || ca.lo !== cb.lo || ca.hi !== cb.hi : cb) return false;
  if (a.parts.length !== b.parts.length) return false;
  for (let i = 0; i < a.parts.length; i++) {
    const [pa, pb] = [a.parts[i]!, b.parts[i]!];
    if (pa !== pb && (pa.key !== pb.key || pa.interval.lo !== pb.interval.lo || pa.interval.hi !== pb.interval.hi)) return false;
  }
  const [wa, wb] = [a.entryWhen, b.entryWhen];
  if ((wa?.size ?? 0) !== (wb?.size ?? 0)) return false;
  if (wa?.size) for (const [k, v] of wa) if (wb!.get(k) !== v) return false;
  return true;
}

/** A value's identity; `withTruths: false` leaves out `entryWhen` (values that differ only there join with little loss). */
export function valueKey(v: IrqlValue, withTruths = true): string {
  const cap = v.entryCap ? `${v.entryCap.lo}${v.entryCap.hi}${withTruths && v.entryWhen?.size ? `[${[...v.entryWhen].map(([k, t]) => (t ? k : `!${k}`)).sort().join(',')}]` : ''}` : '-';
  const parts = v.parts;
  // The key is computed on every step of the fixpoint: no sorting for the usual zero or one part.
  if (parts.length === 0) return `${cap}|`;
  if (parts.length === 1) return `${cap}|${parts[0].key}:${parts[0].interval.lo}${parts[0].interval.hi}`;
  return `${cap}|${parts
    .map((p) => `${p.key}:${p.interval.lo}${p.interval.hi}`)
    .sort()
    .join(',')}`;
}

export function setLevel(level: Level, evidence: Omit<Evidence, 'interval'>): IrqlValue {
  return { entryCap: null, parts: [{ ...evidence, interval: { lo: level, hi: level } }] };
}

/** What a function is entered at: the hull of its evidence. */
export interface EntryFact {
  readonly interval: Interval;
  readonly evidence: readonly Evidence[];
}

/** Keep, per basis, the evidence reaching highest and lowest: the hull stays exact and the list stays short. */
export function pruneEvidence(list: readonly Evidence[]): Evidence[] {
  const kept = new Set<Evidence>();
  for (const basis of ['proven', 'contract', 'assumed'] as const) {
    const of = list.filter((e) => e.basis === basis);
    if (!of.length) continue;
    const shorter = (a: Evidence, b: Evidence) => a.steps.length <= b.steps.length;
    kept.add(of.reduce((m, e) => (e.interval.hi > m.interval.hi || (e.interval.hi === m.interval.hi && shorter(e, m) && e !== m) ? e : m)));
    kept.add(of.reduce((m, e) => (e.interval.lo < m.interval.lo ? e : m)));
  }
  return [...kept];
}

export function entryFact(evidence: readonly Evidence[]): EntryFact | undefined {
  if (!evidence.length) return undefined;
  const pruned = pruneEvidence(evidence);
  return { interval: pruned.map((e) => e.interval).reduce(hull), evidence: pruned };
}

export function entryKey(e: EntryFact | undefined): string {
  if (!e) return '-';
  return `${e.interval.lo}${e.interval.hi}|${[...new Set(e.evidence.map((x) => `${x.basis}${x.interval.lo}${x.interval.hi}`))].sort().join(',')}`;
}

/** The concrete IRQL at a point: the symbolic value with the entry fact substituted. */
export interface IrqlFact {
  readonly interval: Interval;
  readonly evidence: readonly Evidence[];
}

export function concretize(v: IrqlValue, entry: EntryFact): IrqlFact | undefined {
  const evidence: Evidence[] = [...v.parts];
  if (v.entryCap) {
    for (const e of entry.evidence) {
      const m = meet(e.interval, v.entryCap);
      if (m) evidence.push(withInterval(e, m));
    }
  }
  if (!evidence.length) return undefined;
  return { interval: evidence.map((e) => e.interval).reduce(hull), evidence };
}

export interface Explanation {
  readonly basis: Basis;
  /** Every level the point may run at is out of range (not just some). */
  readonly definite: boolean;
  readonly interval: Interval;
  readonly steps: readonly TraceStep[];
}

/** Why the IRQL may be above `max`: the strongest evidence that reaches above it, or undefined when none does. */
export function explainAbove(fact: IrqlFact, max: Level): Explanation | undefined {
  return explain(fact, (i) => i.hi > max, (i) => i.lo > max);
}

/** Why the IRQL may be below `min`. */
export function explainBelow(fact: IrqlFact, min: Level): Explanation | undefined {
  return explain(fact, (i) => i.lo < min, (i) => i.hi < min);
}

function explain(
  fact: IrqlFact,
  violates: (i: Interval) => boolean,
  always: (i: Interval) => boolean,
): Explanation | undefined {
  const candidates = fact.evidence.filter((e) => violates(e.interval));
  if (!candidates.length) return undefined;
  const best = candidates.reduce((m, e) =>
    BASIS_RANK[e.basis] < BASIS_RANK[m.basis] || (e.basis === m.basis && e.steps.length < m.steps.length) ? e : m,
  );
  // The range a finding states leaves out what is only assumed (an unseen caller's default entry), unless the
  // finding itself rests on an assumption: a finding made by contract does not say "up to DISPATCH_LEVEL" because
  // some other caller is unknown.
  const stated = best.basis === 'assumed' ? fact.evidence : fact.evidence.filter((e) => e.basis !== 'assumed');
  const interval = stated.map((e) => e.interval).reduce(hull);
  // Definite only if every path, assumed ones included, is at a level that violates.
  return { basis: best.basis, definite: always(fact.interval), interval, steps: best.steps };
}

export function describeInterval(i: Interval): string {
  return formatInterval(i);
}
