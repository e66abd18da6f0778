/*
 * Lock wrappers annotated the SAL way: QLockQueue is _IRQL_raises_(DISPATCH_LEVEL) and saves the previous IRQL
 * (_IRQL_saves_), QUnlockQueue restores it (_IRQL_restores_). The write routine logs an overflow with ZwWriteFile
 * between the two calls, at DISPATCH_LEVEL. QLockQueue itself is not reported: it says it returns raised.
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
    KIRQL oldIrql;

    QLockQueue(ext, &oldIrql);
    if (ext->Depth >= ext->MaxDepth) {
        ZwWriteFile(ext->OverflowLog, NULL, NULL, NULL, &iosb, &ext->Depth, sizeof(ext->Depth), NULL, NULL); // expect: wdm/IrqlTooHigh trace=17,52 basis=contract
        status = STATUS_DEVICE_BUSY;
    } else {
        InsertTailList(&ext->Queue, &Irp->Tail.Overlay.ListEntry);
        ext->Depth++;
        IoMarkIrpPending(Irp);
    }
    QUnlockQueue(ext, oldIrql);

    if (status != STATUS_PENDING) {
        Irp->IoStatus.Status = status;
        Irp->IoStatus.Information = 0;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
    }
    return status;
}
