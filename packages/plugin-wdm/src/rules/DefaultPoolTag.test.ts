import { describe, expect, it } from 'vitest';
import { RuleTester } from '@ddi-lint/core/rule-tester';
import rule from './DefaultPoolTag.js';

function lineOf(code: string, needle: string): number {
  const i = code.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`"${needle}" not in code`);
  return i + 1;
}

function columnOf(code: string, needle: string): number {
  return code.split('\n')[lineOf(code, needle) - 1].indexOf(needle) + 1;
}

const LITERAL = `#include <ntddk.h>

NTSTATUS TimerCreateContext(PTIMER_CONTEXT *Out)
{
    PTIMER_CONTEXT ctx = ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(TIMER_CONTEXT), ' mdW');
    if (ctx == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    *Out = ctx;
    return STATUS_SUCCESS;
}
`;

const UNTAGGED = `PVOID F(SIZE_T Size)
{
    PVOID a = ExAllocatePool(NonPagedPoolNx, Size);
    PVOID b = ExAllocatePoolWithQuota(PagedPool | POOL_QUOTA_FAIL_INSTEAD_OF_RAISE, Size);
    return a ? a : b;
}
`;

const message = (callee: string, tag: string, via = '') =>
  `${callee} tags the allocation with the default tag ${tag}${via}: pool use is tracked by tag, so memory under a default tag cannot be told apart from other drivers' in PoolMon, !poolused or Driver Verifier; use a tag of the driver's own, one per allocation site.`;

new RuleTester().run('wdm/DefaultPoolTag', rule, {
  valid: [
    {
      name: "the driver's own tags: literals, #defines, casts",
      code: `#define DRV_TAG      'lcvD'
#define DRV_TAG_IRP  ((ULONG)'prIv')
NTSTATUS F(PVOID *Out, SIZE_T Size)
{
    Out[0] = ExAllocatePool2(POOL_FLAG_NON_PAGED, Size, DRV_TAG);
    Out[1] = ExAllocatePoolWithTag(NonPagedPoolNx, Size, DRV_TAG_IRP);
    Out[2] = ExAllocatePoolZero(PagedPool, Size, 'gfCv');
    return STATUS_SUCCESS;
}
`,
    },
    {
      name: 'the default tag written in another argument, a string or a comment',
      code: `// Old code used ExAllocatePoolWithTag(NonPagedPool, n, ' mdW').
#define DEFAULT_TAG ' mdW'
NTSTATUS F(PVOID *Out, SIZE_T Size)
{
    Out[0] = ExAllocatePool2(POOL_FLAG_NON_PAGED, DEFAULT_TAG, 'AvdD');
    DbgPrint("tag ' mdW' is the default\\n");
    LogTag(DEFAULT_TAG);
    return STATUS_SUCCESS;
}
`,
    },
    {
      name: 'a tag the rule cannot evaluate, and the reversed default spelling',
      code: `PVOID F(PDRIVER_GLOBALS Globals, SIZE_T Size)
{
    PVOID a = ExAllocatePool2(POOL_FLAG_PAGED, Size, Globals->Tag);
    PVOID b = ExAllocatePool2(POOL_FLAG_PAGED, Size, 'Wdm ');
    return a ? a : b;
}
`,
    },
    {
      name: 'the untagged allocators without the option',
      code: UNTAGGED,
    },
    {
      name: 'the untagged allocators with reportUntagged: false',
      code: UNTAGGED,
      options: [{ reportUntagged: false }],
    },
  ],
  invalid: [
    {
      name: "' mdW' written in the call, reported at the tag",
      code: LITERAL,
      errors: [
        {
          messageId: 'defaultTag',
          message: message('ExAllocatePool2', "' mdW'"),
          line: lineOf(LITERAL, "' mdW'"),
          column: columnOf(LITERAL, "' mdW'"),
          endColumn: columnOf(LITERAL, "' mdW'") + "' mdW'".length,
        },
      ],
      output: null,
    },
    {
      name: "' kdD' and ' mdW' through #define chains, casts, parentheses and numbers",
      code: `#define WDM_DEFAULT   ' mdW'
#define LEGACY_TAG    WDM_DEFAULT
#define DDK_TAG       ((ULONG)' kdD')
NTSTATUS F(PVOID *Out, SIZE_T Size, POOL_EXTENDED_PARAMETER *Params)
{
    Out[0] = ExAllocatePoolWithTag(NonPagedPoolNx, Size, LEGACY_TAG);
    Out[1] = ExAllocatePoolWithQuotaTag(PagedPool, Size, DDK_TAG);
    Out[2] = ExAllocatePoolWithTagPriority(NonPagedPoolNx, Size, (' kdD'), LowPoolPriority);
    Out[3] = ExAllocatePool3(POOL_FLAG_NON_PAGED, Size, 0x206d6457, Params, 1);
    Out[4] = ExAllocatePoolZero(NonPagedPoolNx, Size, (ULONG)' mdW');
    return STATUS_SUCCESS;
}
`,
      errors: [
        { messageId: 'defaultTag', line: 6, message: message('ExAllocatePoolWithTag', "' mdW'", ' (LEGACY_TAG)') },
        { messageId: 'defaultTag', line: 7, message: message('ExAllocatePoolWithQuotaTag', "' kdD'", ' (DDK_TAG)') },
        { messageId: 'defaultTag', line: 8, message: message('ExAllocatePoolWithTagPriority', "' kdD'", " ((' kdD'))") },
        { messageId: 'defaultTag', line: 9, message: message('ExAllocatePool3', "' mdW'", ' (0x206d6457)') },
        { messageId: 'defaultTag', line: 10, message: message('ExAllocatePoolZero', "' mdW'", " ((ULONG)' mdW')") },
      ],
    },
    {
      name: 'ExAllocatePool and ExAllocatePoolWithQuota with reportUntagged: true, reported at the callee',
      code: UNTAGGED,
      options: [{ reportUntagged: true }],
      errors: [
        {
          messageId: 'untagged',
          message:
            "ExAllocatePool takes no tag, so its allocations carry the default pool tag and cannot be told apart from other drivers' in PoolMon, !poolused or Driver Verifier; use ExAllocatePool2 with a tag of the driver's own.",
          line: 3,
          column: columnOf(UNTAGGED, 'ExAllocatePool('),
          endColumn: columnOf(UNTAGGED, 'ExAllocatePool(') + 'ExAllocatePool'.length,
        },
        { messageId: 'untagged', line: 4, data: { callee: 'ExAllocatePoolWithQuota', replacement: 'ExAllocatePool2' } },
      ],
    },
  ],
});

describe('wdm/DefaultPoolTag meta', () => {
  it('names PREfast C28147 and the CodeQL query, and has an option schema', () => {
    expect(rule.meta.type).toBe('problem');
    expect(rule.meta.docs.recommended).toBe(true);
    expect(rule.meta.docs.prefast).toBe('C28147');
    expect(rule.meta.docs.codeql).toBe('cpp/drivers/default-pool-tag');
    expect(rule.meta.docs.url).toMatch(/rules\/wdm\/DefaultPoolTag\.md$/);
    expect(rule.meta.schema).toEqual([
      expect.objectContaining({ type: 'object', properties: { reportUntagged: expect.objectContaining({ type: 'boolean', default: false }) }, additionalProperties: false }),
    ]);
    expect(rule.defaultOptions).toEqual([{ reportUntagged: false }]);
  });
});
