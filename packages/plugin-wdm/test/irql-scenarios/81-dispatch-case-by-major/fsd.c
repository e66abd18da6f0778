#include <ntifs.h>

DRIVER_INITIALIZE DriverEntry;

//
// One dispatch routine for every major function, annotated for the most permissive of them (paging reads
// arrive at APC_LEVEL). Each case runs at the IRQL its own major function is sent at.
//
_IRQL_requires_max_(APC_LEVEL)
_Function_class_(DRIVER_DISPATCH)
NTSTATUS
FsdDispatch(
    _In_ PDEVICE_OBJECT DeviceObject,
    _Inout_ PIRP Irp
    )
{
    PIO_STACK_LOCATION irpSp = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status = STATUS_SUCCESS;
    UNICODE_STRING name;
    OBJECT_ATTRIBUTES attributes;
    HANDLE handle;
    IO_STATUS_BLOCK ioStatus;

    UNREFERENCED_PARAMETER(DeviceObject);
    RtlInitUnicodeString(&name, L"\\SystemRoot\\fsd.log");
    InitializeObjectAttributes(&attributes, &name, OBJ_KERNEL_HANDLE, NULL, NULL);

    switch (irpSp->MajorFunction) {

    case IRP_MJ_CREATE:
        status = STATUS_SUCCESS;
        break;

    case IRP_MJ_READ:
        status = ZwCreateFile(&handle, GENERIC_READ, &attributes, &ioStatus, NULL, 0, 0, FILE_OPEN, 0, NULL, 0);   // expect: wdm/IrqlTooHigh trace=9 basis=contract
        if (NT_SUCCESS(status)) {
            ZwClose(handle);   // expect: wdm/IrqlTooHigh trace=9 basis=contract
        }
        break;

    default:
        status = STATUS_INVALID_DEVICE_REQUEST;
        break;
    }

    Irp->IoStatus.Status = status;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}

NTSTATUS
DriverEntry(
    _In_ PDRIVER_OBJECT DriverObject,
    _In_ PUNICODE_STRING RegistryPath
    )
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->MajorFunction[IRP_MJ_CREATE] = FsdDispatch;
    DriverObject->MajorFunction[IRP_MJ_READ] = FsdDispatch;
    return STATUS_SUCCESS;
}
