/*
 * A simulated device: an IOCTL "fires" the interrupt path by calling IoRequestDpc from the dispatch routine.
 * IoRequestDpc is for ISRs (DIRQL); the routine is declared DRIVER_DISPATCH and runs at PASSIVE_LEVEL.
 */
#include <wdm.h>

#define IOCTL_SIM_FIRE CTL_CODE(FILE_DEVICE_UNKNOWN, 0x900, METHOD_NEITHER, FILE_ANY_ACCESS)

typedef struct _SIM_EXTENSION {
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

    if (stack->Parameters.DeviceIoControl.IoControlCode == IOCTL_SIM_FIRE) {
        ext->Fired++;
        IoRequestDpc(DeviceObject, Irp, ext); // expect: wdm/IrqlTooLow trace=13 basis=contract
        status = STATUS_SUCCESS;
    }
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}
