#include <ntddk.h>

typedef struct _PORT {
    KSPIN_LOCK Lock;
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
        ZwClose(Port->SettingsKey);   // expect: wdm/IrqlTooHigh trace=43,44 basis=proven
        Port->SettingsKey = NULL;
    }
}

_IRQL_requires_(PASSIVE_LEVEL)
VOID
PortStart(
    _In_ PPORT Port
    )
{
    RestoreSettings(Port, FALSE);
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
    KeReleaseSpinLock(&Port->Lock, oldIrql);
}
