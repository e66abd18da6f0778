/*
 * CfgQueryLowerCaps is annotated _IRQL_requires_max_(APC_LEVEL): it waits for the lower driver. The
 * IRP_MJ_CREATE routine updates the open count under its spin lock and queries the capabilities after releasing it.
 */
#include <wdm.h>

#define IOCTL_CFG_QUERY_CAPS CTL_CODE(FILE_DEVICE_UNKNOWN, 0x940, METHOD_BUFFERED, FILE_ANY_ACCESS)

typedef struct _CFG_EXTENSION {
    PDEVICE_OBJECT LowerDevice;
    KSPIN_LOCK OpenLock;
    ULONG OpenCount;
    ULONG Caps;
} CFG_EXTENSION, *PCFG_EXTENSION;

_IRQL_requires_max_(APC_LEVEL)
static NTSTATUS
CfgQueryLowerCaps(
    _Inout_ PCFG_EXTENSION Ext
    )
{
    KEVENT done;
    IO_STATUS_BLOCK iosb;
    PIRP irp;
    NTSTATUS status;

    KeInitializeEvent(&done, NotificationEvent, FALSE);
    irp = IoBuildDeviceIoControlRequest(IOCTL_CFG_QUERY_CAPS, Ext->LowerDevice, NULL, 0, &Ext->Caps,
                                        sizeof(Ext->Caps), FALSE, &done, &iosb);
    if (irp == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    status = IoCallDriver(Ext->LowerDevice, irp);
    if (status == STATUS_PENDING) {
        KeWaitForSingleObject(&done, Executive, KernelMode, FALSE, NULL);
        status = iosb.Status;
    }
    return status;
}

_Dispatch_type_(IRP_MJ_CREATE)
DRIVER_DISPATCH CfgDispatchCreate;

_Use_decl_annotations_
NTSTATUS
CfgDispatchCreate(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    PCFG_EXTENSION ext = (PCFG_EXTENSION)DeviceObject->DeviceExtension;
    NTSTATUS status = STATUS_SUCCESS;
    KIRQL oldIrql;
    BOOLEAN first;

    KeAcquireSpinLock(&ext->OpenLock, &oldIrql);
    first = (ext->OpenCount++ == 0);
    KeReleaseSpinLock(&ext->OpenLock, oldIrql);
    if (first) {
        status = CfgQueryLowerCaps(ext);
    }

    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}
