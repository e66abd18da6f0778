/**
 * The syntax tree the analysis reads: a compact copy of tree-sitter's tree, written right after parsing by the
 * front end's native addon (`treeFromNative`, native-columns.ts) or, where it is not built, by one cursor walk over
 * the Node binding's tree (`copyTree`); both give the same columns.
 *
 * Why a copy: every property of a tree-sitter Node (its type, its offsets, its children) is a call into the native
 * binding, and every Node object the binding hands out carries a weak handle with a finalizer so that the binding
 * can give the same object back next time. The analysis reads each node many times (CFG, IRQL fixpoint, rules), and
 * on driver sources those calls and the garbage collector's work on the weak handles were most of the time after
 * parsing. The copy costs one walk (a few native calls per node); the native tree is dropped as soon as it exists.
 *
 * Why compact: the nodes are numbered in pre-order and their facts kept in typed arrays (type, range, parent, end
 * of subtree, field, flags), which the garbage collector never scans; a `SyntaxNode` object is made the first
 * time a node is asked for, and the same object is given back after that (so nodes can key maps). A subtree is
 * a range of numbers, so walks and `descendantsOfType` are loops over arrays that make objects only for the nodes
 * they return.
 *
 * `SyntaxNode` offers the part of tree-sitter's interface that ddi-lint uses, with the same meaning: offsets in
 * UTF-16 code units of the parsed text, `text` sliced from the parsed text (annotations blanked), `hasError` for a
 * node that is or holds an ERROR or MISSING node, `descendantsOfType` including the node itself.
 */
import type ParserType from 'tree-sitter';
import { LineIndex } from './line-index.js';
import type { NativeFrontEnd } from './native-columns.js';

/** A (0-based) row and column (in UTF-16 code units), as tree-sitter's `startPosition`. */
export interface Point {
  readonly row: number;
  readonly column: number;
}

const NO_NODES: readonly SyntaxNode[] = Object.freeze([]);

const NAMED = 1;
const MISSING = 2;
const HAS_ERROR = 4;

/** Node ids are unique within a thread, across trees (maps keyed by id mix nodes of several files). */
let nextIdBase = 1;

interface SymbolInfo {
  readonly type: string;
  readonly named: boolean;
  /** Whether the grammar gives this type fields (otherwise its children's field ids are not asked for). */
  readonly hasFields: boolean;
}

function symbolInfo(type: string, named: boolean, typesWithFields: ReadonlySet<string> | undefined): SymbolInfo {
  return { type, named, hasFields: !typesWithFields || type === 'ERROR' || typesWithFields.has(type) };
}

const UNDECIDED = 0;
const NOT_WANTED = 1;
const WANTED = 2;

/** Per grammar: node type ids and field ids to names, filled as they are met. */
class LanguageTables {
  readonly symbols: (SymbolInfo | undefined)[] = [];
  readonly fieldNames: (string | undefined)[] = [];
  readonly fieldIds = new Map<string, number>();
  /** Every type and field id of the grammar is named (by the native addon; `copyTree` names them as met). */
  allNamed = false;
  /** Per set of types asked for: per type id, whether it is one of them (decided when first met). */
  private readonly masksBySet = new WeakMap<ReadonlySet<string>, Uint8Array>();
  private readonly masksByName = new Map<string, Uint8Array>();

  constructor(
    /** Types that have fields, from the grammar's node-types.json (undefined: it is not there, ask for every node). */
    readonly typesWithFields: ReadonlySet<string> | undefined,
  ) {}

  maskOf(types: ReadonlySet<string> | string): Uint8Array {
    if (typeof types === 'string') {
      let mask = this.masksByName.get(types);
      if (!mask) this.masksByName.set(types, (mask = new Uint8Array(TYPE_IDS)));
      return mask;
    }
    let mask = this.masksBySet.get(types);
    if (!mask) this.masksBySet.set(types, (mask = new Uint8Array(TYPE_IDS)));
    return mask;
  }
}

/** Masks cover the type ids below this (C's and C++'s are); a higher id is decided each time. */
const TYPE_IDS = 2048;

export class SyntaxTree {
  /** The number of nodes. */
  readonly count: number;
  readonly idBase: number;
  /** Per node, by pre-order number: */
  private readonly typeIds: Uint16Array;
  /** @internal */ readonly starts: Int32Array;
  /** @internal */ readonly ends: Int32Array;
  /** @internal */ readonly parents: Int32Array;
  /** @internal The number of the first node after this node's subtree. */
  readonly after: Int32Array;
  private readonly fields: Uint16Array;
  private readonly flags: Uint8Array;
  private readonly nodes: (SyntaxNode | undefined)[];
  private lines?: LineIndex;

  /** @internal Made by `copyTree`. */
  constructor(
    /** The text tree-sitter parsed (the annotation-blanked source). */
    readonly text: string,
    private readonly tables: LanguageTables,
    columns: Columns,
  ) {
    this.count = columns.count;
    this.typeIds = columns.typeIds;
    this.starts = columns.starts;
    this.ends = columns.ends;
    this.parents = columns.parents;
    this.after = columns.after;
    this.fields = columns.fields;
    this.flags = columns.flags;
    this.nodes = new Array(this.count);
    this.idBase = nextIdBase;
    nextIdBase += this.count;
  }

  get rootNode(): SyntaxNode {
    return this.node(0);
  }

  /** The node numbered `index` (the same object each time). */
  node(index: number): SyntaxNode {
    return (this.nodes[index] ??= new SyntaxNode(this, index));
  }

  /** @internal */
  typeAt(index: number): string {
    return this.tables.symbols[this.typeIds[index]]!.type;
  }
  /** @internal */
  flagsAt(index: number): number {
    return this.flags[index];
  }
  /** @internal */
  fieldNameAt(index: number): string | undefined {
    const id = this.fields[index];
    return id ? this.tables.fieldNames[id] : undefined;
  }
  /** @internal The field id of a name in this tree's grammar (0: the grammar has no such field). */
  fieldIdOf(name: string): number {
    return this.tables.fieldIds.get(name) ?? 0;
  }
  /** @internal */
  fieldIdAt(index: number): number {
    return this.fields[index];
  }

  /** The numbers of the nodes in [from, to) whose type is one of `types`, in pre-order. */
  indicesOfType(from: number, to: number, types: ReadonlySet<string> | string): number[] {
    const mask = this.tables.maskOf(types);
    const symbols = this.tables.symbols;
    const typeIds = this.typeIds;
    const out: number[] = [];
    for (let i = from; i < to; i++) {
      const id = typeIds[i];
      let wanted = id < mask.length ? mask[id] : UNDECIDED;
      if (wanted === UNDECIDED) {
        const type = symbols[id]!.type;
        wanted = (typeof types === 'string' ? type === types : types.has(type)) ? WANTED : NOT_WANTED;
        if (id < mask.length) mask[id] = wanted;
      }
      if (wanted === WANTED) out.push(i);
    }
    return out;
  }

  /** @internal The columns, trimmed to the node count, and the grammar's names for the ids they hold (see `parse-cache.ts`). */
  columns(): TreeColumns {
    const n = this.count;
    const symbols: [number, string, boolean][] = [];
    const fieldNames: [number, string][] = [];
    const seenTypes = new Set<number>();
    const seenFields = new Set<number>();
    for (let i = 0; i < n; i++) {
      const t = this.typeIds[i];
      if (!seenTypes.has(t)) {
        seenTypes.add(t);
        const symbol = this.tables.symbols[t]!;
        symbols.push([t, symbol.type, symbol.named]);
      }
      const f = this.fields[i];
      if (f && !seenFields.has(f)) {
        seenFields.add(f);
        fieldNames.push([f, this.tables.fieldNames[f]!]);
      }
    }
    return {
      count: n,
      typeIds: this.typeIds.subarray(0, n),
      starts: this.starts.subarray(0, n),
      ends: this.ends.subarray(0, n),
      parents: this.parents.subarray(0, n),
      after: this.after.subarray(0, n),
      fields: this.fields.subarray(0, n),
      flags: this.flags.subarray(0, n),
      symbols,
      fieldNames,
    };
  }

  /**
   * @internal This tree with runs of children replaced by the top-level items of other trees (reparse.ts), as the
   * tree of `text`. Each splice removes the subtrees [from, to) (whole children of `parent`, or none where
   * from = to) and puts in their place the root's children of `tree`, a parse of `text` from `offset` on.
   * Splices are in document order and do not overlap.
   */
  spliced(text: string, splices: readonly Splice[]): SyntaxTree {
    let count = this.count;
    for (const s of splices) count += s.tree.count - 1 - (s.to - s.from);
    const { typeIds, starts, ends, parents, after, fields, flags } = emptyColumns(count);
    // A kept node's new number: its old one moved by the splices that end at or before it (splices are in document
    // order, so a binary search over their ends; asked for every kept node's parent).
    const shiftAfter: number[] = [];
    for (let k = 0, shift = 0; k < splices.length; k++) shiftAfter.push((shift += splices[k]!.tree.count - 1 - (splices[k]!.to - splices[k]!.from)));
    const moved = (index: number): number => {
      let lo = 0;
      let hi = splices.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (splices[mid]!.to <= index) lo = mid + 1;
        else hi = mid;
      }
      return lo === 0 ? index : index + shiftAfter[lo - 1]!;
    };
    let out = 0;
    const keep = (from: number, to: number): void => {
      for (let i = from; i < to; i++, out++) {
        typeIds[out] = this.typeIds[i];
        starts[out] = this.starts[i];
        ends[out] = this.ends[i];
        parents[out] = this.parents[i] < 0 ? -1 : moved(this.parents[i]);
        fields[out] = this.fields[i];
        flags[out] = this.flags[i];
      }
    };
    let next = 0;
    for (const { parent, from, to, offset, tree } of splices) {
      keep(next, from);
      const base = out - 1; // the inserted root's children hang from `parent`; node j of `tree` lands at base + j
      for (let j = 1; j < tree.count; j++, out++) {
        typeIds[out] = tree.typeIds[j];
        starts[out] = tree.starts[j] + offset;
        ends[out] = tree.ends[j] + offset;
        parents[out] = tree.parents[j] === 0 ? moved(parent) : base + tree.parents[j];
        fields[out] = tree.fields[j];
        flags[out] = tree.flags[j];
      }
      next = to;
    }
    keep(next, this.count);
    // Subtree ends and HAS_ERROR follow from the parents, read backwards (pre-order: children after their parent).
    for (let i = 0; i < count; i++) {
      after[i] = i + 1;
      if (!(flags[i] & MISSING) && this.tables.symbols[typeIds[i]]!.type !== 'ERROR') flags[i] &= ~HAS_ERROR;
    }
    for (let i = count - 1; i > 0; i--) {
      const p = parents[i];
      if (after[i] > after[p]) after[p] = after[i];
      if (flags[i] & HAS_ERROR) flags[p] |= HAS_ERROR;
    }
    // The root starts at its first child, as tree-sitter's, and ends with the text (other parents keep their range:
    // their first and last children are the directives or braces that make them containers, never replaced).
    if (count > 1) starts[0] = starts[1];
    return new SyntaxTree(text, this.tables, { count, typeIds, starts, ends, parents, after, fields, flags });
  }

  /**
   * @internal This tree as the tree of `prefix` (blank: spaces and line breaks) followed by this tree's text: every
   * node moved by the prefix's length (see `parseAfterBlank`).
   */
  withBlankPrefix(prefix: string): SyntaxTree {
    const offset = prefix.length;
    const columns = emptyColumns(this.count);
    for (let i = 0; i < this.count; i++) {
      columns.starts[i] = this.starts[i] + offset;
      columns.ends[i] = this.ends[i] + offset;
    }
    columns.typeIds.set(this.typeIds.subarray(0, this.count));
    columns.parents.set(this.parents.subarray(0, this.count));
    columns.after.set(this.after.subarray(0, this.count));
    columns.fields.set(this.fields.subarray(0, this.count));
    columns.flags.set(this.flags.subarray(0, this.count));
    return new SyntaxTree(prefix + this.text, this.tables, { count: this.count, ...columns });
  }

  /** The row and column of an offset (0-based, as tree-sitter's). */
  pointAt(offset: number): Point {
    const { line, column } = (this.lines ??= new LineIndex(this.text)).position(offset);
    return { row: line - 1, column: column - 1 };
  }
}

export class SyntaxNode {
  private childList?: readonly SyntaxNode[];
  private namedList?: readonly SyntaxNode[];

  /** @internal Made by `SyntaxTree.node`. */
  constructor(
    readonly tree: SyntaxTree,
    /** The node's pre-order number in its tree. */
    readonly index: number,
  ) {}

  get id(): number {
    return this.tree.idBase + this.index;
  }
  get type(): string {
    return this.tree.typeAt(this.index);
  }
  get startIndex(): number {
    return this.tree.starts[this.index];
  }
  get endIndex(): number {
    return this.tree.ends[this.index];
  }
  /** The field of the parent this node fills (`declarator`, `body`, …), if any. */
  get fieldName(): string | undefined {
    return this.tree.fieldNameAt(this.index);
  }

  get isNamed(): boolean {
    return (this.tree.flagsAt(this.index) & NAMED) !== 0;
  }
  get isMissing(): boolean {
    return (this.tree.flagsAt(this.index) & MISSING) !== 0;
  }
  get isError(): boolean {
    return this.type === 'ERROR';
  }
  /** The node is, or holds, an ERROR or MISSING node. */
  get hasError(): boolean {
    return (this.tree.flagsAt(this.index) & HAS_ERROR) !== 0;
  }

  get text(): string {
    return this.tree.text.slice(this.startIndex, this.endIndex);
  }
  get startPosition(): Point {
    return this.tree.pointAt(this.startIndex);
  }
  get endPosition(): Point {
    return this.tree.pointAt(this.endIndex);
  }

  get parent(): SyntaxNode | null {
    const parent = this.tree.parents[this.index];
    return parent < 0 ? null : this.tree.node(parent);
  }

  get children(): readonly SyntaxNode[] {
    let list = this.childList;
    if (!list) {
      const { tree, index } = this;
      const end = tree.after[index];
      if (index + 1 >= end) list = NO_NODES;
      else {
        const out: SyntaxNode[] = [];
        for (let c = index + 1; c < end; c = tree.after[c]) out.push(tree.node(c));
        list = out.slice(); // kept: sized to its length (a pushed list keeps room for 17)
      }
      this.childList = list;
    }
    return list;
  }
  get childCount(): number {
    if (this.childList) return this.childList.length;
    let n = 0;
    this.eachChild(false, () => void n++);
    return n;
  }
  // The named-child accessors skip the anonymous children (punctuation, keywords) without making their nodes.
  get namedChildren(): readonly SyntaxNode[] {
    let named = this.namedList;
    if (!named) {
      const out: SyntaxNode[] = [];
      this.eachChild(true, (c) => void out.push(this.tree.node(c)));
      named = out.length ? out.slice() : NO_NODES; // kept: sized to its length
      this.namedList = named;
    }
    return named;
  }
  get namedChildCount(): number {
    if (this.namedList) return this.namedList.length;
    let n = 0;
    this.eachChild(true, () => void n++);
    return n;
  }
  child(index: number): SyntaxNode | null {
    return this.children[index] ?? null;
  }
  namedChild(index: number): SyntaxNode | null {
    if (this.namedList) return this.namedList[index] ?? null;
    let found = -1;
    let n = 0;
    this.eachChild(true, (c) => {
      if (n++ !== index) return false;
      found = c;
      return true;
    });
    return found < 0 ? null : this.tree.node(found);
  }
  get firstChild(): SyntaxNode | null {
    return this.index + 1 < this.tree.after[this.index] ? this.tree.node(this.index + 1) : null;
  }
  get lastChild(): SyntaxNode | null {
    return this.children[this.children.length - 1] ?? null;
  }
  get firstNamedChild(): SyntaxNode | null {
    let found = -1;
    this.eachChild(true, (c) => {
      found = c;
      return true;
    });
    return found < 0 ? null : this.tree.node(found);
  }
  get lastNamedChild(): SyntaxNode | null {
    let found = -1;
    this.eachChild(true, (c) => void (found = c));
    return found < 0 ? null : this.tree.node(found);
  }

  /** Calls `visit` with the number of each child (each named child), in order, until it returns true. */
  private eachChild(namedOnly: boolean, visit: (child: number) => boolean | void): void {
    const { tree, index } = this;
    const end = tree.after[index];
    for (let c = index + 1; c < end; c = tree.after[c]) {
      if (namedOnly && !(tree.flagsAt(c) & NAMED)) continue;
      if (visit(c)) return;
    }
  }
  get nextSibling(): SyntaxNode | null {
    return this.sibling(1, false);
  }
  get previousSibling(): SyntaxNode | null {
    return this.sibling(-1, false);
  }
  get nextNamedSibling(): SyntaxNode | null {
    return this.sibling(1, true);
  }
  get previousNamedSibling(): SyntaxNode | null {
    return this.sibling(-1, true);
  }

  childForFieldName(fieldName: string): SyntaxNode | null {
    const { tree, index } = this;
    const field = tree.fieldIdOf(fieldName);
    if (!field) return null;
    const end = tree.after[index];
    for (let c = index + 1; c < end; c = tree.after[c]) if (tree.fieldIdAt(c) === field) return tree.node(c);
    return null;
  }
  childrenForFieldName(fieldName: string): SyntaxNode[] {
    const { tree, index } = this;
    const field = tree.fieldIdOf(fieldName);
    const out: SyntaxNode[] = [];
    if (!field) return out;
    const end = tree.after[index];
    for (let c = index + 1; c < end; c = tree.after[c]) if (tree.fieldIdAt(c) === field) out.push(tree.node(c));
    return out;
  }

  /** This node and its descendants of the given type(s), in document order (as tree-sitter's). */
  descendantsOfType(types: string | readonly string[]): SyntaxNode[] {
    const { tree, index } = this;
    return tree.indicesOfType(index, tree.after[index], typeof types === 'string' ? types : typeSetOf(types)).map((i) => tree.node(i));
  }

  toString(): string {
    return `(${this.type}${this.namedChildren.map((c) => ` ${c.toString()}`).join('')})`;
  }

  private sibling(step: 1 | -1, namedOnly: boolean): SyntaxNode | null {
    const { tree, index } = this;
    const parent = tree.parents[index];
    if (parent < 0) return null;
    if (step === 1) {
      // The next sibling starts where this node's subtree ends, if that is still inside the parent.
      const end = tree.after[parent];
      for (let i = tree.after[index]; i < end; i = tree.after[i]) {
        if (!namedOnly || tree.flagsAt(i) & NAMED) return tree.node(i);
      }
      return null;
    }
    // The previous one: the last of the parent's children before this node (no list of them is made).
    let previous = -1;
    for (let i = parent + 1; i < index; i = tree.after[i]) if (!namedOnly || tree.flagsAt(i) & NAMED) previous = i;
    return previous < 0 ? null : tree.node(previous);
  }
}

/** One Set per list of types asked for (callers pass array literals; the masks are kept per Set). */
const typeSets = new Map<string, ReadonlySet<string>>();
function typeSetOf(types: readonly string[]): ReadonlySet<string> {
  const key = types.join('\0');
  let set = typeSets.get(key);
  if (!set) typeSets.set(key, (set = new Set(types)));
  return set;
}

/**
 * The nodes of a subtree in pre-order, `root` included, each made only when `visit` is called for it: a walk
 * over numbers (iterative, so expressions nested thousands deep in generated code are fine).
 */
export function forEachNode(
  root: SyntaxNode,
  visit: (node: SyntaxNode) => void,
  /** Only nodes of these types (a set, or one type's name). */
  types?: ReadonlySet<string> | string,
  /**
   * Looks at a node's type and text before it is made: a node it refuses is neither made nor visited. `text()`
   * reads the node being asked about, during that call only.
   */
  accept?: (type: string, text: () => string) => boolean,
): void {
  const { tree, index } = root;
  const end = tree.after[index];
  const accepts = acceptor(tree, accept);
  if (types) {
    for (const i of tree.indicesOfType(index, end, types)) if (!accepts || accepts(i)) visit(tree.node(i));
    return;
  }
  for (let i = index; i < end; i++) if (!accepts || accepts(i)) visit(tree.node(i));
}

/**
 * An `accept` test over node numbers, asked before a node is made; undefined when there is none (all pass). One
 * `text` reader per walk, pointed at the node asked about: a closure per node was a tenth of what a one-file change
 * in the largest corpus unit allocated.
 */
function acceptor(tree: SyntaxTree, accept: ((type: string, text: () => string) => boolean) | undefined): ((i: number) => boolean) | undefined {
  if (!accept) return undefined;
  let asked = 0;
  const text = (): string => tree.text.slice(tree.starts[asked], tree.ends[asked]);
  return (i) => {
    asked = i;
    return accept(tree.typeAt(i), text);
  };
}

/**
 * The nodes of a subtree of the given types, each after the nodes inside it (post-order), `root` included;
 * `accept` as `forEachNode`'s.
 */
export function nodesOfTypeInnermostFirst(root: SyntaxNode, types: ReadonlySet<string>, accept?: (type: string, text: () => string) => boolean): SyntaxNode[] {
  const { tree, index } = root;
  let found = tree.indicesOfType(index, tree.after[index], types);
  const accepts = acceptor(tree, accept);
  if (accepts) found = found.filter(accepts);
  if (!found.length) return [];
  // In pre-order a node comes before the nodes inside it; post-order lists a node once its subtree is done:
  // by the end of the subtree, and the inner one first when two subtrees end together.
  found.sort((a, b) => tree.after[a] - tree.after[b] || b - a);
  return found.map((i) => tree.node(i));
}

/**
 * A tree from the native addon's columns (native-columns.ts): the same columns `copyTree` makes, written by the
 * addon's walk. The first tree of a grammar names all its type and field ids at once (a few hundred calls), so no
 * later tree needs to be looked through for ids not named yet.
 */
export function treeFromNative(text: string, language: object, columns: Columns, names: Pick<NativeFrontEnd, 'symbolInfo' | 'fieldName' | 'counts'>): SyntaxTree {
  const tables = tablesOf(language as Parameters<typeof tablesOf>[0]);
  if (!tables.allNamed) nameAll(tables, language, names);
  return new SyntaxTree(text, tables, columns);
}

/** The ERROR type's id, and the hidden repeat of it (never a node, named for safety). */
const ERROR_TYPE_IDS = [0xffff, 0xfffe];

function nameAll(tables: LanguageTables, language: object, names: Pick<NativeFrontEnd, 'symbolInfo' | 'fieldName' | 'counts'>): void {
  const { symbols, fieldNames, fieldIds, typesWithFields } = tables;
  const [symbolCount, fieldCount] = names.counts(language);
  for (const typeId of [...Array.from({ length: symbolCount }, (_, i) => i), ...ERROR_TYPE_IDS]) {
    if (symbols[typeId]) continue;
    const [type, named] = names.symbolInfo(language, typeId);
    symbols[typeId] = symbolInfo(type, named, typesWithFields);
  }
  for (let fieldId = 1; fieldId <= fieldCount; fieldId++) {
    if (fieldNames[fieldId] !== undefined) continue;
    const name = names.fieldName(language, fieldId);
    fieldNames[fieldId] = name;
    fieldIds.set(name, fieldId);
  }
  tables.allNamed = true;
}

/** A run of a tree's children and the tree of what replaces them (`SyntaxTree.spliced`). */
export interface Splice {
  /** The number of the node whose children are replaced. */
  readonly parent: number;
  /** The replaced subtrees: nodes [from, to). */
  readonly from: number;
  readonly to: number;
  /** Where in the text `tree`'s parse starts. */
  readonly offset: number;
  readonly tree: SyntaxTree;
}

/** A tree's facts per node, by pre-order number (the arrays may be longer than `count`). */
export interface Columns {
  readonly count: number;
  readonly typeIds: Uint16Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly parents: Int32Array;
  readonly after: Int32Array;
  readonly fields: Uint16Array;
  readonly flags: Uint8Array;
}

/** A tree's columns and the names of the type and field ids in them: what the parse cache stores. */
export interface TreeColumns extends Columns {
  /** [type id, type, named] for each type id the tree holds. */
  readonly symbols: readonly (readonly [number, string, boolean])[];
  /** [field id, name] for each field id the tree holds. */
  readonly fieldNames: readonly (readonly [number, string])[];
}

/**
 * A tree from stored columns (`SyntaxTree.columns`), for the grammar `language`; undefined when a stored id names
 * another type or field than the one this process already knows by that id (the store was written with another
 * version of the grammar; the cache key names the grammar versions, so this is a last defence).
 */
export function treeFromColumns(text: string, language: object, columns: TreeColumns): SyntaxTree | undefined {
  const tables = tablesOf(language as Parameters<typeof tablesOf>[0]);
  const { symbols, fieldNames, fieldIds, typesWithFields } = tables;
  for (const [id, type, named] of columns.symbols) {
    const known = symbols[id];
    if (known) {
      if (known.type !== type || known.named !== named) return undefined;
      continue;
    }
    symbols[id] = symbolInfo(type, named, typesWithFields);
  }
  for (const [id, name] of columns.fieldNames) {
    const known = fieldNames[id];
    if (known !== undefined) {
      if (known !== name) return undefined;
      continue;
    }
    fieldNames[id] = name;
    fieldIds.set(name, id);
  }
  return new SyntaxTree(text, tables, columns);
}

const languageTables = new WeakMap<object, LanguageTables>();

function tablesOf(language: { nodeTypeInfo?: readonly { type: string; fields?: object }[] }): LanguageTables {
  let tables = languageTables.get(language);
  if (!tables) {
    const info = language.nodeTypeInfo;
    tables = new LanguageTables(info ? new Set(info.filter((t) => t.fields && Object.keys(t.fields).length).map((t) => t.type)) : undefined);
    languageTables.set(language, tables);
  }
  return tables;
}

/** Zeroed columns for `capacity` nodes. */
function emptyColumns(capacity: number): Omit<Columns, 'count'> {
  return {
    typeIds: new Uint16Array(capacity),
    starts: new Int32Array(capacity),
    ends: new Int32Array(capacity),
    parents: new Int32Array(capacity),
    after: new Int32Array(capacity),
    fields: new Uint16Array(capacity),
    flags: new Uint8Array(capacity),
  };
}

/**
 * Copy a tree-sitter tree into a `SyntaxTree`, in one cursor walk. `text` is the string tree-sitter parsed,
 * `language` the grammar module it was parsed with.
 */
export function copyTree(native: ParserType.Tree, text: string, language: object): SyntaxTree {
  const tables = tablesOf(language as Parameters<typeof tablesOf>[0]);
  const { symbols, fieldNames, fieldIds, typesWithFields } = tables;
  // Room for one node per four characters (C has about one per seven); the columns grow when a file is denser.
  let capacity = Math.max(64, text.length >> 2);
  let { typeIds, starts, ends, parents, after, fields, flags } = emptyColumns(capacity);
  const grow = (): void => {
    capacity *= 2;
    const more = <T extends Uint16Array | Int32Array | Uint8Array>(old: T): T => {
      const bigger = new (old.constructor as new (n: number) => T)(capacity);
      bigger.set(old);
      return bigger;
    };
    typeIds = more(typeIds);
    starts = more(starts);
    ends = more(ends);
    parents = more(parents);
    after = more(after);
    fields = more(fields);
    flags = more(flags);
  };

  const cursor = native.walk();
  let count = 0;
  /** Read the cursor's node as number `count`; returns its symbol. */
  const read = (parent: number, parentHasFields: boolean): SymbolInfo => {
    if (count === capacity) grow();
    const typeId = cursor.nodeTypeId;
    let symbol = symbols[typeId];
    if (!symbol) {
      const type = cursor.nodeType;
      symbol = symbolInfo(type, cursor.nodeIsNamed, typesWithFields);
      symbols[typeId] = symbol;
    }
    const start = cursor.startIndex;
    const end = cursor.endIndex;
    const i = count++;
    typeIds[i] = typeId;
    starts[i] = start;
    ends[i] = end;
    parents[i] = parent;
    if (parentHasFields) {
      const fieldId = cursor.currentFieldId;
      if (fieldId) {
        if (fieldNames[fieldId] === undefined) {
          const name = cursor.currentFieldName;
          fieldNames[fieldId] = name;
          fieldIds.set(name, fieldId);
        }
        fields[i] = fieldId;
      }
    }
    let f = symbol.named ? NAMED : 0;
    // Only a zero-width node can be MISSING: the native call is made for those alone.
    if (start === end && cursor.nodeIsMissing) f |= MISSING | HAS_ERROR;
    if (symbol.type === 'ERROR') f |= HAS_ERROR;
    flags[i] = f;
    return symbol;
  };

  const rootSymbol = read(-1, false);
  // The nodes whose children are being read, innermost last, with whether their type has fields.
  const open: number[] = [];
  const openHasFields: boolean[] = [];
  const close = (node: number): void => {
    after[node] = count;
    if (flags[node] & HAS_ERROR) {
      const parent = parents[node];
      if (parent >= 0) flags[parent] |= HAS_ERROR;
    }
  };
  if (cursor.gotoFirstChild()) {
    open.push(0);
    openHasFields.push(rootSymbol.hasFields);
    for (;;) {
      const node = count;
      const symbol = read(open[open.length - 1], openHasFields[openHasFields.length - 1]);
      // Anonymous nodes are tokens: they have no children to look for.
      if (symbol.named && cursor.gotoFirstChild()) {
        open.push(node);
        openHasFields.push(symbol.hasFields);
        continue;
      }
      close(node);
      while (!cursor.gotoNextSibling()) {
        openHasFields.pop();
        close(open.pop()!);
        if (!open.length) break;
        cursor.gotoParent();
      }
      if (!open.length) break;
    }
  } else close(0);
  return new SyntaxTree(text, tables, { count, typeIds, starts, ends, parents, after, fields, flags });
}
