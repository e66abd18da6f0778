/**
 * The project's own macros that the parser must see through, from the `#define`s of every file of a program.
 *
 * tree-sitter reads a use of `PAGED` before `void Enter()`, or `} WHILE (FALSE);` closing a `do` loop, as
 * something it cannot parse; the build's preprocessor would expand them. Two kinds of macro are expanded in place
 * (the front end keeps every position, see `ProjectMacroUse`):
 *
 * - macros whose expansion is only annotations and decorations, or nothing (`#define PTRALIGN`,
 *   `#define CODE_SEG(s) __declspec(code_seg(s))`, `#define PAGED CODE_SEG("PAGE") _IRQL_always_function_max_(…)`):
 *   blanked, their annotations applied where they are used;
 * - function-like macros that expand to a loop header (`#define WHILE(c) __pragma(…) while (c)`,
 *   `#define LIST_FOR_EACH(e, head) for (e = (head)->Flink; e != (head); e = e->Flink)`): respelled `while`.
 *
 * A third kind is left as written: an object-like macro that is one call of a DDI the model has facts for
 * (`#define LOCK_GLOBAL KeAcquireSpinLock(&g_Lock, &g_OldIrql)`). The model reads each use (`LOCK_GLOBAL;`) as a call
 * of the macro, which it analyses as a function like the function-like ones.
 *
 * A name qualifies only when every definition the project gives it qualifies the same way (a release build's empty
 * `TRACE(x)` beside a debug build's `DbgPrint x` is not a decoration), and never a name the knowledge base reads
 * (a DDI, `PAGED_CODE`, `ASSERT`…): a project that redefines those keeps their meaning to the analysis.
 * Macros that call DDIs are another matter: they are analysed as functions (`macros.ts`).
 */
import { type ProjectMacroUse, blankAnnotations, isAnnotationMacro, matchParen } from '../frontend/annotations.js';
import { lookupDdi } from '../knowledge/ddi-table.js';
import { irqlEffectOf } from '../knowledge/irql-effects.js';
import { lookupAllocator } from '../knowledge/pool.js';
import { lookupRole } from '../knowledge/roles.js';
import { callsKnownDdi } from './macros.js';

interface Definition {
  readonly params?: readonly string[];
  readonly body: string;
}

/** Macros the analysis reads by name, whatever a project defines them to. */
const MODEL_MACROS = new Set(['PAGED_CODE', 'PAGED_CODE_LOCKED', 'ASSERT', 'NT_ASSERT', 'NT_ASSERTMSG', 'NT_VERIFY', 'NDIS_CURRENT_IRQL', 'TRUE', 'FALSE', 'NULL']);

const DEFINE = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)(\([^)\n]*\))?((?:[^\n\\]|\\(?:\r?\n)?)*)/gm;

/** Every `#define` of the texts, by name, with comments and line continuations removed from the bodies. */
function definitionsOf(texts: readonly string[]): Map<string, Definition[]> {
  const byName = new Map<string, Definition[]>();
  for (const text of texts) {
    if (!text.includes('define')) continue;
    for (const m of text.matchAll(DEFINE)) {
      const [, name, paramList, rawBody] = m;
      const body = rawBody
        .replace(/\\\r?\n/g, ' ')
        .replace(/\/\*[\s\S]*?\*\/|\/\/.*$/g, ' ')
        .trim();
      const params = paramList
        ?.slice(1, -1)
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean);
      let list = byName.get(name);
      if (!list) byName.set(name, (list = []));
      list.push({ params, body });
    }
  }
  return byName;
}

function knownToTheModel(name: string): boolean {
  return MODEL_MACROS.has(name) || isAnnotationMacro(name) || !!lookupDdi(name) || !!irqlEffectOf(name) || !!lookupAllocator(name) || !!lookupRole(name);
}

/** What a definition's uses become, given the macros already classified; undefined when it is neither kind. */
function classify(definition: Definition, known: ReadonlyMap<string, ProjectMacroUse>): ProjectMacroUse | undefined {
  if (!definition.body) return { kind: 'decoration', params: definition.params, annotations: [] };
  const blanked = blankAnnotations(definition.body, { projectMacros: known });
  const rest = blanked.text.trim();
  if (!rest) {
    return { kind: 'decoration', params: definition.params, annotations: blanked.annotations.map(({ name, args }) => ({ name, args })) };
  }
  // `#define LOCK_GLOBAL KeAcquireSpinLock(&g_Lock, &g_OldIrql)`: one call of a DDI the model has facts for.
  if (!definition.params) {
    const call = /^[A-Za-z_]\w*\s*\(/.exec(rest);
    const whole = rest.replace(/;$/, '').trimEnd();
    if (call && matchParen(whole, call[0].length - 1) === whole.length - 1 && callsKnownDdi(whole)) return { kind: 'call' };
    return undefined;
  }
  if (definition.params?.length) {
    const header = /^(?:while|for)\s*\(/.exec(rest);
    const loop = rest.replace(/;$/, '').trimEnd();
    if (header && matchParen(loop, header[0].length - 1) === loop.length - 1) return { kind: 'while' };
  }
  return undefined;
}

function sameUse(a: ProjectMacroUse, b: ProjectMacroUse): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind !== 'decoration' || b.kind !== 'decoration') return true;
  return (a.params === undefined) === (b.params === undefined) && (a.params?.length ?? 0) === (b.params?.length ?? 0);
}

/**
 * Names some file defines or declares as a function, in the shapes driver code writes them: after a return type on
 * the same line (`static VOID Name(`) or at the start of a line under it (`VOID` / `Name(`). A project
 * may define the same name as an empty macro for another build configuration; the function wins.
 */
function functionShapedNames(texts: readonly string[]): Set<string> {
  const names = new Set<string>();
  const sameLine = /^[ \t]*(?!(?:return|else|case|goto|sizeof|do)\b)[A-Za-z_][\w \t*]*[ \t*]([A-Za-z_]\w*)[ \t]*\(/gm;
  const lineAbove = /^[A-Za-z_][\w \t*]*\r?\n([A-Za-z_]\w*)[ \t]*\(/gm;
  for (const text of texts) {
    for (const m of text.matchAll(sameLine)) names.add(m[1]);
    for (const m of text.matchAll(lineAbove)) names.add(m[1]);
  }
  return names;
}

/** The project macros to expand at their uses, from the texts of all the files of a program. */
export function projectMacroUses(texts: readonly string[]): ReadonlyMap<string, ProjectMacroUse> {
  const defined = [...definitionsOf(texts)].filter(([name]) => !knownToTheModel(name));
  if (!defined.length) return new Map();
  const functions = functionShapedNames(texts);
  const candidates = defined.filter(([name]) => !functions.has(name));
  const known = new Map<string, ProjectMacroUse>();
  // Macros built from other macros (`PAGED` from `CODE_SEG`) qualify once those have: a few rounds reach them.
  for (let round = 0; round < 4; round++) {
    let added = false;
    for (const [name, definitions] of candidates) {
      if (known.has(name)) continue;
      const uses = definitions.map((d) => classify(d, known));
      const first = uses[0];
      if (!first || !uses.every((u) => u && sameUse(first, u))) continue;
      if (first.kind === 'while' && name.length < 'while'.length) continue;
      // The annotations of the definition that has some (one build's `DECLSPEC_ALIGN(16)`, another's nothing).
      known.set(name, uses.find((u) => u?.kind === 'decoration' && u.annotations.length) ?? first);
      added = true;
    }
    if (!added) break;
  }
  return known;
}
