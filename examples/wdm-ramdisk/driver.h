/*
 * driver.h - shared declarations of the wdm-ramdisk example driver.
 *
 * A small WDM function driver that exposes a RAM-backed block of memory through
 * IRP_MJ_READ / IRP_MJ_WRITE and a couple of private IOCTLs. Written for ddi-lint's
 * examples: it contains deliberate defects, listed in examples/README.md.
 */
#pragma once

#include <ntddk.h>

//
// Pool tags. A multi-character constant is stored little-endian, so 'mIdR' shows up as
// "RdIm" in !pool and poolmon.
//
#define RAMDISK_TAG_IMAGE    'mIdR'
#define RAMDISK_TAG_PATH     'tPdR'
#define RAMDISK_TAG_HISTORY  'sHdR'
#define RAMDISK_TAG_PENDING  'nPdR'
#define RAMDISK_TAG_SUMMARY  'mSdR'
#define RAMDISK_TAG_LABEL    'bLdR'

#define RAMDISK_DEFAULT_SIZE      (4 * 1024 * 1024)
#define RAMDISK_SECTOR_SIZE       512
#define RAMDISK_MAX_HISTORY       64
#define RAMDISK_LABEL_CHARS       32

#define FILE_DEVICE_RAMDISK       0x8000
#define IOCTL_RAMDISK_GET_SIZE    CTL_CODE(FILE_DEVICE_RAMDISK, 0x800, METHOD_BUFFERED, FILE_READ_ACCESS)
#define IOCTL_RAMDISK_SET_LABEL   CTL_CODE(FILE_DEVICE_RAMDISK, 0x801, METHOD_BUFFERED, FILE_WRITE_ACCESS)
#define IOCTL_RAMDISK_WIPE        CTL_CODE(FILE_DEVICE_RAMDISK, 0x802, METHOD_BUFFERED, FILE_WRITE_ACCESS)

//
// One entry of the IOCTL history kept for diagnostics.
//
typedef struct _RAMDISK_HISTORY_ENTRY {
    LIST_ENTRY Link;
    ULONG IoControlCode;
    LARGE_INTEGER Time;
} RAMDISK_HISTORY_ENTRY, *PRAMDISK_HISTORY_ENTRY;

//
// A write that is waiting for the write-behind DPC to account for it.
//
typedef struct _RAMDISK_PENDING_WRITE {
    LIST_ENTRY Link;
    ULONGLONG Offset;
    ULONG Length;
} RAMDISK_PENDING_WRITE, *PRAMDISK_PENDING_WRITE;

//
// What the write-behind DPC hands to the passive-level work item.
//
typedef struct _RAMDISK_WRITE_SUMMARY {
    ULONG Writes;
    ULONGLONG Bytes;
    PIO_WORKITEM WorkItem;
} RAMDISK_WRITE_SUMMARY, *PRAMDISK_WRITE_SUMMARY;

typedef struct _RAMDISK_EXTENSION {
    PDEVICE_OBJECT Self;
    PDEVICE_OBJECT LowerDevice;

    // The disk image, non-paged: it is touched under the spin locks below.
    PUCHAR Image;
    ULONG ImageSize;

    // Protects PendingWrites, History and HistoryCount.
    KSPIN_LOCK Lock;
    LIST_ENTRY PendingWrites;
    LIST_ENTRY History;
    ULONG HistoryCount;

    // Protects the statistics.
    KSPIN_LOCK StatsLock;
    ULONGLONG BytesRead;
    ULONGLONG BytesWritten;

    KDPC WriteBehindDpc;

    // Volume label set by IOCTL_RAMDISK_SET_LABEL (paged pool); the pointer is swapped under Lock.
    PWCHAR Label;
} RAMDISK_EXTENSION, *PRAMDISK_EXTENSION;

//
// The service key, copied by DriverEntry and read by RamDiskReadParameters.
//
extern UNICODE_STRING RamDiskRegistryPath;

//
// Role types: they tell the analyzer (and PREfast) the IRQL each routine is entered at.
//
DRIVER_INITIALIZE DriverEntry;
DRIVER_ADD_DEVICE RamDiskAddDevice;
DRIVER_UNLOAD RamDiskUnload;

_Dispatch_type_(IRP_MJ_CREATE)
_Dispatch_type_(IRP_MJ_CLOSE)
DRIVER_DISPATCH RamDiskDispatchCreateClose;

_Dispatch_type_(IRP_MJ_READ)
_Dispatch_type_(IRP_MJ_WRITE)
DRIVER_DISPATCH RamDiskDispatchReadWrite;

_Dispatch_type_(IRP_MJ_DEVICE_CONTROL)
DRIVER_DISPATCH RamDiskDispatchDeviceControl;

_Dispatch_type_(IRP_MJ_PNP)
DRIVER_DISPATCH RamDiskDispatchPnp;

IO_COMPLETION_ROUTINE RamDiskStartCompletion;
KDEFERRED_ROUTINE RamDiskWriteBehindDpc;
IO_WORKITEM_ROUTINE RamDiskSummaryWorker;

//
// Helpers shared by driver.c and io.c.
//
PRAMDISK_HISTORY_ENTRY
RamDiskAllocateHistoryEntry(
    _In_ ULONG IoControlCode
    );

_IRQL_requires_max_(PASSIVE_LEVEL)
NTSTATUS
RamDiskReadParameters(
    _Inout_ PRAMDISK_EXTENSION Extension
    );

VOID
RamDiskFreeHistory(
    _Inout_ PRAMDISK_EXTENSION Extension
    );
