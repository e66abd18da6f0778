/*
 * The lock is released at the exit only when the flag set next to the acquire says it is held; and a lock taken
 * under a flag bit of a filter that does not change is released under the same bit. Neither returns raised.
 */
#include <wdm.h>

typedef struct _DSM_CONTEXT { KSPIN_LOCK Lock; ULONG Paths; ULONG Flags; } DSM_CONTEXT, *PDSM_CONTEXT;
#define DSM_EXAMINE_UNDER_LOCK 0x4

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
    KeAcquireSpinLock(&Context->Lock, &oldIrql);
    lockHeld = TRUE;
    if (Context->Paths == 0) {
        status = STATUS_NOT_FOUND;
        goto Exit;
    }
    Context->Paths--;
    KeReleaseSpinLock(&Context->Lock, oldIrql);
    lockHeld = FALSE;

Exit:
    if (lockHeld) {
        KeReleaseSpinLock(&Context->Lock, oldIrql);
    }
    return status;
}

_IRQL_requires_max_(DISPATCH_LEVEL)
VOID
DsmExamine(
    _Inout_ PDSM_CONTEXT Context
    )
{
    KIRQL oldIrql = PASSIVE_LEVEL;

    if (Context->Flags & DSM_EXAMINE_UNDER_LOCK) {
        KeAcquireSpinLock(&Context->Lock, &oldIrql);
    }
    Context->Paths++;
    if (Context->Flags & DSM_EXAMINE_UNDER_LOCK) {
        KeReleaseSpinLock(&Context->Lock, oldIrql);
    }
}
