import { describe, expect, it } from 'vitest';
import { parseSource } from '../frontend/parser.js';
import { buildFileModel } from './file-model.js';
import { projectMacroUses } from './project-macros.js';

const HEADER = `#pragma once
#define CODE_SEG(segment) __declspec(code_seg(segment))
#define PAGED CODE_SEG("PAGE") _IRQL_always_function_max_(PASSIVE_LEVEL)
#define PTRALIGN
#define UNUSED_ARG(x)
#define WHILE(constant) \\
    __pragma(warning(suppress: 4127)) while (constant)
#define LIST_FOR_EACH_SAFE(curr, n, head) \\
        for (curr = (head)->Flink , n = curr->Flink ; curr != (head); \\
             curr = n, n = curr->Flink )
#define QUEUE_DEPTH 16
#define TRACE_ENTRY(f) DbgPrint("enter %s\\n", f)
`;

describe('project macros', () => {
  it('classifies decorations (through other project macros) and loop headers, not values or calls', () => {
    const uses = projectMacroUses([HEADER]);
    expect(uses.get('PAGED')).toEqual({
      kind: 'decoration',
      params: undefined,
      annotations: [
        { name: '__declspec', args: 'code_seg("PAGE")' },
        { name: '_IRQL_always_function_max_', args: 'PASSIVE_LEVEL' },
      ],
    });
    expect(uses.get('PTRALIGN')).toEqual({ kind: 'decoration', params: undefined, annotations: [] });
    expect(uses.get('UNUSED_ARG')).toEqual({ kind: 'decoration', params: ['x'], annotations: [] });
    expect(uses.get('WHILE')).toEqual({ kind: 'while' });
    expect(uses.get('LIST_FOR_EACH_SAFE')).toEqual({ kind: 'while' });
    expect(uses.has('QUEUE_DEPTH')).toBe(false);
    expect(uses.has('TRACE_ENTRY')).toBe(false);
  });

  it('sees through a macro of MSVC inline keywords, as the ETW manifest compiler writes them', () => {
    const text = `#define ETW_INLINE DECLSPEC_NOINLINE __inline
ETW_INLINE
ULONG
Template_qq(_In_ REGHANDLE RegHandle, _In_ ULONG A, _In_ ULONG B)
{
    EVENT_DATA_DESCRIPTOR d[2];
    EventDataDescCreate(&d[0], &A, sizeof(ULONG));
    EventDataDescCreate(&d[1], &B, sizeof(ULONG));
    return EventWrite(RegHandle, NULL, 2, d);
}
`;
    const uses = projectMacroUses([text]);
    expect(uses.get('ETW_INLINE')).toEqual({ kind: 'decoration', params: undefined, annotations: [{ name: 'DECLSPEC_NOINLINE', args: undefined }, { name: '__inline', args: undefined }] });
    const parsed = parseSource('/drv/events.h', text, 'c', { projectMacros: uses });
    const model = buildFileModel(parsed);
    expect(model.definitions.map((d) => [d.name, d.node.hasError])).toEqual([['Template_qq', false]]);
  });

  it('takes an object-like macro that is one call of a known DDI as a call macro, kept as written', () => {
    const text = `#define LOCK_STATS KeAcquireSpinLock(&g_Lock, &g_Irql)
#define LOG_STATS DbgPrint("stats\\n")
#define TWO_CALLS KeAcquireSpinLock(&a, &b); Touch()
VOID F(VOID) { LOCK_STATS; Touch(); }
`;
    const uses = projectMacroUses([text]);
    expect(uses.get('LOCK_STATS')).toEqual({ kind: 'call' });
    // Not a DDI with IRQL or pool facts, or not one call.
    expect(uses.has('LOG_STATS')).toBe(false);
    expect(uses.has('TWO_CALLS')).toBe(false);
    const parsed = parseSource('/drv/stats.c', text, 'c', { projectMacros: uses });
    expect(parsed.text).toBe(text);
    expect([...(parsed.callMacros ?? [])]).toEqual(['LOCK_STATS']);
    const model = buildFileModel(parsed);
    const f = model.definitions.find((d) => d.name === 'F')!;
    expect(f.cfg.nodes.flatMap((n) => n.calls).map((c) => c.text)).toEqual(['LOCK_STATS', 'Touch()']);
    // The macro itself is a function of the program, its call where the #define writes it.
    const macro = model.definitions.find((d) => d.name === 'LOCK_STATS')!;
    const call = macro.cfg.nodes.flatMap((n) => n.calls)[0];
    expect(text.slice(call.startIndex, call.endIndex)).toBe('KeAcquireSpinLock(&g_Lock, &g_Irql)');
  });

  it('needs every definition to agree, and leaves names that are functions or that the analysis reads', () => {
    const debug = `#if DBG
#define TRACE(x) DbgPrint x
#else
#define TRACE(x)
#endif
#define PAGED_CODE()
#define KeAcquireSpinLock(a, b)
#if !DBG
#define SnapStartup()
#endif
`;
    const source = `#if DBG
    VOID SnapStartup()
    {
    }
#endif
`;
    const uses = projectMacroUses([debug, source]);
    expect(uses.has('TRACE')).toBe(false);
    expect(uses.has('PAGED_CODE')).toBe(false);
    expect(uses.has('KeAcquireSpinLock')).toBe(false);
    expect(uses.has('SnapStartup')).toBe(false);
  });

  it('expands the uses in place: annotations at the use, loops as while, offsets unchanged', () => {
    const driver = `#include "driver.h"

class Region
{
public:
    PAGED void Enter()
    {
        KeEnterCriticalRegion();
    }
};

VOID
Drain(PDEVICE_CONTEXT Context)
{
    PLIST_ENTRY entry, next;
    READ_CAPACITY_DATA PTRALIGN capacity = {0};
    UNUSED_ARG(capacity)
    do {
        LIST_FOR_EACH_SAFE(entry, next, &Context->Pending) {
            RemoveEntryList(entry);
        }
    } WHILE (FALSE);
    Context->Depth = QUEUE_DEPTH;
}
`;
    const projectMacros = projectMacroUses([HEADER, driver]);
    const c = parseSource('drain.c', driver.slice(driver.indexOf('VOID')), 'c', { projectMacros });
    expect(c.root.hasError).toBe(false);
    const drain = buildFileModel(c).definitions.find((d) => d.name === 'Drain')!;
    expect(drain.node.descendantsOfType('do_statement')).toHaveLength(1);
    const loop = drain.node.descendantsOfType('while_statement')[0];
    expect(c.text.slice(loop.startIndex, loop.startIndex + 18)).toBe('LIST_FOR_EACH_SAFE');
    expect(drain.node.descendantsOfType('identifier').some((n) => n.text === 'QUEUE_DEPTH')).toBe(true);

    const cpp = parseSource('region.h', driver.slice(0, driver.indexOf('VOID')), 'cpp', { projectMacros });
    const enter = buildFileModel(cpp).definitions.find((d) => d.name.endsWith('Enter'))!;
    expect(enter.annotations.map((a) => [a.name, a.args, cpp.text.slice(a.start, a.end)])).toContainEqual([
      '_IRQL_always_function_max_',
      'PASSIVE_LEVEL',
      'PAGED',
    ]);
  });

  it('does not blank an empty object-like macro used as a value', () => {
    const header = '#define WFD_REVISION_1\n';
    const code = 'VOID Set(PHEADER h)\n{\n    h->Revision = WFD_REVISION_1;\n}\n';
    const source = parseSource('set.c', code, 'c', { projectMacros: projectMacroUses([header, code]) });
    expect(source.root.descendantsOfType('identifier').some((n) => n.text === 'WFD_REVISION_1')).toBe(true);
  });
});
