import { describe, expect, it } from 'vitest';
import { parseSource } from '../frontend/parser.js';
import { Linter } from '../linter/linter.js';
import { buildFileModel } from './file-model.js';
import { Level, formatInterval } from './irql.js';
import type { RuleContext } from '../rules/types.js';
import type { SyntaxNode } from '../frontend/parser.js';

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

  describe('a finding that rests on the IRQL at a use is reported at the use', () => {
    const LOG_H = '#pragma once\n#define CLOSE_LOG(_h) ZwClose(_h)\n';
    const driver = (directive = '') => `#include <wdm.h>
#include "log.h"
typedef struct _EXT { KSPIN_LOCK Lock; HANDLE Log; } EXT, *PEXT;
_IRQL_requires_(PASSIVE_LEVEL)
VOID Stop(PEXT Ext) { CLOSE_LOG(Ext->Log); }
_IRQL_requires_(PASSIVE_LEVEL)
VOID Flush(PEXT Ext)
{
    KIRQL old;
    KeAcquireSpinLock(&Ext->Lock, &old);
${directive}    CLOSE_LOG(Ext->Log);
    KeReleaseSpinLock(&Ext->Lock, old);
}
`;
    const passiveOnly = {
      meta: { type: 'problem' as const, docs: { description: 'x' }, messages: { high: 'ZwClose at {{range}}' }, schema: [] },
      create: (context: RuleContext) => ({
        call_expression(node: SyntaxNode) {
          const why = context.calleeName(node) === 'ZwClose' ? context.irqlAt(node)?.above(Level.Passive) : undefined;
          if (why) context.report({ node, messageId: 'high', data: { range: formatInterval(why.interval) }, explanation: why });
        },
      }),
    };
    const config = () => ({ rules: { 't/passive-only': [2] as const }, settings: {}, plugins: { t: { meta: { name: 't' }, rules: { 'passive-only': passiveOnly } } } });
    const lint = (text: string, options = {}) =>
      new Linter().lintFiles([{ filePath: '/drv/log.h', text: LOG_H }, { filePath: '/drv/flush.c', text }], config, options);

    it('moves it from the #define to the use under the lock, the #define ending its trace', () => {
      const [header, source] = lint(driver());
      expect(header.messages).toEqual([]);
      expect(source.messages.map((m) => [m.ruleId, m.line, m.column])).toEqual([['t/passive-only', 11, 5]]);
      // The range is the use's (the other use, in Stop, is at PASSIVE_LEVEL).
      expect(source.messages[0].message).toBe('ZwClose at DISPATCH_LEVEL');
      expect(source.errorCount).toBe(1);
      const trace = source.messages[0].trace!;
      expect(trace.map((t) => [t.filePath, t.line])).toEqual([
        ['/drv/flush.c', 10],
        ['/drv/flush.c', 11],
        ['/drv/log.h', 2],
      ]);
      expect(trace.at(-1)!.message).toBe('in the expansion of CLOSE_LOG, defined here');
    });

    it('names the other uses where the same holds, the finding being reported at one of them', () => {
      const text = `${driver()}
_IRQL_requires_(PASSIVE_LEVEL)
VOID Drain(PEXT Ext)
{
    KIRQL old;
    KeAcquireSpinLock(&Ext->Lock, &old);
    CLOSE_LOG(Ext->Log);
    KeReleaseSpinLock(&Ext->Lock, old);
}
`;
      const [header, source] = lint(text);
      expect(header.messages).toEqual([]);
      expect(source.messages).toHaveLength(1);
      const [finding] = source.messages;
      const uses = [11, 20];
      expect(uses).toContain(finding.line);
      expect(finding.related?.map((r) => [r.filePath, r.line, r.message])).toEqual([
        ['/drv/flush.c', uses.find((l) => l !== finding.line), `the same holds where ${finding.line === 11 ? 'Drain' : 'Flush'} uses CLOSE_LOG, at DISPATCH_LEVEL`],
      ]);
    });

    it("applies the use's file's directives to it", () => {
      const [header, source] = lint(driver('    // ddi-lint-disable-next-line t/passive-only -- closed under the lock by design\n'), { reportUnusedDisableDirectives: 'error' });
      expect(header.messages).toEqual([]);
      expect(source.messages).toEqual([]);
      expect(source.suppressedMessages.map((m) => m.line)).toEqual([12]);
    });

    it('leaves it on the #define when the file of the use is not linted', () => {
      const [header] = lint(driver(), { lintOnly: (path: string) => path.endsWith('.h') });
      expect(header.messages.map((m) => [m.line, m.column])).toEqual([[2, 23]]);
    });
  });
});
