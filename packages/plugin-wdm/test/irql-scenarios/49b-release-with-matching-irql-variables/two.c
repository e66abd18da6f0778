/*
 * Two lock sections with their own saved-IRQL variables, each released with the variable its acquire saved.
 */
#include <wdm.h>

typedef struct _NIC_EXTENSION {
    KSPIN_LOCK RxLock;
    KSPIN_LOCK TxLock;
    ULONG RxPending;
    ULONG TxPending;
} NIC_EXTENSION, *PNIC_EXTENSION;

_Dispatch_type_(IRP_MJ_CLEANUP)
DRIVER_DISPATCH NicDispatchCleanup;

_Use_decl_annotations_
NTSTATUS
NicDispatchCleanup(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    PNIC_EXTENSION ext = (PNIC_EXTENSION)DeviceObject->DeviceExtension;
    KIRQL rxIrql;
    KIRQL txIrql;

    KeAcquireSpinLock(&ext->RxLock, &rxIrql);
    ext->RxPending = 0;
    KeReleaseSpinLock(&ext->RxLock, rxIrql);

    KeAcquireSpinLock(&ext->TxLock, &txIrql);
    ext->TxPending = 0;
    KeReleaseSpinLock(&ext->TxLock, txIrql);

    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
