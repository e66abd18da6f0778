/*
 * A DPC declared KDEFERRED_ROUTINE signals an application's event: it turns the user handle into an object with
 * ObReferenceObjectByHandle, which needs PASSIVE_LEVEL. A DPC runs at DISPATCH_LEVEL.
 */
#include <wdm.h>

typedef struct _NTF_EXTENSION {
    KDPC NotifyDpc;
    HANDLE UserEvent;
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
    PKEVENT event;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);

    status = ObReferenceObjectByHandle(ext->UserEvent, EVENT_MODIFY_STATE, *ExEventObjectType, UserMode, // expect: wdm/IrqlTooHigh trace=12 basis=contract
                                       (PVOID *)&event, NULL);
    if (NT_SUCCESS(status)) {
        KeSetEvent(event, IO_NO_INCREMENT, FALSE);
        ObDereferenceObject(event);
    }
}
