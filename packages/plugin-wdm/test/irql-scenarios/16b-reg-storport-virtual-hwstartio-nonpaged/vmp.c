/*
 * A virtual StorPort miniport (VIRTUAL_HW_INITIALIZATION_DATA) whose HwStorStartIo, registered through the
 * HwStartIo field, allocates a request context from non-paged pool. A virtual miniport's HwStorStartIo runs at
 * <= DISPATCH_LEVEL, where a non-paged allocation is allowed.
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

BOOLEAN
VmpHwStartIo(
    _In_ PVOID DeviceExtension,
    _In_ PSCSI_REQUEST_BLOCK Srb
    )
{
    PVMP_EXTENSION ext = (PVMP_EXTENSION)DeviceExtension;
    PVMP_REQUEST request;

    request = (PVMP_REQUEST)ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(VMP_REQUEST), VMP_TAG);
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

ULONG
DriverEntry(
    _In_ PVOID DriverObject,
    _In_ PVOID RegistryPath
    )
{
    VIRTUAL_HW_INITIALIZATION_DATA hwInitData;

    RtlZeroMemory(&hwInitData, sizeof(hwInitData));
    hwInitData.HwInitializationDataSize = sizeof(VIRTUAL_HW_INITIALIZATION_DATA);
    hwInitData.AdapterInterfaceType = Internal;
    hwInitData.DeviceExtensionSize = sizeof(VMP_EXTENSION);
    hwInitData.HwStartIo = VmpHwStartIo;
    return StorPortInitialize(DriverObject, RegistryPath, (PHW_INITIALIZATION_DATA)&hwInitData, NULL);
}
