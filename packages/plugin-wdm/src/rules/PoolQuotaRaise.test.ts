import { describe, expect, it } from 'vitest';
import { RuleTester } from '@ddi-lint/core/rule-tester';
import rule from './PoolQuotaRaise.js';

function lineOf(code: string, needle: string): number {
  const i = code.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`"${needle}" not in code`);
  return i + 1;
}

function columnOf(code: string, needle: string): number {
  return code.split('\n')[lineOf(code, needle) - 1].indexOf(needle) + 1;
}

const CAPTURE = `#include <ntddk.h>
#define CAPTURE_TAG 'paCD'

NTSTATUS
CaptureUserBuffer(
    _In_ PVOID UserBuffer,
    _In_ ULONG Length,
    _Out_ PVOID *Captured
    )
{
    PVOID copy;

    PAGED_CODE();

    copy = ExAllocatePoolWithQuotaTag(PagedPool, Length, CAPTURE_TAG);
    __try {
        ProbeForRead(UserBuffer, Length, sizeof(UCHAR));
        RtlCopyMemory(copy, UserBuffer, Length);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        ExFreePoolWithTag(copy, CAPTURE_TAG);
        return GetExceptionCode();
    }
    *Captured = copy;
    return STATUS_SUCCESS;
}
`;

const FLAGS = `#include <wdm.h>
#define SNAPSHOT_TAG 'panS'

PVOID SnapshotAllocate(SIZE_T Size)
{
    return ExAllocatePool2(POOL_FLAG_PAGED | POOL_FLAG_USE_QUOTA | POOL_FLAG_RAISE_ON_FAILURE, Size, SNAPSHOT_TAG);
}
`;

const typeMessage = (callee: string, pool: string) =>
  `${callee} raises an exception when the quota charge or the allocation fails (${pool} lacks POOL_QUOTA_FAIL_INSTEAD_OF_RAISE), and no __try/__except handles it: an unhandled exception in kernel mode is a bug check. OR in POOL_QUOTA_FAIL_INSTEAD_OF_RAISE and check for NULL, or guard the call with __try/__except.`;
const flagsMessage = (callee: string) =>
  `${callee} with POOL_FLAG_USE_QUOTA and POOL_FLAG_RAISE_ON_FAILURE raises an exception when the quota charge or the allocation fails, and no __try/__except handles it: an unhandled exception in kernel mode is a bug check. Drop POOL_FLAG_RAISE_ON_FAILURE and check for NULL, or guard the call with __try/__except.`;

new RuleTester().run('wdm/PoolQuotaRaise', rule, {
  valid: [
    {
      name: 'POOL_QUOTA_FAIL_INSTEAD_OF_RAISE, directly and behind a #define',
      code: `#define QUOTA_POOL (PagedPool | POOL_QUOTA_FAIL_INSTEAD_OF_RAISE)
NTSTATUS F(PVOID *Out, SIZE_T Size)
{
    Out[0] = ExAllocatePoolWithQuotaTag(PagedPool | POOL_QUOTA_FAIL_INSTEAD_OF_RAISE, Size, 'AvdD');
    Out[1] = ExAllocatePoolWithQuotaTag(QUOTA_POOL, Size, 'BvdD');
    Out[2] = ExAllocatePoolWithQuota((POOL_TYPE)(NonPagedPoolNx | POOL_QUOTA_FAIL_INSTEAD_OF_RAISE), Size);
    return Out[0] && Out[1] && Out[2] ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}
`,
    },
    {
      name: 'the quota call inside a __try with an __except',
      code: `NTSTATUS CaptureName(PCUNICODE_STRING Name, PWCHAR *Out)
{
    NTSTATUS status = STATUS_SUCCESS;
    __try {
        *Out = ExAllocatePoolWithQuotaTag(PagedPool, Name->Length, 'maND');
        RtlCopyMemory(*Out, Name->Buffer, Name->Length);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        status = GetExceptionCode();
    }
    return status;
}
`,
    },
    {
      name: 'nested: inside a __try/__finally that is inside a __try/__except',
      code: `NTSTATUS F(PKSPIN_LOCK Lock, SIZE_T Size, PVOID *Out)
{
    __try {
        __try {
            *Out = ExAllocatePool2(POOL_FLAG_PAGED | POOL_FLAG_USE_QUOTA | POOL_FLAG_RAISE_ON_FAILURE, Size, 'tseN');
        } __finally {
            Cleanup();
        }
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        return STATUS_QUOTA_EXCEEDED;
    }
    return STATUS_SUCCESS;
}
`,
    },
    {
      name: 'ExAllocatePool2 with quota but returning NULL, or raising without quota',
      code: `NTSTATUS F(PVOID *Out, SIZE_T Size)
{
    Out[0] = ExAllocatePool2(POOL_FLAG_PAGED | POOL_FLAG_USE_QUOTA, Size, 'AvdD');
    Out[1] = ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_RAISE_ON_FAILURE, Size, 'BvdD');
    return Out[0] ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}
`,
    },
    {
      name: 'a helper whose only caller guards the call with __try/__except',
      code: `static PVOID AllocateCharged(SIZE_T Size)
{
    return ExAllocatePoolWithQuotaTag(PagedPool, Size, 'grhC');
}

NTSTATUS DispatchWrite(PDEVICE_OBJECT Device, PIRP Irp)
{
    PVOID buffer = NULL;
    UNREFERENCED_PARAMETER(Device);
    __try {
        buffer = AllocateCharged(IoGetCurrentIrpStackLocation(Irp)->Parameters.Write.Length);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        Irp->IoStatus.Status = GetExceptionCode();
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return Irp->IoStatus.Status;
    }
    return QueueWrite(Irp, buffer);
}
`,
    },
    {
      name: 'pool types known only at run time, and the non-quota allocators',
      code: `PVOID F(POOL_TYPE Type, POOL_FLAGS Flags, SIZE_T Size)
{
    PVOID a = ExAllocatePoolWithQuotaTag(Type, Size, 'AvdD');
    PVOID b = ExAllocatePool2(Flags, Size, 'BvdD');
    PVOID c = ExAllocatePoolWithTag(PagedPool, Size, 'CvdD');
    return a ? a : b ? b : c;
}
`,
    },
  ],
  invalid: [
    {
      name: 'the quota call before the __try, reported at the callee',
      code: CAPTURE,
      errors: [
        {
          messageId: 'raisesType',
          message: typeMessage('ExAllocatePoolWithQuotaTag', 'PagedPool'),
          line: lineOf(CAPTURE, 'ExAllocatePoolWithQuotaTag'),
          column: columnOf(CAPTURE, 'ExAllocatePoolWithQuotaTag'),
          endColumn: columnOf(CAPTURE, 'ExAllocatePoolWithQuotaTag') + 'ExAllocatePoolWithQuotaTag'.length,
        },
      ],
      output: null,
    },
    {
      name: 'ExAllocatePool2 with POOL_FLAG_USE_QUOTA and POOL_FLAG_RAISE_ON_FAILURE',
      code: FLAGS,
      errors: [{ messageId: 'raisesFlags', message: flagsMessage('ExAllocatePool2'), line: lineOf(FLAGS, 'ExAllocatePool2'), column: columnOf(FLAGS, 'ExAllocatePool2') }],
    },
    {
      name: 'every raising quota allocator, through #defines and casts',
      code: `#define POOL_ZERO_DOWN_LEVEL_SUPPORT
#define CHARGED_FLAGS (POOL_FLAG_NON_PAGED | POOL_FLAG_USE_QUOTA | POOL_FLAG_RAISE_ON_FAILURE)
NTSTATUS F(PVOID *Out, POOL_EXTENDED_PARAMETER *Params)
{
    Out[0] = ExAllocatePoolWithQuota(PagedPool, 64);
    Out[1] = ExAllocatePoolWithQuotaTag((POOL_TYPE)(NonPagedPoolNx | POOL_COLD_ALLOCATION), 64, 'AvdD');
    Out[2] = ExAllocatePoolQuotaZero(PagedPool, 64, 'BvdD');
    Out[3] = ExAllocatePoolQuotaUninitialized(NonPagedPoolNx, 64, 'CvdD');
    Out[4] = ExAllocatePool3(CHARGED_FLAGS, 64, 'DvdD', Params, 1);
    return STATUS_SUCCESS;
}
`,
      errors: [
        { messageId: 'raisesType', line: 5, data: { callee: 'ExAllocatePoolWithQuota', pool: 'PagedPool' } },
        { messageId: 'raisesType', line: 6, data: { callee: 'ExAllocatePoolWithQuotaTag', pool: '(POOL_TYPE)(NonPagedPoolNx | POOL_COLD_ALLOCATION)' } },
        { messageId: 'raisesType', line: 7, data: { callee: 'ExAllocatePoolQuotaZero', pool: 'PagedPool' } },
        { messageId: 'raisesType', line: 8, data: { callee: 'ExAllocatePoolQuotaUninitialized', pool: 'NonPagedPoolNx' } },
        { messageId: 'raisesFlags', line: 9, data: { callee: 'ExAllocatePool3', pool: 'CHARGED_FLAGS' } },
      ],
    },
    {
      name: 'a __try/__finally does not handle the exception',
      code: `NTSTATUS F(PERESOURCE Resource, SIZE_T Size, PVOID *Out)
{
    ExAcquireResourceExclusiveLite(Resource, TRUE);
    __try {
        *Out = ExAllocatePoolWithQuotaTag(PagedPool, Size, 'seRD');
    } __finally {
        ExReleaseResourceLite(Resource);
    }
    return STATUS_SUCCESS;
}
`,
      errors: [{ messageId: 'raisesType', line: 5 }],
    },
    {
      name: 'an __except filter of EXCEPTION_CONTINUE_SEARCH does not handle it',
      code: `NTSTATUS F(SIZE_T Size, PVOID *Out)
{
    __try {
        *Out = ExAllocatePoolWithQuotaTag(PagedPool, Size, 'hcSD');
    } __except (EXCEPTION_CONTINUE_SEARCH) {
        return STATUS_UNSUCCESSFUL;
    }
    return STATUS_SUCCESS;
}
`,
      errors: [{ messageId: 'raisesType', line: 4 }],
    },
    {
      name: 'the call in the __except block itself is not guarded',
      code: `NTSTATUS F(PVOID User, SIZE_T Size, PVOID *Out)
{
    __try {
        ProbeForRead(User, Size, 1);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        *Out = ExAllocatePoolWithQuotaTag(PagedPool, 64, 'rrED');
        return GetExceptionCode();
    }
    return STATUS_SUCCESS;
}
`,
      errors: [{ messageId: 'raisesType', line: 6 }],
    },
    {
      name: 'a helper with one guarded and one unguarded caller',
      code: `static PVOID AllocateCharged(SIZE_T Size)
{
    return ExAllocatePoolWithQuotaTag(PagedPool, Size, 'grhC');
}

NTSTATUS Guarded(PVOID *Out)
{
    __try {
        *Out = AllocateCharged(32);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        return GetExceptionCode();
    }
    return STATUS_SUCCESS;
}

NTSTATUS Unguarded(PVOID *Out)
{
    *Out = AllocateCharged(64);
    return *Out ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}
`,
      errors: [{ messageId: 'raisesType', line: 3 }],
    },
    {
      name: 'a helper whose address is taken: callers the analysis cannot see',
      code: `static PVOID AllocateCharged(SIZE_T Size)
{
    return ExAllocatePoolWithQuotaTag(PagedPool, Size, 'grhC');
}

NTSTATUS Guarded(PALLOCATOR_TABLE Table, PVOID *Out)
{
    Table->Allocate = AllocateCharged;
    __try {
        *Out = AllocateCharged(32);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        return GetExceptionCode();
    }
    return STATUS_SUCCESS;
}
`,
      errors: [{ messageId: 'raisesType', line: 3 }],
    },
  ],
});

describe('wdm/PoolQuotaRaise meta', () => {
  it('is a precise problem rule with a doc URL', () => {
    expect(rule.meta.type).toBe('problem');
    expect(rule.meta.docs.recommended).toBe(true);
    expect(rule.meta.docs.url).toMatch(/rules\/wdm\/PoolQuotaRaise\.md$/);
  });
});
