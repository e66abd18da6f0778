import { describe, expect, it } from 'vitest';
import { RuleTester } from '@ddi-lint/core/rule-tester';
import rule from './PoolReservedType.js';

function lineOf(code: string, needle: string): number {
  const i = code.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`"${needle}" not in code`);
  return i + 1;
}

function columnOf(code: string, needle: string): number {
  return code.split('\n')[lineOf(code, needle) - 1].indexOf(needle) + 1;
}

const MUST_SUCCEED = `#include <ntddk.h>
#define LOG_TAG 'goLD'

NTSTATUS LogInitialize(PLOG_CONTEXT Log)
{
    Log->Ring = ExAllocatePoolWithTag(NonPagedPoolMustSucceed, LOG_RING_BYTES, LOG_TAG);
    return STATUS_SUCCESS;
}
`;

const BOTH_FLAGS = `#include <wdm.h>
PVOID AllocShared(SIZE_T Size)
{
    return ExAllocatePool2(POOL_FLAG_PAGED | POOL_FLAG_NON_PAGED, Size, 'dhSD');
}
`;

new RuleTester().run('wdm/PoolReservedType', rule, {
  valid: [
    {
      name: 'the documented POOL_TYPE values, with modifiers',
      code: `#define POOL_ZERO_DOWN_LEVEL_SUPPORT
NTSTATUS F(PVOID *Out, SIZE_T Size)
{
    Out[0] = ExAllocatePoolWithTag(NonPagedPoolNx, Size, 'AvdD');
    Out[1] = ExAllocatePoolWithTag(PagedPool, Size, 'BvdD');
    Out[2] = ExAllocatePoolWithTag(NonPagedPool, Size, 'CvdD');
    Out[3] = ExAllocatePoolWithTag(NonPagedPoolExecute | POOL_RAISE_IF_ALLOCATION_FAILURE, Size, 'DvdD');
    Out[4] = ExAllocatePoolWithQuotaTag(PagedPool | POOL_QUOTA_FAIL_INSTEAD_OF_RAISE, Size, 'EvdD');
    Out[5] = ExAllocatePoolZero(PagedPool | POOL_COLD_ALLOCATION, Size, 'FvdD');
    Out[6] = ExAllocatePoolWithTagPriority((POOL_TYPE)(NonPagedPoolNx), Size, 'GvdD', NormalPoolPriority);
    return STATUS_SUCCESS;
}
`,
    },
    {
      name: 'valid POOL_FLAGS: exactly one pool type plus optional flags',
      code: `#define DRV_POOL_FLAGS (POOL_FLAG_NON_PAGED | POOL_FLAG_CACHE_ALIGNED)
NTSTATUS F(PVOID *Out, SIZE_T Size, POOL_EXTENDED_PARAMETER *Params)
{
    Out[0] = ExAllocatePool2(POOL_FLAG_NON_PAGED, Size, 'AvdD');
    Out[1] = ExAllocatePool2(POOL_FLAG_PAGED | POOL_FLAG_UNINITIALIZED, Size, 'BvdD');
    Out[2] = ExAllocatePool2(POOL_FLAG_NON_PAGED_EXECUTE, Size, 'CvdD');
    Out[3] = ExAllocatePool2(DRV_POOL_FLAGS, Size, 'DvdD');
    Out[4] = ExAllocatePool2(POOL_FLAG_PAGED | POOL_FLAG_USE_QUOTA | POOL_FLAG_RAISE_ON_FAILURE, Size, 'EvdD');
    Out[5] = ExAllocatePool3(POOL_FLAG_NON_PAGED | POOL_FLAG_SPECIAL_POOL, Size, 'FvdD', Params, 1);
    return STATUS_SUCCESS;
}
`,
    },
    {
      name: 'pool choices known only at run time',
      code: `PVOID AllocFor(PDEVICE_EXTENSION Ext, POOL_TYPE Type, POOL_FLAGS Flags, SIZE_T Size)
{
    PVOID a = ExAllocatePoolWithTag(Type, Size, 'AvdD');
    PVOID b = ExAllocatePool2(Ext->PoolFlags, Size, 'BvdD');
    PVOID c = ExAllocatePool2(Ext->Paged ? POOL_FLAG_PAGED : POOL_FLAG_NON_PAGED, Size, 'CvdD');
    PVOID d = ExAllocatePool2(Flags, Size, 'DvdD');
    return a ? a : b ? b : c ? c : d;
}
`,
    },
    {
      name: "a POOL_TYPE converted to POOL_FLAGS by the driver's own helper",
      code: `POOL_FLAGS FlagsFromPoolType(POOL_TYPE Type);
PVOID F(SIZE_T Size)
{
    return ExAllocatePool2(FlagsFromPoolType(PagedPool), Size, 'AvdD');
}
`,
    },
    {
      name: 'a pool type in a call that is not an allocator',
      code: `VOID F(PEPROCESS Process, PNPAGED_LOOKASIDE_LIST List)
{
    PsChargePoolQuota(Process, NonPagedPoolMustSucceed, 64);
    ExInitializeNPagedLookasideList(List, NULL, NULL, POOL_NX_ALLOCATION, 64, 'tsLD', 0);
}
`,
    },
  ],
  invalid: [
    {
      name: 'NonPagedPoolMustSucceed, reported at the pool argument',
      code: MUST_SUCCEED,
      errors: [
        {
          messageId: 'mustSucceed',
          message:
            'ExAllocatePoolWithTag asks for NonPagedPoolMustSucceed: the must-succeed pool types are for the system during startup only and crash the system when the memory is not available; use NonPagedPoolNx and handle a NULL return.',
          line: lineOf(MUST_SUCCEED, 'NonPagedPoolMustSucceed'),
          column: columnOf(MUST_SUCCEED, 'NonPagedPoolMustSucceed'),
          endColumn: columnOf(MUST_SUCCEED, 'NonPagedPoolMustSucceed') + 'NonPagedPoolMustSucceed'.length,
        },
      ],
      output: null,
    },
    {
      name: 'every rejected base type, named by value, with modifiers masked off',
      code: `#define DRV_POOL   (NonPagedPoolCacheAligned | POOL_COLD_ALLOCATION)
#define DRV_SESSION NonPagedPoolSession
NTSTATUS F(PVOID *Out)
{
    Out[0] = ExAllocatePoolWithTag(NonPagedPoolCacheAlignedMustS, 64, 'AvdD');
    Out[1] = ExAllocatePoolWithTag(DontUseThisType, 64, 'BvdD');
    Out[2] = ExAllocatePoolWithTag(MaxPoolType, 64, 'CvdD');
    Out[3] = ExAllocatePoolWithTag(DRV_POOL, 64, 'DvdD');
    Out[4] = ExAllocatePoolWithTag(PagedPoolCacheAligned | POOL_RAISE_IF_ALLOCATION_FAILURE, 64, 'EvdD');
    Out[5] = ExAllocatePoolWithTag(NonPagedPoolNxCacheAligned, 64, 'FvdD');
    Out[6] = ExAllocatePoolWithTag(DRV_SESSION, 64, 'GvdD');
    Out[7] = ExAllocatePoolWithTag(PagedPoolSession, 64, 'HvdD');
    Out[8] = ExAllocatePoolWithTag(NonPagedPoolSessionNx, 64, 'IvdD');
    Out[9] = ExAllocatePoolWithTag((POOL_TYPE)2, 64, 'JvdD');
    return STATUS_SUCCESS;
}
`,
      errors: [
        { messageId: 'mustSucceed', line: 5, data: { callee: 'ExAllocatePoolWithTag', type: 'NonPagedPoolCacheAlignedMustS', instead: 'NonPagedPoolNx' } },
        { messageId: 'reservedType', line: 6, data: { callee: 'ExAllocatePoolWithTag', type: 'DontUseThisType', instead: 'NonPagedPoolNx or PagedPool' } },
        { messageId: 'reservedType', line: 7, data: { callee: 'ExAllocatePoolWithTag', type: 'MaxPoolType', instead: 'NonPagedPoolNx or PagedPool' } },
        { messageId: 'internalType', line: 8, data: { callee: 'ExAllocatePoolWithTag', type: 'NonPagedPoolCacheAligned (DRV_POOL)', instead: 'NonPagedPoolNx' } },
        {
          messageId: 'internalType',
          line: 9,
          data: { callee: 'ExAllocatePoolWithTag', type: 'PagedPoolCacheAligned (PagedPoolCacheAligned | POOL_RAISE_IF_ALLOCATION_FAILURE)', instead: 'PagedPool' },
        },
        { messageId: 'internalType', line: 10, data: { callee: 'ExAllocatePoolWithTag', type: 'NonPagedPoolNxCacheAligned', instead: 'NonPagedPoolNx' } },
        { messageId: 'sessionType', line: 11, data: { callee: 'ExAllocatePoolWithTag', type: 'NonPagedPoolSession (DRV_SESSION)', instead: 'NonPagedPoolNx' } },
        { messageId: 'sessionType', line: 12, data: { callee: 'ExAllocatePoolWithTag', type: 'PagedPoolSession', instead: 'PagedPool' } },
        { messageId: 'sessionType', line: 13, data: { callee: 'ExAllocatePoolWithTag', type: 'NonPagedPoolSessionNx', instead: 'NonPagedPoolNx' } },
        { messageId: 'mustSucceed', line: 14, data: { callee: 'ExAllocatePoolWithTag', type: 'NonPagedPoolMustSucceed ((POOL_TYPE)2)', instead: 'NonPagedPoolNx' } },
      ],
    },
    {
      name: 'the other POOL_TYPE allocators',
      code: `#define POOL_ZERO_DOWN_LEVEL_SUPPORT
NTSTATUS F(PVOID *Out)
{
    Out[0] = ExAllocatePool(NonPagedPoolSession, 64);
    Out[1] = ExAllocatePoolWithQuotaTag(PagedPoolCacheAlignedSession | POOL_QUOTA_FAIL_INSTEAD_OF_RAISE, 64, 'AvdD');
    Out[2] = ExAllocatePoolWithTagPriority(NonPagedPoolMustSucceedSession, 64, 'BvdD', HighPoolPriority);
    Out[3] = ExAllocatePoolZero(NonPagedPoolCacheAligned, 64, 'CvdD');
    return STATUS_SUCCESS;
}
`,
      errors: [
        { messageId: 'sessionType', line: 4, data: { callee: 'ExAllocatePool', type: 'NonPagedPoolSession', instead: 'NonPagedPoolNx' } },
        {
          messageId: 'sessionType',
          line: 5,
          data: { callee: 'ExAllocatePoolWithQuotaTag', type: 'PagedPoolCacheAlignedSession (PagedPoolCacheAlignedSession | POOL_QUOTA_FAIL_INSTEAD_OF_RAISE)', instead: 'PagedPool' },
        },
        { messageId: 'sessionType', line: 6, data: { callee: 'ExAllocatePoolWithTagPriority', type: 'NonPagedPoolMustSucceedSession', instead: 'NonPagedPoolNx' } },
        { messageId: 'internalType', line: 7, data: { callee: 'ExAllocatePoolZero', type: 'NonPagedPoolCacheAligned', instead: 'NonPagedPoolNx' } },
      ],
    },
    {
      name: 'POOL_FLAG_PAGED with POOL_FLAG_NON_PAGED',
      code: BOTH_FLAGS,
      errors: [
        {
          messageId: 'flagsConflict',
          message:
            'ExAllocatePool2 is given more than one pool type (POOL_FLAG_NON_PAGED | POOL_FLAG_PAGED): POOL_FLAGS must hold exactly one of POOL_FLAG_NON_PAGED, POOL_FLAG_NON_PAGED_EXECUTE and POOL_FLAG_PAGED, and the allocation fails (returns NULL) otherwise; keep the one you mean.',
          line: lineOf(BOTH_FLAGS, 'POOL_FLAG_PAGED'),
          column: columnOf(BOTH_FLAGS, 'POOL_FLAG_PAGED'),
        },
      ],
    },
    {
      name: 'conflicting and missing pool types through #defines, casts and ExAllocatePool3',
      code: `#define DRV_PAGED_FLAGS  (POOL_FLAG_PAGED | POOL_FLAG_UNINITIALIZED)
#define DRV_FLAGS        (DRV_PAGED_FLAGS | POOL_FLAG_NON_PAGED_EXECUTE)
NTSTATUS F(PVOID *Out, POOL_EXTENDED_PARAMETER *Params)
{
    Out[0] = ExAllocatePool2(DRV_FLAGS, 64, 'AvdD');
    Out[1] = ExAllocatePool3(POOL_FLAG_NON_PAGED | POOL_FLAG_NON_PAGED_EXECUTE, 64, 'BvdD', Params, 1);
    Out[2] = ExAllocatePool2(POOL_FLAG_USE_QUOTA | POOL_FLAG_CACHE_ALIGNED, 64, 'CvdD');
    Out[3] = ExAllocatePool2((POOL_FLAGS)0, 64, 'DvdD');
    Out[4] = ExAllocatePool2(POOL_FLAG_SPECIAL_POOL, 64, 'EvdD');
    return STATUS_SUCCESS;
}
`,
      errors: [
        { messageId: 'flagsConflict', line: 5, data: { callee: 'ExAllocatePool2', flags: 'POOL_FLAG_NON_PAGED_EXECUTE | POOL_FLAG_PAGED' } },
        { messageId: 'flagsConflict', line: 6, data: { callee: 'ExAllocatePool3', flags: 'POOL_FLAG_NON_PAGED | POOL_FLAG_NON_PAGED_EXECUTE' } },
        { messageId: 'flagsMissing', line: 7, data: { callee: 'ExAllocatePool2', pool: 'POOL_FLAG_USE_QUOTA | POOL_FLAG_CACHE_ALIGNED' } },
        { messageId: 'flagsMissing', line: 8, data: { callee: 'ExAllocatePool2', pool: '(POOL_FLAGS)0' } },
        { messageId: 'flagsMissing', line: 9, data: { callee: 'ExAllocatePool2', pool: 'POOL_FLAG_SPECIAL_POOL' } },
      ],
    },
    {
      name: 'a half-migrated call: a POOL_TYPE given to ExAllocatePool2, POOL_FLAGS given to a POOL_TYPE allocator',
      code: `#define POOL_ZERO_DOWN_LEVEL_SUPPORT
NTSTATUS F(PVOID *Out, BOOLEAN Pageable)
{
    Out[0] = ExAllocatePool2(NonPagedPoolNx, 64, 'AvdD');
    Out[1] = ExAllocatePool2(PagedPool | POOL_FLAG_UNINITIALIZED, 64, 'BvdD');
    Out[2] = ExAllocatePoolZero(POOL_FLAG_NON_PAGED, 64, 'CvdD');
    Out[3] = ExAllocatePoolWithTag((POOL_TYPE)POOL_FLAG_PAGED, 64, 'DvdD');
    Out[4] = ExAllocatePool2(Pageable ? PagedPool : NonPagedPoolNx, 64, 'EvdD');
    return STATUS_SUCCESS;
}
`,
      errors: [
        { messageId: 'typeAsFlags', line: 4, data: { callee: 'ExAllocatePool2', name: 'NonPagedPoolNx' } },
        { messageId: 'typeAsFlags', line: 5, data: { callee: 'ExAllocatePool2', name: 'PagedPool' } },
        { messageId: 'flagsAsType', line: 6, data: { callee: 'ExAllocatePoolZero', name: 'POOL_FLAG_NON_PAGED' } },
        { messageId: 'flagsAsType', line: 7, data: { callee: 'ExAllocatePoolWithTag', name: 'POOL_FLAG_PAGED' } },
        { messageId: 'typeAsFlags', line: 8, data: { callee: 'ExAllocatePool2', name: 'PagedPool' } },
      ],
    },
  ],
});

describe('wdm/PoolReservedType meta', () => {
  it('is a precise problem rule with a doc URL', () => {
    expect(rule.meta.type).toBe('problem');
    expect(rule.meta.docs.recommended).toBe(true);
    expect(rule.meta.docs.url).toMatch(/rules\/wdm\/PoolReservedType\.md$/);
  });
});
