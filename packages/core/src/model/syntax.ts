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
