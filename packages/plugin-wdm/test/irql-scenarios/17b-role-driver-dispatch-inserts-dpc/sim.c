/*
 * The simulated device done right: the dispatch routine (declared DRIVER_DISPATCH, PASSIVE_LEVEL) queues its own
 * KDPC with KeInsertQueueDpc (any IRQL) and logs the event with ZwWriteFile (PASSIVE_LEVEL only). reportAssumed is
 * on: without the role, ZwWriteFile would be an assumed IrqlTooHigh.
 */
#include <wdm.h>

#define IOCTL_SIM_FIRE CTL_CODE(FILE_DEVICE_UNKNOWN, 0x900, METHOD_NEITHER, FILE_ANY_ACCESS)

typedef struct _SIM_EXTENSION {
    KDPC FireDpc;
    HANDLE LogFile;
    ULONG Fired;
} SIM_EXTENSION, *PSIM_EXTENSION;

DRIVER_DISPATCH SimDispatchDeviceControl;

NTSTATUS
SimDispatchDeviceControl(
    _In_ PDEVICE_OBJECT DeviceObject,
    _Inout_ PIRP Irp
    )
{
    PSIM_EXTENSION ext = (PSIM_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status = STATUS_INVALID_DEVICE_REQUEST;
    IO_STATUS_BLOCK iosb;

    if (stack->Parameters.DeviceIoControl.IoControlCode == IOCTL_SIM_FIRE) {
        ext->Fired++;
        KeInsertQueueDpc(&ext->FireDpc, Irp, NULL);
        ZwWriteFile(ext->LogFile, NULL, NULL, NULL, &iosb, &ext->Fired, sizeof(ext->Fired), NULL, NULL);
        status = STATUS_SUCCESS;
    }
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}
