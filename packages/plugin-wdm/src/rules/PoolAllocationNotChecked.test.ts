import { describe, expect, it } from 'vitest';
import { RuleTester } from '@ddi-lint/core/rule-tester';
import rule from './PoolAllocationNotChecked.js';

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

// ---- `p->Field = x` right after ExAllocatePoolWithTag, in a dispatch routine. ----

const FIELD_WRITE = `#include <wdm.h>

#define REQUEST_TAG 'qeRD'

typedef struct _PENDING_REQUEST {
    LIST_ENTRY Link;
    PIRP Irp;
    ULONG Sequence;
} PENDING_REQUEST, *PPENDING_REQUEST;

typedef struct _DEVICE_EXTENSION {
    KSPIN_LOCK QueueLock;
    LIST_ENTRY PendingList;
    ULONG NextSequence;
} DEVICE_EXTENSION, *PDEVICE_EXTENSION;

_Dispatch_type_(IRP_MJ_READ)
DRIVER_DISPATCH DispatchRead;

_Use_decl_annotations_
NTSTATUS
DispatchRead(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)DeviceObject->DeviceExtension;
    PPENDING_REQUEST pending;

    pending = (PPENDING_REQUEST)ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(PENDING_REQUEST), REQUEST_TAG);
    pending->Irp = Irp;
    pending->Sequence = InterlockedIncrement((PLONG)&ext->NextSequence);
    ExInterlockedInsertTailList(&ext->PendingList, &pending->Link, &ext->QueueLock);

    IoMarkIrpPending(Irp);
    return STATUS_PENDING;
}
`;

// ---- RtlZeroMemory before the NULL check. ----

const ZERO_BEFORE_CHECK = `#include <wdm.h>

#define SCRATCH_TAG 'rcSD'

_IRQL_requires_max_(APC_LEVEL)
NTSTATUS
PrepareScratch(
    _In_ SIZE_T Size,
    _Outptr_ PVOID *Scratch
    )
{
    PVOID buffer = ExAllocatePool2(POOL_FLAG_PAGED | POOL_FLAG_UNINITIALIZED, Size, SCRATCH_TAG);

    RtlZeroMemory(buffer, Size);
    if (buffer == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    *Scratch = buffer;
    return STATUS_SUCCESS;
}
`;

// ---- The unchecked pointer is passed to a helper. ----

const PASSED_TO_HELPER = `#include <wdm.h>

#define DESCRIPTOR_TAG 'csDD'

typedef struct _DESCRIPTOR_RING {
    ULONG Count;
    PHYSICAL_ADDRESS Base;
} DESCRIPTOR_RING, *PDESCRIPTOR_RING;

NTSTATUS InitializeRing(_In_ PDEVICE_OBJECT DeviceObject, _Out_ PDESCRIPTOR_RING Ring, _In_ ULONG Count);

_IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS
CreateRing(
    _In_ PDEVICE_OBJECT DeviceObject,
    _In_ ULONG Count,
    _Outptr_ PDESCRIPTOR_RING *Ring
    )
{
    PDESCRIPTOR_RING ring = ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(DESCRIPTOR_RING), DESCRIPTOR_TAG);
    NTSTATUS status = InitializeRing(DeviceObject, ring, Count);
    if (!NT_SUCCESS(status)) {
        if (ring != NULL) {
            ExFreePoolWithTag(ring, DESCRIPTOR_TAG);
        }
        return status;
    }
    *Ring = ring;
    return STATUS_SUCCESS;
}
`;

const message = (kind: 'dereference' | 'argument', place: string, allocator: string, where: string) =>
  `${place} is ${kind === 'dereference' ? 'dereferenced' : 'passed on'} before it is checked for NULL: ${allocator} (${where}) returns NULL when the allocation fails.`;

new RuleTester().run('wdm/PoolAllocationNotChecked', rule, {
  valid: [
    {
      name: 'if (!p) return before the first use',
      code: `typedef struct _ENTRY { LIST_ENTRY Link; ULONG State; } ENTRY, *PENTRY;

NTSTATUS AddEntry(PLIST_ENTRY Head)
{
    PENTRY entry = (PENTRY)ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(ENTRY), 'tnED');
    if (!entry) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    entry->State = 0;
    InsertTailList(Head, &entry->Link);
    return STATUS_SUCCESS;
}
`,
    },
    {
      name: 'if (p == NULL) return, then RtlZeroMemory and field writes',
      code: `NTSTATUS ReadConfiguration(PDEVICE_EXTENSION Ext, SIZE_T Size)
{
    PUCHAR config = ExAllocatePool2(POOL_FLAG_PAGED | POOL_FLAG_UNINITIALIZED, Size, 'gfCD');
    if (config == NULL) return STATUS_INSUFFICIENT_RESOURCES;
    RtlZeroMemory(config, Size);
    config[0] = 1;
    Ext->Config = config;
    return STATUS_SUCCESS;
}
`,
    },
    {
      name: 'NULL == p, p != NULL && …, and a device-extension field checked where it was stored',
      code: `typedef struct _QUEUE_STATE { ULONG Depth; } QUEUE_STATE, *PQUEUE_STATE;

NTSTATUS Setup(PDEVICE_EXTENSION Ext, SIZE_T Size)
{
    PUCHAR a = ExAllocatePool2(POOL_FLAG_NON_PAGED, Size, 'AvdD');
    PUCHAR b = ExAllocatePool2(POOL_FLAG_NON_PAGED, Size, 'BvdD');

    if (NULL == a) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    a[0] = 0;
    if (b != NULL && Size > 1) {
        b[1] = 0;
    }
    Ext->Queue = (PQUEUE_STATE)ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(QUEUE_STATE), 'uQvD');
    if (Ext->Queue == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    Ext->Queue->Depth = 0;
    return STATUS_SUCCESS;
}
`,
    },
    {
      name: 'NT_ASSERT(p) counts as a check',
      code: `VOID FillPattern(SIZE_T Size)
{
    PUCHAR pattern = ExAllocatePool2(POOL_FLAG_NON_PAGED, Size, 'ttaP');
    NT_ASSERT(pattern);
    pattern[0] = 0xA5;
}
`,
    },
    {
      name: 'early return through goto on the failure path',
      code: `NTSTATUS OpenTable(PDEVICE_EXTENSION Ext)
{
    NTSTATUS status = STATUS_SUCCESS;
    PULONG table = ExAllocatePool2(POOL_FLAG_PAGED, 64 * sizeof(ULONG), 'lbTD');

    if (table == NULL) {
        status = STATUS_INSUFFICIENT_RESOURCES;
        goto Exit;
    }
    table[0] = 64;
    Ext->Table = table;
Exit:
    return status;
}
`,
    },
    {
      name: 'the assignment inside the condition',
      code: `NTSTATUS MakeHeader(PHEADER *Out)
{
    PHEADER header;
    if ((header = (PHEADER)ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(HEADER), 'rdHD')) == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    header->Version = 2;
    *Out = header;
    return STATUS_SUCCESS;
}
`,
    },
    {
      name: 'allocators that raise on failure do not return NULL',
      code: `VOID Raising(SIZE_T Size)
{
    PUCHAR a = ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_RAISE_ON_FAILURE, Size, 'AvdD');
    PUCHAR b = ExAllocatePoolWithTag(NonPagedPoolNx | POOL_RAISE_IF_ALLOCATION_FAILURE, Size, 'BvdD');
    PUCHAR c = ExAllocatePoolWithQuotaTag(PagedPool, Size, 'CvdD');
    PUCHAR d = ExAllocatePoolWithQuota(PagedPool, Size);
    a[0] = 0;
    b[0] = 0;
    c[0] = 0;
    d[0] = 0;
}
`,
    },
    {
      name: 'a copy of the pointer checked before use',
      code: `VOID Alias(SIZE_T Size)
{
    PUCHAR p = ExAllocatePool2(POOL_FLAG_NON_PAGED, Size, 'silA');
    PUCHAR cursor = p;
    if (cursor == NULL) {
        return;
    }
    cursor[0] = 0;
}
`,
    },
    {
      name: 'tracing and freeing are not uses; returning and storing the pointer are not uses',
      code: `PVOID Allocate(SIZE_T Size, PVOID *Saved)
{
    PVOID p = ExAllocatePool2(POOL_FLAG_NON_PAGED, Size, 'cllA');
    KdPrint(("allocated %p\\n", p));
    *Saved = p;
    return p;
}
VOID AllocateAndDrop(SIZE_T Size)
{
    PVOID q = ExAllocatePool2(POOL_FLAG_NON_PAGED, Size, 'porD');
    DbgPrint("dropping %p\\n", q);
    ExFreePoolWithTag(q, 'porD');
}
`,
    },
    {
      name: 'a checked allocation in a loop',
      code: `typedef struct _ITEM { LIST_ENTRY Link; ULONG Index; } ITEM, *PITEM;

NTSTATUS Prefill(PLIST_ENTRY Head, ULONG Count)
{
    ULONG i;
    for (i = 0; i < Count; i++) {
        PITEM item = (PITEM)ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(ITEM), 'metI');
        if (item == NULL) {
            return STATUS_INSUFFICIENT_RESOURCES;
        }
        item->Index = i;
        InsertTailList(Head, &item->Link);
    }
    return STATUS_SUCCESS;
}
`,
    },
    {
      name: 'the second allocation is checked, and the first is freed on its failure path',
      code: `NTSTATUS Pair(PDEVICE_EXTENSION Ext)
{
    PULONG first = ExAllocatePool2(POOL_FLAG_NON_PAGED, 16, 'tsiF');
    PULONG second;
    if (!first) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    second = ExAllocatePool2(POOL_FLAG_NON_PAGED, 16, 'dceS');
    if (!second) {
        ExFreePoolWithTag(first, 'tsiF');
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    second[0] = first[0];
    Ext->First = first;
    Ext->Second = second;
    return STATUS_SUCCESS;
}
`,
    },
  ],
  invalid: [
    {
      name: 'p->Field = x right after ExAllocatePoolWithTag (one report per allocation)',
      code: FIELD_WRITE,
      errors: [
        {
          messageId: 'dereference',
          message: message('dereference', 'pending', 'ExAllocatePoolWithTag', `test.c:${lineOf(FIELD_WRITE, 'ExAllocatePoolWithTag(')}`),
          line: lineOf(FIELD_WRITE, 'pending->Irp = Irp'),
          column: columnOf(FIELD_WRITE, 'pending->Irp = Irp'),
          endColumn: columnOf(FIELD_WRITE, 'pending->Irp = Irp') + 'pending->Irp'.length,
        },
      ],
    },
    {
      name: 'RtlZeroMemory(p, n) before the NULL check',
      code: ZERO_BEFORE_CHECK,
      errors: [
        {
          messageId: 'argument',
          data: { place: 'buffer', allocator: 'ExAllocatePool2', where: `test.c:${lineOf(ZERO_BEFORE_CHECK, 'ExAllocatePool2(')}` },
          line: lineOf(ZERO_BEFORE_CHECK, 'RtlZeroMemory('),
          column: columnOf(ZERO_BEFORE_CHECK, 'buffer, Size);'),
        },
      ],
    },
    {
      name: 'the unchecked pointer is passed to a helper, then checked only on the error path',
      code: PASSED_TO_HELPER,
      errors: [
        {
          messageId: 'argument',
          data: { place: 'ring', allocator: 'ExAllocatePoolWithTag', where: `test.c:${lineOf(PASSED_TO_HELPER, 'ExAllocatePoolWithTag(')}` },
          line: lineOf(PASSED_TO_HELPER, 'InitializeRing(DeviceObject, ring'),
          column: columnOf(PASSED_TO_HELPER, 'ring, Count);'),
        },
      ],
    },
    {
      name: 'a device-extension field used right after it is allocated',
      code: `typedef struct _COUNTERS { ULONG Opens; ULONG Closes; } COUNTERS, *PCOUNTERS;

_IRQL_requires_(PASSIVE_LEVEL)
VOID ResetCounters(PDEVICE_EXTENSION Ext)
{
    Ext->Counters = (PCOUNTERS)ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(COUNTERS), 'rtnC');
    Ext->Counters->Opens = 0;
    Ext->Counters->Closes = 0;
}
`,
      errors: [{ messageId: 'dereference', line: 7, column: 5, data: { place: 'Ext->Counters', allocator: 'ExAllocatePool2', where: 'test.c:6' } }],
    },
    {
      name: 'subscript and * dereferences',
      code: `VOID BuildTable(PULONG Out)
{
    PULONG table = ExAllocatePool2(POOL_FLAG_PAGED, 16 * sizeof(ULONG), 'lbTD');
    table[0] = 1;
    *Out = table[0];
}
VOID Flag(VOID)
{
    PLONG flag = ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(LONG), 'galF');
    *flag = 0;
}
`,
      errors: [
        { messageId: 'dereference', line: 4, column: 5, data: { place: 'table', allocator: 'ExAllocatePool2', where: 'test.c:3' } },
        { messageId: 'dereference', line: 10, column: 5, data: { place: 'flag', allocator: 'ExAllocatePoolWithTag', where: 'test.c:9' } },
      ],
    },
    {
      name: 'checked on one branch only',
      code: `typedef struct _SAMPLE { ULONG Value; } SAMPLE, *PSAMPLE;

VOID TakeSample(BOOLEAN Strict, ULONG Value)
{
    PSAMPLE sample = (PSAMPLE)ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(SAMPLE), 'pmaS');
    if (Strict) {
        if (sample == NULL) {
            return;
        }
    }
    sample->Value = Value;
}
`,
      errors: [{ messageId: 'dereference', line: 11, column: 5 }],
    },
    {
      name: 'a reassignment: the first allocation is checked, the second is not',
      code: `typedef struct _FRAME { ULONG Length; } FRAME, *PFRAME;

VOID TwoFrames(VOID)
{
    PFRAME frame = (PFRAME)ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(FRAME), 'marF');
    if (frame == NULL) {
        return;
    }
    frame->Length = 0;
    Submit(frame);
    frame = (PFRAME)ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(FRAME), 'marF');
    frame->Length = 1;
    Submit(frame);
}
`,
      errors: [{ messageId: 'dereference', line: 12, column: 5, data: { place: 'frame', allocator: 'ExAllocatePool2', where: 'test.c:11' } }],
    },
    {
      name: 'an unchecked allocation in a loop',
      code: `typedef struct _ITEM { LIST_ENTRY Link; ULONG Index; } ITEM, *PITEM;

VOID Prefill(PLIST_ENTRY Head, ULONG Count)
{
    ULONG i;
    for (i = 0; i < Count; i++) {
        PITEM item = (PITEM)ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(ITEM), 'metI');
        item->Index = i;
        InsertTailList(Head, &item->Link);
    }
}
`,
      errors: [{ messageId: 'dereference', line: 8, column: 9, data: { place: 'item', allocator: 'ExAllocatePool2', where: 'test.c:7' } }],
    },
    {
      name: 'a quota allocation with POOL_QUOTA_FAIL_INSTEAD_OF_RAISE, and the down-level zeroing wrapper, can return NULL',
      code: `VOID Quota(SIZE_T Size)
{
    PUCHAR q = ExAllocatePoolWithQuotaTag(PagedPool | POOL_QUOTA_FAIL_INSTEAD_OF_RAISE, Size, 'atoQ');
    q[0] = 0;
}
VOID Zero(SIZE_T Size)
{
    PUCHAR z = (PUCHAR)ExAllocatePoolZero(NonPagedPoolNx, Size, 'oreZ');
    RtlFillMemory(z, Size, 0xFF);
}
`,
      errors: [
        { messageId: 'dereference', line: 4, data: { place: 'q', allocator: 'ExAllocatePoolWithQuotaTag', where: 'test.c:3' } },
        { messageId: 'argument', line: 9, column: 19, data: { place: 'z', allocator: 'ExAllocatePoolZero', where: 'test.c:8' } },
      ],
    },
    {
      name: 'inside a __try block the dereference is still unchecked',
      code: `NTSTATUS Guarded(VOID)
{
    PULONG counter = ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(ULONG), 'rtnC');
    __try {
        *counter = 0;
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        return GetExceptionCode();
    }
    return STATUS_SUCCESS;
}
`,
      errors: [{ messageId: 'dereference', line: 5, column: 9 }],
    },
  ],
});

describe('wdm/PoolAllocationNotChecked meta', () => {
  it('names PREfast C6011 and is recommended', () => {
    expect(rule.meta.docs.prefast).toBe('C6011');
    expect(rule.meta.docs.recommended).toBe(true);
    expect(rule.meta.type).toBe('problem');
    expect(rule.meta.docs.url).toMatch(/rules\/wdm\/PoolAllocationNotChecked\.md$/);
  });
});
