/*
 * The reset case takes the statistics lock, clears the counters and releases the lock before falling through into
 * the reload case: the registry read runs at PASSIVE_LEVEL on both paths.
 */
#include <wdm.h>

#define IOCTL_STAT_RESET CTL_CODE(FILE_DEVICE_UNKNOWN, 0x950, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_STAT_RELOAD CTL_CODE(FILE_DEVICE_UNKNOWN, 0x951, METHOD_BUFFERED, FILE_ANY_ACCESS)

typedef struct _STAT_EXTENSION {
    KSPIN_LOCK StatsLock;
    ULONG Reads;
    ULONG Writes;
    HANDLE ParametersKey;
} STAT_EXTENSION, *PSTAT_EXTENSION;

_Dispatch_type_(IRP_MJ_DEVICE_CONTROL)
DRIVER_DISPATCH StatDispatchDeviceControl;

_Use_decl_annotations_
NTSTATUS
StatDispatchDeviceControl(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    PSTAT_EXTENSION ext = (PSTAT_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    UNICODE_STRING valueName = RTL_CONSTANT_STRING(L"Thresholds");
    UCHAR info[sizeof(KEY_VALUE_PARTIAL_INFORMATION) + 2 * sizeof(ULONG)];
    ULONG resultLength;
    NTSTATUS status = STATUS_SUCCESS;
    KIRQL oldIrql;

    switch (stack->Parameters.DeviceIoControl.IoControlCode) {
    case IOCTL_STAT_RESET:
        KeAcquireSpinLock(&ext->StatsLock, &oldIrql);
        ext->Reads = 0;
        ext->Writes = 0;
        KeReleaseSpinLock(&ext->StatsLock, oldIrql);
        /* fall through: a reset also reloads the thresholds */
    case IOCTL_STAT_RELOAD:
        status = ZwQueryValueKey(ext->ParametersKey, &valueName, KeyValuePartialInformation, info, sizeof(info), &resultLength);
        break;
    default:
        status = STATUS_INVALID_DEVICE_REQUEST;
        break;
    }

    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}
