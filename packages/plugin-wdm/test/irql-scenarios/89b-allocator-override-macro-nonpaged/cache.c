#include <wdm.h>

//
// The driver's own override of the old allocator: every use is an ExAllocatePoolWithTag with the driver's tag,
// and the pool type comes from the use. The one under the spin lock asks for non-paged pool, as it must.
//
#define ExAllocatePool(_type, _size) ExAllocatePoolWithTag((_type), (_size), 'hcaC')
#define CACHE_LOCK(_c, _irql) KeAcquireSpinLock(&(_c)->Lock, (_irql))
#define CACHE_UNLOCK(_c, _irql) KeReleaseSpinLock(&(_c)->Lock, (_irql))

typedef struct _CACHE {
    KSPIN_LOCK Lock;
    PVOID Spare;
    PVOID Table;
} CACHE, *PCACHE;

_IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS
CacheInitialize(
    _Inout_ PCACHE Cache
    )
{
    Cache->Table = ExAllocatePool(PagedPool, 4096);
    return Cache->Table != NULL ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}

_IRQL_requires_(PASSIVE_LEVEL)
VOID
CacheRefill(
    _Inout_ PCACHE Cache
    )
{
    KIRQL irql;

    CACHE_LOCK(Cache, &irql);
    if (Cache->Spare == NULL) {
        Cache->Spare = ExAllocatePool(NonPagedPoolNx, 256);
    }
    CACHE_UNLOCK(Cache, irql);
}
