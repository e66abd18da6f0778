/*
 * PAGED_CODE() asserts the IRQL is at most APC_LEVEL, as PREfast reads it. A pageable function reached at
 * DISPATCH_LEVEL is reported once, at its PAGED_CODE(); the paged-pool work after the assertion, and the
 * pageable helper it calls, are not reported again for the same cause.
 */
#include <wdm.h>

#pragma alloc_text(PAGE, PwrRegister)
#pragma alloc_text(PAGE, PwrRecord)

typedef struct _PWR_CONTEXT { KSPIN_LOCK Lock; PVOID Entry; } PWR_CONTEXT, *PPWR_CONTEXT;

VOID
PwrRecord(
    _Inout_ PPWR_CONTEXT Ctx
    )
{
    PAGED_CODE();
    Ctx->Entry = ExAllocatePool2(POOL_FLAG_PAGED, 64, 'rwPD');
}

VOID
PwrRegister(
    _Inout_ PPWR_CONTEXT Ctx
    )
{
    PVOID scratch;

    PAGED_CODE(); // expect: wdm/IrqlPagedCode trace=45,46 basis=proven
    scratch = ExAllocatePool2(POOL_FLAG_PAGED, 32, 'rwPD');
    PwrRecord(Ctx);
    if (scratch != NULL) {
        ExFreePoolWithTag(scratch, 'rwPD');
    }
}

_IRQL_requires_max_(DISPATCH_LEVEL)
VOID
PwrTimerTick(
    _Inout_ PPWR_CONTEXT Ctx
    )
{
    KIRQL oldIrql;

    KeAcquireSpinLock(&Ctx->Lock, &oldIrql);
    PwrRegister(Ctx);
    KeReleaseSpinLock(&Ctx->Lock, oldIrql);
}
