/*
 * The twin with the exit test inverted: the path through the early exit with the lock held returns raised.
 */
#include <wdm.h>

typedef struct _DSM_CONTEXT { KSPIN_LOCK Lock; ULONG Paths; } DSM_CONTEXT, *PDSM_CONTEXT;

_IRQL_requires_max_(DISPATCH_LEVEL)
NTSTATUS
DsmInvalidatePath(
    _Inout_ PDSM_CONTEXT Context,
    _In_ ULONG Path
    )
{
    KIRQL oldIrql;
    BOOLEAN lockHeld = FALSE;
    NTSTATUS status = STATUS_SUCCESS;

    if (Path == 0) {
        status = STATUS_INVALID_PARAMETER;
        goto Exit;
    }
    KeAcquireSpinLock(&Context->Lock, &oldIrql); // expect: wdm/IrqlNotRestored trace=23 basis=proven
    lockHeld = TRUE;
    if (Context->Paths == 0) {
        status = STATUS_NOT_FOUND;
        goto Exit;
    }
    Context->Paths--;
    KeReleaseSpinLock(&Context->Lock, oldIrql);
    lockHeld = FALSE;

Exit:
    if (!lockHeld) {
        KeReleaseSpinLock(&Context->Lock, oldIrql); // expect: wdm/IrqlTooLow trace=8 basis=contract
    }
    return status;
}
