/*
 * A logging device: IRP_MJ_WRITE appends to an in-memory log. The dispatch routine grows the log buffer while
 * holding the log spin lock; the helper allocates the new buffer from non-paged pool, which is allowed there.
 */
#include <ntddk.h>

#define LOG_TAG 'gLmS'

typedef struct _LOG_EXTENSION {
    KSPIN_LOCK LogLock;
    PUCHAR LogBuffer;
    ULONG LogLength;
    ULONG LogUsed;
} LOG_EXTENSION, *PLOG_EXTENSION;

static NTSTATUS
LogGrowBuffer(
    _Inout_ PLOG_EXTENSION Ext,
    _In_ ULONG NewLength,
    _Outptr_result_maybenull_ PUCHAR *Retired
    )
{
    PUCHAR buffer;

    *Retired = NULL;
    if (NewLength <= Ext->LogLength) {
        return STATUS_SUCCESS;
    }
    buffer = (PUCHAR)ExAllocatePoolWithTag(NonPagedPoolNx, NewLength, LOG_TAG);
    if (buffer == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    if (Ext->LogBuffer != NULL) {
        RtlCopyMemory(buffer, Ext->LogBuffer, Ext->LogUsed);
        *Retired = Ext->LogBuffer;
    }
    Ext->LogBuffer = buffer;
    Ext->LogLength = NewLength;
    return STATUS_SUCCESS;
}

_Dispatch_type_(IRP_MJ_WRITE)
DRIVER_DISPATCH LogDispatchWrite;

_Use_decl_annotations_
NTSTATUS
LogDispatchWrite(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    PLOG_EXTENSION ext = (PLOG_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    ULONG length = stack->Parameters.Write.Length;
    PUCHAR retired;
    NTSTATUS status;
    KIRQL oldIrql;

    KeAcquireSpinLock(&ext->LogLock, &oldIrql);
    status = LogGrowBuffer(ext, ext->LogUsed + length, &retired);
    if (NT_SUCCESS(status)) {
        RtlCopyMemory(ext->LogBuffer + ext->LogUsed, Irp->AssociatedIrp.SystemBuffer, length);
        ext->LogUsed += length;
    }
    KeReleaseSpinLock(&ext->LogLock, oldIrql);
    if (retired != NULL) {
        ExFreePoolWithTag(retired, LOG_TAG);
    }

    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = NT_SUCCESS(status) ? length : 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}
