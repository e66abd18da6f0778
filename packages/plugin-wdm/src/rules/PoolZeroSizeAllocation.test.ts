import { describe, expect, it } from 'vitest';
import { RuleTester } from '@ddi-lint/core/rule-tester';
import rule from './PoolZeroSizeAllocation.js';

function lineOf(code: string, needle: string): number {
  const i = code.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`"${needle}" not in code`);
  return i + 1;
}

function columnOf(code: string, needle: string): number {
  return code.split('\n')[lineOf(code, needle) - 1].indexOf(needle) + 1;
}

const LITERAL_ZERO = `#include <ntddk.h>
#define SENSOR_TAG 'rsnS'

NTSTATUS SensorAllocateSamples(PSENSOR_CONTEXT Sensor)
{
    Sensor->Samples = ExAllocatePoolWithTag(NonPagedPoolNx, 0, SENSOR_TAG);
    if (Sensor->Samples == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    return STATUS_SUCCESS;
}
`;

const DEFINE_CHAIN = `#include <wdm.h>
#define RING_HEADER_BYTES   0
#define RING_RESERVED_BYTES (RING_HEADER_BYTES * 4)
#define RING_TAG            'gniR'

PVOID RingAllocateHeader(VOID)
{
    return ExAllocatePool2(POOL_FLAG_NON_PAGED, RING_RESERVED_BYTES, RING_TAG);
}
`;

const message = (callee: string, how = '') =>
  `${callee} is asked for 0 bytes${how}: a zero-byte pool allocation is a defect that Driver Verifier stops the system for (bug check 0xC4, parameter 0x0), usually a length that was never set; allocate the size the code actually uses, or skip the allocation.`;

new RuleTester().run('wdm/PoolZeroSizeAllocation', rule, {
  valid: [
    {
      name: 'sizeof a structure',
      code: `NTSTATUS CreateContext(PDEVICE_OBJECT Device)
{
    PDEVICE_CONTEXT ctx = ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(DEVICE_CONTEXT), 'xtCD');
    if (ctx == NULL) return STATUS_INSUFFICIENT_RESOURCES;
    Device->DeviceExtension = ctx;
    return STATUS_SUCCESS;
}
`,
    },
    {
      name: 'sizes known only at run time: a parameter, a field, arithmetic with sizeof',
      code: `#define ENTRY_TAG 'yrtE'
NTSTATUS CopyRegistryPath(PUNICODE_STRING RegistryPath, SIZE_T Count, PVOID *Out)
{
    PWCHAR copy = ExAllocatePoolWithTag(PagedPool, RegistryPath->Length + sizeof(WCHAR), ENTRY_TAG);
    PVOID table = ExAllocatePool2(POOL_FLAG_PAGED, Count * sizeof(TABLE_ENTRY), ENTRY_TAG);
    PVOID raw = ExAllocatePoolZero(NonPagedPoolNx, Count, ENTRY_TAG);
    Out[0] = copy; Out[1] = table; Out[2] = raw;
    return STATUS_SUCCESS;
}
`,
    },
    {
      name: 'a non-zero constant size and a #define that is not 0',
      code: `#define MAX_FRAMES      16
#define FRAME_BYTES     (MAX_FRAMES * 64)
PVOID AllocFrames(VOID)
{
    PVOID a = ExAllocatePool2(POOL_FLAG_NON_PAGED, FRAME_BYTES, 'mrFD');
    PVOID b = ExAllocatePoolWithTag(NonPagedPoolNx, PAGE_SIZE, 'mrFD');
    return a ? a : b;
}
`,
    },
    {
      name: 'sizeof times a zero constant is not evaluated as 0 (sizeof stays unknown)',
      code: `#define SPARE_SLOTS 0
PVOID AllocSpare(VOID)
{
    return ExAllocatePool2(POOL_FLAG_NON_PAGED, SPARE_SLOTS * sizeof(SLOT), 'rpSD');
}
`,
    },
    {
      name: 'a 0 in another position: a zero tag, zero flags, a zero-length copy',
      code: `VOID Reset(PVOID Buffer)
{
    PVOID p = ExAllocatePoolWithTag(0, 32, 0);
    RtlZeroMemory(Buffer, 0);
    ExFreePoolWithTag(p, 0);
}
`,
    },
    {
      name: "the driver's own allocator with a zero argument",
      code: `PVOID MyAllocate(SIZE_T Size, ULONG Flags);
VOID F(VOID)
{
    PVOID p = MyAllocate(0, 0);
    UNREFERENCED_PARAMETER(p);
}
`,
    },
  ],
  invalid: [
    {
      name: 'a literal 0 in ExAllocatePoolWithTag, reported at the size argument',
      code: LITERAL_ZERO,
      errors: [
        {
          messageId: 'zeroSize',
          message: message('ExAllocatePoolWithTag'),
          line: lineOf(LITERAL_ZERO, 'ExAllocatePoolWithTag'),
          column: columnOf(LITERAL_ZERO, ', 0,') + 2,
          endColumn: columnOf(LITERAL_ZERO, ', 0,') + 3,
        },
      ],
      output: null,
    },
    {
      name: 'a #define chain that evaluates to 0, named in the message',
      code: DEFINE_CHAIN,
      errors: [
        {
          messageId: 'zeroSize',
          data: { callee: 'ExAllocatePool2', how: ' (RING_RESERVED_BYTES is 0)' },
          line: lineOf(DEFINE_CHAIN, 'ExAllocatePool2'),
          column: columnOf(DEFINE_CHAIN, 'RING_RESERVED_BYTES,'),
        },
      ],
    },
    {
      name: 'casts, parentheses, hexadecimal and arithmetic',
      code: `#define HDR_LEN 8
NTSTATUS F(PVOID *Out)
{
    Out[0] = ExAllocatePoolWithTag(NonPagedPoolNx, (SIZE_T)0, 'AvdD');
    Out[1] = ExAllocatePool2(POOL_FLAG_PAGED, (0), 'BvdD');
    Out[2] = ExAllocatePool2(POOL_FLAG_PAGED, 0x0ULL, 'CvdD');
    Out[3] = ExAllocatePoolWithTag(PagedPool, HDR_LEN - HDR_LEN, 'DvdD');
    return STATUS_SUCCESS;
}
`,
      errors: [
        { messageId: 'zeroSize', line: 4, message: message('ExAllocatePoolWithTag', ' ((SIZE_T)0 is 0)') },
        { messageId: 'zeroSize', line: 5, message: message('ExAllocatePool2', ' ((0) is 0)') },
        { messageId: 'zeroSize', line: 6, message: message('ExAllocatePool2', ' (0x0ULL is 0)') },
        { messageId: 'zeroSize', line: 7, message: message('ExAllocatePoolWithTag', ' (HDR_LEN - HDR_LEN is 0)') },
      ],
    },
    {
      name: 'every allocator of the family: deprecated, wrappers, ExAllocatePool3',
      code: `#define POOL_ZERO_DOWN_LEVEL_SUPPORT
NTSTATUS F(PVOID *Out, POOL_EXTENDED_PARAMETER *Params)
{
    Out[0] = ExAllocatePool(NonPagedPoolNx, 0);
    Out[1] = ExAllocatePoolWithQuota(PagedPool, 0);
    Out[2] = ExAllocatePoolWithQuotaTag(PagedPool | POOL_QUOTA_FAIL_INSTEAD_OF_RAISE, 0, 'AvdD');
    Out[3] = ExAllocatePoolWithTagPriority(NonPagedPoolNx, 0, 'BvdD', LowPoolPriority);
    Out[4] = ExAllocatePoolZero(NonPagedPoolNx, 0, 'CvdD');
    Out[5] = ExAllocatePoolQuotaUninitialized(PagedPool, 0, 'DvdD');
    Out[6] = ExAllocatePoolPriorityZero(NonPagedPoolNx, 0, 'EvdD', NormalPoolPriority);
    Out[7] = ExAllocatePool3(POOL_FLAG_NON_PAGED, 0, 'FvdD', Params, 1);
    return STATUS_SUCCESS;
}
`,
      errors: [
        { messageId: 'zeroSize', line: 4, data: { callee: 'ExAllocatePool', how: '' } },
        { messageId: 'zeroSize', line: 5, data: { callee: 'ExAllocatePoolWithQuota', how: '' } },
        { messageId: 'zeroSize', line: 6, data: { callee: 'ExAllocatePoolWithQuotaTag', how: '' } },
        { messageId: 'zeroSize', line: 7, data: { callee: 'ExAllocatePoolWithTagPriority', how: '' } },
        { messageId: 'zeroSize', line: 8, data: { callee: 'ExAllocatePoolZero', how: '' } },
        { messageId: 'zeroSize', line: 9, data: { callee: 'ExAllocatePoolQuotaUninitialized', how: '' } },
        { messageId: 'zeroSize', line: 10, data: { callee: 'ExAllocatePoolPriorityZero', how: '' } },
        { messageId: 'zeroSize', line: 11, data: { callee: 'ExAllocatePool3', how: '' } },
      ],
    },
    {
      name: 'a size defined in a header of the same program',
      code: `#include "ring.h"
PVOID AllocTrailer(VOID)
{
    return ExAllocatePool2(POOL_FLAG_NON_PAGED, RING_TRAILER_BYTES, 'lrTR');
}
`,
      files: { 'ring.h': '#pragma once\n#define RING_TRAILER_BYTES 0\n' },
      errors: [{ messageId: 'zeroSize', line: 4, data: { callee: 'ExAllocatePool2', how: ' (RING_TRAILER_BYTES is 0)' } }],
    },
  ],
});

describe('wdm/PoolZeroSizeAllocation meta', () => {
  it('is a precise problem rule with a doc URL', () => {
    expect(rule.meta.type).toBe('problem');
    expect(rule.meta.docs.recommended).toBe(true);
    expect(rule.meta.docs.url).toMatch(/rules\/wdm\/PoolZeroSizeAllocation\.md$/);
  });
});
