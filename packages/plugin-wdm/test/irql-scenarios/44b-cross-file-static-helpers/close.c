#include "driver.h"

static VOID
XfRecord(
    _In_ PXF_EXTENSION Ext,
    _In_ ULONG Sequence
    )
{
    IO_STATUS_BLOCK iosb;

    ZwWriteFile(Ext->AuditLog, NULL, NULL, NULL, &iosb, &Sequence, sizeof(Sequence), NULL, NULL);
}

_Use_decl_annotations_
NTSTATUS
XfDispatchClose(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    PXF_EXTENSION ext = (PXF_EXTENSION)DeviceObject->DeviceExtension;

    XfRecord(ext, 0xFFFFFFFF);
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
