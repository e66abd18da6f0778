import { describe, expect, it } from 'vitest';
import { type Annotation, blankAnnotations, isAnnotationMacro, matchParen } from './annotations.js';

/** Every character of `blanked` is either the original character or a space standing in for it. */
function expectShapePreserved(original: string, blanked: string): void {
  expect(blanked.length).toBe(original.length);
  for (let i = 0; i < original.length; i++) {
    const o = original[i];
    const b = blanked[i];
    if (o === '\n' || o === '\r') expect(b, `line terminator at ${i}`).toBe(o);
    else if (b !== o) expect(b, `offset ${i} (${JSON.stringify(o)})`).toBe(' ');
  }
}

/** Each recorded annotation's offsets cover exactly its text in the original source, and it is blank now. */
function expectAnnotationOffsets(original: string, blanked: string, annotations: readonly Annotation[]): void {
  for (const a of annotations) {
    expect(original.slice(a.start, a.start + a.name.length)).toBe(a.name);
    expect(a.end).toBeGreaterThan(a.start);
    expect(blanked.slice(a.start, a.end).replace(/[\r\n]/g, '').trim()).toBe('');
    if (a.args !== undefined) expect(original.slice(a.start, a.end)).toContain(`(${a.args})`);
  }
}

function names(annotations: readonly Annotation[]): string[] {
  return annotations.map((a) => a.name);
}

describe('blankAnnotations', () => {
  const driverHeader = [
    '_IRQL_requires_max_(DISPATCH_LEVEL)',
    'NTSTATUS',
    'NTAPI',
    'MyReadRegisters(',
    '    _In_ PDEVICE_EXTENSION DevExt,',
    '    _Inout_updates_bytes_(Length) PUCHAR Buffer,',
    '    _In_ ULONG Length',
    '    );',
    '',
  ].join('\n');

  it('keeps the length, the newlines and every unannotated character at its offset', () => {
    const { text, annotations } = blankAnnotations(driverHeader);
    expectShapePreserved(driverHeader, text);
    expectAnnotationOffsets(driverHeader, text, annotations);
    expect(text.split('\n').length).toBe(driverHeader.split('\n').length);
    // Non-annotation tokens are exactly where they were.
    for (const word of ['NTSTATUS', 'MyReadRegisters(', 'PDEVICE_EXTENSION DevExt,', 'PUCHAR Buffer,', 'ULONG Length', ');']) {
      const at = driverHeader.indexOf(word);
      expect(text.slice(at, at + word.length)).toBe(word);
    }
  });

  it('records _IRQL_requires_max_(DISPATCH_LEVEL) with its argument text and offsets', () => {
    const { annotations } = blankAnnotations(driverHeader);
    const irql = annotations.find((a) => a.name === '_IRQL_requires_max_');
    expect(irql).toEqual({ name: '_IRQL_requires_max_', args: 'DISPATCH_LEVEL', start: 0, end: '_IRQL_requires_max_(DISPATCH_LEVEL)'.length });
  });

  it('records the annotations in source order, with the buffer-size argument of _Inout_updates_bytes_', () => {
    const { annotations } = blankAnnotations(driverHeader);
    expect(names(annotations)).toEqual(['_IRQL_requires_max_', 'NTAPI', '_In_', '_Inout_updates_bytes_', '_In_']);
    const inout = annotations.find((a) => a.name === '_Inout_updates_bytes_')!;
    expect(inout.args).toBe('Length');
    expect(driverHeader.slice(inout.start, inout.end)).toBe('_Inout_updates_bytes_(Length)');
    const ins = annotations.filter((a) => a.name === '_In_');
    for (const a of ins) {
      expect(a.args).toBeUndefined();
      expect(a.end - a.start).toBe(4);
    }
  });

  it('blanks a bare _In_ and leaves the declaration parseable text', () => {
    const src = 'VOID F(_In_ PVOID Context);';
    const { text } = blankAnnotations(src);
    expect(text).toBe('VOID F(     PVOID Context);');
  });

  it('blanks an argument list spanning lines but keeps its newlines', () => {
    const src = '_When_(Flags != 0,\n    _IRQL_requires_max_(APC_LEVEL))\nVOID F(VOID);';
    const { text, annotations } = blankAnnotations(src);
    expectShapePreserved(src, text);
    expect(text).toBe(`${' '.repeat(18)}\n${' '.repeat(35)}\nVOID F(VOID);`);
    // The outer annotation swallows the nested one; only _When_ is recorded.
    expect(names(annotations)).toEqual(['_When_']);
    expect(annotations[0].args).toBe('Flags != 0,\n    _IRQL_requires_max_(APC_LEVEL)');
  });

  it('handles nested parentheses in annotation arguments', () => {
    const src = '_Out_writes_bytes_((Count) * sizeof(ULONG)) PULONG Out;';
    const { text, annotations } = blankAnnotations(src);
    expect(annotations).toHaveLength(1);
    expect(annotations[0].args).toBe('(Count) * sizeof(ULONG)');
    expect(text.trimStart()).toBe('PULONG Out;');
    expect(text.length).toBe(src.length);
  });

  it('records the old driver annotations (__drv_maxIRQL(2)) and SAL 1 (__in, __out_bcount)', () => {
    const src = '__drv_maxIRQL(2)\nVOID Old(__in PVOID A, __out_bcount(n) PUCHAR B, ULONG n);';
    const { text, annotations } = blankAnnotations(src);
    expectShapePreserved(src, text);
    expect(annotations.map((a) => [a.name, a.args])).toEqual([
      ['__drv_maxIRQL', '2'],
      ['__in', undefined],
      ['__out_bcount', 'n'],
    ]);
    expect(text).toContain(`VOID Old(     PVOID A, ${' '.repeat('__out_bcount(n)'.length)} PUCHAR B, ULONG n);`);
  });

  it('blanks IN, OUT, OPTIONAL and NTAPI as whole words only', () => {
    const src = 'NTSTATUS NTAPI Dispatch(IN PDEVICE_OBJECT DeviceObject, IN OUT PIRP Irp, IN PVOID Context OPTIONAL);';
    const { text, annotations } = blankAnnotations(src);
    expectShapePreserved(src, text);
    expect(names(annotations)).toEqual(['NTAPI', 'IN', 'IN', 'OUT', 'IN', 'OPTIONAL']);
    expect(text.replace(/\s+/g, ' ')).toBe('NTSTATUS Dispatch( PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context );');
  });

  it('does not touch identifiers that merely contain or resemble a macro name', () => {
    const src = 'ULONG INDEX = 0; ULONG OUTPUT_LEN; BOOLEAN IsOPTIONAL; int _in = 1; int __input; int _Foo; int _X_;';
    const { text, annotations } = blankAnnotations(src);
    expect(annotations).toEqual([]);
    expect(text).toBe(src);
  });

  it('blanks __declspec(...) with its argument list and records the argument', () => {
    const src = '__declspec(code_seg("PAGE")) VOID Paged(VOID);\n__declspec(noinline) int g;';
    const { text, annotations } = blankAnnotations(src);
    expectShapePreserved(src, text);
    expect(annotations.map((a) => [a.name, a.args])).toEqual([
      ['__declspec', 'code_seg("PAGE")'],
      ['__declspec', 'noinline'],
    ]);
    expect(text).toBe(`${' '.repeat(28)} VOID Paged(VOID);\n${' '.repeat(20)} int g;`);
  });

  it('blanks DECLSPEC_* and calling-convention macros', () => {
    const src = 'DECLSPEC_NOINLINE NTSTATUS FORCEINLINE NTKERNELAPI WINAPI f(VOID);';
    const { text, annotations } = blankAnnotations(src);
    expect(names(annotations)).toEqual(['DECLSPEC_NOINLINE', 'FORCEINLINE', 'NTKERNELAPI', 'WINAPI']);
    expect(text.replace(/\s+/g, ' ').trim()).toBe('NTSTATUS f(VOID);');
  });

  it('blanks the argument list of a WDK type macro and keeps its name as the type', () => {
    const src = 'NTSTATUS Read(PDEVICE_CONTEXT Ctx)\n{\n    SPB_TRANSFER_LIST_AND_ENTRIES(I2C_TRANSFER_COUNT) Sequence;\n    SPB_TRANSFER_LIST_INIT(&(Sequence.List), I2C_TRANSFER_COUNT);\n}\n';
    const { text, annotations } = blankAnnotations(src);
    expect(annotations).toEqual([]);
    expect(text.split('\n')[2]).toBe(`    SPB_TRANSFER_LIST_AND_ENTRIES${' '.repeat('(I2C_TRANSFER_COUNT)'.length)} Sequence;`);
    expect(text.split('\n')[3]).toBe(src.split('\n')[3]);
  });

  it('blanks the SDK\'s calling conventions, MSVC\'s calling-convention keywords and the RPC buffer annotations', () => {
    const src = [
      'NTSTATUS',
      'APIENTRY',
      'BddDdiCommitVidPn(_In_ CONST HANDLE hAdapter);',
      'ULONG STDMETHODCALLTYPE CShape::AddRef();',
      'void* __cdecl operator new(size_t Size);',
      'HRESULT GetBlob(__RPC__in REFGUID guidKey, __RPC__deref_out_ecount_full_opt(*pcbSize) UINT8** ppBuf, __RPC__out UINT32* pcbSize);',
    ].join('\n');
    const { text, annotations } = blankAnnotations(src);
    expect(names(annotations)).toEqual(['APIENTRY', '_In_', 'CONST', 'STDMETHODCALLTYPE', '__cdecl', '__RPC__in', '__RPC__deref_out_ecount_full_opt', '__RPC__out']);
    expect(annotations.find((a) => a.name === '__RPC__deref_out_ecount_full_opt')?.args).toBe('*pcbSize');
    expect(text.split('\n').map((line) => line.replace(/\s+/g, ' ').trim())).toEqual([
      'NTSTATUS',
      '',
      'BddDdiCommitVidPn( HANDLE hAdapter);',
      'ULONG CShape::AddRef();',
      'void* operator new(size_t Size);',
      'HRESULT GetBlob( REFGUID guidKey, UINT8** ppBuf, UINT32* pcbSize);',
    ]);
  });

  it('leaves line and block comments untouched', () => {
    const src = [
      '// _In_ IN OUT NTAPI _IRQL_requires_max_(DISPATCH_LEVEL)',
      '/* _Out_ __declspec(x)',
      '   OPTIONAL */',
      'VOID F(_In_ PVOID p); // trailing _In_',
    ].join('\n');
    const { text, annotations } = blankAnnotations(src);
    expect(annotations).toHaveLength(1);
    expect(annotations[0].name).toBe('_In_');
    expect(annotations[0].start).toBe(src.indexOf('_In_ PVOID'));
    const lines = text.split('\n');
    expect(lines[0]).toBe('// _In_ IN OUT NTAPI _IRQL_requires_max_(DISPATCH_LEVEL)');
    expect(lines[1]).toBe('/* _Out_ __declspec(x)');
    expect(lines[2]).toBe('   OPTIONAL */');
    expect(lines[3]).toBe('VOID F(     PVOID p); // trailing _In_');
  });

  it('leaves string and character literals untouched, including escaped quotes', () => {
    const src = [
      'PCSTR s = "IN OUT _In_ \\" NTAPI";',
      "CHAR c = '\\'';",
      "ULONG tag = 'IN  ';",
      'VOID G(_Out_ PULONG p);',
    ].join('\n');
    const { text, annotations } = blankAnnotations(src);
    expect(names(annotations)).toEqual(['_Out_']);
    const lines = text.split('\n');
    expect(lines[0]).toBe('PCSTR s = "IN OUT _In_ \\" NTAPI";');
    expect(lines[1]).toBe("CHAR c = '\\'';");
    expect(lines[2]).toBe("ULONG tag = 'IN  ';");
    expect(lines[3]).toBe('VOID G(      PULONG p);');
  });

  it('leaves preprocessor lines (with continuations) untouched', () => {
    const src = [
      '#ifndef _DRIVER_H_',
      '#define _DRIVER_H_',
      '#define MY_PARAM(x) _In_ x \\',
      '    OPTIONAL',
      '#pragma alloc_text(PAGE, _In_Fn)',
      '#endif // _DRIVER_H_',
      'VOID F(_In_ int a);',
    ].join('\n');
    const { text, annotations } = blankAnnotations(src);
    expect(names(annotations)).toEqual(['_In_']);
    const lines = text.split('\n');
    expect(lines.slice(0, 6)).toEqual(src.split('\n').slice(0, 6));
    expect(lines[6]).toBe('VOID F(     int a);');
  });

  it('treats # only at the start of a line (after whitespace) as a directive', () => {
    const src = '   #if 1 // _In_\nVOID F(_In_ int a);\n#endif';
    const { text, annotations } = blankAnnotations(src);
    expect(names(annotations)).toEqual(['_In_']);
    expect(text.split('\n')[0]).toBe('   #if 1 // _In_');
  });

  it('blanks WDF_DECLARE_CONTEXT_TYPE_WITH_NAME at file scope, with or without a semicolon', () => {
    const src = [
      'typedef struct _DEVICE_CONTEXT { ULONG Count; } DEVICE_CONTEXT, *PDEVICE_CONTEXT;',
      'WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(DEVICE_CONTEXT, DeviceGetContext)',
      'WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(QUEUE_CONTEXT, QueueGetContext);',
      'VOID F(VOID) { }',
    ].join('\n');
    const { text, annotations } = blankAnnotations(src);
    expectShapePreserved(src, text);
    expect(annotations.map((a) => [a.name, a.args])).toEqual([
      ['WDF_DECLARE_CONTEXT_TYPE_WITH_NAME', 'DEVICE_CONTEXT, DeviceGetContext'],
      ['WDF_DECLARE_CONTEXT_TYPE_WITH_NAME', 'QUEUE_CONTEXT, QueueGetContext'],
    ]);
    const lines = text.split('\n');
    expect(lines[1].trim()).toBe('');
    expect(lines[2].trim()).toBe(''); // the semicolon went with it
    expect(lines[3]).toBe('VOID F(VOID) { }');
    // The recorded range includes the trailing semicolon.
    const second = annotations[1];
    expect(src.slice(second.start, second.end)).toBe('WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(QUEUE_CONTEXT, QueueGetContext);');
  });

  it('does not blank a file-scope macro name used inside a function body', () => {
    const src = 'VOID F(VOID)\n{\n    C_ASSERT(sizeof(ULONG) == 4);\n}\nC_ASSERT(sizeof(USHORT) == 2);\n';
    const { text, annotations } = blankAnnotations(src);
    expect(annotations).toHaveLength(1);
    expect(annotations[0].start).toBe(src.lastIndexOf('C_ASSERT'));
    expect(text).toContain('    C_ASSERT(sizeof(ULONG) == 4);');
  });

  it('returns the very same string when there is nothing to blank', () => {
    const src = 'int add(int a, int b) { return a + b; }\n';
    const r = blankAnnotations(src);
    expect(r.text).toBe(src);
    expect(r.annotations).toEqual([]);
  });

  it('keeps CRLF line endings and offsets', () => {
    const src = '_Use_decl_annotations_\r\nNTSTATUS\r\nDriverEntry(_In_ PDRIVER_OBJECT D, _In_ PUNICODE_STRING R)\r\n{\r\n    return 0;\r\n}\r\n';
    const { text, annotations } = blankAnnotations(src);
    expectShapePreserved(src, text);
    expectAnnotationOffsets(src, text, annotations);
    expect(names(annotations)).toEqual(['_Use_decl_annotations_', '_In_', '_In_']);
    expect(text.split('\r\n')[2]).toBe('DriverEntry(     PDRIVER_OBJECT D,      PUNICODE_STRING R)');
  });

  it('leaves an annotation with unbalanced parentheses as a bare name and goes on', () => {
    const src = 'VOID F(_In_reads_(n PUCHAR p;\nint x;';
    const { text, annotations } = blankAnnotations(src);
    expect(annotations).toEqual([{ name: '_In_reads_', args: undefined, start: 7, end: 17 }]);
    expect(text.length).toBe(src.length);
    expect(text.slice(17)).toBe('(n PUCHAR p;\nint x;');
  });

  it('blanks annotations on struct fields and locals inside bodies', () => {
    const src = [
      'typedef struct _EXT {',
      '    _Guarded_by_(Lock) ULONG Count;',
      '    KSPIN_LOCK Lock;',
      '} EXT;',
      'VOID F(VOID) { _Analysis_assume_(p != NULL); }',
    ].join('\n');
    const { text, annotations } = blankAnnotations(src);
    expect(annotations.map((a) => [a.name, a.args])).toEqual([
      ['_Guarded_by_', 'Lock'],
      ['_Analysis_assume_', 'p != NULL'],
    ]);
    expect(text.split('\n')[1]).toBe(`    ${' '.repeat(18)} ULONG Count;`);
  });
});

// Formerly known gaps, kept as regression tests now that they pass; the comments say what the bug was.
describe('blankAnnotations: fixed gaps (regression tests)', () => {
  // braceDepth counts the `{` of `extern "C" {` (the usual `#ifdef __cplusplus` guard of a driver header), so
  // every file-scope macro after it is taken to be inside a function body and left for the parser to choke on.
  it('blanks WDF_DECLARE_CONTEXT_TYPE_WITH_NAME inside an extern "C" block (still file scope)', () => {
    const src = [
      '#ifdef __cplusplus',
      'extern "C" {',
      '#endif',
      'typedef struct _DEVICE_CONTEXT { ULONG Count; } DEVICE_CONTEXT, *PDEVICE_CONTEXT;',
      'WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(DEVICE_CONTEXT, DeviceGetContext)',
      'EVT_WDF_DRIVER_DEVICE_ADD EvtDeviceAdd;',
      '#ifdef __cplusplus',
      '}',
      '#endif',
    ].join('\n');
    const { text, annotations } = blankAnnotations(src);
    expect(names(annotations)).toEqual(['WDF_DECLARE_CONTEXT_TYPE_WITH_NAME']);
    expect(text.split('\n')[4].trim()).toBe('');
  });

  // skipQuoted stops at an unterminated literal's newline but returns the offset after it, so the next line is
  // not seen as starting a line: a directive there is scanned (and blanked) as code.
  it('a stray apostrophe (e.g. in #if 0 text) does not hide the next preprocessor line', () => {
    const src = "#if 0\nthis path isn't used\n#define MY_PARAM _In_\n#endif\n";
    const { text, annotations } = blankAnnotations(src);
    expect(annotations).toEqual([]);
    expect(text).toBe(src);
  });
});

describe('isAnnotationMacro', () => {
  it.each([
    '_In_',
    '_Out_',
    '_Inout_opt_',
    '_IRQL_requires_max_',
    '_IRQL_raises_',
    '_Use_decl_annotations_',
    '_When_',
    '_Function_class_',
    '_Dispatch_type_',
    '__drv_maxIRQL',
    '__drv_dispatchType',
    '__in',
    '__out_bcount',
    '__checkReturn',
    'IN',
    'OUT',
    'OPTIONAL',
    'NTAPI',
    '__declspec',
    'APIENTRY',
    'STDMETHODCALLTYPE',
    '__stdcall',
    '__RPC__in',
    '__RPC__deref_out_opt',
  ])('%s is an annotation macro', (name) => {
    expect(isAnnotationMacro(name)).toBe(true);
  });

  it.each(['_DRIVER_H_', 'INDEX', 'NTSTATUS', 'PAGED_CODE', '_X_', '__input', 'DriverEntry', 'ExAllocatePool', '_in', '__RPC__', '__RPC_H__'])(
    '%s is not an annotation macro',
    (name) => {
      expect(isAnnotationMacro(name)).toBe(false);
    },
  );
});

describe('matchParen', () => {
  it('skips parentheses inside strings, character literals and comments', () => {
    const s = '(a, ")", \')\', /* ) */ (b)) tail';
    expect(matchParen(s, 0)).toBe(s.indexOf(' tail') - 1);
  });

  it('returns -1 when unbalanced', () => {
    expect(matchParen('(a, (b)', 0)).toBe(-1);
  });
});
