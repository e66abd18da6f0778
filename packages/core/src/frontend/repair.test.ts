import { createRequire } from 'node:module';
import type ParserType from 'tree-sitter';
import { describe, expect, it } from 'vitest';
import { buildFileModel } from '../model/file-model.js';
import { nativeShape, shapeOf } from './__fixtures__/tree-shape.js';
import { type SyntaxNode, parseSource } from './parser.js';
import { repairText } from './repair.js';

const require = createRequire(import.meta.url);
const Parser = require('tree-sitter') as typeof ParserType;

/** tree-sitter-c's own parse of a text, from nothing. */
function freshParse(text: string): ParserType.Tree {
  const parser = new Parser();
  parser.setLanguage(require('tree-sitter-c'));
  return parser.parse(text);
}

function definitions(text: string): { name: string; hasError: boolean; node: SyntaxNode }[] {
  const source = parseSource('repair.c', text);
  return buildFileModel(source).definitions.map((d) => ({ name: d.name, hasError: d.node.hasError, node: d.node }));
}

function callsNamed(text: string, name: string): SyntaxNode[] {
  const source = parseSource('repair.c', text);
  return source.root.descendantsOfType('call_expression').filter((c) => c.childForFieldName('function')?.text === name);
}

/** A function whose `#if 0` branch holds prose, not code: a parse error until the repair blanks it. */
const IF0_PROSE = `VOID
Configure(PADAPTER Adapter)
{
    Adapter->Flags = 0;
#if 0
    This block is a note for later: the firmware may not support it.
#else
    Adapter->Flags |= 4;
#endif
}
`;

describe('parse repair', () => {
  it('an #if that splits an if/else chain keeps its first branch, and the function parses', () => {
    const text = `#include <ntddk.h>

NTSTATUS
CheckVersion(PDEVICE_EXTENSION Ext)
{
    if (Ext->Version >= 10) {
        Ext->Mode = 2;
    }
#if (NTDDI_VERSION >= NTDDI_WIN8)
    else if (Ext->Version >= 8) {
        Ext->Mode = 1;
    }
#endif
    else {
        Ext->Mode = 0;
    }
    ExFreePoolWithTag(Ext->Buffer, 'xtxE');
    return STATUS_SUCCESS;
}
`;
    const [def] = definitions(text);
    expect(def).toMatchObject({ name: 'CheckVersion', hasError: false });
    // Offsets are unchanged: the call is where it is in the file.
    const [free] = callsNamed(text, 'ExFreePoolWithTag');
    expect(text.slice(free.startIndex, free.endIndex)).toBe("ExFreePoolWithTag(Ext->Buffer, 'xtxE')");
    expect(free.startPosition.row).toBe(16);
  });

  it('drops `#if 0` prose inside a function and keeps the #else', () => {
    const [def] = definitions(IF0_PROSE);
    expect(def.hasError).toBe(false);
    expect(def.node.descendantsOfType('assignment_expression')).toHaveLength(2);
  });

  it('gives a statement macro used without `;` its semicolon', () => {
    const text = `VOID
PinSector(PIRP_CONTEXT IrpContext, PVOID Sector)
{
    ULONG count = 0;
    DbgDoit( IrpContext->PinCount += 1 )
    count = 1;
    TRACE_BUFFER(Sector,
                 count )
}
`;
    const [def] = definitions(text);
    expect(def.hasError).toBe(false);
    expect(callsNamed(text, 'TRACE_BUFFER')).toHaveLength(1);
  });

  it('blanks TRY / FINALLY block macros, #pragma lines inside arguments and MSVC I64 suffixes', () => {
    const text = `NTSTATUS
OpenKey(PDEVICE_OBJECT Pdo)
{
    HANDLE key = NULL;
    LONGLONG limit = 0xffffffffffffffffI64;
    NTSTATUS status;
    TRY {
        status = IoOpenDeviceRegistryKey(Pdo,
                                         PLUGPLAY_REGKEY_DEVICE,
#pragma warning(suppress: 6014)
                                         KEY_READ,
                                         &key);
    } FINALLY {
        if (key) ZwClose(key);
    }
    return status;
}
`;
    const [def] = definitions(text);
    expect(def.hasError).toBe(false);
    const [open] = callsNamed(text, 'IoOpenDeviceRegistryKey');
    expect(open.childForFieldName('arguments')!.namedChildren).toHaveLength(4);
  });

  it('leaves a function that parses alone: its #if branches stay alternatives', () => {
    const text = `VOID
Log(PDEVICE_EXTENSION Ext)
{
#ifdef DBG
    KeAcquireSpinLock(&Ext->Lock, &Ext->Irql);
#else
    KeAcquireSpinLockAtDpcLevel(&Ext->Lock);
#endif
}

VOID Broken(VOID)
{
    if (x) {
    }
#if FOO
    else if (y) {
    }
#endif
    else {
    }
}
`;
    const defs = definitions(text);
    expect(defs.map((d) => [d.name, d.hasError])).toEqual([
      ['Log', false],
      ['Broken', false],
    ]);
    expect(callsNamed(text, 'KeAcquireSpinLock')).toHaveLength(1);
    expect(callsNamed(text, 'KeAcquireSpinLockAtDpcLevel')).toHaveLength(1);
  });

  // Two guards for any faster way of parsing the repaired text (an incremental parse from the first tree was tried).
  it('a repair that leaves no error gives the tree a fresh parse of the repaired text gives', () => {
    const source = parseSource('repair.c', IF0_PROSE);
    expect(source.root.hasError).toBe(false);
    expect(source.tree.text).not.toBe(IF0_PROSE);
    expect(shapeOf(source.root)).toEqual(nativeShape(freshParse(source.tree.text).rootNode));
  });

  it('a repair that does not help leaves the first parse as it was, node for node', () => {
    // The `#if 0` lines are blanked, but the broken return is still there: no less code is lost. The blanked call
    // ends inside an edited run (before its `;`): a first tree told of the edits (tree.edit) stretches it to the
    // run's end, so that tree is no longer the first parse.
    const text = `int f(PDEV Dev)
{
#if 0
    Dev->Count = GetCount(Dev);
#endif
    return 1 +;
}
`;
    const first = freshParse(text);
    expect(repairText(text, first.rootNode)).toBeDefined();
    const source = parseSource('broken.c', text);
    expect(source.tree.text).toBe(text);
    expect(shapeOf(source.root)).toEqual(nativeShape(first.rootNode));
  });

  it('keeps the first parse when the repair would not help', () => {
    const text = `int f(void) { return 1 +; }\n`;
    const source = parseSource('broken.c', text);
    expect(source.root.hasError).toBe(true);
    expect(source.text).toBe(text);
  });
});
