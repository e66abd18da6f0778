/** A syntax tree as plain data, for tests that compare two trees node by node. */
import type ParserType from 'tree-sitter';
import type { SyntaxNode } from '../syntax-tree.js';

export interface Shape {
  type: string;
  start: number;
  end: number;
  field: string | null;
  named: boolean;
  missing: boolean;
  hasError: boolean;
  children: Shape[];
}

export function shapeOf(node: SyntaxNode): Shape {
  return {
    type: node.type,
    start: node.startIndex,
    end: node.endIndex,
    field: node.fieldName ?? null,
    named: node.isNamed,
    missing: node.isMissing,
    hasError: node.hasError,
    children: node.children.map(shapeOf),
  };
}

/** The same of tree-sitter's own tree. */
export function nativeShape(node: ParserType.SyntaxNode, field: string | null = null): Shape {
  const children = node.children.map((child, i) => nativeShape(child, node.fieldNameForChild(i) ?? null));
  return { type: node.type, start: node.startIndex, end: node.endIndex, field, named: node.isNamed, missing: node.isMissing, hasError: node.hasError, children };
}
