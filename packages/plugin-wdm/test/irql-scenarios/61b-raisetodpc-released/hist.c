/*
 * KeAcquireSpinLockRaiseToDpc / KeReleaseSpinLock with the returned IRQL, and both paged allocations made outside
 * the locked region (the new buffer is installed under the lock).
 */
#include <wdm.h>

#define HIST_TAG 'tsiH'

typedef struct _HIST_EXTENSION {
    KSPIN_LOCK HistLock;
    PULONG Buckets;
} HIST_EXTENSION, *PHIST_EXTENSION;

_IRQL_requires_(PASSIVE_LEVEL)
VOID
HistEnsureBuckets(
    _Inout_ PHIST_EXTENSION Ext
    )
{
    PULONG fresh = (PULONG)ExAllocatePoolWithTag(PagedPool, 64 * sizeof(ULONG), HIST_TAG);
    KIRQL oldIrql;

    if (fresh == NULL) {
        return;
    }
    oldIrql = KeAcquireSpinLockRaiseToDpc(&Ext->HistLock);
    if (Ext->Buckets == NULL) {
        Ext->Buckets = fresh;
        fresh = NULL;
    }
    KeReleaseSpinLock(&Ext->HistLock, oldIrql);
    if (fresh != NULL) {
        ExFreePoolWithTag(fresh, HIST_TAG);
    }
}
