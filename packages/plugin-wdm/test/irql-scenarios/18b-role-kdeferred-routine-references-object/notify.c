/*
 * The notification DPC done right: the event object was referenced at PASSIVE_LEVEL when the application
 * registered it (IRP_MJ_DEVICE_CONTROL); the DPC (declared KDEFERRED_ROUTINE) only sets it, and
 * KeSetEvent(…, FALSE) is allowed at DISPATCH_LEVEL.
 */
#include <wdm.h>

#define IOCTL_NTF_REGISTER CTL_CODE(FILE_DEVICE_UNKNOWN, 0x910, METHOD_BUFFERED, FILE_ANY_ACCESS)

typedef struct _NTF_EXTENSION {
    KDPC NotifyDpc;
    PKEVENT UserEvent;
} NTF_EXTENSION, *PNTF_EXTENSION;

KDEFERRED_ROUTINE NtfNotifyDpc;

VOID
NtfNotifyDpc(
    _In_ PKDPC Dpc,
    _In_opt_ PVOID DeferredContext,
    _In_opt_ PVOID SystemArgument1,
    _In_opt_ PVOID SystemArgument2
    )
{
    PNTF_EXTENSION ext = (PNTF_EXTENSION)DeferredContext;

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);

    if (ext->UserEvent != NULL) {
        KeSetEvent(ext->UserEvent, IO_NO_INCREMENT, FALSE);
    }
}

_Dispatch_type_(IRP_MJ_DEVICE_CONTROL)
DRIVER_DISPATCH NtfDispatchDeviceControl;

_Use_decl_annotations_
NTSTATUS
NtfDispatchDeviceControl(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    PNTF_EXTENSION ext = (PNTF_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status = STATUS_INVALID_DEVICE_REQUEST;
    PKEVENT event;

    if (stack->Parameters.DeviceIoControl.IoControlCode == IOCTL_NTF_REGISTER &&
        stack->Parameters.DeviceIoControl.InputBufferLength >= sizeof(HANDLE)) {
        status = ObReferenceObjectByHandle(*(PHANDLE)Irp->AssociatedIrp.SystemBuffer, EVENT_MODIFY_STATE,
                                           *ExEventObjectType, UserMode, (PVOID *)&event, NULL);
        if (NT_SUCCESS(status)) {
            ext->UserEvent = event;
        }
    }
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}
