/**
 * The Linter: source texts + resolved configs → messages. It parses every file, builds one Program (the
 * whole-program model), then runs each file's enabled rules in one walk over its tree. A rule that throws is
 * reported as a fatal message naming the rule and the file; the other rules and files go on.
 */
import { type ParsedSource, type SyntaxNode, parseSource } from '../frontend/parser.js';
import { type ParseStore, macrosFingerprint } from '../frontend/parse-cache.js';
import { type AllocatorSpec, isPagedPoolFlags, isPagedPoolType, lookupAllocator } from '../knowledge/pool.js';
import { lookupDdi } from '../knowledge/ddi-table.js';
import { ARGUMENT_DEPENDENT_BOUNDS, DDI_BOUND_OVERRIDES, POINTEE_READERS, argumentMatches } from '../knowledge/irql-bounds.js';
import { forEachNode } from '../frontend/syntax-tree.js';
import type { DriverModel, FileModel, FunctionDefinition } from '../model/file-model.js';
import { applyDirectives, parseDirectives } from './directives.js';
import { type Interval, Level, formatInterval, hull, parseLevel } from '../model/irql.js';
import type { Basis, Explanation, IrqlFact, TraceStep } from '../model/irql-domain.js';
import { explainAbove, explainBelow } from '../model/irql-domain.js';
import { DEFAULT_IRQL_SETTINGS, type IrqlSettings, Program, type ProgramOptions } from '../model/program.js';
import type { FunctionRecords } from '../model/analysis-memo.js';
import { projectMacroUses } from '../model/project-macros.js';
import type { Defines } from '../model/preprocessor.js';
import { callArguments, caughtInFunction, compactText, enclosingConditions } from '../model/syntax.js';
import { powerContextAt } from '../model/power-context.js';
import { valuesStoredIn } from '../model/pointee.js';
import type {
  AllocatorCall,
  CallIrqlBounds,
  Fix,
  Plugin,
  ReportDescriptor,
  RuleContext,
  RuleEntry,
  RuleFixer,
  RuleListener,
  RuleModule,
  Settings,
  Severity,
  SourceCode,
} from '../rules/types.js';

export interface ResolvedConfig {
  /** Rule id → [severity, ...options], already normalised. */
  readonly rules: Readonly<Record<string, readonly [Severity, ...unknown[]]>>;
  readonly settings: Settings;
  readonly plugins: Readonly<Record<string, Plugin>>;
}

/** A file's resolved config; `driverModel` (from the file's includes) lets a caller pick presets per model. */
export type ConfigForFile = (filePath: string, driverModel?: DriverModel) => ResolvedConfig;

export interface LintInput {
  readonly filePath: string;
  readonly text: string;
}

export interface LocationInfo {
  readonly filePath: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

export interface TraceEntry extends LocationInfo {
  readonly message: string;
}

export interface SuggestionResult {
  readonly messageId: string;
  readonly desc: string;
  readonly fix: Fix;
}

export interface LintMessage {
  readonly ruleId: string | null;
  readonly severity: 1 | 2;
  readonly message: string;
  readonly messageId?: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly fatal?: boolean;
  readonly fix?: Fix;
  readonly suggestions?: readonly SuggestionResult[];
  /** The IRQL path: entry assumption, raises, calls on the way — oldest first (the finding's own site is the message's location). */
  readonly trace?: readonly TraceEntry[];
  readonly basis?: Basis;
  readonly related?: readonly TraceEntry[];
  /** On suppressed messages: what suppressed them (a ddi-lint comment or a PREfast pragma). */
  readonly suppressions?: readonly { readonly kind: 'directive' | 'pragma'; readonly justification: string }[];
}

export interface LintResult {
  readonly filePath: string;
  readonly messages: LintMessage[];
  /** Findings silenced by `ddi-lint-disable…` comments or `#pragma warning(suppress/disable: …)`. */
  readonly suppressedMessages: LintMessage[];
  readonly errorCount: number;
  readonly warningCount: number;
  readonly fatalErrorCount: number;
  readonly fixableErrorCount: number;
  readonly fixableWarningCount: number;
  /** The fixed text, when fixes were applied and changed it. */
  output?: string;
  /** The driver model the file was analysed as. */
  readonly driverModel?: string;
  /** ERROR and MISSING nodes in the parse, when linting with `fix` (a fix must never increase this). */
  readonly parseErrorCount?: number;
}

export class ConfigError extends Error {
  constructor(
    message: string,
    readonly key?: string,
    readonly filePath?: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function normalizeSeverity(level: unknown, key = 'rules'): Severity {
  if (level === 0 || level === 'off') return 0;
  if (level === 1 || level === 'warn') return 1;
  if (level === 2 || level === 'error') return 2;
  throw new ConfigError(`${key}: invalid severity ${JSON.stringify(level)} (expected "off", "warn", "error", 0, 1 or 2)`, key);
}

export function normalizeRuleEntry(entry: RuleEntry, key: string): readonly [Severity, ...unknown[]] {
  if (Array.isArray(entry)) {
    if (entry.length === 0) throw new ConfigError(`${key}: empty rule entry`, key);
    return [normalizeSeverity(entry[0], key), ...entry.slice(1)];
  }
  return [normalizeSeverity(entry, key)];
}

/** Find a rule by id (`wdm/IrqlExAllocatePool`, `@acme/tag-list`) in the given plugins. */
export function findRule(ruleId: string, plugins: Readonly<Record<string, Plugin>>): RuleModule | undefined {
  const slash = ruleId.lastIndexOf('/');
  if (slash <= 0) return undefined;
  const plugin = plugins[ruleId.slice(0, slash)];
  const rules = plugin?.rules;
  const name = ruleId.slice(slash + 1);
  return rules && Object.prototype.hasOwnProperty.call(rules, name) ? rules[name] : undefined;
}

/** Turn `settings.irql` and `settings.defines` into analysis settings. */
export function irqlSettingsFrom(settings: Settings | undefined): IrqlSettings {
  const defines = definesFrom(settings?.defines);
  const raw = settings?.irql?.unknownEntry;
  if (!raw) return defines ? { ...DEFAULT_IRQL_SETTINGS, defines } : DEFAULT_IRQL_SETTINGS;
  const [loText, hiText] = typeof raw === 'string' ? raw.split('..') : raw;
  const lo = parseLevel(loText ?? '');
  const hi = parseLevel(hiText ?? loText ?? '');
  if (lo === undefined || hi === undefined) {
    throw new ConfigError(
      `settings.irql.unknownEntry: ${JSON.stringify(raw)} is not an IRQL range such as "PASSIVE_LEVEL..DISPATCH_LEVEL"`,
      'settings.irql.unknownEntry',
    );
  }
  return { unknownEntry: { lo: Math.min(lo, hi), hi: Math.max(lo, hi) } as Interval, ...(defines ? { defines } : {}) };
}

/**
 * `settings.defines`: `{ "DBG": 1, "NDIS60": true, "WIN9X": null }` — a value (a number, a string, `true` for 1)
 * for a name the build defines, `null` or `false` for one it does not.
 */
function definesFrom(raw: unknown): Defines | undefined {
  if (raw === undefined) return undefined;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(`settings.defines: expected an object of macro names to values, e.g. { "DBG": 1 }`, 'settings.defines');
  }
  const out: Record<string, string | null> = {};
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    if (value === null || value === false) out[name] = null;
    else if (value === true) out[name] = '1';
    else if (typeof value === 'number' || typeof value === 'string') out[name] = String(value);
    else throw new ConfigError(`settings.defines.${name}: ${JSON.stringify(value)} is not a macro value (a number, a string, true, false or null)`, `settings.defines.${name}`);
  }
  return out;
}

export interface LintOptions {
  /** Analysis settings for the whole run (the IRQL model is whole-program). */
  readonly irql?: IrqlSettings;
  /** Produce `output` with fixes applied. */
  readonly fix?: boolean;
  /** Report `ddi-lint-disable…` comments that suppressed nothing. */
  readonly reportUnusedDisableDirectives?: 'off' | 'warn' | 'error';
  /**
   * Run rules only on these files (a CI shard). Every input is still parsed and modelled, so whole-program
   * facts (callers' locks, summaries, registrations) stay what they are without sharding.
   */
  readonly lintOnly?: (filePath: string) => boolean;
  /**
   * Per-file time budget for the rules, in milliseconds (checked between visitor calls): a pathological file
   * gets a notice instead of holding up the run. A rule stuck inside one call cannot be interrupted here.
   */
  readonly maxFileTimeMs?: number;
  /**
   * Progress hooks for a supervisor (the CLI's worker pool stops a worker whose rule never returns): called when
   * the rules start on a file, and when the rule whose visitor runs next differs from the last one.
   */
  readonly onFileStart?: (filePath: string) => void;
  readonly onRule?: (ruleId: string) => void;
  /** Where parses are kept between runs (the CLI's `--cache`): unchanged files are read back, not parsed. */
  readonly parseStore?: ParseStore;
  /**
   * Where the unit's function analyses are kept between runs (the CLI's `--cache`; see analysis-memo.ts): a
   * function whose questions to the rest of the program get the answers they got last time is read back.
   */
  readonly analysisStore?: AnalysisStore;
}

export interface AnalysisStore {
  /** The records earlier runs kept for the functions of these files; undefined when there are none. */
  read(filePaths: readonly string[]): FunctionRecords | undefined;
  /**
   * This run's records, by the path of their function's file (every file of the run with a function is there),
   * with how many functions were read back and how many analysed.
   */
  write(recordsByFile: ReadonlyMap<string, FunctionRecords>, counts: { readonly reused: number; readonly analysed: number }): void;
}

export interface ProgramRun {
  readonly program: Program;
  readonly sources: readonly ParsedSource[];
}

/** Parse all inputs (or read their parses back from `store`) and build the whole-program model. */
export function buildProgram(inputs: readonly LintInput[], irql: IrqlSettings = DEFAULT_IRQL_SETTINGS, store?: ParseStore, programOptions?: ProgramOptions): ProgramRun {
  const projectMacros = projectMacroUses(inputs.map((i) => i.text));
  const parseOptions = store ? { projectMacros, store, projectMacrosFingerprint: macrosFingerprint(projectMacros) } : { projectMacros };
  const sources = inputs.map((i) => parseSource(i.filePath, i.text, undefined, parseOptions));
  return { program: new Program(sources, irql, programOptions), sources };
}

const fixer: RuleFixer = {
  replaceText: (node, text) => ({ range: [node.startIndex, node.endIndex], text }),
  replaceTextRange: (range, text) => ({ range: [range[0], range[1]], text }),
  insertTextBefore: (node, text) => ({ range: [node.startIndex, node.startIndex], text }),
  insertTextAfter: (node, text) => ({ range: [node.endIndex, node.endIndex], text }),
  remove: (node) => ({ range: [node.startIndex, node.endIndex], text: '' }),
  removeRange: (range) => ({ range: [range[0], range[1]], text: '' }),
};

/** Merge several fixes of one report into one contiguous replacement. */
function mergeFixes(text: string, fixes: readonly Fix[]): Fix | undefined {
  if (!fixes.length) return undefined;
  const sorted = [...fixes].sort((a, b) => a.range[0] - b.range[0]);
  const start = sorted[0].range[0];
  const end = Math.max(...sorted.map((f) => f.range[1]));
  let out = '';
  let pos = start;
  for (const f of sorted) {
    if (f.range[0] < pos) return undefined; // overlapping parts: refuse rather than guess
    out += text.slice(pos, f.range[0]) + f.text;
    pos = f.range[1];
  }
  out += text.slice(pos, end);
  return { range: [start, end], text: out };
}

function toFix(text: string, result: Fix | readonly Fix[] | null | undefined): Fix | undefined {
  if (!result) return undefined;
  return Array.isArray(result) ? mergeFixes(text, result as readonly Fix[]) : (result as Fix);
}

/** Apply non-overlapping fixes, first come first served; returns the new text and how many were applied. */
export function applyFixes(text: string, messages: readonly LintMessage[]): { output: string; applied: number } {
  const fixes = messages.filter((m) => m.fix).map((m) => m.fix!).sort((a, b) => a.range[0] - b.range[0] || a.range[1] - b.range[1]);
  let out = '';
  let pos = 0;
  let applied = 0;
  for (const f of fixes) {
    if (f.range[0] < pos) continue;
    out += text.slice(pos, f.range[0]) + f.text;
    pos = f.range[1];
    applied++;
  }
  return { output: out + text.slice(pos), applied };
}

/** A rule's message template with its `{{placeholders}}` filled from `data` (unknown ones left as written). */
export function interpolate(template: string, data: Readonly<Record<string, string | number>> | undefined): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, key: string) => (data && key in data ? String(data[key]) : whole));
}

function sourceCodeOf(parsed: ParsedSource): SourceCode {
  return {
    text: parsed.text,
    filePath: parsed.filePath,
    parsed,
    getText: (node) => (node ? parsed.text.slice(node.startIndex, node.endIndex) : parsed.text),
    getLine: (line) => parsed.lines.lineText(line),
    position: (offset) => parsed.lines.position(offset),
  };
}

function locationOf(parsed: ParsedSource, start: number, end: number): LocationInfo {
  const s = parsed.lines.position(start);
  const e = parsed.lines.position(Math.max(start, end));
  return { filePath: parsed.filePath, line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
}

function traceEntry(t: TraceStep): TraceEntry {
  return { message: t.message, ...locationOf(t.source, t.start, t.end) };
}

export function countParseErrors(root: SyntaxNode): number {
  if (!root.hasError) return 0;
  let count = 0;
  const stack = [root];
  while (stack.length) {
    const node = stack.pop()!;
    if (node.type === 'ERROR' || node.isMissing) count++;
    for (const child of node.children) if (child.hasError) stack.push(child);
  }
  return count;
}

/** Share of a file's text inside ERROR nodes at the top of the tree. */
function errorShare(root: SyntaxNode, length: number): number {
  if (!root.hasError || length === 0) return 0;
  let covered = 0;
  for (const child of root.children) if (child.type === 'ERROR' || child.isMissing) covered += child.endIndex - child.startIndex;
  return covered / length;
}

export class Linter {
  /**
   * Lint a set of files together (calls between them are followed). `configFor` gives each file's resolved
   * config. Files are returned in input order.
   */
  lintFiles(inputs: readonly LintInput[], configFor: ConfigForFile, options: LintOptions = {}): LintResult[] {
    const irql = options.irql ?? irqlSettingsFrom(inputs.length ? configFor(inputs[0].filePath).settings : undefined);
    const analysisStore = options.analysisStore;
    const run = buildProgram(inputs, irql, options.parseStore, analysisStore ? { analysisRecords: analysisStore.read(inputs.map((i) => i.filePath)) ?? {} } : undefined);
    // With a time budget, the rules' time must be the rules' own, not the whole-program passes they trigger.
    if (options.maxFileTimeMs !== undefined || options.onFileStart) run.program.prepare();
    const linted = run.sources
      .filter((source) => !options.lintOnly || options.lintOnly(source.filePath))
      .map((source) => {
        const config = configFor(source.filePath, run.program.driverModel(run.program.fileModel(source.filePath)!));
        return { source, config, messages: this.runRules(run.program, source, config, options) };
      });
    relocateToMacroUses(linted);
    const analyses = analysisStore && run.program.analysisRecords();
    if (analyses) analysisStore!.write(analyses.records, analyses);
    return linted.map(({ source, config, messages }) => this.finishFile(run.program, source, config, messages, options));
  }

  /** Lint one text on its own. */
  verify(text: string, config: ResolvedConfig, filePath = 'input.c', options: LintOptions = {}): LintMessage[] {
    return this.lintFiles([{ filePath, text }], () => config, options)[0].messages;
  }

  /**
   * Run the enabled rules of `config` over one parsed file of `program`. A finding inside a project macro that
   * rests on the IRQL at one of its uses is reported at that use when the use is in this file (`lintFiles` also
   * moves it to another file of the run).
   */
  lintSource(program: Program, parsed: ParsedSource, config: ResolvedConfig, options: LintOptions = {}): LintResult {
    const linted = [{ source: parsed, config, messages: this.runRules(program, parsed, config, options) }];
    relocateToMacroUses(linted);
    return this.finishFile(program, parsed, config, linted[0].messages, options);
  }

  /** The rules' findings for one file, before directives. */
  private runRules(program: Program, parsed: ParsedSource, config: ResolvedConfig, options: LintOptions): LintMessage[] {
    const messages: LintMessage[] = [];
    const fileModel = program.fileModel(parsed.filePath)!;
    const driverModel = program.driverModel(fileModel);
    const sourceCode = sourceCodeOf(parsed);
    const reportAssumed = config.settings.irql?.reportAssumed === true;
    const listeners = new Map<string, { ruleId: string; fn: (node: SyntaxNode) => void }[]>();
    const onRule = options.onRule;
    let lastRule: string | undefined;
    options.onFileStart?.(parsed.filePath);

    for (const failure of program.failures.get(parsed.filePath) ?? []) {
      messages.push({ ruleId: null, severity: 1, message: `Analysis incomplete: ${failure}`, ...locationOf(parsed, 0, 0) });
    }
    const share = errorShare(parsed.root, parsed.text.length);
    if (share > 0.3) {
      messages.push({
        ruleId: null,
        severity: 2,
        fatal: true,
        message: `Parsing error: ${Math.round(share * 100)}% of ${parsed.filePath} could not be parsed as C; findings in it are incomplete`,
        ...locationOf(parsed, 0, 0),
      });
    }

    let shared: FileContext | undefined;
    for (const [ruleId, entry] of Object.entries(config.rules)) {
      const [severity, ...ruleOptions] = entry;
      if (severity === 0) continue;
      const rule = findRule(ruleId, config.plugins);
      if (!rule) throw new ConfigError(`rules.${ruleId}: definition for rule "${ruleId}" was not found`, `rules.${ruleId}`);
      const context = this.makeContext(ruleId, rule, severity, ruleOptions, program, parsed, reportAssumed, messages, (shared ??= this.fileContext(config, program, parsed, sourceCode, driverModel)));
      let visitors: RuleListener;
      try {
        if (onRule) onRule((lastRule = ruleId));
        visitors = rule.create(context as RuleContext<any>);
      } catch (error) {
        messages.push(crashMessage(ruleId, parsed, error));
        continue;
      }
      for (const [key, fn] of Object.entries(visitors)) {
        if (!fn) continue;
        const list = listeners.get(key);
        const entryFn = { ruleId, fn };
        if (list) list.push(entryFn);
        else listeners.set(key, [entryFn]);
      }
    }

    if (listeners.size) {
      const crashed = new Set<string>();
      const call = (key: string, node: SyntaxNode): void => {
        const list = listeners.get(key);
        if (!list) return;
        // Indexed: called for every node a rule listens to, from the first file on, before V8 optimizes it.
        for (let i = 0; i < list.length; i++) {
          const l = list[i]!;
          if (crashed.has(l.ruleId)) continue;
          if (onRule && l.ruleId !== lastRule) onRule((lastRule = l.ruleId));
          try {
            l.fn(node);
          } catch (error) {
            crashed.add(l.ruleId);
            messages.push(crashMessage(l.ruleId, parsed, error, node));
          }
        }
      };
      const hasExit = [...listeners.keys()].some((k) => k.endsWith(':exit'));
      const budget = options.maxFileTimeMs;
      const started = Date.now();
      let calls = 0;
      let overBudget = false;
      const within = (): boolean => {
        if (overBudget) return false;
        if (budget !== undefined && ++calls % 64 === 0 && Date.now() - started > budget) {
          overBudget = true;
          messages.push({
            ruleId: null,
            severity: 1,
            message: `Analysis incomplete: the rules took longer than the per-file budget of ${budget} ms on this file and were stopped`,
            ...locationOf(parsed, 0, 0),
          });
        }
        return !overBudget;
      };
      // The file's tree, then the project macros defined in it that are analysed as functions (their nodes have
      // the file's offsets, so what the rules report in them lands on the `#define`).
      const roots = [parsed.root, ...fileModel.definitions.filter((d) => d.macro).map((d) => d.node)];
      if (!hasExit) {
        const types = new Set(listeners.keys());
        for (const root of roots) forEachNode(root, (node) => within() && call(node.type, node), types);
      } else {
        // Iterative, so that deeply nested code cannot overflow the stack.
        const stack: { node: SyntaxNode; exit: boolean }[] = roots.map((node) => ({ node, exit: false })).reverse();
        while (stack.length) {
          const { node, exit } = stack.pop()!;
          if (!within()) break;
          if (exit) {
            call(`${node.type}:exit`, node);
            continue;
          }
          call(node.type, node);
          stack.push({ node, exit: true });
          const children = node.children;
          for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i], exit: false });
        }
      }
    }

    return messages;
  }

  /** Directives (disable comments, PREfast pragmas), counts and fixes: the file's result. */
  private finishFile(program: Program, parsed: ParsedSource, config: ResolvedConfig, messages: LintMessage[], options: LintOptions): LintResult {
    const fileModel = program.fileModel(parsed.filePath)!;
    const driverModel = program.driverModel(fileModel);
    const prefastOf = (ruleId: string) => findRule(ruleId, config.plugins)?.meta.docs.prefast;
    const outcome = applyDirectives(parseDirectives(parsed, [...fileModel.directiveComments, ...fileModel.pragmas]), messages, prefastOf);
    const kept = outcome.kept;
    const unusedSeverity = options.reportUnusedDisableDirectives === 'error' ? 2 : options.reportUnusedDisableDirectives === 'warn' ? 1 : 0;
    if (unusedSeverity) {
      for (const d of outcome.unused) {
        const what = d.targets.length ? ` (no problems were reported from ${d.targets.map((t) => `'${t}'`).join(', ')})` : '';
        kept.push({
          ruleId: null,
          severity: unusedSeverity,
          message: `Unused ddi-lint-${d.kind} directive${what}.`,
          ...locationOf(parsed, d.start, d.end),
          fix: { range: [d.start, d.end], text: '' },
        });
      }
    }
    const suppressedMessages = outcome.suppressed.map(({ message, directive }) => ({
      ...message,
      suppressions: [
        {
          kind: directive.kind.startsWith('pragma') ? ('pragma' as const) : ('directive' as const),
          justification: directive.justification ?? (directive.kind.startsWith('pragma') ? `#pragma warning(${directive.kind.slice(7)}: ${directive.targets.join(' ')})` : ''),
        },
      ],
    }));
    kept.sort(compareMessages);
    suppressedMessages.sort(compareMessages);
    messages.length = 0;
    messages.push(...kept);
    const result: LintResult = {
      filePath: parsed.filePath,
      messages,
      suppressedMessages,
      errorCount: messages.filter((m) => m.severity === 2).length,
      warningCount: messages.filter((m) => m.severity === 1).length,
      fatalErrorCount: messages.filter((m) => m.fatal).length,
      fixableErrorCount: messages.filter((m) => m.severity === 2 && m.fix).length,
      fixableWarningCount: messages.filter((m) => m.severity === 1 && m.fix).length,
      driverModel,
      // Counted only when fixing (a fix must never add parse errors): it walks the whole tree of a broken file.
      ...(options.fix ? { parseErrorCount: countParseErrors(parsed.root) } : {}),
    };
    if (options.fix && result.fixableErrorCount + result.fixableWarningCount > 0) {
      const { output } = applyFixes(parsed.text, messages);
      if (output !== parsed.text) result.output = output;
    }
    return result;
  }

  private makeContext(
    ruleId: string,
    rule: RuleModule,
    severity: Severity,
    ruleOptions: unknown[],
    program: Program,
    parsed: ParsedSource,
    reportAssumed: boolean,
    messages: LintMessage[],
    shared: FileContext,
  ): RuleContext {
    const options = ruleOptions.length ? ruleOptions : [...(rule.defaultOptions ?? [])];
    // The rule's own members and the file's shared ones: a context per rule and file (about 26,000 over a large
    // corpus) then makes one closure, not thirty.
    const report = (d: ReportDescriptor): void => {
      if (d.explanation?.basis === 'assumed' && !reportAssumed) return;
      const template = rule.meta.messages[d.messageId];
      if (template === undefined) throw new Error(`rule ${ruleId} reported unknown messageId "${d.messageId}"`);
      const start = d.node?.startIndex ?? d.range?.start ?? 0;
      const end = d.node?.endIndex ?? d.range?.end ?? start;
      const loc = locationOf(parsed, start, end);
      const fix = d.fix && rule.meta.fixable ? toFix(parsed.text, d.fix(fixer)) : undefined;
      const suggestions = d.suggest
        ?.map((s) => {
          const f = toFix(parsed.text, s.fix(fixer));
          const desc = interpolate(rule.meta.messages[s.messageId] ?? s.messageId, s.data);
          return f ? { messageId: s.messageId, desc, fix: f } : undefined;
        })
        .filter((s): s is SuggestionResult => s !== undefined);
      const trace = d.explanation ? d.explanation.steps.map(traceEntry) : undefined;
      let related = d.related?.map((r) => {
        if (r.at) return { message: r.message, ...locationOf(r.at.source, r.at.start, r.at.end) };
        const s = r.node?.startIndex ?? r.range?.start ?? start;
        const e = r.node?.endIndex ?? r.range?.end ?? s;
        return { message: r.message, ...locationOf(parsed, s, e) };
      });
      const alsoAt = d.explanation ? otherUses.get(d.explanation) : undefined;
      if (alsoAt?.length) {
        const macro = program.functionContaining(d.node ?? parsed.root)?.name ?? 'the macro';
        for (const other of alsoAt) {
          const message = `the same holds where ${other.caller.name} uses ${macro}, at ${formatInterval(other.interval)}`;
          (related ?? (related = [])).push({ message, ...locationOf(other.caller.source, other.call.startIndex, other.call.endIndex) });
        }
      }
      const message: LintMessage = {
        ruleId,
        severity: severity as 1 | 2,
        message: interpolate(template, d.data),
        messageId: d.messageId,
        ...loc,
        ...(fix ? { fix } : {}),
        ...(suggestions?.length ? { suggestions } : {}),
        ...(trace?.length ? { trace } : {}),
        ...(d.explanation ? { basis: d.explanation.basis } : {}),
        ...(related?.length ? { related } : {}),
      };
      messages.push(message);
      // An edit belongs to the #define's text; a finding without one goes to the use its IRQL comes from.
      const use = d.node && d.explanation && !fix && !suggestions?.length ? macroUseOf(program, d.node, d.explanation.steps) : undefined;
      if (use) macroUses.set(message, use);
    };
    // Every member named in one literal, so that all contexts have one shape (a rule's `context.x` stays a fast,
    // monomorphic access; a spread or Object.create made the rules phase measurably slower).
    return {
      id: ruleId,
      options,
      report,
      settings: shared.settings,
      filename: shared.filename,
      sourceCode: shared.sourceCode,
      driverModel: shared.driverModel,
      program: shared.program,
      irqlAt: shared.irqlAt,
      calleeName: shared.calleeName,
      argument: shared.argument,
      argumentCount: shared.argumentCount,
      evaluate: shared.evaluate,
      functionAt: shared.functionAt,
      rolesOf: shared.rolesOf,
      reachedFrom: shared.reachedFrom,
      irqlBoundsOf: shared.irqlBoundsOf,
      irqlOnEntry: shared.irqlOnEntry,
      unrestoredRaises: shared.unrestoredRaises,
      pageable: shared.pageable,
      releaseIssues: shared.releaseIssues,
      insideTry: shared.insideTry,
      enclosingConditions: shared.enclosingConditions,
      powerContextAt: shared.powerContextAt,
      isDefined: shared.isDefined,
      allocationSite: shared.allocationSite,
      allocationsReaching: shared.allocationsReaching,
      allocationFindings: shared.allocationFindings,
      allocatorCall: shared.allocatorCall,
    };
  }

  /** What the contexts of all the rules run on one file share: the file, and the model's questions about it. */
  private fileContext(config: ResolvedConfig, program: Program, parsed: ParsedSource, sourceCode: SourceCode, driverModel: RuleContext['driverModel']): FileContext {
    const fileModel = program.fileModel(parsed.filePath);
    return {
      settings: config.settings,
      filename: parsed.filePath,
      sourceCode,
      driverModel,
      program,
      irqlAt: (node) => {
        const fact = program.irqlAt(node);
        if (!fact) return undefined;
        // In a project macro, a finding is about the use it is reported at: explained by that use's IRQL alone.
        const explain = (why: (f: IrqlFact) => Explanation | undefined) =>
          program.functionContaining(node)?.macro !== undefined ? forOneUse(fact, why) : why(fact);
        return {
          interval: fact.interval,
          fact,
          above: (max: Level) => explain((f) => explainAbove(f, max)),
          below: (min: Level) => explain((f) => explainBelow(f, min)),
        };
      },
      calleeName: (call) => program.calleeName(call),
      irqlBoundsOf: (call) => callBounds(program, fileModel, call),
      irqlOnEntry: (fn) => {
        const fact = program.entryOf(fn);
        return { interval: fact.interval, fact, above: (max: Level) => explainAbove(fact, max), below: (min: Level) => explainBelow(fact, min) };
      },
      unrestoredRaises: (fn) => program.unrestoredRaises(fn),
      pageable: (fn) => program.pagedEvidence(fn),
      releaseIssues: (fn) => program.irqlOf(fn).releaseIssues,
      allocationSite: (call) => program.allocationFlow().site(call),
      allocationsReaching: (expr) => program.allocationFlow().allocationsReaching(expr),
      allocationFindings: (fn) => program.allocationFlow().findings(fn),
      functionAt: (node) => program.functionContaining(node),
      insideTry: (node) => caughtInFunction(node, (expr) => program.evaluate(fileModel, expr)),
      enclosingConditions: (node) => enclosingConditions(node),
      powerContextAt: (node) => powerContextAt(program, node),
      isDefined: (name) => program.isDefined(name) || Object.prototype.hasOwnProperty.call((config.settings.defines as object | undefined) ?? {}, name),
      rolesOf: (fn) => program.rolesOf(fn),
      reachedFrom: (roots, node) => {
        const found = program.chainFrom(roots, node);
        if (!found) return undefined;
        const fact = program.irqlAt(node);
        return {
          root: found.root,
          explanation: { basis: 'proven', definite: true, interval: fact?.interval ?? { lo: Level.Passive, hi: Level.High }, steps: found.steps },
        };
      },
      argument: (call, index) => callArguments(call)[index],
      argumentCount: (call) => callArguments(call).length,
      evaluate: (expr) => program.evaluate(fileModel, expr),
      allocatorCall: (call) => {
        const name = program.calleeName(call);
        // A project macro of that name (a local override of ExAllocatePool, an ALLOC(n) helper) is what the
        // preprocessor puts there, not the DDI.
        const macro = name ? program.definitionNamed(name, fileModel) : undefined;
        if (macro?.macro) return macroAllocation(program, fileModel, macro, call);
        const spec = name ? lookupAllocator(name) : undefined;
        if (!spec) return undefined;
        const args = callArguments(call);
        const poolArgument = args[spec.pool.arg];
        const poolValue = poolArgument ? program.evaluate(fileModel, poolArgument) : undefined;
        const paged = pagedOf(spec, poolValue);
        const result: AllocatorCall = {
          spec,
          call,
          poolArgument,
          poolValue,
          paged,
          sizeArgument: args[spec.sizeArg],
          tagArgument: spec.tagArg === undefined ? undefined : args[spec.tagArg],
        };
        return result;
      },
    };
  }
}

/** A rule's context without what is the rule's own. */
type FileContext = Omit<RuleContext, 'id' | 'options' | 'report'>;

function callBounds(program: Program, file: FileModel | undefined, call: SyntaxNode): CallIrqlBounds | undefined {
  const callee = program.calleeName(call);
  if (!callee) return undefined;
  const project = file ? program.definitionNamed(callee, file) : undefined;
  const declared = project ?? program.declarationNamed(callee);
  if (declared) {
    const bounds = program.annotatedBounds(declared);
    if (bounds) {
      return {
        callee,
        max: bounds.interval.hi,
        min: bounds.interval.lo,
        kind: 'project',
        source: bounds.step.message.replace(/^\S+ is /, ''),
        step: bounds.step,
      };
    }
    if (project) return undefined; // the project's own function: nothing stated
  }
  const entry = lookupDdi(callee);
  const dependent = ARGUMENT_DEPENDENT_BOUNDS[callee];
  if (dependent) {
    const arg = call.childForFieldName('arguments')?.namedChildren.filter((a) => a.type !== 'comment')[dependent.arg];
    const value = arg ? program.evaluate(file, arg) : undefined;
    const stored = arg && dependent.pointeeField ? storedThrough(program, file, call, arg, dependent.pointeeField) : undefined;
    const pointee = stored?.map((s) => s.value);
    const hit = arg ? dependent.cases.find((c) => argumentMatches(c.when, arg.text, value, pointee)) : undefined;
    const max = hit?.max ?? dependent.otherwise;
    const shown = hit?.when === 'pointee-non-zero' ? ` (${stored![0].site.text.replace(/\s+/g, ' ')})` : '';
    return {
      callee,
      max,
      min: entry?.irqlMin,
      kind: 'ddi',
      header: entry?.header,
      source: hit ? `${callee} with ${dependent.argName} = ${arg!.text.replace(/\s+/g, ' ')}${shown}` : 'documented',
    };
  }
  const override = DDI_BOUND_OVERRIDES[callee];
  if (override) return { callee, max: override.max, min: override.min, kind: 'ddi', header: entry?.header, source: 'annotated in the WDK headers' };
  if (!entry || (entry.irqlMax === undefined && entry.irqlMin === undefined)) return undefined;
  return { callee, max: entry.irqlMax, min: entry.irqlMin, kind: 'ddi', header: entry.header, source: 'documented' };
}

/**
 * For an argument `&local`: the constant values the calling function stores in `local.field`, each with where
 * (undefined when one of them is not a constant, or the function's writes to the local are not all visible).
 */
function storedThrough(program: Program, file: FileModel | undefined, call: SyntaxNode, arg: SyntaxNode, field: string): { value: bigint; site: SyntaxNode }[] | undefined {
  const local = /^&\s*([A-Za-z_]\w*)$/.exec(arg.text.trim())?.[1];
  const def = local ? program.functionContaining(call) : undefined;
  const stored = def ? valuesStoredIn(def, local!, field, POINTEE_READERS) : undefined;
  const out: { value: bigint; site: SyntaxNode }[] = [];
  for (const s of stored ?? []) {
    const value = program.evaluate(file, s.expression);
    if (value === undefined) return undefined;
    out.push({ value, site: s.site });
  }
  return out.length ? out : undefined;
}

/** Whether an allocator's constant pool argument asks for paged memory; undefined when it is not constant. */
function pagedOf(spec: AllocatorSpec, poolValue: bigint | undefined): boolean | undefined {
  if (poolValue === undefined) return undefined;
  return spec.pool.kind === 'type' ? isPagedPoolType(poolValue) : isPagedPoolFlags(poolValue);
}

/**
 * The allocation a use of a project macro makes, when the macro's body holds exactly one allocator call: its
 * spec, with each argument that the body takes from a macro parameter bound to the use's argument.
 */
function macroAllocation(program: Program, file: FileModel | undefined, macro: FunctionDefinition, use: SyntaxNode): AllocatorCall | undefined {
  const inner = macro.cfg.nodes.flatMap((n) => n.calls).filter((c) => lookupAllocator(program.calleeName(c) ?? ''));
  if (inner.length !== 1) return undefined;
  const spec = lookupAllocator(program.calleeName(inner[0])!)!;
  const innerArgs = callArguments(inner[0]);
  const useArgs = callArguments(use);
  const fromUse = (index: number | undefined): SyntaxNode | undefined => {
    const arg = index === undefined ? undefined : innerArgs[index];
    const param = arg ? macro.params.indexOf(compactText(arg.text)) : -1;
    return param >= 0 ? useArgs[param] : undefined;
  };
  const poolArgument = fromUse(spec.pool.arg);
  const poolValue = poolArgument ? program.evaluate(file, poolArgument) : undefined;
  return {
    spec,
    call: use,
    poolArgument,
    poolValue,
    paged: pagedOf(spec, poolValue),
    sizeArgument: fromUse(spec.sizeArg),
    tagArgument: fromUse(spec.tagArg),
    macro: macro.name,
  };
}

/**
 * An explanation at a point inside a project macro, restricted to the use of the macro that the strongest
 * evidence enters through (with what the macro's own code sets): the range it states is that use's, where the
 * finding is then reported.
 */
function forOneUse(fact: IrqlFact, explain: (fact: IrqlFact) => Explanation | undefined): Explanation | undefined {
  const overall = explain(fact);
  const use = overall && fact.evidence.find((e) => e.steps === overall.steps)?.via?.call;
  if (!use) return overall;
  const atUse = (call: SyntaxNode): IrqlFact => {
    const evidence = fact.evidence.filter((e) => !e.via || e.via.call === call);
    return { interval: evidence.map((e) => e.interval).reduce(hull), evidence };
  };
  const chosen = explain(atUse(use)) ?? overall;
  // The other uses at which the same finding holds: named with it (the finding is reported at one use).
  const others: OtherUse[] = [];
  const seen = new Set<number>([use.id]);
  for (const e of fact.evidence) {
    if (!e.via || seen.has(e.via.call.id)) continue;
    seen.add(e.via.call.id);
    const there = explain(atUse(e.via.call));
    if (there) others.push({ caller: e.via.caller, call: e.via.call, interval: there.interval });
  }
  if (others.length) otherUses.set(chosen, others);
  return chosen;
}

interface OtherUse {
  readonly caller: FunctionDefinition;
  readonly call: SyntaxNode;
  readonly interval: Interval;
}

/** For an explanation at a use of a macro: the other uses where the same holds. */
const otherUses = new WeakMap<Explanation, readonly OtherUse[]>();

/** Findings inside a project macro analysed as a function, with the use of the macro their IRQL comes from. */
const macroUses = new WeakMap<LintMessage, { readonly macro: string; readonly use: TraceStep }>();

/**
 * The use of the macro around `node` that the explanation passes through (the last step at a call of the macro):
 * what the finding rests on happens there. Undefined outside macros analysed as functions.
 */
function macroUseOf(program: Program, node: SyntaxNode, steps: readonly TraceStep[]): { macro: string; use: TraceStep } | undefined {
  const def = program.functionContaining(node);
  if (!def?.macro) return undefined;
  // `NAME(…)`, or `NAME` alone for an object-like call macro.
  const call = new RegExp(`^${def.name}(?!\\w)`);
  for (let i = steps.length - 1; i >= 0; i--) {
    const step = steps[i];
    if (call.test(step.source.text.slice(step.start, step.end))) return { macro: def.name, use: step };
  }
  return undefined;
}

/**
 * Move each finding made inside a project macro to the use of the macro its IRQL comes from, when that file is
 * among `linted` (otherwise it stays on the `#define`); the trace ends at the call inside the macro.
 */
function relocateToMacroUses(linted: readonly { readonly source: ParsedSource; readonly messages: LintMessage[] }[]): void {
  const byPath = new Map(linted.map((l) => [l.source.filePath, l]));
  for (const file of linted) {
    for (let i = file.messages.length - 1; i >= 0; i--) {
      const found = file.messages[i];
      const relocation = macroUses.get(found);
      const target = relocation && byPath.get(relocation.use.source.filePath);
      if (!relocation || !target) continue;
      const { line, column, endLine, endColumn } = found;
      const inMacro: TraceEntry = { message: `in the expansion of ${relocation.macro}, defined here`, filePath: file.source.filePath, line, column, endLine, endColumn };
      file.messages.splice(i, 1);
      const moved: LintMessage = { ...found, ...locationOf(relocation.use.source, relocation.use.start, relocation.use.end), trace: [...(found.trace ?? []), inMacro] };
      // The same finding may also have been made at the use itself (a rule that judges the macro's expansion there).
      const same = (m: LintMessage) =>
        m.ruleId === moved.ruleId && m.message === moved.message && m.line === moved.line && m.column === moved.column && m.endLine === moved.endLine && m.endColumn === moved.endColumn;
      if (!target.messages.some(same)) target.messages.push(moved);
    }
  }
}

function compareMessages(a: LintMessage, b: LintMessage): number {
  return a.line - b.line || a.column - b.column || (a.ruleId ?? '').localeCompare(b.ruleId ?? '') || a.message.localeCompare(b.message);
}

function crashMessage(ruleId: string, parsed: ParsedSource, error: unknown, node?: SyntaxNode): LintMessage {
  const text = error instanceof Error ? error.message : String(error);
  const loc = locationOf(parsed, node?.startIndex ?? 0, node?.endIndex ?? 0);
  return {
    ruleId,
    severity: 2,
    fatal: true,
    message: `Rule ${ruleId} crashed while linting ${parsed.filePath}:${loc.line}:${loc.column}: ${text}`,
    ...loc,
  };
}

export type { Explanation };
export { Level };
