/*
 * A physical StorPort miniport whose HwStorStartIo (registered through HW_INITIALIZATION_DATA.HwStartIo) waits
 * for a pending bus reset to finish. HwStorStartIo runs at DISPATCH_LEVEL or DIRQL; a wait without a timeout
 * needs <= APC_LEVEL.
 */
#include <storport.h>

typedef struct _PHY_EXTENSION {
    PULONG Registers;
    BOOLEAN ResetPending;
    KEVENT ResetDone;
} PHY_EXTENSION, *PPHY_EXTENSION;

BOOLEAN
PhyHwStartIo(
    _In_ PVOID DeviceExtension,
    _In_ PSCSI_REQUEST_BLOCK Srb
    )
{
    PPHY_EXTENSION ext = (PPHY_EXTENSION)DeviceExtension;

    if (ext->ResetPending) {
        KeWaitForSingleObject(&ext->ResetDone, Executive, KernelMode, FALSE, NULL); // expect: wdm/IrqlTooHigh trace=67 basis=contract
    }
    WRITE_REGISTER_ULONG(ext->Registers, (ULONG)Srb->Cdb[0]);
    Srb->SrbStatus = SRB_STATUS_PENDING;
    return TRUE;
}

ULONG
PhyHwFindAdapter(
    _In_ PVOID DeviceExtension,
    _In_ PVOID HwContext,
    _In_ PVOID BusInformation,
    _In_z_ PCHAR ArgumentString,
    _Inout_ PPORT_CONFIGURATION_INFORMATION ConfigInfo,
    _In_ PBOOLEAN Reserved3
    )
{
    PPHY_EXTENSION ext = (PPHY_EXTENSION)DeviceExtension;

    UNREFERENCED_PARAMETER(HwContext);
    UNREFERENCED_PARAMETER(BusInformation);
    UNREFERENCED_PARAMETER(ArgumentString);
    UNREFERENCED_PARAMETER(Reserved3);

    ext->Registers = (PULONG)StorPortGetDeviceBase(ext, ConfigInfo->AdapterInterfaceType, ConfigInfo->SystemIoBusNumber,
                                                   (*ConfigInfo->AccessRanges)[0].RangeStart,
                                                   (*ConfigInfo->AccessRanges)[0].RangeLength, FALSE);
    KeInitializeEvent(&ext->ResetDone, NotificationEvent, TRUE);
    return ext->Registers != NULL ? SP_RETURN_FOUND : SP_RETURN_NOT_FOUND;
}

ULONG
DriverEntry(
    _In_ PVOID DriverObject,
    _In_ PVOID RegistryPath
    )
{
    HW_INITIALIZATION_DATA hwInitData;

    RtlZeroMemory(&hwInitData, sizeof(hwInitData));
    hwInitData.HwInitializationDataSize = sizeof(HW_INITIALIZATION_DATA);
    hwInitData.AdapterInterfaceType = PCIBus;
    hwInitData.DeviceExtensionSize = sizeof(PHY_EXTENSION);
    hwInitData.HwFindAdapter = PhyHwFindAdapter;
    hwInitData.HwStartIo = PhyHwStartIo;
    hwInitData.NumberOfAccessRanges = 1;
    return StorPortInitialize(DriverObject, RegistryPath, &hwInitData, NULL);
}
