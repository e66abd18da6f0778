import type { SyntaxNode } from '../frontend/parser.js';

/** The called name: `F(…)`, or C++'s global-scope `::F(…)`; undefined for calls through pointers and members. */
export function calleeName(call: SyntaxNode): string | undefined {
  const f = call.childForFieldName('function');
  if (f?.type === 'identifier') return f.text;
  if (f?.type === 'qualified_identifier' && !f.childForFieldName('scope')) return f.childForFieldName('name')?.text;
  return undefined;
}

/** A call's argument expressions, comments between them left out. */
export function callArguments(call: SyntaxNode): SyntaxNode[] {
  return call.childForFieldName('arguments')?.namedChildren.filter((a) => a.type !== 'comment') ?? [];
}

/** Statement kinds whose condition decides whether a child runs. */
const CONDITIONAL: Readonly<Record<string, string>> = { if_statement: 'consequence', conditional_expression: 'consequence' };

/**
 * The conditions a node runs under within its function, innermost first: for each enclosing `if` (or `?:`), its
 * condition and whether the node is in the branch taken when it is true.
 */
export function enclosingConditions(node: SyntaxNode): { readonly condition: SyntaxNode; readonly whenTrue: boolean }[] {
  const out: { condition: SyntaxNode; whenTrue: boolean }[] = [];
  for (let child: SyntaxNode = node, parent = node.parent; parent; child = parent, parent = parent.parent) {
    if (parent.type === 'function_definition') break;
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
