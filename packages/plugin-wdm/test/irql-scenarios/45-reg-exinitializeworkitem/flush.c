/*
 * A system worker routine registered with ExInitializeWorkItem (WORKER_THREAD_ROUTINE, PASSIVE_LEVEL) reuses the
 * DPC's helper annotated _IRQL_requires_min_(DISPATCH_LEVEL) without raising the IRQL.
 */
#include <wdm.h>

typedef struct _FLUSH_EXTENSION {
    KDPC DirtyDpc;
    WORK_QUEUE_ITEM FlushItem;
    KSPIN_LOCK DirtyLock;
    ULONG DirtyMask;
    ULONG FlushedMask;
    volatile LONG FlushQueued;
} FLUSH_EXTENSION, *PFLUSH_EXTENSION;

_IRQL_requires_min_(DISPATCH_LEVEL)
static VOID
FlushCollectAtDpc(
    _Inout_ PFLUSH_EXTENSION Ext
    )
{
    KeAcquireSpinLockAtDpcLevel(&Ext->DirtyLock);
    Ext->FlushedMask |= Ext->DirtyMask;
    Ext->DirtyMask = 0;
    KeReleaseSpinLockFromDpcLevel(&Ext->DirtyLock);
}

VOID
FlushWorker(
    _In_ PVOID Parameter
    )
{
    PFLUSH_EXTENSION ext = (PFLUSH_EXTENSION)Parameter;

    FlushCollectAtDpc(ext); // expect: wdm/IrqlTooLow trace=57 basis=contract
    InterlockedExchange(&ext->FlushQueued, 0);
}

KDEFERRED_ROUTINE FlushDirtyDpc;

VOID
FlushDirtyDpc(
    _In_ PKDPC Dpc,
    _In_opt_ PVOID DeferredContext,
    _In_opt_ PVOID SystemArgument1,
    _In_opt_ PVOID SystemArgument2
    )
{
    PFLUSH_EXTENSION ext = (PFLUSH_EXTENSION)DeferredContext;

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);

    FlushCollectAtDpc(ext);
    if (InterlockedCompareExchange(&ext->FlushQueued, 1, 0) == 0) {
        ExInitializeWorkItem(&ext->FlushItem, FlushWorker, ext);
        ExQueueWorkItem(&ext->FlushItem, DelayedWorkQueue);
    }
}
