/**
 * C++ driver sources (.cpp, .cxx) run the same rules on their C subset: methods, namespaces, `::Ddi()`, try/catch,
 * lambdas, operators, and the SDK's calling conventions.
 */
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

  it('analyse operators and functions declared with the SDK\'s calling conventions under their own names', async () => {
    // A display miniport's shape: its DDIs are `NTSTATUS APIENTRY Name(…)`, its `new` and `delete` are backed by pool.
    const dir = project({
      'memory.cxx': `#include <ntddk.h>

void* __cdecl operator new(size_t Size, PDEVICE_CONTEXT Ctx)
{
    KIRQL old;
    void* p;
    KeAcquireSpinLock(&Ctx->Lock, &old);
    p = ExAllocatePool2(POOL_FLAG_PAGED, Size, 'wenB');
    KeReleaseSpinLock(&Ctx->Lock, old);
    return p;
}

void __cdecl operator delete(void* p, PDEVICE_CONTEXT Ctx)
{
    KIRQL old;
    KeAcquireSpinLock(&Ctx->Lock, &old);
    ZwClose(Ctx->Section);
    KeReleaseSpinLock(&Ctx->Lock, old);
    ExFreePoolWithTag(p, 'wenB');
}

void __cdecl operator delete[](void* p)
{
    if (p) ExFreePoolWithTag(p, 'wenB');
}

NTSTATUS
APIENTRY
BddDdiCommitVidPn(_In_ PDEVICE_CONTEXT Ctx)
{
    PAGED_CODE();
    return STATUS_SUCCESS;
}

HRESULT STDMETHODCALLTYPE ShapeRelease(__RPC__in PDEVICE_CONTEXT Ctx)
{
    PAGED_CODE();
    return S_OK;
}

VOID BddDpc(_In_ PDEVICE_CONTEXT Ctx)
{
    KIRQL old;
    KeAcquireSpinLock(&Ctx->Lock, &old);
    BddDdiCommitVidPn(Ctx);
    ShapeRelease(Ctx);
    KeReleaseSpinLock(&Ctx->Lock, old);
}
`,
    });
    const r = await run(['-f', 'json', '.'], dir);
    // Before the calling conventions were seen through, only the first was found: the others' functions had no
    // name a call could reach (`APIENTRY\nBddDdiCommitVidPn`), or were no function at all (`operator delete`).
    expect(findings(r.stdout)).toEqual([
      'memory.cxx:8 wdm/IrqlExAllocatePool 2',
      'memory.cxx:17 wdm/IrqlTooHigh 2',
      'memory.cxx:31 wdm/IrqlPagedCode 2',
      'memory.cxx:37 wdm/IrqlPagedCode 2',
    ]);
    expect(r.stdout).not.toContain('Parsing error');
  });

  it('follow calls between the methods of a class, as C++ looks the names up', async () => {
    const dir = project({
      'pin.cpp': `#include <ntddk.h>

class CPin {
public:
    VOID Stop(_In_ PDEVICE_CONTEXT Ctx)
    {
        KIRQL old;
        KeAcquireSpinLock(&Ctx->Lock, &old);
        Flush(Ctx);
        this->Reset(Ctx);
        KeReleaseSpinLock(&Ctx->Lock, old);
    }
    VOID Reset(_In_ PDEVICE_CONTEXT Ctx)
    {
        PAGED_CODE();
        Ctx->Count = 0;
    }
    static VOID Drain(_In_ PDEVICE_CONTEXT Ctx)
    {
        PAGED_CODE();
        Ctx->Queued = 0;
    }
    VOID Flush(_In_ PDEVICE_CONTEXT Ctx);
};

VOID CPin::Flush(_In_ PDEVICE_CONTEXT Ctx)
{
    PAGED_CODE();
    Ctx->Pending = 0;
}

// A free function of the same name: not the one CPin::Stop calls.
VOID Flush(_In_ PDEVICE_CONTEXT Ctx)
{
    PAGED_CODE();
    Ctx->Pending = 0;
}

VOID PinDpc(_In_ PDEVICE_CONTEXT Ctx)
{
    KIRQL old;
    KeAcquireSpinLock(&Ctx->Lock, &old);
    CPin::Drain(Ctx);
    KeReleaseSpinLock(&Ctx->Lock, old);
}
`,
    });
    const r = await run(['-f', 'json', '.'], dir);
    // Before, Stop's Flush(Ctx) reached the free Flush, and this->Reset(Ctx) and CPin::Drain(Ctx) reached nothing.
    expect(findings(r.stdout)).toEqual(['pin.cpp:15 wdm/IrqlPagedCode 2', 'pin.cpp:20 wdm/IrqlPagedCode 2', 'pin.cpp:28 wdm/IrqlPagedCode 2']);
    const [result] = JSON.parse(r.stdout) as { messages: { line: number; trace: { message: string }[] }[] }[];
    const callers = result!.messages.map((m) => m.trace.at(-1)!.message);
    expect(callers).toEqual(['Stop calls Reset at DISPATCH_LEVEL', 'PinDpc calls Drain at DISPATCH_LEVEL', 'Stop calls CPin::Flush at DISPATCH_LEVEL']);
  });
});
