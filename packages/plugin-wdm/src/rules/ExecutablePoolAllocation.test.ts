import { describe, expect, it } from 'vitest';
import { RuleTester } from '@ddi-lint/core/rule-tester';
import rule from './ExecutablePoolAllocation.js';

function lineOf(code: string, needle: string): number {
  const i = code.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`"${needle}" not in code`);
  return i + 1;
}

function columnOf(code: string, needle: string): number {
  return code.split('\n')[lineOf(code, needle) - 1].indexOf(needle) + 1;
}

const typeMessage = (callee: string, pool: string) =>
  `${callee} allocates executable non-paged memory (${pool}): memory that is writable and executable lets data be run as code, and drivers must not use it to be compatible with memory integrity (HVCI); use NonPagedPoolNx.`;
const flagsMessage = (callee: string, pool: string) =>
  `${callee} allocates executable non-paged memory (${pool}): memory that is writable and executable lets data be run as code, and drivers must not use it to be compatible with memory integrity (HVCI); use POOL_FLAG_NON_PAGED.`;

const RX_QUEUE = `#include <wdm.h>
#define RX_TAG 'xRvD'

NTSTATUS RxAllocateQueue(PRX_QUEUE Queue, ULONG Depth)
{
    Queue->Entries = ExAllocatePoolWithTag(NonPagedPool, Depth * sizeof(RX_ENTRY), RX_TAG);
    if (Queue->Entries == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    return STATUS_SUCCESS;
}
`;

const FLAGS = `#include <wdm.h>
PVOID AllocTrampoline(SIZE_T Size)
{
    return ExAllocatePool2(POOL_FLAG_NON_PAGED_EXECUTE | POOL_FLAG_CACHE_ALIGNED, Size, 'pmrT');
}
`;

new RuleTester().run('wdm/ExecutablePoolAllocation', rule, {
  valid: [
    {
      name: 'NX non-paged pool, paged pool, and the NX flags',
      code: `NTSTATUS F(PVOID *Out, SIZE_T Size, POOL_EXTENDED_PARAMETER *Params)
{
    Out[0] = ExAllocatePoolWithTag(NonPagedPoolNx, Size, 'AvdD');
    Out[1] = ExAllocatePoolWithTag(PagedPool, Size, 'BvdD');
    Out[2] = ExAllocatePoolWithTag(NonPagedPoolNx | POOL_RAISE_IF_ALLOCATION_FAILURE, Size, 'CvdD');
    Out[3] = ExAllocatePoolWithQuotaTag(PagedPool | POOL_QUOTA_FAIL_INSTEAD_OF_RAISE, Size, 'DvdD');
    Out[4] = ExAllocatePool2(POOL_FLAG_NON_PAGED, Size, 'EvdD');
    Out[5] = ExAllocatePool2(POOL_FLAG_PAGED | POOL_FLAG_CACHE_ALIGNED, Size, 'FvdD');
    Out[6] = ExAllocatePool3(POOL_FLAG_NON_PAGED, Size, 'GvdD', Params, 1);
    return STATUS_SUCCESS;
}
`,
    },
    {
      name: 'a pool type known only at run time',
      code: `PVOID AllocFrom(POOL_TYPE Type, PDEVICE_EXTENSION Ext, SIZE_T Size)
{
    PVOID a = ExAllocatePoolWithTag(Type, Size, 'AvdD');
    PVOID b = ExAllocatePool2(Ext->Flags, Size, 'BvdD');
    return a ? a : b;
}
`,
    },
    {
      name: 'POOL_NX_OPTIN_AUTO defined: NonPagedPool and NonPagedPoolCacheAligned are NX, also behind a #define',
      code: `#define POOL_NX_OPTIN_AUTO 1
#include <wdm.h>
#define DRV_POOL NonPagedPool

NTSTATUS F(PVOID *Out, SIZE_T Size)
{
    Out[0] = ExAllocatePoolWithTag(NonPagedPool, Size, 'AvdD');
    Out[1] = ExAllocatePoolWithTag(DRV_POOL, Size, 'BvdD');
    Out[2] = ExAllocatePoolWithTag(NonPagedPoolCacheAligned, Size, 'CvdD');
    Out[3] = ExAllocatePoolWithTag(NonPagedPool | POOL_COLD_ALLOCATION, Size, 'DvdD');
    return STATUS_SUCCESS;
}
`,
    },
    {
      name: 'POOL_NX_OPTIN defined in a header of the program, with ExInitializeDriverRuntime',
      code: `#include "driver.h"

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    PVOID state;
    UNREFERENCED_PARAMETER(DriverObject);
    UNREFERENCED_PARAMETER(RegistryPath);
    ExInitializeDriverRuntime(DrvRtPoolNxOptIn);
    state = ExAllocatePoolWithTag(NonPagedPool, sizeof(DRIVER_STATE), 'atSD');
    return state ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}
`,
      files: { 'driver.h': '#pragma once\n#define POOL_NX_OPTIN 1\n#include <wdm.h>\n' },
    },
    {
      name: 'POOL_NX_OPTIN given on the command line (settings.defines)',
      code: `PVOID F(SIZE_T Size)
{
    return ExAllocatePoolWithTag(NonPagedPool, Size, 'AvdD');
}
`,
      settings: { defines: { POOL_NX_OPTIN: 1 } },
    },
    {
      name: 'not a pool allocator',
      code: `VOID F(PNPAGED_LOOKASIDE_LIST List, PEPROCESS Process)
{
    PsChargePoolQuota(Process, NonPagedPool, 64);
    MmAllocateNonCachedMemory(NonPagedPool);
}
`,
    },
  ],
  invalid: [
    {
      name: 'NonPagedPool: reported at the pool argument, with a suggestion and no autofix',
      code: RX_QUEUE,
      errors: [
        {
          messageId: 'executableType',
          message: typeMessage('ExAllocatePoolWithTag', 'NonPagedPool'),
          line: lineOf(RX_QUEUE, 'NonPagedPool,'),
          column: columnOf(RX_QUEUE, 'NonPagedPool,'),
          endColumn: columnOf(RX_QUEUE, 'NonPagedPool,') + 'NonPagedPool'.length,
          suggestions: [{ messageId: 'useNonPagedPoolNx', output: RX_QUEUE.replace('(NonPagedPool,', '(NonPagedPoolNx,') }],
        },
      ],
      output: null,
    },
    {
      name: 'POOL_FLAG_NON_PAGED_EXECUTE with ExAllocatePool2, no suggestion',
      code: FLAGS,
      errors: [
        {
          messageId: 'executableFlags',
          message: flagsMessage('ExAllocatePool2', 'POOL_FLAG_NON_PAGED_EXECUTE | POOL_FLAG_CACHE_ALIGNED'),
          line: lineOf(FLAGS, 'POOL_FLAG_NON_PAGED_EXECUTE'),
          column: columnOf(FLAGS, 'POOL_FLAG_NON_PAGED_EXECUTE'),
          suggestions: [],
        },
      ],
      output: null,
    },
    {
      name: 'executable types by value: NonPagedPoolExecute, CacheAligned, numbers, casts, #defines, modifiers',
      code: `#define DRV_POOL        NonPagedPoolExecute
#define DRV_CODE_FLAGS  (POOL_FLAG_NON_PAGED_EXECUTE)
NTSTATUS F(PVOID *Out, SIZE_T Size, POOL_EXTENDED_PARAMETER *Params)
{
    Out[0] = ExAllocatePoolWithTag(NonPagedPoolExecute, Size, 'AvdD');
    Out[1] = ExAllocatePoolWithTag(NonPagedPoolCacheAligned, Size, 'BvdD');
    Out[2] = ExAllocatePoolWithTag(0, Size, 'CvdD');
    Out[3] = ExAllocatePoolWithTag((POOL_TYPE)(NonPagedPool | POOL_RAISE_IF_ALLOCATION_FAILURE), Size, 'DvdD');
    Out[4] = ExAllocatePoolWithTag(DRV_POOL, Size, 'EvdD');
    Out[5] = ExAllocatePool3(DRV_CODE_FLAGS, Size, 'FvdD', Params, 1);
    return STATUS_SUCCESS;
}
`,
      errors: [
        { messageId: 'executableType', line: 5, message: typeMessage('ExAllocatePoolWithTag', 'NonPagedPoolExecute'), suggestions: [] },
        { messageId: 'executableType', line: 6, message: typeMessage('ExAllocatePoolWithTag', 'NonPagedPoolCacheAligned') },
        { messageId: 'executableType', line: 7, message: typeMessage('ExAllocatePoolWithTag', '0') },
        { messageId: 'executableType', line: 8, message: typeMessage('ExAllocatePoolWithTag', '(POOL_TYPE)(NonPagedPool | POOL_RAISE_IF_ALLOCATION_FAILURE)') },
        { messageId: 'executableType', line: 9, message: typeMessage('ExAllocatePoolWithTag', 'DRV_POOL') },
        { messageId: 'executableFlags', line: 10, message: flagsMessage('ExAllocatePool3', 'DRV_CODE_FLAGS') },
      ],
    },
    {
      name: 'a parenthesised NonPagedPool still gets the suggestion',
      code: `PVOID F(SIZE_T Size)
{
    return ExAllocatePoolWithTag((NonPagedPool), Size, 'AvdD');
}
`,
      errors: [
        {
          messageId: 'executableType',
          line: 3,
          suggestions: [{ output: `PVOID F(SIZE_T Size)\n{\n    return ExAllocatePoolWithTag((NonPagedPoolNx), Size, 'AvdD');\n}\n` }],
        },
      ],
    },
    {
      name: 'every POOL_TYPE allocator',
      code: `#define POOL_ZERO_DOWN_LEVEL_SUPPORT
NTSTATUS F(PVOID *Out)
{
    Out[0] = ExAllocatePool(NonPagedPool, 64);
    Out[1] = ExAllocatePoolWithQuotaTag(NonPagedPool | POOL_QUOTA_FAIL_INSTEAD_OF_RAISE, 64, 'AvdD');
    Out[2] = ExAllocatePoolWithTagPriority(NonPagedPool, 64, 'BvdD', NormalPoolPriority);
    Out[3] = ExAllocatePoolZero(NonPagedPool, 64, 'CvdD');
    Out[4] = ExAllocatePoolPriorityUninitialized(NonPagedPool, 64, 'DvdD', LowPoolPriority);
    return STATUS_SUCCESS;
}
`,
      errors: [
        { messageId: 'executableType', line: 4, data: { callee: 'ExAllocatePool', pool: 'NonPagedPool' } },
        { messageId: 'executableType', line: 5, data: { callee: 'ExAllocatePoolWithQuotaTag', pool: 'NonPagedPool | POOL_QUOTA_FAIL_INSTEAD_OF_RAISE' }, suggestions: [] },
        { messageId: 'executableType', line: 6, data: { callee: 'ExAllocatePoolWithTagPriority', pool: 'NonPagedPool' } },
        { messageId: 'executableType', line: 7, data: { callee: 'ExAllocatePoolZero', pool: 'NonPagedPool' } },
        { messageId: 'executableType', line: 8, data: { callee: 'ExAllocatePoolPriorityUninitialized', pool: 'NonPagedPool' } },
      ],
    },
    {
      name: 'with the opt-in, an explicit request for executable memory is still reported',
      code: `#define POOL_NX_OPTIN_AUTO 1
#include <wdm.h>
NTSTATUS F(PVOID *Out)
{
    Out[0] = ExAllocatePoolWithTag(NonPagedPoolExecute, 64, 'AvdD');
    Out[1] = ExAllocatePoolWithTag(0, 64, 'BvdD');
    Out[2] = ExAllocatePool2(POOL_FLAG_NON_PAGED_EXECUTE, 64, 'CvdD');
    Out[3] = ExAllocatePoolWithTag(NonPagedPool, 64, 'DvdD');
    return STATUS_SUCCESS;
}
`,
      errors: [
        { messageId: 'executableType', line: 5, data: { callee: 'ExAllocatePoolWithTag', pool: 'NonPagedPoolExecute' } },
        { messageId: 'executableType', line: 6, data: { callee: 'ExAllocatePoolWithTag', pool: '0' } },
        { messageId: 'executableFlags', line: 7, data: { callee: 'ExAllocatePool2', pool: 'POOL_FLAG_NON_PAGED_EXECUTE' } },
      ],
    },
    {
      name: 'an opt-in defined as 0 does not opt in',
      code: `#define POOL_NX_OPTIN 0
PVOID F(VOID)
{
    return ExAllocatePoolWithTag(NonPagedPool, 64, 'AvdD');
}
`,
      errors: [{ messageId: 'executableType', line: 4 }],
    },
    {
      name: 'a file that opts out with POOL_NX_OPTOUT keeps NonPagedPool executable',
      code: `#define POOL_NX_OPTOUT 1
#include "driver.h"
PVOID AllocThunk(VOID)
{
    return ExAllocatePoolWithTag(NonPagedPool, 64, 'hTvD');
}
`,
      files: { 'driver.h': '#pragma once\n#define POOL_NX_OPTIN_AUTO 1\n#include <wdm.h>\n' },
      errors: [{ messageId: 'executableType', line: 5 }],
    },
  ],
});

describe('wdm/ExecutablePoolAllocation meta', () => {
  it('is a warning in recommended, with suggestions', () => {
    expect(rule.meta.type).toBe('problem');
    expect(rule.meta.docs.recommended).toBe('warn');
    expect(rule.meta.hasSuggestions).toBe(true);
    expect(rule.meta.fixable).toBeUndefined();
    expect(rule.meta.docs.url).toMatch(/rules\/wdm\/ExecutablePoolAllocation\.md$/);
  });
});
