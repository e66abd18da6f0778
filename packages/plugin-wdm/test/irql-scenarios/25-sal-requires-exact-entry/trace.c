/*
 * TrcDetachLocked is documented (_IRQL_requires_(DISPATCH_LEVEL)) as called with the session spin lock held, and
 * closes the session's log handle: ZwClose needs PASSIVE_LEVEL.
 */
#include <wdm.h>

typedef struct _TRC_SESSION {
    KSPIN_LOCK SessionLock;
    HANDLE LogHandle;
    BOOLEAN Attached;
} TRC_SESSION, *PTRC_SESSION;

_IRQL_requires_(DISPATCH_LEVEL)
static VOID
TrcDetachLocked(
    _Inout_ PTRC_SESSION Session
    )
{
    if (Session->LogHandle != NULL) {
        ZwClose(Session->LogHandle); // expect: wdm/IrqlTooHigh trace=13 basis=contract
        Session->LogHandle = NULL;
    }
    Session->Attached = FALSE;
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
    KIRQL oldIrql;

    KeAcquireSpinLock(&session->SessionLock, &oldIrql);
    if (session->Attached) {
        TrcDetachLocked(session);
    }
    KeReleaseSpinLock(&session->SessionLock, oldIrql);

    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
