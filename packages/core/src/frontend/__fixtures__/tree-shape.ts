/** A syntax tree as plain data, for tests that compare two trees node by node. */
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
