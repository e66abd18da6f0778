import { describe, expect, it } from 'vitest';
import { RuleTester } from '@ddi-lint/core/rule-tester';
import rule from './IrqlExFree3.js';

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

// ---- A paged (ExAllocatePool2) statistics block in the device extension, freed by a DPC in another file. ----

const STATS_ALLOC = `#include <wdm.h>

#define STATS_TAG 'tSvD'

typedef struct _STATISTICS {
    ULONG64 BytesRead;
    ULONG64 BytesWritten;
} STATISTICS, *PSTATISTICS;

typedef struct _DEVICE_EXTENSION {
    KDPC ResetDpc;
    PSTATISTICS Stats;
} DEVICE_EXTENSION, *PDEVICE_EXTENSION;

_IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS
CreateStatistics(
    _Inout_ PDEVICE_EXTENSION Ext
    )
{
    Ext->Stats = (PSTATISTICS)ExAllocatePool2(POOL_FLAG_PAGED, sizeof(STATISTICS), STATS_TAG);
    return Ext->Stats != NULL ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}
`;

const STATS_DPC = `#include <wdm.h>

#define STATS_TAG 'tSvD'

KDEFERRED_ROUTINE ResetDpc;

_Use_decl_annotations_
VOID
ResetDpc(
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

    ExFreePool2(ext->Stats, STATS_TAG, NULL, 0);
    ext->Stats = NULL;
}
`;

// ---- Every allocator, every block paged, all freed under a spin lock. ----

const EVERY_ALLOCATOR = `#include <wdm.h>

typedef struct _POOLS {
    KSPIN_LOCK Lock;
    PVOID Tagged;
    PVOID Quota;
    PVOID Priority;
    PVOID Zeroed;
    PVOID Extended;
    PVOID NonPaged;
} POOLS, *PPOOLS;

_IRQL_requires_(PASSIVE_LEVEL)
VOID FillPools(PPOOLS Pools)
{
    Pools->Tagged = ExAllocatePoolWithTag(PagedPool, 64, 'gaTD');
    Pools->Quota = ExAllocatePoolWithQuotaTag(PagedPool, 64, 'atQD');
    Pools->Priority = ExAllocatePoolWithTagPriority(PagedPool, 64, 'irPD', LowPoolPriority);
    Pools->Zeroed = ExAllocatePoolZero(PagedPool, 64, 'oreZ');
    Pools->Extended = ExAllocatePool3(POOL_FLAG_PAGED, 64, '3lPD', NULL, 0);
    Pools->NonPaged = ExAllocatePool2(POOL_FLAG_NON_PAGED, 64, 'gPND');
}

_IRQL_requires_(PASSIVE_LEVEL)
VOID DrainPools(PPOOLS Pools)
{
    KIRQL old;

    KeAcquireSpinLock(&Pools->Lock, &old);
    ExFreePoolWithTag(Pools->Tagged, 'gaTD');
    ExFreePool(Pools->Quota);
    ExFreePoolWithTag(Pools->Priority, 'irPD');
    ExFreePoolWithTag(Pools->Zeroed, 'oreZ');
    ExFreePoolWithTag(Pools->Extended, '3lPD');
    ExFreePoolWithTag(Pools->NonPaged, 'gPND');
    KeReleaseSpinLock(&Pools->Lock, old);
}
`;

// ---- An interrupt service routine frees memory: any pool, above DISPATCH_LEVEL. ----

const ISR_FREE = `#include <wdm.h>

typedef struct _DEVICE_EXTENSION {
    PVOID PendingSnapshot;
} DEVICE_EXTENSION, *PDEVICE_EXTENSION;

KSERVICE_ROUTINE DeviceIsr;

_Use_decl_annotations_
BOOLEAN
DeviceIsr(
    PKINTERRUPT Interrupt,
    PVOID ServiceContext
    )
{
    PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)ServiceContext;

    UNREFERENCED_PARAMETER(Interrupt);

    if (ext->PendingSnapshot != NULL) {
        ExFreePoolWithTag(ext->PendingSnapshot, 'panS');
        ext->PendingSnapshot = NULL;
    }
    return TRUE;
}
`;

// ---- A free helper called from a routine registered with IoConnectInterrupt. ----

const ISR_HELPER = `#include <wdm.h>

static VOID DiscardRecord(PVOID Record)
{
    ExFreePoolWithTag(Record, 'ceRD');
}

BOOLEAN OnInterrupt(PKINTERRUPT Interrupt, PVOID Context)
{
    DiscardRecord(Context);
    return TRUE;
}

_IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS ConnectInterrupt(PDEVICE_EXTENSION Ext, PCM_PARTIAL_RESOURCE_DESCRIPTOR Res)
{
    return IoConnectInterrupt(&Ext->Interrupt, OnInterrupt, Ext, NULL,
                              Res->u.Interrupt.Vector, (KIRQL)Res->u.Interrupt.Level,
                              (KIRQL)Res->u.Interrupt.Level, LevelSensitive, TRUE,
                              Res->u.Interrupt.Affinity, FALSE);
}
`;

new RuleTester().run('wdm/IrqlExFree3', rule, {
  valid: [
    {
      name: 'non-paged memory from ExAllocatePool2 freed in a DPC',
      code: `#define RING_TAG 'gnRD'
typedef struct _DEVICE_EXTENSION { PVOID Ring; } DEVICE_EXTENSION, *PDEVICE_EXTENSION;

_IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS StartDevice(PDEVICE_EXTENSION Ext)
{
    Ext->Ring = ExAllocatePool2(POOL_FLAG_NON_PAGED, PAGE_SIZE, RING_TAG);
    return Ext->Ring ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}

KDEFERRED_ROUTINE StopDpc;
VOID StopDpc(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
    PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)Context;
    ExFreePoolWithTag(ext->Ring, RING_TAG);
    ext->Ring = NULL;
}
`,
    },
    {
      name: 'non-paged entries freed while walking a list under a spin lock',
      code: `typedef struct _ENTRY { LIST_ENTRY Link; ULONG Id; } ENTRY, *PENTRY;
typedef struct _QUEUE { KSPIN_LOCK Lock; LIST_ENTRY Head; } QUEUE, *PQUEUE;

_IRQL_requires_max_(DISPATCH_LEVEL)
NTSTATUS Enqueue(PQUEUE Queue, ULONG Id)
{
    KIRQL old;
    PENTRY entry = (PENTRY)ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(ENTRY), 'tnED');
    if (entry == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    entry->Id = Id;
    KeAcquireSpinLock(&Queue->Lock, &old);
    InsertTailList(&Queue->Head, &entry->Link);
    KeReleaseSpinLock(&Queue->Lock, old);
    return STATUS_SUCCESS;
}

_IRQL_requires_max_(DISPATCH_LEVEL)
VOID Flush(PQUEUE Queue)
{
    KIRQL old;
    KeAcquireSpinLock(&Queue->Lock, &old);
    while (!IsListEmpty(&Queue->Head)) {
        PLIST_ENTRY link = RemoveHeadList(&Queue->Head);
        PENTRY entry = CONTAINING_RECORD(link, ENTRY, Link);
        ExFreePoolWithTag(entry, 'tnED');
    }
    KeReleaseSpinLock(&Queue->Lock, old);
}
`,
    },
    {
      name: 'paged memory handed from a DPC to a work item and freed there at PASSIVE_LEVEL',
      code: `typedef struct _DEVICE_EXTENSION { PIO_WORKITEM Item; PVOID Report; } DEVICE_EXTENSION, *PDEVICE_EXTENSION;

_IRQL_requires_(PASSIVE_LEVEL)
VOID BuildReport(PDEVICE_EXTENSION Ext)
{
    Ext->Report = ExAllocatePool2(POOL_FLAG_PAGED, 4096, 'tpRD');
}

VOID FreeReportWorker(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
    PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)Context;
    ExFreePoolWithTag(ext->Report, 'tpRD');
    ext->Report = NULL;
}

KDEFERRED_ROUTINE DoneDpc;
VOID DoneDpc(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
    PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)Context;
    IoQueueWorkItem(ext->Item, FreeReportWorker, DelayedWorkQueue, ext);
}
`,
    },
    {
      name: 'memory of unknown origin freed in a DPC: whether it is paged is unknown',
      code: `KDEFERRED_ROUTINE CompletionDpc;
VOID CompletionDpc(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
    PVOID buffer = Arg1;
    ExFreePool(buffer);
}
`,
    },
    {
      name: 'paged memory freed at PASSIVE_LEVEL in DriverUnload, after the DPCs are flushed',
      code: `typedef struct _GLOBALS { PVOID Table; } GLOBALS, *PGLOBALS;
PGLOBALS g_Globals;

_IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS InitTable(PGLOBALS G)
{
    G->Table = ExAllocatePool2(POOL_FLAG_PAGED, 8192, 'lbTD');
    return G->Table ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}

DRIVER_UNLOAD DriverUnload;
VOID DriverUnload(PDRIVER_OBJECT DriverObject)
{
    KeFlushQueuedDpcs();
    ExFreePool2(g_Globals->Table, 'lbTD', NULL, 0);
}
`,
    },
    {
      name: 'an unannotated free helper nobody calls is only assumed PASSIVE_LEVEL..DISPATCH_LEVEL: not reported by default',
      code: `typedef struct _CACHE { PVOID Index; } CACHE, *PCACHE;

_IRQL_requires_(PASSIVE_LEVEL)
VOID BuildCache(PCACHE Cache)
{
    Cache->Index = ExAllocatePool2(POOL_FLAG_PAGED, 4096, 'xdnI');
}

static VOID DropCache(PCACHE Cache)
{
    ExFreePoolWithTag(Cache->Index, 'xdnI');
}
`,
    },
  ],
  invalid: [
    {
      name: 'paged ExAllocatePool2 memory kept in the device extension and freed with ExFreePool2 in a DPC in another file',
      code: STATS_DPC,
      filename: 'reset.c',
      files: { 'stats.c': STATS_ALLOC },
      errors: [
        {
          messageId: 'pagedAtDispatch',
          message: `ExFreePool2 frees paged memory (allocated by ExAllocatePool2 at stats.c:${lineOf(STATS_ALLOC, 'ExAllocatePool2(')}) where the code runs at DISPATCH_LEVEL: at DISPATCH_LEVEL only non-paged memory may be freed.`,
          line: lineOf(STATS_DPC, 'ExFreePool2('),
          column: columnOf(STATS_DPC, 'ExFreePool2('),
          basis: 'contract',
          trace: ['ResetDpc is declared KDEFERRED_ROUTINE, entered at DISPATCH_LEVEL'],
        },
      ],
    },
    {
      name: 'every paged allocator is tracked; the non-paged block is not reported',
      code: EVERY_ALLOCATOR,
      errors: [
        { messageId: 'pagedAtDispatch', line: lineOf(EVERY_ALLOCATOR, 'Pools->Tagged,'), data: { callee: 'ExFreePoolWithTag', allocator: 'ExAllocatePoolWithTag', where: `test.c:${lineOf(EVERY_ALLOCATOR, 'ExAllocatePoolWithTag(')}`, irql: 'runs at DISPATCH_LEVEL' } },
        { messageId: 'pagedAtDispatch', line: lineOf(EVERY_ALLOCATOR, 'ExFreePool(Pools->Quota)'), data: { callee: 'ExFreePool', allocator: 'ExAllocatePoolWithQuotaTag', where: `test.c:${lineOf(EVERY_ALLOCATOR, 'ExAllocatePoolWithQuotaTag(')}`, irql: 'runs at DISPATCH_LEVEL' } },
        { messageId: 'pagedAtDispatch', line: lineOf(EVERY_ALLOCATOR, 'Pools->Priority,'), data: { callee: 'ExFreePoolWithTag', allocator: 'ExAllocatePoolWithTagPriority', where: `test.c:${lineOf(EVERY_ALLOCATOR, 'ExAllocatePoolWithTagPriority(')}`, irql: 'runs at DISPATCH_LEVEL' } },
        { messageId: 'pagedAtDispatch', line: lineOf(EVERY_ALLOCATOR, 'Pools->Zeroed,'), data: { callee: 'ExFreePoolWithTag', allocator: 'ExAllocatePoolZero', where: `test.c:${lineOf(EVERY_ALLOCATOR, 'ExAllocatePoolZero(')}`, irql: 'runs at DISPATCH_LEVEL' } },
        { messageId: 'pagedAtDispatch', line: lineOf(EVERY_ALLOCATOR, 'Pools->Extended,'), data: { callee: 'ExFreePoolWithTag', allocator: 'ExAllocatePool3', where: `test.c:${lineOf(EVERY_ALLOCATOR, 'ExAllocatePool3(')}`, irql: 'runs at DISPATCH_LEVEL' } },
      ],
    },
    {
      name: 'an ISR frees pool: above DISPATCH_LEVEL, whatever the pool',
      code: ISR_FREE,
      errors: [
        {
          messageId: 'aboveDispatch',
          message: 'ExFreePoolWithTag is called where the code runs at DIRQL: freeing pool requires IRQL <= DISPATCH_LEVEL (bug check 0xC4 / 0xA).',
          line: lineOf(ISR_FREE, 'ExFreePoolWithTag('),
          column: columnOf(ISR_FREE, 'ExFreePoolWithTag('),
          basis: 'contract',
          trace: ['DeviceIsr is declared KSERVICE_ROUTINE, entered at DIRQL'],
        },
      ],
    },
    {
      name: 'a free helper called from a routine registered with IoConnectInterrupt',
      code: ISR_HELPER,
      errors: [
        {
          messageId: 'aboveDispatch',
          data: { callee: 'ExFreePoolWithTag', irql: 'runs at DIRQL' },
          line: lineOf(ISR_HELPER, 'ExFreePoolWithTag('),
          column: columnOf(ISR_HELPER, 'ExFreePoolWithTag('),
          basis: 'contract',
          trace: [/OnInterrupt is registered as KSERVICE_ROUTINE by IoConnectInterrupt/, 'OnInterrupt calls DiscardRecord at DIRQL'],
        },
      ],
    },
    {
      name: 'paged memory freed at HIGH_LEVEL is reported once, as above DISPATCH_LEVEL',
      code: `typedef struct _CRASH_STATE { PVOID Dump; } CRASH_STATE, *PCRASH_STATE;

_IRQL_requires_(PASSIVE_LEVEL)
VOID PrepareDump(PCRASH_STATE State)
{
    KIRQL old;
    State->Dump = ExAllocatePool2(POOL_FLAG_PAGED, PAGE_SIZE, 'pmDD');
    KeRaiseIrql(HIGH_LEVEL, &old);
    ExFreePoolWithTag(State->Dump, 'pmDD');
    KeLowerIrql(old);
}
`,
      errors: [{ messageId: 'aboveDispatch', line: 9, column: 5, data: { callee: 'ExFreePoolWithTag', irql: 'runs at HIGH_LEVEL' }, basis: 'proven', trace: ['KeRaiseIrql raises the IRQL to HIGH_LEVEL'] }],
    },
    {
      name: 'non-paged memory freed under an interrupt spin lock',
      code: `typedef struct _DEVICE_EXTENSION { PKINTERRUPT Interrupt; PVOID Shadow; } DEVICE_EXTENSION, *PDEVICE_EXTENSION;

_IRQL_requires_(PASSIVE_LEVEL)
VOID DropShadow(PDEVICE_EXTENSION Ext)
{
    KIRQL old = KeAcquireInterruptSpinLock(Ext->Interrupt);
    if (Ext->Shadow != NULL) {
        ExFreePool((PVOID)Ext->Shadow);
        Ext->Shadow = NULL;
    }
    KeReleaseInterruptSpinLock(Ext->Interrupt, old);
}

_IRQL_requires_(PASSIVE_LEVEL)
VOID CreateShadow(PDEVICE_EXTENSION Ext)
{
    Ext->Shadow = ExAllocatePool2(POOL_FLAG_NON_PAGED, 256, 'wdhS');
}
`,
      errors: [{ messageId: 'aboveDispatch', line: 8, column: 9, data: { callee: 'ExFreePool', irql: 'runs at DIRQL' }, basis: 'proven', trace: ['KeAcquireInterruptSpinLock raises the IRQL to DIRQL'] }],
    },
    {
      name: 'a paged buffer from a helper that returns it, freed by a free helper a DPC calls',
      code: `#define STAGING_TAG 'gtSD'
typedef struct _DEVICE_EXTENSION { PVOID Staging; } DEVICE_EXTENSION, *PDEVICE_EXTENSION;

static PVOID AllocateStaging(SIZE_T Size)
{
    PVOID buffer = ExAllocatePool2(POOL_FLAG_PAGED | POOL_FLAG_UNINITIALIZED, Size, STAGING_TAG);
    return buffer;
}

static VOID ReleaseStaging(PVOID Buffer)
{
    ExFreePoolWithTag(Buffer, STAGING_TAG);
}

_IRQL_requires_(PASSIVE_LEVEL)
VOID StartDevice(PDEVICE_EXTENSION Ext)
{
    Ext->Staging = AllocateStaging(PAGE_SIZE);
}

KDEFERRED_ROUTINE StopDpc;
VOID StopDpc(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
    PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)Context;
    ReleaseStaging(ext->Staging);
}
`,
      errors: [
        {
          messageId: 'pagedAtDispatch',
          line: 12,
          column: 5,
          data: { callee: 'ExFreePoolWithTag', allocator: 'ExAllocatePool2', where: 'test.c:6', irql: 'runs at DISPATCH_LEVEL' },
          trace: ['StopDpc is declared KDEFERRED_ROUTINE, entered at DISPATCH_LEVEL', 'StopDpc calls ReleaseStaging at DISPATCH_LEVEL'],
        },
      ],
    },
  ],
});

describe('wdm/IrqlExFree3 meta', () => {
  it('names Microsoft’s rule and PREfast C28121, and is recommended', () => {
    expect(rule.meta.docs.microsoftRule).toBe('IrqlExFree3');
    expect(rule.meta.docs.prefast).toBe('C28121');
    expect(rule.meta.docs.recommended).toBe(true);
    expect(rule.meta.type).toBe('problem');
    expect(rule.meta.docs.url).toMatch(/rules\/wdm\/IrqlExFree3\.md$/);
  });
});
