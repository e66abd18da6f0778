/**
 * The intraprocedural IRQL dataflow: a fixpoint over one function's CFG in the symbolic domain of irql-domain.ts.
 *
 * Transfer functions come from the table of IRQL-changing DDIs (knowledge/irql-effects.ts) and from the summaries
 * of the project's own functions (their exit values). The previous IRQL saved by an acquire is kept in the state
 * under the name of the place it was saved to (`old`, `ext->OldIrql`, the lock handle, the lock object), so the
 * matching release restores exactly that value. Guards on `KeGetCurrentIrql()` narrow the value along an edge.
 *
 * Assumptions and limits (stated so that rules and users know them):
 * - A call to a function that is neither in the effects table nor defined in the run does not change the IRQL.
 * - Calls through function pointers are not followed.
 * - A release whose saved value is unknown here (saved by a caller, or in a parameter) restores the entry IRQL.
 * - `&&`, `||` and `?:` operands are evaluated in order as if all ran.
 */
import type { SyntaxNode } from '../frontend/parser.js';
import { irqlEffectOf, type RaiseTarget, type SaveSlot } from '../knowledge/irql-effects.js';
import { DISPATCH_LEVEL_FLAG_TESTS, DISPATCH_LEVEL_FLAGS } from '../knowledge/irql-flags.js';
import { dispatchIrqlOf } from '../knowledge/roles.js';
import { type CaseGuard, type Cfg, type CfgEdge, type CfgNode, type Guard, unwrapParens } from './cfg.js';
import { type FunctionDefinition, bodyText } from './file-model.js';
import { callArguments as argumentsOf, calleeName, compactText, testedExpression } from './syntax.js';
import { type Interval, Level, formatInterval, interval, levelFromNumber, levelName, meet, parseLevel } from './irql.js';
import {
  ENTRY_VALUE,
  type Evidence,
  type IrqlValue,
  type TraceStep,
  joinValues,
  narrowValue,
  sameValue,
  setLevel,
  valueKey,
  withEntryTruth,
} from './irql-domain.js';

export interface IrqlState {
  readonly value: IrqlValue;
  /** Saved previous IRQLs by the place they were saved to. */
  readonly saved: ReadonlyMap<string, IrqlValue>;
  /** For a saved slot, the lock it was acquired with (normalised text), when the acquire names one. */
  readonly locks: ReadonlyMap<string, string>;
  /** Branch conditions known on the way here (only conditions the function tests more than once). */
  readonly facts?: ReadonlyMap<string, boolean>;
}

/** A release that does not match what this function acquired (SpinLockReleaseMismatch). */
export interface ReleaseIssue {
  readonly call: SyntaxNode;
  /** `slot`: the IRQL variable was saved by no acquire here while others were; `lock`: another lock was taken. */
  readonly kind: 'slot' | 'lock';
  readonly slot: string;
  readonly savedSlots: readonly string[];
  readonly acquiredLock?: string;
  readonly releasedLock?: string;
}

export interface CalleeSummary {
  readonly name: string;
  /** The callee's exit value over its own entry IRQL; undefined while unknown (recursion): identity. */
  readonly exit: IrqlValue | undefined;
  /** Saved IRQLs the callee leaves behind (a lock wrapper that saves into `ext->OldIrql`), by its own names. */
  readonly saved?: ReadonlyMap<string, IrqlValue>;
  /** Slots the callee restores from without having saved them (an unlock wrapper), by its own names. */
  readonly restores?: readonly string[];
  /** The callee's parameter names and locals, to rename its slots into the caller's terms. */
  readonly params?: readonly string[];
  /** Whether a name is one of the callee's locals (computed only when a slot needs renaming). */
  readonly isLocal?: (name: string) => boolean;
}

export interface AnalysisContext {
  /** The summary of a call to a project function, if the callee is one. */
  summaryOf(call: SyntaxNode, calleeName: string): CalleeSummary | undefined;
  /** Constant value of an expression's text (levels, lock kinds). */
  evaluate(text: string): bigint | undefined;
  /** Whether the function's driver sets a configuration field to TRUE (`PassiveHandling = TRUE`). */
  configured?(field: string): boolean;
  /** Locals that only ever hold `KeGetCurrentIrql()` (`irql = KeGetCurrentIrql(); if (irql < …)` narrows too). */
  irqlVariables?: ReadonlySet<string>;
  /**
   * The function is placed in a pageable section (`#pragma alloc_text(PAGE…)`, `code_seg`) without `PAGED_CODE()`:
   * its body runs at most at APC_LEVEL, as after that assertion (its entry, which IrqlPagedCode checks, is its callers').
   */
  pageableSection?: boolean;
  /**
   * The function is a dispatch routine: in its `switch` on the IRP's major function, each `case IRP_MJ_…` runs at
   * the IRQL the I/O manager sends that major function at (`IRP_MJ_CREATE` at PASSIVE_LEVEL), whatever the one
   * annotation of a routine shared by all of them allows.
   */
  dispatchRoutine?: boolean;
  /** Locals that are only ever a copy of a parameter (`PDSM_CONTEXT ctx = DsmContext;`): the same lock by either name. */
  lockAliases?: () => ReadonlyMap<string, string>;
}

export interface FunctionIrql {
  readonly definition: FunctionDefinition;
  /** Symbolic value just before each call (by node id). */
  readonly beforeCall: ReadonlyMap<number, IrqlValue>;
  /** Symbolic value on entry to each CFG node, by CFG node id; undefined = unreachable. */
  readonly valueAt: readonly (IrqlValue | undefined)[];
  /** Value at return; undefined when no path returns. */
  readonly exit: IrqlValue | undefined;
  /** Saved slots still held at return. */
  readonly exitSaved: ReadonlyMap<string, IrqlValue>;
  /** Slots restored from without a save in this function (they were saved by a caller). */
  readonly restoresUnsaved: readonly string[];
  readonly releaseIssues: readonly ReleaseIssue[];
}

export function step(def: FunctionDefinition, node: SyntaxNode, message: string): TraceStep {
  return { message, source: def.source, start: node.startIndex, end: node.endIndex };
}

/** A lock argument's name: `&(ext->Lock)`, `&ext->Lock` and `(&ext->Lock)` are the same lock. */
function lockName(text: string): string {
  const t = compactText(text);
  return t.startsWith('&') ? compactText(t.slice(1)) : t;
}


/**
 * Whether two spellings name the same lock: casts and parentheses aside (`((PDSM_CONTEXT)DsmContext)->Lock`), and a
 * local that only ever copies a parameter read as that parameter.
 */
function sameLock(a: string, b: string, aliases: ReadonlyMap<string, string> | undefined): boolean {
  if (a === b) return true;
  const canonical = (text: string): string => {
    let t = text.replace(/\(\s*[A-Za-z_]\w*(?:\s*\*)*\s*\)(?=[A-Za-z_(])/g, '');
    for (let before = ''; before !== t; ) {
      before = t;
      t = t.replace(/\(([A-Za-z_]\w*)\)/g, '$1');
    }
    // A pointer to a lock held in a local (`lock = &Ext->RxLock`) names that lock.
    const whole = aliases?.get(`&${t}`);
    if (whole) return whole;
    return t.replace(/^([A-Za-z_]\w*)/, (id) => aliases?.get(id) ?? id);
  };
  return canonical(a) === canonical(b);
}

/**
 * Bound of the cache of paths per fact (`pathOf`): it lives as long as the process (a language server's included),
 * so it is emptied when it grows past it; a driver's names fit many times over.
 */
const MAX_CACHED_PATHS = 2048;

/**
 * Where a body assigns its names and takes their addresses, found in one scan of its text (every parameter and
 * many locals of every function are asked about: one scan per name cost more than the whole scan).
 */
interface NameUses {
  /** How many times each name is assigned with `=` (`name = …`, not `name == …`). */
  readonly assignments: ReadonlyMap<string, number>;
  /** Names whose own address is taken: `&name`, not `&name->Field` (a field's address through it). */
  readonly addressTaken: ReadonlySet<string>;
}

const nameUsesCache = new WeakMap<FunctionDefinition, NameUses>();

function nameUsesOf(def: FunctionDefinition): NameUses {
  let uses = nameUsesCache.get(def);
  if (!uses) {
    const text = bodyText(def);
    const assignments = new Map<string, number>();
    for (const m of text.matchAll(/\b([A-Za-z_]\w*)\s*=(?=[^=])/g)) assignments.set(m[1]!, (assignments.get(m[1]!) ?? 0) + 1);
    const addressTaken = new Set<string>();
    for (const m of text.matchAll(/&\s*([A-Za-z_]\w*)\b(?!\s*(?:->|\.|\[))/g)) addressTaken.add(m[1]!);
    nameUsesCache.set(def, (uses = { assignments, addressTaken }));
  }
  return uses;
}

function assignmentCount(def: FunctionDefinition, name: string): number {
  return nameUsesOf(def).assignments.get(name) ?? 0;
}

function addressTaken(def: FunctionDefinition, name: string): boolean {
  return nameUsesOf(def).addressTaken.has(name);
}

/** Locals declared as a copy of a parameter and never assigned again nor passed by address. */
function lockAliasesOf(def: FunctionDefinition): Map<string, string> {
  const out = new Map<string, string>();
  if (!def.params.length) return out;
  const text = bodyText(def);
  const params = new Set(def.params);
  for (const m of text.matchAll(/\b[A-Za-z_]\w*[\s*]+([A-Za-z_]\w*)\s*=\s*(?:\(\s*[A-Za-z_]\w*[\s*]*\)\s*)?([A-Za-z_]\w*)\s*;/g)) {
    const [, local, source] = m;
    if (!params.has(source) || params.has(local)) continue;
    if (assignmentCount(def, local) === 1 && !addressTaken(def, local)) out.set(local, source);
  }
  // `PKSPIN_LOCK lock = &Ext->RxLock;`: the local names the lock at a parameter's field (key `&lock`).
  for (const m of text.matchAll(/\b[A-Za-z_]\w*[\s*]+([A-Za-z_]\w*)\s*=\s*&\s*\(?\s*([A-Za-z_]\w*)((?:\s*(?:->|\.)\s*[A-Za-z_]\w*)+)\s*\)?\s*;/g)) {
    const [, local, root, path] = m;
    if (!params.has(root) || params.has(local)) continue;
    if (assignmentCount(def, local) === 1 && !addressTaken(def, local)) out.set(`&${local}`, `${root}${path.replace(/\s+/g, '')}`);
  }
  return out;
}

/** The place a pointer argument points to: `&old` → `old`, `&(ext->Irql)` → `ext->Irql`, `p` → `*p`. */
function pointee(text: string): string {
  const t = compactText(text);
  return t.startsWith('&') ? compactText(t.slice(1)) : `*${t}`;
}

/** Where a call's return value is stored: `old = f()`, `KIRQL old = f();`. */
function returnTarget(call: SyntaxNode): string | undefined {
  let n: SyntaxNode = call;
  while (n.parent && (n.parent.type === 'parenthesized_expression' || n.parent.type === 'cast_expression')) n = n.parent;
  const p = n.parent;
  if (p?.type === 'assignment_expression' && p.childForFieldName('right')?.id === n.id) {
    return compactText(p.childForFieldName('left')?.text ?? '');
  }
  if (p?.type === 'init_declarator' && p.childForFieldName('value')?.id === n.id) {
    return compactText(p.childForFieldName('declarator')?.text ?? '');
  }
  return undefined;
}

function slotKey(slot: SaveSlot, args: readonly SyntaxNode[], call: SyntaxNode): string | undefined {
  if (slot === 'return') return returnTarget(call);
  if ('object' in slot) {
    const a = args[slot.object];
    return a ? `lock:${compactText(a.text).replace(/^&/, '')}` : undefined;
  }
  const a = args[slot.arg];
  if (!a) return undefined;
  return slot.pointer ? pointee(a.text) : compactText(a.text);
}

function levelOfText(text: string, ctx: AnalysisContext): Level | undefined {
  const named = parseLevel(text);
  if (named !== undefined) return named;
  const v = ctx.evaluate(text);
  return v === undefined ? undefined : levelFromNumber(Number(v));
}

function raiseLevel(to: RaiseTarget, args: readonly SyntaxNode[], ctx: AnalysisContext): Level | undefined {
  if (typeof to === 'number') return to;
  if ('levelArg' in to) {
    const a = args[to.levelArg];
    return a ? levelOfText(a.text, ctx) : undefined;
  }
  const kind = args[to.lockKindArg] ? compactText(args[to.lockKindArg].text) : '';
  return to.levels[kind] ?? to.otherwise;
}

function transfer(def: FunctionDefinition, state: IrqlState, call: SyntaxNode, ctx: AnalysisContext): IrqlState {
  const name = calleeName(call);
  if (!name) return state;
  const effect = irqlEffectOf(name);
  // Most calls change nothing: their arguments are read only when an effect or a summary needs them.
  let argsCache: SyntaxNode[] | undefined;
  const args = (): SyntaxNode[] => (argsCache ??= argumentsOf(call));
  if (effect?.kind === 'raise' && effect.noRaiseWhen && ctx.configured?.(effect.noRaiseWhen)) return state;
  if (effect?.kind === 'raise') {
    const level = raiseLevel(effect.to, args(), ctx);
    const value: IrqlValue =
      level === undefined
        ? {
            entryCap: null,
            parts: [
              {
                interval: interval(Level.Passive, Level.High),
                basis: 'assumed',
                key: `raise@${call.startIndex}`,
                steps: [step(def, call, `${name} sets the IRQL to a level that is not a known constant`)],
              },
            ],
          }
        : setLevel(level, {
            basis: 'proven',
            key: `raise@${def.source.filePath}:${call.startIndex}`,
            steps: [step(def, call, `${name} raises the IRQL to ${levelName(level)}`)],
          });
    const saved = new Map(state.saved);
    const locks = new Map(state.locks);
    const key = effect.save ? slotKey(effect.save, args(), call) : undefined;
    if (key) {
      saved.set(key, state.value);
      const lock = effect.lock !== undefined ? args()[effect.lock] : undefined;
      if (lock) locks.set(key, lockName(lock.text));
      else locks.delete(key);
    }
    return { ...state, value, saved, locks };
  }
  if (effect?.kind === 'restore') {
    const key = slotKey(effect.from, args(), call);
    const saved = new Map(state.saved);
    const locks = new Map(state.locks);
    let value: IrqlValue | undefined = key ? saved.get(key) : undefined;
    if (key) {
      saved.delete(key);
      locks.delete(key);
    }
    if (!value && typeof effect.from === 'object' && 'arg' in effect.from && !effect.from.pointer) {
      // KeLowerIrql(PASSIVE_LEVEL): a constant level rather than a saved one.
      const a = args()[effect.from.arg];
      const level = a ? levelOfText(a.text, ctx) : undefined;
      if (level !== undefined) {
        value = setLevel(level, {
          basis: 'proven',
          key: `lower@${def.source.filePath}:${call.startIndex}`,
          steps: [step(def, call, `${name} sets the IRQL to ${levelName(level)}`)],
        });
      }
    }
    return { ...state, value: value ?? ENTRY_VALUE, saved, locks };
  }
  const summary = ctx.summaryOf(call, name);
  if (!summary) return state;
  const rename = (key: string) => renameSlot(key, summary, args());
  let saved: Map<string, IrqlValue> | undefined;
  let locks: Map<string, string> | undefined;
  // A callee that drops the caller's lock and takes it again before returning (`Release(RcvLock); …;
  // Acquire(RcvLock)`) leaves the caller holding it as before, with the IRQL the caller saved.
  const retaken = summary.restores?.length && summary.saved?.size ? new Set(summary.restores.filter((key) => summary.saved!.has(key))) : NO_SLOTS;
  // An unlock wrapper restores what the caller (or a lock wrapper it called) saved.
  const restored: IrqlValue[] = [];
  for (const key of summary.restores ?? []) {
    const mine = rename(key);
    const value = mine ? state.saved.get(mine) : undefined;
    if (!mine || !value || retaken.has(key)) continue;
    saved ??= new Map(state.saved);
    locks ??= new Map(state.locks);
    saved.delete(mine);
    locks.delete(mine);
    restored.push(value);
  }
  let value = state.value;
  if (restored.length && summary.exit && !summary.exit.parts.length) value = restored.reduce(joinValues);
  else if ((summary.restores?.length ?? 0) > 0 && summary.exit && !summary.exit.parts.length) {
    // An unlock wrapper restoring a slot this function never saw: as for a release here, assume it goes back
    // to this function's entry IRQL (stated in the header's limits).
    value = ENTRY_VALUE;
  } else if (summary.exit) value = applySummary(def, state.value, summary, call);
  // A lock wrapper leaves its save behind, under the caller's name for the place.
  for (const [key, v] of summary.saved ?? []) {
    const mine = rename(key);
    if (!mine || (retaken.has(key) && state.saved.has(mine))) continue;
    saved ??= new Map(state.saved);
    saved.set(mine, v.entryCap ? joinValues(narrowValue(state.value, v.entryCap) ?? { entryCap: null, parts: [] }, { entryCap: null, parts: v.parts }) : v);
  }
  // Most project callees leave the IRQL as they found it: the state is passed on as it is.
  if (value === state.value && !saved && !locks) return state;
  return { ...state, value, saved: saved ?? state.saved, locks: locks ?? state.locks };
}

/** A saved slot's name: `lock:` for a lock's own slot, `*` for a pointee, the root variable, the path below it. */
const SLOT = /^(lock:)?(\*?)([A-Za-z_]\w*)(.*)$/;

/** The variable a slot name starts from (`ext` in `ext->OldIrql`): a callee's parameter, local or global. */
export function slotRoot(key: string): string | undefined {
  return SLOT.exec(key)?.[3];
}

/**
 * A callee's slot name in the caller's terms: `ext->OldIrql` with parameter `ext` bound to `&devCtx->Lock`
 * becomes `devCtx->Lock.OldIrql`. Slots of the callee's locals do not outlive it (undefined).
 */
function renameSlot(key: string, summary: CalleeSummary, args: readonly SyntaxNode[]): string | undefined {
  const m = SLOT.exec(key);
  if (!m) return undefined;
  const [, lockPrefix = '', star, root, rest] = m;
  const index = summary.params?.indexOf(root) ?? -1;
  if (index < 0) return summary.isLocal?.(root) ? undefined : key;
  const argNode = args[index];
  if (!argNode) return undefined;
  const arg = compactText(argNode.text);
  let renamed: string;
  if (arg.startsWith('&') && star) renamed = `${compactText(arg.slice(1))}${rest}`;
  else if (arg.startsWith('&') && rest.startsWith('->')) renamed = `${compactText(arg.slice(1))}.${rest.slice(2)}`;
  else if (arg.startsWith('&') && lockPrefix && !rest) renamed = compactText(arg.slice(1));
  else renamed = `${star}${arg}${rest}`;
  return `${lockPrefix}${renamed}`;
}

/** The caller's value after a call to a function whose exit value is `summary.exit`. */
export function applySummary(def: FunctionDefinition, current: IrqlValue, summary: CalleeSummary, call: SyntaxNode): IrqlValue {
  const exit = summary.exit!;
  let result: IrqlValue | null = null;
  if (exit.entryCap) result = narrowValue(current, exit.entryCap);
  if (exit.parts.length) {
    const parts: Evidence[] = exit.parts.map((p) =>
      // Through recursion the same call would be appended again and again: once is enough to explain.
      p.key.includes(`<${call.startIndex}`)
        ? p
        : { ...p, key: `${p.key}<${call.startIndex}`, steps: [...p.steps, step(def, call, `${summary.name} returns at ${formatInterval(p.interval)}`)] },
    );
    const fromCallee: IrqlValue = { entryCap: null, parts };
    result = result ? joinValues(result, fromCallee) : fromCallee;
  }
  return result ?? current;
}

function joinStates(a: IrqlState, b: IrqlState): IrqlState {
  // States are never changed once made, so a map that the join would only copy is shared.
  let saved: ReadonlyMap<string, IrqlValue> = a.saved;
  if (b.saved !== a.saved && b.saved.size) {
    for (const [k, v] of b.saved) {
      const prev = saved.get(k);
      const next = prev ? joinValues(prev, v) : v;
      if (next === prev) continue;
      if (saved === a.saved) saved = new Map(a.saved);
      (saved as Map<string, IrqlValue>).set(k, next);
    }
  }
  let locks: ReadonlyMap<string, string> = a.locks;
  if (b.locks !== a.locks && b.locks.size) for (const [k, v] of b.locks) {
    if (locks.has(k)) continue;
    if (locks === a.locks) locks = new Map(a.locks);
    (locks as Map<string, string>).set(k, v);
  }
  let facts: ReadonlyMap<string, boolean> = NO_FACTS;
  if (a.facts?.size && b.facts?.size) {
    let kept = 0;
    for (const [k, v] of a.facts) if (b.facts.get(k) === v) kept++;
    // Variants are joined by their facts' key, so most joins keep all of `a`'s: its map (and key) is shared.
    if (kept === a.facts.size) facts = a.facts;
    else if (kept) {
      const common = new Map<string, boolean>();
      for (const [k, v] of a.facts) if (b.facts.get(k) === v) common.set(k, v);
      facts = common;
    }
  }
  const value = joinValues(a.value, b.value);
  const sameFacts = facts === a.facts || (!facts.size && !a.facts?.size);
  return value === a.value && saved === a.saved && locks === a.locks && sameFacts ? a : { value, saved, locks, facts };
}

const stateKeys = new WeakMap<IrqlState, string>();

function stateKey(s: IrqlState): string {
  const cached = stateKeys.get(s);
  if (cached !== undefined) return cached;
  const key = computeStateKey(s);
  stateKeys.set(s, key);
  return key;
}

function computeStateKey(s: IrqlState, withTruths = true): string {
  if (!s.saved.size) return `${valueKey(s.value, withTruths)}#`;
  const saved = [...s.saved].map(([k, v]) => `${k}=${valueKey(v, withTruths)}@${s.locks.get(k) ?? ''}`).sort();
  return `${valueKey(s.value, withTruths)}#${saved.join(';')}`;
}

/** `KeGetCurrentIrql()` and the NDIS macro that wraps it. */
const IRQL_QUERY = /^(?:KeGetCurrentIrql|NDIS_CURRENT_IRQL)\s*\(\s*\)$/;

/**
 * Calls that assert a condition, with the index of the condition among their arguments (`ASSERTMSG(message,
 * condition)`): on the IRQL, what holds after them (checked builds stop otherwise).
 */
const ASSERTS: ReadonlyMap<string, number> = new Map([
  ['ASSERT', 0],
  ['NT_ASSERT', 0],
  ['NT_VERIFY', 0],
  ['WDFVERIFY', 0],
  ['ASSERTMSG', 1],
  ['NT_ASSERTMSG', 1],
  ['NT_ASSERTMSGW', 1],
  ['NT_VERIFYMSG', 1],
]);
const TRY_ACQUIRE_AT_DPC = new Set(['KeTryToAcquireSpinLockAtDpcLevel']);

/**
 * The IRQL range a guard on `KeGetCurrentIrql()` proves along one edge: undefined when it proves nothing, null
 * when no level satisfies it (the edge cannot be taken).
 */
export function guardInterval(cond: SyntaxNode, whenTrue: boolean, ctx: AnalysisContext): Interval | null | undefined {
  const c = unwrapParens(cond);
  if (c.type === 'unary_expression' && c.child(0)?.type === '!') {
    const arg = c.childForFieldName('argument');
    return arg ? guardInterval(arg, !whenTrue, ctx) : undefined;
  }
  // `if (KeTryToAcquireSpinLockAtDpcLevel(&l))`: either way, the caller is at DISPATCH_LEVEL or above (the DDI
  // requires it), and on the true edge it holds the lock without any change of IRQL.
  if (c.type === 'call_expression' && TRY_ACQUIRE_AT_DPC.has(calleeName(c) ?? '')) return interval(Level.Dispatch, Level.High);
  if (c.type !== 'binary_expression') return undefined;
  const op = c.child(1)?.type ?? '';
  const left = c.childForFieldName('left');
  const right = c.childForFieldName('right');
  if (!left || !right) return undefined;
  if ((op === '&&' && whenTrue) || (op === '||' && !whenTrue)) {
    const a = guardInterval(left, whenTrue, ctx);
    const b = guardInterval(right, whenTrue, ctx);
    if (a === null || b === null) return null;
    if (a && b) return meet(a, b);
    return a ?? b;
  }
  let cmp = op;
  let levelText: string;
  const isQuery = (text: string) => IRQL_QUERY.test(compactText(text)) || (ctx.irqlVariables?.has(compactText(text)) ?? false);
  if (isQuery(left.text)) levelText = right.text;
  else if (isQuery(right.text)) {
    levelText = left.text;
    cmp = ({ '<': '>', '<=': '>=', '>': '<', '>=': '<=' } as Record<string, string>)[op] ?? op;
  } else return undefined;
  const level = levelOfText(levelText, ctx);
  if (level === undefined) return undefined;
  if (!whenTrue) cmp = ({ '==': '!=', '!=': '==', '<': '>=', '<=': '>', '>': '<=', '>=': '<' } as Record<string, string>)[cmp] ?? '';
  const H = Level.High;
  switch (cmp) {
    case '==':
      return interval(level);
    case '!=':
      return level === Level.Passive ? interval(Level.Apc, H) : level === H ? interval(Level.Passive, Level.Dirql) : undefined;
    case '<':
      return level === Level.Passive ? undefined : interval(Level.Passive, (level - 1) as Level);
    case '<=':
      return interval(Level.Passive, level);
    case '>':
      return level === H ? undefined : interval((level + 1) as Level, H);
    case '>=':
      return interval(level, H);
    default:
      return undefined;
  }
}

/** `switch (IrpSp->MajorFunction)` / `switch (IrpContext->MajorFunction)`. */
const MAJOR_FUNCTION = /(?:->|\.)\s*MajorFunction$/;

/** The IRQL a dispatch routine's `case IRP_MJ_…:` runs at; undefined for any other case. */
function caseInterval(caseOf: CaseGuard, ctx: AnalysisContext): Interval | undefined {
  if (!ctx.dispatchRoutine || !MAJOR_FUNCTION.test(compactText(caseOf.discriminant.text))) return undefined;
  return dispatchIrqlOf(caseOf.value.text);
}

function narrowOnEdge(state: IrqlState, edge: CfgEdge, ctx: AnalysisContext, params: ParameterFacts): IrqlState | null {
  if (edge.caseOf) {
    const major = caseInterval(edge.caseOf, ctx);
    return major ? { ...state, value: narrowValue(state.value, major) ?? state.value } : state;
  }
  const guard = edge.guard;
  if (!guard) return state;
  let g = guardIntervals.get(guard);
  if (g === undefined) {
    const proven = guardInterval(guard.condition, guard.whenTrue, ctx);
    guardIntervals.set(guard, (g = proven === undefined ? false : proven));
  }
  if (g === null) return null;
  let value: IrqlValue | null = g ? narrowValue(state.value, g) : state.value;
  if (value?.entryCap && params.any) value = narrowEntryOnGuard(value, guard, params);
  return value ? (value === state.value ? state : { ...state, value }) : null;
}

/**
 * What each guard proves about the IRQL (false: nothing), computed once: the fixpoint crosses an edge many times,
 * and the answer depends only on the guard and its function.
 */
const guardIntervals = new WeakMap<Guard, Interval | null | false>();

/**
 * What a test of a parameter says about the entry IRQL: an NDIS dispatch-level flag set means the function was
 * entered at DISPATCH_LEVEL; any other test of a parameter is remembered on the entry IRQL (`entryWhen`), for the
 * callers whose argument decides it.
 */
function narrowEntryOnGuard(value: IrqlValue, guard: Guard, params: ParameterFacts): IrqlValue | null {
  let test = guardParameterTests.get(guard);
  if (!test) {
    const fact = guardFact(guard);
    test = {
      stated: params.entryStatedBy(guard.condition.text, guard.whenTrue),
      param: fact && params.isStable(fact.base) ? { name: fact.base, truth: guard.whenTrue ? fact.polarity : !fact.polarity } : undefined,
    };
    guardParameterTests.set(guard, test);
  }
  const { stated, param } = test;
  if (stated) {
    const cap = meet(value.entryCap!, stated);
    if (!cap) return value.parts.length ? { entryCap: null, parts: value.parts } : null;
    value = { ...value, entryCap: cap };
  }
  return param ? withEntryTruth(value, param.name, param.truth) : value;
}

/** `conditionFact` of a guard's condition, once per guard. */
function guardFact(guard: Guard): { base: string; polarity: boolean } | undefined {
  let fact = guardFacts.get(guard);
  if (fact === undefined) guardFacts.set(guard, (fact = conditionFact(guard.condition) ?? null));
  return fact ?? undefined;
}

const guardFacts = new WeakMap<Guard, { base: string; polarity: boolean } | null>();
const guardParameterTests = new WeakMap<Guard, { readonly stated?: Interval; readonly param?: { readonly name: string; readonly truth: boolean } }>();

/** Facts about a function's parameters, for the tests on them. */
export interface ParameterFacts {
  /** Whether the function has parameters at all (without them no test is on a caller's argument). */
  readonly any: boolean;
  /** A parameter the body never assigns nor passes by address: a test on it is a test on the caller's argument. */
  isStable(name: string): boolean;
  /** The entry IRQL a condition (or an argument, for its callee) states when it has the truth `whenTrue`. */
  entryStatedBy(text: string, whenTrue: boolean): Interval | undefined;
}

const parameterFactsCache = new WeakMap<FunctionDefinition, ParameterFacts>();

/** Whether a body may test an NDIS dispatch-level flag (a cheap filter before parsing conditions). */
const MENTIONS_DISPATCH_FLAG = /\bNDIS_\w*(?:FLAGS_DISPATCH_LEVEL|AT_DISPATCH_LEVEL)\b/;

export function parameterFactsOf(def: FunctionDefinition): ParameterFacts {
  const cached = parameterFactsCache.get(def);
  if (cached) return cached;
  // Read lazily: most functions test no parameter and no dispatch-level flag, and the scan of a body for
  // assignments (`nameUsesOf`) is then not needed.
  const text = def.params.length ? bodyText(def) : '';
  const isStable = (name: string): boolean =>
    def.params.includes(name) && /^[A-Za-z_]\w*$/.test(name) && assignmentCount(def, name) === 0 && !addressTaken(def, name);
  let flagsTested: boolean | undefined;
  // A local that only ever holds one value (`BOOLEAN fAtDispatch = (SendFlags & …) ? TRUE : FALSE;`).
  const valueOfLocal = (name: string): string | undefined => {
    if (isStable(name) || assignmentCount(def, name) !== 1 || addressTaken(def, name)) return undefined;
    return new RegExp(`\\b${name}\\s*=(?!=)\\s*([^;]+);`).exec(text)?.[1];
  };
  const facts: ParameterFacts = {
    any: def.params.length > 0,
    isStable,
    entryStatedBy: (condition, whenTrue) => {
      if (!(flagsTested ??= MENTIONS_DISPATCH_FLAG.test(text) && def.params.some(isStable))) return undefined;
      const test = dispatchFlagTest(condition, valueOfLocal);
      return test && isStable(test.flags) && whenTrue === test.whenSet ? interval(Level.Dispatch) : undefined;
    },
  };
  parameterFactsCache.set(def, facts);
  return facts;
}

const TRUE_TEXT = /^(?:TRUE|true|1)$/;
const FLAG_BIT = /^([A-Za-z_][\w>.\-]*)&([A-Z][A-Z0-9_]*)$|^([A-Z][A-Z0-9_]*)&([A-Za-z_][\w>.\-]*)$/;

/**
 * An NDIS dispatch-level flag tested in a variable — `SendFlags & NDIS_SEND_FLAGS_DISPATCH_LEVEL`,
 * `NDIS_TEST_SEND_AT_DISPATCH_LEVEL(SendFlags)`, `FlagOn(…)`, negated, compared with 0 or turned into TRUE/FALSE by
 * `?:` — as the variable holding the flags and the truth of the text that means the flag is set. `local` gives the
 * one value of a local that holds such a test.
 */
export function dispatchFlagTest(
  text: string,
  local?: (name: string) => string | undefined,
  depth = 0,
): { flags: string; whenSet: boolean } | undefined {
  const { expression: t, truth: whenSet } = testedExpression(text);
  const flip = (inner: { flags: string; whenSet: boolean } | undefined, by: boolean) =>
    inner && { flags: inner.flags, whenSet: by ? !inner.whenSet === whenSet : inner.whenSet === whenSet };
  if (depth > 3) return undefined;
  const choice = /^(.+)\?(TRUE|true|1|FALSE|false|0):(TRUE|true|1|FALSE|false|0)$/.exec(t);
  if (choice && TRUE_TEXT.test(choice[2]) !== TRUE_TEXT.test(choice[3])) {
    return flip(dispatchFlagTest(choice[1], local, depth + 1), !TRUE_TEXT.test(choice[2]));
  }
  const bit = FLAG_BIT.exec(t);
  if (bit) {
    const [flags, flag] = bit[1] ? [bit[1], bit[2]] : [bit[4], bit[3]];
    return DISPATCH_LEVEL_FLAGS.has(flag) ? { flags, whenSet } : undefined;
  }
  const macro = /^([A-Za-z_]\w*)\(([A-Za-z_][\w>.\-]*)(?:,([A-Z][A-Z0-9_]*))?\)$/.exec(t);
  if (macro) {
    const [, name, flags, flag] = macro;
    if (!flag && DISPATCH_LEVEL_FLAG_TESTS.has(name)) return { flags, whenSet };
    if (flag && /^(?:Boolean)?FlagOn$/.test(name) && DISPATCH_LEVEL_FLAGS.has(flag)) return { flags, whenSet };
    return undefined;
  }
  if (local && /^[A-Za-z_]\w*$/.test(t)) {
    const value = local(t);
    return value ? flip(dispatchFlagTest(value, local, depth + 1), false) : undefined;
  }
  return undefined;
}

/** Run the dataflow over one function. */
export function analyzeFunction(definition: FunctionDefinition, analysisContext: AnalysisContext): FunctionIrql {
  const cfg: Cfg = definition.cfg;
  let aliases: Map<string, string> | undefined;
  const ctx: AnalysisContext = {
    ...analysisContext,
    irqlVariables: irqlVariablesOf(definition),
    // Only a release whose lock is spelled differently from its acquire needs them.
    lockAliases: () => (aliases ??= lockAliasesOf(definition)),
  };
  const correlated = correlatedConditions(cfg);
  const factEffects = correlated.size ? factEffectsOf(cfg, correlated) : undefined;
  const limits = statedLimits(definition, ctx);
  const params = parameterFactsOf(definition);
  // Each node holds up to MAX_VARIANTS states told apart by the branch facts on the way (`AtDIRQL` true/false),
  // so that `if (!AtDIRQL) acquire; … if (!AtDIRQL) release;` is not read as acquire-without-release. Functions
  // without a condition tested twice (most) keep one state per node, in `single`, and no maps of variants.
  // CFG node ids are their indices in `cfg.nodes`.
  const single: (IrqlState | undefined)[] | undefined = correlated.size ? undefined : new Array(cfg.nodes.length);
  const variants: (Map<string, IrqlState> | undefined)[] = single ? [] : new Array(cfg.nodes.length);
  // The variants of a node that changed since it was last visited: only those are visited again (the others
  // would send their successors what they already hold).
  const dirty: (Set<string> | typeof ALL_VARIANTS | undefined)[] = single ? [] : new Array(cfg.nodes.length);
  const beforeCall = new Map<number, IrqlValue>();
  const entryValue = ctx.pageableSection ? narrowValue(ENTRY_VALUE, interval(Level.Passive, Level.Apc)) ?? ENTRY_VALUE : ENTRY_VALUE;
  const start: IrqlState = { value: entryValue, saved: new Map(), locks: new Map(), facts: new Map() };
  if (single) single[cfg.entry.id] = start;
  else {
    variants[cfg.entry.id] = new Map([['', start]]);
    dirty[cfg.entry.id] = ALL_VARIANTS;
  }
  const queued = new Uint8Array(cfg.nodes.length);
  queued[cfg.entry.id] = 1;
  const worklist: CfgNode[] = [cfg.entry];
  /** Whether `out` changed what node `to` holds. */
  const addTo = (to: number, out: IrqlState): boolean => {
    if (single) {
      const prev = single[to];
      if (!prev) {
        single[to] = out;
        return true;
      }
      const joined = joinStates(prev, out);
      if (joined === prev) return false;
      single[to] = joined;
      return changedBy(prev, joined);
    }
    const target = variants[to] ?? new Map<string, IrqlState>();
    const changed = addVariant(target, out);
    if (changed === undefined) return false;
    variants[to] = target;
    const marked = dirty[to];
    if (changed === ALL_VARIANTS || marked === ALL_VARIANTS) dirty[to] = ALL_VARIANTS;
    else if (marked) marked.add(changed);
    else dirty[to] = new Set<string>().add(changed);
    return true;
  };
  // Indexed loops here and below: the fixpoint runs long before V8 optimizes it, and until then each step of a
  // `for … of` allocates.
  const visit = (node: CfgNode, state: IrqlState): void => {
    const stated = limits.get(node.id);
    if (stated) state = { ...state, value: narrowValue(state.value, stated) ?? state.value };
    const { calls, succ } = node;
    for (let i = 0; i < calls.length; i++) {
      const call = calls[i]!;
      const prev = beforeCall.get(call.id);
      beforeCall.set(call.id, prev ? joinValues(prev, state.value) : state.value);
      state = transfer(definition, state, call, ctx);
      const asserted = assertedIrql(call, ctx);
      if (asserted) state = { ...state, value: narrowValue(state.value, asserted) ?? state.value };
    }
    state = copySavedSlot(node, state);
    if (factEffects) state = updateAssignedFacts(factEffects[node.id], state);
    for (let i = 0; i < succ.length; i++) {
      const edge = succ[i]!;
      let out = narrowOnEdge(state, edge, ctx, params);
      if (out && edge.guard && correlated.size) out = recordFact(out, edge.guard, correlated);
      if (!out || !addTo(edge.to.id, out)) continue;
      if (!queued[edge.to.id]) {
        queued[edge.to.id] = 1;
        worklist.push(edge.to);
      }
    }
  };
  // A finite lattice guarantees termination; the budget only bounds pathological inputs.
  let budget = cfg.nodes.length * 50 + 1000;
  while (worklist.length && budget-- > 0) {
    const node = worklist.shift()!;
    queued[node.id] = 0;
    if (single) visit(node, single[node.id]!);
    else {
      const changed = dirty[node.id];
      dirty[node.id] = undefined;
      variants[node.id]!.forEach((state, key) => {
        if (changed === ALL_VARIANTS || changed?.has(key)) visit(node, state);
      });
    }
  }
  let nodeIn = single;
  if (!nodeIn) {
    nodeIn = new Array(cfg.nodes.length);
    variants.forEach((v, id) => {
      if (v) nodeIn![id] = v.size === 1 ? v.values().next().value! : [...v.values()].reduce(joinStates);
    });
  }
  const exitState = nodeIn[cfg.exit.id];
  const post = postPass(definition, nodeIn, ctx);
  return {
    definition,
    beforeCall,
    // Queries after the analysis need only each node's value: the states, their saved slots and the map go.
    valueAt: cfg.nodes.map((n) => nodeIn[n.id]?.value),
    exit: exitState?.value,
    exitSaved: exitState?.saved ?? new Map(),
    restoresUnsaved: post.restoresUnsaved,
    releaseIssues: post.issues,
  };
}

/**
 * `_IRQL_limited_to_(PASSIVE_LEVEL);` inside a body says what IRQL the code after it runs at: the blanked
 * annotation leaves an empty statement, whose CFG node narrows the IRQL.
 */
function statedLimits(def: FunctionDefinition, ctx: AnalysisContext): Map<number, Interval> {
  const out = new Map<number, Interval>();
  const inBody = def.source.annotations.filter((a) => a.name === '_IRQL_limited_to_' && a.start > def.body.startIndex && a.end < def.body.endIndex);
  if (!inBody.length) return out;
  const statements = def.cfg.nodes.filter((n) => n.ast && n.kind === 'statement').sort((a, b) => a.ast!.startIndex - b.ast!.startIndex);
  for (const a of inBody) {
    const level = a.args ? levelOfText(a.args, ctx) : undefined;
    const target = statements.find((n) => n.ast!.startIndex >= a.end);
    if (level !== undefined && target) out.set(target.id, interval(Level.Passive, level));
  }
  return out;
}

/**
 * The IRQL an `ASSERT(KeGetCurrentIrql() <= APC_LEVEL)` states, or `PAGED_CODE()` (the same assertion, as PREfast
 * reads it): the code after it runs at most at APC_LEVEL. Undefined for any other call. The function's entry keeps
 * what its callers give, so IrqlPagedCode still reports a caller at DISPATCH_LEVEL, once, rather than every
 * paged-pool call after the assertion again.
 */
function assertedIrql(call: SyntaxNode, ctx: AnalysisContext): Interval | undefined {
  const name = calleeName(call);
  if (name === 'PAGED_CODE') return interval(Level.Passive, Level.Apc);
  const index = name ? ASSERTS.get(name) : undefined;
  if (index === undefined) return undefined;
  let asserted = assertions.get(call);
  if (asserted === undefined) {
    const condition = argumentsOf(call)[index];
    assertions.set(call, (asserted = (condition && guardInterval(condition, true, ctx)) || null));
  }
  return asserted ?? undefined;
}

/** What each assertion states, computed once per call node (the fixpoint passes it many times). */
const assertions = new WeakMap<SyntaxNode, Interval | null>();

/**
 * Names assigned from `KeGetCurrentIrql()` and nothing else in the function (no other assignment, no address
 * taken — `KeAcquireSpinLock(&l, &irql)` would overwrite it), so that a test on them is a test on the IRQL.
 */
function irqlVariablesOf(def: FunctionDefinition): ReadonlySet<string> {
  const text = bodyText(def);
  if (!text.includes('KeGetCurrentIrql')) return new Set();
  const out = new Set<string>();
  for (const m of text.matchAll(/\b([A-Za-z_]\w*)\s*=\s*KeGetCurrentIrql\s*\(\s*\)/g)) out.add(m[1]);
  for (const name of [...out]) {
    const assignments = assignmentCount(def, name);
    const fromQuery = text.match(new RegExp(`\\b${name}\\s*=\\s*KeGetCurrentIrql`, 'g'))?.length ?? 0;
    if (assignments !== fromQuery || addressTaken(def, name)) out.delete(name);
  }
  return out;
}

const MAX_VARIANTS = 6;
const NO_SLOTS: ReadonlySet<string> = new Set();
const NO_FACTS: ReadonlyMap<string, boolean> = new Map();

/**
 * A condition without calls, reduced to its tested expression and polarity: `!AtDIRQL` → AtDIRQL, false;
 * `Filter->Flags & EXAMINE_UNDER_LOCK` (a flag bit) is kept whole.
 */
function conditionFact(cond: SyntaxNode): { base: string; polarity: boolean } | undefined {
  const { expression: text, truth: polarity } = testedExpression(cond.text);
  if (PATH.test(text)) return { base: text, polarity };
  const bit = /^\(?([A-Za-z_][\w>.\-[\]]*)&([A-Z][A-Z0-9_]*|0x[0-9A-Fa-f]+|\d+)\)?$/.exec(text);
  if (bit) return { base: `${bit[1]}&${bit[2]}`, polarity };
  // A saved IRQL compared with a level (`irql < DISPATCH_LEVEL`): kept whole; see `updateAssignedFacts`.
  const level = /^([A-Za-z_]\w*)(<=|>=|<|>)([A-Z][A-Z0-9_]*_LEVEL|\d+)$/.exec(text);
  return level ? { base: `${level[1]}${level[2]}${level[3]}`, polarity } : undefined;
}

/** A variable or field path: what a fact is about, and what an assignment ends. */
const PATH = /^[A-Za-z_][\w>.\-[\]]*$/;

/** A fact's base that compares a variable with a level (`irql<DISPATCH_LEVEL`), and that variable. */
const LEVEL_BASE = /^([A-Za-z_]\w*)(?:<=|>=|<|>)/;

/**
 * The variable or field a fact's base tests: `Filter->Flags` for a flag bit, `irql` for a level comparison, the
 * path itself otherwise (its `->` is not a comparison).
 */
const paths = new Map<string, string>();
function pathOf(base: string): string {
  let path = paths.get(base);
  if (path === undefined) {
    if (paths.size >= MAX_CACHED_PATHS) paths.clear();
    paths.set(base, (path = LEVEL_BASE.exec(base)?.[1] ?? base.split('&')[0]!));
  }
  return path;
}

/**
 * `KeRaiseIrql(DISPATCH_LEVEL, &irql)` or `KeAcquireSpinLock(&l, &irql)` stores the IRQL from before the call into
 * `irql`: after `if (irql < DISPATCH_LEVEL) KeRaiseIrql(DISPATCH_LEVEL, &irql)` the test on `irql` keeps its truth,
 * so the lower under the same test later pairs with the raise.
 */
const SAVES_PREVIOUS_IRQL = /^\s*(?:KeRaiseIrql|KeAcquireSpinLock)\s*\((?:[^;]*),\s*&\s*\(?\s*([A-Za-z_]\w*)\s*\)?\s*\)\s*;?\s*$/;

/** A statement ending in a constant truth, and then only white space, `)` and `;` (what `constantAssignment` allows). */
const ENDS_IN_CONSTANT = /(?:TRUE|FALSE|true|false|0|1)[\s;)]*$/;

/** `lockHeld = TRUE;`, `BOOLEAN lockHeld = FALSE;`: the variable and the constant truth it is given. */
function constantAssignment(statement: string): { path: string; value: boolean } | undefined {
  // Most statements end otherwise: told apart before the pattern, which is slow on long ones.
  if (!ENDS_IN_CONSTANT.test(statement)) return undefined;
  const m = /^(?:[A-Za-z_][\w\s*]*\s)?\s*([A-Za-z_][\w>.\-[\]]*)\s*=\s*\(?\s*(TRUE|FALSE|true|false|0|1)\s*\)?\s*;?$/.exec(statement.trim());
  return m ? { path: m[1].replace(/\s+/g, ''), value: m[2] === 'TRUE' || m[2] === 'true' || m[2] === '1' } : undefined;
}

/**
 * Conditions worth keeping paths apart for: tested by two or more branches of the function, or tested once and
 * set to a constant elsewhere (`lockHeld = TRUE` after an acquire, `if (lockHeld) release` at the exit).
 */
function correlatedConditions(cfg: Cfg): Set<string> {
  const counts = new Map<string, number>();
  for (const node of cfg.nodes) {
    for (const edge of node.succ) {
      if (!edge.guard || !edge.guard.whenTrue) continue;
      const fact = guardFact(edge.guard);
      if (fact) counts.set(fact.base, (counts.get(fact.base) ?? 0) + 1);
    }
  }
  if (!counts.size) return new Set();
  // A constant assignment counts only for a condition tested once (the others are in already).
  if ([...counts.values()].includes(1)) {
    for (const node of cfg.nodes) {
      if (node.kind !== 'statement' || !node.ast) continue;
      const assigned = statementFactsOf(node).constant;
      if (assigned && counts.has(assigned.path)) counts.set(assigned.path, counts.get(assigned.path)! + 1);
    }
  }
  return new Set([...counts].filter(([, n]) => n >= 2).map(([base]) => base));
}

function recordFact(state: IrqlState, guard: Guard, correlated: ReadonlySet<string>): IrqlState | null {
  const fact = guardFact(guard);
  if (!fact || !correlated.has(fact.base)) return state;
  const value = guard.whenTrue ? fact.polarity : !fact.polarity;
  const known = state.facts?.get(fact.base);
  if (known !== undefined) return known === value ? state : null;
  const facts = new Map(state.facts ?? []);
  facts.set(fact.base, value);
  return { ...state, facts };
}

/** What a statement does to the branch facts. */
interface FactEffect {
  /** `lockHeld = TRUE;` for a tested `lockHeld`: that is what is known of it from here on. */
  readonly constant: { readonly path: string; readonly value: boolean } | null;
  /** The facts whose variable the statement assigns otherwise: nothing is known of them from here on. */
  readonly ends: readonly string[];
}

/**
 * Per CFG node of a function whose conditions are tested more than once (`correlated`), what the node does to the
 * facts; undefined where it does nothing. Read once per function, not on each visit of the fixpoint.
 */
function factEffectsOf(cfg: Cfg, correlated: ReadonlySet<string>): (FactEffect | undefined)[] {
  const tested = [...correlated].map((base) => ({ base, path: pathOf(base), comparesLevel: LEVEL_BASE.test(base) }));
  const effects: (FactEffect | undefined)[] = new Array(cfg.nodes.length);
  for (const node of cfg.nodes) {
    if (!node.ast || node.kind !== 'statement') continue;
    const statement = statementFactsOf(node);
    const constant = statement.constant && correlated.has(statement.constant.path) ? statement.constant : null;
    const ends: string[] = [];
    if (!constant && MAY_ASSIGN.test(statement.text)) {
      let savedInto: string | null | undefined;
      for (const { base, path, comparesLevel } of tested) {
        // `KeRaiseIrql(…, &irql)` assigns `irql`, but a test of the saved level (`irql < DISPATCH_LEVEL`) stays.
        if (comparesLevel && path === (savedInto ??= SAVES_PREVIOUS_IRQL.exec(statement.text)?.[1] ?? null)) continue;
        if (assignsPath(statement.text, path)) ends.push(base);
      }
    }
    if (constant || ends.length) effects[node.id] = { constant, ends };
  }
  return effects;
}

/**
 * A statement that assigns a tested variable ends what the branches knew about it, unless it gives it a constant:
 * then that is what is known (`lockHeld = TRUE`).
 */
function updateAssignedFacts(effect: FactEffect | undefined, state: IrqlState): IrqlState {
  if (!effect) return state;
  const { constant } = effect;
  if (constant) {
    const facts = new Map(state.facts ?? []);
    facts.set(constant.path, constant.value);
    for (const base of facts.keys()) if (base !== constant.path && pathOf(base) === constant.path) facts.delete(base);
    return { ...state, facts };
  }
  if (!state.facts?.size) return state;
  let facts: Map<string, boolean> | undefined;
  for (const base of effect.ends) {
    if (!state.facts.has(base)) continue;
    facts ??= new Map(state.facts);
    facts.delete(base);
  }
  return facts ? { ...state, facts } : state;
}

/** What the branch facts read of a statement node, read once (by `correlatedConditions` and `factEffectsOf`). */
interface StatementFacts {
  readonly text: string;
  /** `lockHeld = TRUE;`: the path and the constant it is given; null for any other statement. */
  readonly constant: { readonly path: string; readonly value: boolean } | null;
}

const statementFacts = new WeakMap<CfgNode, StatementFacts>();

function statementFactsOf(node: CfgNode): StatementFacts {
  let facts = statementFacts.get(node);
  if (!facts) {
    const text = node.ast?.text ?? '';
    facts = { text, constant: constantAssignment(text) ?? null };
    statementFacts.set(node, facts);
  }
  return facts;
}

/** What every assignment `assignsPath` finds holds: `=` (also in `+=`, `|=`…), `++`, `--` or `&`. */
const MAY_ASSIGN = /[=&]|\+\+|--/;

/**
 * Whether `text` may write `path`: `path = …` (not `==`), `path += …` and the other compound assignments, `path++`,
 * `path--`, `++path`, `--path`, or `&path` (its address passed on). For the forms after `path`, it must start the
 * operand (`other.ext->Held = …` does not assign `ext->Held`); for the forms before it, it must end at a word
 * boundary. A scan, not a pattern per path (compiling those was most of the cost).
 */
export function assignsPath(text: string, path: string): boolean {
  if (!path) return false;
  for (let at = text.indexOf(path); at >= 0; at = text.indexOf(path, at + 1)) {
    const end = at + path.length;
    if ((at === 0 || !WORD_OR_MEMBER.test(text[at - 1]!)) && assignmentFollows(text, end)) return true;
    if (isWord(text[end - 1]) !== isWord(text[end]) && writePrecedes(text, at)) return true;
  }
  return false;
}

const WORD_OR_MEMBER = /[\w>.]/;
const WORD = /\w/;
const SPACE = /\s/;
const isWord = (c: string | undefined): boolean => c !== undefined && WORD.test(c);

/** `=` but not `==`, `++`, `--`, or a compound assignment (`-=`, `+=`, `|=`, `&=`, `^=`) at `from`, after white space. */
function assignmentFollows(text: string, from: number): boolean {
  let i = from;
  while (i < text.length && SPACE.test(text[i]!)) i++;
  const c = text[i];
  const next = text[i + 1];
  if (c === '=') return next !== undefined && next !== '=';
  if ((c === '+' || c === '-') && next === c) return true;
  return (c === '-' || c === '+' || c === '|' || c === '&' || c === '^') && next === '=';
}

/** `&`, `++` or `--` just before `at`, white space between allowed. */
function writePrecedes(text: string, at: number): boolean {
  let j = at - 1;
  while (j >= 0 && SPACE.test(text[j]!)) j--;
  if (text[j] === '&') return true;
  return (text[j] === '+' || text[j] === '-') && text[j - 1] === text[j];
}

/** Facts maps are never changed once made and are shared by the states spread from one another: keyed once. */
const factsKeys = new WeakMap<ReadonlyMap<string, boolean>, string>();
function factsKey(facts: ReadonlyMap<string, boolean> | undefined): string {
  if (!facts?.size) return '';
  let key = factsKeys.get(facts);
  if (key === undefined) {
    const parts: string[] = [];
    for (const [k, v] of facts) parts.push(v ? k : `!${k}`);
    // In place: a handful of facts, and Array.prototype.sort copies its array first (a copy per new facts map).
    for (let i = 1; i < parts.length; i++) {
      const part = parts[i]!;
      let j = i;
      for (; j > 0 && parts[j - 1]! > part; j--) parts[j] = parts[j - 1]!;
      parts[j] = part;
    }
    key = parts.length === 1 ? parts[0]! : parts.join('&');
    factsKeys.set(facts, key);
  }
  return key;
}

/**
 * Join `state` into the variant of its facts. Returns the key of the variant that changed, ALL_VARIANTS when the
 * variants were merged into fewer, or undefined when nothing changed.
 */
function addVariant(target: Map<string, IrqlState>, state: IrqlState): string | typeof ALL_VARIANTS | undefined {
  const key = factsKey(state.facts);
  const prev = target.get(key);
  if (prev) {
    const joined = joinStates(prev, state);
    if (joined === prev) return undefined;
    target.set(key, joined);
    return changedBy(prev, joined) ? key : undefined;
  }
  // Only a new variant past the limit merges; its outcome is compared whole.
  const before = target.size === MAX_VARIANTS ? new Map(target) : undefined;
  target.set(key, state);
  if (target.size > MAX_VARIANTS) {
    // Too many paths apart. First merge the ones whose IRQL state is the same (their facts no longer matter for
    // what they differ in; the parameter truths on their entry IRQL are intersected); if that is not enough, fold
    // all into one state that knows what all of them know.
    const groups = new Map<string, IrqlState>();
    for (const v of target.values()) {
      const k = computeStateKey(v, false);
      const g = groups.get(k);
      groups.set(k, g ? joinStates(g, v) : v);
    }
    target.clear();
    const merged = groups.size > MAX_VARIANTS ? [[...groups.values()].reduce(joinStates)] : [...groups.values()];
    for (const v of merged) {
      const key = factsKey(v.facts);
      const prev = target.get(key);
      target.set(key, prev ? joinStates(prev, v) : v);
    }
    return sameVariants(before!, target) ? undefined : ALL_VARIANTS;
  }
  return key;
}
const ALL_VARIANTS = Symbol('all variants');

/** Whether a join changed what a state says (its key). */
function changedBy(prev: IrqlState, joined: IrqlState): boolean {
  // Most joins change nothing and share the maps they would copy: told apart without making the keys.
  if (joined.saved === prev.saved && joined.locks === prev.locks && sameValue(joined.value, prev.value)) return false;
  return stateKey(joined) !== stateKey(prev);
}

/** Whether two nodes' variants say the same: the same facts keys, each with a state of the same key. */
function sameVariants(a: ReadonlyMap<string, IrqlState>, b: ReadonlyMap<string, IrqlState>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, state] of a) {
    const other = b.get(key);
    if (!other || (other !== state && stateKey(other) !== stateKey(state))) return false;
  }
  return true;
}

/**
 * `LockHandle->Context.OldIrql = (UCHAR)oldIrql;` — a saved IRQL copied to another place is saved there too
 * (wrappers keep the value of a local in the caller's lock handle).
 */
function copySavedSlot(node: CfgNode, state: IrqlState): IrqlState {
  if (!state.saved.size || node.kind !== 'statement') return state;
  const copy = plainCopyOf(node);
  const value = copy ? state.saved.get(copy.from) : undefined;
  if (!copy || !value) return state;
  const saved = new Map(state.saved);
  saved.set(copy.to, value);
  return { ...state, saved };
}

/** The fixpoint visits a node many times: what is read from its syntax is read once. */
const plainCopies = new WeakMap<CfgNode, { readonly from: string; readonly to: string } | null>();

/** `to = (cast)from;` as normalised texts; null for any other statement. */
function plainCopyOf(node: CfgNode): { readonly from: string; readonly to: string } | null {
  const cached = plainCopies.get(node);
  if (cached !== undefined) return cached;
  let copy: { from: string; to: string } | null = null;
  const ast = node.ast;
  const assignment = ast?.type === 'expression_statement' ? ast.namedChildren[0] : undefined;
  if (assignment?.type === 'assignment_expression' && assignment.child(1)?.type === '=') {
    let right = assignment.childForFieldName('right');
    while (right && (right.type === 'cast_expression' || right.type === 'parenthesized_expression')) {
      right = right.type === 'cast_expression' ? right.childForFieldName('value') : (right.namedChildren[0] ?? null);
    }
    const left = assignment.childForFieldName('left');
    if (right && left) copy = { from: compactText(right.text), to: compactText(left.text) };
  }
  plainCopies.set(node, copy);
  return copy;
}

/**
 * With the fixpoint reached, check every release against what was acquired on the paths reaching it, and list
 * the slots restored without a save here (an unlock wrapper's, for its summary).
 */
function postPass(
  def: FunctionDefinition,
  nodeIn: readonly (IrqlState | undefined)[],
  ctx: AnalysisContext,
): { issues: ReleaseIssue[]; restoresUnsaved: string[] } {
  const issues: ReleaseIssue[] = [];
  const restoresUnsaved = new Set<string>();
  // Only releases are checked and only restores listed: a function that reaches none (most) has nothing to walk
  // again. (Indexed loops: most functions pass here once, before V8 optimizes this, and a `for … of` allocates.)
  const nodes = def.cfg.nodes;
  let reached = false;
  for (let i = 0; i < nodes.length && !reached; i++) {
    const { id, calls } = nodes[i]!;
    if (!nodeIn[id]) continue;
    for (let j = 0; j < calls.length && !reached; j++) {
      const name = calleeName(calls[j]!);
      const effect = name ? irqlEffectOf(name) : undefined;
      reached = effect?.kind === 'restore' || (!effect && !!name && !!ctx.summaryOf(calls[j]!, name)?.restores?.length);
    }
  }
  if (!reached) return { issues, restoresUnsaved: [] };
  // A release before any acquire of its slot in the source (`while (…) { Release(l); …; Acquire(l); }`) restores
  // the caller's save, even where the loop's back edge brings this function's own.
  const firstSave = new Map<string, number>();
  for (const node of nodes) {
    for (const call of node.calls) {
      const name = calleeName(call);
      const effect = name ? irqlEffectOf(name) : undefined;
      const key = effect?.kind === 'raise' && effect.save ? slotKey(effect.save, argumentsOf(call), call) : undefined;
      if (key && !(call.startIndex >= (firstSave.get(key) ?? Infinity))) firstSave.set(key, call.startIndex);
    }
  }
  const releasedFirst = (key: string, call: SyntaxNode): boolean => call.startIndex < (firstSave.get(key) ?? Infinity);
  for (const node of nodes) {
    let state = nodeIn[node.id];
    if (!state) continue;
    for (const call of node.calls) {
      const name = calleeName(call);
      const effect = name ? irqlEffectOf(name) : undefined;
      if (effect?.kind === 'restore' && typeof effect.from === 'object' && 'arg' in effect.from) {
        const args = argumentsOf(call);
        const key = slotKey(effect.from, args, call);
        const savedSlots = [...state.saved.keys()].filter((k) => !k.startsWith('lock:'));
        const constant = isConstantLevel(args[effect.from.arg]?.text ?? '', ctx);
        if (key && !state.saved.has(key) && !constant) restoresUnsaved.add(key);
        if (key && !state.saved.has(key) && savedSlots.length > 0 && !constant) {
          issues.push({ call, kind: 'slot', slot: key, savedSlots });
        } else if (key && effect.lock !== undefined && state.locks.has(key)) {
          const released = args[effect.lock] ? lockName(args[effect.lock].text) : undefined;
          const acquired = state.locks.get(key)!;
          if (released && released !== acquired && !sameLock(released, acquired, ctx.lockAliases?.())) issues.push({ call, kind: 'lock', slot: key, savedSlots, acquiredLock: acquired, releasedLock: released });
        }
      }
      if (effect?.kind === 'restore' && typeof effect.from === 'object' && 'object' in effect.from) {
        const key = slotKey(effect.from, argumentsOf(call), call);
        if (key && (!state.saved.has(key) || releasedFirst(key, call))) restoresUnsaved.add(key);
      }
      if (!effect && name) {
        // A callee that restores its caller's save (an unlock wrapper, or a routine that drops the caller's lock
        // for a while) restores this function's caller's, when this function did not save it either.
        const summary = ctx.summaryOf(call, name);
        for (const key of summary?.restores ?? []) {
          const mine = renameSlot(key, summary!, argumentsOf(call));
          if (mine && !state.saved.has(mine)) restoresUnsaved.add(mine);
        }
      }
      state = transfer(def, state, call, ctx);
    }
  }
  return { issues, restoresUnsaved: [...restoresUnsaved] };
}

function isConstantLevel(text: string, ctx: AnalysisContext): boolean {
  return levelOfText(text, ctx) !== undefined;
}
