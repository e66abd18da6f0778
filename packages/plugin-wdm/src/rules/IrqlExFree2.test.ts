import { describe, expect, it } from 'vitest';
import { RuleTester } from '@ddi-lint/core/rule-tester';
import rule from './IrqlExFree2.js';

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

// ---- A low-priority paged lookup table in the device extension, allocated in one file, freed by a DPC in another. ----

const TABLE_ALLOC = `#include <wdm.h>

#define LOOKUP_TAG 'kLvD'

typedef struct _DEVICE_EXTENSION {
    KDPC TeardownDpc;
    PULONG Lookup;
    ULONG LookupCount;
} DEVICE_EXTENSION, *PDEVICE_EXTENSION;

_IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS
BuildLookup(
    _Inout_ PDEVICE_EXTENSION Ext,
    _In_ ULONG Count
    )
{
    Ext->Lookup = (PULONG)ExAllocatePoolWithTagPriority(PagedPool,
                                                        Count * sizeof(ULONG),
                                                        LOOKUP_TAG,
                                                        LowPoolPriority);
    if (Ext->Lookup == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    Ext->LookupCount = Count;
    return STATUS_SUCCESS;
}
`;

const TABLE_DPC = `#include <wdm.h>

#define LOOKUP_TAG 'kLvD'

KDEFERRED_ROUTINE TeardownDpc;

_Use_decl_annotations_
VOID
TeardownDpc(
    PKDPC Dpc,
    PVOID DeferredContext,
    PVOID SystemArgument1,
    PVOID SystemArgument2
    )
{
    PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)DeferredContext;

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);

    if (ext->Lookup != NULL) {
        ExFreePoolWithTag(ext->Lookup, LOOKUP_TAG);
        ext->Lookup = NULL;
    }
}
`;

// ---- Freed under an in-stack queued spin lock. ----

const QUEUED_LOCK = `#include <wdm.h>

#define FRAME_TAG 'rFvD'

typedef struct _CHANNEL {
    KSPIN_LOCK Lock;
    PVOID Frame;
} CHANNEL, *PCHANNEL;

_IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS OpenChannel(PCHANNEL Channel)
{
    Channel->Frame = ExAllocatePoolWithTagPriority(PagedPoolCacheAligned, 2048, FRAME_TAG, HighPoolPriority);
    return Channel->Frame != NULL ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}

_IRQL_requires_(PASSIVE_LEVEL)
VOID CloseChannel(PCHANNEL Channel)
{
    KLOCK_QUEUE_HANDLE handle;

    KeAcquireInStackQueuedSpinLock(&Channel->Lock, &handle);
    ExFreePool(Channel->Frame);
    Channel->Frame = NULL;
    KeReleaseInStackQueuedSpinLock(&handle);
}
`;

// ---- The allocation is in a helper that returns it, the free in a helper that takes the pointer. ----

const HELPERS = `#include <wdm.h>

#define SCRATCH_TAG 'cSvD'

typedef struct _WORKER {
    PVOID Scratch;
} WORKER, *PWORKER;

static PVOID AllocateScratch(SIZE_T Size)
{
    return ExAllocatePoolWithTagPriority(PagedPool, Size, SCRATCH_TAG, NormalPoolPriority);
}

static VOID FreeScratch(_In_ PVOID Block)
{
    ExFreePoolWithTag(Block, SCRATCH_TAG);
}

_IRQL_requires_(PASSIVE_LEVEL)
VOID StartWorker(PWORKER Worker)
{
    Worker->Scratch = AllocateScratch(512);
}

KDEFERRED_ROUTINE StopWorkerDpc;

VOID StopWorkerDpc(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
    PWORKER worker = (PWORKER)Context;

    if (worker->Scratch != NULL) {
        FreeScratch((PVOID)worker->Scratch);
        worker->Scratch = NULL;
    }
}
`;

new RuleTester().run('wdm/IrqlExFree2', rule, {
  valid: [
    {
      name: 'non-paged memory from ExAllocatePoolWithTagPriority freed in a DPC',
      code: `typedef struct _DEVICE_EXTENSION { PVOID Frames; } DEVICE_EXTENSION, *PDEVICE_EXTENSION;

_IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS Prepare(PDEVICE_EXTENSION Ext)
{
    Ext->Frames = ExAllocatePoolWithTagPriority(NonPagedPoolNx, PAGE_SIZE, 'mrFD', NormalPoolPriority);
    return Ext->Frames ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}

KDEFERRED_ROUTINE ReleaseDpc;
VOID ReleaseDpc(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
    PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)Context;
    ExFreePoolWithTag(ext->Frames, 'mrFD');
}
`,
    },
    {
      name: 'paged memory unlinked under the spin lock and freed after the release',
      code: `typedef struct _CHANNEL { KSPIN_LOCK Lock; PVOID Frame; } CHANNEL, *PCHANNEL;

_IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS OpenChannel(PCHANNEL Channel)
{
    Channel->Frame = ExAllocatePoolWithTagPriority(PagedPool, 2048, 'rFvD', LowPoolPriority);
    return Channel->Frame ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}

_IRQL_requires_(PASSIVE_LEVEL)
VOID CloseChannel(PCHANNEL Channel)
{
    KIRQL old;
    PVOID frame;

    KeAcquireSpinLock(&Channel->Lock, &old);
    frame = Channel->Frame;
    Channel->Frame = NULL;
    KeReleaseSpinLock(&Channel->Lock, old);

    if (frame) {
        ExFreePoolWithTag(frame, 'rFvD');
    }
}
`,
    },
    {
      name: 'paged memory freed at PASSIVE_LEVEL in a pageable routine',
      code: `typedef struct _DEVICE_EXTENSION { PVOID Names; } DEVICE_EXTENSION, *PDEVICE_EXTENSION;

VOID LoadNames(PDEVICE_EXTENSION Ext)
{
    PAGED_CODE();
    Ext->Names = ExAllocatePoolWithTagPriority(PagedPool, 1024, 'smND', LowPoolPriority);
}

VOID UnloadNames(PDEVICE_EXTENSION Ext)
{
    PAGED_CODE();
    if (Ext->Names != NULL) {
        ExFreePoolWithTag(Ext->Names, 'smND');
        Ext->Names = NULL;
    }
}
`,
    },
    {
      name: 'memory from ExAllocatePoolWithTag and ExAllocatePool3 is not this rule’s business',
      code: `typedef struct _CACHES { PVOID Tagged; PVOID Extended; } CACHES, *PCACHES;

_IRQL_requires_(PASSIVE_LEVEL)
VOID InitCaches(PCACHES Caches)
{
    Caches->Tagged = ExAllocatePoolWithTag(PagedPool, 256, 'gaTD');
    Caches->Extended = ExAllocatePool3(POOL_FLAG_PAGED, 256, 'txED', NULL, 0);
}

KDEFERRED_ROUTINE TrimDpc;
VOID TrimDpc(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
    PCACHES caches = (PCACHES)Context;
    ExFreePoolWithTag(caches->Tagged, 'gaTD');
    ExFreePoolWithTag(caches->Extended, 'txED');
}
`,
    },
    {
      name: 'the pool type is a parameter: whether the memory is paged is unknown',
      code: `_IRQL_requires_max_(DISPATCH_LEVEL)
PVOID AllocateFrame(POOL_TYPE PoolType, SIZE_T Size)
{
    return ExAllocatePoolWithTagPriority(PoolType, Size, 'rFvD', NormalPoolPriority);
}

KDEFERRED_ROUTINE FrameDpc;
VOID FrameDpc(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
    PVOID frame = AllocateFrame(*(PPOOL_TYPE)Context, 64);
    if (frame != NULL) {
        ExFreePoolWithTag(frame, 'rFvD');
    }
}
`,
    },
    {
      name: 'a DISPATCH-capable routine that frees paged memory only on the PASSIVE_LEVEL branch',
      code: `typedef struct _REQUEST { PVOID Log; } REQUEST, *PREQUEST;

_IRQL_requires_(PASSIVE_LEVEL)
VOID StartRequest(PREQUEST Request)
{
    Request->Log = ExAllocatePoolWithTagPriority(PagedPool, 256, 'goLR', LowPoolPriority);
}

_IRQL_requires_max_(DISPATCH_LEVEL)
VOID FinishRequest(PREQUEST Request)
{
    if (KeGetCurrentIrql() > PASSIVE_LEVEL) {
        DeferFree(Request);
        return;
    }
    ExFreePoolWithTag(Request->Log, 'goLR');
}
`,
    },
  ],
  invalid: [
    {
      name: 'a paged device-extension table allocated in one file and freed in a DPC in another',
      code: TABLE_DPC,
      filename: 'teardown.c',
      files: { 'lookup.c': TABLE_ALLOC },
      errors: [
        {
          messageId: 'pagedAtDispatch',
          data: {
            callee: 'ExFreePoolWithTag',
            allocator: 'ExAllocatePoolWithTagPriority',
            where: `lookup.c:${lineOf(TABLE_ALLOC, 'ExAllocatePoolWithTagPriority(')}`,
            irql: 'runs at DISPATCH_LEVEL',
          },
          line: lineOf(TABLE_DPC, 'ExFreePoolWithTag('),
          column: columnOf(TABLE_DPC, 'ExFreePoolWithTag('),
          basis: 'contract',
          trace: ['TeardownDpc is declared KDEFERRED_ROUTINE, entered at DISPATCH_LEVEL'],
        },
      ],
    },
    {
      name: 'PagedPoolCacheAligned memory freed with ExFreePool under an in-stack queued spin lock',
      code: QUEUED_LOCK,
      errors: [
        {
          messageId: 'pagedAtDispatch',
          message: `ExFreePool frees paged memory (allocated by ExAllocatePoolWithTagPriority at test.c:${lineOf(QUEUED_LOCK, 'ExAllocatePoolWithTagPriority(')}) where the code runs at DISPATCH_LEVEL: at DISPATCH_LEVEL only non-paged memory may be freed.`,
          line: lineOf(QUEUED_LOCK, 'ExFreePool('),
          column: columnOf(QUEUED_LOCK, 'ExFreePool('),
          basis: 'proven',
          trace: ['KeAcquireInStackQueuedSpinLock raises the IRQL to DISPATCH_LEVEL'],
        },
      ],
    },
    {
      name: 'allocated by a helper that returns it, freed by a helper that takes the pointer, from a DPC',
      code: HELPERS,
      errors: [
        {
          messageId: 'pagedAtDispatch',
          data: {
            callee: 'ExFreePoolWithTag',
            allocator: 'ExAllocatePoolWithTagPriority',
            where: `test.c:${lineOf(HELPERS, 'ExAllocatePoolWithTagPriority(')}`,
            irql: 'runs at DISPATCH_LEVEL',
          },
          line: lineOf(HELPERS, 'ExFreePoolWithTag('),
          column: columnOf(HELPERS, 'ExFreePoolWithTag('),
          basis: 'contract',
          trace: ['StopWorkerDpc is declared KDEFERRED_ROUTINE, entered at DISPATCH_LEVEL', 'StopWorkerDpc calls FreeScratch at DISPATCH_LEVEL'],
        },
      ],
    },
    {
      name: 'only the priority allocation is reported when both kinds are freed in the same DPC',
      code: `typedef struct _BUFFERS { PVOID Tagged; PVOID Prioritised; } BUFFERS, *PBUFFERS;

_IRQL_requires_(PASSIVE_LEVEL)
VOID InitBuffers(PBUFFERS Buffers)
{
    Buffers->Tagged = ExAllocatePoolWithTag(PagedPool, 64, 'gaTD');
    Buffers->Prioritised = ExAllocatePoolWithTagPriority(PagedPool, 64, 'irPD', HighPoolPriority);
}

KDEFERRED_ROUTINE DrainDpc;
VOID DrainDpc(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
    PBUFFERS buffers = (PBUFFERS)Context;
    ExFreePoolWithTag(buffers->Tagged, 'gaTD');
    ExFreePoolWithTag(buffers->Prioritised, 'irPD');
}
`,
      errors: [{ messageId: 'pagedAtDispatch', line: 15, column: 5, data: { callee: 'ExFreePoolWithTag', allocator: 'ExAllocatePoolWithTagPriority', where: 'test.c:7', irql: 'runs at DISPATCH_LEVEL' } }],
    },
    {
      name: 'a session-paged allocation freed in a timer DPC registered with KeInitializeDpc',
      code: `typedef struct _SESSION_STATE { KTIMER Timer; KDPC Dpc; PVOID View; } SESSION_STATE, *PSESSION_STATE;

VOID ExpireView(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
    PSESSION_STATE state = (PSESSION_STATE)Context;
    ExFreePoolWithTag(state->View, 'weVS');
}

_IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS StartView(PSESSION_STATE State)
{
    State->View = ExAllocatePoolWithTagPriority(PagedPoolSession, 128, 'weVS', NormalPoolPriority);
    if (State->View == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    KeInitializeTimer(&State->Timer);
    KeInitializeDpc(&State->Dpc, ExpireView, State);
    return STATUS_SUCCESS;
}
`,
      errors: [
        {
          messageId: 'pagedAtDispatch',
          line: 6,
          column: 5,
          basis: 'contract',
          trace: ['ExpireView is registered as KDEFERRED_ROUTINE by KeInitializeDpc(…), entered at DISPATCH_LEVEL'],
        },
      ],
    },
  ],
});

describe('wdm/IrqlExFree2 meta', () => {
  it('names Microsoft’s rule and PREfast C28121, and is not in the recommended preset', () => {
    expect(rule.meta.docs.microsoftRule).toBe('IrqlExFree2');
    expect(rule.meta.docs.prefast).toBe('C28121');
    expect(rule.meta.docs.recommended).toBe(false);
    expect(rule.meta.type).toBe('problem');
    expect(rule.meta.docs.url).toMatch(/rules\/wdm\/IrqlExFree2\.md$/);
  });
});
