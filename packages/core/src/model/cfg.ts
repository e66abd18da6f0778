/**
 * Control-flow graphs, one per function body.
 *
 * Nodes are statements (an expression statement, a declaration, a return with its value), conditions (of `if`,
 * loops, `switch`, an `__except` filter) and joins (loop heads, labels). Each statement or condition node lists the
 * calls it makes in evaluation order (arguments before the call). Lowering, per statement kind:
 *
 * - `if`: condition → then-branch (edge guarded `true`) and else-branch or fall-through (guarded `false`).
 * - `while`/`for`: a head join, the condition, the body, back edges from the body end and from `continue`;
 *   `do`: body first, condition after it, back edge when true.
 * - `switch`: the condition flows to every `case` and to `default` (or past the switch when there is none); a case
 *   whose statements do not end in `break` falls through into the next one.
 * - `break`/`continue`/`goto`/`return` end their block; `goto` edges are resolved to labels at the end.
 * - `__try`/`__except`: any node of the guarded body may raise, so every one of them (and the entry to the body)
 *   flows to the filter and handler. `__try`/`__finally`: the body's normal end, `__leave` and `return` all run the
 *   finally block, which then flows on and, for returns, to the function exit. `__leave` jumps to the end of the
 *   `__try` (through the finally block when there is one).
 *
 * - `#if`/`#ifdef`/`#else` inside a body: each branch is an alternative path (which one is compiled is unknown).
 *
 * Statements tree-sitter could not parse (ERROR nodes) become plain statement nodes: their calls are still seen in
 * order, and the rest of the function is lowered as usual.
 */
import type { SyntaxNode } from '../frontend/parser.js';
import { nodesOfTypeInnermostFirst } from '../frontend/syntax-tree.js';

export type CfgNodeKind = 'entry' | 'exit' | 'statement' | 'condition' | 'join';

export interface Guard {
  /** The condition expression, parentheses removed. */
  readonly condition: SyntaxNode;
  readonly whenTrue: boolean;
}

/** The edge from a `switch` to one of its `case` labels: taken when the discriminant equals the value. */
export interface CaseGuard {
  readonly discriminant: SyntaxNode;
  readonly value: SyntaxNode;
}

export interface CfgEdge {
  readonly from: CfgNode;
  readonly to: CfgNode;
  readonly guard?: Guard;
  readonly caseOf?: CaseGuard;
}

export interface CfgNode {
  readonly id: number;
  readonly kind: CfgNodeKind;
  /** The statement or condition expression this node evaluates. */
  readonly ast?: SyntaxNode;
  readonly succ: CfgEdge[];
  readonly pred: CfgEdge[];
  /** Calls made by this node, in evaluation order. */
  readonly calls: SyntaxNode[];
}

export interface Cfg {
  readonly entry: CfgNode;
  readonly exit: CfgNode;
  readonly nodes: readonly CfgNode[];
  /** The CFG node that evaluates a given call expression. */
  nodeOfCall(call: SyntaxNode): CfgNode | undefined;
  /** The CFG node of the innermost statement or condition containing `node`. */
  nodeContaining(node: SyntaxNode): CfgNode | undefined;
}

interface Pending {
  readonly from: CfgNode;
  readonly guard?: Guard;
  readonly caseOf?: CaseGuard;
}

interface TryFrame {
  readonly kind: 'except' | 'finally';
  readonly leave: Pending[];
  readonly returns: Pending[];
  /** `break`/`continue`/`goto` leaving the guarded body: they run the finally block, then reach `target`. */
  readonly escapes: { readonly from: Pending; readonly target: (exits: readonly Pending[]) => void }[];
}

interface JumpTarget {
  readonly list: Pending[];
  /** How many try frames were open where the loop or switch started. */
  readonly tryDepth: number;
}

export function unwrapParens(node: SyntaxNode): SyntaxNode {
  let n = node;
  while ((n.type === 'parenthesized_expression' || n.type === 'condition_clause') && n.namedChildCount >= 1) {
    const inner = n.namedChildren.find((c) => c.type !== 'comment');
    if (!inner) break;
    n = inner;
  }
  return n;
}

const CALL: ReadonlySet<string> = new Set(['call_expression']);
const CALL_OR_IDENTIFIER: ReadonlySet<string> = new Set(['call_expression', 'identifier']);

/**
 * Calls inside `node` in evaluation order: post-order, arguments before the call they feed. An identifier in
 * `callMacros` (a use of an object-like macro that is a DDI call, `LOCK_GLOBAL;`) counts as a call.
 */
export function callsIn(node: SyntaxNode, callMacros?: ReadonlySet<string>): SyntaxNode[] {
  // A call is listed after its arguments (the calls inside them).
  if (!callMacros?.size) return nodesOfTypeInnermostFirst(node, CALL);
  return nodesOfTypeInnermostFirst(node, CALL_OR_IDENTIFIER, (type, text) => type === 'call_expression' || callMacros.has(text()));
}

export interface CfgOptions {
  /** Whether an `#if`/`#ifdef`/`#elif`/`#else` branch is compiled; undefined when not known. */
  readonly branchTaken?: (directive: SyntaxNode) => boolean | undefined;
  /** Object-like macros whose uses are calls (see `callsIn`). */
  readonly callMacros?: ReadonlySet<string>;
}

/** A node while edges are being added to it (`connect` replaces its edge lists). */
type NodeUnderConstruction = { -readonly [K in keyof CfgNode]: CfgNode[K] };

class CfgBuilder {
  readonly nodes: NodeUnderConstruction[] = [];
  readonly entry: CfgNode;
  readonly exit: CfgNode;
  private readonly breakTargets: JumpTarget[] = [];
  private readonly continueTargets: JumpTarget[] = [];
  private readonly labels = new Map<string, CfgNode>();
  private readonly gotos: { pending: Pending; label: string }[] = [];
  private readonly tryFrames: TryFrame[] = [];

  constructor(private readonly options: CfgOptions) {
    this.entry = this.node('entry');
    this.exit = this.node('exit');
  }

  node(kind: CfgNodeKind, ast?: SyntaxNode): CfgNode {
    const n: NodeUnderConstruction = {
      id: this.nodes.length,
      kind,
      ast,
      succ: [],
      pred: [],
      calls: ast && (kind === 'statement' || kind === 'condition') ? callsIn(ast, this.options.callMacros) : [],
    };
    this.nodes.push(n);
    return n;
  }

  connect(pending: readonly Pending[], to: CfgNode): void {
    const target = to as NodeUnderConstruction;
    for (const p of pending) {
      const edge: CfgEdge = p.caseOf ? { from: p.from, to, caseOf: p.caseOf } : { from: p.from, to, guard: p.guard };
      const from = p.from as NodeUnderConstruction;
      // Each list is made anew at its exact size (most nodes have one or two edges each way): a list grown by push
      // keeps room for 17 entries (about 150 bytes), and a driver's CFGs have hundreds of thousands of them, kept
      // as long as its analysis.
      from.succ = from.succ.length ? [...from.succ, edge] : [edge];
      target.pred = target.pred.length ? [...target.pred, edge] : [edge];
    }
  }

  simple(ast: SyntaxNode, incoming: readonly Pending[], kind: CfgNodeKind = 'statement'): CfgNode {
    const n = this.node(kind, ast);
    this.connect(incoming, n);
    return n;
  }

  finish(bodyExits: readonly Pending[]): void {
    this.connect(bodyExits, this.exit);
    for (const g of this.gotos) {
      const target = this.labels.get(g.label);
      if (target) this.connect([g.pending], target);
    }
  }

  label(name: string): CfgNode {
    let n = this.labels.get(name);
    if (!n) {
      n = this.node('join');
      this.labels.set(name, n);
    }
    return n;
  }

  lower(stmt: SyntaxNode, incoming: readonly Pending[]): Pending[] {
    switch (stmt.type) {
      case 'compound_statement':
        return this.sequence(stmt.namedChildren, incoming);
      case 'comment':
      case ';':
        return [...incoming];
      case 'if_statement':
        return this.lowerIf(stmt, incoming);
      case 'while_statement':
        return this.lowerWhile(stmt, incoming);
      case 'do_statement':
        return this.lowerDo(stmt, incoming);
      case 'for_statement':
        return this.lowerFor(stmt, incoming);
      case 'switch_statement':
        return this.lowerSwitch(stmt, incoming);
      case 'break_statement':
      case 'continue_statement': {
        const n = this.simple(stmt, incoming);
        const target = (stmt.type === 'break_statement' ? this.breakTargets : this.continueTargets).at(-1);
        if (target) this.jump({ from: n }, target.tryDepth, (exits) => target.list.push(...exits));
        return [];
      }
      case 'return_statement': {
        const n = this.simple(stmt, incoming);
        const finallyFrame = [...this.tryFrames].reverse().find((f) => f.kind === 'finally');
        if (finallyFrame) finallyFrame.returns.push({ from: n });
        else this.connect([{ from: n }], this.exit);
        return [];
      }
      case 'goto_statement': {
        const n = this.simple(stmt, incoming);
        const label = stmt.childForFieldName('label')?.text;
        // Labels are function-wide: a goto out of a __try/__finally runs the finally block first.
        if (label) this.jump({ from: n }, 0, (exits) => this.gotos.push(...exits.map((pending) => ({ pending, label }))));
        return [];
      }
      case 'labeled_statement': {
        const name = stmt.childForFieldName('label')?.text ?? '';
        const target = this.label(name);
        this.connect(incoming, target);
        const inner = stmt.namedChildren.filter((c) => c.type !== 'statement_identifier' && c.type !== 'comment');
        return this.sequence(inner, [{ from: target }]);
      }
      case 'seh_try_statement':
        return this.lowerTry(stmt, incoming);
      case 'seh_leave_statement': {
        const n = this.simple(stmt, incoming);
        this.tryFrames.at(-1)?.leave.push({ from: n });
        return [];
      }
      case 'case_statement':
        // A case label outside a switch body (unparsed code): lower its statements.
        return this.sequence(this.caseBody(stmt), incoming);
      case 'preproc_if':
      case 'preproc_ifdef':
      case 'preproc_elif':
      case 'preproc_else':
        return this.lowerConditionalCompilation(stmt, incoming);
      case 'preproc_call':
      case 'preproc_def':
      case 'preproc_function_def':
      case 'preproc_include':
        return [...incoming];
      case 'try_statement':
        // C++ try/catch: like __try/__except, any node of the body may throw into each handler.
        return this.lowerCppTry(stmt, incoming);
      case 'for_range_loop':
        return this.lowerWhile(stmt, incoming);
      case 'throw_statement': {
        const n = this.simple(stmt, incoming);
        this.connect([{ from: n }], this.exit);
        return [];
      }
      default:
        return [{ from: this.simple(stmt, incoming) }];
    }
  }

  /** A jump to a target outside the try frames opened since `tryDepth`: through the innermost finally, if any. */
  private jump(from: Pending, tryDepth: number, reach: (exits: readonly Pending[]) => void): void {
    for (let i = this.tryFrames.length - 1; i >= tryDepth; i--) {
      const frame = this.tryFrames[i];
      if (frame.kind === 'finally') {
        frame.escapes.push({ from, target: reach });
        return;
      }
    }
    reach([from]);
  }

  private sequence(stmts: readonly SyntaxNode[], incoming: readonly Pending[]): Pending[] {
    let current: Pending[] = [...incoming];
    for (const s of stmts) {
      if (s.type === 'comment') continue;
      current = this.lower(s, current);
    }
    return current;
  }

  private condition(stmt: SyntaxNode, incoming: readonly Pending[]): { node: CfgNode; expr: SyntaxNode } | undefined {
    const cond = stmt.childForFieldName('condition');
    if (!cond) return undefined;
    const expr = unwrapParens(cond);
    return { node: this.simple(cond, incoming, 'condition'), expr };
  }

  private lowerIf(stmt: SyntaxNode, incoming: readonly Pending[]): Pending[] {
    const c = this.condition(stmt, incoming);
    const from = c ? c.node : undefined;
    const whenTrue: Pending[] = from ? [{ from, guard: { condition: c!.expr, whenTrue: true } }] : [...incoming];
    const whenFalse: Pending[] = from ? [{ from, guard: { condition: c!.expr, whenTrue: false } }] : [...incoming];
    const consequence = stmt.childForFieldName('consequence');
    const thenExits = consequence ? this.lower(consequence, whenTrue) : whenTrue;
    let alternative = stmt.childForFieldName('alternative');
    if (alternative?.type === 'else_clause') alternative = alternative.namedChildren.find((n) => n.type !== 'comment') ?? null;
    const elseExits = alternative ? this.lower(alternative, whenFalse) : whenFalse;
    return [...thenExits, ...elseExits];
  }

  private loop(bodyOf: (breaks: Pending[], continues: Pending[]) => Pending[]): Pending[] {
    const breaks: Pending[] = [];
    const continues: Pending[] = [];
    this.breakTargets.push({ list: breaks, tryDepth: this.tryFrames.length });
    this.continueTargets.push({ list: continues, tryDepth: this.tryFrames.length });
    try {
      return [...bodyOf(breaks, continues), ...breaks];
    } finally {
      this.breakTargets.pop();
      this.continueTargets.pop();
    }
  }

  private lowerWhile(stmt: SyntaxNode, incoming: readonly Pending[]): Pending[] {
    return this.loop((_breaks, continues) => {
      const head = this.node('join');
      this.connect(incoming, head);
      const c = this.condition(stmt, [{ from: head }]);
      const cond = c?.node ?? head;
      const guardT = c ? { condition: c.expr, whenTrue: true } : undefined;
      const guardF = c ? { condition: c.expr, whenTrue: false } : undefined;
      const body = stmt.childForFieldName('body');
      const bodyExits = body ? this.lower(body, [{ from: cond, guard: guardT }]) : [{ from: cond, guard: guardT }];
      this.connect([...bodyExits, ...continues], head);
      return c && isAlwaysTrue(c.expr) ? [] : [{ from: cond, guard: guardF }];
    });
  }

  private lowerDo(stmt: SyntaxNode, incoming: readonly Pending[]): Pending[] {
    return this.loop((_breaks, continues) => {
      const head = this.node('join');
      this.connect(incoming, head);
      const body = stmt.childForFieldName('body');
      const bodyExits = body ? this.lower(body, [{ from: head }]) : [{ from: head }];
      const c = this.condition(stmt, [...bodyExits, ...continues]);
      if (!c) return bodyExits;
      // `do { … } while (FALSE)` runs its body once: no way back (a `break` inside is the early exit).
      if (!isAlwaysFalse(c.expr)) this.connect([{ from: c.node, guard: { condition: c.expr, whenTrue: true } }], head);
      return isAlwaysFalse(c.expr) || !isAlwaysTrue(c.expr)
        ? [{ from: c.node, guard: { condition: c.expr, whenTrue: false } }]
        : [];
    });
  }

  private lowerFor(stmt: SyntaxNode, incoming: readonly Pending[]): Pending[] {
    return this.loop((_breaks, continues) => {
      let current: Pending[] = [...incoming];
      const init = stmt.childForFieldName('initializer');
      if (init) current = [{ from: this.simple(init, current) }];
      const head = this.node('join');
      this.connect(current, head);
      const condAst = stmt.childForFieldName('condition');
      let toBody: Pending[] = [{ from: head }];
      let out: Pending[] = [];
      if (condAst) {
        const cond = this.simple(condAst, [{ from: head }], 'condition');
        const expr = unwrapParens(condAst);
        toBody = [{ from: cond, guard: { condition: expr, whenTrue: true } }];
        out = isAlwaysTrue(expr) ? [] : [{ from: cond, guard: { condition: expr, whenTrue: false } }];
      }
      const body = stmt.childForFieldName('body');
      const bodyExits = body ? this.lower(body, toBody) : toBody;
      const update = stmt.childForFieldName('update');
      const back: Pending[] = update ? [{ from: this.simple(update, [...bodyExits, ...continues]) }] : [...bodyExits, ...continues];
      this.connect(back, head);
      return out;
    });
  }

  private caseBody(caseStmt: SyntaxNode): SyntaxNode[] {
    const value = caseStmt.childForFieldName('value');
    return caseStmt.namedChildren.filter((c) => c.type !== 'comment' && (!value || c.id !== value.id));
  }

  private lowerSwitch(stmt: SyntaxNode, incoming: readonly Pending[]): Pending[] {
    const breaks: Pending[] = [];
    this.breakTargets.push({ list: breaks, tryDepth: this.tryFrames.length });
    try {
      const c = this.condition(stmt, incoming);
      const dispatch: Pending[] = c ? [{ from: c.node }] : [...incoming];
      const body = stmt.childForFieldName('body');
      const items = body ? body.namedChildren.filter((n) => n.type !== 'comment') : [];
      let fallthrough: Pending[] = [];
      let hasDefault = false;
      for (const item of items) {
        if (item.type === 'case_statement') {
          const value = item.childForFieldName('value');
          if (!value) hasDefault = true;
          const caseHead = this.node('join', item);
          const entered = c && value ? dispatch.map((p) => ({ ...p, caseOf: { discriminant: c.expr, value } })) : dispatch;
          this.connect([...entered, ...fallthrough], caseHead);
          fallthrough = this.sequence(this.caseBody(item), [{ from: caseHead }]);
        } else {
          // Statements before the first case are unreachable except through labels; keep the chain.
          fallthrough = this.lower(item, fallthrough);
        }
      }
      return [...fallthrough, ...breaks, ...(hasDefault ? [] : dispatch)];
    } finally {
      this.breakTargets.pop();
    }
  }

  /**
   * `#if`/`#ifdef` inside a function: the branch the build's defines select, when they decide it; otherwise each
   * branch is an alternative path (as an `if` whose condition is unknown), and the code after it follows all of them.
   */
  private lowerConditionalCompilation(stmt: SyntaxNode, incoming: readonly Pending[]): Pending[] {
    const known = this.options.branchTaken?.(stmt);
    const skip = new Set([stmt.childForFieldName('condition')?.id, stmt.childForFieldName('name')?.id, stmt.childForFieldName('alternative')?.id]);
    const body = stmt.namedChildren.filter((c) => !skip.has(c.id) && c.type !== 'comment');
    const alternative = stmt.childForFieldName('alternative');
    // A branch known to be compiled (or not, from the build's defines) is the only path.
    if (known === true) return this.sequence(body, incoming);
    if (known === false) return alternative ? this.lower(alternative, incoming) : [...incoming];
    // Unknown: both branches, from a condition node whose guard names the macro, so that two `#if DBG_LOCK` blocks
    // of one function are taken together (the IRQL analysis keeps conditions tested twice apart).
    const tested = stmt.type === 'preproc_ifdef' ? stmt.childForFieldName('name') : stmt.childForFieldName('condition');
    const polarity = !(stmt.type === 'preproc_ifdef' && /^#\s*ifndef/.test(stmt.text));
    let whenTaken: Pending[] = [...incoming];
    let whenNot: Pending[] = [...incoming];
    if (tested && stmt.type !== 'preproc_else') {
      const c = this.node('condition', tested);
      this.connect(incoming, c);
      whenTaken = [{ from: c, guard: { condition: tested, whenTrue: polarity } }];
      whenNot = [{ from: c, guard: { condition: tested, whenTrue: !polarity } }];
    }
    const taken = this.sequence(body, whenTaken);
    const other = alternative ? this.lower(alternative, whenNot) : whenNot;
    return [...taken, ...other];
  }

  private lowerCppTry(stmt: SyntaxNode, incoming: readonly Pending[]): Pending[] {
    const body = stmt.childForFieldName('body');
    const firstNode = this.nodes.length;
    const head = this.node('join');
    this.connect(incoming, head);
    const bodyExits = body ? this.lower(body, [{ from: head }]) : [{ from: head }];
    const raising: Pending[] = this.nodes.slice(firstNode).filter((n) => n.kind !== 'join' || n === head).map((n) => ({ from: n }));
    const out = [...bodyExits];
    for (const handler of stmt.namedChildren.filter((c) => c.type === 'catch_clause')) {
      const handlerBody = handler.childForFieldName('body');
      out.push(...(handlerBody ? this.lower(handlerBody, raising) : raising));
    }
    return out;
  }

  private lowerTry(stmt: SyntaxNode, incoming: readonly Pending[]): Pending[] {
    const except = stmt.namedChildren.find((c) => c.type === 'seh_except_clause');
    const fin = stmt.namedChildren.find((c) => c.type === 'seh_finally_clause');
    const frame: TryFrame = { kind: fin ? 'finally' : 'except', leave: [], returns: [], escapes: [] };
    const body = stmt.childForFieldName('body');
    const firstNode = this.nodes.length;
    const head = this.node('join');
    this.connect(incoming, head);
    this.tryFrames.push(frame);
    let bodyExits: Pending[];
    try {
      bodyExits = body ? this.lower(body, [{ from: head }]) : [{ from: head }];
    } finally {
      this.tryFrames.pop();
    }
    const bodyNodes = this.nodes.slice(firstNode);
    if (except) {
      const raising: Pending[] = bodyNodes.filter((n) => n.kind !== 'join' || n === head).map((n) => ({ from: n }));
      const filterAst = except.childForFieldName('filter');
      const filter = filterAst ? this.simple(filterAst, raising, 'condition') : undefined;
      const handler = except.childForFieldName('body');
      const from: Pending[] = filter ? [{ from: filter }] : raising;
      const handlerExits = handler ? this.lower(handler, from) : from;
      return [...bodyExits, ...frame.leave, ...handlerExits];
    }
    if (fin) {
      const finBody = fin.childForFieldName('body');
      const into = [...bodyExits, ...frame.leave, ...frame.returns, ...frame.escapes.map((e) => e.from)];
      const finExits = finBody ? this.lower(finBody, into) : into;
      // The finally block's end continues wherever control was going: on, to a return, or to a jump's target.
      for (const escape of frame.escapes) escape.target(finExits);
      if (frame.returns.length) {
        const outer = [...this.tryFrames].reverse().find((f) => f.kind === 'finally');
        if (outer) outer.returns.push(...finExits);
        else this.connect(finExits, this.exit);
      }
      return finExits;
    }
    return [...bodyExits, ...frame.leave];
  }
}

function isAlwaysTrue(expr: SyntaxNode): boolean {
  return (expr.type === 'number_literal' && !/^0+[uUlL]*$/.test(expr.text)) || expr.type === 'true' || expr.text === 'TRUE';
}

function isAlwaysFalse(expr: SyntaxNode): boolean {
  return (expr.type === 'number_literal' && /^0+[uUlL]*$/.test(expr.text)) || expr.type === 'false' || expr.text === 'FALSE';
}

/** Build the CFG of a function definition's body. */
export function buildCfg(body: SyntaxNode, options: CfgOptions = {}): Cfg {
  const b = new CfgBuilder(options);
  const exits = b.lower(body, [{ from: b.entry }]);
  b.finish(exits);
  const byCall = new Map<number, CfgNode>();
  const byAst = new Map<number, CfgNode>();
  for (const n of b.nodes) {
    for (const c of n.calls) byCall.set(c.id, n);
    if (n.ast && (n.kind === 'statement' || n.kind === 'condition')) byAst.set(n.ast.id, n);
  }
  return {
    entry: b.entry,
    exit: b.exit,
    nodes: b.nodes,
    nodeOfCall: (call) => byCall.get(call.id),
    nodeContaining: (node) => {
      for (let n: SyntaxNode | null = node; n; n = n.parent) {
        const hit = byAst.get(n.id);
        if (hit) return hit;
      }
      return undefined;
    },
  };
}
