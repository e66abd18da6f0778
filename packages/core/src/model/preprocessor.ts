/**
 * Which `#if` / `#ifdef` branch inside a function is compiled, when that can be known. The names the build
 * defines (`settings.defines`, `-D NAME[=VALUE]`) and the file's own `#define`s give values; a condition that
 * mentions any other name is unknown — the build may define it — and its branches stay alternative paths.
 */
import type { SyntaxNode } from '../frontend/parser.js';
import { evaluateConstant } from './constants.js';

/** Build-time macro values: a value text, or `null` for a name known not to be defined. */
export type Defines = Readonly<Record<string, string | null>>;

/** What is known of one name: defined with a value, known undefined, or unknown (undefined). */
export type DefineLookup = (name: string) => { readonly defined: boolean; readonly value?: string } | undefined;

export function defineLookup(settings: Defines | undefined, fileDefines: ReadonlyMap<string, string>): DefineLookup {
  return (name) => {
    if (settings && Object.prototype.hasOwnProperty.call(settings, name)) {
      const value = settings[name];
      return value === null ? { defined: false } : { defined: true, value };
    }
    const own = fileDefines.get(name);
    return own === undefined ? undefined : { defined: true, value: own };
  };
}

/**
 * Whether the branch a `preproc_if` / `preproc_ifdef` / `preproc_elif` node opens is compiled (true/false), or
 * unknown (undefined). A `preproc_else` is reached only when the conditions before it failed: always true.
 */
export function branchTaken(node: SyntaxNode, lookup: DefineLookup): boolean | undefined {
  switch (node.type) {
    case 'preproc_else':
      return true;
    case 'preproc_ifdef': {
      const name = node.childForFieldName('name')?.text;
      const known = name ? lookup(name) : undefined;
      if (!known) return undefined;
      const negated = /^#\s*ifndef/.test(node.text);
      return negated ? !known.defined : known.defined;
    }
    case 'preproc_if':
    case 'preproc_elif': {
      const condition = node.childForFieldName('condition');
      return condition ? evaluateCondition(condition.text, lookup) : undefined;
    }
    default:
      return undefined;
  }
}

/** An `#if` expression: `defined(X)`, names with known values, integer arithmetic and logic. */
export function evaluateCondition(text: string, lookup: DefineLookup): boolean | undefined {
  let unknown = false;
  const resolved = text
    .replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ' ')
    .replace(/\bdefined\s*(?:\(\s*([A-Za-z_]\w*)\s*\)|([A-Za-z_]\w*))/g, (_, a?: string, b?: string) => {
      const known = lookup((a ?? b)!);
      if (!known) unknown = true;
      return known?.defined ? '1' : '0';
    });
  if (unknown) return undefined;
  const value = evaluateConstant(resolved, (name) => {
    const known = lookup(name);
    if (!known) return undefined;
    // A name known not to be defined is 0 in an #if, as the preprocessor has it.
    return known.defined ? known.value || undefined : 0n;
  });
  return value === undefined ? undefined : value !== 0n;
}
