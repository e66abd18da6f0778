/*
 * The ADC card's DpcForIsr (IoInitializeDpcRequest) completes the current request and starts the next packet.
 * IoStartNextPacket needs DISPATCH_LEVEL: fine in a DPC. With reportAssumed on, a missed registration would turn
 * into an assumed IrqlTooLow.
 */
#include <wdm.h>

typedef struct _ADC_EXTENSION {
    PDEVICE_OBJECT Self;
    PKINTERRUPT Interrupt;
    PULONG Registers;
    ULONG LastSample;
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
    ext->LastSample = READ_REGISTER_ULONG(ext->Registers + 1);
    WRITE_REGISTER_ULONG(ext->Registers, 1);
    IoRequestDpc(ext->Self, ext->Self->CurrentIrp, ext);
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

    UNREFERENCED_PARAMETER(Dpc);

    if (Irp != NULL) {
        *(PULONG)Irp->AssociatedIrp.SystemBuffer = ext->LastSample;
        Irp->IoStatus.Status = STATUS_SUCCESS;
        Irp->IoStatus.Information = sizeof(ULONG);
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
    }
    IoStartNextPacket(DeviceObject, FALSE);
}

NTSTATUS
AdcStartDevice(
    _In_ PADC_EXTENSION Ext,
    _In_ PCM_PARTIAL_RESOURCE_DESCRIPTOR Interrupt
    )
{
    IoInitializeDpcRequest(Ext->Self, AdcDpcForIsr);
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
