/*
 * A loop takes each channel's lock and releases it at the end of the iteration, but "continue" for an idle channel
 * skips the release: the next iteration and the return happen with a lock held.
 */
#include <wdm.h>

#define SCAN_CHANNELS 8

typedef struct _SCAN_CHANNEL {
    KSPIN_LOCK Lock;
    BOOLEAN Active;
    ULONG Errors;
} SCAN_CHANNEL;

typedef struct _SCAN_EXTENSION {
    SCAN_CHANNEL Channels[SCAN_CHANNELS];
    ULONG TotalErrors;
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
        KeAcquireSpinLock(&Ext->Channels[i].Lock, &oldIrql); // expect: wdm/IrqlNotRestored trace=31 basis=proven
        if (!Ext->Channels[i].Active) {
            continue;
        }
        Ext->TotalErrors += Ext->Channels[i].Errors;
        Ext->Channels[i].Errors = 0;
        KeReleaseSpinLock(&Ext->Channels[i].Lock, oldIrql);
    }
    return Ext->TotalErrors;
}
