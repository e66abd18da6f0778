/**
 * The project's function-like macros as functions. A driver's `#define LOCK(x) KeAcquireSpinLock(&(x)->Lock,
 * &(x)->Irql)` or `#define ALLOC(n) ExAllocatePoolWithTag(PagedPool, n, TAG)` hides a DDI call behind a name the
 * analysis would otherwise take for an unknown function. Each such macro becomes a function of the program, with
 * the macro's parameters as its parameters: calls to it resolve to it, its summary says what it does to the IRQL
 * (so `LOCK(dev)` raises the caller's IRQL and saves it in `dev->Irql`), and the rules look at the calls in its body.
 *
 * The function is parsed from a copy of the file in which the macro's body keeps its offsets, so every position in
 * it — a finding, a trace step, a fix — is the position in the real file, on the `#define` line:
 *
 *     #define LOCK(x) KeAcquireSpinLock(&(x)->Lock, &(x)->Irql)
 *     void    LOCK(x){KeAcquireSpinLock(&(x)->Lock, &(x)->Irql);}
 *
 * Only macros whose body calls a DDI the analysis has facts for (one that changes the IRQL, a pool allocator, or a
 * DDI limited to below DISPATCH_LEVEL) are taken, and not those that paste or stringise tokens (`#`, `##`).
 */
import { type ParsedSource, type SyntaxNode, parseAfterBlank } from '../frontend/parser.js';
import { lookupDdi } from '../knowledge/ddi-table.js';
import { irqlEffectOf } from '../knowledge/irql-effects.js';
import { lookupAllocator } from '../knowledge/pool.js';
import { Level } from './irql.js';

/** Whether a macro body calls a DDI whose IRQL facts matter. */
export function callsKnownDdi(body: string): boolean {
  for (const m of body.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)) {
    const name = m[1];
    if (irqlEffectOf(name) || lookupAllocator(name)) return true;
    const max = lookupDdi(name)?.irqlMax;
    if (max !== undefined && max < Level.Dispatch) return true;
  }
  return false;
}

/** The body without string and character literals (a `#` inside a string is not an operator). */
function withoutLiterals(body: string): string {
  return body.replace(/"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'/g, '""');
}

/**
 * The synthetic source of one `#define NAME(params) body` (a `preproc_function_def` node of `source`), or of an
 * object-like `#define NAME body` that the front end marked as a call macro (a `preproc_def`), or undefined when the
 * macro is not one to analyse or its body is not a statement or expression C can parse.
 */
export function macroAsFunction(source: ParsedSource, macro: SyntaxNode): ParsedSource | undefined {
  const name = macro.childForFieldName('name');
  const params = macro.childForFieldName('parameters');
  const value = macro.childForFieldName('value');
  if (!name || !value || value.startIndex <= (params ?? name).endIndex) return undefined;
  const text = source.text;
  const body = text.slice(value.startIndex, value.endIndex);
  if (withoutLiterals(body).includes('#') || !callsKnownDdi(body)) return undefined;
  if (name.startIndex - macro.startIndex < 5) return undefined;
  const blank = (from: number, to: number): string => text.slice(from, to).replace(/[^\r\n]/g, ' ');
  const bodyText = body.replace(/\\(?=\r?\n)/g, ' ').replace(/\/\/[^\r\n]*/g, (c) => ' '.repeat(c.length)) + ';}\n';
  let head: string;
  if (params) {
    // `#define` (at least 7 characters up to the name) becomes `void`; the gap after the parameters takes the `{`.
    head = 'void' + blank(macro.startIndex + 4, name.startIndex) + text.slice(name.startIndex, params.endIndex) + '{' + blank(params.endIndex + 1, value.startIndex);
  } else {
    // An object-like macro has no `(…)` to keep: `#define NAME ` becomes `void NAME(){`, the name moved left by
    // three columns (`#define ` is eight characters, `void ` five), the body where it is.
    head = `void ${name.text}(){`;
    if (head.length > value.startIndex - macro.startIndex || /[\r\n]/.test(text.slice(macro.startIndex, value.startIndex))) return undefined;
    head += ' '.repeat(value.startIndex - macro.startIndex - head.length);
  }
  const synthetic = blankPrefixOf(source, macro.startIndex) + head + bodyText;
  const parsed = parseAfterBlank(source.filePath, synthetic, macro.startIndex, source.language);
  return parsed.root.hasError ? undefined : parsed;
}

/**
 * The file's first `length` characters with every character but line breaks blanked. A header may hold several
 * macros: the blank copy is kept and extended, so that each character is blanked once.
 */
function blankPrefixOf(source: ParsedSource, length: number): string {
  let copy = blankPrefixes.get(source) ?? '';
  if (copy.length < length) blankPrefixes.set(source, (copy += source.text.slice(copy.length, length).replace(/[^\r\n]/g, ' ')));
  return copy.length === length ? copy : copy.slice(0, length);
}
const blankPrefixes = new WeakMap<ParsedSource, string>();

/** The function definition node of a synthetic macro source. */
export function macroFunctionNode(parsed: ParsedSource): SyntaxNode | undefined {
  return parsed.root.namedChildren.find((n) => n.type === 'function_definition');
}
