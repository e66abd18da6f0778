import { createRequire } from 'node:module';
import type ParserType from 'tree-sitter';
import { describe, expect, it } from 'vitest';
import { nativeShape, shapeOf } from './__fixtures__/tree-shape.js';
import { nativeFrontEnd } from './native-columns.js';
import { type SyntaxNode, type SyntaxTree, copyTree, forEachNode, treeFromNative } from './syntax-tree.js';

const require = createRequire(import.meta.url);
const Parser = require('tree-sitter') as typeof ParserType;

function nativeParse(text: string, grammar: 'tree-sitter-c' | 'tree-sitter-cpp'): { tree: ParserType.Tree; language: object } {
  const parser = new Parser();
  const language = require(grammar) as object;
  parser.setLanguage(language);
  return { tree: parser.parse(text), language };
}



// Driver-shaped code with fields, anonymous tokens, comments, preprocessor lines, SEH and a parse error.
const DRIVER_C = `#include <ntddk.h>
#define TAG 'gaT1'
typedef struct _DEV { KSPIN_LOCK Lock; ULONG Count; } DEV, *PDEV;
NTSTATUS DispatchRead(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PDEV dev = (PDEV)DeviceObject->DeviceExtension; // the extension
    KIRQL old;
    KeAcquireSpinLock(&dev->Lock, &old);
    dev->Count += 1;
    if (dev->Count > 10 && Irp != NULL) { dev->Count = 0; } else dev->Count--;
    KeReleaseSpinLock(&dev->Lock, old);
#if DBG
    DbgPrint("read %d\\n", dev->Count);
#endif
    return STATUS_SUCCESS;
}
void Broken(void) { int x = ; }
`;

const DRIVER_CPP = `class Queue : public Base {
public:
    NTSTATUS Start(_In_ WDFQUEUE q) { auto f = [&](int i) { return i + 1; }; return f(1) ? STATUS_SUCCESS : STATUS_UNSUCCESSFUL; }
private:
    KSPIN_LOCK m_Lock;
};
namespace drv { template <typename T> T* Alloc(size_t n) { return static_cast<T*>(ExAllocatePool2(POOL_FLAG_NON_PAGED, n, 'gaT1')); } }
`;

describe('copyTree', () => {
  it.each([
    ['C', DRIVER_C, 'tree-sitter-c'],
    ['C++', DRIVER_CPP, 'tree-sitter-cpp'],
    // Offsets are UTF-16 code units: characters outside ASCII, and outside the BMP, before the nodes.
    ['non-ASCII C', `// Größe — ${'\u{1F600}'}\nvoid Log(void) { DbgPrint("é %ws", L"Grüße ${'\u{1F600}'}"); KeStallExecutionProcessor(1); }\n`, 'tree-sitter-c'],
    ['empty', '', 'tree-sitter-c'],
  ] as const)('copies every node of a %s tree with its type, range, field, named-ness and missing-ness', (_, text, grammar) => {
    const { tree, language } = nativeParse(text, grammar);
    const copy = copyTree(tree, text, language);
    expect(shapeOf(copy.rootNode)).toEqual(nativeShape(tree.rootNode, null));
    const calls = copy.rootNode.descendantsOfType('call_expression');
    expect(calls.map((c) => c.text)).toEqual(tree.rootNode.descendantsOfType('call_expression').map((c) => c.text));
  });

  it('answers the SyntaxNode queries the analysis makes as tree-sitter does', () => {
    const { tree, language } = nativeParse(DRIVER_C, 'tree-sitter-c');
    const root = copyTree(tree, DRIVER_C, language).rootNode;
    const native = tree.rootNode;
    const calls = root.descendantsOfType('call_expression');
    expect(calls.map((c) => c.text)).toEqual(native.descendantsOfType('call_expression').map((c) => c.text));
    expect(root.descendantsOfType(['if_statement', 'return_statement']).map((n) => n.startIndex)).toEqual(
      native.descendantsOfType(['if_statement', 'return_statement']).map((n) => n.startIndex),
    );
    const acquire = calls[0];
    expect(acquire.childForFieldName('function')?.text).toBe('KeAcquireSpinLock');
    expect(acquire.childForFieldName('arguments')?.namedChildren.map((a) => a.text)).toEqual(['&dev->Lock', '&old']);
    expect(acquire.parent?.type).toBe('expression_statement');
    expect(acquire.parent?.nextNamedSibling?.type).toBe('expression_statement');
    // Siblings as tree-sitter gives them, both ways, named or not, at the ends of the list too.
    const args = acquire.childForFieldName('arguments')!;
    const nativeArgs = native.descendantsOfType('call_expression')[0].childForFieldName('arguments')!;
    const walk = (first: { nextSibling: unknown; text: string } | null, next: 'nextSibling' | 'nextNamedSibling'): string[] => {
      const out: string[] = [];
      for (let n = first as { text: string; nextSibling: unknown; nextNamedSibling: unknown } | null; n; n = n[next] as typeof n) out.push(n.text);
      return out;
    };
    expect(walk(args.firstChild, 'nextSibling')).toEqual(walk(nativeArgs.firstChild, 'nextSibling'));
    expect(walk(args.firstChild, 'nextNamedSibling')).toEqual(walk(nativeArgs.firstChild, 'nextNamedSibling'));
    expect(args.lastChild?.previousSibling?.text).toBe(nativeArgs.lastChild?.previousSibling?.text);
    expect(args.lastChild?.previousNamedSibling?.text).toBe('&old');
    expect(root.nextSibling).toBeNull();
    expect(acquire.startPosition).toEqual({ row: 7, column: 4 });
    const fn = root.namedChildren.find((n) => n.type === 'function_definition')!;
    expect(fn.childrenForFieldName('declarator').map((d) => d.type)).toEqual(['function_declarator']);
    expect(fn.namedChildCount).toBe(native.namedChildren.find((n) => n.type === 'function_definition')!.namedChildCount);
    // A call is its own descendant, as in tree-sitter.
    expect(acquire.descendantsOfType('call_expression')).toEqual([acquire]);
    // Node ids tell nodes apart across trees.
    const other = copyTree(tree, DRIVER_C, language).rootNode;
    expect(other.id).not.toBe(root.id);
  });

  it('counts and picks children and siblings as tree-sitter does, before and after a node has listed them', () => {
    const { tree, language } = nativeParse(DRIVER_C, 'tree-sitter-c');
    type Picks = Record<string, unknown>;
    const picks = (n: ParserType.SyntaxNode | SyntaxNode): Picks => ({
      childCount: n.childCount,
      namedChildCount: n.namedChildCount,
      firstChild: n.firstChild?.startIndex ?? null,
      lastChild: n.lastChild?.startIndex ?? null,
      firstNamedChild: n.firstNamedChild?.type ?? null,
      lastNamedChild: n.lastNamedChild?.type ?? null,
      namedChild: Array.from({ length: n.namedChildCount + 1 }, (_, i) => n.namedChild(i)?.startIndex ?? null),
      child: Array.from({ length: n.childCount + 1 }, (_, i) => n.child(i)?.type ?? null),
      siblings: [n.previousSibling, n.previousNamedSibling, n.nextSibling, n.nextNamedSibling].map((s) => s?.startIndex ?? null),
    });
    const expected: Picks[] = [];
    const visitNative = (n: ParserType.SyntaxNode): void => {
      expected.push(picks(n));
      n.children.forEach(visitNative);
    };
    visitNative(tree.rootNode);
    // Each accessor first on a fresh copy (nothing listed yet), then again once every list has been made.
    for (const round of ['fresh', 'listed']) {
      const root = copyTree(tree, DRIVER_C, language).rootNode;
      const all: SyntaxNode[] = [];
      forEachNode(root, (n) => void all.push(n));
      if (round === 'listed') all.forEach((n) => void [n.children, n.namedChildren]);
      expect(all.map(picks), round).toEqual(expected);
    }
  });

  it('marks the nodes that are or hold an ERROR or MISSING node, and no other', () => {
    const { tree, language } = nativeParse(DRIVER_C, 'tree-sitter-c');
    const root = copyTree(tree, DRIVER_C, language).rootNode;
    const broken = root.namedChildren.find((n) => n.type === 'function_definition' && n.text.startsWith('void Broken'))!;
    const fine = root.namedChildren.find((n) => n.type === 'function_definition' && n.text.startsWith('NTSTATUS'))!;
    expect(root.hasError).toBe(true);
    expect(broken.hasError).toBe(true);
    expect(fine.hasError).toBe(false);
    const missing: SyntaxNode[] = [];
    const visit = (n: SyntaxNode): void => {
      if (n.isMissing) missing.push(n);
      n.children.forEach(visit);
    };
    visit(broken);
    expect(missing.map((n) => [n.type, n.parent?.type, n.fieldName])).toEqual([['identifier', 'init_declarator', 'value']]);
  });

  it('does not count a missing token tree-sitter does not show (the newline after a last #include) as an error', () => {
    // tree-sitter's own hasError is true here, with no ERROR or MISSING node anywhere to show for it.
    const text = '#include "precomp.h"';
    const { tree, language } = nativeParse(text, 'tree-sitter-c');
    expect(tree.rootNode.hasError).toBe(true);
    expect(copyTree(tree, text, language).rootNode.hasError).toBe(false);
  });

  it('keeps expressions nested thousands deep (generated code) without recursion limits', () => {
    const depth = 5000;
    const text = `int x = ${'('.repeat(depth)}1${')'.repeat(depth)};`;
    const { tree, language } = nativeParse(text, 'tree-sitter-c');
    const root = copyTree(tree, text, language).rootNode;
    expect(root.endIndex).toBe(text.length);
    expect(root.descendantsOfType('number_literal').map((n) => n.text)).toEqual(['1']);
  });

  it('forEachNode visits the nodes of the given types in pre-order, and makes none that its test refuses', () => {
    const { tree, language } = nativeParse(DRIVER_C, 'tree-sitter-c');
    const types = new Set(['identifier', 'call_expression']);
    const expected = tree.rootNode.descendantsOfType([...types]);

    const filtered = copyTree(tree, DRIVER_C, language);
    const made = (): number => (filtered as unknown as { nodes: unknown[] }).nodes.filter(Boolean).length;
    const seen: string[] = [];
    const kept: SyntaxNode[] = [];
    forEachNode(filtered.rootNode, (n) => kept.push(n), types, (type, text) => {
      seen.push(`${type}:${text()}`);
      return type === 'identifier' && text() === 'dev';
    });
    expect(seen).toEqual(expected.map((n) => `${n.type}:${n.text}`));
    expect(kept.map((n) => n.startIndex)).toEqual(expected.filter((n) => n.type === 'identifier' && n.text === 'dev').map((n) => n.startIndex));
    expect(kept.length).toBeGreaterThan(2);
    // The root and the kept nodes, nothing else.
    expect(made()).toBe(1 + kept.length);
    expect(kept.every((n) => filtered.node(n.index) === n)).toBe(true);

    const all: SyntaxNode[] = [];
    forEachNode(copyTree(tree, DRIVER_C, language).rootNode, (n) => all.push(n), types);
    expect(all.map((n) => n.startIndex)).toEqual(expected.map((n) => n.startIndex));
  });
});

/** A tree's columns, trimmed to its node count (the addon sizes them for every descendant). */
function columnsOf(tree: SyntaxTree): Record<string, number[]> {
  const names = ['typeIds', 'starts', 'ends', 'parents', 'after', 'fields', 'flags'];
  return Object.fromEntries(names.map((name) => [name, Array.from((Reflect.get(tree, name) as Uint16Array).subarray(0, tree.count))]));
}

describe('treeFromNative (the native addon)', () => {
  // The addon is built on install where a C compiler is found; this repository's machines have one, so a missing
  // addon here is a broken build, not a fallback. DDI_LINT_NATIVE=0 runs the suite on the JavaScript copy.
  const native = nativeFrontEnd;
  it.skipIf(process.env.DDI_LINT_NATIVE === '0')('is built', () => {
    expect(native).toBeDefined();
  });

  const cases = [
    ['C', DRIVER_C, 'tree-sitter-c'],
    ['C++', DRIVER_CPP, 'tree-sitter-cpp'],
    ['non-ASCII C', `// Größe — ${'\u{1F600}'}\nvoid Log(void) { DbgPrint("é %ws", L"Grüße ${'\u{1F600}'}"); KeStallExecutionProcessor(1); }\n`, 'tree-sitter-c'],
    ['empty', '', 'tree-sitter-c'],
    ['last #include', '#include "precomp.h"', 'tree-sitter-c'],
    ['deeply nested', `int x = ${'('.repeat(5000)}1${')'.repeat(5000)};`, 'tree-sitter-c'],
    ['missing-token', 'void f(void) { int x = ; g(1 }\n', 'tree-sitter-c'],
  ] as const;
  it.runIf(native).each(cases)('writes the columns copyTree copies, for a %s tree', (_, text, grammar) => {
    const { tree, language } = nativeParse(text, grammar);
    const copy = copyTree(tree, text, language);
    const written = treeFromNative(text, language, native!.parseColumns(text, language), native!);
    expect(written.count).toBe(copy.count);
    expect(columnsOf(written)).toEqual(columnsOf(copy));
    expect(shapeOf(written.rootNode)).toEqual(shapeOf(copy.rootNode));
    expect(written.rootNode.hasError).toBe(copy.rootNode.hasError);
  });

  it.runIf(native)('names types and fields it meets first (a grammar the JavaScript copy has not seen yet)', () => {
    const text = 'template <typename T> struct Box { T value; };\n';
    const language = require('tree-sitter-cpp') as object;
    const root = treeFromNative(text, language, native!.parseColumns(text, language), native!).rootNode;
    const template = root.namedChildren[0]!;
    expect(template.type).toBe('template_declaration');
    expect(template.childForFieldName('parameters')?.type).toBe('template_parameter_list');
  });

  it.runIf(native)('refuses what is not a grammar, with a message that says so', () => {
    expect(() => native!.parseColumns('int x;', {})).toThrow(/not a tree-sitter grammar/);
    expect(() => native!.parseColumns(42 as unknown as string, require('tree-sitter-c') as object)).toThrow(/not a string/);
  });
});
