/*
 * ExAllocatePool3 with POOL_FLAG_PAGED (and a priority parameter) under an executive spin lock
 * (ExAcquireSpinLockExclusive raises to DISPATCH_LEVEL and returns the previous IRQL).
 */
#include <wdm.h>

#define P3_TAG '3loP'

typedef struct _P3_EXTENSION {
    EX_SPIN_LOCK TableLock;
    PVOID Overflow;
} P3_EXTENSION, *PP3_EXTENSION;

_IRQL_requires_max_(APC_LEVEL)
VOID
P3EnsureOverflow(
    _Inout_ PP3_EXTENSION Ext
    )
{
    POOL_EXTENDED_PARAMETER parameter;
    KIRQL oldIrql;

    RtlZeroMemory(&parameter, sizeof(parameter));
    parameter.Type = PoolExtendedParameterPriority;
    parameter.Priority = LowPoolPriority;

    oldIrql = ExAcquireSpinLockExclusive(&Ext->TableLock);
    if (Ext->Overflow == NULL) {
        Ext->Overflow = ExAllocatePool3(POOL_FLAG_PAGED, PAGE_SIZE, P3_TAG, &parameter, 1); // expect: wdm/IrqlExAllocatePool trace=27 basis=proven
    }
    ExReleaseSpinLockExclusive(&Ext->TableLock, oldIrql);
}
