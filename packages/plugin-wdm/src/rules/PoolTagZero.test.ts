import { describe, expect, it } from 'vitest';
import { RuleTester } from '@ddi-lint/core/rule-tester';
import rule from './PoolTagZero.js';

function lineOf(code: string, needle: string): number {
  const i = code.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`"${needle}" not in code`);
  return i + 1;
}

function columnOf(code: string, needle: string): number {
  return code.split('\n')[lineOf(code, needle) - 1].indexOf(needle) + 1;
}

const ZERO = `#include <wdm.h>

NTSTATUS MirrorAllocateShadow(PMIRROR_CONTEXT Mirror, SIZE_T Size)
{
    Mirror->Shadow = ExAllocatePool2(POOL_FLAG_NON_PAGED, Size, 0);
    if (Mirror->Shadow == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    return STATUS_SUCCESS;
}
`;

const message = (callee: string, how = '') =>
  `${callee} is given the tag 0${how}: ExAllocatePool2 and ExAllocatePool3 reject a zero tag, so this allocation always fails (returns NULL, or raises with POOL_FLAG_RAISE_ON_FAILURE); use a non-zero tag of the driver's own, such as 'gaTx'.`;

new RuleTester().run('wdm/PoolTagZero', rule, {
  valid: [
    {
      name: 'non-zero tags: literals, #defines, numbers',
      code: `#define MIRROR_TAG 'rriM'
NTSTATUS F(PVOID *Out, SIZE_T Size, POOL_EXTENDED_PARAMETER *Params)
{
    Out[0] = ExAllocatePool2(POOL_FLAG_NON_PAGED, Size, MIRROR_TAG);
    Out[1] = ExAllocatePool3(POOL_FLAG_NON_PAGED, Size, 0x7272694d, Params, 1);
    return STATUS_SUCCESS;
}
`,
    },
    {
      name: 'a zero elsewhere: zero-initialised flags and a zero size belong to other rules',
      code: `PVOID F(SIZE_T Size)
{
    return ExAllocatePool2(0, 0, 'rriM');
}
`,
    },
    {
      name: 'a tag known only at run time',
      code: `PVOID F(PDRIVER_GLOBALS Globals, ULONG Tag, SIZE_T Size)
{
    PVOID a = ExAllocatePool2(POOL_FLAG_PAGED, Size, Tag);
    PVOID b = ExAllocatePool2(POOL_FLAG_PAGED, Size, Globals->Tag);
    return a ? a : b;
}
`,
    },
    {
      name: 'the older allocators accept tag 0',
      code: `#define POOL_ZERO_DOWN_LEVEL_SUPPORT
NTSTATUS F(PVOID *Out, SIZE_T Size)
{
    Out[0] = ExAllocatePoolWithTag(NonPagedPoolNx, Size, 0);
    Out[1] = ExAllocatePoolZero(NonPagedPoolNx, Size, 0);
    return STATUS_SUCCESS;
}
`,
    },
    {
      name: 'freeing with tag 0 is not an allocation',
      code: `VOID F(PVOID p)
{
    ExFreePool2(p, 0, NULL, 0);
}
`,
    },
  ],
  invalid: [
    {
      name: 'a literal 0 tag, reported at the tag',
      code: ZERO,
      errors: [
        {
          messageId: 'zeroTag',
          message: message('ExAllocatePool2'),
          line: lineOf(ZERO, 'Size, 0)'),
          column: columnOf(ZERO, 'Size, 0)') + 'Size, '.length,
          endColumn: columnOf(ZERO, 'Size, 0)') + 'Size, 0'.length,
        },
      ],
      output: null,
    },
    {
      name: 'a zero tag through #defines, casts, parentheses and escapes, and ExAllocatePool3',
      code: `#define UNSET_TAG   0
#define SHADOW_TAG  UNSET_TAG
NTSTATUS F(PVOID *Out, SIZE_T Size, POOL_EXTENDED_PARAMETER *Params)
{
    Out[0] = ExAllocatePool2(POOL_FLAG_NON_PAGED, Size, SHADOW_TAG);
    Out[1] = ExAllocatePool2(POOL_FLAG_PAGED, Size, (ULONG)0);
    Out[2] = ExAllocatePool2(POOL_FLAG_PAGED, Size, (0UL));
    Out[3] = ExAllocatePool3(POOL_FLAG_NON_PAGED, Size, NULL, Params, 1);
    Out[4] = ExAllocatePool2(POOL_FLAG_NON_PAGED, Size, '\\0');
    return STATUS_SUCCESS;
}
`,
      errors: [
        { messageId: 'zeroTag', line: 5, message: message('ExAllocatePool2', ' (SHADOW_TAG is 0)') },
        { messageId: 'zeroTag', line: 6, message: message('ExAllocatePool2', ' ((ULONG)0 is 0)') },
        { messageId: 'zeroTag', line: 7, message: message('ExAllocatePool2', ' ((0UL) is 0)') },
        { messageId: 'zeroTag', line: 8, message: message('ExAllocatePool3', ' (NULL is 0)') },
        { messageId: 'zeroTag', line: 9, message: message('ExAllocatePool2', " ('\\0' is 0)") },
      ],
    },
  ],
});

describe('wdm/PoolTagZero meta', () => {
  it('is a precise problem rule with a doc URL', () => {
    expect(rule.meta.type).toBe('problem');
    expect(rule.meta.docs.recommended).toBe(true);
    expect(rule.meta.docs.url).toMatch(/rules\/wdm\/PoolTagZero\.md$/);
  });
});
