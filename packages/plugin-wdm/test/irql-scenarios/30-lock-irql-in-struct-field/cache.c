/*
 * The previous IRQL is saved in a structure field (KeAcquireSpinLock(&cache->Lock, &cache->LockIrql)) and restored
 * from it (KeReleaseSpinLock(&cache->Lock, cache->LockIrql)). The refill allocates paged pool between the two, at
 * DISPATCH_LEVEL; ZwClose after the release runs at PASSIVE_LEVEL again and is fine.
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
    HANDLE stale;
    ULONG i;

    KeAcquireSpinLock(&cache->Lock, &cache->LockIrql);
    for (i = 0; i < RTL_NUMBER_OF(cache->Lines); i++) {
        if (cache->Lines[i] == NULL) {
            cache->Lines[i] = ExAllocatePoolWithTag(PagedPool, cache->LineSize, CACHE_TAG); // expect: wdm/IrqlExAllocatePool trace=32 basis=proven
        }
    }
    stale = cache->StaleSection;
    cache->StaleSection = NULL;
    KeReleaseSpinLock(&cache->Lock, cache->LockIrql);
    if (stale != NULL) {
        ZwClose(stale);
    }

    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
