/*
 * The same physical miniport configured for full duplex (ConfigInfo->SynchronizationModel =
 * StorSynchronizeFullDuplex): its HwStorStartIo runs at DISPATCH_LEVEL, where KeSetEvent(…, FALSE) is allowed.
 * Without the configuration the routine could run at DIRQL and the call would be reported.
 */
#include <storport.h>

typedef struct _PHY_EXTENSION {
    PULONG Registers;
    KEVENT FirstIo;
} PHY_EXTENSION, *PPHY_EXTENSION;

BOOLEAN
PhyHwStartIo(
    _In_ PVOID DeviceExtension,
    _In_ PSCSI_REQUEST_BLOCK Srb
    )
{
    PPHY_EXTENSION ext = (PPHY_EXTENSION)DeviceExtension;

    WRITE_REGISTER_ULONG(ext->Registers, (ULONG)Srb->Cdb[0]);
    KeSetEvent(&ext->FirstIo, IO_NO_INCREMENT, FALSE);
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
    KeInitializeEvent(&ext->FirstIo, NotificationEvent, FALSE);
    ConfigInfo->SynchronizationModel = StorSynchronizeFullDuplex;
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
