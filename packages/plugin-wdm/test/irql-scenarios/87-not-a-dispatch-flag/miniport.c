#include <ndis.h>

typedef struct _ADAPTER {
    NDIS_SPIN_LOCK QueueLock;
    KSPIN_LOCK TxLock;
    LIST_ENTRY SendQueue;
    ULONG Queued;
} ADAPTER, *PADAPTER;

//
// Transmits what is queued. AtDispatch says whether the caller already runs at DISPATCH_LEVEL; when it does not,
// the IRQL is raised here for the DPC-level lock.
//
VOID
TxFlushQueue(
    _In_ PADAPTER Adapter,
    _In_ BOOLEAN AtDispatch
    )
{
    KIRQL oldIrql = PASSIVE_LEVEL;

    if (!AtDispatch) {
        KeRaiseIrql(DISPATCH_LEVEL, &oldIrql);
    }

    if (KeTryToAcquireSpinLockAtDpcLevel(&Adapter->TxLock)) {   // expect: wdm/IrqlTooLow trace=36,64 basis=contract
        Adapter->Queued = 0;
        KeReleaseSpinLockFromDpcLevel(&Adapter->TxLock);
    }

    if (!AtDispatch) {
        KeLowerIrql(oldIrql);
    }
}

MINIPORT_SEND_NET_BUFFER_LISTS MpSendNetBufferLists;

VOID
MpSendNetBufferLists(
    _In_ NDIS_HANDLE MiniportAdapterContext,
    _In_ PNET_BUFFER_LIST NetBufferLists,
    _In_ NDIS_PORT_NUMBER PortNumber,
    _In_ ULONG SendFlags
    )
{
    PADAPTER adapter = (PADAPTER)MiniportAdapterContext;
    // The wrong flag: loopback says nothing about the IRQL, so TxFlushQueue may be told DISPATCH_LEVEL at PASSIVE_LEVEL.
    BOOLEAN atDispatch = (SendFlags & NDIS_SEND_FLAGS_CHECK_FOR_LOOPBACK) ? TRUE : FALSE;

    UNREFERENCED_PARAMETER(NetBufferLists);
    UNREFERENCED_PARAMETER(PortNumber);

    // The flag says DISPATCH_LEVEL: the DPC-level acquire is right on that branch.
    if (NDIS_TEST_SEND_AT_DISPATCH_LEVEL(SendFlags)) {
        NdisDprAcquireSpinLock(&adapter->QueueLock);
        adapter->Queued++;
        NdisDprReleaseSpinLock(&adapter->QueueLock);
    } else {
        NdisAcquireSpinLock(&adapter->QueueLock);
        adapter->Queued++;
        NdisReleaseSpinLock(&adapter->QueueLock);
    }

    TxFlushQueue(adapter, atDispatch);
}

NDIS_IO_WORKITEM_FUNCTION TxRetryWorkItem;

//
// Runs at PASSIVE_LEVEL and says so: TxFlushQueue raises the IRQL itself.
//
VOID
TxRetryWorkItem(
    _In_ PVOID WorkItemContext,
    _In_ NDIS_HANDLE NdisIoWorkItemHandle
    )
{
    UNREFERENCED_PARAMETER(NdisIoWorkItemHandle);
    TxFlushQueue((PADAPTER)WorkItemContext, FALSE);
}

VOID
TxScheduleRetry(
    _In_ PADAPTER Adapter,
    _In_ NDIS_HANDLE WorkItem
    )
{
    NdisQueueIoWorkItem(WorkItem, TxRetryWorkItem, Adapter);
}
