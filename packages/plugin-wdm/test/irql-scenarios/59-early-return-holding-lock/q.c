/*
 * An early "return" inside the locked region: when the queue is full the routine returns STATUS_DEVICE_BUSY with the
 * queue lock still held.
 */
#include <wdm.h>

typedef struct _EQ_EXTENSION {
    KSPIN_LOCK QueueLock;
    LIST_ENTRY Queue;
    ULONG Depth;
} EQ_EXTENSION, *PEQ_EXTENSION;

_IRQL_requires_max_(DISPATCH_LEVEL)
NTSTATUS
EqQueueIrp(
    _Inout_ PEQ_EXTENSION Ext,
    _Inout_ PIRP Irp
    )
{
    KIRQL oldIrql;

    KeAcquireSpinLock(&Ext->QueueLock, &oldIrql); // expect: wdm/IrqlNotRestored trace=22 basis=proven
    if (Ext->Depth >= 64) {
        return STATUS_DEVICE_BUSY;
    }
    InsertTailList(&Ext->Queue, &Irp->Tail.Overlay.ListEntry);
    Ext->Depth++;
    KeReleaseSpinLock(&Ext->QueueLock, oldIrql);
    return STATUS_PENDING;
}
