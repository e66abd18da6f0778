/*
 * The fixed session teardown: TrcDetach is annotated _IRQL_requires_(PASSIVE_LEVEL); the close routine takes the
 * handle out under the spin lock and calls it after the release, so ZwClose runs at PASSIVE_LEVEL.
 */
#include <wdm.h>

typedef struct _TRC_SESSION {
    KSPIN_LOCK SessionLock;
    HANDLE LogHandle;
    BOOLEAN Attached;
} TRC_SESSION, *PTRC_SESSION;

_IRQL_requires_(PASSIVE_LEVEL)
static VOID
TrcDetach(
    _In_opt_ HANDLE LogHandle
    )
{
    if (LogHandle != NULL) {
        ZwClose(LogHandle);
    }
}

_Dispatch_type_(IRP_MJ_CLOSE)
DRIVER_DISPATCH TrcDispatchClose;

_Use_decl_annotations_
NTSTATUS
TrcDispatchClose(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    PTRC_SESSION session = (PTRC_SESSION)DeviceObject->DeviceExtension;
    HANDLE handle = NULL;
    KIRQL oldIrql;

    KeAcquireSpinLock(&session->SessionLock, &oldIrql);
    if (session->Attached) {
        handle = session->LogHandle;
        session->LogHandle = NULL;
        session->Attached = FALSE;
    }
    KeReleaseSpinLock(&session->SessionLock, oldIrql);
    TrcDetach(handle);

    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
