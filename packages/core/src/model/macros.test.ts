import { describe, expect, it } from 'vitest';
import { parseSource } from '../frontend/parser.js';
import { Linter } from '../linter/linter.js';
import { buildFileModel } from './file-model.js';

const HEADER = `#pragma once
#define ACQUIRE(_l, _pIrql) KeAcquireSpinLock((_l), (_pIrql))
#define RELEASE(_l, _irql) \\
    KeReleaseSpinLock((_l), (_irql))   // gives the old IRQL back
#define MAX_ENTRIES 64
#define SQUARE(x) ((x) * (x))
#define NAME_OF(x) #x
#define LOG_ALLOC(_n) DbgPrint("alloc %d\\n", (_n)); ExAllocatePoolWithTag(NonPagedPoolNx, (_n), 'goLD')
#define GLUE(a, b) a##b(ExAllocatePool2(POOL_FLAG_PAGED, 8, 'eulG'))
`;

describe('project macros as functions', () => {
  it('takes the function-like macros that call DDIs with IRQL or pool facts, with their parameters', () => {
    const model = buildFileModel(parseSource('/drv/lock.h', HEADER));
    const macros = model.definitions.filter((d) => d.macro);
    expect(macros.map((d) => [d.name, d.params])).toEqual([
      ['ACQUIRE', ['_l', '_pIrql']],
      ['RELEASE', ['_l', '_irql']],
      ['LOG_ALLOC', ['_n']],
    ]);
    // SQUARE calls nothing, MAX_ENTRIES takes no arguments, NAME_OF and GLUE stringise or paste tokens.
    expect(macros.every((d) => d.macro!.type === 'preproc_function_def')).toBe(true);
  });

  it('keeps every offset of the body: the calls in it are where they are in the file', () => {
    const model = buildFileModel(parseSource('/drv/lock.h', HEADER));
    const release = model.definitions.find((d) => d.name === 'RELEASE')!;
    const call = release.cfg.nodes.flatMap((n) => n.calls)[0];
    expect(HEADER.slice(call.startIndex, call.endIndex)).toBe('KeReleaseSpinLock((_l), (_irql))');
    expect(release.source.lines.position(call.startIndex)).toEqual({ line: 4, column: 5 });
    expect(release.nameNode.startIndex).toBe(HEADER.indexOf('RELEASE'));
  });

  it('lets a fix inside a macro body rewrite the #define', () => {
    const text = "#include <wdm.h>\n#define ALLOC_BUFFER(_n) ExAllocatePoolWithTag(NonPagedPoolNx, (_n), 'fuBD')\nPVOID Get(VOID) { return ALLOC_BUFFER(16); }\n";
    const linter = new Linter();
    const rule = {
      meta: { type: 'problem' as const, fixable: 'code' as const, docs: { description: 'x' }, messages: { old: 'old allocator' }, schema: [] },
      create: (context: import('../rules/types.js').RuleContext) => ({
        call_expression(node: import('../frontend/parser.js').SyntaxNode) {
          if (context.calleeName(node) === 'ExAllocatePoolWithTag') {
            context.report({ node, messageId: 'old', fix: (f) => f.replaceText(node.childForFieldName('function')!, 'ExAllocatePool3') });
          }
        },
      }),
    };
    const [result] = linter.lintFiles([{ filePath: '/drv/buf.c', text }], () => ({ rules: { 't/old': [2] }, settings: {}, plugins: { t: { meta: { name: 't' }, rules: { old: rule } } } }), { fix: true });
    // Reported on the #define, where the call is written.
    expect(result.messages.map((m) => [m.line, m.column])).toEqual([[2, 26]]);
    expect(result.output).toBe(text.replace('ExAllocatePoolWithTag(', 'ExAllocatePool3('));
  });
});
