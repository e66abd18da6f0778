#include <ntddk.h>

#define PORT_TIMER_CANCEL  1
#define PORT_TIMER_RELEASE 2

typedef struct _PORT {
    KSPIN_LOCK Lock;
    KTIMER Timer;
    HANDLE SettingsKey;
    ULONG Settings;
} PORT, *PPORT;

//
// Shared by a PASSIVE_LEVEL path and a spin-locked one; the flag says which, and the registry is only touched
// when the caller says it is not holding the lock: PortReset says so wrongly.
//
VOID
RestoreSettings(
    _In_ PPORT Port,
    _In_ BOOLEAN LockHeld
    )
{
    Port->Settings = 0;
    if (!LockHeld && Port->SettingsKey != NULL) {
        ZwClose(Port->SettingsKey);   // expect: wdm/IrqlTooHigh trace=70,71 basis=proven
        Port->SettingsKey = NULL;
    }
}

//
// One entry for every timer action; only releasing waits for the queued DPCs.
//
VOID
ControlTimer(
    _In_ PPORT Port,
    _In_ ULONG Action
    )
{
    switch (Action) {
    case PORT_TIMER_CANCEL:
        KeCancelTimer(&Port->Timer);
        break;
    case PORT_TIMER_RELEASE:
        KeCancelTimer(&Port->Timer);
        KeFlushQueuedDpcs();   // expect: wdm/IrqlTooHigh trace=70,72 basis=proven
        break;
    default:
        break;
    }
}

_IRQL_requires_(PASSIVE_LEVEL)
VOID
PortStart(
    _In_ PPORT Port
    )
{
    RestoreSettings(Port, FALSE);
    ControlTimer(Port, PORT_TIMER_RELEASE);
}

_IRQL_requires_max_(DISPATCH_LEVEL)
VOID
PortReset(
    _In_ PPORT Port
    )
{
    KIRQL oldIrql;

    KeAcquireSpinLock(&Port->Lock, &oldIrql);
    RestoreSettings(Port, FALSE);
    ControlTimer(Port, PORT_TIMER_RELEASE);
    KeReleaseSpinLock(&Port->Lock, oldIrql);
}
