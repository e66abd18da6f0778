#include <ntddk.h>
#include <wdf.h>

typedef struct _NIC_CONTEXT {
    WDFSPINLOCK Lock;
    WDFSPINLOCK RcvLock;
    ULONG Pending;
} NIC_CONTEXT, *PNIC_CONTEXT;

//
// Called with RcvLock held: drops it around the work that needs the other lock, and takes it back before
// returning, so the caller still holds it with the IRQL it saved.
//
_Requires_lock_held_(Nic->RcvLock)
VOID
DrainReceives(
    _In_ PNIC_CONTEXT Nic
    )
{
    while (Nic->Pending > 0) {
        Nic->Pending--;
        WdfSpinLockRelease(Nic->RcvLock);

        WdfSpinLockAcquire(Nic->Lock);
        WdfSpinLockRelease(Nic->Lock);

        WdfSpinLockAcquire(Nic->RcvLock);
    }
}

NTSTATUS
RestartReceives(
    _In_ PNIC_CONTEXT Nic
    )
{
    if (Nic->Pending > 4) {
        DrainReceives(Nic);
    }
    return STATUS_SUCCESS;
}

_IRQL_requires_max_(PASSIVE_LEVEL)
NTSTATUS
ResumeReceives(
    _In_ PNIC_CONTEXT Nic
    )
{
    NTSTATUS status;

    WdfSpinLockAcquire(Nic->RcvLock);
    status = RestartReceives(Nic);
    WdfSpinLockRelease(Nic->RcvLock);

    return status;
}
