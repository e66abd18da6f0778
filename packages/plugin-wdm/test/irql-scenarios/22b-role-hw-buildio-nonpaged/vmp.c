/*
 * The miniport moves the allocation to HwStorBuildIo (declared HW_BUILDIO, DISPATCH_LEVEL) and allocates from
 * non-paged pool, which is allowed at DISPATCH_LEVEL; HwStorStartIo (declared HW_STARTIO) only queues.
 */
#include <storport.h>

#define VMP_TAG 'pmVS'

typedef struct _VMP_REQUEST {
    LIST_ENTRY Link;
    PSCSI_REQUEST_BLOCK Srb;
} VMP_REQUEST, *PVMP_REQUEST;

typedef struct _VMP_EXTENSION {
    LIST_ENTRY Pending;
    ULONG PendingCount;
} VMP_EXTENSION, *PVMP_EXTENSION;

HW_BUILDIO VmpHwBuildIo;
HW_STARTIO VmpHwStartIo;

BOOLEAN
VmpHwBuildIo(
    _In_ PVOID DeviceExtension,
    _In_ PSCSI_REQUEST_BLOCK Srb
    )
{
    PVMP_REQUEST request;

    request = (PVMP_REQUEST)ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(VMP_REQUEST), VMP_TAG);
    if (request == NULL) {
        Srb->SrbStatus = SRB_STATUS_BUSY;
        StorPortNotification(RequestComplete, DeviceExtension, Srb);
        return FALSE;
    }
    request->Srb = Srb;
    Srb->SrbExtension = request;
    return TRUE;
}

BOOLEAN
VmpHwStartIo(
    _In_ PVOID DeviceExtension,
    _In_ PSCSI_REQUEST_BLOCK Srb
    )
{
    PVMP_EXTENSION ext = (PVMP_EXTENSION)DeviceExtension;
    PVMP_REQUEST request = (PVMP_REQUEST)Srb->SrbExtension;

    InsertTailList(&ext->Pending, &request->Link);
    ext->PendingCount++;
    return TRUE;
}
