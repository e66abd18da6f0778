/**
 * A second chance for functions tree-sitter could not parse.
 *
 * tree-sitter sees the source before the preprocessor, so real driver code trips it in a few recurring ways: an
 * `#if` that splits an `if`/`else` chain, a statement macro used without its `;` (`DbgDoit(x)` on its own line), a
 * loop macro followed by its body, a `#pragma` in the middle of an argument list, a bare `TRY {` block, MSVC's
 * `I64` integer suffix. When the first parse has errors, the regions that hold them (a function definition, or a
 * top-level ERROR) are rewritten — with same-length edits only, so every offset, line and column stays exact —
 * and the file is parsed again:
 *
 * - each `#if` group in the region keeps one branch, as a build would: the first whose condition is true or
 *   unknown (`#if 0` and `#elif 0` branches are dropped); the directives and the other branches become blank;
 * - `#pragma` lines in the region become blank;
 * - a call-shaped statement that ends its line without `;` gets one, in the blank right after it or in the
 *   indentation of the next line;
 * - a bare upper-case name opening a block (`TRY {`, `} FINALLY {`) becomes blank;
 * - `I64`/`i64` integer suffixes become blank.
 *
 * Functions that parsed cleanly are not touched: their `#if` branches stay alternative paths for the analysis.
 */
/** What the repair reads of a tree (a `SyntaxNode` of the first parse, or tree-sitter's own in tests). */
export interface RepairNode {
  readonly type: string;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly hasError: boolean;
  readonly isMissing: boolean;
  readonly firstChild: RepairNode | null;
  readonly nextSibling: RepairNode | null;
}

interface Region {
  readonly start: number;
  readonly end: number;
}

const CONTAINERS = new Set([
  'translation_unit',
  'preproc_if',
  'preproc_ifdef',
  'preproc_elif',
  'preproc_else',
  'linkage_specification',
  'declaration_list',
  'namespace_definition',
]);

/** The top-level constructs (looking into `#if` groups, `extern "C"`, namespaces) that hold a parse error. */
export function erroneousConstructs<N extends RepairNode>(root: N): N[] {
  const out: N[] = [];
  const visit = (node: N): void => {
    for (let child = node.firstChild as N | null; child; child = child.nextSibling as N | null) {
      if (!child.hasError && !child.isMissing) continue;
      if (CONTAINERS.has(child.type)) visit(child);
      else out.push(child);
    }
  };
  visit(root);
  return out;
}

/** The ranges of the top-level constructs that hold a parse error, extended to whole lines. */
function errorRegions(root: RepairNode, text: string): Region[] {
  return erroneousConstructs(root).map((r) => ({
    start: withDirectivesBefore(text, text.lastIndexOf('\n', r.startIndex - 1) + 1),
    end: (text.indexOf('\n', r.endIndex) + 1 || text.length + 1) - 1,
  }));
}

/**
 * A line start moved up over the directive, blank and comment lines right above it: when an `#if` splits a
 * function, tree-sitter's fragment starts after the `#if` that opened the split.
 */
function withDirectivesBefore(text: string, lineStart: number): number {
  let start = lineStart;
  while (start > 0) {
    const previous = start >= 2 ? text.lastIndexOf('\n', start - 2) + 1 : 0;
    if (!/^[ \t]*(?:#.*|\/\/.*)?\r?$/.test(text.slice(previous, start - 1))) break;
    start = previous;
  }
  return start;
}

const inside = (regions: readonly Region[], offset: number): boolean => regions.some((r) => offset >= r.start && offset <= r.end);

const KEYWORDS = new Set([
  'if',
  'while',
  'for',
  'switch',
  'return',
  'sizeof',
  'else',
  'do',
  'case',
  'goto',
  'typedef',
  'struct',
  'union',
  'enum',
]);

/** Same-length edits of a text, applied at once (copying a large file character by character is slow). */
class Editor {
  private readonly blanks: [number, number][] = [];
  private readonly puts = new Map<number, string>();
  get changed(): boolean {
    return this.blanks.length > 0 || this.puts.size > 0;
  }
  /** Blank a range, keeping line breaks. */
  blank(from: number, to: number): void {
    if (to > from) this.blanks.push([from, to]);
  }
  put(at: number, char: string): void {
    this.puts.set(at, char);
  }
  apply(text: string): string {
    const edits: [number, number, string][] = [];
    const merged: [number, number][] = [];
    for (const [from, to] of [...this.blanks].sort((a, b) => a[0] - b[0])) {
      const top = merged.at(-1);
      if (top && from <= top[1]) top[1] = Math.max(top[1], to);
      else merged.push([from, to]);
    }
    for (const [from, to] of merged) edits.push([from, to, text.slice(from, to).replace(/[^\r\n]/g, ' ')]);
    for (const [at, char] of this.puts) edits.push([at, at + 1, char]);
    edits.sort((a, b) => a[0] - b[0]);
    let out = '';
    let pos = 0;
    for (const [from, to, replacement] of edits) {
      if (from < pos) continue;
      out += text.slice(pos, from) + replacement;
      pos = to;
    }
    return out + text.slice(pos);
  }
}

interface Directive {
  readonly kind: 'if' | 'elif' | 'else' | 'endif' | 'pragma' | 'other';
  /** Condition text of an `#if`/`#elif`, or `defined X` / `!defined X` for `#ifdef`/`#ifndef`. */
  readonly condition?: string;
  readonly start: number;
  /** End of the directive's last line (line continuations included), before its line break. */
  readonly end: number;
}

/** The preprocessor directives of a text, in order. */
function directives(text: string): Directive[] {
  const out: Directive[] = [];
  const re = /^[ \t]*#[ \t]*(\w+)/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const start = m.index;
    let end = start;
    for (;;) {
      const nl = text.indexOf('\n', end);
      end = nl < 0 ? text.length : nl;
      if (!/\\\r?$/.test(text.slice(Math.max(start, end - 2), end)) || nl < 0) break;
      end = nl + 1;
    }
    const word = m[1];
    const rest = text.slice(m.index + m[0].length, end).replace(/\\\r?\n/g, ' ');
    const kind =
      word === 'if' || word === 'ifdef' || word === 'ifndef'
        ? 'if'
        : word === 'elif' || word === 'else' || word === 'endif' || word === 'pragma'
          ? word
          : 'other';
    const condition = word === 'ifdef' ? `defined ${rest.trim()}` : word === 'ifndef' ? `!defined ${rest.trim()}` : rest;
    out.push({ kind, condition: kind === 'if' || kind === 'elif' ? condition : undefined, start, end });
    re.lastIndex = end;
  }
  return out;
}

/** Whether a branch condition is `0` (names are not known here: the build may define them). */
function knownFalse(condition: string | undefined): boolean {
  return condition !== undefined && /^\(*\s*0\s*\)*$/.test(condition.replace(/\/\*.*?\*\/|\/\/.*$/g, '').trim());
}

/** Keep one branch of every `#if` group that opens inside a region. */
function resolveConditionals(text: string, regions: readonly Region[], editor: Editor): void {
  interface Group {
    readonly inRegion: boolean;
    /** Whether a branch was already chosen; later branches are dropped. */
    chosen: boolean;
    /** Start of the branch being dropped, if the current one is. */
    dropFrom?: number;
  }
  const stack: Group[] = [];
  const closeBranch = (group: Group, at: number): void => {
    if (group.dropFrom !== undefined) editor.blank(group.dropFrom, at);
    group.dropFrom = undefined;
  };
  const openBranch = (group: Group, d: Directive): void => {
    const take = !group.chosen && (d.kind === 'else' || !knownFalse(d.condition));
    if (take) group.chosen = true;
    else group.dropFrom = d.end;
    editor.blank(d.start, d.end);
  };
  for (const d of directives(text)) {
    const group = stack.at(-1);
    if (d.kind === 'if') {
      const g: Group = { inRegion: inside(regions, d.start), chosen: false };
      stack.push(g);
      if (g.inRegion) openBranch(g, d);
    } else if ((d.kind === 'elif' || d.kind === 'else') && group?.inRegion) {
      closeBranch(group, d.start);
      openBranch(group, d);
    } else if (d.kind === 'endif' && group) {
      stack.pop();
      if (group.inRegion) {
        closeBranch(group, d.start);
        editor.blank(d.start, d.end);
      }
    } else if (d.kind === 'pragma' && inside(regions, d.start)) {
      editor.blank(d.start, d.end);
    }
  }
}

/** Offset just past the `)` matching the `(` at `open`, skipping strings and comments; -1 if unbalanced. */
function matchParen(text: string, open: number, limit: number): number {
  let depth = 0;
  for (let i = open; i < limit; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      for (i++; i < limit && text[i] !== c && text[i] !== '\n'; i++) if (text[i] === '\\') i++;
    } else if (c === '/' && text[i + 1] === '/') {
      i = text.indexOf('\n', i);
      if (i < 0) return -1;
    } else if (c === '/' && text[i + 1] === '*') {
      i = text.indexOf('*/', i + 2);
      if (i < 0) return -1;
      i++;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i + 1;
  }
  return -1;
}

/** The previous non-blank, non-comment line, without comments (or '#' for a directive line). */
function previousLine(text: string, lineStart: number): string {
  let end = lineStart - 1;
  while (end > 0) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    const line = text
      .slice(start, end)
      .replace(/\/\/.*$/, '')
      .replace(/\/\*.*?\*\//g, '')
      .trim();
    if (line.startsWith('#')) return '#';
    if (line && !line.startsWith('*') && !line.startsWith('/*')) return line;
    end = start - 1;
  }
  return ';';
}

/** The next non-blank line's indentation and first character (sticky: read at `lastIndex`). */
const NEXT_LINE = /(?:[ \t]*\r?\n)*([ \t]*)(\S)/y;

/** Give a call-shaped statement that ends its line without `;` its semicolon. */
function terminateStatementMacros(text: string, region: Region, editor: Editor): void {
  const re = /^([ \t]*)([A-Za-z_]\w*)[ \t]*\(/gm;
  re.lastIndex = region.start;
  for (let m = re.exec(text); m && m.index < region.end; m = re.exec(text)) {
    if (KEYWORDS.has(m[2])) continue;
    const open = m.index + m[0].length - 1;
    const close = matchParen(text, open, region.end);
    if (close < 0) continue;
    const lineEnd = text.indexOf('\n', close);
    if (lineEnd < 0 || !/^[ \t\r]*(?:\/\/.*|\/\*.*\*\/[ \t\r]*)?$/.test(text.slice(close, lineEnd))) continue;
    NEXT_LINE.lastIndex = lineEnd + 1;
    const next = NEXT_LINE.exec(text);
    if (!next || next.index + next[0].length > region.end + 1 || !/[A-Za-z_{}#]/.test(next[2])) continue;
    // Only where a statement starts: after a statement, a block edge, a label, a condition or a directive.
    if (!/(?:[;{}:)#]|\belse)$/.test(previousLine(text, m.index))) continue;
    const after = text.slice(close, lineEnd);
    if (/^[ \t\r]/.test(after)) editor.put(close, ';');
    else if (next[1].length) editor.put(lineEnd + 1 + next[0].length - next[1].length - 1, ';');
    else if (/[ \t]/.test(text[close - 2])) {
      // `f(a, b )` at the end of its line before an unindented `}`: the last `)` moves into the blank before it.
      editor.put(close - 2, ')');
      editor.put(close - 1, ';');
    } else continue;
    re.lastIndex = close;
  }
}

/** `TRY {` and other bare upper-case names that open a block. */
function blankBlockMacros(text: string, region: Region, editor: Editor): void {
  const re = /^[ \t]*(?:\}[ \t]*)?([A-Z][A-Z0-9_]*)(?=[ \t]*(?:\r?\n[ \t]*)?\{)/gm;
  re.lastIndex = region.start;
  for (let m = re.exec(text); m && m.index < region.end; m = re.exec(text)) {
    editor.blank(m.index + m[0].length - m[1].length, m.index + m[0].length);
  }
}

function blankIntegerSuffixes(text: string, region: Region, editor: Editor): void {
  const re = /\b(?:0[xX][0-9a-fA-F]+|\d+)[uU]?([iI]64)\b/g;
  for (const m of text.slice(region.start, region.end).matchAll(re)) {
    const at = region.start + m.index! + m[0].length - 3;
    editor.blank(at, at + 3);
  }
}

/** The text with the error regions of `root` repaired, or undefined when nothing could be changed. */
export function repairText(text: string, root: RepairNode): string | undefined {
  const regions = errorRegions(root, text);
  if (!regions.length) return undefined;
  const editor = new Editor();
  resolveConditionals(text, regions, editor);
  for (const region of regions) {
    blankBlockMacros(text, region, editor);
    blankIntegerSuffixes(text, region, editor);
  }
  // Semicolons are placed once the text around them is settled.
  const settled = editor.changed ? editor.apply(text) : text;
  const second = new Editor();
  for (const region of regions) terminateStatementMacros(settled, region, second);
  if (!editor.changed && !second.changed) return undefined;
  return second.changed ? second.apply(settled) : settled;
}
