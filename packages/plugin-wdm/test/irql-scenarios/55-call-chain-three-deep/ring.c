/*
 * The raise reaches the allocation through three calls: the dispatch routine holds the ring lock and calls
 * RingPush, which calls RingGrow, which calls RingAllocSlots, which allocates paged pool. The trace lists the
 * acquire, then each call on the way.
 */
#include <wdm.h>

#define RING_TAG 'gniR'

typedef struct _RING {
    KSPIN_LOCK Lock;
    PULONG Slots;
    ULONG Capacity;
    ULONG Count;
} RING, *PRING;

static PULONG
RingAllocSlots(
    _In_ ULONG Capacity
    )
{
    return (PULONG)ExAllocatePoolWithTag(PagedPool, Capacity * sizeof(ULONG), RING_TAG); // expect: wdm/IrqlExAllocatePool trace=68,69,47,30 basis=proven
}

static BOOLEAN
RingGrow(
    _Inout_ PRING Ring
    )
{
    PULONG slots = RingAllocSlots(Ring->Capacity * 2);

    if (slots == NULL) {
        return FALSE;
    }
    RtlCopyMemory(slots, Ring->Slots, Ring->Count * sizeof(ULONG));
    Ring->Slots = slots;
    Ring->Capacity *= 2;
    return TRUE;
}

static BOOLEAN
RingPush(
    _Inout_ PRING Ring,
    _In_ ULONG Value
    )
{
    if (Ring->Count == Ring->Capacity && !RingGrow(Ring)) {
        return FALSE;
    }
    Ring->Slots[Ring->Count++] = Value;
    return TRUE;
}

_Dispatch_type_(IRP_MJ_WRITE)
DRIVER_DISPATCH RingDispatchWrite;

_Use_decl_annotations_
NTSTATUS
RingDispatchWrite(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    PRING ring = (PRING)DeviceObject->DeviceExtension;
    NTSTATUS status = STATUS_SUCCESS;
    KIRQL oldIrql;

    KeAcquireSpinLock(&ring->Lock, &oldIrql);
    if (!RingPush(ring, *(PULONG)Irp->AssociatedIrp.SystemBuffer)) {
        status = STATUS_INSUFFICIENT_RESOURCES;
    }
    KeReleaseSpinLock(&ring->Lock, oldIrql);

    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}
