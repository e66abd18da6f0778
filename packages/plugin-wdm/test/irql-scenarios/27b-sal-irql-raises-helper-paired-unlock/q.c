/*
 * The same SAL-annotated lock wrappers (QLockQueue: _IRQL_raises_ + _IRQL_saves_; QUnlockQueue: _IRQL_restores_),
 * used right: only list work between them, and the overflow is logged with ZwWriteFile after QUnlockQueue has
 * restored the saved IRQL (PASSIVE_LEVEL in a dispatch routine).
 */
#include <wdm.h>

typedef struct _Q_EXTENSION {
    KSPIN_LOCK QueueLock;
    LIST_ENTRY Queue;
    ULONG Depth;
    ULONG MaxDepth;
    HANDLE OverflowLog;
} Q_EXTENSION, *PQ_EXTENSION;

_IRQL_requires_max_(DISPATCH_LEVEL)
_IRQL_raises_(DISPATCH_LEVEL)
VOID
QLockQueue(
    _Inout_ PQ_EXTENSION Ext,
    _Out_ _IRQL_saves_ PKIRQL OldIrql
    )
{
    KeAcquireSpinLock(&Ext->QueueLock, OldIrql);
}

_IRQL_requires_(DISPATCH_LEVEL)
VOID
QUnlockQueue(
    _Inout_ PQ_EXTENSION Ext,
    _In_ _IRQL_restores_ KIRQL OldIrql
    )
{
    KeReleaseSpinLock(&Ext->QueueLock, OldIrql);
}

_Dispatch_type_(IRP_MJ_WRITE)
DRIVER_DISPATCH QDispatchWrite;

_Use_decl_annotations_
NTSTATUS
QDispatchWrite(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    PQ_EXTENSION ext = (PQ_EXTENSION)DeviceObject->DeviceExtension;
    IO_STATUS_BLOCK iosb;
    NTSTATUS status = STATUS_PENDING;
    ULONG depth;
    KIRQL oldIrql;

    QLockQueue(ext, &oldIrql);
    depth = ext->Depth;
    if (depth < ext->MaxDepth) {
        InsertTailList(&ext->Queue, &Irp->Tail.Overlay.ListEntry);
        ext->Depth++;
        IoMarkIrpPending(Irp);
    } else {
        status = STATUS_DEVICE_BUSY;
    }
    QUnlockQueue(ext, oldIrql);

    if (status != STATUS_PENDING) {
        ZwWriteFile(ext->OverflowLog, NULL, NULL, NULL, &iosb, &depth, sizeof(depth), NULL, NULL);
        Irp->IoStatus.Status = status;
        Irp->IoStatus.Information = 0;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
    }
    return status;
}
