/** C++ driver sources (.cpp) run the same rules on their C subset: methods, namespaces, `::Ddi()`, try/catch, lambdas. */
import { describe, expect, it } from 'vitest';
import { findings, project, run } from './helpers.js';

const QUEUE_CPP = `#include <ntddk.h>
#include <wdf.h>

namespace echo {
class Queue {
public:
    NTSTATUS Push(SIZE_T n)
    {
        WdfSpinLockAcquire(m_lock);
        m_buffer = ExAllocatePool2(POOL_FLAG_PAGED, n, 'ohcE');
        WdfSpinLockRelease(m_lock);
        m_spare = ExAllocatePool2(POOL_FLAG_PAGED, n, 'ohcE');
        return STATUS_SUCCESS;
    }
private:
    WDFSPINLOCK m_lock;
    PVOID m_buffer;
    PVOID m_spare;
};
}

VOID Stage(PDEVICE_CONTEXT ctx)
{
    KIRQL old;
    KeAcquireSpinLock(&ctx->Lock, &old);
    ctx->Scratch = ::ExAllocatePoolWithTag(PagedPool, 64, 'ohcE');
    KeReleaseSpinLock(&ctx->Lock, old);
    try { Work(); } catch (...) { Recover(); }
    ctx->Spare = ExAllocatePool2(POOL_FLAG_PAGED, 64, 'ohcE');
}
`;

describe('C++ sources', () => {
  it('are found by default and analysed like C', async () => {
    const dir = project({ 'queue.cpp': QUEUE_CPP, 'notes.txt': 'x' });
    const r = await run(['-f', 'json', '.'], dir);
    expect(findings(r.stdout)).toEqual([
      'queue.cpp:10 wdm/IrqlExAllocatePool 2',
      'queue.cpp:26 kmdf/UnsafeAllocatePool 1',
      'queue.cpp:26 wdm/IrqlExAllocatePool 2',
    ]);
  });
});
