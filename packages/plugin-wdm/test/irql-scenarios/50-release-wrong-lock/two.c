/*
 * The release names the wrong lock: TxLock was acquired (saving txIrql), RxLock is released with txIrql. TxLock
 * stays held and RxLock is released without being owned.
 */
#include <wdm.h>

typedef struct _NIC_EXTENSION {
    KSPIN_LOCK RxLock;
    KSPIN_LOCK TxLock;
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
    KIRQL txIrql;

    KeAcquireSpinLock(&ext->TxLock, &txIrql);
    ext->TxPending = 0;
    KeReleaseSpinLock(&ext->RxLock, txIrql); // expect: wdm/SpinLockReleaseMismatch trace=none

    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
