#include <ndis.h>

typedef struct _ADAPTER {
    NDIS_HANDLE AdapterHandle;
    NDIS_SPIN_LOCK QueueLock;
    KSPIN_LOCK FreeLock;
    LIST_ENTRY FreeList;
} ADAPTER, *PADAPTER;

//
// Queued with NdisQueueIoWorkItem: NDIS runs it in a system worker thread at PASSIVE_LEVEL.
//
VOID
FreeQueuesWorkItem(
    _In_opt_ PVOID WorkItemContext,
    _In_ NDIS_HANDLE NdisIoWorkItemHandle
    )
{
    PADAPTER adapter = (PADAPTER)WorkItemContext;
    KIRQL oldIrql;

    UNREFERENCED_PARAMETER(oldIrql);
    // The AtDpcLevel variant assumes DISPATCH_LEVEL: at PASSIVE_LEVEL it does not raise.
    if (KeTryToAcquireSpinLockAtDpcLevel(&adapter->FreeLock)) {   // expect: wdm/IrqlTooLow trace=39 basis=contract
        InitializeListHead(&adapter->FreeList);
        KeReleaseSpinLockFromDpcLevel(&adapter->FreeLock);
    }
    NdisFreeIoWorkItem(NdisIoWorkItemHandle);
}

_IRQL_requires_max_(DISPATCH_LEVEL)
VOID
ScheduleQueueFree(
    _In_ PADAPTER Adapter
    )
{
    NDIS_HANDLE workItem = NdisAllocateIoWorkItem(Adapter->AdapterHandle);
    if (workItem != NULL) {
        NdisQueueIoWorkItem(workItem, FreeQueuesWorkItem, Adapter);
    }
}
