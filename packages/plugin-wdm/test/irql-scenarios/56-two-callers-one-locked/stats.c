/*
 * StsSnapshot has two callers: the query routine calls it at PASSIVE_LEVEL, the reset routine while holding the
 * statistics lock. Its entry is PASSIVE_LEVEL..DISPATCH_LEVEL and the paged allocation is reported once, with the
 * trace through the locked caller.
 */
#include <wdm.h>

#define STS_TAG 'stSS'

typedef struct _STS_EXTENSION {
    KSPIN_LOCK StatsLock;
    ULONG Counters[8];
    PULONG LastSnapshot;
} STS_EXTENSION, *PSTS_EXTENSION;

static VOID
StsSnapshot(
    _Inout_ PSTS_EXTENSION Ext
    )
{
    PULONG copy = (PULONG)ExAllocatePoolWithTag(PagedPool, sizeof(Ext->Counters), STS_TAG); // expect: wdm/IrqlExAllocatePool trace=61,62 basis=proven

    if (copy != NULL) {
        RtlCopyMemory(copy, Ext->Counters, sizeof(Ext->Counters));
        Ext->LastSnapshot = copy;
    }
}

_Dispatch_type_(IRP_MJ_QUERY_INFORMATION)
DRIVER_DISPATCH StsDispatchQuery;

_Use_decl_annotations_
NTSTATUS
StsDispatchQuery(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    PSTS_EXTENSION ext = (PSTS_EXTENSION)DeviceObject->DeviceExtension;

    StsSnapshot(ext);
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

_Dispatch_type_(IRP_MJ_SET_INFORMATION)
DRIVER_DISPATCH StsDispatchReset;

_Use_decl_annotations_
NTSTATUS
StsDispatchReset(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    PSTS_EXTENSION ext = (PSTS_EXTENSION)DeviceObject->DeviceExtension;
    KIRQL oldIrql;

    KeAcquireSpinLock(&ext->StatsLock, &oldIrql);
    StsSnapshot(ext);
    RtlZeroMemory(ext->Counters, sizeof(ext->Counters));
    KeReleaseSpinLock(&ext->StatsLock, oldIrql);

    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
