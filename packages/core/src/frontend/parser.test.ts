import { describe, expect, it, vi } from 'vitest';
import { shapeOf } from './__fixtures__/tree-shape.js';
import { buildFileModel } from '../model/file-model.js';
import { LineIndex, type SyntaxNode, hasSyntaxError, languageOf, nodeText, parseAfterBlank, parseSource } from './parser.js';

function allOfType(root: SyntaxNode, type: string): SyntaxNode[] {
  return root.descendantsOfType(type);
}

function errorNodes(root: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  const visit = (n: SyntaxNode): void => {
    if (n.type === 'ERROR' || n.isMissing) out.push(n);
    for (const c of n.children) visit(c);
  };
  visit(root);
  return out;
}

function callNamed(root: SyntaxNode, name: string): SyntaxNode {
  const hit = allOfType(root, 'call_expression').find((c) => c.childForFieldName('function')?.text === name);
  if (!hit) throw new Error(`no call to ${name}`);
  return hit;
}

const DISPATCH_READ = `#include <ntddk.h>

#define DRV_TAG 'gaT1'

typedef struct _DEVICE_EXTENSION {
    KSPIN_LOCK Lock;
    _Guarded_by_(Lock) LIST_ENTRY Pending;
    KIRQL OldIrql;
} DEVICE_EXTENSION, *PDEVICE_EXTENSION;

DRIVER_DISPATCH MyDispatchRead;

_Dispatch_type_(IRP_MJ_READ)
_IRQL_requires_max_(DISPATCH_LEVEL)
_Must_inspect_result_
NTSTATUS
NTAPI
MyDispatchRead(
    _In_ PDEVICE_OBJECT DeviceObject,
    _Inout_ PIRP Irp
    )
{
    PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    _Analysis_assume_(stack != NULL);
    ULONG length = stack->Parameters.Read.Length;
    PVOID buffer;
    KIRQL oldIrql;

    KeAcquireSpinLock(&ext->Lock, &oldIrql);
    buffer = ExAllocatePoolWithTag(NonPagedPoolNx, length, DRV_TAG);
    KeReleaseSpinLock(&ext->Lock, oldIrql);

    if (buffer == NULL) {
        Irp->IoStatus.Status = STATUS_INSUFFICIENT_RESOURCES;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    ExFreePoolWithTag(buffer, DRV_TAG);
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

_Use_decl_annotations_
NTSTATUS
DriverEntry(
    IN PDRIVER_OBJECT DriverObject,
    IN PUNICODE_STRING RegistryPath OPTIONAL
    )
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->MajorFunction[IRP_MJ_READ] = MyDispatchRead;
    return STATUS_SUCCESS;
}
`;

describe('parseSource', () => {
  it('parses a SAL-annotated driver with no ERROR or MISSING node', () => {
    const parsed = parseSource('read.c', DISPATCH_READ);
    expect(errorNodes(parsed.root).map((n) => `${n.type}@${n.startPosition.row + 1}: ${n.text.slice(0, 40)}`)).toEqual([]);
    expect(hasSyntaxError(parsed.root)).toBe(false);
    const fns = allOfType(parsed.root, 'function_definition');
    expect(fns).toHaveLength(2);
    // The function names are seen as such.
    expect(fns.map((f) => f.descendantsOfType('function_declarator')[0].childForFieldName('declarator')!.text)).toEqual([
      'MyDispatchRead',
      'DriverEntry',
    ]);
  });

  it('keeps the original text and records the annotations', () => {
    const parsed = parseSource('read.c', DISPATCH_READ);
    expect(parsed.text).toBe(DISPATCH_READ);
    expect(parsed.filePath).toBe('read.c');
    const names = parsed.annotations.map((a) => a.name);
    expect(names).toContain('_Dispatch_type_');
    expect(names).toContain('_IRQL_requires_max_');
    expect(names).toContain('_Use_decl_annotations_');
    expect(names.filter((n) => n === 'IN')).toHaveLength(2);
    expect(names).toContain('OPTIONAL');
    // Not a macro: left to the parser as a call.
    expect(names).not.toContain('UNREFERENCED_PARAMETER');
  });

  it('reports node positions in the original text, after annotations on the same line', () => {
    const parsed = parseSource('read.c', DISPATCH_READ);
    const lines = DISPATCH_READ.split('\n');
    const expectAt = (node: SyntaxNode, needle: string, lineText: string) => {
      const line = lines.findIndex((l) => l.includes(lineText)) + 1;
      const column = lines[line - 1].indexOf(needle) + 1;
      expect(parsed.lines.position(node.startIndex)).toEqual({ line, column });
      expect(node.startPosition).toEqual({ row: line - 1, column: column - 1 });
      expect(nodeText(parsed, node).startsWith(needle)).toBe(true);
    };
    // A parameter after `_In_` on its line.
    const params = allOfType(parsed.root, 'parameter_declaration');
    const devObj = params.find((p) => p.text.includes('DeviceObject'))!;
    expectAt(devObj, 'PDEVICE_OBJECT DeviceObject', '_In_ PDEVICE_OBJECT DeviceObject');
    const regPath = params.find((p) => p.text.includes('RegistryPath'))!;
    expectAt(regPath, 'PUNICODE_STRING RegistryPath', 'IN PUNICODE_STRING RegistryPath');
    // Calls deep in the body.
    expectAt(callNamed(parsed.root, 'ExAllocatePoolWithTag'), 'ExAllocatePoolWithTag(', 'buffer = ExAllocatePoolWithTag');
    expectAt(callNamed(parsed.root, 'KeReleaseSpinLock'), 'KeReleaseSpinLock(', 'KeReleaseSpinLock(&ext->Lock');
    // A struct field after `_Guarded_by_(Lock)`.
    const pending = allOfType(parsed.root, 'field_declaration').find((f) => f.text.includes('Pending'))!;
    expectAt(pending, 'LIST_ENTRY Pending', 'LIST_ENTRY Pending');
  });

  it('the function definition starts after its blanked leading annotations, and its text is the original', () => {
    const parsed = parseSource('read.c', DISPATCH_READ);
    const fn = allOfType(parsed.root, 'function_definition')[0];
    const start = parsed.lines.position(fn.startIndex);
    expect(parsed.lines.lineText(start.line)).toBe('NTSTATUS');
    // Annotations between the return type and the name are in the original text of the node.
    expect(nodeText(parsed, fn)).toMatch(/^NTSTATUS\nNTAPI\nMyDispatchRead\(\n {4}_In_ PDEVICE_OBJECT/);
  });

  it('positions stay exact with CRLF line endings', () => {
    const crlf = DISPATCH_READ.replace(/\n/g, '\r\n');
    const parsed = parseSource('crlf.c', crlf);
    expect(hasSyntaxError(parsed.root)).toBe(false);
    const call = callNamed(parsed.root, 'KeAcquireSpinLock');
    const lines = DISPATCH_READ.split('\n');
    const line = lines.findIndex((l) => l.includes('KeAcquireSpinLock(')) + 1;
    expect(parsed.lines.position(call.startIndex)).toEqual({ line, column: 5 });
    expect(parsed.lines.lineText(line)).toBe('    KeAcquireSpinLock(&ext->Lock, &oldIrql);');
  });

  it('offsets are UTF-16 code units of the original text, also after non-ASCII comments', () => {
    const src = '// Gerät — Übertragung 🚀 für DISPATCH_LEVEL\nVOID F(_In_ PVOID p)\n{\n    /* ünïcödé 🚀 */ KeStallExecutionProcessor(10);\n}\n';
    const parsed = parseSource('u.c', src);
    expect(hasSyntaxError(parsed.root)).toBe(false);
    const call = callNamed(parsed.root, 'KeStallExecutionProcessor');
    expect(src.slice(call.startIndex, call.endIndex)).toBe('KeStallExecutionProcessor(10)');
    expect(nodeText(parsed, call)).toBe('KeStallExecutionProcessor(10)');
    const col = src.split('\n')[3].indexOf('KeStall') + 1;
    expect(parsed.lines.position(call.startIndex)).toEqual({ line: 4, column: col });
  });

  it('parses a 100 KB file completely (the read buffer is sized to the input)', () => {
    const chunks: string[] = ['#include <ntddk.h>\n'];
    let i = 0;
    while (chunks.join('').length < 100 * 1024) {
      chunks.push(
        `_IRQL_requires_max_(DISPATCH_LEVEL)\nstatic NTSTATUS Helper${i}(_In_ PDEVICE_EXTENSION Ext, _In_ ULONG Value)\n{\n` +
          `    KIRQL old;\n    KeAcquireSpinLock(&Ext->Lock, &old);\n    Ext->Counters[${i % 16}] += Value;\n` +
          `    KeReleaseSpinLock(&Ext->Lock, old);\n    return STATUS_SUCCESS;\n}\n\n`,
      );
      i++;
    }
    chunks.push('VOID TheVeryLastFunction(VOID)\n{\n    KeBugCheckEx(0xDEAD, 0, 0, 0, 0);\n}\n');
    const text = chunks.join('');
    expect(text.length).toBeGreaterThan(100 * 1024);
    const parsed = parseSource('big.c', text);
    expect(hasSyntaxError(parsed.root)).toBe(false);
    expect(parsed.root.endIndex).toBe(text.length);
    const fns = allOfType(parsed.root, 'function_definition');
    expect(fns).toHaveLength(i + 1);
    const last = callNamed(parsed.root, 'KeBugCheckEx');
    expect(parsed.lines.position(last.startIndex).line).toBe(text.split('\n').length - 2);
    const model = buildFileModel(parsed);
    expect(model.definitions.at(-1)?.name).toBe('TheVeryLastFunction');
    expect(model.definitions).toHaveLength(i + 1);
  });

  it('an ERROR in one function does not stop the next function from being found', () => {
    const src = `
VOID Broken(_In_ PVOID Context)
{
    ULONG x = ;
    SOME_UNKNOWN_MACRO(x) {{ oops
    KeStallExecutionProcessor(1);
}

_IRQL_requires_max_(PASSIVE_LEVEL)
NTSTATUS
Healthy(_In_ PDEVICE_OBJECT DeviceObject)
{
    PVOID p = ExAllocatePool2(POOL_FLAG_PAGED, 64, 'gaT1');
    if (p == NULL) return STATUS_INSUFFICIENT_RESOURCES;
    ExFreePool(p);
    return STATUS_SUCCESS;
}

VOID AlsoHealthy(VOID)
{
    KeStallExecutionProcessor(2);
}
`;
    const parsed = parseSource('broken.c', src);
    expect(hasSyntaxError(parsed.root)).toBe(true);
    const model = buildFileModel(parsed);
    const names = model.definitions.map((d) => d.name);
    expect(names).toContain('Healthy');
    expect(names).toContain('AlsoHealthy');
    const healthy = model.definitions.find((d) => d.name === 'Healthy')!;
    expect(healthy.annotations.map((a) => a.name)).toContain('_IRQL_requires_max_');
    expect(healthy.cfg.nodes.flatMap((n) => n.calls).map((c) => c.childForFieldName('function')!.text)).toEqual([
      'ExAllocatePool2',
      'ExFreePool',
    ]);
    // Positions after the broken function are still exact.
    const alloc = callNamed(parsed.root, 'ExAllocatePool2');
    const line = src.split('\n').findIndex((l) => l.includes('ExAllocatePool2')) + 1;
    expect(parsed.lines.position(alloc.startIndex)).toEqual({ line, column: 15 });
  });

  it("parses MSVC's C-mode try/finally/except (file systems use them) with the statements in order and positions exact", () => {
    const text = `#define try_later __try
VOID FatCommonRead(PIRP_CONTEXT IrpContext)
{
    BOOLEAN acquired = FALSE;
    try {
        acquired = AcquireShared(IrpContext);
        if (!acquired) leave;
        ReadData(IrpContext);
    } finally {
        if (acquired) ReleaseShared(IrpContext);
    }
    try
    {
        Probe(IrpContext);
    }
    except (FatExceptionFilter(IrpContext, GetExceptionInformation())) {
        Recover(IrpContext);
    }
}
`;
    const parsed = parseSource('fsctrl.c', text);
    expect(errorNodes(parsed.root)).toEqual([]);
    const calls = allOfType(parsed.root, 'call_expression').map((c) => nodeText(parsed, c.childForFieldName('function')!));
    expect(calls).toEqual(['AcquireShared', 'ReadData', 'ReleaseShared', 'Probe', 'FatExceptionFilter', 'GetExceptionInformation', 'Recover']);
    const recover = allOfType(parsed.root, 'call_expression').find((c) => c.text.startsWith('Recover'))!;
    expect(text.slice(recover.startIndex, recover.endIndex)).toBe('Recover(IrpContext)');
    // The filter guards the handler: it is a path that may run, not one that always does.
    expect(recover.parent?.parent?.parent?.type).toBe('if_statement');
    expect(parsed.text).toBe(text);
  });

  it('reads C++ array deletes of a parenthesised operand as deletes, not lambdas', () => {
    const text = 'VOID CFilter::Clear()\n{\n    delete [] ((PBYTE) m_pSettings);\n    delete[ ] ( m_pStreams );\n    delete [] m_pNames;\n}\n';
    const parsed = parseSource('filter.cpp', text);
    expect(errorNodes(parsed.root)).toEqual([]);
    expect(allOfType(parsed.root, 'delete_expression').map((d) => nodeText(parsed, d.namedChildren.at(-1)!))).toEqual([
      '((PBYTE) m_pSettings)',
      '( m_pStreams )',
      'm_pNames',
    ]);
    expect(parsed.text).toBe(text);
  });

  it('reads a placement new of an array of pointers as a new', () => {
    const text = "NTSTATUS CDevice::Initialize()\n{\n    m_Sensors = new (NonPagedPoolNx, 'iveD') CSensor *[m_Count];\n    m_Pins = new (PagedPool) CPin * *[m_Count];\n    m_Frames = new (PagedPool, 'sniP') ULONG[m_Count];\n    return m_Sensors ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;\n}\n";
    const parsed = parseSource('device.cpp', text);
    expect(errorNodes(parsed.root)).toEqual([]);
    expect(allOfType(parsed.root, 'new_expression').map((n) => nodeText(parsed, n.childForFieldName('placement')!))).toEqual([
      "(NonPagedPoolNx, 'iveD')",
      '(PagedPool)',
      "(PagedPool, 'sniP')",
    ]);
  });

  it('reads a call through a pointer to member as a call', () => {
    const text = 'NTSTATUS Step(WIFI_HAL* hal, STEP_FN StepFn)\n{\n    NTSTATUS status = (hal->*StepFn)();\n    if (!NT_SUCCESS(status)) { return status; }\n    return (GetHal(hal)->*StepFn)();\n}\n';
    const parsed = parseSource('transition.cpp', text);
    expect(errorNodes(parsed.root)).toEqual([]);
    expect(allOfType(parsed.root, 'call_expression').map((c) => nodeText(parsed, c))).toEqual([
      '(hal->*StepFn)()',
      'NT_SUCCESS(status)',
      '(GetHal(hal)->*StepFn)()',
      'GetHal(hal)',
    ]);
  });

  it('reads a __try whose __except follows a #pragma prefast line, and keeps a #pragma warning there', () => {
    const text = [
      'VOID BltBits(PBLT_INFO Dst, PBLT_INFO Src)',
      '{',
      '    __try',
      '    {',
      '        CopyBits(Dst, Src);',
      '    }',
      '    #pragma prefast(suppress: __WARNING_EXCEPTIONEXECUTEHANDLER, "only user-mode faults are caught here")',
      '    __except(EXCEPTION_EXECUTE_HANDLER)',
      '    {',
      '        LogFault(Dst, Src);',
      '    }',
      '}',
      '',
    ].join('\n');
    for (const path of ['bltfuncs.c', 'bltfuncs.cxx']) {
      const parsed = parseSource(path, text);
      expect(errorNodes(parsed.root), path).toEqual([]);
      expect(allOfType(parsed.root, 'seh_except_clause'), path).toHaveLength(1);
      expect(parsed.text, path).toBe(text);
    }
    const kept = parseSource('bltfuncs.c', text.replace('#pragma prefast(suppress: __WARNING_EXCEPTIONEXECUTEHANDLER, "only user-mode faults are caught here")', '#pragma warning(suppress: 28121)'));
    expect(allOfType(kept.root, 'preproc_call').map((n) => nodeText(kept, n).trim())).toEqual(['#pragma warning(suppress: 28121)']);
  });

  it('leaves try alone in C++ and outside function bodies', () => {
    const cpp = parseSource('queue.cpp', 'void f() {\n  try { g(); } catch (...) { h(); }\n}\n');
    expect(allOfType(cpp.root, 'try_statement')).toHaveLength(1);
    const macro = parseSource('fat.h', '#define try __try\n#define finally __finally\n');
    expect(macro.root.hasError).toBe(false);
    expect(allOfType(macro.root, 'preproc_def').map((d) => d.childForFieldName('value')?.text)).toEqual(['__try', '__finally']);
  });

  it('keeps function definitions inside #ifdef blocks and extern "C" free code', () => {
    const src = `
#ifdef ALLOC_PRAGMA
#pragma alloc_text(INIT, DriverEntry)
#pragma alloc_text(PAGE, Unload)
#endif

#if DBG
VOID DebugDump(VOID) { KdPrint(("x\\n")); }
#else
VOID DebugDump(VOID) { }
#endif

VOID Unload(_In_ PDRIVER_OBJECT DriverObject) { PAGED_CODE(); UNREFERENCED_PARAMETER(DriverObject); }
`;
    const parsed = parseSource('ifdef.c', src);
    const model = buildFileModel(parsed);
    expect(model.definitions.map((d) => d.name)).toEqual(['DebugDump', 'DebugDump', 'Unload']);
    expect([...model.pagedSections.keys()]).toEqual(['Unload']);
    expect(model.definitions.find((d) => d.name === 'Unload')!.pagedCode).toBeDefined();
  });
});


  it('parses a multi-line #define whose continued lines carry block comments (WPP trace-control lists)', () => {
    const src = `#define WPP_CONTROL_GUIDS \\
    WPP_DEFINE_CONTROL_GUID(SampleTrace, (0,0,0,0,0), \\
        WPP_DEFINE_BIT(TRACE_DRIVER)   /* bit  0 = 0x00000001 */ \\
        WPP_DEFINE_BIT(TRACE_QUEUE)    /* bit  1 = 0x00000002 */ \\
        )

VOID Healthy(VOID) { KeStallExecutionProcessor(2); }
`;
    const parsed = parseSource('trace.h', src);
    expect(errorNodes(parsed.root)).toEqual([]);
    expect(buildFileModel(parsed).definitions.map((d) => d.name)).toEqual(['Healthy']);
    expect(parsed.text).toBe(src);
  });
describe('languageOf', () => {
  it.each([
    ['queue.cpp', 'VOID f(VOID);', 'cpp'],
    ['queue.h', 'class Queue {\npublic:\n    NTSTATUS Start();\n};\n', 'cpp'],
    ['precomp.h', '#include <ntddk.h>\ninline void* operator new(size_t, void* p) noexcept { return p; }\n', 'cpp'],
    ['memory.h', 'void* __cdecl operator new[](size_t Size, POOL_TYPE PoolType);\n', 'cpp'],
    ['driver.h', '#include <ntddk.h>\nDRIVER_INITIALIZE DriverEntry;\n', 'c'],
    ['pool.h', '/*\n   Allocations here back the operator new of the C++ part (see memory.cpp).\n*/\nPVOID PoolAlloc(SIZE_T n);\n', 'c'],
  ])('%s is %s', (path, text, language) => {
    expect(languageOf(path, text)).toBe(language);
  });
});

describe('LineIndex', () => {
  it('maps offsets to 1-based lines and columns and back to line text', () => {
    const idx = new LineIndex('ab\ncd\r\n\nlast');
    expect(idx.lineCount).toBe(4);
    expect(idx.position(0)).toEqual({ line: 1, column: 1 });
    expect(idx.position(2)).toEqual({ line: 1, column: 3 }); // the newline itself
    expect(idx.position(3)).toEqual({ line: 2, column: 1 });
    expect(idx.position(7)).toEqual({ line: 3, column: 1 });
    expect(idx.position(8)).toEqual({ line: 4, column: 1 });
    expect(idx.position(11)).toEqual({ line: 4, column: 4 });
    expect(idx.lineText(1)).toBe('ab');
    expect(idx.lineText(2)).toBe('cd');
    expect(idx.lineText(3)).toBe('');
    expect(idx.lineText(4)).toBe('last');
  });

  it('handles an empty text', () => {
    const idx = new LineIndex('');
    expect(idx.lineCount).toBe(1);
    expect(idx.position(0)).toEqual({ line: 1, column: 1 });
    expect(idx.lineText(1)).toBe('');
  });
});

describe('parseSource with and without the native addon', () => {
  // Files that need the repair round (kept and not kept), C++, and one that parses clean.
  const files = [
    ['clean.c', DISPATCH_READ],
    ['repaired.c', `NTSTATUS Read(PDEV Dev)\n{\n#if 0\n    this is prose, not code\n#endif\n    KeAcquireSpinLock(&Dev->Lock, &Dev->Irql);\n    return 0;\n}\n`],
    ['unrepairable.c', 'int f(PDEV Dev)\n{\n#if 0\n    Dev->Count = GetCount(Dev);\n#endif\n    return 1 +;\n}\n'],
    ['queue.cpp', 'class Queue { public: NTSTATUS Start() { KIRQL old; KeAcquireSpinLock(&m_Lock, &old); return 0; } KSPIN_LOCK m_Lock; };\n'],
  ] as const;

  it('gives the same trees (the JavaScript copy of tree-sitter\'s tree is the fallback)', async () => {
    const withAddon = files.map(([path, text]) => parseSource(path, text));
    vi.stubEnv('DDI_LINT_NATIVE', '0');
    vi.resetModules();
    try {
      const fallback = await import('./parser.js');
      const native = await import('./native-columns.js');
      expect(native.nativeFrontEnd).toBeUndefined();
      const without = files.map(([path, text]) => fallback.parseSource(path, text));
      for (const [i, parsed] of without.entries()) {
        expect(parsed.tree.text, files[i]![0]).toBe(withAddon[i]!.tree.text);
        expect(shapeOf(parsed.root), files[i]![0]).toEqual(shapeOf(withAddon[i]!.root));
      }
      expect(without.map((p) => p.root.hasError)).toEqual([false, false, true, false]);
    } finally {
      vi.unstubAllEnvs();
      vi.resetModules();
    }
  });

  it('falls back to the binding\'s tree, with the same result, when the addon refuses a text', async () => {
    const expected = files.map(([path, text]) => shapeOf(parseSource(path, text).root));
    vi.resetModules();
    vi.doMock('./native-columns.js', async (original) => {
      const real = await original<typeof import('./native-columns.js')>();
      const refusing = real.nativeFrontEnd && {
        parseColumns: () => {
          throw new Error('parseColumns: the tree has more nodes than tree-sitter counted');
        },
        symbolInfo: real.nativeFrontEnd.symbolInfo,
        fieldName: real.nativeFrontEnd.fieldName,
        counts: real.nativeFrontEnd.counts,
      };
      return { ...real, nativeFrontEnd: refusing };
    });
    try {
      const parser = await import('./parser.js');
      expect(files.map(([path, text]) => shapeOf(parser.parseSource(path, text).root))).toEqual(expected);
    } finally {
      vi.doUnmock('./native-columns.js');
      vi.resetModules();
    }
  });
});

describe('parseAfterBlank', () => {
  // A macro as a function (model/macros.ts) is parsed at its own offsets in an otherwise blank copy of its header.
  const blankHeader = (lines: number, width: number): string => `${' '.repeat(width)}\n`.repeat(lines);
  const expectSameParse = (prefix: string, rest: string): void => {
    const text = prefix + rest;
    const whole = parseSource('lock.h', text);
    const after = parseAfterBlank('lock.h', text, prefix.length, 'c');
    expect(after.text).toBe(text);
    expect(after.tree.text).toBe(whole.tree.text);
    expect(shapeOf(after.root)).toEqual(shapeOf(whole.root));
    expect(after.annotations).toEqual(whole.annotations);
    expect(after.root.startPosition).toEqual(whole.root.startPosition);
  };

  it('gives the tree of the whole text, every node at its offset in it', () => {
    expectSameParse(blankHeader(40, 60), 'void    LOCK_DEVICE(Ext){KeAcquireSpinLock(&(Ext)->Lock, &(Ext)->OldIrql);}\n');
  });

  it('moves the annotations it blanks to their offsets in the whole text', () => {
    expectSameParse(blankHeader(3, 10), 'void    CHECK_IRQL(x){_IRQL_limited_to_(DISPATCH_LEVEL); KeReleaseSpinLock(&(x)->Lock, (x)->Irql);}\n');
  });

  it('keeps the repair of a statement macro without its semicolon (the repaired text is the tree\'s text)', () => {
    const rest = [
      'void    RAISE_STATUS(Ctx,Status){{        ',
      '    (Ctx)->ExceptionStatus = (Status);     ',
      '    BREAK_ON_STATUS( (Status) )            ',
      '    ExRaiseStatus( (Status) );             ',
      '};}',
      '',
    ].join('\n');
    expectSameParse(blankHeader(12, 30), rest);
    const after = parseAfterBlank('fs.h', blankHeader(12, 30) + rest, 12 * 31, 'c');
    expect(after.root.hasError).toBe(false);
    expect(after.tree.text).toMatch(/BREAK_ON_STATUS\( \(Status\) \);/);
  });
});
