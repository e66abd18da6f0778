/**
 * The C front end: blank annotation macros, parse with tree-sitter-c (or -cpp) into the tree the analysis reads
 * (syntax-tree.ts; written by the native addon, native-columns.ts, or copied from the Node binding's tree where the
 * addon is not built), repair parse errors, index lines; or read all that back from a parse store (parse-cache.ts).
 *
 * One parser per thread is reused. Offsets everywhere in ddi-lint are UTF-16 code units of the original text (as
 * tree-sitter's Node binding reports them, and the addon too), and lines/columns are 1-based in public output.
 */
import { createRequire } from 'node:module';
import type ParserType from 'tree-sitter';
import { type Annotation, type ProjectMacroUse, blankAnnotations } from './annotations.js';
import { reparseChanged } from './reparse.js';
import { type RepairNode, erroneousConstructs, repairText } from './repair.js';
import { LineIndex } from './line-index.js';
import { type ParseStore, decodeParsed, encodeParsed, macrosFingerprint, parseKeyOf } from './parse-cache.js';
import { type SyntaxNode, type SyntaxTree, copyTree, treeFromNative } from './syntax-tree.js';
import { nativeFrontEnd } from './native-columns.js';

const require = createRequire(import.meta.url);

export type { SyntaxNode, SyntaxTree as Tree } from './syntax-tree.js';
export { LineIndex } from './line-index.js';

/** C for `.c`/`.h`; C++ (tree-sitter-cpp) for `.cpp`, `.cc`, `.cxx`, `.hpp`, `.hxx`: drivers written in C++ run the same rules on their C subset. */
export type SourceLanguage = 'c' | 'cpp';

const parsers = new Map<SourceLanguage, ParserType>();
const grammars = new Map<SourceLanguage, object>();

/** The grammar module of a language (what tree-sitter's binding and the native addon are given). */
function grammarOf(language: SourceLanguage): object {
  let grammar = grammars.get(language);
  if (!grammar) {
    grammar = require(language === 'cpp' ? 'tree-sitter-cpp' : 'tree-sitter-c') as object;
    grammars.set(language, grammar);
  }
  return grammar;
}

/**
 * tree-sitter's Node binding, loaded only when it parses (the native addon's absence, `parseNative`): a worker
 * with the addon does not load it (about 45 ms of its start).
 */
function parserFor(language: SourceLanguage): ParserType {
  let parser = parsers.get(language);
  if (!parser) {
    const Parser = require('tree-sitter') as typeof ParserType;
    parser = new Parser();
    parser.setLanguage(grammarOf(language));
    parsers.set(language, parser);
  }
  return parser;
}

/**
 * C++ by extension; a `.h` header is C++ when its text is (a class with access specifiers or virtual members, a
 * template, a namespace, `extern "C++"`, an `operator new` or `operator delete` declared or defined): C++ drivers
 * keep their classes in `.h` files, which tree-sitter-c cannot parse.
 */
export function languageOf(filePath: string, text?: string): SourceLanguage {
  if (/\.(?:cpp|cc|cxx|c\+\+|hpp|hxx|hh|inl)$/i.test(filePath)) return 'cpp';
  if (text !== undefined && /\.h$/i.test(filePath) && CPP_HEADER.test(text)) return 'cpp';
  return 'c';
}

const CPP_HEADER =
  /^[ \t]*(?:(?:public|private|protected)[ \t]*:|virtual[ \t]|template[ \t]*<|namespace[ \t]+\w+[ \t]*(?:\{|$)|class[ \t]+\w+[^;\n]*(?::[ \t]*(?:public|private|protected)[ \t]|\{|$)|extern[ \t]+"C\+\+"|[A-Za-z_][\w \t*&]*\boperator[ \t]*(?:new|delete)(?:[ \t]*\[[ \t]*\])?[ \t]*\()/m;

export interface ParsedSource {
  readonly filePath: string;
  /** The original text, exactly as read. */
  readonly text: string;
  readonly tree: SyntaxTree;
  readonly root: SyntaxNode;
  readonly annotations: readonly Annotation[];
  readonly lines: LineIndex;
  readonly language: SourceLanguage;
  /** The project's object-like macros that are a DDI call (`LOCK_GLOBAL;` is a call of one); see `ProjectMacroUse`. */
  readonly callMacros?: ReadonlySet<string>;
  /**
   * The parse store's key for this parse (text, language and the project's macros), when it went through a store:
   * what an earlier run's analysis of its functions is found under (see analysis-memo.ts).
   */
  readonly key?: string;
}

export interface ParseOptions {
  /** The project's macros to see through at their uses (from `projectMacroUses` over the program's files). */
  readonly projectMacros?: ReadonlyMap<string, ProjectMacroUse>;
  /** Where earlier parses are kept: a parse found there is read back, a new one written there (see parse-cache.ts). */
  readonly store?: ParseStore;
  /** `macrosFingerprint(projectMacros)`, when the caller parses many files with the same macros. */
  readonly projectMacrosFingerprint?: string;
}

/**
 * Blank the annotations and run tree-sitter, nothing more: the parse the analysis starts from (the benchmark's
 * "parse only"). `parseSource` copies the tree for the analysis and repairs parse errors.
 */
export function parseNative(text: string, language: SourceLanguage, options: ParseOptions = {}): { blanked: ReturnType<typeof blankAnnotations>; native: ParserType.Tree } {
  const blanked = blank(text, language, options);
  return { blanked, native: parseText(blanked.text, language) };
}

function blank(text: string, language: SourceLanguage, options: ParseOptions): ReturnType<typeof blankAnnotations> {
  return blankAnnotations(text, { msvcSehKeywords: language === 'c', cpp: language === 'cpp', projectMacros: options.projectMacros });
}

function parseText(text: string, language: SourceLanguage): ParserType.Tree {
  // The Node binding reads the input in chunks of bufferSize; the default is too small for large files.
  return parserFor(language).parse(text, undefined, { bufferSize: text.length * 2 + 1024 });
}

export function parseSource(
  filePath: string,
  text: string,
  language: SourceLanguage = languageOf(filePath, text),
  options: ParseOptions = {},
): ParsedSource {
  const { store } = options;
  if (!store) return parseAfresh(filePath, text, language, options);
  const key = parseKeyOf(text, language, options.projectMacrosFingerprint ?? macrosFingerprint(options.projectMacros));
  const bytes = store.read(key);
  const stored = bytes && decodeParsed(bytes, filePath, text, language, grammarOf(language));
  if (stored) return withCallMacros(stored, options, key);
  const parsed = parseAfresh(filePath, text, language, options, key);
  const encoded = encodeParsed(parsed);
  if (encoded) store.write(key, encoded);
  return parsed;
}

function parseAfresh(filePath: string, text: string, language: SourceLanguage, options: ParseOptions, key?: string): ParsedSource {
  const blanked = blank(text, language, options);
  const grammar = grammarOf(language);
  const tree = syntaxTreeOf(blanked.text, language, grammar);
  return withCallMacros({ filePath, text, tree, root: tree.rootNode, annotations: blanked.annotations, lines: new LineIndex(text), language }, options, key);
}

/**
 * `parseSource` of a `text` whose first `offset` characters are blank (spaces and line breaks): only the rest is
 * parsed, and its tree and annotations are moved to `offset`. A blank prefix is only the first token's leading
 * white space, so this is the tree a parse of the whole text gives; it is how the project's macros are parsed as
 * functions at their own offsets in an otherwise blank copy of their file (macros.ts), without parsing the blank.
 */
export function parseAfterBlank(filePath: string, text: string, offset: number, language: SourceLanguage): ParsedSource {
  const blanked = blank(text.slice(offset), language, {});
  const tree = syntaxTreeOf(blanked.text, language, grammarOf(language)).withBlankPrefix(text.slice(0, offset));
  const annotations = blanked.annotations.map((a) => ({ ...a, start: a.start + offset, end: a.end + offset }));
  return { filePath, text, tree, root: tree.rootNode, annotations, lines: new LineIndex(text), language };
}

/**
 * The tree the analysis reads: written by the native addon (native-columns.ts), or, where it is not built, copied
 * from tree-sitter's tree (syntax-tree.ts's `copyTree`). The repair reads the first tree in that form, and the
 * second parse's items are spliced into it.
 */
function syntaxTreeOf(text: string, language: SourceLanguage, grammar: object): SyntaxTree {
  const native = nativeFrontEnd;
  if (native) {
    try {
      return withRepair(text, (parsedText) => treeFromNative(parsedText, grammar, native.parseColumns(parsedText, grammar), native));
    } catch {
      // The addon refused (it checks its own bounds): the binding's tree gives the same columns.
    }
  }
  return withRepair(text, (parsedText) => copyTree(parseText(parsedText, language), parsedText, grammar));
}

/**
 * Parse `text`; when the tree has errors, give it one repair round (same-length edits of the regions that hold
 * them, repair.ts) and keep the repaired text's tree if less code is lost. Only the top-level items the repair
 * changed are parsed again (reparse.ts). tree-sitter's incremental parse is not used for that: it recovers from
 * the errors that are left differently (measured on Windows-driver-samples: functions lost in five files).
 */
function withRepair(text: string, parse: (text: string) => SyntaxTree): SyntaxTree {
  const first = parse(text);
  const repaired = first.rootNode.hasError ? repairText(text, first.rootNode) : undefined;
  if (repaired !== undefined) {
    const second = reparseChanged(first, repaired, parse);
    if (erroneousLength(second.rootNode) < erroneousLength(first.rootNode)) return second;
  }
  return first;
}

/** `parsed` with the unit's call macros, and with the parse store's key when it went through one. */
function withCallMacros(parsed: ParsedSource, options: ParseOptions, key?: string): ParsedSource {
  const macros = options.projectMacros;
  // One set per unit's macros: every file of the unit is parsed with the same map.
  let callMacros = macros?.size ? callMacroSets.get(macros) : undefined;
  if (macros?.size && !callMacros) {
    callMacros = new Set([...macros].flatMap(([name, use]) => (use.kind === 'call' ? [name] : [])));
    callMacroSets.set(macros, callMacros);
  }
  if (!callMacros?.size && !key) return parsed;
  return { ...parsed, ...(callMacros?.size ? { callMacros } : {}), ...(key ? { key } : {}) };
}
const callMacroSets = new WeakMap<ReadonlyMap<string, ProjectMacroUse>, ReadonlySet<string>>();

/** How much text the top-level constructs that hold a parse error cover. */
function erroneousLength(root: RepairNode): number {
  return erroneousConstructs(root).reduce((n, node) => n + node.endIndex - node.startIndex, 0);
}


/** Text of a node in the original source (annotations included). */
export function nodeText(source: ParsedSource, node: SyntaxNode): string {
  return source.text.slice(node.startIndex, node.endIndex);
}

/** Count ERROR and MISSING nodes below `node` (parse robustness measure). */
export function hasSyntaxError(node: SyntaxNode): boolean {
  return node.hasError;
}
