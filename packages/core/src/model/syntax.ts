import type { SyntaxNode } from '../frontend/parser.js';

/** The called name: `F(…)`, or C++'s global-scope `::F(…)`; undefined for calls through pointers and members. */
export function calleeName(call: SyntaxNode): string | undefined {
  // The CFG keeps its call nodes, which the IRQL fixpoint asks about again and again.
  const cached = calleeNames.get(call);
  if (cached !== undefined) return cached ?? undefined;
  // A use of an object-like call macro (`LOCK_GLOBAL;`) is its own callee.
  const f = call.type === 'identifier' ? call : call.childForFieldName('function');
  let name: string | undefined;
  if (f?.type === 'identifier') name = f.text;
  else if (f?.type === 'qualified_identifier' && !f.childForFieldName('scope')) name = f.childForFieldName('name')?.text;
  calleeNames.set(call, name ?? null);
  return name;
}

const calleeNames = new WeakMap<SyntaxNode, string | null>();

/** A call's argument expressions, comments between them left out. */
export function callArguments(call: SyntaxNode): SyntaxNode[] {
  return call.childForFieldName('arguments')?.namedChildren.filter((a) => a.type !== 'comment') ?? [];
}

/** Statement kinds whose condition decides whether a child runs. */
const CONDITIONAL: Readonly<Record<string, string>> = { if_statement: 'consequence', conditional_expression: 'consequence' };

/**
 * The conditions a node runs under within its function, innermost first: for each enclosing `if` (or `?:`), its
 * condition and whether the node is in the branch taken when it is true; for the right operand of `&&` / `||`,
 * the left operand and the truth that lets the right one run.
 */
export function enclosingConditions(node: SyntaxNode): { readonly condition: SyntaxNode; readonly whenTrue: boolean }[] {
  const out: { condition: SyntaxNode; whenTrue: boolean }[] = [];
  for (let child: SyntaxNode = node, parent = node.parent; parent; child = parent, parent = parent.parent) {
    if (parent.type === 'function_definition') break;
    // `a && f()` runs f only when a is true; `a || f()` only when a is false.
    if (parent.type === 'binary_expression' && parent.childForFieldName('right')?.id === child.id) {
      const op = parent.child(1)?.type;
      const left = parent.childForFieldName('left');
      if (left && (op === '&&' || op === '||')) out.push({ condition: left, whenTrue: op === '&&' });
      continue;
    }
    const thenField = CONDITIONAL[parent.type];
    if (!thenField) continue;
    const condition = parent.childForFieldName('condition');
    if (!condition || condition.id === child.id) continue;
    const inThen = parent.childForFieldName(thenField)?.id === child.id;
    const elseNode = parent.childForFieldName('alternative');
    const inElse = elseNode?.id === child.id;
    if (inThen || inElse) out.push({ condition, whenTrue: inThen });
  }
  return out;
}

/**
 * The truth of a condition when some names have known values (a function's parameters bound to the constant
 * arguments of one call): `AtDirql`, `!AtDirql`, `Mode == 2`, `a && b`, `a || b`; undefined when it depends on
 * anything else.
 */
export function conditionValue(condition: SyntaxNode, valueOf: (name: string) => bigint | undefined): boolean | undefined {
  const c = condition.type === 'parenthesized_expression' ? condition.namedChildren.find((n) => n.type !== 'comment') : condition;
  if (!c) return undefined;
  if (c.type === 'identifier') {
    const v = valueOf(c.text);
    return v === undefined ? undefined : v !== 0n;
  }
  if (c.type === 'unary_expression' && c.child(0)?.type === '!') {
    const arg = c.childForFieldName('argument');
    const v = arg ? conditionValue(arg, valueOf) : undefined;
    return v === undefined ? undefined : !v;
  }
  if (c.type !== 'binary_expression') return undefined;
  const op = c.child(1)?.type;
  const left = c.childForFieldName('left');
  const right = c.childForFieldName('right');
  if (!left || !right) return undefined;
  if (op === '&&' || op === '||') {
    const a = conditionValue(left, valueOf);
    const b = conditionValue(right, valueOf);
    if (op === '&&') return a === false || b === false ? false : a === true && b === true ? true : undefined;
    return a === true || b === true ? true : a === false && b === false ? false : undefined;
  }
  if (op === '==' || op === '!=') {
    const value = (n: SyntaxNode): bigint | undefined =>
      n.type === 'identifier' ? valueOf(n.text) : n.type === 'number_literal' && /^\d+$/.test(n.text) ? BigInt(n.text) : undefined;
    const a = value(left);
    const b = value(right);
    if (a === undefined || b === undefined) return undefined;
    return op === '==' ? a === b : a !== b;
  }
  return undefined;
}

const JUMPS = new Set(['break_statement', 'return_statement', 'goto_statement', 'continue_statement']);

/**
 * The `switch` cases a node runs under, innermost first: the switch's discriminant and the case values that lead to
 * the node's case (its own and those that fall through into it); `values` is undefined when `default` is among them.
 */
export function enclosingCases(node: SyntaxNode): { readonly discriminant: SyntaxNode; readonly values?: readonly SyntaxNode[] }[] {
  const out: { discriminant: SyntaxNode; values?: SyntaxNode[] }[] = [];
  for (let child: SyntaxNode = node, parent = node.parent; parent; child = parent, parent = parent.parent) {
    if (parent.type === 'function_definition') break;
    if (child.type !== 'case_statement' || parent.type !== 'compound_statement' || parent.parent?.type !== 'switch_statement') continue;
    const discriminant = parent.parent.childForFieldName('condition');
    if (!discriminant) continue;
    const cases = parent.namedChildren.filter((n) => n.type === 'case_statement');
    let values: SyntaxNode[] | undefined = [];
    for (const c of cases) {
      const value = c.childForFieldName('value');
      if (values) {
        if (value) values.push(value);
        else values = undefined;
      }
      if (c.id === child.id) break;
      // A case whose statements end in a jump does not fall into the next one.
      const last = c.namedChildren.filter((n) => n.type !== 'comment' && n.id !== value?.id).at(-1);
      if (last && JUMPS.has(last.type)) values = [];
    }
    out.push({ discriminant, values });
  }
  return out;
}

/**
 * Whether an exception raised at `node` is handled within its function: the node is in the guarded body of a
 * `__try` whose `__except` filter is not EXCEPTION_CONTINUE_SEARCH (0). A `__try`/`__finally` lets it go on.
 */
export function caughtInFunction(node: SyntaxNode, evaluate: (expr: SyntaxNode) => bigint | undefined): boolean {
  for (let n: SyntaxNode | null = node; n?.parent; n = n.parent) {
    const parent: SyntaxNode = n.parent;
    if (parent.type === 'seh_try_statement' && parent.childForFieldName('body')?.id === n.id && exceptHandles(parent, evaluate)) return true;
    if (n.type === 'function_definition') return false;
  }
  return false;
}

function exceptHandles(tryStatement: SyntaxNode, evaluate: (expr: SyntaxNode) => bigint | undefined): boolean {
  const clause = tryStatement.namedChildren.find((c) => c.type === 'seh_except_clause');
  if (!clause) return false;
  const filter = clause.namedChildren.find((c) => c.type === 'parenthesized_expression');
  if (!filter) return true;
  return filter.text.replace(/[()\s]/g, '') !== 'EXCEPTION_CONTINUE_SEARCH' && evaluate(filter) !== 0n;
}

/**
 * A condition's tested expression and the truth it is tested for, without spaces, outer parentheses, a leading
 * `!` on a single operand, or a comparison with a boolean constant: `!(Flag)` → `Flag`, false; `x == FALSE` → `x`,
 * false; `p != NULL` → `p`, true. `!a && b` stays whole (the `!` is `a`'s alone).
 */
export function testedExpression(text: string): { readonly expression: string; readonly truth: boolean } {
  let t = text.replace(/\s+/g, '');
  let truth = true;
  for (;;) {
    if (isParenthesized(t)) {
      t = t.slice(1, -1);
      continue;
    }
    if (t.startsWith('!') && !t.startsWith('!=') && isSingleOperand(t.slice(1))) {
      truth = !truth;
      t = t.slice(1);
      continue;
    }
    // Not `== 1`: a counter that is not 1 may still be non-zero.
    const compared = /^(.+?)(==|!=)(TRUE|FALSE|true|false|0|NULL)$/.exec(t);
    if (compared && isSingleOperand(compared[1])) {
      if ((compared[2] === '==') !== /^(?:TRUE|true)$/.test(compared[3])) truth = !truth;
      t = compared[1];
      continue;
    }
    return { expression: t, truth };
  }
}

/** Text without spaces and without parentheses around the whole of it (`((a))` → `a`; `(a) && (b)` stays). */
export function compactText(text: string): string {
  let t = text.replace(/\s+/g, '');
  while (isParenthesized(t)) t = t.slice(1, -1);
  return t;
}

/** `(…)` whose opening parenthesis closes at the end. */
function isParenthesized(t: string): boolean {
  if (!t.startsWith('(') || !t.endsWith(')')) return false;
  let depth = 0;
  for (let i = 0; i < t.length; i++) {
    if (t[i] === '(') depth++;
    else if (t[i] === ')' && --depth === 0) return i === t.length - 1;
  }
  return false;
}

/** A parenthesised group, a negation of one, or a path / call / cast-free operand without a binary operator. */
function isSingleOperand(t: string): boolean {
  if (isParenthesized(t)) return true;
  if (t.startsWith('!') && !t.startsWith('!=')) return isSingleOperand(t.slice(1));
  return SINGLE_OPERAND.test(t);
}

/** A variable or field path (`a`, `ext->Flags`, `s.x[2]`), optionally called (`IsDumpMode(ext)`). */
const SINGLE_OPERAND = /^[A-Za-z_]\w*(?:(?:->|\.)[A-Za-z_]\w*|\[[^[\]]*\])*(?:\((?:[^()]|\([^()]*\))*\))?$/;
