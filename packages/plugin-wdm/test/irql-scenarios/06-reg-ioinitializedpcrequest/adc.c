/*
 * An ADC card: the ISR queues the DpcForIsr registered with IoInitializeDpcRequest; the DPC asks the lower bus
 * driver for a new sample window by building a synchronous IOCTL IRP, which is only allowed at <= APC_LEVEL.
 */
#include <wdm.h>

#define IOCTL_ADC_BUS_ARM CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS)

typedef struct _ADC_EXTENSION {
    PDEVICE_OBJECT Self;
    PDEVICE_OBJECT LowerDevice;
    PKINTERRUPT Interrupt;
    PULONG Registers;
    KEVENT ArmDone;
    IO_STATUS_BLOCK ArmStatus;
} ADC_EXTENSION, *PADC_EXTENSION;

BOOLEAN
AdcIsr(
    _In_ PKINTERRUPT Interrupt,
    _In_ PVOID ServiceContext
    )
{
    PADC_EXTENSION ext = (PADC_EXTENSION)ServiceContext;

    UNREFERENCED_PARAMETER(Interrupt);

    if ((READ_REGISTER_ULONG(ext->Registers) & 1) == 0) {
        return FALSE;
    }
    WRITE_REGISTER_ULONG(ext->Registers, 1);
    IoRequestDpc(ext->Self, NULL, ext);
    return TRUE;
}

VOID
AdcDpcForIsr(
    _In_ PKDPC Dpc,
    _In_ PDEVICE_OBJECT DeviceObject,
    _Inout_ PIRP Irp,
    _In_opt_ PVOID Context
    )
{
    PADC_EXTENSION ext = (PADC_EXTENSION)Context;
    PIRP armIrp;

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Irp);

    armIrp = IoBuildDeviceIoControlRequest(IOCTL_ADC_BUS_ARM, ext->LowerDevice, NULL, 0, NULL, 0, TRUE, // expect: wdm/IrqlTooHigh trace=64 basis=contract
                                           &ext->ArmDone, &ext->ArmStatus);
    if (armIrp != NULL) {
        IoCallDriver(ext->LowerDevice, armIrp);
    }
}

NTSTATUS
AdcStartDevice(
    _In_ PADC_EXTENSION Ext,
    _In_ PCM_PARTIAL_RESOURCE_DESCRIPTOR Interrupt
    )
{
    IoInitializeDpcRequest(Ext->Self, AdcDpcForIsr);
    KeInitializeEvent(&Ext->ArmDone, NotificationEvent, FALSE);
    return IoConnectInterrupt(&Ext->Interrupt, AdcIsr, Ext, NULL,
                              Interrupt->u.Interrupt.Vector, (KIRQL)Interrupt->u.Interrupt.Level,
                              (KIRQL)Interrupt->u.Interrupt.Level, LevelSensitive, TRUE,
                              Interrupt->u.Interrupt.Affinity, FALSE);
}

_Dispatch_type_(IRP_MJ_PNP)
DRIVER_DISPATCH AdcDispatchPnp;

_Use_decl_annotations_
NTSTATUS
AdcDispatchPnp(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    PADC_EXTENSION ext = (PADC_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status = STATUS_SUCCESS;

    if (stack->MinorFunction == IRP_MN_START_DEVICE) {
        status = AdcStartDevice(ext, &stack->Parameters.StartDevice.AllocatedResourcesTranslated->List[0].PartialResourceList.PartialDescriptors[0]);
    }
    Irp->IoStatus.Status = status;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}
