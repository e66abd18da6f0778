import { describe, expect, it } from 'vitest';
import { RuleTester } from '@ddi-lint/core/rule-tester';
import rule from './IrqlExFree1.js';

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

// ---- A paged history buffer kept in the device extension, allocated in one file and freed by a DPC in another. ----

const HISTORY_ALLOC = `#include <wdm.h>

#define HISTORY_TAG 'tsHD'

typedef struct _DEVICE_EXTENSION {
    KSPIN_LOCK Lock;
    KDPC CleanupDpc;
    PUCHAR History;
    ULONG HistoryLength;
} DEVICE_EXTENSION, *PDEVICE_EXTENSION;

_IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS
AllocateHistory(
    _Inout_ PDEVICE_EXTENSION Ext,
    _In_ ULONG Length
    )
{
    Ext->History = (PUCHAR)ExAllocatePoolWithTag(PagedPool, Length, HISTORY_TAG);
    if (Ext->History == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    Ext->HistoryLength = Length;
    return STATUS_SUCCESS;
}
`;

const HISTORY_DPC = `#include <wdm.h>

#define HISTORY_TAG 'tsHD'

KDEFERRED_ROUTINE CleanupDpc;

_Use_decl_annotations_
VOID
CleanupDpc(
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

    if (ext->History != NULL) {
        ExFreePoolWithTag(ext->History, HISTORY_TAG);
        ext->History = NULL;
        ext->HistoryLength = 0;
    }
}
`;

// ---- A paged configuration block freed while the extension's spin lock is held. ----

const FREE_UNDER_LOCK = `#include <wdm.h>

#define CONFIG_TAG 'gfCD'

typedef struct _DEVICE_EXTENSION {
    KSPIN_LOCK Lock;
    PVOID Config;
} DEVICE_EXTENSION, *PDEVICE_EXTENSION;

_IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS LoadConfig(PDEVICE_EXTENSION Ext)
{
    PVOID config = ExAllocatePoolWithTag(PagedPool, 256, CONFIG_TAG);
    if (!config) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    Ext->Config = config;
    return STATUS_SUCCESS;
}

_IRQL_requires_(PASSIVE_LEVEL)
VOID UnloadConfig(PDEVICE_EXTENSION Ext)
{
    KIRQL oldIrql;

    KeAcquireSpinLock(&Ext->Lock, &oldIrql);
    if (Ext->Config != NULL) {
        ExFreePoolWithTag(Ext->Config, CONFIG_TAG);
        Ext->Config = NULL;
    }
    KeReleaseSpinLock(&Ext->Lock, oldIrql);
}
`;

// ---- The allocation is in a helper that returns it; the free is in a helper that takes the pointer. ----

const HELPERS = `#include <wdm.h>

#define STAGING_TAG 'gtSD'

typedef struct _DEVICE_EXTENSION {
    PVOID Staging;
    PVOID Ring;
} DEVICE_EXTENSION, *PDEVICE_EXTENSION;

static PVOID AllocateStaging(SIZE_T Size)
{
    PVOID buffer = ExAllocatePoolWithTag(PagedPool, Size, STAGING_TAG);
    return buffer;
}

static VOID ReleaseBuffer(PVOID Buffer)
{
    ExFreePoolWithTag(Buffer, STAGING_TAG);
}

_IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS StartDevice(PDEVICE_EXTENSION Ext)
{
    Ext->Staging = AllocateStaging(PAGE_SIZE);
    Ext->Ring = ExAllocatePoolWithTag(NonPagedPoolNx, PAGE_SIZE, STAGING_TAG);
    if (Ext->Staging == NULL || Ext->Ring == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    return STATUS_SUCCESS;
}

KDEFERRED_ROUTINE StopDpc;

VOID StopDpc(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
    PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)Context;

    ReleaseBuffer(ext->Ring);
    ReleaseBuffer((PVOID)ext->Staging);
}
`;

// ---- A completion routine (PASSIVE_LEVEL..DISPATCH_LEVEL by contract) frees a paged copy. ----

const COMPLETION = `#include <wdm.h>

typedef struct _READ_CONTEXT {
    PVOID Copy;
} READ_CONTEXT, *PREAD_CONTEXT;

_Dispatch_type_(IRP_MJ_READ)
DRIVER_DISPATCH DispatchRead;

NTSTATUS DispatchRead(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PREAD_CONTEXT ctx = ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(READ_CONTEXT), 'xtCR');
    if (ctx == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    ctx->Copy = ExAllocatePoolWithTag(PagedPool, 512, 'ypCR');
    return ForwardRead(DeviceObject, Irp, ctx);
}

IO_COMPLETION_ROUTINE ReadCompletion;

NTSTATUS ReadCompletion(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    PREAD_CONTEXT ctx = (PREAD_CONTEXT)Context;

    if (ctx->Copy != NULL) {
        ExFreePoolWithTag(ctx->Copy, 'ypCR');
    }
    ExFreePoolWithTag(ctx, 'xtCR');
    return STATUS_CONTINUE_COMPLETION;
}
`;

// ---- Untagged ExAllocatePool, and a pool type from a #define with a modifier OR-ed in. ----

const UNTAGGED_AND_DEFINE = `#include <wdm.h>

#define LOG_POOL (PagedPool | POOL_RAISE_IF_ALLOCATION_FAILURE)

typedef struct _LOGGER {
    PVOID Scratch;
    PVOID Entries;
} LOGGER, *PLOGGER;

_IRQL_requires_(PASSIVE_LEVEL)
VOID InitLogger(PLOGGER Log)
{
    Log->Scratch = ExAllocatePool(PagedPool, 128);
    Log->Entries = ExAllocatePoolWithTag(LOG_POOL, 1024, 'goLD');
}

KDEFERRED_ROUTINE FlushDpc;

VOID FlushDpc(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
    PLOGGER log = (PLOGGER)Context;

    ExFreePool(log->Scratch);
    ExFreePoolWithTag(log->Entries, 'goLD');
}
`;

// ---- A free in an unannotated helper nobody calls: the entry is only assumed PASSIVE_LEVEL..DISPATCH_LEVEL. ----

const ASSUMED_HELPER = `typedef struct _CACHE {
    PVOID Index;
} CACHE, *PCACHE;

_IRQL_requires_(PASSIVE_LEVEL)
VOID BuildCache(PCACHE Cache)
{
    Cache->Index = ExAllocatePoolWithTag(PagedPool, 4096, 'xdnI');
}

static VOID DropCache(PCACHE Cache)
{
    ExFreePoolWithTag(Cache->Index, 'xdnI');
}
`;

const pagedMessage = (callee: string, allocator: string, where: string, irql: string) =>
  `${callee} frees paged memory (allocated by ${allocator} at ${where}) where the code ${irql}: at DISPATCH_LEVEL only non-paged memory may be freed.`;

new RuleTester().run('wdm/IrqlExFree1', rule, {
  valid: [
    {
      name: 'non-paged memory freed in a DPC',
      code: `#define RING_TAG 'gnRD'
typedef struct _DEVICE_EXTENSION { PVOID Ring; } DEVICE_EXTENSION, *PDEVICE_EXTENSION;

_IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS StartDevice(PDEVICE_EXTENSION Ext)
{
    Ext->Ring = ExAllocatePoolWithTag(NonPagedPoolNx, PAGE_SIZE, RING_TAG);
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
      name: 'a paged block taken out under the spin lock and freed after the lock is released',
      code: `#define CONFIG_TAG 'gfCD'
typedef struct _DEVICE_EXTENSION { KSPIN_LOCK Lock; PVOID Config; } DEVICE_EXTENSION, *PDEVICE_EXTENSION;

_IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS LoadConfig(PDEVICE_EXTENSION Ext)
{
    Ext->Config = ExAllocatePoolWithTag(PagedPool, 256, CONFIG_TAG);
    return Ext->Config ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}

_IRQL_requires_(PASSIVE_LEVEL)
VOID UnloadConfig(PDEVICE_EXTENSION Ext)
{
    KIRQL oldIrql;
    PVOID config;

    KeAcquireSpinLock(&Ext->Lock, &oldIrql);
    config = Ext->Config;
    Ext->Config = NULL;
    KeReleaseSpinLock(&Ext->Lock, oldIrql);

    if (config != NULL) {
        ExFreePoolWithTag(config, CONFIG_TAG);
    }
}
`,
    },
    {
      name: 'paged memory freed at PASSIVE_LEVEL in the unload routine',
      code: `typedef struct _DRIVER_GLOBALS { PWCHAR RegistryPath; } DRIVER_GLOBALS;
DRIVER_GLOBALS g_Globals;
typedef struct _DEVICE_EXTENSION { PWCHAR Name; } DEVICE_EXTENSION, *PDEVICE_EXTENSION;

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    PDEVICE_EXTENSION ext = GetExtension(DriverObject);
    ext->Name = ExAllocatePoolWithTag(PagedPool, RegistryPath->Length + sizeof(WCHAR), 'emND');
    if (ext->Name == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    return STATUS_SUCCESS;
}

DRIVER_UNLOAD DriverUnload;
VOID DriverUnload(PDRIVER_OBJECT DriverObject)
{
    PDEVICE_EXTENSION ext = GetExtension(DriverObject);
    if (ext->Name != NULL) {
        ExFreePoolWithTag(ext->Name, 'emND');
    }
}
`,
    },
    {
      name: 'paged memory freed under a fast mutex (APC_LEVEL)',
      code: `typedef struct _DEVICE_EXTENSION { FAST_MUTEX Mutex; PVOID Log; } DEVICE_EXTENSION, *PDEVICE_EXTENSION;

_IRQL_requires_(PASSIVE_LEVEL)
VOID InitLog(PDEVICE_EXTENSION Ext)
{
    Ext->Log = ExAllocatePoolWithTag(PagedPool, 512, 'goLD');
}

_IRQL_requires_(PASSIVE_LEVEL)
VOID CloseLog(PDEVICE_EXTENSION Ext)
{
    ExAcquireFastMutex(&Ext->Mutex);
    if (Ext->Log != NULL) {
        ExFreePoolWithTag(Ext->Log, 'goLD');
        Ext->Log = NULL;
    }
    ExReleaseFastMutex(&Ext->Mutex);
}
`,
    },
    {
      name: 'a completion routine frees paged memory only when KeGetCurrentIrql() == PASSIVE_LEVEL',
      code: `typedef struct _READ_CONTEXT { PVOID Copy; } READ_CONTEXT, *PREAD_CONTEXT;

_IRQL_requires_(PASSIVE_LEVEL)
VOID PrepareRead(PREAD_CONTEXT Ctx)
{
    Ctx->Copy = ExAllocatePoolWithTag(PagedPool, 512, 'ypCR');
}

IO_COMPLETION_ROUTINE ReadCompletion;
NTSTATUS ReadCompletion(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    PREAD_CONTEXT ctx = (PREAD_CONTEXT)Context;
    if (KeGetCurrentIrql() == PASSIVE_LEVEL) {
        ExFreePoolWithTag(ctx->Copy, 'ypCR');
        ctx->Copy = NULL;
    } else {
        QueueFreeWorkItem(ctx);
    }
    return STATUS_CONTINUE_COMPLETION;
}
`,
    },
    {
      name: 'the pool type is a variable: whether the memory is paged is unknown',
      code: `typedef struct _TABLE { POOL_TYPE PoolType; PVOID Rows; } TABLE, *PTABLE;

_IRQL_requires_(PASSIVE_LEVEL)
VOID AllocateRows(PTABLE Table, SIZE_T Size)
{
    Table->Rows = ExAllocatePoolWithTag(Table->PoolType, Size, 'swoR');
}

KDEFERRED_ROUTINE TableDpc;
VOID TableDpc(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
    PTABLE table = (PTABLE)Context;
    ExFreePoolWithTag(table->Rows, 'swoR');
}
`,
    },
    {
      name: 'memory from ExAllocatePoolWithTagPriority and ExAllocatePool2 is not this rule’s business',
      code: `typedef struct _CACHES { PVOID Hot; PVOID Cold; } CACHES, *PCACHES;

_IRQL_requires_(PASSIVE_LEVEL)
VOID InitCaches(PCACHES Caches)
{
    Caches->Hot = ExAllocatePoolWithTagPriority(PagedPool, 256, 'toHD', NormalPoolPriority);
    Caches->Cold = ExAllocatePool2(POOL_FLAG_PAGED, 256, 'loCD');
}

KDEFERRED_ROUTINE TrimDpc;
VOID TrimDpc(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
    PCACHES caches = (PCACHES)Context;
    ExFreePoolWithTag(caches->Hot, 'toHD');
    ExFreePoolWithTag(caches->Cold, 'loCD');
}
`,
    },
    {
      name: 'non-paged memory freed above DISPATCH_LEVEL is left to wdm/IrqlExFree3',
      code: `typedef struct _DEVICE_EXTENSION { PKINTERRUPT Interrupt; PVOID Snapshot; } DEVICE_EXTENSION, *PDEVICE_EXTENSION;

_IRQL_requires_(PASSIVE_LEVEL)
VOID TakeSnapshot(PDEVICE_EXTENSION Ext)
{
    KIRQL old;
    PVOID snapshot = ExAllocatePoolWithTag(NonPagedPoolNx, 64, 'panS');
    old = KeAcquireInterruptSpinLock(Ext->Interrupt);
    ExFreePoolWithTag(snapshot, 'panS');
    KeReleaseInterruptSpinLock(Ext->Interrupt, old);
}
`,
    },
    {
      name: 'an unannotated helper nobody calls is only assumed to run at DISPATCH_LEVEL: not reported by default',
      code: ASSUMED_HELPER,
    },
    {
      name: 'a paged and a non-paged block in separate locals, freed at PASSIVE_LEVEL and under a lock',
      code: `typedef struct _DEVICE_EXTENSION { KSPIN_LOCK Lock; } DEVICE_EXTENSION, *PDEVICE_EXTENSION;

_IRQL_requires_(PASSIVE_LEVEL)
VOID Exercise(PDEVICE_EXTENSION Ext)
{
    KIRQL old;
    PVOID paged = ExAllocatePoolWithTag(PagedPool, 64, 'dgPD');
    PVOID nonPaged;

    if (paged != NULL) {
        ExFreePoolWithTag(paged, 'dgPD');
    }
    KeAcquireSpinLock(&Ext->Lock, &old);
    nonPaged = ExAllocatePoolWithTag(NonPagedPoolNx, 64, 'gpND');
    if (nonPaged != NULL) {
        ExFreePoolWithTag(nonPaged, 'gpND');
    }
    KeReleaseSpinLock(&Ext->Lock, old);
}
`,
    },
  ],
  invalid: [
    {
      name: 'a paged device-extension buffer allocated in one file and freed in a DPC in another',
      code: HISTORY_DPC,
      filename: 'dpc.c',
      files: { 'history.c': HISTORY_ALLOC },
      errors: [
        {
          messageId: 'pagedAtDispatch',
          message: pagedMessage('ExFreePoolWithTag', 'ExAllocatePoolWithTag', `history.c:${lineOf(HISTORY_ALLOC, 'ExAllocatePoolWithTag(')}`, 'runs at DISPATCH_LEVEL'),
          line: lineOf(HISTORY_DPC, 'ExFreePoolWithTag('),
          column: columnOf(HISTORY_DPC, 'ExFreePoolWithTag('),
          endLine: lineOf(HISTORY_DPC, 'ExFreePoolWithTag('),
          endColumn: columnOf(HISTORY_DPC, 'ExFreePoolWithTag(') + 'ExFreePoolWithTag(ext->History, HISTORY_TAG)'.length,
          basis: 'contract',
          trace: ['CleanupDpc is declared KDEFERRED_ROUTINE, entered at DISPATCH_LEVEL'],
        },
      ],
    },
    {
      name: 'paged memory freed under a spin lock',
      code: FREE_UNDER_LOCK,
      errors: [
        {
          messageId: 'pagedAtDispatch',
          data: {
            callee: 'ExFreePoolWithTag',
            allocator: 'ExAllocatePoolWithTag',
            where: `test.c:${lineOf(FREE_UNDER_LOCK, 'ExAllocatePoolWithTag(')}`,
            irql: 'runs at DISPATCH_LEVEL',
          },
          line: lineOf(FREE_UNDER_LOCK, 'ExFreePoolWithTag('),
          column: columnOf(FREE_UNDER_LOCK, 'ExFreePoolWithTag('),
          basis: 'proven',
          trace: ['KeAcquireSpinLock raises the IRQL to DISPATCH_LEVEL'],
        },
      ],
    },
    {
      name: 'allocated by a helper that returns it, freed by a helper called from a DPC with a cast argument',
      code: HELPERS,
      errors: [
        {
          messageId: 'pagedAtDispatch',
          data: {
            callee: 'ExFreePoolWithTag',
            allocator: 'ExAllocatePoolWithTag',
            where: `test.c:${lineOf(HELPERS, 'ExAllocatePoolWithTag(PagedPool')}`,
            irql: 'runs at DISPATCH_LEVEL',
          },
          line: lineOf(HELPERS, 'ExFreePoolWithTag('),
          column: columnOf(HELPERS, 'ExFreePoolWithTag('),
          basis: 'contract',
          trace: ['StopDpc is declared KDEFERRED_ROUTINE, entered at DISPATCH_LEVEL', 'StopDpc calls ReleaseBuffer at DISPATCH_LEVEL'],
        },
      ],
    },
    {
      name: 'a completion routine may run at DISPATCH_LEVEL: the paged copy is reported, the non-paged context is not',
      code: COMPLETION,
      errors: [
        {
          messageId: 'pagedAtDispatch',
          data: {
            callee: 'ExFreePoolWithTag',
            allocator: 'ExAllocatePoolWithTag',
            where: `test.c:${lineOf(COMPLETION, 'ExAllocatePoolWithTag(PagedPool')}`,
            irql: 'may run at PASSIVE_LEVEL..DISPATCH_LEVEL',
          },
          line: lineOf(COMPLETION, 'ExFreePoolWithTag(ctx->Copy'),
          column: columnOf(COMPLETION, 'ExFreePoolWithTag(ctx->Copy'),
          basis: 'contract',
          trace: ['ReadCompletion is declared IO_COMPLETION_ROUTINE, entered at PASSIVE_LEVEL..DISPATCH_LEVEL'],
        },
      ],
    },
    {
      name: 'untagged ExAllocatePool freed with ExFreePool, and a paged pool type through a #define',
      code: UNTAGGED_AND_DEFINE,
      errors: [
        {
          messageId: 'pagedAtDispatch',
          data: { callee: 'ExFreePool', allocator: 'ExAllocatePool', where: `test.c:${lineOf(UNTAGGED_AND_DEFINE, 'ExAllocatePool(PagedPool')}`, irql: 'runs at DISPATCH_LEVEL' },
          line: lineOf(UNTAGGED_AND_DEFINE, 'ExFreePool(log->Scratch)'),
          column: columnOf(UNTAGGED_AND_DEFINE, 'ExFreePool(log->Scratch)'),
        },
        {
          messageId: 'pagedAtDispatch',
          data: {
            callee: 'ExFreePoolWithTag',
            allocator: 'ExAllocatePoolWithTag',
            where: `test.c:${lineOf(UNTAGGED_AND_DEFINE, 'ExAllocatePoolWithTag(LOG_POOL')}`,
            irql: 'runs at DISPATCH_LEVEL',
          },
          line: lineOf(UNTAGGED_AND_DEFINE, 'ExFreePoolWithTag(log->Entries'),
          column: columnOf(UNTAGGED_AND_DEFINE, 'ExFreePoolWithTag(log->Entries'),
        },
      ],
    },
    {
      name: 'paged memory freed after KeRaiseIrql(DISPATCH_LEVEL), not after KeLowerIrql',
      code: `typedef struct _STATE { PVOID Before; PVOID After; } STATE, *PSTATE;

_IRQL_requires_(PASSIVE_LEVEL)
VOID Cycle(PSTATE State)
{
    KIRQL old;
    State->Before = ExAllocatePoolWithTag(PagedPool, 32, 'ebSD');
    State->After = ExAllocatePoolWithTag(PagedPool, 32, 'faSD');
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    ExFreePoolWithTag(State->Before, 'ebSD');
    KeLowerIrql(old);
    ExFreePoolWithTag(State->After, 'faSD');
}
`,
      errors: [{ messageId: 'pagedAtDispatch', line: 10, column: 5, basis: 'proven', trace: ['KeRaiseIrql raises the IRQL to DISPATCH_LEVEL'] }],
    },
    {
      name: 'paged memory freed at DIRQL is reported as paged (the above-DISPATCH report is wdm/IrqlExFree3’s)',
      code: `typedef struct _DEVICE_EXTENSION { PKINTERRUPT Interrupt; PVOID Registers; } DEVICE_EXTENSION, *PDEVICE_EXTENSION;

_IRQL_requires_(PASSIVE_LEVEL)
VOID Reset(PDEVICE_EXTENSION Ext)
{
    KIRQL old;
    Ext->Registers = ExAllocatePoolWithTag(PagedPool, 64, 'geRD');
    old = KeAcquireInterruptSpinLock(Ext->Interrupt);
    ExFreePoolWithTag(Ext->Registers, 'geRD');
    KeReleaseInterruptSpinLock(Ext->Interrupt, old);
}
`,
      errors: [{ messageId: 'pagedAtDispatch', line: 9, data: { callee: 'ExFreePoolWithTag', allocator: 'ExAllocatePoolWithTag', where: 'test.c:7', irql: 'runs at DIRQL' } }],
    },
    {
      name: 'assumed entry: reported with settings.irql.reportAssumed',
      code: ASSUMED_HELPER,
      settings: { irql: { reportAssumed: true } },
      errors: [
        {
          messageId: 'pagedAtDispatch',
          data: { callee: 'ExFreePoolWithTag', allocator: 'ExAllocatePoolWithTag', where: 'test.c:8', irql: 'may run at PASSIVE_LEVEL..DISPATCH_LEVEL' },
          line: lineOf(ASSUMED_HELPER, 'ExFreePoolWithTag('),
          basis: 'assumed',
          trace: ['DropCache has no IRQL annotation, role or caller here: assumed PASSIVE_LEVEL..DISPATCH_LEVEL'],
        },
      ],
    },
  ],
});

describe('wdm/IrqlExFree1 meta', () => {
  it('names Microsoft’s rule and PREfast C28121, and is not in the recommended preset', () => {
    expect(rule.meta.docs.microsoftRule).toBe('IrqlExFree1');
    expect(rule.meta.docs.prefast).toBe('C28121');
    expect(rule.meta.docs.recommended).toBe(false);
    expect(rule.meta.type).toBe('problem');
    expect(rule.meta.docs.url).toMatch(/rules\/wdm\/IrqlExFree1\.md$/);
  });
});
