import { RuleTester } from '@ddi-lint/core/rule-tester';
import rule from './UnsafeAllocatePool.js';

new RuleTester().run('kmdf/UnsafeAllocatePool', rule, {
  valid: [
    `#include <wdf.h>
NTSTATUS EchoAllocateContext(WDFDEVICE Device)
{
    PECHO_CONTEXT ctx = ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(ECHO_CONTEXT), 'ohcE');
    return ctx ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}
`,
    // WDF's own memory objects are not pool allocators.
    `#include <wdf.h>
NTSTATUS Buffer(WDFREQUEST Request)
{
    WDFMEMORY memory;
    return WdfMemoryCreate(WDF_NO_OBJECT_ATTRIBUTES, NonPagedPoolNx, 'ohcE', 64, &memory, NULL);
}
`,
  ],
  invalid: [
    {
      code: `#include <wdf.h>
VOID EchoEvtIoWrite(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
    PVOID copy = ExAllocatePoolWithTag(NonPagedPoolNx, Length, 'ohcE');
}
`,
      errors: [{ messageId: 'deprecatedAllocator', line: 4, column: 18 }],
    },
  ],
});
