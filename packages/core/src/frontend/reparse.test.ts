import { createRequire } from 'node:module';
import type ParserType from 'tree-sitter';
import { describe, expect, it } from 'vitest';
import { shapeOf } from './__fixtures__/tree-shape.js';
import { repairText } from './repair.js';
import { changedSpans, reparseChanged } from './reparse.js';
import { type SyntaxTree, copyTree } from './syntax-tree.js';

const require = createRequire(import.meta.url);
const Parser = require('tree-sitter') as typeof ParserType;
const grammars = { c: require('tree-sitter-c') as object, cpp: require('tree-sitter-cpp') as object };

function freshParse(text: string, language: keyof typeof grammars): ParserType.Tree {
  const parser = new Parser();
  parser.setLanguage(grammars[language]);
  return parser.parse(text);
}

/**
 * The repair's second parse of `text` through `reparseChanged`, the lengths of the texts it parsed, and what a
 * fresh parse of the whole repaired text gives (which it must give too).
 */
function reparse(text: string, language: keyof typeof grammars = 'c') {
  const treeOf = (t: string): SyntaxTree => copyTree(freshParse(t, language), t, grammars[language]);
  const first = treeOf(text);
  const repaired = repairText(text, first.rootNode);
  if (repaired === undefined) throw new Error('the fixture needs no repair');
  const parsed: number[] = [];
  const tree = reparseChanged(first, repaired, (t) => {
    parsed.push(t.length);
    return treeOf(t);
  });
  return { tree, repaired, parsed, whole: shapeOf(treeOf(repaired).rootNode) };
}

/** The repair of `text` is parsed again in part — less than half its length in all — and mends every error. */
function expectMendedInPart(text: string, language: keyof typeof grammars = 'c'): SyntaxTree {
  const { tree, repaired, parsed, whole } = reparse(text, language);
  expect(tree.rootNode.hasError).toBe(false);
  expect(shapeOf(tree.rootNode)).toEqual(whole);
  expect(parsed.reduce((a, b) => a + b)).toBeLessThan(repaired.length / 2);
  return tree;
}

/** The repair of `text` is parsed again whole. */
function expectParsedWhole(text: string): void {
  const { tree, repaired, parsed, whole } = reparse(text);
  expect(parsed).toContain(repaired.length);
  expect(shapeOf(tree.rootNode)).toEqual(whole);
}

const OTHER_FUNCTIONS = `
VOID
Unload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    KdPrint(("unload\\n"));
}

NTSTATUS
Close(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    Irp->IoStatus.Status = STATUS_SUCCESS;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
`;

/** `count` copies of OTHER_FUNCTIONS under other names: the rest of a driver source file. */
function otherFunctions(count: number, tag: string): string {
  return Array.from({ length: count }, (_, i) => OTHER_FUNCTIONS.replace(/Unload|Close/g, (name) => `${name}${tag}${i}`)).join('');
}

describe('reparseChanged', () => {
  it('parses only the function a statement macro broke, and gives the whole parse', () => {
    const text = `#include <ntddk.h>
${OTHER_FUNCTIONS}
VOID
Flush(PDEVICE_EXTENSION Ext)
{
    KIRQL oldIrql;
    KeAcquireSpinLock(&Ext->Lock, &oldIrql);
    DBG_TRACE(Ext, "flush")
    Ext->Pending = 0;
    KeReleaseSpinLock(&Ext->Lock, oldIrql);
}
${otherFunctions(1, 'B')}`;
    expectMendedInPart(text);
  });

  it('joins the pieces a #pragma between the return type and the name made into one function', () => {
    const text = `${otherFunctions(3, 'A')}
VOID
#pragma warning(suppress: 28167)
LookupAllocation (
    PIRP_CONTEXT IrpContext,
    PFCB Fcb
    )
/*++
Routine Description:
    Looks up the allocation of a stream.
--*/
{
    PAGED_CODE();
    Fcb->Allocated = TRUE;
}
${otherFunctions(3, 'B')}`;
    const tree = expectMendedInPart(text);
    expect(tree.rootNode.namedChildren.filter((c) => c.type === 'function_definition').map((c) => c.childForFieldName('declarator')?.text)).toContain(
      'LookupAllocation (\n    PIRP_CONTEXT IrpContext,\n    PFCB Fcb\n    )',
    );
  });

  it('looks into an include guard: only the broken inline function of a header is parsed again', () => {
    const text = `#ifndef _DEVICE_H_
#define _DEVICE_H_

typedef struct _DEVICE_EXTENSION {
    KSPIN_LOCK Lock;
    ULONG Pending;
} DEVICE_EXTENSION, *PDEVICE_EXTENSION;

NTSTATUS DeviceAdd(WDFDRIVER Driver, PWDFDEVICE_INIT DeviceInit);
NTSTATUS DeviceRemove(WDFDEVICE Device);
VOID DeviceCleanup(WDFOBJECT Object);
VOID DeviceReset(PDEVICE_EXTENSION Ext);

VOID
ClearPending(PDEVICE_EXTENSION Ext)
{
    if (Ext->Pending > 16) {
        Ext->Pending = 16;
    }
#if DBG
    else if (Ext->Pending > 8) {
        Ext->Pending = 8;
    }
#endif
    else {
        Ext->Pending = 0;
    }
}

NTSTATUS DeviceStart(WDFDEVICE Device);
NTSTATUS DeviceStop(WDFDEVICE Device);
NTSTATUS DeviceQueryPower(WDFDEVICE Device, ULONG PowerState);
NTSTATUS DeviceSetPower(WDFDEVICE Device, ULONG PowerState);

#endif // _DEVICE_H_
`;
    expectMendedInPart(text);
  });

  it('parses the last function of a file up to the end of the text', () => {
    const text = `${OTHER_FUNCTIONS}
VOID
Reset(PDEVICE_EXTENSION Ext)
{
    TRY {
        Ext->Pending = 0;
    } FINALLY {
        KeSetEvent(&Ext->Idle, IO_NO_INCREMENT, FALSE);
    }
}

// end of file
`;
    expectMendedInPart(text);
  });

  it('parses two broken neighbours as one run', () => {
    const text = `${otherFunctions(3, 'A')}
VOID
Start(PDEVICE_EXTENSION Ext)
{
    DBG_TRACE(Ext, "start")
    Ext->Started = TRUE;
}
VOID
Stop(PDEVICE_EXTENSION Ext)
{
    DBG_TRACE(Ext, "stop")
    Ext->Started = FALSE;
}
${otherFunctions(3, 'B')}`;
    expectMendedInPart(text);
  });

  it('looks into an extern "C" block of a C++ file', () => {
    const text = `#include <wdm.h>
extern "C" {
DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
DRIVER_DISPATCH DispatchCreate;
DRIVER_DISPATCH DispatchClose;

NTSTATUS
DispatchCreate(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    TRACE_ENTER(Irp)
    Irp->IoStatus.Status = STATUS_SUCCESS;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

NTSTATUS
DispatchClose(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    Irp->IoStatus.Status = STATUS_SUCCESS;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
}
`;
    expectMendedInPart(text, 'cpp');
  });

  it('parses the whole text when the repair leaves an error in what it changed', () => {
    const text = `${OTHER_FUNCTIONS}
int Count(PDEV Dev)
{
#if 0
    Dev->Count = GetCount(Dev);
#endif
    return 1 +;
}
${otherFunctions(1, 'B')}`;
    expectParsedWhole(text);
  });

  it('parses the whole text when an #if group that does not close holds the change', () => {
    const text = `#ifdef NDIS_MINIPORT_DRIVER
VOID
Halt(PADAPTER Adapter)
{
    DBG_TRACE(Adapter, "halt")
    Adapter->Halted = TRUE;
}
`;
    expectParsedWhole(text);
  });
});

describe('changedSpans', () => {
  it('gives the runs of differing characters of two texts of the same length', () => {
    expect(changedSpans('TRY {\n  x;\n}', '    {\n  x;\n}')).toEqual([[0, 3]]);
    expect(changedSpans('f(a)\ng(b)\n', 'f(a);g(b);')).toEqual([
      [4, 5],
      [9, 10],
    ]);
    expect(changedSpans('same', 'same')).toEqual([]);
  });
});
