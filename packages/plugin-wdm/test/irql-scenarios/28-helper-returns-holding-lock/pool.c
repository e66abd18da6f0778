/*
 * BufLockFreeList takes the free-list spin lock and returns holding it, without saying so (no _IRQL_raises_ /
 * _Acquires_lock_): wdm/IrqlNotRestored reports it. Its summary still raises the caller, so the ZwQueryValueKey
 * that the read routine makes before unlocking runs at DISPATCH_LEVEL.
 */
#include <wdm.h>

typedef struct _BUF_EXTENSION {
    KSPIN_LOCK FreeListLock;
    LIST_ENTRY FreeList;
    ULONG FreeCount;
    HANDLE ParametersKey;
} BUF_EXTENSION, *PBUF_EXTENSION;

static VOID
BufLockFreeList(
    _Inout_ PBUF_EXTENSION Ext,
    _Out_ PKIRQL OldIrql
    )
{
    KeAcquireSpinLock(&Ext->FreeListLock, OldIrql); // expect: wdm/IrqlNotRestored trace=21 basis=proven
}

static VOID
BufUnlockFreeList(
    _Inout_ PBUF_EXTENSION Ext,
    _In_ KIRQL OldIrql
    )
{
    KeReleaseSpinLock(&Ext->FreeListLock, OldIrql);
}

_Dispatch_type_(IRP_MJ_READ)
DRIVER_DISPATCH BufDispatchRead;

_Use_decl_annotations_
NTSTATUS
BufDispatchRead(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    PBUF_EXTENSION ext = (PBUF_EXTENSION)DeviceObject->DeviceExtension;
    UNICODE_STRING valueName = RTL_CONSTANT_STRING(L"LowWater");
    UCHAR info[sizeof(KEY_VALUE_PARTIAL_INFORMATION) + sizeof(ULONG)];
    ULONG resultLength;
    ULONG freeCount;
    KIRQL oldIrql;

    BufLockFreeList(ext, &oldIrql);
    freeCount = ext->FreeCount;
    if (freeCount < 4) {
        ZwQueryValueKey(ext->ParametersKey, &valueName, KeyValuePartialInformation, info, sizeof(info), &resultLength); // expect: wdm/IrqlTooHigh trace=21,50 basis=proven
    }
    BufUnlockFreeList(ext, oldIrql);

    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
