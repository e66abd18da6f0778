/*
 * The cache refill done right with the IRQL saved in a structure field: the line is allocated at PASSIVE_LEVEL
 * first and installed under the lock; the release from cache->LockIrql restores PASSIVE_LEVEL for the free of an
 * unused line and for ZwClose.
 */
#include <wdm.h>

#define CACHE_TAG 'hcaC'

typedef struct _CACHE {
    KSPIN_LOCK Lock;
    KIRQL LockIrql;
    PVOID Lines[16];
    ULONG LineSize;
    HANDLE StaleSection;
} CACHE, *PCACHE;

_Dispatch_type_(IRP_MJ_FLUSH_BUFFERS)
DRIVER_DISPATCH CacheDispatchFlush;

_Use_decl_annotations_
NTSTATUS
CacheDispatchFlush(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    PCACHE cache = (PCACHE)DeviceObject->DeviceExtension;
    PVOID fresh;
    HANDLE stale;
    ULONG i;

    fresh = ExAllocatePoolWithTag(PagedPool, cache->LineSize, CACHE_TAG);
    KeAcquireSpinLock(&cache->Lock, &cache->LockIrql);
    for (i = 0; fresh != NULL && i < RTL_NUMBER_OF(cache->Lines); i++) {
        if (cache->Lines[i] == NULL) {
            cache->Lines[i] = fresh;
            fresh = NULL;
        }
    }
    stale = cache->StaleSection;
    cache->StaleSection = NULL;
    KeReleaseSpinLock(&cache->Lock, cache->LockIrql);
    if (fresh != NULL) {
        ExFreePoolWithTag(fresh, CACHE_TAG);
    }
    if (stale != NULL) {
        ZwClose(stale);
    }

    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
