/**
 * The front end's native addon (packages/core/native): tree-sitter's parse and the walk that writes the tree into
 * the analysis's columns, in one call, without a call into the Node binding per node. Built when the package is
 * installed (native/build.mjs); where it could not be built, or with `DDI_LINT_NATIVE=0`, `nativeFrontEnd` is
 * undefined and the parser copies tree-sitter's tree in JavaScript (`copyTree`): the same columns, more slowly.
 */
import { createRequire } from 'node:module';
import type { Columns } from './syntax-tree.js';

export interface NativeFrontEnd {
  /** Parse `text` with the grammar module `language` and return its tree's columns (sized for its descendants). */
  parseColumns(text: string, language: object): Columns;
  /** The type name of a type id and whether it is named. */
  symbolInfo(language: object, typeId: number): [string, boolean];
  fieldName(language: object, fieldId: number): string;
  /** The grammar's number of type ids (0 … n − 1, besides the ERROR type's 65535) and of field ids (1 … n). */
  counts(language: object): [number, number];
}

const ADDON = '../../native/build/Release/parse_columns.node';

function load(): NativeFrontEnd | undefined {
  if (process.env.DDI_LINT_NATIVE === '0') return undefined;
  try {
    return createRequire(import.meta.url)(ADDON) as NativeFrontEnd;
  } catch {
    return undefined;
  }
}

/** The addon, or undefined where it is not built or is switched off. */
export const nativeFrontEnd: NativeFrontEnd | undefined = load();

/**
 * Which front end parses here: `native` (the addon: no tree-sitter tree outlives its parse) or `javascript` (the
 * Node binding's trees, copied, then left to the garbage collector, which does not see their native memory).
 */
export function frontEndKind(): 'native' | 'javascript' {
  return nativeFrontEnd ? 'native' : 'javascript';
}
