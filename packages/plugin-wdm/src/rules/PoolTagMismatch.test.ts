import { describe, expect, it } from 'vitest';
import { RuleTester } from '@ddi-lint/core/rule-tester';
import rule from './PoolTagMismatch.js';

/** 1-based line of the first line of `code` containing `needle`. */
function lineOf(code: string, needle: string): number {
  const i = code.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`"${needle}" not in code`);
  return i + 1;
}

/** 1-based column of `needle` on its line. */
function columnOf(code: string, needle: string): number {
  return code.split('\n')[lineOf(code, needle) - 1].indexOf(needle) + 1;
}

// ---- Two tags #defined side by side; the cleanup path frees the context with the buffer's tag. ----

const TWO_DEFINES = `#include <wdm.h>

#define CONTEXT_TAG 'xtCD'
#define BUFFER_TAG  'fuBD'

typedef struct _DEVICE_EXTENSION {
    PVOID Context;
    PVOID Buffer;
} DEVICE_EXTENSION, *PDEVICE_EXTENSION;

_IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS
StartDevice(
    _Inout_ PDEVICE_EXTENSION Ext
    )
{
    Ext->Context = ExAllocatePoolWithTag(NonPagedPoolNx, 128, CONTEXT_TAG);
    if (Ext->Context == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    Ext->Buffer = ExAllocatePool2(POOL_FLAG_NON_PAGED, PAGE_SIZE, BUFFER_TAG);
    if (Ext->Buffer == NULL) {
        ExFreePoolWithTag(Ext->Context, CONTEXT_TAG);
        Ext->Context = NULL;
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    return STATUS_SUCCESS;
}

_IRQL_requires_(PASSIVE_LEVEL)
VOID
StopDevice(
    _Inout_ PDEVICE_EXTENSION Ext
    )
{
    if (Ext->Buffer != NULL) {
        ExFreePoolWithTag(Ext->Buffer, BUFFER_TAG);
        Ext->Buffer = NULL;
    }
    if (Ext->Context != NULL) {
        ExFreePoolWithTag(Ext->Context, BUFFER_TAG);
        Ext->Context = NULL;
    }
}
`;

// ---- A registry query buffer in a local, freed with the tag's characters written in the debugger's order. ----

const REVERSED_LITERAL = `#include <wdm.h>

NTSTATUS
QueryDwordValue(
    _In_ HANDLE Key,
    _In_ PUNICODE_STRING Name,
    _Out_ PULONG Value
    )
{
    PKEY_VALUE_PARTIAL_INFORMATION info;
    ULONG length = sizeof(KEY_VALUE_PARTIAL_INFORMATION) + sizeof(ULONG);
    NTSTATUS status;

    info = (PKEY_VALUE_PARTIAL_INFORMATION)ExAllocatePoolWithTag(PagedPool, length, 'geRD');
    if (info == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    status = ZwQueryValueKey(Key, Name, KeyValuePartialInformation, info, length, &length);
    if (NT_SUCCESS(status)) {
        *Value = *(PULONG)info->Data;
    }
    ExFreePoolWithTag(info, 'DReg');
    return status;
}
`;

// ---- The tags live in a shared header; allocation and free are in different files. ----

const TAGS_HEADER = `#pragma once
#define RECORD_TAG 'ceRD'
#define JOURNAL_TAG 'nrJD'
`;

const RECORD_ALLOC = `#include "tags.h"

PVOID
AllocateRecord(
    _In_ SIZE_T Size
    )
{
    return ExAllocatePool2(POOL_FLAG_NON_PAGED, Size, RECORD_TAG);
}
`;

const RECORD_USER = `#include "tags.h"

NTSTATUS
AppendRecord(
    _In_ PJOURNAL Journal,
    _In_reads_bytes_(Size) PVOID Data,
    _In_ SIZE_T Size
    )
{
    PVOID record = AllocateRecord(Size);
    if (record == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    RtlCopyMemory(record, Data, Size);
    if (!WriteJournal(Journal, record, Size)) {
        ExFreePoolWithTag(record, JOURNAL_TAG);
        return STATUS_UNSUCCESSFUL;
    }
    return STATUS_SUCCESS;
}
`;

const message = (freeTag: string, allocTag: string, allocator: string, where: string) =>
  `ExFreePoolWithTag frees with tag ${freeTag} memory allocated with tag ${allocTag} by ${allocator} at ${where} (bug check 0xC2 under Driver Verifier).`;

new RuleTester().run('wdm/PoolTagMismatch', rule, {
  valid: [
    {
      name: 'matching tags through a #define, on the error path and in the stop routine',
      code: `#define CONTEXT_TAG 'xtCD'
typedef struct _DEVICE_EXTENSION { PVOID Context; } DEVICE_EXTENSION, *PDEVICE_EXTENSION;

NTSTATUS StartDevice(PDEVICE_EXTENSION Ext)
{
    Ext->Context = ExAllocatePoolWithTag(NonPagedPoolNx, 128, CONTEXT_TAG);
    if (Ext->Context == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    if (!ProbeHardware(Ext)) {
        ExFreePoolWithTag(Ext->Context, CONTEXT_TAG);
        Ext->Context = NULL;
        return STATUS_DEVICE_NOT_CONNECTED;
    }
    return STATUS_SUCCESS;
}

VOID StopDevice(PDEVICE_EXTENSION Ext)
{
    ExFreePoolWithTag(Ext->Context, 'xtCD');
}
`,
    },
    {
      name: 'the tag is a variable, a parameter of a free helper: unknown, not reported',
      code: `typedef struct _ALLOCATION { PVOID Block; ULONG Tag; } ALLOCATION, *PALLOCATION;

VOID ReleaseAllocation(PALLOCATION Allocation)
{
    ExFreePoolWithTag(Allocation->Block, Allocation->Tag);
}

static VOID FreeTagged(PVOID Block, ULONG Tag)
{
    ExFreePoolWithTag(Block, Tag);
}

VOID Reset(PALLOCATION Allocation)
{
    Allocation->Block = ExAllocatePool2(POOL_FLAG_NON_PAGED, 64, 'kolB');
    Allocation->Tag = 'kolB';
    if (Allocation->Block != NULL) {
        FreeTagged(Allocation->Block, Allocation->Tag);
    }
}
`,
    },
    {
      name: 'the allocation tag is a variable: unknown, not reported',
      code: `PVOID AllocateTagged(SIZE_T Size, ULONG Tag)
{
    return ExAllocatePool2(POOL_FLAG_NON_PAGED, Size, Tag);
}

VOID Probe(VOID)
{
    PVOID p = AllocateTagged(32, 'borP');
    if (p != NULL) {
        ExFreePoolWithTag(p, 'borP');
    }
}
`,
    },
    {
      name: 'one of the allocations that may reach the free has the tag',
      code: `VOID Resize(BOOLEAN Large)
{
    PVOID block;

    if (Large) {
        block = ExAllocatePoolWithTag(NonPagedPoolNx, 4096, 'egrL');
    } else {
        block = ExAllocatePoolWithTag(NonPagedPoolNx, 64, 'llmS');
    }
    if (block != NULL) {
        ExFreePoolWithTag(block, 'egrL');
    }
}
`,
    },
    {
      name: 'a reused local: each free matches its own allocation',
      code: `VOID TwoPhases(VOID)
{
    PVOID p = ExAllocatePoolWithTag(PagedPool, 64, '1ahP');
    if (p != NULL) {
        ExFreePoolWithTag(p, '1ahP');
    }
    p = ExAllocatePoolWithTag(PagedPool, 64, '2ahP');
    if (p != NULL) {
        ExFreePoolWithTag(p, '2ahP');
    }
}
`,
    },
    {
      name: 'ExFreePool has no tag to compare; an untagged ExAllocatePool has none either',
      code: `VOID Cleanup(VOID)
{
    PVOID tagged = ExAllocatePoolWithTag(PagedPool, 64, 'AvdD');
    PVOID untagged = ExAllocatePool(PagedPool, 64);
    if (tagged != NULL) {
        ExFreePool(tagged);
    }
    if (untagged != NULL) {
        ExFreePoolWithTag(untagged, 'BvdD');
    }
}
`,
    },
    {
      name: 'a tag cast to ULONG on both sides',
      code: `VOID Casts(VOID)
{
    PVOID p = ExAllocatePoolWithTag(NonPagedPoolNx, 16, (ULONG)'tsaC');
    if (p) {
        ExFreePoolWithTag(p, (ULONG)'tsaC');
    }
}
`,
    },
    {
      name: 'the same tag spelled as a hexadecimal number',
      code: `#define WIDGET_TAG 0x74676957
VOID Widgets(VOID)
{
    PVOID p = ExAllocatePool2(POOL_FLAG_PAGED, 16, 'tgiW');
    if (p) {
        ExFreePoolWithTag(p, WIDGET_TAG);
    }
}
`,
    },
  ],
  invalid: [
    {
      name: 'a context allocated with one #define and freed with another',
      code: TWO_DEFINES,
      errors: [
        {
          messageId: 'mismatch',
          message: message("'fuBD'", "'xtCD'", 'ExAllocatePoolWithTag', `test.c:${lineOf(TWO_DEFINES, 'ExAllocatePoolWithTag(')}`),
          line: lineOf(TWO_DEFINES, 'ExFreePoolWithTag(Ext->Context, BUFFER_TAG)'),
          column: columnOf(TWO_DEFINES, 'ExFreePoolWithTag(Ext->Context, BUFFER_TAG)') + 'ExFreePoolWithTag(Ext->Context, '.length,
          endColumn: columnOf(TWO_DEFINES, 'ExFreePoolWithTag(Ext->Context, BUFFER_TAG)') + 'ExFreePoolWithTag(Ext->Context, BUFFER_TAG'.length,
        },
      ],
    },
    {
      name: 'the tag written as the debugger shows it instead of as the allocation wrote it',
      code: REVERSED_LITERAL,
      errors: [
        {
          messageId: 'mismatch',
          data: { freeTag: "'DReg'", allocTag: "'geRD'", allocator: 'ExAllocatePoolWithTag', where: `test.c:${lineOf(REVERSED_LITERAL, 'ExAllocatePoolWithTag(')}` },
          line: lineOf(REVERSED_LITERAL, "'DReg'"),
          column: columnOf(REVERSED_LITERAL, "'DReg'"),
        },
      ],
    },
    {
      name: 'the allocation is in a helper in another file, the tags in a shared header',
      code: RECORD_USER,
      filename: 'journal.c',
      files: { 'tags.h': TAGS_HEADER, 'record.c': RECORD_ALLOC },
      errors: [
        {
          messageId: 'mismatch',
          data: { freeTag: "'nrJD'", allocTag: "'ceRD'", allocator: 'ExAllocatePool2', where: `record.c:${lineOf(RECORD_ALLOC, 'ExAllocatePool2(')}` },
          line: lineOf(RECORD_USER, 'JOURNAL_TAG'),
          column: columnOf(RECORD_USER, 'JOURNAL_TAG'),
        },
      ],
    },
    {
      name: 'a free helper taking the pointer as a parameter frees with the wrong tag',
      code: `#define NODE_TAG 'edoN'
typedef struct _NODE { struct _NODE *Next; ULONG Key; } NODE, *PNODE;

static PNODE NewNode(ULONG Key)
{
    PNODE node = (PNODE)ExAllocatePool2(POOL_FLAG_PAGED, sizeof(NODE), NODE_TAG);
    if (node != NULL) {
        node->Key = Key;
    }
    return node;
}

static VOID FreeNode(PNODE Node)
{
    ExFreePoolWithTag(Node, 'Node');
}

VOID Rebuild(VOID)
{
    PNODE node = NewNode(7);
    if (node != NULL) {
        FreeNode(node);
    }
}
`,
      errors: [{ messageId: 'mismatch', line: 15, column: 29, data: { freeTag: "'Node'", allocTag: "'edoN'", allocator: 'ExAllocatePool2', where: 'test.c:6' } }],
    },
    {
      name: 'casts around the pointer and the tag, and a quota allocation',
      code: `typedef struct _PROCESS_ENTRY { HANDLE Pid; } PROCESS_ENTRY, *PPROCESS_ENTRY;

NTSTATUS TrackProcess(HANDLE Pid)
{
    PPROCESS_ENTRY entry = (PPROCESS_ENTRY)ExAllocatePoolWithQuotaTag(PagedPool | POOL_QUOTA_FAIL_INSTEAD_OF_RAISE,
                                                                       sizeof(PROCESS_ENTRY), 'corP');
    if (entry == NULL) {
        return STATUS_QUOTA_EXCEEDED;
    }
    entry->Pid = Pid;
    if (!InsertProcess(entry)) {
        ExFreePoolWithTag((PVOID)entry, (ULONG)'Proc');
        return STATUS_DUPLICATE_OBJECTID;
    }
    return STATUS_SUCCESS;
}
`,
      errors: [{ messageId: 'mismatch', line: 12, column: 41, data: { freeTag: "'Proc'", allocTag: "'corP'", allocator: 'ExAllocatePoolWithQuotaTag', where: 'test.c:5' } }],
    },
    {
      name: 'none of the allocations that may reach the free has the tag',
      code: `VOID Resize(BOOLEAN Large)
{
    PVOID block;

    if (Large) {
        block = ExAllocatePoolWithTag(NonPagedPoolNx, 4096, 'egrL');
    } else {
        block = ExAllocatePool2(POOL_FLAG_NON_PAGED, 64, 'llmS');
    }
    if (block != NULL) {
        ExFreePoolWithTag(block, 'kolB');
    }
}
`,
      errors: [{ messageId: 'mismatch', line: 11, data: { freeTag: "'kolB'", allocTag: "'egrL'", allocator: 'ExAllocatePoolWithTag', where: 'test.c:6' } }],
    },
  ],
});

describe('wdm/PoolTagMismatch meta', () => {
  it('is a recommended problem rule', () => {
    expect(rule.meta.docs.recommended).toBe(true);
    expect(rule.meta.type).toBe('problem');
    expect(rule.meta.docs.url).toMatch(/rules\/wdm\/PoolTagMismatch\.md$/);
  });
});
