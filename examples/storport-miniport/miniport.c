/*
 * miniport.c - DriverEntry, adapter discovery and initialisation, reset, adapter control,
 * the interrupt and the completion DPC of the storport-miniport example driver.
 *
 * Deliberate defects are marked "Defect:"; examples/README.md lists them with the rule
 * that reports each one.
 */
#include "miniport.h"

#ifdef ALLOC_PRAGMA
#pragma alloc_text(INIT, DriverEntry)
#endif

_Use_decl_annotations_
ULONG
DriverEntry(
    PVOID DriverObject,
    PVOID RegistryPath
    )
{
    HW_INITIALIZATION_DATA hwInitData;

    RtlZeroMemory(&hwInitData, sizeof(HW_INITIALIZATION_DATA));
    hwInitData.HwInitializationDataSize = sizeof(HW_INITIALIZATION_DATA);
    hwInitData.AdapterInterfaceType = PCIBus;

    hwInitData.HwFindAdapter = SsHwFindAdapter;
    hwInitData.HwInitialize = SsHwInitialize;
    hwInitData.HwBuildIo = SsHwBuildIo;
    hwInitData.HwStartIo = SsHwStartIo;
    hwInitData.HwInterrupt = SsHwInterrupt;
    hwInitData.HwResetBus = SsHwResetBus;
    hwInitData.HwAdapterControl = SsHwAdapterControl;

    hwInitData.DeviceExtensionSize = sizeof(SS_ADAPTER_EXTENSION);
    hwInitData.SrbExtensionSize = sizeof(SS_SRB_EXTENSION);
    hwInitData.NumberOfAccessRanges = 1;
    hwInitData.MapBuffers = STOR_MAP_NON_READ_WRITE_BUFFERS;
    hwInitData.NeedPhysicalAddresses = TRUE;
    hwInitData.TaggedQueuing = TRUE;
    hwInitData.AutoRequestSense = TRUE;
    hwInitData.MultipleRequestPerLu = TRUE;

    return StorPortInitialize(DriverObject, RegistryPath, &hwInitData, NULL);
}

_Use_decl_annotations_
ULONG
SsHwFindAdapter(
    PVOID DeviceExtension,
    PVOID HwContext,
    PVOID BusInformation,
    PCHAR ArgumentString,
    PPORT_CONFIGURATION_INFORMATION ConfigInfo,
    PBOOLEAN Reserved3
    )
{
    PSS_ADAPTER_EXTENSION adapter = (PSS_ADAPTER_EXTENSION)DeviceExtension;
    PACCESS_RANGE range = &(*ConfigInfo->AccessRanges)[0];
    ULONG status;

    UNREFERENCED_PARAMETER(HwContext);
    UNREFERENCED_PARAMETER(BusInformation);
    UNREFERENCED_PARAMETER(ArgumentString);
    UNREFERENCED_PARAMETER(Reserved3);

    if (ConfigInfo->NumberOfAccessRanges < 1 || range->RangeLength < sizeof(SS_REGISTERS)) {
        return SP_RETURN_NOT_FOUND;
    }

    adapter->Registers = (PSS_REGISTERS)StorPortGetDeviceBase(adapter,
                                                              ConfigInfo->AdapterInterfaceType,
                                                              ConfigInfo->SystemIoBusNumber,
                                                              range->RangeStart,
                                                              range->RangeLength,
                                                              (BOOLEAN)!range->RangeInMemory);
    if (adapter->Registers == NULL) {
        return SP_RETURN_ERROR;
    }

    ConfigInfo->MaximumTransferLength = SS_MAX_TRANSFER;
    ConfigInfo->NumberOfPhysicalBreaks = SS_MAX_TRANSFER / PAGE_SIZE;
    ConfigInfo->ScatterGather = TRUE;
    ConfigInfo->Master = TRUE;
    ConfigInfo->CachesData = FALSE;
    ConfigInfo->NumberOfBuses = 1;
    ConfigInfo->MaximumNumberOfTargets = 1;
    ConfigInfo->MaximumNumberOfLogicalUnits = 1;
    ConfigInfo->Dma64BitAddresses = SCSI_DMA64_MINIPORT_SUPPORTED;
    ConfigInfo->SynchronizationModel = StorSynchronizeFullDuplex;

    adapter->CapacityBlocks = StorPortReadRegisterUlong(adapter, &adapter->Registers->CapacityBlocks);

    // Correct: StorPort's own allocator, at PASSIVE_LEVEL.
    status = StorPortAllocatePool(adapter, SS_MODEL_LENGTH, SS_TAG_MODEL, (PVOID *)&adapter->Model);
    if (status != STOR_STATUS_SUCCESS) {
        return SP_RETURN_ERROR;
    }
    StorPortMoveMemory(adapter->Model, "SimpleStor Disk ", SS_MODEL_LENGTH);

    StorPortInitializeDpc(adapter, &adapter->CompletionDpc, SsCompletionDpc);
    return SP_RETURN_FOUND;
}

_Use_decl_annotations_
BOOLEAN
SsHwInitialize(
    PVOID DeviceExtension
    )
{
    PSS_ADAPTER_EXTENSION adapter = (PSS_ADAPTER_EXTENSION)DeviceExtension;
    ULONG poll;

    StorPortWriteRegisterUlong(adapter, &adapter->Registers->Control, SS_CONTROL_RESET);
    for (poll = 0; poll < SS_RESET_POLLS; poll++) {
        if (StorPortReadRegisterUlong(adapter, &adapter->Registers->Status) & SS_STATUS_READY) {
            break;
        }
        StorPortStallExecution(10);     // short polling stall at HwInitialize time
    }
    if (poll == SS_RESET_POLLS) {
        return FALSE;
    }

    StorPortWriteRegisterUlong(adapter, &adapter->Registers->Control, SS_CONTROL_ENABLE);
    return TRUE;
}

_Use_decl_annotations_
BOOLEAN
SsHwResetBus(
    PVOID DeviceExtension,
    ULONG PathId
    )
{
    PSS_ADAPTER_EXTENSION adapter = (PSS_ADAPTER_EXTENSION)DeviceExtension;

    StorPortWriteRegisterUlong(adapter, &adapter->Registers->Control, SS_CONTROL_RESET);

    // For future rules: a WDM stall in a physical miniport (StorPortStallExecution is the StorPort equivalent).
    KeStallExecutionProcessor(100);

    StorPortWriteRegisterUlong(adapter, &adapter->Registers->Control, SS_CONTROL_ENABLE);
    StorPortCompleteRequest(adapter, (UCHAR)PathId, SP_UNTAGGED, SP_UNTAGGED, SRB_STATUS_BUS_RESET);
    return TRUE;
}

_Use_decl_annotations_
SCSI_ADAPTER_CONTROL_STATUS
SsHwAdapterControl(
    PVOID DeviceExtension,
    SCSI_ADAPTER_CONTROL_TYPE ControlType,
    PVOID Parameters
    )
{
    PSS_ADAPTER_EXTENSION adapter = (PSS_ADAPTER_EXTENSION)DeviceExtension;
    PSCSI_SUPPORTED_CONTROL_TYPE_LIST supported;

    switch (ControlType) {
    case ScsiQuerySupportedControlTypes:
        supported = (PSCSI_SUPPORTED_CONTROL_TYPE_LIST)Parameters;
        if (supported->MaxControlType > ScsiStopAdapter) {
            supported->SupportedTypeList[ScsiStopAdapter] = TRUE;
        }
        if (supported->MaxControlType > ScsiRestartAdapter) {
            supported->SupportedTypeList[ScsiRestartAdapter] = TRUE;
        }
        supported->SupportedTypeList[ScsiQuerySupportedControlTypes] = TRUE;
        return ScsiAdapterControlSuccess;

    case ScsiStopAdapter:
        StorPortWriteRegisterUlong(adapter, &adapter->Registers->Control, 0);
        return ScsiAdapterControlSuccess;

    case ScsiRestartAdapter:
        return SsHwInitialize(adapter) ? ScsiAdapterControlSuccess : ScsiAdapterControlUnsuccessful;

    default:
        return ScsiAdapterControlUnsuccessful;
    }
}

_Use_decl_annotations_
BOOLEAN
SsHwInterrupt(
    PVOID DeviceExtension
    )
{
    PSS_ADAPTER_EXTENSION adapter = (PSS_ADAPTER_EXTENSION)DeviceExtension;
    ULONG pending;

    pending = StorPortReadRegisterUlong(adapter, &adapter->Registers->InterruptStatus);
    if ((pending & SS_INTERRUPT_COMPLETION) == 0) {
        return FALSE;
    }
    StorPortWriteRegisterUlong(adapter, &adapter->Registers->InterruptStatus, pending);

    adapter->CompletedSlots |= StorPortReadRegisterUlong(adapter, &adapter->Registers->CompletedSlots);
    StorPortIssueDpc(adapter, &adapter->CompletionDpc, NULL, NULL);
    return TRUE;
}

_Use_decl_annotations_
VOID
SsCompletionDpc(
    PSTOR_DPC Dpc,
    PVOID HwDeviceExtension,
    PVOID SystemArgument1,
    PVOID SystemArgument2
    )
{
    PSS_ADAPTER_EXTENSION adapter = (PSS_ADAPTER_EXTENSION)HwDeviceExtension;
    PSCSI_REQUEST_BLOCK done[SS_MAX_SLOTS];
    PSS_SRB_EXTENSION srbExt;
    STOR_LOCK_HANDLE lockHandle;
    ULONG completed;
    ULONG count = 0;
    ULONG slot;

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);

    StorPortAcquireSpinLock(adapter, InterruptLock, NULL, &lockHandle);
    completed = adapter->CompletedSlots;
    adapter->CompletedSlots = 0;
    for (slot = 0; slot < SS_MAX_SLOTS; slot++) {
        if ((completed & (1UL << slot)) != 0 && adapter->Slots[slot] != NULL) {
            done[count++] = adapter->Slots[slot];
            adapter->Slots[slot] = NULL;
        }
    }
    StorPortReleaseSpinLock(adapter, &lockHandle);

    for (slot = 0; slot < count; slot++) {
        srbExt = (PSS_SRB_EXTENSION)done[slot]->SrbExtension;
        if (srbExt->Timing != NULL) {
            ExFreePoolWithTag(srbExt->Timing, SS_TAG_TIMING);
            srbExt->Timing = NULL;
        }
        done[slot]->SrbStatus = SRB_STATUS_SUCCESS;
        StorPortNotification(RequestComplete, adapter, done[slot]);
    }
}
