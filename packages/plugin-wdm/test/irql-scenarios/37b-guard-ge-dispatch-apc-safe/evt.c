/*
 * EvtLogEvent may be called up to DISPATCH_LEVEL and defers when "KeGetCurrentIrql() >= DISPATCH_LEVEL". After the
 * guard (PASSIVE_LEVEL..APC_LEVEL) it only does what APC_LEVEL allows: a paged allocation and an unbounded wait.
 */
#include <wdm.h>

#define EVT_TAG 'tvEL'

typedef struct _EVT_LOGGER {
    KDPC DeferDpc;
    KEVENT WriterIdle;
    PVOID Staging;
    ULONG LastEvent;
} EVT_LOGGER, *PEVT_LOGGER;

_IRQL_requires_max_(DISPATCH_LEVEL)
VOID
EvtLogEvent(
    _Inout_ PEVT_LOGGER Logger,
    _In_ ULONG EventId
    )
{
    if (KeGetCurrentIrql() >= DISPATCH_LEVEL) {
        KeInsertQueueDpc(&Logger->DeferDpc, (PVOID)(ULONG_PTR)EventId, NULL);
        return;
    }
    KeWaitForSingleObject(&Logger->WriterIdle, Executive, KernelMode, FALSE, NULL);
    if (Logger->Staging == NULL) {
        Logger->Staging = ExAllocatePoolWithTag(PagedPool, PAGE_SIZE, EVT_TAG);
    }
    Logger->LastEvent = EventId;
}
