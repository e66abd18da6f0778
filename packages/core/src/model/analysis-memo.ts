/**
 * Function-level reuse of the IRQL dataflow between runs (the CLI's `--cache`).
 *
 * A function's analysis (`analyzeFunction`) is a pure function of its body and of the questions it asks the rest
 * of the program through its `AnalysisContext`: its callees' summaries, the value of constants, configuration
 * fields, whether it sits in a pageable section, whether it is a dispatch routine. A run records, for each
 * function, those questions with the answers it got, beside the result. The next run asks the same questions of
 * its own program: when every answer is the same, the recorded result is the result, and the dataflow does not
 * run. So a change to one file re-analyses that file's functions and those whose answers changed — a caller whose
 * callee now returns at another IRQL — and reads the others back.
 *
 * A function is found by its source's name (`SourceNames`: a file's path; a macro analysed as a function, which has a
 * source of its own made from its file's text, by path and `#define` offset), its file's parse key (`ParsedSource.key`:
 * text, language, project macros) and the offset of its name: same key, same tree, same node ids. Its CFG is the same
 * where the `#if` branches inside it read the same answers from the build's defines: a question like the others, so
 * a `-D` that no function tests keeps every record. Evidence is stored by position (source name, offsets); a function
 * whose result or questions hold a step in a source the program cannot name is analysed every time.
 */
import { createHash } from 'node:crypto';
import type { ParsedSource, SyntaxNode } from '../frontend/parser.js';
import type { FunctionDefinition } from './file-model.js';
import { type AnalysisContext, type CalleeSummary, type FunctionIrql, type ReleaseIssue, slotRoot } from './irql-analysis.js';
import type { Basis, Evidence, IrqlValue, TraceStep } from './irql-domain.js';
import { type Interval, type Level, interval } from './irql.js';

/** Function records by function key: plain JSON. A run keeps them by the file their functions are in. */
export type FunctionRecords = Record<string, FunctionRecord | CycleRecord>;

export interface FunctionRecord {
  /** The questions the analysis asked, each once, with the answers it got. */
  readonly asked: readonly Question[];
  /**
   * The result, as the JSON text of an `EncodedResult`: one string per function rather than a tree of small arrays
   * that would live, and be copied by the collector, until the unit's records are written.
   */
  readonly result: string;
}

/**
 * A recursive cycle's record (under the file of its first function): its functions' keys in the order they iterate,
 * the questions each asked outside the cycle over all the rounds, and their final results.
 */
export interface CycleRecord {
  readonly members: readonly string[];
  readonly asked: readonly (readonly Question[])[];
  readonly results: readonly string[];
}

/**
 * `p`/`d`: pageable section, dispatch routine; `D`: the macro lookups of the CFG's `#if` branches with their
 * answers (`FunctionDefinition.cfgDefines`, as JSON: the build's defines); `s`: a callee's summary (the call's node
 * index in its tree, name, fingerprint or null); `e`: a constant's value (null: unknown); `c`: a config field.
 */
type Question =
  | readonly ['p' | 'd', boolean]
  | readonly ['D', string]
  | readonly ['s', number, string, string | null]
  | readonly ['e', string, string | null]
  | readonly ['c', string, boolean];

/** Trace steps, evidence and values in tables (a function's values share their parts), the rest by index. */
interface EncodedResult {
  readonly steps: readonly (readonly [source: string, start: number, end: number, message: string])[];
  readonly evidence: readonly (readonly [lo: number, hi: number, basis: Basis, key: string, steps: readonly number[]])[];
  /** `[cap lo, cap hi, parts, entryWhen]`, a null cap as -1, -1. */
  readonly values: readonly (readonly [number, number, readonly number[], readonly (readonly [string, boolean])[]])[];
  /** By the call's node index in its tree. */
  readonly beforeCall: readonly (readonly [node: number, value: number])[];
  /** By CFG node id; -1: unreachable. */
  readonly valueAt: readonly number[];
  readonly exit: number;
  readonly exitSaved: readonly (readonly [string, number])[];
  readonly restoresUnsaved: readonly string[];
  readonly releaseIssues: readonly (Omit<ReleaseIssue, 'call'> & { readonly call: number })[];
}

/**
 * How a program names the sources a record points into, and finds them again: a file by its path, a macro analysed
 * as a function (whose source is made from its file's text) by its path and the offset of its `#define`.
 */
export interface SourceNames {
  nameOf(source: ParsedSource): string | undefined;
  sourceOf(name: string): ParsedSource | undefined;
}

/** A step whose source the program has no name for: it has no position to keep. */
class Unencodable extends Error {}

/** `make()`, or undefined when what it encodes has a step with no name (see `Unencodable`). */
function unlessUnencodable<T>(make: () => T): T | undefined {
  try {
    return make();
  } catch (error) {
    if (error instanceof Unencodable) return undefined;
    throw error;
  }
}

/** `read()`, or undefined for a record that is not of this build's shape (it throws reading it) or cannot be named. */
function readBack<T>(read: () => T | undefined): T | undefined {
  try {
    return read();
  } catch (error) {
    if (error instanceof TypeError || error instanceof SyntaxError || error instanceof Unencodable) return undefined;
    throw error;
  }
}

export class AnalysisMemo {
  /** This run's records, those reused and those made, for the next run: by the path of the file of their function. */
  readonly records = new Map<string, FunctionRecords>();
  /** Analyses read back, and analyses run (a function of a recursive cycle may run more than once). */
  reused = 0;
  analysed = 0;
  private readonly fingerprints: Fingerprints;

  /**
   * @param previous the records an earlier run kept (`records`), if any.
   * @param sources how the program names its sources in a record, and finds them again.
   */
  constructor(
    private readonly previous: FunctionRecords | undefined,
    private readonly sources: SourceNames,
  ) {
    this.fingerprints = new Fingerprints(this.nameOf);
  }

  /** `analyze(def, ctx)`, or the recorded result when every question it asked last time has the same answer now. */
  analyze(def: FunctionDefinition, ctx: AnalysisContext, analyze: (def: FunctionDefinition, ctx: AnalysisContext) => FunctionIrql): FunctionIrql {
    const key = this.keyOf(def);
    if (!key) {
      this.analysed++;
      return analyze(def, ctx);
    }
    const record = this.previous?.[key] as FunctionRecord | undefined;
    const reused = record && this.reuse(record, def, ctx);
    if (reused) {
      this.reused++;
      this.keep(def, key, record);
      return reused;
    }
    this.analysed++;
    const recorder = new Recorder(def, ctx, this.fingerprints);
    const result = analyze(def, recorder.context);
    if (recorder.complete) {
      const encoded = unlessUnencodable(() => JSON.stringify(encode(result, this.nameOf)));
      if (encoded !== undefined) this.keep(def, key, { asked: recorder.asked, result: encoded });
    }
    return result;
  }

  /**
   * A recursive cycle, iterated by `iterate` to its fixpoint, or its recorded results. Its functions' first rounds
   * ask with summaries of the cycle not yet known, so a record per function would never match: the cycle is
   * recorded whole — the questions every round of every function asked outside the cycle (a call whose callee,
   * `calleeOf`, is in the cycle is the iteration's own business), and the final results. When those questions get
   * the same answers, the iteration would go as it went, round by round.
   */
  analyzeCycle(
    cycle: readonly FunctionDefinition[],
    ctxFor: (def: FunctionDefinition) => AnalysisContext,
    calleeOf: (def: FunctionDefinition, call: SyntaxNode) => FunctionDefinition | undefined,
    analyze: (def: FunctionDefinition, ctx: AnalysisContext) => FunctionIrql,
    iterate: (analyze: (def: FunctionDefinition, ctx: AnalysisContext) => FunctionIrql) => FunctionIrql[],
  ): FunctionIrql[] {
    const keys = cycle.map((def) => this.keyOf(def));
    const counted = (def: FunctionDefinition, ctx: AnalysisContext): FunctionIrql => {
      this.analysed++;
      return analyze(def, ctx);
    };
    if (keys.some((k) => k === undefined)) return iterate(counted);
    const key = `cycle\0${keys.join('\0\0')}`;
    const record = this.previous?.[key] as CycleRecord | undefined;
    const reused = record && this.reuseCycle(record, keys as string[], cycle, ctxFor);
    if (reused) {
      this.reused += cycle.length;
      this.keep(cycle[0]!, key, record);
      return reused;
    }
    const members = new Set(cycle);
    const asked = cycle.map(() => new Map<string, Question>());
    let complete = true;
    const finals = iterate((def, ctx) => {
      this.analysed++;
      const recorder = new Recorder(def, ctx, this.fingerprints);
      const result = analyze(def, recorder.context);
      complete &&= recorder.complete;
      const mine = asked[cycle.indexOf(def)]!;
      for (const q of recorder.asked) {
        const callee = q[0] === 's' ? calleeOf(def, def.source.tree.node(q[1])) : undefined;
        if (callee && members.has(callee)) continue;
        mine.set(JSON.stringify(q), q);
      }
      return result;
    });
    const results = complete ? unlessUnencodable(() => finals.map((r) => JSON.stringify(encode(r, this.nameOf)))) : undefined;
    if (results) this.keep(cycle[0]!, key, { members: keys as string[], asked: asked.map((m) => [...m.values()]), results });
    return finals;
  }

  private reuseCycle(record: CycleRecord, keys: readonly string[], cycle: readonly FunctionDefinition[], ctxFor: (def: FunctionDefinition) => AnalysisContext): FunctionIrql[] | undefined {
    return readBack(() => {
      if (record.members.length !== keys.length || record.members.some((k, i) => k !== keys[i])) return undefined;
      if (!cycle.every((def, i) => this.holds(record.asked[i]!, def, ctxFor(def)))) return undefined;
      const results = cycle.map((def, i) => this.decode(def, JSON.parse(record.results[i]!) as EncodedResult));
      return results.every((r) => r !== undefined) ? (results as FunctionIrql[]) : undefined;
    });
  }

  private keep(def: FunctionDefinition, key: string, record: FunctionRecord | CycleRecord): void {
    let records = this.records.get(def.source.filePath);
    if (!records) this.records.set(def.source.filePath, (records = {}));
    records[key] = record;
  }

  private keyOf(def: FunctionDefinition): string | undefined {
    // A macro analysed as a function has a source of its own, made from its file's text: that file's key.
    const parseKey = this.sources.sourceOf(def.source.filePath)?.key;
    const name = this.sources.nameOf(def.source);
    if (!parseKey || name === undefined) return undefined;
    return `${name}\0${parseKey}\0${def.nameNode.startIndex}`;
  }

  private readonly nameOf = (source: ParsedSource): string => {
    const name = this.sources.nameOf(source);
    if (name === undefined) throw new Unencodable();
    return name;
  };

  /** The recorded result, if `ctx` answers every question as recorded; a record that is not of this build's shape is not. */
  private reuse(record: FunctionRecord, def: FunctionDefinition, ctx: AnalysisContext): FunctionIrql | undefined {
    return readBack(() => (this.holds(record.asked, def, ctx) ? this.decode(def, JSON.parse(record.result) as EncodedResult) : undefined));
  }

  /** Whether `ctx` answers every question as recorded. */
  private holds(asked: readonly Question[], def: FunctionDefinition, ctx: AnalysisContext): boolean {
    const tree = def.source.tree;
    const summary = (index: number, name: string): CalleeSummary | undefined => ctx.summaryOf(tree.node(index), name);
    for (const q of asked) {
      switch (q[0]) {
        case 'p':
          if (!!ctx.pageableSection !== q[1]) return false;
          break;
        case 'd':
          if (!!ctx.dispatchRoutine !== q[1]) return false;
          break;
        case 'D':
          if (JSON.stringify(def.cfgDefines) !== q[1]) return false;
          break;
        case 's': {
          const s = summary(q[1], q[2]);
          if ((s ? this.fingerprints.summary(s) : null) !== q[3]) return false;
          break;
        }
        case 'e':
          if (constantText(ctx.evaluate(q[1])) !== q[2]) return false;
          break;
        case 'c':
          if ((ctx.configured?.(q[1]) ?? false) !== q[2]) return false;
          break;
        default:
          return false; // a record of another shape: not trusted
      }
    }
    return true;
  }

  private decode(def: FunctionDefinition, r: EncodedResult): FunctionIrql | undefined {
    const steps: TraceStep[] = [];
    for (const [path, start, end, message] of r.steps) {
      const source = this.sources.sourceOf(path);
      if (!source) return undefined;
      steps.push({ message, source, start, end });
    }
    const evidence: Evidence[] = r.evidence.map(([lo, hi, basis, key, s]) => ({ interval: interval(lo as Level, hi as Level), basis, key, steps: s.map((i) => steps[i]!) }));
    const values: IrqlValue[] = r.values.map(([lo, hi, parts, when]) => ({
      entryCap: lo < 0 ? null : interval(lo as Level, hi as Level),
      parts: parts.map((i) => evidence[i]!),
      ...(when.length ? { entryWhen: new Map(when) } : {}),
    }));
    const tree = def.source.tree;
    return {
      definition: def,
      beforeCall: new Map(r.beforeCall.map(([index, v]) => [tree.idBase + index, values[v]!])),
      valueAt: r.valueAt.map((v) => (v < 0 ? undefined : values[v])),
      exit: r.exit < 0 ? undefined : values[r.exit],
      exitSaved: new Map(r.exitSaved.map(([slot, v]) => [slot, values[v]!])),
      restoresUnsaved: r.restoresUnsaved,
      releaseIssues: r.releaseIssues.map((issue) => ({ ...issue, call: tree.node(issue.call) })),
    };
  }
}

/** The context handed to the analysis: answers as `ctx` gives them, each question written down once. */
class Recorder {
  readonly asked: Question[];
  /** False when an answer could not be written down (a summary with a step in a source the program cannot name). */
  complete = true;
  readonly context: AnalysisContext;
  private readonly seen = new Set<string>();
  /** The calls whose summary was asked for (by node index), with the name asked: most questions are these. */
  private readonly summariesAsked = new Map<number, string>();

  constructor(def: FunctionDefinition, ctx: AnalysisContext, fingerprints: Fingerprints) {
    this.asked = [['p', !!ctx.pageableSection], ['d', !!ctx.dispatchRoutine], ['D', JSON.stringify(def.cfgDefines)]];
    const write = (question: () => Question): void => {
      const written = unlessUnencodable(question);
      if (written) this.asked.push(written);
      else this.complete = false;
    };
    const note = (key: string, question: () => Question): void => {
      if (this.seen.has(key)) return;
      this.seen.add(key);
      write(question);
    };
    this.context = {
      ...ctx,
      summaryOf: (call: SyntaxNode, name: string) => {
        const summary = ctx.summaryOf(call, name);
        // The fixpoint asks at each visit of a call; a call's name is its own, so its index tells the question.
        if (this.summariesAsked.get(call.index) !== name) {
          this.summariesAsked.set(call.index, name);
          write(() => ['s', call.index, name, summary ? fingerprints.summary(summary) : null]);
        }
        return summary;
      },
      evaluate: (text: string) => {
        const value = ctx.evaluate(text);
        note(`e${text}`, () => ['e', text, constantText(value)]);
        return value;
      },
      ...(ctx.configured
        ? {
            configured: (field: string) => {
              const answer = ctx.configured!(field);
              note(`c${field}`, () => ['c', field, answer]);
              return answer;
            },
          }
        : {}),
    };
  }
}

function constantText(value: bigint | undefined): string | null {
  return value === undefined ? null : String(value);
}

/**
 * A callee's summary as a string that changes whenever anything the caller's analysis could read from it changes
 * (its evidence's steps included: they become the caller's trace). Values are hashed once each.
 */
class Fingerprints {
  private readonly values = new WeakMap<IrqlValue, string>();
  private readonly savedMaps = new WeakMap<ReadonlyMap<string, IrqlValue>, string>();

  constructor(private readonly nameOf: (source: ParsedSource) => string) {}

  summary(s: CalleeSummary): string {
    const saved = s.saved ? this.saved(s.saved) : '-';
    // Which of its slots' variables are the callee's locals: a caller's renaming asks (`CalleeSummary.isLocal`).
    const slots = [...(s.saved?.keys() ?? []), ...(s.restores ?? [])];
    const locals = slots.map((key) => {
      const root = slotRoot(key);
      return root && s.isLocal?.(root) ? 'L' : '-';
    });
    return `${s.name}|${s.exit ? this.value(s.exit) : '-'}|${saved}|${s.restores?.join(',') ?? '-'}|${s.params?.join(',') ?? '-'}|${locals.join('')}`;
  }

  private saved(map: ReadonlyMap<string, IrqlValue>): string {
    let known = this.savedMaps.get(map);
    if (known === undefined) {
      known = hash(JSON.stringify([...map].map(([slot, v]) => [slot, this.value(v)])));
      this.savedMaps.set(map, known);
    }
    return known;
  }

  private value(v: IrqlValue): string {
    let known = this.values.get(v);
    if (known === undefined) {
      known = hash(JSON.stringify(encodeValue(v, this.nameOf)));
      this.values.set(v, known);
    }
    return known;
  }
}

function hash(text: string): string {
  return createHash('sha1').update(text).digest('base64');
}

function encodeValue(v: IrqlValue, nameOf: (source: ParsedSource) => string): unknown {
  return [
    v.entryCap ? [v.entryCap.lo, v.entryCap.hi] : null,
    v.parts.map((e) => {
      if (e.via) throw new Unencodable();
      return [e.interval.lo, e.interval.hi, e.basis, e.key, e.steps.map((s) => [nameOf(s.source), s.start, s.end, s.message])];
    }),
    v.entryWhen ? [...v.entryWhen] : [],
  ];
}

function encode(r: FunctionIrql, nameOf: (source: ParsedSource) => string): EncodedResult {
  // Node ids are unique across the run's trees; a node's index in its own tree is what stays the same.
  const base = r.definition.source.tree.idBase;
  const stepIndex = new Map<TraceStep, number>();
  const evidenceIndex = new Map<Evidence, number>();
  const valueIndex = new Map<IrqlValue, number>();
  const steps: [string, number, number, string][] = [];
  const evidence: [number, number, Basis, string, number[]][] = [];
  const values: [number, number, number[], [string, boolean][]][] = [];
  const stepOf = (s: TraceStep): number => {
    let i = stepIndex.get(s);
    if (i === undefined) {
      i = steps.push([nameOf(s.source), s.start, s.end, s.message]) - 1;
      stepIndex.set(s, i);
    }
    return i;
  };
  const evidenceOf = (e: Evidence): number => {
    let i = evidenceIndex.get(e);
    if (i === undefined) {
      if (e.via) throw new Unencodable(); // an entry's evidence: never part of a function's own values
      i = evidence.push([e.interval.lo, e.interval.hi, e.basis, e.key, e.steps.map(stepOf)]) - 1;
      evidenceIndex.set(e, i);
    }
    return i;
  };
  const valueOf = (v: IrqlValue | undefined): number => {
    if (!v) return -1;
    let i = valueIndex.get(v);
    if (i === undefined) {
      const cap: Interval | null = v.entryCap;
      i = values.push([cap ? cap.lo : -1, cap ? cap.hi : -1, v.parts.map(evidenceOf), v.entryWhen ? [...v.entryWhen] : []]) - 1;
      valueIndex.set(v, i);
    }
    return i;
  };
  return {
    beforeCall: [...r.beforeCall].map(([id, v]) => [id - base, valueOf(v)] as const),
    valueAt: r.valueAt.map(valueOf),
    exit: valueOf(r.exit),
    exitSaved: [...r.exitSaved].map(([slot, v]) => [slot, valueOf(v)] as const),
    restoresUnsaved: [...r.restoresUnsaved],
    releaseIssues: r.releaseIssues.map((issue) => ({ ...issue, call: issue.call.index })),
    steps,
    evidence,
    values,
  };
}
