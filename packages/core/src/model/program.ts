/**
 * The semantic model of one lint run: every file's model, the call graph between the project's functions, each
 * function's IRQL analysis (its summary), and the IRQL each function is entered at.
 *
 * Where a function starts, in order of trust (knowledge base §3):
 *  1. SAL annotations on its definition or any declaration (`_IRQL_requires_max_`, `__drv_maxIRQL`, …);
 *  2. its role type (`DRIVER_DISPATCH Foo;`, `_Function_class_`, `_Dispatch_type_`), or its name (`DriverEntry`);
 *  3. how it is registered (`KeInitializeDpc(&dpc, Foo, …)`, `queueConfig.EvtIoRead = Foo`, …);
 *  4. otherwise the IRQL at every call site in the run, plus PASSIVE..APC when it is pageable (`PAGED_CODE()`,
 *     `#pragma alloc_text(PAGE…)`), plus the unknown-entry default (basis *assumed*) when it has no caller or its
 *     address is taken.
 *
 * Summaries are computed callees first over the strongly connected components of the call graph (recursion
 * iterates to a fixpoint), then entry facts are propagated callers first; both passes are linear in the size of
 * the program up to the small height of the lattice.
 */
import type { ParsedSource, SyntaxNode } from '../frontend/parser.js';
import { forEachNode } from '../frontend/syntax-tree.js';
import { dispatchIrqlOf, lookupRole, ROLE_BY_FUNCTION_NAME, ROLE_REFINEMENTS } from '../knowledge/roles.js';
import { AllocationFlow } from './allocation-flow.js';
import { AnalysisMemo, type FunctionRecords, type SourceNames } from './analysis-memo.js';
import { evaluateConstant } from './constants.js';
import {
  type DriverModel,
  type FileModel,
  type FunctionDeclaration,
  type FunctionDefinition,
  bodyText,
  buildFileModel,
  driverModelFromIncludes,
  methodKey,
  methodKeyOf,
} from './file-model.js';
import { type Interval, Level, formatInterval, hull, interval, levelFromNumber, meet, parseLevel } from './irql.js';
import { type AnalysisContext, type CalleeSummary, type FunctionIrql, analyzeFunction, parameterFactsOf, step } from './irql-analysis.js';
import type { Defines } from './preprocessor.js';
import { includeKey, resolveIncludeAmong } from './includes.js';
import { callArguments, calleeName as plainCallee, conditionValue, enclosingCases, enclosingConditions } from './syntax.js';
import type { TraceStep } from './irql-domain.js';
import {
  type EntryFact,
  type Evidence,
  type IrqlFact,
  type IrqlValue,
  ENTRY_VALUE,
  concretize,
  entryFact,
  entryKey,
  valueKey,
  withInterval,
} from './irql-domain.js';

export interface IrqlSettings {
  /** Entry IRQL of a function with no annotation, no role and no caller. */
  readonly unknownEntry: Interval;
  /** The build's macro values (`settings.defines`, `-D`): they pick `#if` branches inside functions. */
  readonly defines?: Defines;
}

export interface ProgramOptions {
  /**
   * Reuse function analyses between runs: the records an earlier run kept (`analysisRecords()`), `{}` when there
   * are none yet. A function whose questions to the rest of the program get the same answers is not analysed again.
   */
  readonly analysisRecords?: FunctionRecords;
}

export const DEFAULT_IRQL_SETTINGS: IrqlSettings = { unknownEntry: interval(Level.Passive, Level.Dispatch) };

export interface CallSite {
  readonly caller: FunctionDefinition;
  readonly call: SyntaxNode;
}

const MAX_IRQL_ANNOTATIONS = new Set(['_IRQL_requires_max_', '__drv_maxIRQL', '_IRQL_always_function_max_', '__drv_maxFunctionIRQL']);
const MIN_IRQL_ANNOTATIONS = new Set(['_IRQL_requires_min_', '__drv_minIRQL', '_IRQL_always_function_min_', '__drv_minFunctionIRQL']);
const EXACT_IRQL_ANNOTATIONS = new Set(['_IRQL_requires_', '__drv_requiresIRQL']);
const RAISES_IRQL_ANNOTATIONS = new Set(['_IRQL_raises_', '__drv_raisesIRQL', '__drv_setsIRQL']);
/** IRQL annotations that state no range themselves: any of them implies IRQL <= DISPATCH_LEVEL (SAL rules). */
const OTHER_IRQL_ANNOTATION = /^(?:_IRQL_raises_|_IRQL_saves_global_|_IRQL_restores_global_|_IRQL_requires_same_|__drv_raisesIRQL|__drv_setsIRQL|__drv_savesIRQLGlobal|__drv_restoresIRQLGlobal|__drv_sameIRQL)$/;
/** Annotations saying the function deliberately returns with a lock held or the IRQL changed. */
const EXIT_STATE_ANNOTATIONS = /^(?:_IRQL_saves_global_|__drv_savesIRQLGlobal|_Acquires_\w*lock_|__drv_acquiresResource|_IRQL_always_function_min_)$/;

export class Program {
  readonly files: readonly FileModel[];
  private readonly byPath = new Map<string, FileModel>();
  private readonly byTree = new Map<unknown, FileModel>();
  private readonly definitionsByName = new Map<string, FunctionDefinition[]>();
  /** C++ methods by `Class::Method` (the class without namespaces or template arguments). */
  private readonly methodsByName = new Map<string, FunctionDefinition[]>();
  private readonly declarationsByName = new Map<string, FunctionDeclaration[]>();
  private readonly definitionByNode = new Map<number, FunctionDefinition>();
  private readonly callSites = new Map<FunctionDefinition, CallSite[]>();
  private readonly callees = new Map<FunctionDefinition, Set<FunctionDefinition>>();
  private readonly globalDefines = new Map<string, string>();
  private readonly globalEnums = new Map<string, bigint>();
  private analyses?: Map<FunctionDefinition, FunctionIrql>;
  private entries?: Map<FunctionDefinition, EntryFact>;
  /** Unpruned entry evidence, computed for the functions whose findings a test on a parameter filters. */
  private readonly fullEntryEvidence = new Map<FunctionDefinition, Evidence[]>();
  private readonly parameterTests = new Map<FunctionDefinition, boolean>();
  private readonly parametersDecided = new Map<FunctionDefinition, ReadonlySet<string>>();
  private readonly modelCache = new Map<string, DriverModel>();
  /** Indexes that keep the whole-program queries linear. */
  private readonly registrationsByName = new Map<string, { file: FileModel; registration: FileModel['registrations'][number] }[]>();
  private readonly addressTakenIn = new Map<string, FileModel[]>();
  private readonly filesByBaseName = new Map<string, FileModel[]>();
  private readonly normalizedPath = new Map<FileModel, string>();
  /** Project macros analysed as functions, by their own tree; and each file's real functions, in offset order. */
  private readonly macroByTree = new Map<unknown, FunctionDefinition>();
  private readonly realDefinitions = new Map<FileModel, readonly FunctionDefinition[]>();
  /** Per function, facts of its declarations that the fixpoints ask for at every call (the program does not change). */
  private readonly declarationsCache = new Map<FunctionDeclaration, readonly FunctionDeclaration[]>();
  private readonly annotatedExits = new Map<FunctionDeclaration, IrqlValue | undefined>();
  private readonly salContracts = new Map<FunctionDeclaration, Evidence | undefined>();
  private readonly impliedSalContracts = new Map<FunctionDeclaration, Evidence | undefined>();
  /** Constant values by file and text (a file's defines and enums, then the program's, do not change). */
  private readonly evaluated = new Map<FileModel | undefined, Map<string, bigint | undefined>>();

  /** Reuse of function analyses between runs, when `options.analysisRecords` was given (see analysis-memo.ts). */
  private readonly memo?: AnalysisMemo;

  constructor(
    sources: readonly ParsedSource[],
    readonly settings: IrqlSettings = DEFAULT_IRQL_SETTINGS,
    options: ProgramOptions = {},
  ) {
    this.files = sources.map((source) => this.buildResilient(source));
    for (const f of this.files) {
      this.byPath.set(f.source.filePath, f);
      this.byTree.set(f.source.tree, f);
      for (const d of f.definitions) {
        push(this.definitionsByName, d.name, d);
        const key = methodKey(d);
        if (key) push(this.methodsByName, key, d);
        this.definitionByNode.set(d.node.id, d);
        if (d.macro) this.macroByTree.set(d.source.tree, d);
      }
      this.realDefinitions.set(f, f.definitions.filter((d) => !d.macro));
      for (const d of f.declarations) push(this.declarationsByName, d.name, d);
      // A method registered by its qualified name (`CQueue::OnRead`, `Ns::CQueue::OnRead`) under its method key.
      for (const r of f.registrations) push(this.registrationsByName, methodKeyOf(r.functionName) ?? r.functionName, { file: f, registration: r });
      for (const name of f.addressTaken) push(this.addressTakenIn, name, f);
      const norm = f.source.filePath.replace(/\\/g, '/').toLowerCase();
      this.normalizedPath.set(f, norm);
      push(this.filesByBaseName, norm.slice(norm.lastIndexOf('/') + 1), f);
      // forEach: a header's thousands of defines, iterated before V8 optimizes this, would allocate an entry each.
      f.defines.forEach((v, k) => {
        if (!this.globalDefines.has(k)) this.globalDefines.set(k, v);
      });
      f.enumConstants.forEach((v, k) => {
        if (!this.globalEnums.has(k)) this.globalEnums.set(k, v);
      });
    }
    if (options.analysisRecords) this.memo = new AnalysisMemo(options.analysisRecords, this.sourceNames());
    for (const f of this.files) {
      for (const def of f.definitions) {
        const out = new Set<FunctionDefinition>();
        for (const node of def.cfg.nodes) {
          for (const call of node.calls) {
            const callee = this.resolveCall(f, call);
            if (!callee) continue;
            out.add(callee);
            push(this.callSites, callee, { caller: def, call });
          }
        }
        this.callees.set(def, out);
      }
    }
  }

  /** Per file, what could not be analysed (a function nested too deep to lower, say): shown as notices. */
  readonly failures = new Map<string, string[]>();

  /**
   * A file's model, with every function whose CFG cannot be built left out (and said so): one pathological
   * function must not stop the analysis of the others, nor the run.
   */
  private buildResilient(source: ParsedSource): FileModel {
    let model: FileModel;
    try {
      model = buildFileModel(source, { defines: this.settings.defines });
    } catch (error) {
      this.fail(source.filePath, `the file could not be modelled (${reason(error)}); it is linted without its functions`);
      return { ...emptyModel(source) };
    }
    const kept = model.definitions.filter((def) => {
      try {
        void def.cfg;
        return true;
      } catch (error) {
        this.fail(source.filePath, `${def.name} could not be analysed (${reason(error)}); the other functions were`);
        return false;
      }
    });
    return kept.length === model.definitions.length ? model : { ...model, definitions: kept };
  }

  /** Names for the sources a function record points into (see analysis-memo.ts); built once the files are modelled. */
  private sourceNames(): SourceNames {
    const macroSources = new Map<string, ParsedSource>();
    const macroNames = new Map<ParsedSource, string>();
    for (const def of this.macroByTree.values()) {
      const name = `${def.source.filePath}\0${def.macro!.startIndex}`;
      macroSources.set(name, def.source);
      macroNames.set(def.source, name);
    }
    return {
      nameOf: (source) => (this.byPath.get(source.filePath)?.source === source ? source.filePath : macroNames.get(source)),
      sourceOf: (name) => macroSources.get(name) ?? this.byPath.get(name)?.source,
    };
  }

  private fail(filePath: string, message: string): void {
    const list = this.failures.get(filePath);
    if (list) list.push(message);
    else this.failures.set(filePath, [message]);
  }

  fileModel(filePath: string): FileModel | undefined {
    return this.byPath.get(filePath);
  }

  private readonly calleeNames = new Map<number, string | undefined>();

  /** The called name when the callee is a plain identifier (cached: every rule asks it of every call). */
  calleeName(call: SyntaxNode): string | undefined {
    if (this.calleeNames.has(call.id)) return this.calleeNames.get(call.id);
    const name = plainCallee(call);
    this.calleeNames.set(call.id, name);
    return name;
  }

  /** The project function a call goes to: a definition in the same file first, then a non-static one anywhere. */
  resolveCall(file: FileModel, call: SyntaxNode): FunctionDefinition | undefined {
    const method = this.methodsByName.size && file.source.language === 'cpp' ? this.resolveMethodCall(file, call) : undefined;
    if (method) return method;
    const name = plainCallee(call);
    return name ? this.definitionNamed(name, file) : undefined;
  }

  /**
   * C++: a call of a method. From a method, `Release(ctx)` and `this->Release(ctx)` call its own class's `Release`
   * first, as C++'s name lookup does; `Queue::Release(ctx)` names it anywhere. Calls through other objects are not
   * resolved: their class is not known without types.
   */
  private resolveMethodCall(file: FileModel, call: SyntaxNode): FunctionDefinition | undefined {
    const f = call.type === 'call_expression' ? call.childForFieldName('function') : null;
    if (!f) return undefined;
    let key: string | undefined;
    if (f.type === 'qualified_identifier' && f.childForFieldName('scope')) key = methodKeyOf(f.text);
    else {
      const member =
        f.type === 'identifier' ? f.text : f.type === 'field_expression' && f.childForFieldName('argument')?.type === 'this' ? f.childForFieldName('field')?.text : undefined;
      key = member ? methodKey({ className: this.functionContaining(call)?.className, name: member }) : undefined;
    }
    const candidates = key ? this.methodsByName.get(key) : undefined;
    if (!candidates) return undefined;
    return candidates.find((d) => d.source === file.source) ?? this.nearest(file, candidates, (d) => this.byPath.get(d.source.filePath)!)[0];
  }

  /** Per file asking (undefined: none), the answers of `definitionNamed`: asked at every call the analyses and rules resolve. */
  private readonly namedFrom = new Map<FileModel | undefined, Map<string, FunctionDefinition | null>>();

  definitionNamed(name: string, from?: FileModel): FunctionDefinition | undefined {
    let answers = this.namedFrom.get(from);
    if (!answers) this.namedFrom.set(from, (answers = new Map()));
    let found = answers.get(name);
    if (found === undefined) answers.set(name, (found = this.findDefinitionNamed(name, from) ?? null));
    return found ?? undefined;
  }

  private findDefinitionNamed(name: string, from?: FileModel): FunctionDefinition | undefined {
    const named = this.definitionsByName.get(name);
    if (!named) return undefined;
    // A method defined in its class goes by its bare name (`Reset`) too; a free function of that name is the one a
    // plain call reaches (a call from within the class is resolved as a method first: `resolveMethodCall`).
    const defs = named.length > 1 && named.some((d) => d.className) && named.some((d) => !d.className) ? named.filter((d) => !d.className) : named;
    if (from) for (const d of defs) if (d.source === from.source) return d;
    if (defs.length === 1) return defs[0]!.isStatic ? undefined : defs[0];
    const visible = defs.filter((d) => !d.isStatic);
    return from ? this.nearest(from, visible, (d) => this.byPath.get(d.source.filePath)!)[0] : visible[0];
  }

  /**
   * Of several candidates for one name, those in the files nearest to `from` in the folder tree. A run over many
   * drivers at once (a samples repository) must not mix up their same-named functions, declarations and fields;
   * within one driver every candidate is near.
   */
  nearest<T>(from: FileModel, candidates: readonly T[], fileOf: (t: T) => FileModel): T[] {
    if (candidates.length <= 1) return [...candidates];
    const here = this.normalizedPath.get(from)!;
    let best = -1;
    let out: T[] = [];
    for (const c of candidates) {
      const there = this.normalizedPath.get(fileOf(c))!;
      let i = 0;
      while (i < here.length && i < there.length && here[i] === there[i]) i++;
      // The length of the deepest folder both paths are in.
      const depth = i > 0 ? here.lastIndexOf('/', i - 1) + 1 : 0;
      if (depth > best) {
        best = depth;
        out = [c];
      } else if (depth === best) out.push(c);
    }
    return out;
  }

  /** Declarations and the definition that speak of the same function as `def`. */
  declarationsOf(def: FunctionDeclaration): readonly FunctionDeclaration[] {
    return once(this.declarationsCache, def, () => this.findDeclarations(def));
  }

  private findDeclarations(def: FunctionDeclaration): FunctionDeclaration[] {
    const all = [...(this.declarationsByName.get(def.name) ?? []), ...(this.definitionsByName.get(def.name) ?? [])];
    const visible = all.filter((d) => d === def || (!d.isStatic && !def.isStatic) || d.source === def.source);
    const home = this.byPath.get(def.source.filePath);
    if (!home || visible.length <= 1) return visible;
    // Declarations of the same driver: the nearest folder that has any.
    const near = new Set(this.nearest(home, visible.filter((d) => d !== def), (d) => this.byPath.get(d.source.filePath)!));
    return visible.filter((d) => d === def || near.has(d));
  }

  /** The function definition that contains a node. */
  functionContaining(node: SyntaxNode): FunctionDefinition | undefined {
    // Definitions do not nest in C: a binary search over the file's definitions by offset (walking up parents
    // through the native binding costs far more).
    const macro = this.macroByTree.get(node.tree);
    if (macro) return macro;
    const file = this.byTree.get(node.tree);
    if (!file) return undefined;
    const defs = this.realDefinitions.get(file) ?? file.definitions;
    let lo = 0;
    let hi = defs.length - 1;
    const at = node.startIndex;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const d = defs[mid];
      if (at < d.node.startIndex) hi = mid - 1;
      else if (at >= d.node.endIndex) lo = mid + 1;
      else return node.endIndex <= d.node.endIndex ? d : undefined;
    }
    return undefined;
  }

  /** Used as a value (a pointer stored or passed on): callers the analysis cannot see may exist. */
  isAddressTaken(def: FunctionDefinition): boolean {
    return (this.addressTakenIn.get(def.name) ?? []).some((f) => !def.isStatic || f.source === def.source);
  }

  /** A declaration (prototype or role-type declaration) of that name anywhere in the run. */
  declarationNamed(name: string): FunctionDeclaration | undefined {
    return this.declarationsByName.get(name)?.[0];
  }

  /** Registrations of a function (by name) anywhere in the run. */
  registrationsOf(def: FunctionDefinition): { file: FileModel; registration: FileModel['registrations'][number] }[] {
    // A method is registered by its qualified name (indexed by its method key), whether it is defined in its class
    // (named `OnRead` there) or outside it (`Ns::CQueue::OnRead`); one defined in its class also by its bare name,
    // from inside the class (`= OnRead`).
    const byName = def.name.includes('::') ? [] : this.registrationsByName.get(def.name) ?? [];
    const key = methodKey(def);
    const byKey = key ? this.registrationsByName.get(key) ?? [] : [];
    const visible = (byKey.length ? [...byName, ...byKey] : byName).filter((r) => !def.isStatic || r.file.source === def.source);
    const home = this.byPath.get(def.source.filePath)!;
    return this.nearest(home, visible, (r) => r.file);
  }

  callSitesOf(def: FunctionDefinition): readonly CallSite[] {
    return this.callSites.get(def) ?? [];
  }

  private flow?: AllocationFlow;

  /** Where pool memory flows: allocation sites, what a pointer may hold, NULL-check and zeroing findings. */
  allocationFlow(): AllocationFlow {
    this.flow ??= new AllocationFlow({
      evaluate: (def, expr) => this.evaluate(def ? this.byPath.get(def.source.filePath) : undefined, expr),
      functionContaining: (node) => this.functionContaining(node),
      resolveCallee: (call) => {
        const def = this.functionContaining(call);
        const file = def ? this.byPath.get(def.source.filePath) : undefined;
        return file ? this.resolveCall(file, call) : undefined;
      },
      definitions: () => this.definitions(),
      fieldAssignments: (field, near) => {
        const files = this.files.filter((f) => f.fieldAssignments.has(field));
        const home = near ? this.byTree.get(near.tree) : undefined;
        return (home ? this.nearest(home, files, (f) => f) : files).flatMap((f) => f.fieldAssignments.get(field) ?? []);
      },
      callSitesOf: (def) => this.callSitesOf(def),
    });
    return this.flow;
  }

  /** Whether a macro is `#define`d in any file of the run. */
  isDefined(name: string): boolean {
    return this.globalDefines.has(name);
  }

  /** Constant value of an expression (or its text) as seen from a file. */
  evaluate(file: FileModel | undefined, expr: SyntaxNode | string): bigint | undefined {
    const text = typeof expr === 'string' ? expr : expr.text;
    // The same few texts (`DISPATCH_LEVEL`, `TRUE`, a tag) are evaluated at every call of every fixpoint round.
    const known = once(this.evaluated, file, () => new Map<string, bigint | undefined>());
    return once(known, text, () => this.evaluateAfresh(file, text));
  }

  private evaluateAfresh(file: FileModel | undefined, text: string): bigint | undefined {
    return evaluateConstant(text, (name) => {
      if (file) {
        const d = file.defines.get(name);
        if (d !== undefined) return d;
        const e = file.enumConstants.get(name);
        if (e !== undefined) return e;
      }
      return this.globalDefines.get(name) ?? this.globalEnums.get(name);
    });
  }

  /** The driver model of a file, from its includes and those of the project headers it includes. */
  driverModel(file: FileModel): DriverModel {
    return once(this.modelCache, file.source.filePath, () => this.findDriverModel(file));
  }

  private findDriverModel(file: FileModel): DriverModel {
    const seen = new Set<FileModel>();
    const includes: string[] = [];
    const visit = (f: FileModel): void => {
      if (seen.has(f)) return;
      seen.add(f);
      for (const inc of f.includes) {
        includes.push(inc);
        const target = this.resolveInclude(f, inc);
        if (target) visit(target);
      }
    };
    visit(file);
    return driverModelFromIncludes(includes) ?? 'wdm';
  }

  /**
   * The file of the run an `#include` names: the path relative to the including file first, otherwise the file
   * with that path suffix nearest to the includer (project include directories are not known here).
   */
  resolveInclude(from: FileModel, include: string): FileModel | undefined {
    const candidates = this.filesByBaseName.get(includeKey(include)) ?? [];
    return resolveIncludeAmong(this.normalizedPath.get(from)!, include, candidates, (f) => this.normalizedPath.get(f)!, from);
  }

  // ---- IRQL --------------------------------------------------------------------------------------------------

  /**
   * Run the whole-program IRQL passes now. Otherwise the first rule that asks pays for them, inside its file's
   * time budget, and a supervisor would take the whole program's analysis for one slow rule.
   */
  prepare(): void {
    this.computeAnalyses();
    this.computeEntries();
  }

  /**
   * With `options.analysisRecords`: this run's function records for the next run, by the path of their function's
   * file, and how many functions were read back and analysed; undefined while the analyses have not run (nothing
   * asked for an IRQL).
   */
  analysisRecords(): { readonly records: ReadonlyMap<string, FunctionRecords>; readonly reused: number; readonly analysed: number } | undefined {
    return this.memo && this.analyses ? this.memo : undefined;
  }

  /** The IRQL analysis of one function (runs the whole-program pass on first use). */
  irqlOf(def: FunctionDefinition): FunctionIrql {
    return this.computeAnalyses().get(def)!;
  }

  entryOf(def: FunctionDefinition): EntryFact {
    return this.computeEntries().get(def)!;
  }

  /** A function's entry with every piece of its evidence (`entryOf` keeps the extremes per basis). */
  private everyEntryOf(def: FunctionDefinition): EntryFact {
    const pruned = this.entryOf(def);
    if (!pruned.evidence.some((e) => e.via)) return pruned;
    const all = this.allEntryEvidence(def);
    return all.length ? { interval: all.map((e) => e.interval).reduce(hull), evidence: all } : pruned;
  }

  /** `entryEvidence` over the final entries, once per function. */
  private allEntryEvidence(def: FunctionDefinition): Evidence[] {
    return once(this.fullEntryEvidence, def, () => this.entryEvidence(def, this.computeEntries()));
  }

  /** The IRQL a node may run at: for a call, just before the call; for any other node, at its statement. */
  irqlAt(node: SyntaxNode): IrqlFact | undefined {
    const def = this.functionContaining(node);
    if (!def) return undefined;
    const analysis = this.irqlOf(def);
    let value: IrqlValue | undefined;
    if (node.type === 'call_expression') value = analysis.beforeCall.get(node.id);
    if (!value) {
      const cfgNode = def.cfg.nodeContaining(node);
      value = cfgNode ? analysis.valueAt[cfgNode.id] : undefined;
    }
    // A macro's uses are few and each is a place a finding may be reported at: all of them, not just the extremes.
    const entry = def.macro ? this.everyEntryOf(def) : this.entryOf(def);
    const fact = value ? concretize(value, this.entryReaching(def, node, entry, value.entryWhen)) : undefined;
    // In a macro, a branch on one of its parameters (`if (DispatchLevel) NdisDprAcquireSpinLock(…)`) is decided by
    // the argument at each use, which a function-wide analysis of the macro cannot see: what holds there is assumed.
    if (fact && def.macro && dependsOnMacroArgument(def, node)) {
      return { ...fact, evidence: fact.evidence.map((e) => ({ ...e, basis: 'assumed' as const })) };
    }
    return fact;
  }

  /**
   * The entry evidence of `def` that can reach `node`: a caller that passes a constant argument for a parameter
   * the path to `node` tests (`RestorePreservedSettings(ext, TRUE)` and `if (!AtDirql) …` around it, or a
   * `switch` on it whose cases leading to `node` do not include the constant) brings its IRQL only where the test
   * lets that constant through.
   */
  private entryReaching(
    def: FunctionDefinition,
    node: SyntaxNode,
    entry: EntryFact,
    when: ReadonlyMap<string, boolean> | undefined,
    final = true,
  ): EntryFact {
    if (!def.params.length || !entry.evidence.some((e) => e.via)) return entry;
    // Only a parameter some caller decides (a constant, a dispatch-level flag) can keep a caller's IRQL out.
    const params = this.decidedParameters(def);
    if (!params.size || (!when?.size && !this.testsParameters(def))) return entry;
    const tests = enclosingConditions(node).filter(({ condition }) => mentionsAny(condition, params));
    // `switch (TimerCtrlType) { case DFS_TIMER_RELEASE: … }` with the caller's constant DFS_TIMER_CANCEL.
    const cases = enclosingCases(node).filter(({ discriminant, values }) => values && mentionsAny(discriminant, params));
    if (!tests.length && !cases.length && !when?.size) return entry;
    // The entry fact keeps only the extremes of its evidence; the caller that a test lets through may be one that
    // was left out, so the final answer filters the whole list (during the fixpoint, the kept extremes).
    const evidence = final ? this.allEntryEvidence(def) : entry.evidence;
    const own = this.byPath.get(def.source.filePath);
    // The case labels' values do not depend on the caller: evaluated once.
    const caseLabels = cases.map(({ values }) => values!.map((v) => this.evaluate(own, v)));
    const reaching = (e: Evidence): Evidence | undefined => {
      if (!e.via) return e;
      const args = callArguments(e.via.call);
      const file = this.byPath.get(e.via.caller.source.filePath);
      const valueOf = (name: string): bigint | undefined => {
        const arg = args[def.params.indexOf(name)];
        return arg ? this.evaluate(file, arg) : undefined;
      };
      if (!tests.every(({ condition, whenTrue }) => conditionValue(condition, valueOf) !== !whenTrue)) return undefined;
      const caseReached = cases.every(({ discriminant }, i) => {
        const d = discriminant.type === 'parenthesized_expression' ? discriminant.namedChildren[0] : discriminant;
        const value = d?.type === 'identifier' ? valueOf(d.text) : undefined;
        return value === undefined || caseLabels[i].some((label) => label === undefined || label === value);
      });
      if (!caseReached) return undefined;
      // The entry IRQL reaches `node` only where these parameters have these truths: a constant argument decides;
      // an argument that states the caller's entry IRQL (an NDIS dispatch-level flag) narrows it.
      let out: Evidence = e;
      for (const [param, truth] of when ?? []) {
        if (!params.has(param)) continue;
        const arg = args[def.params.indexOf(param)];
        if (!arg) continue;
        const constant = this.evaluate(file, arg);
        if (constant !== undefined) {
          if ((constant !== 0n) !== truth) return undefined;
          continue;
        }
        const stated = e.via.fromEntry ? parameterFactsOf(e.via.caller).entryStatedBy(arg.text, truth) : undefined;
        if (!stated) continue;
        const narrowed = meet(out.interval, stated);
        if (!narrowed) return undefined;
        out = withInterval(out, narrowed);
      }
      return out;
    };
    const kept = evidence.flatMap((e) => reaching(e) ?? []);
    const unchanged = kept.length === evidence.length && kept.every((e, i) => e === evidence[i]);
    return unchanged ? entry : (entryFact(kept) ?? entry);
  }

  /**
   * The parameters of `def` that some caller passes a constant for, or an argument that states its IRQL (an NDIS
   * dispatch-level flag): the only ones whose tests can tell the callers' IRQLs apart.
   */
  private decidedParameters(def: FunctionDefinition): ReadonlySet<string> {
    return once(this.parametersDecided, def, () => this.findDecidedParameters(def));
  }

  private findDecidedParameters(def: FunctionDefinition): ReadonlySet<string> {
    const decided = new Set<string>();
    for (const site of this.callSitesOf(def)) {
      const args = callArguments(site.call);
      const file = this.byPath.get(site.caller.source.filePath);
      const stated = parameterFactsOf(site.caller);
      def.params.forEach((param, i) => {
        const arg = args[i];
        if (!arg || decided.has(param)) return;
        if (this.evaluate(file, arg) !== undefined || stated.entryStatedBy(arg.text, true) || stated.entryStatedBy(arg.text, false)) decided.add(param);
      });
    }
    return decided;
  }

  /**
   * Whether any condition of `def` mentions one of its decided parameters (a branch or loop condition, a `switch`, a
   * `?:`, an `&&` / `||` operand): most functions test none, and their nodes need no walk up to their tests.
   */
  private testsParameters(def: FunctionDefinition): boolean {
    return once(this.parameterTests, def, () => this.findParameterTests(def));
  }

  private findParameterTests(def: FunctionDefinition): boolean {
    const params = this.decidedParameters(def);
    let answer = def.cfg.nodes.some((n) =>
      n.succ.some((e) => (e.guard && mentionsAny(e.guard.condition, params)) || (e.caseOf && mentionsAny(e.caseOf.discriminant, params))),
    );
    // `?:` and `&&` / `||` outside a branch condition are not CFG edges: look for them only where they occur.
    if (!answer && /\?|&&|\|\|/.test(bodyText(def))) {
      forEachNode(def.body, (n) => {
        const tested = n.type === 'conditional_expression' ? n.childForFieldName('condition') : n.childForFieldName('left');
        if (!answer && tested && (n.type === 'conditional_expression' || /^(?:&&|\|\|)$/.test(n.child(1)?.type ?? '')) && mentionsAny(tested, params)) answer = true;
      }, EXPRESSION_TESTS);
    }
    return answer;
  }

  /** A fixed summary from `_IRQL_raises_(X)` on any declaration. */
  private annotatedExit(def: FunctionDeclaration): IrqlValue | undefined {
    return once(this.annotatedExits, def, () => this.findAnnotatedExit(def));
  }

  private findAnnotatedExit(def: FunctionDeclaration): IrqlValue | undefined {
    for (const d of this.declarationsOf(def)) {
      for (const a of d.annotations) {
        if (!RAISES_IRQL_ANNOTATIONS.has(a.name) || !a.args) continue;
        const level = parseLevel(a.args) ?? levelOf(this.evaluate(this.fileModel(d.source.filePath), a.args));
        if (level === undefined) continue;
        return {
          entryCap: null,
          parts: [
            {
              interval: interval(level),
              basis: 'contract',
              key: `raises:${def.name}`,
              steps: [{ message: `${def.name} is annotated ${a.name}(${a.args.trim()})`, source: d.source, start: a.start, end: a.end }],
            },
          ],
        };
      }
    }
    return undefined;
  }

  private computeAnalyses(): Map<FunctionDefinition, FunctionIrql> {
    if (this.analyses) return this.analyses;
    const analyses = new Map<FunctionDefinition, FunctionIrql>();
    const exits = new Map<FunctionDefinition, IrqlValue | undefined>();
    const results = new Map<FunctionDefinition, FunctionIrql>();
    const fileOf = (def: FunctionDefinition) => this.byPath.get(def.source.filePath)!;
    const summaryOf = (def: FunctionDefinition, call: SyntaxNode, name: string): CalleeSummary | undefined => {
      const callee = this.resolveCall(fileOf(def), call);
      if (callee) {
        const result = results.get(callee);
        return {
          name,
          exit: this.annotatedExit(callee) ?? exits.get(callee),
          saved: result?.exitSaved,
          restores: result?.restoresUnsaved,
          params: callee.params,
          isLocal: (name: string) => callee.locals.has(name),
        };
      }
      const decl = this.declarationsByName.get(name)?.[0];
      const annotated = decl ? this.annotatedExit(decl) : undefined;
      return annotated ? { name, exit: annotated } : undefined;
    };
    const ctxFor = (def: FunctionDefinition): AnalysisContext => {
      // The fixpoint asks at every visit of a call; its callee's summary does not change during one analysis.
      const summaries = new Map<number, CalleeSummary | undefined>();
      return {
        summaryOf: (call: SyntaxNode, name: string): CalleeSummary | undefined => {
          if (summaries.has(call.id)) return summaries.get(call.id);
          const summary = summaryOf(def, call, name);
          summaries.set(call.id, summary);
          return summary;
        },
        evaluate: (text: string) => this.evaluate(fileOf(def), text),
        pageableSection: !def.pagedCode && fileOf(def).pagedSections.has(def.name),
        dispatchRoutine: def.cfg.nodes.some((n) => n.succ.some((e) => e.caseOf)) && this.rolesOf(def).some((r) => r.roleType === 'DRIVER_DISPATCH'),
        configured: (field: string) =>
          this.files.some((f) => this.sameDriver(fileOf(def), f) && f.configAssignments.some((a) => a.field === field && a.value === 'TRUE')),
      };
    };
    const settle = (def: FunctionDefinition, result: FunctionIrql): void => {
      analyses.set(def, result);
      // A body tree-sitter could not fully parse may have lost the release that balances an acquire: its
      // exit is not trusted to raise its callers (they would all inherit a phantom lock).
      exits.set(def, def.body.hasError && result.exit?.parts.length ? ENTRY_VALUE : result.exit);
      results.set(def, result);
    };
    for (const scc of stronglyConnected([...this.callees.keys()], (d) => this.callees.get(d) ?? [])) {
      if (scc.length === 1 && !(this.callees.get(scc[0]!)?.has(scc[0]!) ?? false)) {
        const def = scc[0]!;
        settle(def, this.memo ? this.memo.analyze(def, ctxFor(def), analyzeFunction) : analyzeFunction(def, ctxFor(def)));
        continue;
      }
      // A recursive cycle: rounds until no summary changes (at most 8).
      const iterate = (analyze: (def: FunctionDefinition, ctx: AnalysisContext) => FunctionIrql): FunctionIrql[] => {
        for (let round = 0; round < 8; round++) {
          let changed = false;
          for (const def of scc) {
            const result = analyze(def, ctxFor(def));
            const before = results.get(def);
            if (!before || summaryKey(before) !== summaryKey(result)) changed = true;
            settle(def, result);
          }
          if (!changed) break;
        }
        return scc.map((def) => results.get(def)!);
      };
      if (!this.memo) iterate(analyzeFunction);
      else {
        const finals = this.memo.analyzeCycle(scc, ctxFor, (def, call) => this.resolveCall(fileOf(def), call), analyzeFunction, iterate);
        scc.forEach((def, i) => settle(def, finals[i]!));
      }
    }
    this.analyses = analyses;
    return analyses;
  }

  /**
   * The roles a function has: declared (`HW_STARTIO HwStorStartIo;`, `_Function_class_`), fixed by name
   * (`DriverEntry`), or given by a registration anywhere in the run. Declared roles come first.
   */
  rolesOf(def: FunctionDefinition): { readonly roleType: string; readonly how: 'declared' | 'name' | 'registered'; readonly step: TraceStep }[] {
    const out: { roleType: string; how: 'declared' | 'name' | 'registered'; step: TraceStep }[] = [];
    for (const d of this.declarationsOf(def)) {
      if (d.roleType && !out.some((r) => r.roleType === d.roleType)) {
        out.push({
          roleType: d.roleType,
          how: 'declared',
          step: { message: `${def.name} is declared ${d.roleType}`, source: d.source, start: d.nameNode.startIndex, end: d.nameNode.endIndex },
        });
      }
    }
    const byName = ROLE_BY_FUNCTION_NAME[def.name];
    if (byName && !out.some((r) => r.roleType === byName)) out.push({ roleType: byName, how: 'name', step: step(def, def.nameNode, `${def.name} is the driver's ${byName} routine`) });
    for (const { file: f, registration: r } of this.registrationsOf(def)) {
      {
        if (out.some((o) => o.roleType === r.roleType)) continue;
        out.push({
          roleType: r.roleType,
          how: 'registered',
          step: { message: `${def.name} is registered as ${r.roleType} by ${r.via}`, source: f.source, start: r.site.startIndex, end: r.site.endIndex },
        });
      }
    }
    return out;
  }

  /** Every function reachable from `root` through calls, with the call sites of one shortest chain to it. */
  reachableFrom(root: FunctionDefinition): Map<FunctionDefinition, readonly CallSite[]> {
    const paths = new Map<FunctionDefinition, readonly CallSite[]>([[root, []]]);
    const queue = [root];
    while (queue.length) {
      const def = queue.shift()!;
      const chain = paths.get(def)!;
      for (const node of def.cfg.nodes) {
        for (const call of node.calls) {
          const callee = this.resolveCall(this.byPath.get(def.source.filePath)!, call);
          if (!callee || paths.has(callee)) continue;
          paths.set(callee, [...chain, { caller: def, call }]);
          queue.push(callee);
        }
      }
    }
    return paths;
  }

  /**
   * The IRQL range the function's own SAL annotations require of its callers, with the step that says so;
   * undefined when it has no IRQL annotation.
   */
  annotatedBounds(def: FunctionDeclaration): { readonly interval: Interval; readonly step: TraceStep } | undefined {
    const contract = this.salContract(this.definitionNamed(def.name) ?? def, true);
    return contract ? { interval: contract.interval, step: contract.steps[0] } : undefined;
  }

  /** IRQL raises still in effect when the function returns (the function does not restore them). */
  unrestoredRaises(def: FunctionDefinition): Evidence[] {
    // A macro that takes a lock (`#define LOCK(x) KeAcquireSpinLock(…)`) leaves it taken by design.
    if (def.macro) return [];
    for (const d of this.declarationsOf(def)) {
      if (d.annotations.some((a) => RAISES_IRQL_ANNOTATIONS.has(a.name) || EXIT_STATE_ANNOTATIONS.test(a.name))) return [];
    }
    // A partly unparsed body may have lost its release: no report rather than a guess.
    if (def.body.hasError) return [];
    const exit = this.irqlOf(def).exit;
    // Returning at the level it was entered at is no raise left behind: a helper entered with a spin lock held
    // that drops and re-takes it returns as it came.
    const entry = this.entryOf(def).interval;
    // Raises made here, and raises of callees annotated to return raised (`_IRQL_raises_`): an unannotated
    // callee's unrestored raise is reported in that callee, not again in every caller.
    return (exit?.parts ?? []).filter(
      (p) =>
        ((p.basis === 'proven' && p.key.startsWith('raise@') && !p.key.includes('<')) || /^raises:[^<]*<\d+$/.test(p.key)) &&
        p.interval.hi > entry.lo,
    );
  }

  /** All function definitions of the run, in file order. */
  definitions(): readonly FunctionDefinition[] {
    return this.files.flatMap((f) => f.definitions);
  }

  private readonly reachCache = new Map<FunctionDefinition, Map<FunctionDefinition, readonly CallSite[]>>();

  /**
   * If the function containing `node` is one of `roots` or reachable from one, the steps that show it: the
   * root's role, then each call on the shortest chain. Undefined otherwise.
   */
  chainFrom(roots: readonly FunctionDefinition[], node: SyntaxNode): { root: FunctionDefinition; steps: TraceStep[] } | undefined {
    const target = this.functionContaining(node);
    if (!target) return undefined;
    let best: { root: FunctionDefinition; chain: readonly CallSite[] } | undefined;
    for (const root of roots) {
      const chain = once(this.reachCache, root, () => this.reachableFrom(root)).get(target);
      if (chain && (!best || chain.length < best.chain.length)) best = { root, chain };
    }
    if (!best) return undefined;
    const role = this.rolesOf(best.root)[0];
    const steps: TraceStep[] = [role?.step ?? step(best.root, best.root.nameNode, `${best.root.name} is the entry point`)];
    for (const site of best.chain) {
      const callee = this.resolveCall(this.byPath.get(site.caller.source.filePath)!, site.call);
      steps.push(step(site.caller, site.call, `${site.caller.name} calls ${callee?.name ?? 'a function'}`));
    }
    return { root: best.root, steps };
  }

  /**
   * The entry contract from SAL IRQL annotations on any declaration, or undefined. With `implied`, an IRQL
   * annotation that states no range (`_IRQL_raises_`, `_IRQL_requires_same_`, …) gives PASSIVE..DISPATCH.
   */
  private salContract(def: FunctionDeclaration, implied = false): Evidence | undefined {
    return once(implied ? this.impliedSalContracts : this.salContracts, def, () => this.findSalContract(def, implied));
  }

  private findSalContract(def: FunctionDeclaration, implied: boolean): Evidence | undefined {
    const decls = this.declarationsOf(def);
    // 1. SAL annotations.
    let max: Level | undefined;
    let min: Level | undefined;
    let annotationSteps: Evidence['steps'] = [];
    let otherIrqlAnnotation: Evidence['steps'][number] | undefined;
    for (const d of decls) {
      for (const a of d.annotations) {
        if (OTHER_IRQL_ANNOTATION.test(a.name) && !otherIrqlAnnotation) {
          otherIrqlAnnotation = { message: `${def.name} is annotated ${a.name}${a.args ? `(${a.args.trim()})` : ''}, which implies IRQL <= DISPATCH_LEVEL`, source: d.source, start: a.start, end: a.end };
        }
        if (!a.args) continue;
        const level = parseLevel(a.args) ?? levelOf(this.evaluate(this.fileModel(d.source.filePath), a.args));
        if (level === undefined) continue;
        const isMax = MAX_IRQL_ANNOTATIONS.has(a.name);
        const isMin = MIN_IRQL_ANNOTATIONS.has(a.name);
        const isExact = EXACT_IRQL_ANNOTATIONS.has(a.name);
        if (!isMax && !isMin && !isExact) continue;
        if (isMax || isExact) max = max === undefined ? level : (Math.min(max, level) as Level);
        if (isMin || isExact) min = min === undefined ? level : (Math.max(min, level) as Level);
        annotationSteps = [
          ...annotationSteps,
          { message: `${def.name} is annotated ${a.name}(${a.args.trim()})`, source: d.source, start: a.start, end: a.end },
        ];
      }
    }
    if (max !== undefined || min !== undefined) {
      // Any IRQL annotation without a maximum implies DISPATCH_LEVEL at most.
      const lo = min ?? Level.Passive;
      const hi = max ?? (Math.max(lo, Level.Dispatch) as Level);
      return { interval: interval(lo, hi), basis: 'contract', key: `sal:${def.name}`, steps: annotationSteps.slice(0, 2) };
    }
    if (otherIrqlAnnotation && implied) {
      return { interval: interval(Level.Passive, Level.Dispatch), basis: 'contract', key: `sal:${def.name}`, steps: [otherIrqlAnnotation] };
    }
    return undefined;
  }

  /** Evidence from contracts (annotations, role types, registrations), strongest kind only; undefined if none. */
  contractOf(def: FunctionDefinition): Evidence[] | undefined {
    const decls = this.declarationsOf(def);
    // 1. SAL annotations.
    const sal = this.salContract(def);
    if (sal) return [sal];
    // 2. Role type declared, or fixed by name.
    for (const d of decls) {
      const role = d.roleType ? lookupRole(d.roleType) : undefined;
      if (role) {
        const refined = this.refineRole(def, role.roleType);
        if (refined) return [refined];
        return [
          {
            interval: role.entry,
            basis: 'contract',
            key: `role:${def.name}`,
            steps: [
              {
                message: `${def.name} is declared ${role.roleType}, entered at ${formatInterval(role.entry)}`,
                source: d.source,
                start: d.nameNode.startIndex,
                end: d.nameNode.endIndex,
              },
            ],
          },
        ];
      }
    }
    const byName = ROLE_BY_FUNCTION_NAME[def.name];
    const nameRole = byName ? lookupRole(byName) : undefined;
    if (nameRole) {
      return [
        {
          interval: nameRole.entry,
          basis: 'contract',
          key: `role:${def.name}`,
          steps: [step(def, def.nameNode, `${def.name} is the driver's ${nameRole.roleType} routine, entered at ${formatInterval(nameRole.entry)}`)],
        },
      ];
    }
    // 3. Registrations anywhere in the run.
    const evidence: Evidence[] = [];
    for (const { file: f, registration: r } of this.registrationsOf(def)) {
      {
        const role = lookupRole(r.roleType);
        if (!role) continue;
        const refined = this.refineRole(def, role.roleType);
        if (refined) {
          evidence.push(refined);
          continue;
        }
        evidence.push({
          interval: role.entry,
          basis: 'contract',
          key: `reg:${def.name}:${r.roleType}`,
          steps: [
            {
              message: `${def.name} is registered as ${role.roleType} by ${r.via}, entered at ${formatInterval(role.entry)}`,
              source: f.source,
              start: r.site.startIndex,
              end: r.site.endIndex,
            },
          ],
        });
      }
    }
    // An IRQL annotation that states no range (`_IRQL_requires_same_`) bounds callers' calls (annotatedBounds),
    // but says nothing of the level the function runs at: it gives no entry contract.
    return evidence.length ? evidence : undefined;
  }

  /** A role's entry narrowed by configuration in the run (StorPort's SynchronizationModel), or undefined. */
  private refineRole(def: FunctionDefinition, roleType: string): Evidence | undefined {
    const byMajor = this.majorFunctionEntry(def, roleType);
    if (byMajor) return byMajor;
    const home = this.byPath.get(def.source.filePath)!;
    for (const refinement of ROLE_REFINEMENTS) {
      if (!refinement.roleTypes.includes(roleType)) continue;
      for (const f of this.files) {
        if (!this.sameDriver(home, f)) continue;
        if (refinement.marker && refinement.entry) {
          const m = refinement.marker.exec(f.source.text);
          if (!m) continue;
          return {
            interval: refinement.entry,
            basis: 'contract',
            key: `role:${def.name}`,
            steps: [{ message: `${def.name} is ${roleType}, and ${refinement.why}`, source: f.source, start: m.index, end: m.index + m[0].length }],
          };
        }
        for (const a of f.configAssignments) {
          const entry = a.field === refinement.field ? refinement.values?.[a.value] : undefined;
          if (!entry) continue;
          return {
            interval: entry,
            basis: 'contract',
            key: `role:${def.name}`,
            steps: [
              {
                message: `${def.name} is the ${roleType} routine and ${a.field} is ${a.value}: entered at ${formatInterval(entry)}`,
                source: f.source,
                start: a.site.startIndex,
                end: a.site.endIndex,
              },
            ],
          };
        }
      }
    }
    return undefined;
  }

  /**
   * A callback registered for IRP major functions (a KMDF WDM-IRP preprocess callback) is entered at the level those
   * IRPs are sent at, not at its role's generic range: the join over its registrations, when every one names a major.
   */
  private majorFunctionEntry(def: FunctionDefinition, roleType: string): Evidence | undefined {
    const registrations = this.registrationsOf(def).filter((r) => r.registration.roleType === roleType);
    if (!registrations.length) return undefined;
    let entry: Interval | undefined;
    for (const { registration } of registrations) {
      const level = registration.major ? dispatchIrqlOf(registration.major) : undefined;
      if (!level) return undefined;
      entry = entry ? interval(Math.min(entry.lo, level.lo) as Level, Math.max(entry.hi, level.hi) as Level) : level;
    }
    const first = registrations[0];
    return {
      interval: entry!,
      basis: 'contract',
      key: `role:${def.name}`,
      steps: [
        {
          message: `${def.name} is registered as ${roleType} for ${registrations.map((r) => r.registration.major).join(', ')}, which is sent at ${formatInterval(entry!)}`,
          source: first.file.source,
          start: first.registration.site.startIndex,
          end: first.registration.site.endIndex,
        },
      ],
    };
  }

  /**
   * Whether two files belong to the same driver, as far as the tree tells: one's folder contains the other's.
   * Program-wide configuration (a miniport's SynchronizationModel, a WDF ExecutionLevel) applies within a driver.
   */
  sameDriver(a: FileModel, b: FileModel): boolean {
    const da = dirnameOf(this.normalizedPath.get(a)!);
    const db = dirnameOf(this.normalizedPath.get(b)!);
    return da.startsWith(db) || db.startsWith(da);
  }

  /** Why a function is pageable (`PAGED_CODE()` or `#pragma alloc_text(PAGE…)`), as evidence; undefined if not. */
  pagedEvidence(def: FunctionDefinition): Evidence | undefined {
    const file = this.byPath.get(def.source.filePath)!;
    const pragma = file.pagedSections.get(def.name);
    const at = def.pagedCode ?? pragma;
    if (!at) return undefined;
    const why = def.pagedCode
      ? 'calls PAGED_CODE()'
      : `is placed in a pageable section by #pragma ${/code_seg/.test(at.text) ? 'code_seg' : 'alloc_text'}`;
    return {
      interval: interval(Level.Passive, Level.Apc),
      // PAGED_CODE() caps the IRQL; it does not say the function ever runs at APC_LEVEL. Without a caller or a
      // role, PASSIVE..APC is an assumption, and findings that rest on it need settings.irql.reportAssumed.
      basis: 'assumed',
      key: `paged:${def.name}`,
      steps: [step(def, at, `${def.name} ${why}, so it runs at PASSIVE_LEVEL..APC_LEVEL at most (assumed without callers)`)],
    };
  }

  private unknownEvidence(def: FunctionDefinition): Evidence {
    const i = this.settings.unknownEntry;
    return {
      interval: i,
      basis: 'assumed',
      key: `unknown:${def.name}`,
      steps: [step(def, def.nameNode, `${def.name} has no IRQL annotation, role or caller here: assumed ${formatInterval(i)}`)],
    };
  }

  /**
   * Every piece of evidence for the entry of a function without a contract of its own: what each caller brings
   * (entries of callers from `entries`), the unknown default for unseen callers, capped by an annotation without a
   * range. Not pruned: `entryFact` keeps the extremes for the fixpoint, and `entryReaching` filters the whole list.
   */
  private entryEvidence(def: FunctionDefinition, entries: ReadonlyMap<FunctionDefinition, EntryFact>): Evidence[] {
    const evidence: Evidence[] = [];
    const sites = this.callSitesOf(def);
    for (const site of sites) {
      const callerEntry = entries.get(site.caller);
      if (!callerEntry) continue;
      const before = this.computeAnalyses().get(site.caller)?.beforeCall.get(site.call.id);
      const fact = before ? concretize(before, this.entryReaching(site.caller, site.call, callerEntry, before.entryWhen, false)) : undefined;
      if (!fact) continue;
      for (const e of fact.evidence) {
        evidence.push({
          ...e,
          key: `${e.key}>${def.name}`,
          steps: [...e.steps, step(site.caller, site.call, `${site.caller.name} calls ${def.name} at ${formatInterval(e.interval)}`)],
          via: { caller: site.caller, call: site.call, fromEntry: !before!.parts.includes(e) },
        });
      }
    }
    // Unseen callers (no caller here, or the address escapes) get the unknown default, except that pageable
    // code states its own bound (PASSIVE..APC, assumed); the callers we do see are what they are, and
    // IrqlPagedCode checks them against the PAGED_CODE() assertion.
    const outsideCallers = sites.some((site) => site.caller !== def);
    if (!outsideCallers || this.isAddressTaken(def)) evidence.push(this.pagedEvidence(def) ?? this.unknownEvidence(def));
    // An IRQL annotation without a range (`_IRQL_raises_`, `_IRQL_requires_same_`) caps the entry at
    // DISPATCH_LEVEL: a caller above it is reported at its call (IrqlTooHigh), not inside the function.
    const cap = this.salContract(def, true);
    if (!cap) return evidence;
    return evidence.flatMap((e) => {
      const m = meet(e.interval, cap.interval);
      return m ? [{ ...e, interval: m }] : [];
    });
  }

  private computeEntries(): Map<FunctionDefinition, EntryFact> {
    if (this.entries) return this.entries;
    const analyses = this.computeAnalyses();
    const entries = new Map<FunctionDefinition, EntryFact>();
    const derived: FunctionDefinition[] = [];
    for (const def of analyses.keys()) {
      const contract = this.contractOf(def);
      const fact = contract ? entryFact(contract) : undefined;
      if (fact) entries.set(def, fact);
      else derived.push(def);
    }
    const isDerived = new Set(derived);
    const compute = (def: FunctionDefinition): EntryFact | undefined => entryFact(this.entryEvidence(def, entries));
    // Callers before callees (reverse of the callees-first component order), so that most functions are
    // computed once, after all their callers.
    const order = new Map<FunctionDefinition, number>();
    stronglyConnected([...this.callees.keys()], (d) => this.callees.get(d) ?? [])
      .reverse()
      .forEach((scc, i) => scc.forEach((d) => order.set(d, i)));
    const queue = [...derived].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
    const queued = new Set(queue);
    const propagateFrom = (def: FunctionDefinition): void => {
      for (const callee of this.callees.get(def) ?? []) {
        if (isDerived.has(callee) && !queued.has(callee)) {
          queued.add(callee);
          queue.push(callee);
        }
      }
    };
    let budget = derived.length * 20 + 100;
    for (;;) {
      while (queue.length && budget-- > 0) {
        const def = queue.shift()!;
        queued.delete(def);
        const next = compute(def);
        if (!next || entryKey(next) === entryKey(entries.get(def))) continue;
        entries.set(def, next);
        propagateFrom(def);
      }
      // Functions called only from cycles nobody enters get the unknown default, and what they call is
      // propagated from there.
      const unset = derived.filter((def) => !entries.has(def));
      if (!unset.length || budget <= 0) break;
      for (const def of unset) {
        entries.set(def, entryFact([this.unknownEvidence(def)])!);
        propagateFrom(def);
      }
    }
    for (const def of derived) if (!entries.has(def)) entries.set(def, entryFact([this.unknownEvidence(def)])!);
    this.entries = entries;
    return entries;
  }
}

const BRANCHING = new Set(['if_statement', 'conditional_expression', 'while_statement', 'for_statement', 'do_statement', 'switch_statement']);

/** Whether `node`, in a macro analysed as a function, runs only under a condition on one of the macro's parameters. */
function dependsOnMacroArgument(def: FunctionDefinition, node: SyntaxNode): boolean {
  const params = new Set(def.params);
  if (!params.size) return false;
  for (let n: SyntaxNode | null = node; n && n.id !== def.body.id; n = n.parent) {
    const branch = n.parent;
    if (!branch || !BRANCHING.has(branch.type)) continue;
    const condition = branch.childForFieldName('condition');
    if (!condition || condition.id === n.id) continue;
    if (mentionsAny(condition, params)) return true;
  }
  return false;
}

const EXPRESSION_TESTS: ReadonlySet<string> = new Set(['conditional_expression', 'binary_expression']);

/** Whether an expression names any of `names`. */
function mentionsAny(expression: SyntaxNode, names: ReadonlySet<string>): boolean {
  let mentions = false;
  forEachNode(expression, (id) => {
    if (names.has(id.text)) mentions = true;
  }, 'identifier');
  return mentions;
}

function dirnameOf(p: string): string {
  return p.slice(0, p.lastIndexOf('/') + 1);
}

function reason(error: unknown): string {
  if (error instanceof RangeError && /call stack/i.test(error.message)) return 'nesting too deep';
  return error instanceof Error ? error.message : String(error);
}

function emptyModel(source: ParsedSource): FileModel {
  return {
    source,
    definitions: [],
    declarations: [],
    registrations: [],
    pagedSections: new Map(),
    defines: new Map(),
    enumConstants: new Map(),
    includes: [],
    addressTaken: new Set(),
    configAssignments: [],
    fieldAssignments: new Map(),
    directiveComments: [],
    pragmas: [],
  };
}

/** Collapse `a/b/../c` and `./` segments. */

function levelOf(v: bigint | undefined): Level | undefined {
  return v === undefined ? undefined : levelFromNumber(Number(v));
}

function summaryKey(r: FunctionIrql): string {
  const saved = [...r.exitSaved].map(([k, v]) => `${k}=${valueKey(v)}`).sort().join(';');
  return `${r.exit ? valueKey(r.exit) : '-'}#${saved}#${[...r.restoresUnsaved].sort().join(',')}`;
}

/** `map`'s value for `key`, computed the first time it is asked for (undefined is a value too). */
function once<K, V>(map: Map<K, V>, key: K, compute: () => V): V {
  if (map.has(key)) return map.get(key) as V;
  const value = compute();
  map.set(key, value);
  return value;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Tarjan's algorithm, iterative; components come out callees first. */
export function stronglyConnected<T>(nodes: readonly T[], edges: (n: T) => Iterable<T>): T[][] {
  const index = new Map<T, number>();
  const low = new Map<T, number>();
  const onStack = new Set<T>();
  const stack: T[] = [];
  const out: T[][] = [];
  let counter = 0;
  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: { node: T; it: Iterator<T> }[] = [{ node: root, it: edges(root)[Symbol.iterator]() }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length) {
      const top = work[work.length - 1];
      const next = top.it.next();
      if (!next.done) {
        const w = next.value;
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
          work.push({ node: w, it: edges(w)[Symbol.iterator]() });
        } else if (onStack.has(w)) {
          low.set(top.node, Math.min(low.get(top.node)!, index.get(w)!));
        }
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.node)!));
      }
      if (low.get(top.node) === index.get(top.node)) {
        const comp: T[] = [];
        let w: T;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          comp.push(w);
        } while (w !== top.node);
        out.push(comp);
      }
    }
  }
  return out;
}
