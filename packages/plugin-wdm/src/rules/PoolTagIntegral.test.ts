import { describe, expect, it } from 'vitest';
import { RuleTester } from '@ddi-lint/core/rule-tester';
import rule from './PoolTagIntegral.js';

function lineOf(code: string, needle: string): number {
  const i = code.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`"${needle}" not in code`);
  return i + 1;
}

function columnOf(code: string, needle: string): number {
  return code.split('\n')[lineOf(code, needle) - 1].indexOf(needle) + 1;
}

const STRING_TAG = `#include <wdm.h>

NTSTATUS QueueAllocateRequest(PREQUEST *Out)
{
    PREQUEST request = ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(REQUEST), "Rqst");
    if (request == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    *Out = request;
    return STATUS_SUCCESS;
}
`;

const message = (callee: string, tag: string) =>
  `${callee} is given a string as its pool tag (${tag}): the tag is a ULONG, so the low bits of the string's address become the tag and no tool can match the memory to the driver; write the tag as a character constant in single quotes, such as 'gaTx'.`;

new RuleTester().run('wdm/PoolTagIntegral', rule, {
  valid: [
    {
      name: 'character constants, #defines of them, casts and numbers',
      code: `#define QUEUE_TAG   'uQvD'
#define BUFFER_TAG  ((ULONG)'fBvD')
NTSTATUS F(PVOID *Out, SIZE_T Size)
{
    Out[0] = ExAllocatePool2(POOL_FLAG_NON_PAGED, Size, QUEUE_TAG);
    Out[1] = ExAllocatePoolWithTag(NonPagedPoolNx, Size, BUFFER_TAG);
    Out[2] = ExAllocatePoolWithTag(PagedPool, Size, 0x74737251);
    Out[3] = ExAllocatePoolZero(PagedPool, Size, (ULONG)('gRvD'));
    return STATUS_SUCCESS;
}
`,
    },
    {
      name: 'strings elsewhere in the call and around it',
      code: `#define DRIVER_NAME "ringbuf"
NTSTATUS F(PVOID *Out, SIZE_T Size)
{
    DbgPrint("allocating %Iu bytes for " DRIVER_NAME "\\n", Size);
    Out[0] = ExAllocatePoolWithTag(PagedPool, Size, 'gniR');
    LogAllocation(DRIVER_NAME, Out[0]);
    return STATUS_SUCCESS;
}
`,
    },
    {
      name: 'a tag computed by a call, a variable, a field',
      code: `PVOID F(PDRIVER_GLOBALS Globals, ULONG Tag, SIZE_T Size)
{
    PVOID a = ExAllocatePool2(POOL_FLAG_PAGED, Size, TagFromName("Ring"));
    PVOID b = ExAllocatePool2(POOL_FLAG_PAGED, Size, Tag);
    PVOID c = ExAllocatePool2(POOL_FLAG_PAGED, Size, Globals->PoolTag);
    return a ? a : b ? b : c;
}
`,
    },
    {
      name: 'a string passed to a function that is not an allocator',
      code: `VOID F(VOID)
{
    RegisterTag("Rqst");
    ExFreePool(NULL);
}
`,
    },
  ],
  invalid: [
    {
      name: 'a string literal as the tag of ExAllocatePool2, reported at the tag',
      code: STRING_TAG,
      errors: [
        {
          messageId: 'stringTag',
          message: message('ExAllocatePool2', '"Rqst"'),
          line: lineOf(STRING_TAG, '"Rqst"'),
          column: columnOf(STRING_TAG, '"Rqst"'),
          endColumn: columnOf(STRING_TAG, '"Rqst"') + '"Rqst"'.length,
        },
      ],
      output: null,
    },
    {
      name: 'wide, concatenated, parenthesised and cast strings',
      code: `NTSTATUS F(PVOID *Out, SIZE_T Size, POOL_EXTENDED_PARAMETER *Params)
{
    Out[0] = ExAllocatePoolWithTag(NonPagedPoolNx, Size, L"Rqst");
    Out[1] = ExAllocatePoolWithQuotaTag(PagedPool, Size, "Rq" "st");
    Out[2] = ExAllocatePoolWithTagPriority(NonPagedPoolNx, Size, ("Rqst"), LowPoolPriority);
    Out[3] = ExAllocatePool3(POOL_FLAG_NON_PAGED, Size, (ULONG)"Rqst", Params, 1);
    Out[4] = ExAllocatePoolZero(NonPagedPoolNx, Size, (ULONG_PTR)("Rqst"));
    return STATUS_SUCCESS;
}
`,
      errors: [
        { messageId: 'stringTag', line: 3, data: { callee: 'ExAllocatePoolWithTag', tag: 'L"Rqst"' } },
        { messageId: 'stringTag', line: 4, data: { callee: 'ExAllocatePoolWithQuotaTag', tag: '"Rq" "st"' } },
        { messageId: 'stringTag', line: 5, data: { callee: 'ExAllocatePoolWithTagPriority', tag: '("Rqst")' } },
        { messageId: 'stringTag', line: 6, data: { callee: 'ExAllocatePool3', tag: '(ULONG)"Rqst"' } },
        { messageId: 'stringTag', line: 7, data: { callee: 'ExAllocatePoolZero', tag: '(ULONG_PTR)("Rqst")' } },
      ],
    },
    {
      name: 'a #define of a string, directly, in parentheses, cast, and through a chain',
      code: `#define REQUEST_TAG     "Rqst"
#define WIDE_TAG        (L"Wide")
#define CAST_TAG        ((ULONG)"Cast")
#define LEGACY_TAG      REQUEST_TAG
NTSTATUS F(PVOID *Out, SIZE_T Size)
{
    Out[0] = ExAllocatePool2(POOL_FLAG_NON_PAGED, Size, REQUEST_TAG);
    Out[1] = ExAllocatePool2(POOL_FLAG_NON_PAGED, Size, WIDE_TAG);
    Out[2] = ExAllocatePool2(POOL_FLAG_NON_PAGED, Size, CAST_TAG);
    Out[3] = ExAllocatePool2(POOL_FLAG_NON_PAGED, Size, (LEGACY_TAG));
    return STATUS_SUCCESS;
}
`,
      errors: [
        { messageId: 'stringTag', line: 7, data: { callee: 'ExAllocatePool2', tag: 'REQUEST_TAG' } },
        { messageId: 'stringTag', line: 8, data: { callee: 'ExAllocatePool2', tag: 'WIDE_TAG' } },
        { messageId: 'stringTag', line: 9, data: { callee: 'ExAllocatePool2', tag: 'CAST_TAG' } },
        { messageId: 'stringTag', line: 10, data: { callee: 'ExAllocatePool2', tag: '(LEGACY_TAG)' } },
      ],
    },
    {
      name: 'a string tag #defined in a header of the program',
      code: `#include "tags.h"
PVOID F(SIZE_T Size)
{
    return ExAllocatePoolWithTag(PagedPool, Size, TAG_CONFIG);
}
`,
      files: { 'tags.h': '#pragma once\n#define TAG_CONFIG "Cfg "\n' },
      errors: [{ messageId: 'stringTag', line: 4, data: { callee: 'ExAllocatePoolWithTag', tag: 'TAG_CONFIG' } }],
    },
  ],
});

describe('wdm/PoolTagIntegral meta', () => {
  it('names PREfast C28134 and the CodeQL query', () => {
    expect(rule.meta.type).toBe('problem');
    expect(rule.meta.docs.recommended).toBe(true);
    expect(rule.meta.docs.prefast).toBe('C28134');
    expect(rule.meta.docs.codeql).toBe('cpp/drivers/pool-tag-integral');
    expect(rule.meta.docs.url).toMatch(/rules\/wdm\/PoolTagIntegral\.md$/);
  });
});
