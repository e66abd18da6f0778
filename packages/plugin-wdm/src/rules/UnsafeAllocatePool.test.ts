import { describe, expect, it } from 'vitest';
import { RuleTester } from '@ddi-lint/core/rule-tester';
import rule from './UnsafeAllocatePool.js';

function lineOf(code: string, needle: string): number {
  const i = code.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`"${needle}" not in code`);
  return i + 1;
}

function columnOf(code: string, needle: string): number {
  return code.split('\n')[lineOf(code, needle) - 1].indexOf(needle) + 1;
}

const ALL_FIVE = `#include <ntddk.h>
#define DRV_TAG 'lcvD'

NTSTATUS AllocateEverything(PDEVICE_EXTENSION Ext, SIZE_T Size)
{
    Ext->A = ExAllocatePool(NonPagedPoolNx, Size);
    Ext->B = ExAllocatePoolWithTag(NonPagedPoolNx, Size, DRV_TAG);
    Ext->C = ExAllocatePoolWithQuota(PagedPool, Size);
    Ext->D = ExAllocatePoolWithQuotaTag(PagedPool | POOL_QUOTA_FAIL_INSTEAD_OF_RAISE, Size, DRV_TAG);
    Ext->E = ExAllocatePoolWithTagPriority(NonPagedPoolNx, Size, DRV_TAG, LowPoolPriority);
    return STATUS_SUCCESS;
}
`;

const OVERRIDE = `#include <ntddk.h>
#define ExAllocatePool(_type, _size) ExAllocatePoolWithTag((_type), (_size), 'vrDL')

PVOID GetBuffer(SIZE_T Size)
{
    return ExAllocatePool(NonPagedPoolNx, Size);
}

PVOID GetTable(VOID)
{
    return ExAllocatePool(PagedPool, 4096);
}
`;

const DRIVER_ENTRY = `NTSTATUS
DriverEntry(
    _In_ PDRIVER_OBJECT DriverObject,
    _In_ PUNICODE_STRING RegistryPath
    )
{
    PWCHAR pathCopy;

    pathCopy = (PWCHAR)ExAllocatePoolWithTag(PagedPool,
                                             RegistryPath->Length + sizeof(WCHAR),
                                             'gRvD');
    if (pathCopy == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    RtlZeroMemory(pathCopy, RegistryPath->Length + sizeof(WCHAR));
    return STATUS_SUCCESS;
}
`;

const message = (callee: string, replacement: string) =>
  `${callee} is deprecated since Windows 10, version 2004 and returns uninitialised memory: use ${replacement} (or ExAllocatePoolZero with POOL_ZERO_DOWN_LEVEL_SUPPORT for older Windows).`;

new RuleTester().run('wdm/UnsafeAllocatePool', rule, {
  valid: [
    {
      name: 'ExAllocatePool2 and ExAllocatePool3',
      code: `NTSTATUS F(PDEVICE_EXTENSION Ext)
{
    POOL_EXTENDED_PARAMETER param = {0};
    param.Type = PoolExtendedParameterPriority;
    param.Priority = NormalPoolPriority;
    Ext->A = ExAllocatePool2(POOL_FLAG_NON_PAGED, 64, 'AvdD');
    Ext->B = ExAllocatePool3(POOL_FLAG_NON_PAGED, 64, 'BvdD', &param, 1);
    return STATUS_SUCCESS;
}
`,
    },
    {
      name: 'the down-level Zero and Uninitialized wrappers',
      code: `#define POOL_ZERO_DOWN_LEVEL_SUPPORT
NTSTATUS F(PDEVICE_EXTENSION Ext)
{
    ExInitializeDriverRuntime(DrvRtPoolNxOptIn);
    Ext->A = ExAllocatePoolZero(NonPagedPoolNx, 64, 'AvdD');
    Ext->B = ExAllocatePoolQuotaZero(PagedPool, 64, 'BvdD');
    Ext->C = ExAllocatePoolPriorityZero(NonPagedPoolNx, 64, 'CvdD', NormalPoolPriority);
    Ext->D = ExAllocatePoolUninitialized(NonPagedPoolNx, 64, 'DvdD');
    Ext->E = ExAllocatePoolQuotaUninitialized(PagedPool, 64, 'EvdD');
    Ext->F = ExAllocatePoolPriorityUninitialized(NonPagedPoolNx, 64, 'FvdD', LowPoolPriority);
    return STATUS_SUCCESS;
}
`,
    },
    {
      name: "the driver's own wrapper with a similar name",
      code: `static PVOID MyExAllocatePoolWithTagWrapper(POOL_FLAGS Flags, SIZE_T Size)
{
    return ExAllocatePool2(Flags, Size, 'prWM');
}
static PVOID ExAllocatePoolWithTagEx(SIZE_T Size) { return ExAllocatePool2(POOL_FLAG_PAGED, Size, 'xEvD'); }
NTSTATUS F(PDEVICE_EXTENSION Ext)
{
    Ext->A = MyExAllocatePoolWithTagWrapper(POOL_FLAG_NON_PAGED, 64);
    Ext->B = ExAllocatePoolWithTagEx(64);
    Ext->C = My_ExAllocatePool(64);
    return STATUS_SUCCESS;
}
`,
    },
    {
      name: 'names in comments and strings',
      code: `// Migrated from ExAllocatePoolWithTag(NonPagedPool, size, tag) to ExAllocatePool2.
/*
 * ExAllocatePool(PagedPool, 10);
 * ExAllocatePoolWithQuotaTag(PagedPool, 10, 'xxxx');
 */
VOID F(VOID)
{
    DbgPrint("ExAllocatePoolWithTagPriority(NonPagedPool, 16, 'tag ', LowPoolPriority) failed\\n");
    KdPrint(("ExAllocatePool(%d)\\n", 16));
    LogCall(L"ExAllocatePoolWithQuota");
}
`,
    },
    {
      name: 'a prototype or a function pointer is not a call',
      code: `NTKERNELAPI PVOID NTAPI ExAllocatePoolWithTag(_In_ POOL_TYPE PoolType, _In_ SIZE_T NumberOfBytes, _In_ ULONG Tag);
typedef PVOID (*PALLOC)(POOL_TYPE, SIZE_T, ULONG);
PALLOC g_Alloc = ExAllocatePoolWithTag;
`,
    },
    {
      name: 'a call through a structure member of the same name',
      code: `VOID F(PALLOCATOR_TABLE Table)
{
    PVOID p = Table->ExAllocatePoolWithTag(NonPagedPoolNx, 16, 'lbaT');
    Table->Free(p);
}
`,
    },
    {
      name: 'the frees are not allocators',
      code: `VOID F(PVOID a, PVOID b, PVOID c)
{
    ExFreePool(a);
    ExFreePoolWithTag(b, 'AvdD');
    ExFreePool2(c, 'BvdD', NULL, 0);
}
`,
    },
  ],
  invalid: [
    {
      name: 'the five deprecated allocators',
      code: ALL_FIVE,
      errors: [
        {
          messageId: 'deprecatedAllocator',
          message: message('ExAllocatePool', 'ExAllocatePool2 with POOL_FLAGS and a pool tag'),
          line: lineOf(ALL_FIVE, 'ExAllocatePool('),
          column: columnOf(ALL_FIVE, 'ExAllocatePool('),
          endLine: lineOf(ALL_FIVE, 'ExAllocatePool('),
          endColumn: columnOf(ALL_FIVE, 'ExAllocatePool(') + 'ExAllocatePool'.length,
        },
        {
          messageId: 'deprecatedAllocator',
          data: { callee: 'ExAllocatePoolWithTag', replacement: 'ExAllocatePool2 with POOL_FLAGS', downlevel: 'ExAllocatePoolZero' },
          line: lineOf(ALL_FIVE, 'ExAllocatePoolWithTag('),
          column: columnOf(ALL_FIVE, 'ExAllocatePoolWithTag('),
        },
        {
          messageId: 'deprecatedAllocator',
          data: { callee: 'ExAllocatePoolWithQuota', replacement: 'ExAllocatePool2 with POOL_FLAG_USE_QUOTA and a pool tag', downlevel: 'ExAllocatePoolQuotaZero' },
          line: lineOf(ALL_FIVE, 'ExAllocatePoolWithQuota('),
          column: columnOf(ALL_FIVE, 'ExAllocatePoolWithQuota('),
        },
        {
          messageId: 'deprecatedAllocator',
          data: { callee: 'ExAllocatePoolWithQuotaTag', replacement: 'ExAllocatePool2 with POOL_FLAG_USE_QUOTA', downlevel: 'ExAllocatePoolQuotaZero' },
          line: lineOf(ALL_FIVE, 'ExAllocatePoolWithQuotaTag('),
          column: columnOf(ALL_FIVE, 'ExAllocatePoolWithQuotaTag('),
        },
        {
          messageId: 'deprecatedAllocator',
          data: { callee: 'ExAllocatePoolWithTagPriority', replacement: 'ExAllocatePool3 with a PoolExtendedParameterPriority parameter', downlevel: 'ExAllocatePoolPriorityZero' },
          line: lineOf(ALL_FIVE, 'ExAllocatePoolWithTagPriority('),
          column: columnOf(ALL_FIVE, 'ExAllocatePoolWithTagPriority('),
        },
      ],
      // The autofix is tested in UnsafeAllocatePool.fix.test.ts.
    },
    {
      name: "a local override of ExAllocatePool: reported once, on the #define, not at each use as the old allocator",
      code: OVERRIDE,
      errors: [
        {
          messageId: 'deprecatedAllocator',
          data: { callee: 'ExAllocatePoolWithTag', replacement: 'ExAllocatePool2 with POOL_FLAGS', downlevel: 'ExAllocatePoolZero' },
          line: lineOf(OVERRIDE, '#define ExAllocatePool('),
          column: columnOf(OVERRIDE, 'ExAllocatePoolWithTag('),
        },
      ],
    },
    {
      name: 'a call split over lines in DriverEntry, reported at the callee name',
      code: DRIVER_ENTRY,
      errors: [
        {
          messageId: 'deprecatedAllocator',
          line: lineOf(DRIVER_ENTRY, 'ExAllocatePoolWithTag('),
          column: columnOf(DRIVER_ENTRY, 'ExAllocatePoolWithTag('),
          endLine: lineOf(DRIVER_ENTRY, 'ExAllocatePoolWithTag('),
          endColumn: columnOf(DRIVER_ENTRY, 'ExAllocatePoolWithTag(') + 'ExAllocatePoolWithTag'.length,
        },
      ],
    },
    {
      name: 'reported whatever the IRQL, with no IRQL trace, also in unreachable code',
      code: `KDEFERRED_ROUTINE MyDpc;
VOID MyDpc(PKDPC Dpc, PVOID Context, PVOID A1, PVOID A2)
{
    PVOID p = ExAllocatePoolWithTag(NonPagedPoolNx, 16, 'cpDM');
    return;
    p = ExAllocatePool(NonPagedPoolNx, 16);
}
`,
      errors: [
        { messageId: 'deprecatedAllocator', line: 4, data: { callee: 'ExAllocatePoolWithTag', replacement: 'ExAllocatePool2 with POOL_FLAGS', downlevel: 'ExAllocatePoolZero' } },
        { messageId: 'deprecatedAllocator', line: 6, data: { callee: 'ExAllocatePool', replacement: 'ExAllocatePool2 with POOL_FLAGS and a pool tag', downlevel: 'ExAllocatePoolZero' } },
      ],
    },
    {
      name: 'a nested call, a call in a condition and a call in a return',
      code: `PVOID F(SIZE_T n)
{
    if (ExAllocatePoolWithTag(NonPagedPoolNx, n, 'AvdD') == NULL) return NULL;
    Use((PUCHAR)ExAllocatePoolWithQuotaTag(PagedPool, n, 'BvdD'));
    return ExAllocatePoolWithTagPriority(NonPagedPoolNx, n, 'CvdD', HighPoolPriority);
}
`,
      errors: [
        { messageId: 'deprecatedAllocator', line: 3, column: 9 },
        { messageId: 'deprecatedAllocator', line: 4, column: 17 },
        { messageId: 'deprecatedAllocator', line: 5, column: 12 },
      ],
    },
    {
      name: 'a call with SAL-annotated code around it',
      code: `_IRQL_requires_max_(DISPATCH_LEVEL)
_Must_inspect_result_
PVOID
NTAPI
AllocateRecord(
    _In_ SIZE_T Size
    )
{
    return ExAllocatePoolWithTag(NonPagedPoolNx, Size, 'ceRD');
}
`,
      errors: [{ messageId: 'deprecatedAllocator', line: 9, column: 12 }],
    },
  ],
});

describe('wdm/UnsafeAllocatePool meta', () => {
  it('names Microsoft’s rule, PREfast C28751 and the CodeQL query', () => {
    expect(rule.meta.docs.microsoftRule).toBe('UnsafeAllocatePool');
    expect(rule.meta.docs.prefast).toBe('C28751');
    expect(rule.meta.docs.codeql).toBe('cpp/drivers/wdk-deprecated-api');
    expect(rule.meta.type).toBe('problem');
    expect(rule.meta.docs.url).toMatch(/rules\/wdm\/UnsafeAllocatePool\.md$/);
  });
});
