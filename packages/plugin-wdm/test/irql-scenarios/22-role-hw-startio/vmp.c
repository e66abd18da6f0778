/*
 * A virtual StorPort miniport declares its HwStorStartIo with the HW_STARTIO role type and allocates each request's
 * tracking context from paged pool. HwStorStartIo runs at DISPATCH_LEVEL (at most DISPATCH_LEVEL for a virtual
 * miniport): paged pool is not allowed there.
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

HW_STARTIO VmpHwStartIo;

BOOLEAN
VmpHwStartIo(
    _In_ PVOID DeviceExtension,
    _In_ PSCSI_REQUEST_BLOCK Srb
    )
{
    PVMP_EXTENSION ext = (PVMP_EXTENSION)DeviceExtension;
    PVMP_REQUEST request;

    request = (PVMP_REQUEST)ExAllocatePoolWithTag(PagedPool, sizeof(VMP_REQUEST), VMP_TAG); // expect: wdm/IrqlExAllocatePool trace=20 basis=contract
    if (request == NULL) {
        Srb->SrbStatus = SRB_STATUS_BUSY;
        StorPortNotification(RequestComplete, DeviceExtension, Srb);
        return TRUE;
    }
    request->Srb = Srb;
    InsertTailList(&ext->Pending, &request->Link);
    ext->PendingCount++;
    return TRUE;
}
