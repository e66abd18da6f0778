/*
 * Structured exception handling done right: the lock is released in the __finally block, which runs on the normal
 * path and after __leave, so ZwFlushKey after the __try statement runs at PASSIVE_LEVEL on every path.
 */
#include <wdm.h>

typedef struct _SEH_EXTENSION {
    KSPIN_LOCK TableLock;
    ULONG Table[64];
    HANDLE ParametersKey;
} SEH_EXTENSION, *PSEH_EXTENSION;

_IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS
SehUpdateTable(
    _Inout_ PSEH_EXTENSION Ext,
    _In_reads_(Count) const ULONG *Values,
    _In_ ULONG Count
    )
{
    NTSTATUS status = STATUS_SUCCESS;
    KIRQL oldIrql;
    ULONG i;

    KeAcquireSpinLock(&Ext->TableLock, &oldIrql);
    __try {
        if (Count > RTL_NUMBER_OF(Ext->Table)) {
            status = STATUS_INVALID_PARAMETER;
            __leave;
        }
        for (i = 0; i < Count; i++) {
            Ext->Table[i] = Values[i];
        }
    } __finally {
        KeReleaseSpinLock(&Ext->TableLock, oldIrql);
    }
    if (NT_SUCCESS(status)) {
        ZwFlushKey(Ext->ParametersKey);
    }
    return status;
}
