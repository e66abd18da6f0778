/*
 * A system worker routine registered with ExInitializeWorkItem (WORKER_THREAD_ROUTINE, PASSIVE_LEVEL) flushes the
 * registry key the DPC marked dirty. ZwFlushKey needs PASSIVE_LEVEL, which is where a worker routine runs.
 * reportAssumed is on: were the registration not understood, ZwFlushKey would be an assumed IrqlTooHigh.
 */
#include <wdm.h>

typedef struct _FLUSH_EXTENSION {
    KDPC DirtyDpc;
    WORK_QUEUE_ITEM FlushItem;
    HANDLE ParametersKey;
    volatile LONG FlushQueued;
} FLUSH_EXTENSION, *PFLUSH_EXTENSION;

VOID
FlushWorker(
    _In_ PVOID Parameter
    )
{
    PFLUSH_EXTENSION ext = (PFLUSH_EXTENSION)Parameter;

    ZwFlushKey(ext->ParametersKey);
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

    if (InterlockedCompareExchange(&ext->FlushQueued, 1, 0) == 0) {
        ExInitializeWorkItem(&ext->FlushItem, FlushWorker, ext);
        ExQueueWorkItem(&ext->FlushItem, DelayedWorkQueue);
    }
}
