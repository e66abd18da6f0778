#include <ntddk.h>

typedef struct _DEVICE_CONTEXT {
    KSPIN_LOCK IrpLock;
    KSPIN_LOCK QueueLock;
    ULONG PendingCount;
    KIRQL IrpLockIrql;
} DEVICE_CONTEXT, *PDEVICE_CONTEXT;

VOID IssueWrite(_In_ PDEVICE_CONTEXT Device);
VOID QueueWrite(_In_ PDEVICE_CONTEXT Device);

//
// A count compared with 0 and then with 1 is not a flag tested twice: the last branch (two or more pending)
// is reachable, and it returns with IrpLock held.
//
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID
SubmitWrite(
    _In_ PDEVICE_CONTEXT Device
    )
{
    KIRQL irql;

    KeAcquireSpinLock(&Device->IrpLock, &irql);   // expect: wdm/IrqlNotRestored trace=25 basis=proven
    if (Device->PendingCount == 0) {
        Device->PendingCount++;
        KeReleaseSpinLock(&Device->IrpLock, irql);
        IssueWrite(Device);
    } else if (Device->PendingCount == 1) {
        KeReleaseSpinLock(&Device->IrpLock, irql);
        QueueWrite(Device);
    } else {
        Device->IrpLockIrql = irql;
    }
}
