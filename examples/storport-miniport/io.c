/*
 * io.c - HwBuildIo, HwStartIo and the SCSI command helpers of the storport-miniport
 * example driver.
 *
 * Deliberate defects are marked "Defect:"; examples/README.md lists them with the rule
 * that reports each one.
 */
#include "miniport.h"

static
VOID
SsFormatSerial(
    _In_ PSS_ADAPTER_EXTENSION Adapter,
    _Out_writes_(SS_SERIAL_LENGTH) PUCHAR Serial
    )
{
    static const CHAR hex[] = "0123456789ABCDEF";
    ULONG word = 0;
    ULONG i;

    for (i = 0; i < SS_SERIAL_LENGTH; i++) {
        if (i % 8 == 0) {
            word = StorPortReadRegisterUlong(Adapter, &Adapter->Registers->Serial[i / 8]);
        }
        Serial[i] = (UCHAR)hex[(word >> 28) & 0xF];
        word <<= 4;
    }
}

static
UCHAR
SsHandleInquiry(
    _In_ PSS_ADAPTER_EXTENSION Adapter,
    _Inout_ PSCSI_REQUEST_BLOCK Srb
    )
{
    PCDB cdb = (PCDB)Srb->Cdb;
    PUCHAR buffer = (PUCHAR)Srb->DataBuffer;
    PINQUIRYDATA inquiry;
    ULONG needed;

    if (buffer == NULL) {
        return SRB_STATUS_ERROR;
    }

    if (cdb->CDB6INQUIRY3.EnableVitalProductData == 0) {
        if (Srb->DataTransferLength < INQUIRYDATABUFFERSIZE) {
            return SRB_STATUS_DATA_OVERRUN;
        }
        RtlZeroMemory(buffer, INQUIRYDATABUFFERSIZE);
        inquiry = (PINQUIRYDATA)buffer;
        inquiry->DeviceType = DIRECT_ACCESS_DEVICE;
        inquiry->Versions = 5;
        inquiry->ResponseDataFormat = 2;
        inquiry->AdditionalLength = INQUIRYDATABUFFERSIZE - 5;
        inquiry->CommandQueue = 1;
        StorPortMoveMemory(inquiry->VendorId, "SIMPLE  ", 8);
        StorPortMoveMemory(inquiry->ProductId, Adapter->Model, SS_MODEL_LENGTH);
        StorPortMoveMemory(inquiry->ProductRevisionLevel, "1.00", 4);
        Srb->DataTransferLength = INQUIRYDATABUFFERSIZE;
        return SRB_STATUS_SUCCESS;
    }

    switch (cdb->CDB6INQUIRY3.PageCode) {
    case VPD_SUPPORTED_PAGES:
        if (Srb->DataTransferLength < 6) {
            return SRB_STATUS_DATA_OVERRUN;
        }
        RtlZeroMemory(buffer, 6);
        buffer[1] = VPD_SUPPORTED_PAGES;
        buffer[3] = 2;
        buffer[4] = VPD_SUPPORTED_PAGES;
        buffer[5] = VPD_SERIAL_NUMBER;
        Srb->DataTransferLength = 6;
        return SRB_STATUS_SUCCESS;

    case VPD_SERIAL_NUMBER:
        if (Adapter->VpdSerial == NULL) {
            //
            // Defect: this helper runs inside HwStorStartIo (DISPATCH_LEVEL, or DIRQL for a
            // half-duplex miniport), where paged pool cannot be allocated; the allocator is
            // the deprecated one too. The serial number belongs in HwFindAdapter.
            //
            Adapter->VpdSerial = (PUCHAR)ExAllocatePoolWithTag(PagedPool, SS_SERIAL_LENGTH, SS_TAG_VPD);
            if (Adapter->VpdSerial == NULL) {
                return SRB_STATUS_ERROR;
            }
            SsFormatSerial(Adapter, Adapter->VpdSerial);
        }
        needed = 4 + SS_SERIAL_LENGTH;
        if (Srb->DataTransferLength < needed) {
            return SRB_STATUS_DATA_OVERRUN;
        }
        RtlZeroMemory(buffer, needed);
        buffer[1] = VPD_SERIAL_NUMBER;
        buffer[3] = SS_SERIAL_LENGTH;
        StorPortMoveMemory(buffer + 4, Adapter->VpdSerial, SS_SERIAL_LENGTH);
        Srb->DataTransferLength = needed;
        return SRB_STATUS_SUCCESS;

    default:
        return SRB_STATUS_INVALID_REQUEST;
    }
}

static
UCHAR
SsHandleReadCapacity(
    _In_ PSS_ADAPTER_EXTENSION Adapter,
    _Inout_ PSCSI_REQUEST_BLOCK Srb
    )
{
    PREAD_CAPACITY_DATA capacity = (PREAD_CAPACITY_DATA)Srb->DataBuffer;
    ULONG lastBlock = Adapter->CapacityBlocks - 1;
    ULONG blockSize = SS_BLOCK_SIZE;

    if (capacity == NULL || Srb->DataTransferLength < sizeof(READ_CAPACITY_DATA)) {
        return SRB_STATUS_DATA_OVERRUN;
    }
    REVERSE_BYTES(&capacity->LogicalBlockAddress, &lastBlock);
    REVERSE_BYTES(&capacity->BytesPerBlock, &blockSize);
    Srb->DataTransferLength = sizeof(READ_CAPACITY_DATA);
    return SRB_STATUS_SUCCESS;
}

//
// Hands a command built by HwBuildIo to the controller. FALSE when every slot is busy.
//
static
BOOLEAN
SsSubmitCommand(
    _In_ PSS_ADAPTER_EXTENSION Adapter,
    _In_ PSCSI_REQUEST_BLOCK Srb,
    _Inout_ PSS_SRB_EXTENSION SrbExt
    )
{
    STOR_PHYSICAL_ADDRESS commandAddress;
    STOR_LOCK_HANDLE lockHandle;
    ULONG length = sizeof(SS_COMMAND);
    ULONG slot = 0;
    ULONG i;

    commandAddress = StorPortGetPhysicalAddress(Adapter, NULL, &SrbExt->Command, &length);

    StorPortAcquireSpinLock(Adapter, InterruptLock, NULL, &lockHandle);
    for (i = 0; i < SS_MAX_SLOTS; i++) {
        slot = (Adapter->NextSlot + i) % SS_MAX_SLOTS;
        if (Adapter->Slots[slot] == NULL) {
            break;
        }
    }
    if (i == SS_MAX_SLOTS) {
        StorPortReleaseSpinLock(Adapter, &lockHandle);
        return FALSE;
    }
    Adapter->Slots[slot] = Srb;
    Adapter->NextSlot = slot + 1;
    if (SrbExt->Timing != NULL) {
        SrbExt->Timing->Slot = slot;
    }
    StorPortWriteRegisterUlong(Adapter, &Adapter->Registers->CommandBaseLow[slot], commandAddress.LowPart);
    StorPortWriteRegisterUlong(Adapter, &Adapter->Registers->CommandBaseHigh[slot], (ULONG)commandAddress.HighPart);
    StorPortWriteRegisterUlong(Adapter, &Adapter->Registers->Doorbell, 1UL << slot);
    StorPortReleaseSpinLock(Adapter, &lockHandle);
    return TRUE;
}

_Use_decl_annotations_
BOOLEAN
SsHwBuildIo(
    PVOID DeviceExtension,
    PSCSI_REQUEST_BLOCK Srb
    )
{
    PSS_ADAPTER_EXTENSION adapter = (PSS_ADAPTER_EXTENSION)DeviceExtension;
    PSS_SRB_EXTENSION srbExt = (PSS_SRB_EXTENSION)Srb->SrbExtension;
    PSS_COMMAND command = &srbExt->Command;
    PCDB cdb = (PCDB)Srb->Cdb;
    PSTOR_SCATTER_GATHER_LIST sgl;
    ULONG i;

    RtlZeroMemory(srbExt, sizeof(SS_SRB_EXTENSION));
    if (Srb->Function != SRB_FUNCTION_EXECUTE_SCSI) {
        return TRUE;
    }

    switch (cdb->CDB10.OperationCode) {
    case SCSIOP_READ:
    case SCSIOP_WRITE:
        command->Opcode = (cdb->CDB10.OperationCode == SCSIOP_READ) ? SS_OP_READ : SS_OP_WRITE;
        command->Lba = ((ULONGLONG)cdb->CDB10.LogicalBlockByte0 << 24) |
                       ((ULONGLONG)cdb->CDB10.LogicalBlockByte1 << 16) |
                       ((ULONGLONG)cdb->CDB10.LogicalBlockByte2 << 8) |
                       (ULONGLONG)cdb->CDB10.LogicalBlockByte3;
        command->Blocks = ((ULONG)cdb->CDB10.TransferBlocksMsb << 8) | cdb->CDB10.TransferBlocksLsb;

        sgl = StorPortGetScatterGatherList(adapter, Srb);
        if (command->Lba + command->Blocks > adapter->CapacityBlocks ||
            sgl == NULL || sgl->NumberOfElements > SS_MAX_ELEMENTS) {
            Srb->SrbStatus = SRB_STATUS_INVALID_REQUEST;
            StorPortNotification(RequestComplete, adapter, Srb);
            return FALSE;
        }
        command->ElementCount = sgl->NumberOfElements;
        for (i = 0; i < sgl->NumberOfElements; i++) {
            command->Elements[i].Address = (ULONGLONG)sgl->List[i].PhysicalAddress.QuadPart;
            command->Elements[i].Length = sgl->List[i].Length;
        }
        break;

    case SCSIOP_SYNCHRONIZE_CACHE:
        command->Opcode = SS_OP_FLUSH;
        break;

    default:
        break;      // answered by HwStartIo without the hardware
    }
    return TRUE;
}

_Use_decl_annotations_
BOOLEAN
SsHwStartIo(
    PVOID DeviceExtension,
    PSCSI_REQUEST_BLOCK Srb
    )
{
    PSS_ADAPTER_EXTENSION adapter = (PSS_ADAPTER_EXTENSION)DeviceExtension;
    PSS_SRB_EXTENSION srbExt = (PSS_SRB_EXTENSION)Srb->SrbExtension;
    PCDB cdb = (PCDB)Srb->Cdb;

    if (Srb->Function != SRB_FUNCTION_EXECUTE_SCSI) {
        if (Srb->Function == SRB_FUNCTION_RESET_LOGICAL_UNIT || Srb->Function == SRB_FUNCTION_RESET_DEVICE) {
            Srb->SrbStatus = SRB_STATUS_SUCCESS;
        } else {
            Srb->SrbStatus = SRB_STATUS_INVALID_REQUEST;
        }
        StorPortNotification(RequestComplete, adapter, Srb);
        return TRUE;
    }

    switch (cdb->CDB6GENERIC.OperationCode) {
    case SCSIOP_TEST_UNIT_READY:
        Srb->SrbStatus = SRB_STATUS_SUCCESS;
        break;

    case SCSIOP_INQUIRY:
        Srb->SrbStatus = SsHandleInquiry(adapter, Srb);
        break;

    case SCSIOP_READ_CAPACITY:
        Srb->SrbStatus = SsHandleReadCapacity(adapter, Srb);
        break;

    case SCSIOP_READ:
    case SCSIOP_WRITE:
    case SCSIOP_SYNCHRONIZE_CACHE:
        //
        // Defect: ExAllocatePoolWithTag is deprecated. (HwStorStartIo should not allocate at
        // all: per-request state belongs in the SRB extension.)
        //
        srbExt->Timing = (PSS_TIMING)ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(SS_TIMING), SS_TAG_TIMING);
        if (srbExt->Timing != NULL) {
            StorPortQueryPerformanceCounter(adapter, NULL, &srbExt->Timing->Submitted);
        }
        if (!SsSubmitCommand(adapter, Srb, srbExt)) {
            Srb->SrbStatus = SRB_STATUS_BUSY;
            break;
        }
        //
        // For future rules: a stall in HwStorStartIo (SpNoWait), and one of 1.5 ms, over the
        // 1 ms that StorPortStallExecution allows (StorPortStartIo). Meant to let the
        // controller fetch the command before the next doorbell.
        //
        StorPortStallExecution(1500);
        return TRUE;        // completed by SsCompletionDpc

    default:
        Srb->SrbStatus = SRB_STATUS_INVALID_REQUEST;
        break;
    }

    StorPortNotification(RequestComplete, adapter, Srb);
    return TRUE;
}
