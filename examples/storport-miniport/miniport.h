/*
 * miniport.h - shared declarations of the storport-miniport example driver.
 *
 * A physical StorPort miniport for "SimpleStor", a fictional PCI block controller with one
 * register BAR and a doorbell per command slot. Written for ddi-lint's examples: it contains
 * deliberate defects, listed in examples/README.md.
 */
#pragma once

#include <storport.h>

//
// Pool tags ('pVsS' shows up as "SsVp" in !pool and poolmon).
//
#define SS_TAG_VPD      'pVsS'
#define SS_TAG_TIMING   'mTsS'
#define SS_TAG_MODEL    'oMsS'

#define SS_MAX_TRANSFER     (128 * 1024)
#define SS_MAX_SLOTS        32
#define SS_BLOCK_SIZE       512
#define SS_SERIAL_LENGTH    16
#define SS_MODEL_LENGTH     16
#define SS_RESET_POLLS      1000
#define SS_MAX_ELEMENTS     (SS_MAX_TRANSFER / PAGE_SIZE + 1)

//
// Register layout of BAR 0.
//
typedef struct _SS_REGISTERS {
    ULONG Control;
    ULONG Status;
    ULONG InterruptStatus;
    ULONG CompletedSlots;
    ULONG Doorbell;
    ULONG CapacityBlocks;
    ULONG Serial[2];
    ULONG CommandBaseLow[SS_MAX_SLOTS];
    ULONG CommandBaseHigh[SS_MAX_SLOTS];
} SS_REGISTERS, *PSS_REGISTERS;

#define SS_CONTROL_RESET        0x00000001
#define SS_CONTROL_ENABLE       0x00000002
#define SS_STATUS_READY         0x00000001
#define SS_INTERRUPT_COMPLETION 0x00000001

#define SS_OP_READ      0x01
#define SS_OP_WRITE     0x02
#define SS_OP_FLUSH     0x03

//
// The hardware command for one request, built by HwBuildIo in the SRB extension.
//
typedef struct _SS_ELEMENT {
    ULONGLONG Address;
    ULONG Length;
    ULONG Reserved;
} SS_ELEMENT, *PSS_ELEMENT;

typedef struct _SS_COMMAND {
    UCHAR Opcode;
    UCHAR Reserved[3];
    ULONG Blocks;
    ULONGLONG Lba;
    ULONG ElementCount;
    ULONG Reserved2;
    SS_ELEMENT Elements[SS_MAX_ELEMENTS];
} SS_COMMAND, *PSS_COMMAND;

//
// Latency bookkeeping for one request.
//
typedef struct _SS_TIMING {
    LARGE_INTEGER Submitted;
    ULONG Slot;
} SS_TIMING, *PSS_TIMING;

typedef struct _SS_SRB_EXTENSION {
    SS_COMMAND Command;
    PSS_TIMING Timing;
} SS_SRB_EXTENSION, *PSS_SRB_EXTENSION;

typedef struct _SS_ADAPTER_EXTENSION {
    PSS_REGISTERS Registers;
    ULONG CapacityBlocks;
    STOR_DPC CompletionDpc;

    // Guarded by the interrupt lock: shared between HwStartIo, HwInterrupt and the DPC.
    PSCSI_REQUEST_BLOCK Slots[SS_MAX_SLOTS];
    ULONG NextSlot;
    ULONG CompletedSlots;

    PUCHAR Model;       // allocated by HwFindAdapter
    PUCHAR VpdSerial;   // allocated on the first VPD serial-number INQUIRY
} SS_ADAPTER_EXTENSION, *PSS_ADAPTER_EXTENSION;

//
// Role types.
//
sp_DRIVER_INITIALIZE DriverEntry;
HW_FIND_ADAPTER SsHwFindAdapter;
HW_INITIALIZE SsHwInitialize;
HW_BUILDIO SsHwBuildIo;
HW_STARTIO SsHwStartIo;
HW_INTERRUPT SsHwInterrupt;
HW_RESET_BUS SsHwResetBus;
HW_ADAPTER_CONTROL SsHwAdapterControl;
HW_DPC_ROUTINE SsCompletionDpc;
