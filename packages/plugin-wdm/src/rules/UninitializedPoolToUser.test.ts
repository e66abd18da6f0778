import { describe, expect, it } from 'vitest';
import { RuleTester } from '@ddi-lint/core/rule-tester';
import rule from './UninitializedPoolToUser.js';

/** 1-based line of the first line of `code` containing `needle`. */
function lineOf(code: string, needle: string): number {
  const i = code.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`"${needle}" not in code`);
  return i + 1;
}

/** 1-based column of `needle` on its line. */
function columnOf(code: string, needle: string): number {
  return code.split('\n')[lineOf(code, needle) - 1].indexOf(needle) + 1;
}

// ---- A METHOD_BUFFERED IOCTL fills two fields of a structure from ExAllocatePoolWithTag and copies all of it out. ----

const IOCTL_BUFFERED = `#include <wdm.h>

#define INFO_TAG 'fnID'

typedef struct _DEVICE_INFO {
    ULONG Version;
    ULONG Flags;
    ULONGLONG SerialNumber;
    WCHAR FriendlyName[32];
} DEVICE_INFO, *PDEVICE_INFO;

_Dispatch_type_(IRP_MJ_DEVICE_CONTROL)
DRIVER_DISPATCH DispatchDeviceControl;

_Use_decl_annotations_
NTSTATUS
DispatchDeviceControl(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    ULONG outputLength = stack->Parameters.DeviceIoControl.OutputBufferLength;
    PDEVICE_INFO info;
    NTSTATUS status = STATUS_SUCCESS;

    UNREFERENCED_PARAMETER(DeviceObject);

    if (outputLength < sizeof(DEVICE_INFO)) {
        status = STATUS_BUFFER_TOO_SMALL;
        goto Complete;
    }
    info = (PDEVICE_INFO)ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(DEVICE_INFO), INFO_TAG);
    if (info == NULL) {
        status = STATUS_INSUFFICIENT_RESOURCES;
        goto Complete;
    }
    info->Version = 3;
    info->SerialNumber = 0x1234;

    RtlCopyMemory(Irp->AssociatedIrp.SystemBuffer, info, sizeof(DEVICE_INFO));
    Irp->IoStatus.Information = sizeof(DEVICE_INFO);
    ExFreePoolWithTag(info, INFO_TAG);

Complete:
    Irp->IoStatus.Status = status;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}
`;

// ---- A KMDF EvtIoDeviceControl copies into the buffer WdfRequestRetrieveOutputBuffer returned. ----

const KMDF_OUTPUT = `#include <ntddk.h>
#include <wdf.h>

#define STATS_TAG 'tsSD'

typedef struct _QUEUE_STATISTICS {
    ULONG Reads;
    ULONG Writes;
    ULONG Errors;
    ULONG Reserved;
} QUEUE_STATISTICS, *PQUEUE_STATISTICS;

EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL EvtIoDeviceControl;

VOID
EvtIoDeviceControl(
    _In_ WDFQUEUE Queue,
    _In_ WDFREQUEST Request,
    _In_ size_t OutputBufferLength,
    _In_ size_t InputBufferLength,
    _In_ ULONG IoControlCode
    )
{
    PVOID out;
    PQUEUE_STATISTICS stats;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(Queue);
    UNREFERENCED_PARAMETER(OutputBufferLength);
    UNREFERENCED_PARAMETER(InputBufferLength);
    UNREFERENCED_PARAMETER(IoControlCode);

    status = WdfRequestRetrieveOutputBuffer(Request, sizeof(QUEUE_STATISTICS), &out, NULL);
    if (!NT_SUCCESS(status)) {
        WdfRequestComplete(Request, status);
        return;
    }
    stats = (PQUEUE_STATISTICS)ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(QUEUE_STATISTICS), STATS_TAG);
    if (stats == NULL) {
        WdfRequestComplete(Request, STATUS_INSUFFICIENT_RESOURCES);
        return;
    }
    stats->Reads = 10;
    stats->Writes = 4;
    memcpy(out, stats, sizeof(QUEUE_STATISTICS));
    ExFreePoolWithTag(stats, STATS_TAG);
    WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, sizeof(QUEUE_STATISTICS));
}
`;

const leak = (place: string, allocator: string, where: string, destination: string) =>
  `${place} (${allocator} at ${where}, not zeroed) is copied to the user-visible buffer ${destination} before it is initialised: kernel memory contents leak to user mode. Allocate with ExAllocatePool2 (zeroed) or zero it first.`;

new RuleTester().run('wdm/UninitializedPoolToUser', rule, {
  valid: [
    {
      name: 'ExAllocatePool2 returns zeroed memory',
      code: `typedef struct _VERSION_INFO { ULONG Major; ULONG Minor; ULONGLONG Build; } VERSION_INFO, *PVERSION_INFO;

NTSTATUS GetVersion(PIRP Irp)
{
    PVERSION_INFO info = ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(VERSION_INFO), 'reVD');
    if (info == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    info->Major = 1;
    RtlCopyMemory(Irp->AssociatedIrp.SystemBuffer, info, sizeof(VERSION_INFO));
    Irp->IoStatus.Information = sizeof(VERSION_INFO);
    ExFreePoolWithTag(info, 'reVD');
    return STATUS_SUCCESS;
}
`,
    },
    {
      name: 'RtlZeroMemory before the fields are filled and the copy',
      code: `typedef struct _VERSION_INFO { ULONG Major; ULONG Minor; ULONGLONG Build; } VERSION_INFO, *PVERSION_INFO;

NTSTATUS GetVersion(PIRP Irp)
{
    PVERSION_INFO info = ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(VERSION_INFO), 'reVD');
    if (info == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    RtlZeroMemory(info, sizeof(VERSION_INFO));
    info->Major = 1;
    RtlCopyMemory(Irp->AssociatedIrp.SystemBuffer, info, sizeof(VERSION_INFO));
    ExFreePoolWithTag(info, 'reVD');
    return STATUS_SUCCESS;
}
`,
    },
    {
      name: 'memset to zero, and a full copy into the buffer, initialise it',
      code: `NTSTATUS Snapshot(PIRP Irp, PUCHAR Registers, ULONG Length)
{
    PUCHAR copy = ExAllocatePool(NonPagedPoolNx, Length);
    PUCHAR pad = ExAllocatePoolWithTag(NonPagedPoolNx, Length, 'daPD');
    if (copy == NULL || pad == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    RtlCopyMemory(copy, Registers, Length);
    memset(pad, 0, Length);
    RtlCopyMemory(Irp->AssociatedIrp.SystemBuffer, copy, Length);
    RtlCopyMemory(Irp->UserBuffer, pad, Length);
    ExFreePool(copy);
    ExFreePoolWithTag(pad, 'daPD');
    return STATUS_SUCCESS;
}
`,
    },
    {
      name: 'POOL_ZERO_ALLOCATION and the down-level Zero wrappers zero the memory',
      code: `NTSTATUS Zeroed(PIRP Irp, ULONG Length)
{
    PUCHAR a = ExAllocatePoolWithTag(NonPagedPoolNx | POOL_ZERO_ALLOCATION, Length, 'AvdD');
    PUCHAR b = ExAllocatePoolZero(NonPagedPoolNx, Length, 'BvdD');
    PUCHAR c = ExAllocatePoolPriorityZero(NonPagedPoolNx, Length, 'CvdD', NormalPoolPriority);
    if (!a || !b || !c) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    RtlCopyMemory(Irp->AssociatedIrp.SystemBuffer, a, Length);
    RtlCopyMemory(Irp->AssociatedIrp.SystemBuffer, b, Length);
    RtlCopyMemory(Irp->AssociatedIrp.SystemBuffer, c, Length);
    return STATUS_SUCCESS;
}
`,
    },
    {
      name: 'uninitialised memory copied to a kernel-only destination',
      code: `typedef struct _DEVICE_EXTENSION { PUCHAR Shadow; } DEVICE_EXTENSION, *PDEVICE_EXTENSION;

NTSTATUS SaveShadow(PDEVICE_EXTENSION Ext, ULONG Length)
{
    PUCHAR scratch = ExAllocatePoolWithTag(NonPagedPoolNx, Length, 'rcSD');
    if (scratch == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    RtlCopyMemory(Ext->Shadow, scratch, Length);
    ExFreePoolWithTag(scratch, 'rcSD');
    return STATUS_SUCCESS;
}
`,
    },
    {
      name: 'the user buffer is the source, not the destination',
      code: `NTSTATUS CaptureInput(PIRP Irp, ULONG Length, PVOID *Captured)
{
    PUCHAR capture = ExAllocatePoolWithTag(NonPagedPoolNx, Length, 'tpaC');
    if (capture == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    RtlCopyMemory(capture, Irp->AssociatedIrp.SystemBuffer, Length);
    *Captured = capture;
    return STATUS_SUCCESS;
}
`,
    },
    {
      name: 'a KMDF output buffer filled from memory zeroed after allocation',
      code: `EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL EvtIoDeviceControl;
VOID EvtIoDeviceControl(WDFQUEUE Queue, WDFREQUEST Request, size_t OutputBufferLength, size_t InputBufferLength, ULONG IoControlCode)
{
    PVOID out;
    PULONG counters;
    NTSTATUS status = WdfRequestRetrieveOutputBuffer(Request, 4 * sizeof(ULONG), &out, NULL);
    if (!NT_SUCCESS(status)) {
        WdfRequestComplete(Request, status);
        return;
    }
    counters = ExAllocatePoolWithTag(NonPagedPoolNx, 4 * sizeof(ULONG), 'rtnC');
    if (counters == NULL) {
        WdfRequestComplete(Request, STATUS_INSUFFICIENT_RESOURCES);
        return;
    }
    RtlSecureZeroMemory(counters, 4 * sizeof(ULONG));
    counters[0] = 1;
    RtlCopyMemory(out, counters, 4 * sizeof(ULONG));
    ExFreePoolWithTag(counters, 'rtnC');
    WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, 4 * sizeof(ULONG));
}
`,
    },
  ],
  invalid: [
    {
      name: 'a METHOD_BUFFERED IOCTL copies a partly filled ExAllocatePoolWithTag block to SystemBuffer',
      code: IOCTL_BUFFERED,
      errors: [
        {
          messageId: 'leak',
          message: leak('info', 'ExAllocatePoolWithTag', `test.c:${lineOf(IOCTL_BUFFERED, 'ExAllocatePoolWithTag(')}`, 'Irp->AssociatedIrp.SystemBuffer'),
          line: lineOf(IOCTL_BUFFERED, 'RtlCopyMemory('),
          column: columnOf(IOCTL_BUFFERED, 'RtlCopyMemory('),
          endColumn: columnOf(IOCTL_BUFFERED, 'RtlCopyMemory(') + 'RtlCopyMemory(Irp->AssociatedIrp.SystemBuffer, info, sizeof(DEVICE_INFO))'.length,
        },
      ],
    },
    {
      name: 'a KMDF request’s output buffer from WdfRequestRetrieveOutputBuffer',
      code: KMDF_OUTPUT,
      errors: [
        {
          messageId: 'leak',
          data: { place: 'stats', allocator: 'ExAllocatePoolWithTag', where: `test.c:${lineOf(KMDF_OUTPUT, 'ExAllocatePoolWithTag(')}`, destination: 'out' },
          line: lineOf(KMDF_OUTPUT, 'memcpy('),
          column: columnOf(KMDF_OUTPUT, 'memcpy('),
        },
      ],
    },
    {
      name: 'through a local holding SystemBuffer, with casts on both sides',
      code: `typedef struct _PORT_STATE { ULONG Baud; UCHAR Parity; ULONG Timeout; } PORT_STATE, *PPORT_STATE;

NTSTATUS QueryPort(PIRP Irp)
{
    PPORT_STATE out = (PPORT_STATE)Irp->AssociatedIrp.SystemBuffer;
    PPORT_STATE state = (PPORT_STATE)ExAllocatePool(NonPagedPoolNx, sizeof(PORT_STATE));
    if (state == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    state->Baud = 115200;
    state->Parity = 0;
    RtlCopyMemory((PVOID)out, (PVOID)state, sizeof(PORT_STATE));
    ExFreePool(state);
    Irp->IoStatus.Information = sizeof(PORT_STATE);
    return STATUS_SUCCESS;
}
`,
      errors: [{ messageId: 'leak', line: 12, column: 5, data: { place: 'state', allocator: 'ExAllocatePool', where: 'test.c:6', destination: '(PVOID)out' } }],
    },
    {
      name: 'METHOD_NEITHER Irp->UserBuffer and the mapped MDL of a direct I/O request',
      code: `NTSTATUS ReadNeither(PIRP Irp, ULONG Length)
{
    PUCHAR block = ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_UNINITIALIZED, Length, 'ktNB');
    if (block == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    RtlMoveMemory(Irp->UserBuffer, block, Length);
    ExFreePoolWithTag(block, 'ktNB');
    return STATUS_SUCCESS;
}

NTSTATUS ReadDirect(PIRP Irp, ULONG Length)
{
    PUCHAR mapped = MmGetSystemAddressForMdlSafe(Irp->MdlAddress, NormalPagePriority | MdlMappingNoExecute);
    PUCHAR block = ExAllocatePoolUninitialized(NonPagedPoolNx, Length, 'ktDB');
    if (block == NULL || mapped == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    RtlCopyMemory(mapped, block, Length);
    ExFreePoolWithTag(block, 'ktDB');
    return STATUS_SUCCESS;
}
`,
      errors: [
        { messageId: 'leak', line: 7, data: { place: 'block', allocator: 'ExAllocatePool2', where: 'test.c:3', destination: 'Irp->UserBuffer' } },
        { messageId: 'leak', line: 19, data: { place: 'block', allocator: 'ExAllocatePoolUninitialized', where: 'test.c:15', destination: 'mapped' } },
      ],
    },
    {
      name: 'zeroed on one path only',
      code: `NTSTATUS MaybeZero(PIRP Irp, ULONG Length, BOOLEAN Sensitive)
{
    PUCHAR reply = ExAllocatePoolWithTag(NonPagedPoolNx, Length, 'lpeR');
    if (reply == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    if (Sensitive) {
        RtlZeroMemory(reply, Length);
    }
    RtlCopyMemory(Irp->AssociatedIrp.SystemBuffer, reply, Length);
    ExFreePoolWithTag(reply, 'lpeR');
    return STATUS_SUCCESS;
}
`,
      errors: [{ messageId: 'leak', line: 10, column: 5, data: { place: 'reply', allocator: 'ExAllocatePoolWithTag', where: 'test.c:3', destination: 'Irp->AssociatedIrp.SystemBuffer' } }],
    },
    {
      name: 'a quota allocation copied out with memmove',
      code: `NTSTATUS Quota(PIRP Irp, ULONG Length)
{
    PUCHAR q = ExAllocatePoolWithQuotaTag(PagedPool, Length, 'atoQ');
    memmove(Irp->AssociatedIrp.SystemBuffer, q, Length);
    ExFreePoolWithTag(q, 'atoQ');
    return STATUS_SUCCESS;
}
`,
      errors: [{ messageId: 'leak', line: 4, column: 5, data: { place: 'q', allocator: 'ExAllocatePoolWithQuotaTag', where: 'test.c:3', destination: 'Irp->AssociatedIrp.SystemBuffer' } }],
    },
  ],
});

describe('wdm/UninitializedPoolToUser meta', () => {
  it('is a recommended problem rule', () => {
    expect(rule.meta.docs.recommended).toBe(true);
    expect(rule.meta.type).toBe('problem');
    expect(rule.meta.docs.url).toMatch(/rules\/wdm\/UninitializedPoolToUser\.md$/);
  });
});
