#include <ntddk.h>

typedef struct _DSM_DEVICE {
    KSPIN_LOCK Lock;
    ULONG State;
    BOOLEAN Broken;
} DSM_DEVICE, *PDSM_DEVICE;

VOID NoteOption(_In_ PDSM_DEVICE Device, _In_ ULONG Option);

//
// Five early exits on the options, each remembered in a flag, then a spin lock whose release at the exit label
// depends on a lock-held flag. Seven paths meet at the label; the lock-held flag must still tell them apart.
//
_IRQL_requires_max_(DISPATCH_LEVEL)
NTSTATUS
InquireDevice(
    _In_ PDSM_DEVICE Device,
    _In_ BOOLEAN NoVerify,
    _In_ BOOLEAN NoCache,
    _In_ BOOLEAN NoRetry,
    _In_ BOOLEAN NoReserve,
    _In_ BOOLEAN NoTrace
    )
{
    KIRQL irql;
    BOOLEAN lockHeld = FALSE;
    BOOLEAN skippedVerify = FALSE;
    BOOLEAN skippedCache = FALSE;
    BOOLEAN skippedRetry = FALSE;
    BOOLEAN skippedReserve = FALSE;
    BOOLEAN skippedTrace = FALSE;
    NTSTATUS status = STATUS_SUCCESS;

    if (NoVerify) {
        skippedVerify = TRUE;
        goto Exit;
    }
    if (NoCache) {
        skippedCache = TRUE;
        goto Exit;
    }
    if (NoRetry) {
        skippedRetry = TRUE;
        goto Exit;
    }
    if (NoReserve) {
        skippedReserve = TRUE;
        goto Exit;
    }
    if (NoTrace) {
        skippedTrace = TRUE;
        goto Exit;
    }

    KeAcquireSpinLock(&Device->Lock, &irql);
    lockHeld = TRUE;
    if (Device->Broken) {
        status = STATUS_DEVICE_NOT_READY;
        goto Exit;
    }
    Device->State = 1;
    KeReleaseSpinLock(&Device->Lock, irql);
    lockHeld = FALSE;

Exit:
    if (skippedVerify) {
        NoteOption(Device, 1);
    }
    if (skippedCache) {
        NoteOption(Device, 2);
    }
    if (skippedRetry) {
        NoteOption(Device, 3);
    }
    if (skippedReserve) {
        NoteOption(Device, 4);
    }
    if (skippedTrace) {
        NoteOption(Device, 5);
    }
    if (lockHeld) {
        KeReleaseSpinLock(&Device->Lock, irql);
    }
    return status;
}
