/*
 * StorPortAcquireSpinLock raises to the level of the lock it names: InterruptLock means DIRQL. HwStorBuildIo
 * (declared HW_BUILDIO) allocates the request context while holding the interrupt lock: no pool allocation is
 * allowed above DISPATCH_LEVEL, whatever the pool type.
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

    StorPortAcquireSpinLock(DeviceExtension, InterruptLock, NULL, &lockHandle);
    request = (PVMP_REQUEST)ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(VMP_REQUEST), VMP_TAG); // expect: wdm/IrqlExAllocatePool trace=32 basis=proven
    if (request != NULL) {
        request->Srb = Srb;
        InsertTailList(&ext->Pending, &request->Link);
        ext->PendingCount++;
    }
    StorPortReleaseSpinLock(DeviceExtension, &lockHandle);
    return request != NULL;
}
