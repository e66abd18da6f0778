/*
 * BufLockFreeList returns holding the free-list spin lock and says so (_Acquires_lock_), so it is not reported;
 * the read routine queries the registry only after BufUnlockFreeList (_Releases_lock_) has restored the IRQL.
 */
#include <wdm.h>

typedef struct _BUF_EXTENSION {
    KSPIN_LOCK FreeListLock;
    LIST_ENTRY FreeList;
    ULONG FreeCount;
    HANDLE ParametersKey;
} BUF_EXTENSION, *PBUF_EXTENSION;

_Acquires_lock_(Ext->FreeListLock)
static VOID
BufLockFreeList(
    _Inout_ PBUF_EXTENSION Ext,
    _Out_ PKIRQL OldIrql
    )
{
    KeAcquireSpinLock(&Ext->FreeListLock, OldIrql);
}

_Releases_lock_(Ext->FreeListLock)
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
    BufUnlockFreeList(ext, oldIrql);
    if (freeCount < 4) {
        ZwQueryValueKey(ext->ParametersKey, &valueName, KeyValuePartialInformation, info, sizeof(info), &resultLength);
    }

    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
