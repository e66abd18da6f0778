/*
 * Structured exception handling: the lock is taken inside __try and released at the end of the __try block, but
 * "__leave" jumps to the __finally block, which only frees the scratch buffer: that path returns with the lock held.
 */
#include <wdm.h>

#define SEH_TAG 'hesS'

typedef struct _SEH_EXTENSION {
    KSPIN_LOCK TableLock;
    ULONG Table[64];
} SEH_EXTENSION, *PSEH_EXTENSION;

_IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS
SehUpdateTable(
    _Inout_ PSEH_EXTENSION Ext,
    _In_reads_(Count) const ULONG *UserValues,
    _In_ ULONG Count
    )
{
    NTSTATUS status = STATUS_SUCCESS;
    PULONG scratch = NULL;
    KIRQL oldIrql;
    ULONG i;

    __try {
        scratch = (PULONG)ExAllocatePool2(POOL_FLAG_NON_PAGED, Count * sizeof(ULONG), SEH_TAG);
        if (scratch == NULL) {
            status = STATUS_INSUFFICIENT_RESOURCES;
            __leave;
        }
        RtlCopyMemory(scratch, UserValues, Count * sizeof(ULONG));
        KeAcquireSpinLock(&Ext->TableLock, &oldIrql); // expect: wdm/IrqlNotRestored trace=34 basis=proven
        if (Count > RTL_NUMBER_OF(Ext->Table)) {
            status = STATUS_INVALID_PARAMETER;
            __leave;
        }
        for (i = 0; i < Count; i++) {
            Ext->Table[i] = scratch[i];
        }
        KeReleaseSpinLock(&Ext->TableLock, oldIrql);
    } __finally {
        if (scratch != NULL) {
            ExFreePoolWithTag(scratch, SEH_TAG);
        }
    }
    return status;
}
