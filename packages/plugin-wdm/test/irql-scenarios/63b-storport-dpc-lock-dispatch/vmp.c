/*
 * StorPortAcquireSpinLock raises to the level of the lock it names: DpcLock means DISPATCH_LEVEL. HwStorBuildIo
 * (declared HW_BUILDIO) allocates the request context from non-paged pool while holding the DPC lock, which is
 * allowed at DISPATCH_LEVEL.
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

BOOLEAN
VmpHwBuildIo(
    _In_ PVOID DeviceExtension,
    _In_ PSCSI_REQUEST_BLOCK Srb
    )
{
    PVMP_EXTENSION ext = (PVMP_EXTENSION)DeviceExtension;
    STOR_LOCK_HANDLE lockHandle;
    PVMP_REQUEST request;

    StorPortAcquireSpinLock(DeviceExtension, DpcLock, NULL, &lockHandle);
    request = (PVMP_REQUEST)ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(VMP_REQUEST), VMP_TAG);
    if (request != NULL) {
        request->Srb = Srb;
        InsertTailList(&ext->Pending, &request->Link);
        ext->PendingCount++;
    }
    StorPortReleaseSpinLock(DeviceExtension, &lockHandle);
    return request != NULL;
}
