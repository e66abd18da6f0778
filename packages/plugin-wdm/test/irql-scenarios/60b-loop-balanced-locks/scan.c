/*
 * The same loop with the release before "continue": every iteration is balanced, the loop's fixpoint leaves the
 * IRQL at the entry level, and the paged allocation after the loop runs at PASSIVE_LEVEL..APC_LEVEL.
 */
#include <wdm.h>

#define SCAN_CHANNELS 8
#define SCAN_TAG 'nacS'

typedef struct _SCAN_CHANNEL {
    KSPIN_LOCK Lock;
    BOOLEAN Active;
    ULONG Errors;
} SCAN_CHANNEL;

typedef struct _SCAN_EXTENSION {
    SCAN_CHANNEL Channels[SCAN_CHANNELS];
    ULONG TotalErrors;
    PULONG History;
} SCAN_EXTENSION, *PSCAN_EXTENSION;

_IRQL_requires_max_(APC_LEVEL)
ULONG
ScanCollectErrors(
    _Inout_ PSCAN_EXTENSION Ext
    )
{
    ULONG i;
    KIRQL oldIrql;

    Ext->TotalErrors = 0;
    for (i = 0; i < SCAN_CHANNELS; i++) {
        KeAcquireSpinLock(&Ext->Channels[i].Lock, &oldIrql);
        if (!Ext->Channels[i].Active) {
            KeReleaseSpinLock(&Ext->Channels[i].Lock, oldIrql);
            continue;
        }
        Ext->TotalErrors += Ext->Channels[i].Errors;
        Ext->Channels[i].Errors = 0;
        KeReleaseSpinLock(&Ext->Channels[i].Lock, oldIrql);
    }
    if (Ext->History == NULL) {
        Ext->History = (PULONG)ExAllocatePoolWithTag(PagedPool, SCAN_CHANNELS * sizeof(ULONG), SCAN_TAG);
    }
    return Ext->TotalErrors;
}
