/**
 * The syntax tree the analysis reads: a plain-JavaScript copy of tree-sitter's tree, made in one cursor walk
 * right after parsing.
 *
 * Why a copy: every property of a tree-sitter Node (its type, its offsets, its children) is a call into the native
 * binding, and every Node object the binding hands out carries a weak handle with a finalizer so that the binding
 * can give the same object back next time. The analysis reads each node many times (CFG, IRQL fixpoint, rules), and
 * on driver sources those calls and the garbage collector's work on the weak handles were most of the time after
 * parsing. The copy costs one walk (a few native calls per node) and then every read is a property access; the
 * native tree is dropped as soon as the copy exists.
 *
 * It offers the part of tree-sitter's `SyntaxNode` interface that ddi-lint uses, with the same meaning: offsets
 * in UTF-16 code units of the parsed text, `text` sliced from the parsed text (annotations blanked), `hasError`
 * for a node that is or holds an ERROR or MISSING node, `descendantsOfType` including the node itself.
 */
import type ParserType from 'tree-sitter';

/** A (0-based) row and column (in UTF-16 code units), as tree-sitter's `startPosition`. */
export interface Point {
  readonly row: number;
  readonly column: number;
}

const NO_CHILDREN: readonly SyntaxNode[] = Object.freeze([]);

const NAMED = 1;
const MISSING = 2;
const HAS_ERROR = 4;

/** Node ids are unique within a thread, across trees (maps keyed by id mix nodes of several files). */
let nextId = 1;

export class SyntaxTree {
  /** Set once by `copyTree`. */
  rootNode!: SyntaxNode;
  private lineStarts?: number[];

  /** `text`: the text tree-sitter parsed (the annotation-blanked source). */
  constructor(readonly text: string) {}

  /** The row and column of an offset. */
  pointAt(offset: number): Point {
    let starts = this.lineStarts;
    if (!starts) {
      starts = [0];
      const text = this.text;
      for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
      this.lineStarts = starts;
    }
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { row: lo, column: offset - starts[lo] };
  }
}

export class SyntaxNode {
  readonly id = nextId++;
  parent: SyntaxNode | null;
  children: readonly SyntaxNode[] = NO_CHILDREN;
  /** Bits: named, missing, has an error. */
  private flags: number;
  private named?: readonly SyntaxNode[];

  constructor(
    readonly tree: SyntaxTree,
    readonly type: string,
    flags: number,
    readonly startIndex: number,
    readonly endIndex: number,
    parent: SyntaxNode | null,
    /** The field of the parent this node fills (`declarator`, `body`, …), if any. */
    readonly fieldName: string | undefined,
  ) {
    this.flags = flags;
    this.parent = parent;
  }

  get isNamed(): boolean {
    return (this.flags & NAMED) !== 0;
  }
  get isMissing(): boolean {
    return (this.flags & MISSING) !== 0;
  }
  get isError(): boolean {
    return this.type === 'ERROR';
  }
  /** The node is, or holds, an ERROR or MISSING node. */
  get hasError(): boolean {
    return (this.flags & HAS_ERROR) !== 0;
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

  get childCount(): number {
    return this.children.length;
  }
  get namedChildren(): readonly SyntaxNode[] {
    let named = this.named;
    if (!named) {
      named = this.children.length ? this.children.filter((c) => c.isNamed) : NO_CHILDREN;
      this.named = named;
    }
    return named;
  }
  get namedChildCount(): number {
    return this.namedChildren.length;
  }
  child(index: number): SyntaxNode | null {
    return this.children[index] ?? null;
  }
  namedChild(index: number): SyntaxNode | null {
    return this.namedChildren[index] ?? null;
  }
  get firstChild(): SyntaxNode | null {
    return this.children[0] ?? null;
  }
  get lastChild(): SyntaxNode | null {
    return this.children[this.children.length - 1] ?? null;
  }
  get firstNamedChild(): SyntaxNode | null {
    return this.namedChildren[0] ?? null;
  }
  get lastNamedChild(): SyntaxNode | null {
    const named = this.namedChildren;
    return named[named.length - 1] ?? null;
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
    const children = this.children;
    for (let i = 0; i < children.length; i++) if (children[i].fieldName === fieldName) return children[i];
    return null;
  }
  childrenForFieldName(fieldName: string): SyntaxNode[] {
    return this.children.filter((c) => c.fieldName === fieldName);
  }

  /** This node and its descendants of the given type(s), in document order (as tree-sitter's). */
  descendantsOfType(types: string | readonly string[]): SyntaxNode[] {
    const wanted = typeof types === 'string' ? [types] : types;
    const found: SyntaxNode[] = [];
    const visit = (node: SyntaxNode): void => {
      if (wanted.includes(node.type)) found.push(node);
      const children = node.children;
      for (let i = 0; i < children.length; i++) visit(children[i]);
    };
    visit(this);
    return found;
  }

  /** The smallest node that spans [start, end) (as tree-sitter's `descendantForIndex`). */
  descendantForIndex(start: number, end = start): SyntaxNode {
    let node: SyntaxNode = this;
    for (;;) {
      const inside = node.children.find((c) => c.startIndex <= start && end <= c.endIndex && (c.endIndex > c.startIndex || start === end));
      if (!inside) return node;
      node = inside;
    }
  }

  toString(): string {
    return `(${this.type}${this.children.filter((c) => c.isNamed).map((c) => ` ${c.toString()}`).join('')})`;
  }

  /** @internal Set the children once the copy has read them (and whether one holds an error). */
  adopt(children: SyntaxNode[]): void {
    this.children = children;
    for (let i = 0; i < children.length; i++) {
      if (children[i].hasError) {
        this.flags |= HAS_ERROR;
        break;
      }
    }
  }

  private sibling(step: 1 | -1, namedOnly: boolean): SyntaxNode | null {
    const parent = this.parent;
    if (!parent) return null;
    const siblings = parent.children;
    for (let i = siblings.indexOf(this) + step; i >= 0 && i < siblings.length; i += step) {
      if (!namedOnly || siblings[i].isNamed) return siblings[i];
    }
    return null;
  }
}

interface SymbolInfo {
  readonly type: string;
  readonly named: boolean;
  /** Whether the grammar gives this type fields (otherwise its children's field ids are not asked for). */
  readonly hasFields: boolean;
}
interface LanguageTables {
  readonly symbols: (SymbolInfo | undefined)[];
  readonly fields: (string | undefined)[];
  /** Types that have fields, from the grammar's node-types.json. */
  readonly typesWithFields: ReadonlySet<string>;
}
/** Per language: a node type id's name and whether it is named; a field id's name. Filled as they are met. */
const languageTables = new WeakMap<object, LanguageTables>();

function tablesOf(language: { nodeTypeInfo?: readonly { type: string; named: boolean; fields?: object }[] }): LanguageTables {
  let tables = languageTables.get(language);
  if (!tables) {
    const info = language.nodeTypeInfo;
    const typesWithFields = new Set((info ?? []).filter((t) => t.fields && Object.keys(t.fields).length).map((t) => t.type));
    // Without node-types.json every type may have fields; ERROR may hold anything.
    tables = { symbols: [], fields: [], typesWithFields: info ? typesWithFields : new Set() };
    if (!info) (tables as { anyFields?: boolean }).anyFields = true;
    languageTables.set(language, tables);
  }
  return tables;
}

/**
 * Copy a tree-sitter tree into a `SyntaxTree`, in one cursor walk. `text` is the string tree-sitter parsed,
 * `language` the grammar module it was parsed with.
 */
export function copyTree(native: ParserType.Tree, text: string, language: object): SyntaxTree {
  const tables = tablesOf(language as Parameters<typeof tablesOf>[0]);
  const { symbols, fields, typesWithFields } = tables;
  const anyFields = (tables as { anyFields?: boolean }).anyFields === true;
  const tree = new SyntaxTree(text);
  const cursor = native.walk();

  const symbolAt = (): SymbolInfo => {
    const typeId = cursor.nodeTypeId;
    let symbol = symbols[typeId];
    if (!symbol) {
      const type = cursor.nodeType;
      symbol = { type, named: cursor.nodeIsNamed, hasFields: anyFields || type === 'ERROR' || typesWithFields.has(type) };
      symbols[typeId] = symbol;
    }
    return symbol;
  };

  const make = (symbol: SymbolInfo, parent: SyntaxNode | null, parentHasFields: boolean): SyntaxNode => {
    const start = cursor.startIndex;
    const end = cursor.endIndex;
    let fieldName: string | undefined;
    if (parentHasFields) {
      const fieldId = cursor.currentFieldId;
      if (fieldId) {
        fieldName = fields[fieldId];
        if (fieldName === undefined) {
          fieldName = cursor.currentFieldName;
          fields[fieldId] = fieldName;
        }
      }
    }
    let flags = symbol.named ? NAMED : 0;
    // Only a zero-width node can be MISSING: the native call is made for those alone.
    if (start === end && cursor.nodeIsMissing) flags |= MISSING | HAS_ERROR;
    if (symbol.type === 'ERROR') flags |= HAS_ERROR;
    return new SyntaxNode(tree, symbol.type, flags, start, end, parent, fieldName);
  };

  const rootSymbol = symbolAt();
  const root = make(rootSymbol, null, false);
  tree.rootNode = root;
  // Depth-first; `open` holds, for each node whose children are being read, that node and its children so far.
  const open: { node: SyntaxNode; children: SyntaxNode[]; hasFields: boolean }[] = [];
  if (cursor.gotoFirstChild()) {
    open.push({ node: root, children: [], hasFields: rootSymbol.hasFields });
    for (;;) {
      const top = open[open.length - 1];
      const symbol = symbolAt();
      const node = make(symbol, top.node, top.hasFields);
      top.children.push(node);
      // Anonymous nodes are tokens: they have no children to look for.
      if (symbol.named && cursor.gotoFirstChild()) {
        open.push({ node, children: [], hasFields: symbol.hasFields });
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        const done = open.pop()!;
        done.node.adopt(done.children);
        if (!open.length) break;
        cursor.gotoParent();
      }
      if (!open.length) break;
    }
  }
  return tree;
}
