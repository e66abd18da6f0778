/**
 * Parsed sources kept between runs: what `parseSource` makes of a file (the copied tree, the text tree-sitter
 * parsed, the annotations) written as bytes and read back instead of parsing again.
 *
 * Parsing, copying and repairing is about half of the analysis of a unit. When one file of a unit changes, the
 * unit is analysed again (its files see each other's functions), but only the changed file needs parsing: the
 * others are read back here. The same holds when the config changes and every unit's results are stale.
 *
 * What a parse depends on is in its key: the text, the language, the project macros the front end sees through
 * (`ProjectMacroUse`, from every file of the unit), the grammar versions and this module's format. The store
 * itself (where the bytes live) is the caller's: the CLI keeps them beside its `--cache` results.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Annotation, ProjectMacroUse } from './annotations.js';
import { LineIndex } from './line-index.js';
import type { ParsedSource, SourceLanguage } from './parser.js';
import { type TreeColumns, treeFromColumns } from './syntax-tree.js';

/** Where parsed sources are kept; `read` returns undefined for a key it does not hold. */
export interface ParseStore {
  read(key: string): Uint8Array | undefined;
  write(key: string, bytes: Uint8Array): void;
}

/**
 * Bump when the stored layout changes, or what the front end makes of a text (blanking, repair, the copy): the key
 * also has the core's version, but that only moves at a release, and a parse kept by a build in between would be
 * read back as if it were this build's.
 */
const FORMAT = 2;

const require = createRequire(import.meta.url);
const versionOf = (name: string): string => (require(`${name}/package.json`) as { version: string }).version;
/** ddi-lint's core (from src/frontend or dist/frontend alike). */
const CORE_VERSION = (require('../../package.json') as { version: string }).version;

/** A stable text for the project macros of a unit (the key of each of its files' parse includes it). */
export function macrosFingerprint(projectMacros: ReadonlyMap<string, ProjectMacroUse> | undefined): string {
  if (!projectMacros?.size) return '';
  return createHash('sha256')
    .update(JSON.stringify([...projectMacros].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))))
    .digest('hex');
}

let grammarSalt: string | undefined;

/** The key a parse of `text` is stored under. */
export function parseKeyOf(text: string, language: SourceLanguage, macros: string): string {
  // The front end's own version and the grammars': a new one parses differently.
  grammarSalt ??= `ddi-lint-parse ${FORMAT} core@${CORE_VERSION} tree-sitter@${versionOf('tree-sitter')} c@${versionOf('tree-sitter-c')} cpp@${versionOf('tree-sitter-cpp')}`;
  return createHash('sha256').update(`${grammarSalt}\0${language}\0${macros}\0`).update(text).digest('hex');
}

interface Header {
  readonly language: SourceLanguage;
  readonly count: number;
  /** The file's length (UTF-16 code units): the entry is for one text (its key says which). */
  readonly textLength: number;
  /** Where the parsed text differs from the file's (blanked annotations, repairs): [offset, parsed text there]. */
  readonly edits: readonly (readonly [number, string])[];
  readonly annotations: readonly Annotation[];
  readonly symbols: TreeColumns['symbols'];
  readonly fieldNames: TreeColumns['fieldNames'];
}

/** Bytes per node: starts, ends, after (i32), type ids, field ids (u16), flags (u8). Parents follow from `after`. */
const NODE_BYTES = 3 * 4 + 2 * 2 + 1;

/**
 * Layout: header length (u32), header (JSON), padding to 4 bytes, then per node starts, ends, after (i32), type
 * ids, field ids (u16), flags (u8). Native byte order: the store is local to the machine that wrote it. The
 * parsed text is kept as its differences from the file's text (the front end's edits keep every length); a parse
 * whose text has another length is not stored (undefined).
 */
export function encodeParsed(parsed: ParsedSource): Uint8Array | undefined {
  const edits = differences(parsed.text, parsed.tree.text);
  if (!edits) return undefined;
  const columns = parsed.tree.columns();
  const header: Header = {
    language: parsed.language,
    count: columns.count,
    textLength: parsed.text.length,
    edits,
    annotations: parsed.annotations,
    symbols: columns.symbols,
    fieldNames: columns.fieldNames,
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const columnsAt = align4(4 + headerBytes.length);
  const out = new Uint8Array(columnsAt + columns.count * NODE_BYTES);
  new DataView(out.buffer).setUint32(0, headerBytes.length, true);
  out.set(headerBytes, 4);
  let at = columnsAt;
  for (const column of [columns.starts, columns.ends, columns.after, columns.typeIds, columns.fields, columns.flags]) {
    out.set(new Uint8Array(column.buffer, column.byteOffset, column.byteLength), at);
    at += column.byteLength;
  }
  return out;
}

/**
 * The parsed source stored in `bytes` for `text`; undefined when the bytes are not a whole, well-formed entry of
 * this format (the caller parses instead).
 */
export function decodeParsed(bytes: Uint8Array, filePath: string, text: string, language: SourceLanguage, grammar: object): ParsedSource | undefined {
  try {
    if (bytes.length < 4) return undefined;
    const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
    const header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 4, headerLength).toString('utf8')) as Header;
    const n = header.count;
    if (header.language !== language || header.textLength !== text.length || !Number.isInteger(n) || n < 1) return undefined;
    let at = align4(4 + headerLength);
    if (bytes.length !== at + n * NODE_BYTES) return undefined;
    // Copied into fresh arrays: a view at an arbitrary offset of the read buffer may be misaligned.
    const take = <T extends Int32Array | Uint16Array | Uint8Array>(make: new (count: number) => T): T => {
      const column = new make(n);
      new Uint8Array(column.buffer).set(bytes.subarray(at, at + column.byteLength));
      at += column.byteLength;
      return column;
    };
    const starts = take(Int32Array);
    const ends = take(Int32Array);
    const after = take(Int32Array);
    const typeIds = take(Uint16Array);
    const fields = take(Uint16Array);
    const flags = take(Uint8Array);
    const parents = parentsFrom(after);
    const parsedText = applyEdits(text, header.edits);
    if (!parents || parsedText === undefined) return undefined;
    const tree = treeFromColumns(parsedText, grammar, { count: n, starts, ends, parents, after, typeIds, fields, flags, symbols: header.symbols, fieldNames: header.fieldNames });
    if (!tree) return undefined;
    return { filePath, text, tree, root: tree.rootNode, annotations: header.annotations, lines: new LineIndex(text), language };
  } catch {
    return undefined;
  }
}

/** In pre-order, a node's parent is the nearest earlier node whose subtree has not ended; undefined if `after` is not a tree's. */
function parentsFrom(after: Int32Array): Int32Array | undefined {
  const n = after.length;
  const parents = new Int32Array(n);
  const open: number[] = [];
  for (let i = 0; i < n; i++) {
    while (open.length && after[open[open.length - 1]] <= i) open.pop();
    const parent = open.length ? open[open.length - 1] : -1;
    if (after[i] <= i || after[i] > n || (parent >= 0 ? after[i] > after[parent] : i > 0)) return undefined;
    parents[i] = parent;
    open.push(i);
  }
  return parents;
}

/** The runs where `parsed` differs from `text`, or undefined when their lengths differ. */
function differences(text: string, parsed: string): [number, string][] | undefined {
  if (text.length !== parsed.length) return undefined;
  const edits: [number, string][] = [];
  const n = text.length;
  for (let i = 0; i < n; i++) {
    if (text.charCodeAt(i) === parsed.charCodeAt(i)) continue;
    let end = i + 1;
    while (end < n && text.charCodeAt(end) !== parsed.charCodeAt(end)) end++;
    edits.push([i, parsed.slice(i, end)]);
    i = end;
  }
  return edits;
}

function applyEdits(text: string, edits: Header['edits']): string | undefined {
  const pieces: string[] = [];
  let at = 0;
  for (const [offset, replacement] of edits) {
    if (!Number.isInteger(offset) || offset < at || offset + replacement.length > text.length) return undefined;
    pieces.push(text.slice(at, offset), replacement);
    at = offset + replacement.length;
  }
  pieces.push(text.slice(at));
  return pieces.join('');
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
