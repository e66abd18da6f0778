/*
 * In-stack queued spin lock done right: the registry is read at PASSIVE_LEVEL, only the update of the cached value
 * is made under the lock, and KeReleaseInStackQueuedSpinLock(&handle) restores PASSIVE_LEVEL for ZwClose.
 */
#include <wdm.h>

typedef struct _REG_EXTENSION {
    KSPIN_LOCK SettingsLock;
    HANDLE SettingsKey;
    ULONG Timeout;
} REG_EXTENSION, *PREG_EXTENSION;

_Dispatch_type_(IRP_MJ_DEVICE_CONTROL)
DRIVER_DISPATCH RegDispatchDeviceControl;

_Use_decl_annotations_
NTSTATUS
RegDispatchDeviceControl(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    PREG_EXTENSION ext = (PREG_EXTENSION)DeviceObject->DeviceExtension;
    UNICODE_STRING valueName = RTL_CONSTANT_STRING(L"Timeout");
    UCHAR info[sizeof(KEY_VALUE_PARTIAL_INFORMATION) + sizeof(ULONG)];
    KLOCK_QUEUE_HANDLE lockHandle;
    HANDLE key;
    ULONG resultLength;
    NTSTATUS status;

    status = ZwQueryValueKey(ext->SettingsKey, &valueName, KeyValuePartialInformation, info, sizeof(info), &resultLength);
    KeAcquireInStackQueuedSpinLock(&ext->SettingsLock, &lockHandle);
    if (NT_SUCCESS(status)) {
        ext->Timeout = *(PULONG)((PKEY_VALUE_PARTIAL_INFORMATION)info)->Data;
    }
    key = ext->SettingsKey;
    ext->SettingsKey = NULL;
    KeReleaseInStackQueuedSpinLock(&lockHandle);
    ZwClose(key);

    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}
