/**
 * The repair's second parse, of only what the repair changed.
 *
 * The repair (repair.ts) edits a few regions of a file with parse errors, and the file used to be parsed again
 * whole: on Windows-driver-samples that second parse was most of the front end's time beyond parsing, since the
 * files that need it are the large ones. Here each changed span is widened to whole top-level items of the first
 * tree — looking into `#if` groups, `extern "C"` blocks and namespaces that close, whose children are top-level
 * items too — and only those items' text is parsed again; their trees replace the first tree's items
 * (`SyntaxTree.spliced`).
 *
 * Why this gives the tree of a whole reparse: the text outside a run is unchanged, and a run is only kept once its
 * edges are shown to be edges of the whole parse too. Before it, the item must be closed (ends in its own `;` or
 * `}`, or is a directive) or reparsed with the run and found unchanged; after it, likewise with the run's own last
 * item. A mended item that takes in its neighbours (a function split by a `#pragma`) fails that check and the run
 * grows. Where the run keeps an error, where its parses grow past a share of the text, or where no unit parses, the
 * whole text is parsed: error recovery depends on what follows. Over the 297 files of Windows-driver-samples that
 * the repair changes, the trees were the same as a whole reparse's, node for node.
 */
import type { Splice, SyntaxNode, SyntaxTree } from './syntax-tree.js';

/**
 * Constructs whose children (past their own directive or braces) are top-level items. (`#else` and `#elif` branches
 * are fields of their group: a span in one replaces the whole group.)
 */
const ITEM_CONTAINERS = new Set(['preproc_if', 'preproc_ifdef', 'declaration_list']);
/** Constructs whose `body` is a `declaration_list` of top-level items. */
const BODY_CONTAINERS = new Set(['linkage_specification', 'namespace_definition']);

/** Past this share of the text's length in partial parses, one parse of the whole text is cheaper. */
const PARTIAL_SHARE = 0.4;

interface Run {
  readonly parent: SyntaxNode;
  /** The replaced children, `parent.children[first … last]` (none where last < first: the span is between them). */
  readonly first: number;
  readonly last: number;
  readonly start: number;
  readonly end: number;
}

/**
 * The tree of `repaired` (same length as the first tree's text), from `first` and a parse of the items the
 * repair changed; a parse of all of `repaired` where what it changed still has errors. `parse` parses a text
 * from its start.
 */
export function reparseChanged(first: SyntaxTree, repaired: string, parse: (text: string) => SyntaxTree): SyntaxTree {
  const root = first.rootNode;
  const pending = runsFor(root, changedSpans(first.text, repaired));
  // Where the runs are most of the text, or the first parse found no unit at all, parse the whole text at once.
  const partial = repaired.length * PARTIAL_SHARE;
  if (root.isError || pending.reduce((n, run) => n + run.end - run.start, 0) > partial) return parse(repaired);
  const budget = { left: partial };
  const settled: { run: Run; tree: SyntaxTree }[] = [];
  for (let run = pending.shift(); run; ) {
    const result = settle(run, repaired, parse, budget);
    if (!result) return parse(repaired);
    // Widened into the next run or the one before: the two are parsed as one.
    const next = pending[0];
    const previous = settled.at(-1);
    if (next && next.start < result.run.end) {
      pending.shift();
      run = runFor(root, result.run.start, Math.max(result.run.end, next.end));
    } else if (previous && previous.run.end > result.run.start) {
      settled.pop();
      run = runFor(root, previous.run.start, Math.max(previous.run.end, result.run.end));
    } else {
      settled.push(result);
      run = pending.shift();
    }
  }
  const splices: Splice[] = settled.map(({ run, tree }) => {
    const children = run.parent.children;
    // An empty run is put in before the child that follows it.
    const from = run.first < children.length ? children[run.first]!.index : first.after[run.parent.index];
    const to = run.first <= run.last ? first.after[children[run.last]!.index] : from;
    return { parent: run.parent.index, from, to, offset: run.start, tree };
  });
  return first.spliced(repaired, splices);
}

/**
 * The run widened over its neighbouring items until the parse of its text with theirs ends both where they do: an
 * item the repair mended may now take in the pieces around it (`VOID` / `#pragma` / `Name(…) {…}` were three items,
 * are now one function). Neighbours that hold errors are such pieces more often than not and are taken in at once;
 * on a side where the check fails, one neighbour is taken in, then two, four…. Undefined when the run's own
 * items still hold errors, or when the parses would cost more than `budget` characters (then the whole text is
 * parsed).
 */
function settle(initial: Run, repaired: string, parse: (text: string) => SyntaxTree, budget: { left: number }): { run: Run; tree: SyntaxTree } | undefined {
  const children = initial.parent.children;
  const isItem = initial.parent.parent ? (c: SyntaxNode) => c.isNamed && !c.fieldName : () => true;
  let { first, last } = initial;
  let start = initial.start;
  let end = initial.end;
  const takeBefore = (count: number): void => {
    for (let i = 0; i < count; i++) {
      const before = neighbour(children, first - 1, -1, isItem);
      if (before < 0) return;
      first = before;
      start = Math.min(start, children[before]!.startIndex);
    }
  };
  const takeAfter = (count: number): void => {
    for (let i = 0; i < count; i++) {
      const after = neighbour(children, last + 1, 1, isItem);
      if (after < 0) return;
      last = after;
      end = Math.max(end, children[after]!.endIndex);
    }
  };
  for (let widthBefore = 1, widthAfter = 1, withAfter = false; ; ) {
    for (let b = neighbour(children, first - 1, -1, isItem); b >= 0 && children[b]!.hasError; b = neighbour(children, first - 1, -1, isItem)) takeBefore(1);
    for (let a = neighbour(children, last + 1, 1, isItem); a >= 0 && children[a]!.hasError; a = neighbour(children, last + 1, 1, isItem)) takeAfter(1);
    const before = neighbour(children, first - 1, -1, isItem);
    const after = neighbour(children, last + 1, 1, isItem);
    // A closed item before the run (`…;`, `…}`, a directive) ends there whatever follows: it need not be parsed.
    const checkBefore = before >= 0 && !closed(children[before]!);
    const checkAfter = after >= 0 && withAfter;
    const from = checkBefore ? children[before]!.startIndex : start;
    // The last item of the file is parsed up to the end of the text, as the whole parse sees it.
    const to = checkAfter ? children[after]!.endIndex : after < 0 && !initial.parent.parent ? repaired.length : end;
    if ((budget.left -= to - from) < 0) return undefined;
    const tree = parse(repaired.slice(from, to));
    // tree-sitter makes the root an ERROR when nothing of the text parses as a unit.
    if (tree.rootNode.type !== initial.parent.tree.rootNode.type) return undefined;
    const items = tree.rootNode.children;
    const keepsBefore = !checkBefore || sameItem(items[0], children[before]!, from);
    // Likewise a run whose last item is closed: the next item starts afresh.
    const keepsAfter = checkAfter ? sameItem(items.at(-1), children[after]!, from) : !items.length || closed(items.at(-1)!) || (after < 0 && !initial.parent.parent);
    // Before a container's `#endif` or `#else`, a last item that does not close may recover otherwise in the whole parse.
    if (!keepsAfter && after < 0) return undefined;
    if (keepsBefore && keepsAfter) {
      // Errors the repair left may be recovered from otherwise with the text around them: parse the whole text.
      if (items.some((item, i) => item.hasError && !(checkBefore && i === 0) && !(checkAfter && i === items.length - 1))) return undefined;
      // A run parsed to the end of the text takes in the comments after its last item.
      const lastChild = checkAfter ? after : to === repaired.length && !initial.parent.parent ? children.length - 1 : last;
      const run = { parent: initial.parent, first: checkBefore ? before : first, last: lastChild, start: from, end: to };
      return { run, tree };
    }
    if (!keepsBefore) {
      takeBefore(widthBefore);
      widthBefore *= 2;
    }
    if (!keepsAfter) {
      if (withAfter) {
        takeAfter(widthAfter);
        widthAfter *= 2;
      }
      withAfter = true;
    }
  }
}

/** Whether nothing after an item can be part of it: a directive, or an item ending in its own `;` or `}`, without errors. */
function closed(item: SyntaxNode): boolean {
  if (item.hasError) return false;
  if (item.type.startsWith('preproc_')) return true;
  let token = item;
  while (token.lastChild) token = token.lastChild;
  return token.type === ';' || token.type === '}';
}

/** The nearest sibling from `index` on in direction `step` that is not a comment (-1: none, or not an item). */
function neighbour(children: readonly SyntaxNode[], index: number, step: 1 | -1, isItem: (c: SyntaxNode) => boolean): number {
  for (let i = index; i >= 0 && i < children.length; i += step) {
    const child = children[i]!;
    if (child.type === 'comment') continue;
    return isItem(child) ? i : -1;
  }
  return -1;
}

/** Whether a reparsed item is the first tree's item: same type, same range (the reparse starts at `offset`). */
function sameItem(item: SyntaxNode | undefined, old: SyntaxNode, offset: number): boolean {
  return !!item && item.type === old.type && item.startIndex + offset === old.startIndex && item.endIndex + offset === old.endIndex;
}

/** Where the texts differ, as [start, end) offsets in order. */
export function changedSpans(before: string, after: string): [number, number][] {
  const spans: [number, number][] = [];
  const n = Math.min(before.length, after.length);
  for (let i = 0; i < n; i++) {
    if (before.charCodeAt(i) === after.charCodeAt(i)) continue;
    const start = i;
    while (i < n && before.charCodeAt(i) !== after.charCodeAt(i)) i++;
    spans.push([start, i]);
  }
  return spans;
}

/** The runs of items that hold the spans, widened and merged until no two overlap, in document order. */
function runsFor(root: SyntaxNode, spans: readonly [number, number][]): Run[] {
  let runs = spans.map(([start, end]) => runFor(root, start, end));
  for (;;) {
    runs.sort((a, b) => a.start - b.start);
    const merged: Run[] = [];
    let overlapped = false;
    for (const run of runs) {
      const last = merged.at(-1);
      if (last && run.start < last.end) {
        merged[merged.length - 1] = runFor(root, last.start, Math.max(last.end, run.end));
        overlapped = true;
      } else merged.push(run);
    }
    runs = merged;
    if (!overlapped) return runs;
  }
}

/** The deepest run of whole items, under the root or an item container, that covers [start, end). */
function runFor(root: SyntaxNode, start: number, end: number): Run {
  let parent = root;
  for (;;) {
    const [first, last] = intersecting(parent, start, end);
    const inner = first === last ? itemsOf(parent.children[first]!, start, end) : undefined;
    if (inner) {
      parent = inner;
      continue;
    }
    const children = parent.children;
    return {
      parent,
      first,
      last,
      start: first <= last ? Math.min(start, children[first]!.startIndex) : start,
      end: first <= last ? Math.max(end, children[last]!.endIndex) : end,
    };
  }
}

/** The container whose items hold [start, end), when `node` is one and the range touches nothing but items. */
function itemsOf(node: SyntaxNode, start: number, end: number): SyntaxNode | undefined {
  let container = node;
  if (BODY_CONTAINERS.has(node.type)) {
    const body = node.childForFieldName('body');
    if (!body || body.type !== 'declaration_list' || start < body.startIndex || end > body.endIndex) return undefined;
    container = body;
  } else if (!ITEM_CONTAINERS.has(node.type)) return undefined;
  // A container that does not close (no `#endif`, a missing `}`) may close elsewhere once its items are mended.
  const closing = container.lastChild;
  if (!closing || closing.isMissing || (closing.type !== '#endif' && closing.type !== '}')) return undefined;
  const [first, last] = intersecting(container, start, end);
  const children = container.children;
  // A directive, a condition, a brace or an `#else` branch (a field) is not an item: the container itself goes.
  for (let i = first; i <= last; i++) if (!children[i]!.isNamed || children[i]!.fieldName) return undefined;
  return first <= last ? container : undefined;
}

/**
 * The children of `parent` that overlap [start, end), as [first, last] indices (last < first: none; `first` is
 * then where the range lies, before the child of that index). An empty range overlaps a child it lies inside.
 */
function intersecting(parent: SyntaxNode, start: number, end: number): [number, number] {
  const children = parent.children;
  // Children are in order: find the first that ends after `start`.
  let lo = 0;
  let hi = children.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (children[mid]!.endIndex <= start) lo = mid + 1;
    else hi = mid;
  }
  let last = lo - 1;
  while (last + 1 < children.length && children[last + 1]!.startIndex < Math.max(end, start + 1)) last++;
  return [lo, last];
}
