import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../linter/linter.js';
import { formatInterval } from '../model/irql.js';
import { projectMacroUses } from '../model/project-macros.js';
import { type ParseStore, decodeParsed, encodeParsed, macrosFingerprint, parseKeyOf } from './parse-cache.js';
import { shapeOf } from './__fixtures__/tree-shape.js';
import { type ParsedSource, parseSource } from './parser.js';

const require = createRequire(import.meta.url);

/** A store in memory that counts its reads and writes. */
class MemoryStore implements ParseStore {
  readonly entries = new Map<string, Uint8Array>();
  reads = 0;
  writes = 0;
  read(key: string): Uint8Array | undefined {
    const bytes = this.entries.get(key);
    if (bytes) this.reads++;
    return bytes;
  }
  write(key: string, bytes: Uint8Array): void {
    this.writes++;
    this.entries.set(key, bytes);
  }
}

function expectSameParse(read: ParsedSource, fresh: ParsedSource): void {
  expect(read.text).toBe(fresh.text);
  expect(read.tree.text).toBe(fresh.tree.text);
  expect(read.language).toBe(fresh.language);
  expect(read.annotations).toEqual(fresh.annotations);
  expect(read.tree.count).toBe(fresh.tree.count);
  expect(shapeOf(read.root)).toEqual(shapeOf(fresh.root));
}

const DRIVER_C = `#include <ntddk.h>
#define TAG 'gaT1'
typedef struct _DEV { KSPIN_LOCK Lock; ULONG Count; } DEV, *PDEV;

_IRQL_requires_max_(DISPATCH_LEVEL)
VOID Touch(_Inout_ PDEV Dev)
{
    KIRQL old;
    KeAcquireSpinLock(&Dev->Lock, &old);   // raises to DISPATCH_LEVEL
    Dev->Count++;
    KeReleaseSpinLock(&Dev->Lock, old);
}

_Dispatch_type_(IRP_MJ_READ)
NTSTATUS DispatchRead(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PDEV dev = (PDEV)DeviceObject->DeviceExtension;
    PVOID p = ExAllocatePoolWithTag(PagedPool, 64, TAG);
    __try { Touch(dev); } __finally { if (p) ExFreePoolWithTag(p, TAG); }
    Irp->IoStatus.Status = STATUS_SUCCESS;
    return STATUS_SUCCESS;
}
`;

const DRIVER_CPP = `#include <wdm.h>
namespace drv {
class Queue {
public:
    _IRQL_requires_max_(PASSIVE_LEVEL)
    NTSTATUS Start() { auto go = [this](ULONG n) { return n + m_Depth; }; m_Depth = go(1); return STATUS_SUCCESS; }
private:
    ULONG m_Depth = 0;
};
}
`;

// A statement macro without its semicolon: the front end repairs the text and parses it again.
const NEEDS_REPAIR = `VOID
PinSector(PIRP_CONTEXT IrpContext, PVOID Sector)
{
    ULONG count = 0;
    DbgDoit( IrpContext->PinCount += 1 )
    count = 1;
}
`;

// Non-ASCII and non-BMP text before the nodes: offsets are UTF-16 code units, the stored text is UTF-8.
const NON_ASCII = `// Gerät — zählt 😀 Anfragen\nVOID Zähler(VOID) { ULONG n = 0; n++; }\n`;

describe('parse cache', () => {
  it.each([
    ['driver.c', DRIVER_C],
    ['queue.cpp', DRIVER_CPP],
    ['pin.c', NEEDS_REPAIR],
    ['umlaut.c', NON_ASCII],
    ['empty.c', ''],
  ])('reads back %s as it was parsed: tree, parsed text, annotations', (filePath, text) => {
    const store = new MemoryStore();
    const fresh = parseSource(filePath, text, undefined, { store });
    expect(store.writes).toBe(1);
    const read = parseSource(filePath, text, undefined, { store });
    expect(store.reads).toBe(1);
    expect(store.writes).toBe(1);
    expect(read.tree).not.toBe(fresh.tree);
    expectSameParse(read, fresh);
    expectSameParse(read, parseSource(filePath, text));
  });

  it('the repaired text is what is stored, not the blanked original', () => {
    const fresh = parseSource('pin.c', NEEDS_REPAIR);
    expect(fresh.tree.text).not.toBe(NEEDS_REPAIR);
    const bytes = encodeParsed(fresh)!;
    const read = decodeParsed(bytes, 'pin.c', NEEDS_REPAIR, 'c', languageObject(fresh))!;
    expect(read.tree.text).toBe(fresh.tree.text);
    expect(read.root.hasError).toBe(fresh.root.hasError);
  });

  it('rejects bytes that are cut short, padded, of another language or of another text, and the caller parses again', () => {
    const fresh = parseSource('driver.c', DRIVER_C);
    const bytes = encodeParsed(fresh)!;
    const grammar = languageObject(fresh);
    expect(decodeParsed(bytes, 'driver.c', DRIVER_C, 'c', grammar)).toBeDefined();
    expect(decodeParsed(bytes.subarray(0, bytes.length - 1), 'driver.c', DRIVER_C, 'c', grammar)).toBeUndefined();
    expect(decodeParsed(Uint8Array.of(...bytes, 0), 'driver.c', DRIVER_C, 'c', grammar)).toBeUndefined();
    expect(decodeParsed(bytes, 'driver.c', DRIVER_C, 'cpp', grammar)).toBeUndefined();
    expect(decodeParsed(bytes, 'driver.c', `${DRIVER_C}// one more line\n`, 'c', grammar)).toBeUndefined();
    expect(decodeParsed(new TextEncoder().encode('not a parse at all'), 'driver.c', DRIVER_C, 'c', grammar)).toBeUndefined();
    // Subtree ends that do not nest (a damaged column) are not a tree.
    const n = fresh.tree.count;
    const afterAt = ((4 + new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true) + 3) & ~3) + 2 * 4 * n;
    const damaged = Uint8Array.from(bytes);
    new DataView(damaged.buffer).setInt32(afterAt + 4 * 2, n + 5, true);
    expect(decodeParsed(damaged, 'driver.c', DRIVER_C, 'c', grammar)).toBeUndefined();

    const store = new MemoryStore();
    parseSource('driver.c', DRIVER_C, undefined, { store });
    const [key] = store.entries.keys();
    store.entries.set(key, bytes.subarray(0, 100));
    const again = parseSource('driver.c', DRIVER_C, undefined, { store });
    expect(store.writes).toBe(2);
    expectSameParse(again, fresh);
  });

  it('keys a parse by text, language and the project macros the front end sees through', () => {
    const none = macrosFingerprint(undefined);
    const key = parseKeyOf(DRIVER_C, 'c', none);
    expect(parseKeyOf(DRIVER_C, 'c', none)).toBe(key);
    expect(parseKeyOf(`${DRIVER_C} `, 'c', none)).not.toBe(key);
    expect(parseKeyOf(DRIVER_C, 'cpp', none)).not.toBe(key);
    const paged = projectMacroUses(['#define PAGED_ROUTINE __declspec(code_seg("PAGE"))\n']);
    expect(paged.size).toBe(1);
    expect(parseKeyOf(DRIVER_C, 'c', macrosFingerprint(paged))).not.toBe(key);
    // The same macros found in another order give the same key.
    const two = projectMacroUses(['#define A_DECOR __declspec(noinline)\n#define B_DECOR\n']);
    const swapped = projectMacroUses(['#define B_DECOR\n#define A_DECOR __declspec(noinline)\n']);
    expect(macrosFingerprint(two)).toBe(macrosFingerprint(swapped));
  });

  it('a program built from read-back parses has the same IRQL facts as one built from fresh parses', () => {
    const inputs = [
      { filePath: 'drv/driver.c', text: DRIVER_C },
      { filePath: 'drv/helper.c', text: `#include <ntddk.h>\nVOID Helper(PDEV Dev)\n{\n    Touch(Dev);\n    KeStallExecutionProcessor(10);\n}\n` },
    ];
    const store = new MemoryStore();
    const facts = (run: ReturnType<typeof buildProgram>): string[] =>
      run.sources.flatMap((source) =>
        source.root.descendantsOfType('call_expression').map((call) => {
          const fact = run.program.irqlAt(call);
          return `${source.filePath}:${call.startIndex} ${call.text.slice(0, 30)} ${fact ? formatInterval(fact.interval) : '-'}`;
        }),
      );
    const fresh = facts(buildProgram(inputs, undefined, store));
    expect(store.writes).toBe(2);
    const read = facts(buildProgram(inputs, undefined, store));
    expect(store.reads).toBe(2);
    expect(read).toEqual(fresh);
    expect(fresh).toEqual(facts(buildProgram(inputs)));
    expect(fresh.some((f) => /KeAcquireSpinLock/.test(f))).toBe(true);
  });
});

/** The grammar a parse was made with (the parser's language is the grammar module itself). */
function languageObject(parsed: ParsedSource): object {
  return require(parsed.language === 'c' ? 'tree-sitter-c' : 'tree-sitter-cpp') as object;
}
