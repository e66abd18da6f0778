/*
 * An in-stack queued spin lock: KeAcquireInStackQueuedSpinLock saves the previous IRQL in the lock handle and
 * KeReleaseInStackQueuedSpinLock(&handle) restores it. The registry read between the two runs at DISPATCH_LEVEL;
 * the ZwClose after the release is back at PASSIVE_LEVEL.
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

    KeAcquireInStackQueuedSpinLock(&ext->SettingsLock, &lockHandle);
    status = ZwQueryValueKey(ext->SettingsKey, &valueName, KeyValuePartialInformation, info, sizeof(info), &resultLength); // expect: wdm/IrqlTooHigh trace=32 basis=proven
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
