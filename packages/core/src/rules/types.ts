/**
 * The rule API, modelled on ESLint's: a rule is `meta` plus `create(context)`, which returns visitors keyed by
 * tree-sitter node type (`call_expression`, `function_definition`, `translation_unit:exit`, …). Rules never walk
 * the CFG or re-derive facts: they ask the model through the context (`irqlAt`, `calleeName`, `argument`,
 * `evaluate`, `allocatorCall`) and report by `messageId`.
 */
import type { SyntaxNode } from '../frontend/parser.js';
import type { DriverModel, FunctionDefinition } from '../model/file-model.js';
import type { Interval, Level } from '../model/irql.js';
import type { Basis, Evidence, Explanation, IrqlFact, TraceStep } from '../model/irql-domain.js';
import type { ReleaseIssue } from '../model/irql-analysis.js';
import type { AllocationFindings, AllocationSite } from '../model/allocation-flow.js';
import type { Program } from '../model/program.js';
import type { PowerContext } from '../model/power-context.js';
import type { AllocatorSpec } from '../knowledge/pool.js';
import type { ParsedSource } from '../frontend/parser.js';

export type Severity = 0 | 1 | 2;
export type SeverityName = 'off' | 'warn' | 'error';
export type RuleLevel = Severity | SeverityName;
export type RuleEntry = RuleLevel | [RuleLevel, ...unknown[]];

export interface RuleDocs {
  readonly description: string;
  /** Link to the rule's doc page. */
  readonly url?: string;
  /**
   * Presets: `true`/`'error'` — in `recommended` (and `strict`) as an error; `'warn'` — in `recommended` as a
   * warning (an error in `strict`); `'strict'` — only in `strict`; `false` — only in `all`.
   */
  readonly recommended?: boolean | 'error' | 'warn' | 'strict';
  /** The PREfast warning and CodeQL query that check the same thing, for people coming from them. */
  readonly prefast?: string;
  readonly codeql?: string;
  /** Microsoft's DDI compliance rule page of the same name, when there is one. */
  readonly microsoftRule?: string;
}

export interface RuleMeta {
  readonly type: 'problem' | 'suggestion' | 'layout';
  readonly docs: RuleDocs;
  readonly messages: Readonly<Record<string, string>>;
  /** JSON schema of the options array (or false for none). */
  readonly schema?: readonly object[] | false;
  readonly fixable?: 'code';
  readonly hasSuggestions?: boolean;
  readonly deprecated?: boolean;
}

export type RuleListener = Record<string, ((node: SyntaxNode) => void) | undefined>;

export interface RuleModule<Options extends readonly unknown[] = readonly unknown[]> {
  readonly meta: RuleMeta;
  readonly defaultOptions?: Options;
  create(context: RuleContext<Options>): RuleListener;
}

export interface TextRange {
  readonly start: number;
  readonly end: number;
}

export interface Fix {
  /** Offsets in the original text. */
  readonly range: readonly [number, number];
  readonly text: string;
}

export interface RuleFixer {
  replaceText(node: SyntaxNode, text: string): Fix;
  replaceTextRange(range: readonly [number, number], text: string): Fix;
  insertTextBefore(node: SyntaxNode, text: string): Fix;
  insertTextAfter(node: SyntaxNode, text: string): Fix;
  remove(node: SyntaxNode): Fix;
  removeRange(range: readonly [number, number]): Fix;
}

export type FixFunction = (fixer: RuleFixer) => Fix | readonly Fix[] | null | undefined;

export interface SuggestionDescriptor {
  readonly messageId: string;
  readonly data?: Readonly<Record<string, string | number>>;
  readonly fix: FixFunction;
}

export interface RelatedDescriptor {
  readonly message: string;
  readonly node?: SyntaxNode;
  readonly range?: TextRange;
  /** A place in any file of the run (an allocation in another file, say). */
  readonly at?: TraceStep;
}

export interface ReportDescriptor {
  readonly node?: SyntaxNode;
  readonly range?: TextRange;
  readonly messageId: string;
  readonly data?: Readonly<Record<string, string | number>>;
  readonly fix?: FixFunction;
  readonly suggest?: readonly SuggestionDescriptor[];
  readonly related?: readonly RelatedDescriptor[];
  /**
   * The IRQL explanation behind the finding: its steps become the message's trace (stylish path, json `trace`,
   * SARIF `codeFlows`) and its basis decides whether it is reported (assumed findings need
   * `settings.irql.reportAssumed`).
   */
  readonly explanation?: Explanation;
}

/** The IRQL at a point, as rules see it. */
export interface IrqlQuery {
  readonly interval: Interval;
  readonly fact: IrqlFact;
  /** Why the IRQL may be above `max`, or undefined when it cannot be. */
  above(max: Level): Explanation | undefined;
  /** Why the IRQL may be below `min`, or undefined when it cannot be. */
  below(min: Level): Explanation | undefined;
}

export interface CallIrqlBounds {
  readonly callee: string;
  readonly max?: Level;
  readonly min?: Level;
  /** Where the bound comes from, for messages: "documented", "KeSetEvent with Wait = TRUE", … */
  readonly source: string;
  readonly kind: 'project' | 'ddi';
  /** The DDI's header (wdm, ntddk, wdfsync …) for DDIs. */
  readonly header?: string;
  /** For project functions: the annotation that states the bound. */
  readonly step?: TraceStep;
}

/** A call to one of the pool allocators, with its arguments resolved. */
export interface AllocatorCall {
  readonly spec: AllocatorSpec;
  readonly call: SyntaxNode;
  readonly poolArgument?: SyntaxNode;
  /** The POOL_TYPE or POOL_FLAGS value, when constant. */
  readonly poolValue?: bigint;
  /** Paged memory requested: true/false when the pool argument is constant, undefined otherwise. */
  readonly paged?: boolean;
  readonly sizeArgument?: SyntaxNode;
  readonly tagArgument?: SyntaxNode;
  /**
   * Set when the call is a use of a project macro that expands to this allocator (`#define ExAllocatePool(t, n)
   * ExAllocatePoolWithTag(t, n, TAG)`, `ALLOC(n)`): `spec` is the allocator in the `#define`, and the arguments are
   * the ones the use supplies; one written in the `#define` itself is undefined here (the call in the `#define` is
   * judged on its own, once).
   */
  readonly macro?: string;
}

export interface SourceCode {
  readonly text: string;
  readonly filePath: string;
  readonly parsed: ParsedSource;
  getText(node?: SyntaxNode): string;
  getLine(line: number): string;
  position(offset: number): { line: number; column: number };
}

export interface Settings {
  readonly irql?: {
    readonly unknownEntry?: string | readonly [string, string];
    readonly reportAssumed?: boolean;
  };
  /**
   * The macros the build defines (`-D`), which pick `#if` branches inside functions: a value, `true` (1), or
   * `null` / `false` for a name the build does not define. Names not listed leave their branches as alternatives.
   */
  readonly defines?: Readonly<Record<string, string | number | boolean | null>>;
  readonly [key: string]: unknown;
}

export interface RuleContext<Options extends readonly unknown[] = readonly unknown[]> {
  readonly id: string;
  readonly options: Options;
  readonly settings: Settings;
  readonly filename: string;
  readonly sourceCode: SourceCode;
  /** The driver model of this file (from its includes). */
  readonly driverModel: DriverModel;
  /** The whole-program model, for queries the helpers below do not cover. */
  readonly program: Program;
  report(descriptor: ReportDescriptor): void;
  /** The IRQL a node may run at (a call: just before it). Undefined outside functions or in unreachable code. */
  irqlAt(node: SyntaxNode): IrqlQuery | undefined;
  /** The called function's name when the callee is a plain identifier. */
  calleeName(call: SyntaxNode): string | undefined;
  /** The call's i-th argument. */
  argument(call: SyntaxNode, index: number): SyntaxNode | undefined;
  argumentCount(call: SyntaxNode): number;
  /** Constant value of an expression, using the file's `#define`s and enums and the WDK constants. */
  evaluate(expr: SyntaxNode | string): bigint | undefined;
  /** The project function whose body contains a node. */
  functionAt(node: SyntaxNode): FunctionDefinition | undefined;
  /** A function's roles (declared, by name, registered), e.g. `HW_STARTIO`. */
  rolesOf(fn: FunctionDefinition): readonly { readonly roleType: string; readonly how: string }[];
  /**
   * Whether the code at `node` runs as part of one of `roots` (it is in one, or in a function they call), and
   * the explanation (root's role, then each call): rules such as SpNoWait follow a routine into its callees so.
   */
  reachedFrom(roots: readonly FunctionDefinition[], node: SyntaxNode): { readonly root: FunctionDefinition; readonly explanation: Explanation } | undefined;
  /**
   * The IRQL range a call may be made at and where that comes from: the callee's own SAL annotations for a
   * project function, an argument-dependent bound (KeSetEvent's Wait, a wait's timeout), or the DDI table.
   * Undefined when nothing states it (never guessed).
   */
  irqlBoundsOf(call: SyntaxNode): CallIrqlBounds | undefined;
  /** The IRQL a function is entered at, with its evidence. */
  irqlOnEntry(fn: FunctionDefinition): IrqlQuery;
  /** Raises (locks, KeRaiseIrql) still in effect when the function returns, each with its evidence. */
  unrestoredRaises(fn: FunctionDefinition): readonly Evidence[];
  /** Why the function is pageable (`PAGED_CODE()`, `#pragma alloc_text(PAGE…)`), or undefined. */
  pageable(fn: FunctionDefinition): Evidence | undefined;
  /** Releases in the function that do not match its acquires (wrong IRQL variable, wrong lock). */
  releaseIssues(fn: FunctionDefinition): readonly ReleaseIssue[];
  /** Whether an exception raised at the node is handled in its function: inside the guarded body of a `__try` whose `__except` filter is not EXCEPTION_CONTINUE_SEARCH. */
  insideTry(node: SyntaxNode): boolean;
  /** The `if` / `?:` conditions (and left operands of `&&` / `||`) a node runs under in its function, innermost first (see `enclosingConditions`). */
  enclosingConditions(node: SyntaxNode): readonly { readonly condition: SyntaxNode; readonly whenTrue: boolean }[];
  /**
   * Where a node stands in power-IRP handling (IRP_MN_SET_POWER, system or device state, going down or up), from
   * the tests and `case` labels around it and the context its function is called or registered in; undefined
   * outside IRP_MN_SET_POWER handling.
   */
  powerContextAt(node: SyntaxNode): PowerContext | undefined;
  /** Whether a macro is `#define`d in any file of the run (or in `settings.defines`). */
  isDefined(name: string): boolean;
  /** The allocation an allocator call makes: pool (paged?), tag, whether it zeroes and whether it can fail. */
  allocationSite(call: SyntaxNode): AllocationSite | undefined;
  /** The allocations a pointer expression may hold (through locals, fields, helper returns and parameters). */
  allocationsReaching(expr: SyntaxNode): readonly AllocationSite[];
  /** Uses before a NULL check, and copies of unzeroed memory to user buffers, in a function. */
  allocationFindings(fn: FunctionDefinition): AllocationFindings;
  /** The allocator call this is, with its pool argument resolved; undefined when not an allocator. */
  allocatorCall(call: SyntaxNode): AllocatorCall | undefined;
}

export interface PluginMeta {
  readonly name: string;
  readonly version?: string;
}

export interface ConfigObject {
  root?: boolean;
  extends?: string | string[];
  plugins?: string[];
  rules?: Record<string, RuleEntry>;
  settings?: Settings;
  overrides?: ConfigOverride[];
  ignorePatterns?: string | string[];
}

export interface ConfigOverride {
  files: string | string[];
  excludedFiles?: string | string[];
  extends?: string | string[];
  rules?: Record<string, RuleEntry>;
  settings?: Settings;
}

export interface Plugin {
  readonly meta: PluginMeta;
  readonly rules: Readonly<Record<string, RuleModule<any>>>;
  readonly configs?: Readonly<Record<string, ConfigObject>>;
}

export type { Basis, Explanation };
