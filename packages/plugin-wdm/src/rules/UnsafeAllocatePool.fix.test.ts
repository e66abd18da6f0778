/** The UnsafeAllocatePool autofix and suggestions (knowledge base §5, "Updating deprecated ExAllocatePool calls"). */
import { RuleTester } from '@ddi-lint/core/rule-tester';
import rule from './UnsafeAllocatePool.js';

const HEAD = `#include <ntddk.h>
#define TAG_CFG 'gfCR'
`;

new RuleTester().run('wdm/UnsafeAllocatePool', rule, {
  valid: [],
  invalid: [
    {
      name: 'tagged paged allocation becomes ExAllocatePool2(POOL_FLAG_PAGED), keeping casts and comments',
      code: `${HEAD}PVOID f(SIZE_T n) { return (PVOID)ExAllocatePoolWithTag(PagedPool /* cfg */, n, TAG_CFG); }\n`,
      output: `${HEAD}PVOID f(SIZE_T n) { return (PVOID)ExAllocatePool2(POOL_FLAG_PAGED /* cfg */, n, TAG_CFG); }\n`,
      errors: [{ messageId: 'deprecatedAllocator', line: 3 }],
    },
    {
      name: 'modifiers map to flags or are dropped; never POOL_FLAG_UNINITIALIZED',
      code: `${HEAD}VOID f(VOID) { PVOID p = ExAllocatePoolWithTag(NonPagedPoolNx | POOL_RAISE_IF_ALLOCATION_FAILURE | POOL_COLD_ALLOCATION, 64, TAG_CFG); }\n`,
      output: `${HEAD}VOID f(VOID) { PVOID p = ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_RAISE_ON_FAILURE, 64, TAG_CFG); }\n`,
      errors: 1,
    },
    {
      name: 'cache-aligned paged pool',
      code: `${HEAD}VOID f(VOID) { PVOID p = ExAllocatePoolWithTag(PagedPoolCacheAligned, 64, TAG_CFG); }\n`,
      output: `${HEAD}VOID f(VOID) { PVOID p = ExAllocatePool2(POOL_FLAG_PAGED | POOL_FLAG_CACHE_ALIGNED, 64, TAG_CFG); }\n`,
      errors: 1,
    },
    {
      name: 'quota allocation raises unless POOL_QUOTA_FAIL_INSTEAD_OF_RAISE was given',
      code: `${HEAD}VOID f(VOID) {\n    PVOID a = ExAllocatePoolWithQuotaTag(PagedPool, 16, TAG_CFG);\n    PVOID b = ExAllocatePoolWithQuotaTag(PagedPool | POOL_QUOTA_FAIL_INSTEAD_OF_RAISE, 16, TAG_CFG);\n}\n`,
      output: `${HEAD}VOID f(VOID) {\n    PVOID a = ExAllocatePool2(POOL_FLAG_PAGED | POOL_FLAG_USE_QUOTA | POOL_FLAG_RAISE_ON_FAILURE, 16, TAG_CFG);\n    PVOID b = ExAllocatePool2(POOL_FLAG_PAGED | POOL_FLAG_USE_QUOTA, 16, TAG_CFG);\n}\n`,
      errors: 2,
    },
    {
      name: 'the redundant RtlZeroMemory after the NULL check goes, CRLF kept',
      code: `${HEAD}VOID f(PCTX ctx)\r\n{\r\n    ctx->Table = ExAllocatePoolWithTag(NonPagedPoolNx, TABLE_BYTES, TAG_CFG);\r\n    if (ctx->Table == NULL) {\r\n        return;\r\n    }\r\n    RtlZeroMemory(ctx->Table, TABLE_BYTES);\r\n    ctx->Count = 0;\r\n}\r\n`,
      output: `${HEAD}VOID f(PCTX ctx)\r\n{\r\n    ctx->Table = ExAllocatePool2(POOL_FLAG_NON_PAGED, TABLE_BYTES, TAG_CFG);\r\n    if (ctx->Table == NULL) {\r\n        return;\r\n    }\r\n    ctx->Count = 0;\r\n}\r\n`,
      errors: 1,
    },
    {
      name: 'memset right after a declaration goes; a zeroing of another size stays',
      code: `${HEAD}VOID f(VOID) {\n    PUCHAR a = ExAllocatePoolWithTag(PagedPool, 32, TAG_CFG);\n    memset(a, 0, 32);\n    PUCHAR b = ExAllocatePoolWithTag(PagedPool, 32, TAG_CFG);\n    memset(b, 0, 16);\n}\n`,
      output: `${HEAD}VOID f(VOID) {\n    PUCHAR a = ExAllocatePool2(POOL_FLAG_PAGED, 32, TAG_CFG);\n    PUCHAR b = ExAllocatePool2(POOL_FLAG_PAGED, 32, TAG_CFG);\n    memset(b, 0, 16);\n}\n`,
      errors: 2,
    },
    {
      name: 'a success branch holding only the zeroing goes whole, braces or not; a longer one keeps its other statements',
      code: `${HEAD}PVOID f(VOID) {
    PUCHAR a = ExAllocatePoolWithTag(PagedPool, 32, TAG_CFG);
    if (a != NULL) {
        RtlZeroMemory(a, 32);
    }
    PUCHAR b = ExAllocatePoolWithTag(PagedPool, 32, TAG_CFG);
    if (b)
        RtlZeroMemory(b, 32);
    return b;
}
VOID g(VOID) {
    PUCHAR c = ExAllocatePoolWithTag(PagedPool, 32, TAG_CFG);
    if (c) {
        RtlZeroMemory(c, 32);
        Use(c);
    }
}
`,
      output: `${HEAD}PVOID f(VOID) {
    PUCHAR a = ExAllocatePool2(POOL_FLAG_PAGED, 32, TAG_CFG);
    PUCHAR b = ExAllocatePool2(POOL_FLAG_PAGED, 32, TAG_CFG);
    return b;
}
VOID g(VOID) {
    PUCHAR c = ExAllocatePool2(POOL_FLAG_PAGED, 32, TAG_CFG);
    if (c) {
        Use(c);
    }
}
`,
      errors: 3,
    },
    {
      name: 'NonPagedPool is ambiguous: suggestions, no fix',
      code: `${HEAD}VOID f(VOID) { PVOID p = ExAllocatePoolWithTag(NonPagedPool, 8, TAG_CFG); }\n`,
      output: null,
      errors: [
        {
          messageId: 'deprecatedAllocator',
          suggestions: [
            { messageId: 'migrate', output: `${HEAD}VOID f(VOID) { PVOID p = ExAllocatePool2(POOL_FLAG_NON_PAGED_EXECUTE, 8, TAG_CFG); }\n` },
            { messageId: 'migrate', output: `${HEAD}VOID f(VOID) { PVOID p = ExAllocatePool2(POOL_FLAG_NON_PAGED, 8, TAG_CFG); }\n` },
          ],
        },
      ],
    },
    {
      name: 'with POOL_NX_OPTIN_AUTO, NonPagedPool already means NX',
      code: `#define POOL_NX_OPTIN_AUTO 1\n${HEAD}VOID f(VOID) { PVOID p = ExAllocatePoolWithTag(NonPagedPool, 8, TAG_CFG); }\n`,
      output: `#define POOL_NX_OPTIN_AUTO 1\n${HEAD}VOID f(VOID) { PVOID p = ExAllocatePool2(POOL_FLAG_NON_PAGED, 8, TAG_CFG); }\n`,
      errors: 1,
    },
    {
      name: 'with POOL_NX_OPTIN (and ExInitializeDriverRuntime), NonPagedPool means NX too',
      code: `#define POOL_NX_OPTIN 1
${HEAD}VOID f(VOID) { PVOID p = ExAllocatePoolWithTag(NonPagedPool, 8, TAG_CFG); }
`,
      output: `#define POOL_NX_OPTIN 1
${HEAD}VOID f(VOID) { PVOID p = ExAllocatePool2(POOL_FLAG_NON_PAGED, 8, TAG_CFG); }
`,
      errors: 1,
    },
    {
      name: 'untagged calls need the defaultTag option',
      code: `${HEAD}VOID f(VOID) { PVOID p = ExAllocatePool(PagedPool, 8); }\n`,
      output: null,
      errors: 1,
    },
    {
      name: 'untagged call with defaultTag',
      code: `${HEAD}VOID f(VOID) { PVOID p = ExAllocatePool(PagedPool, 8); }\n`,
      options: [{ defaultTag: 'TAG_CFG' }],
      output: `${HEAD}VOID f(VOID) { PVOID p = ExAllocatePool2(POOL_FLAG_PAGED, 8, TAG_CFG); }\n`,
      errors: 1,
    },
    {
      name: 'downlevel target uses the Zero wrappers with the same arguments',
      code: `${HEAD}VOID f(VOID) {\n    PVOID a = ExAllocatePoolWithTag(NonPagedPoolNx, 8, TAG_CFG);\n    PVOID b = ExAllocatePoolWithQuotaTag(PagedPool, 8, TAG_CFG);\n    PVOID c = ExAllocatePoolWithTagPriority(NonPagedPoolNx, 8, TAG_CFG, LowPoolPriority);\n}\n`,
      options: [{ target: 'downlevel' }],
      output: `${HEAD}VOID f(VOID) {\n    PVOID a = ExAllocatePoolZero(NonPagedPoolNx, 8, TAG_CFG);\n    PVOID b = ExAllocatePoolQuotaZero(PagedPool, 8, TAG_CFG);\n    PVOID c = ExAllocatePoolPriorityZero(NonPagedPoolNx, 8, TAG_CFG, LowPoolPriority);\n}\n`,
      errors: 3,
    },
    {
      name: 'no automatic fix for MustSucceed, session types, a variable pool type or the priority call',
      code: `${HEAD}VOID f(POOL_TYPE t) {\n    PVOID a = ExAllocatePoolWithTag(NonPagedPoolMustSucceed, 8, TAG_CFG);\n    PVOID b = ExAllocatePoolWithTag(PagedPoolSession, 8, TAG_CFG);\n    PVOID c = ExAllocatePoolWithTag(t, 8, TAG_CFG);\n    PVOID d = ExAllocatePoolWithTagPriority(PagedPool, 8, TAG_CFG, NormalPoolPriority);\n}\n`,
      output: null,
      errors: 4,
    },
  ],
});
