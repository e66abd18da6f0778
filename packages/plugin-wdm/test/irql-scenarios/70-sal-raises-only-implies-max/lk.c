/*
 * LkAcquireStats is annotated only _IRQL_raises_(DISPATCH_LEVEL) (with _IRQL_saves_ on its out parameter). An IRQL
 * annotation without a maximum implies DISPATCH_LEVEL at most, so calling it from the ISR (declared
 * KSERVICE_ROUTINE, DIRQL) breaks its contract: the finding belongs at the call, and the wrapper's own body is
 * analysed under its contract (PASSIVE_LEVEL..DISPATCH_LEVEL), not at the ISR's DIRQL.
 */
#include <wdm.h>

typedef struct _LK_EXTENSION {
    PDEVICE_OBJECT Self;
    KSPIN_LOCK StatsLock;
    ULONG Interrupts;
} LK_EXTENSION, *PLK_EXTENSION;

_IRQL_raises_(DISPATCH_LEVEL)
VOID
LkAcquireStats(
    _Inout_ PLK_EXTENSION Ext,
    _Out_ _IRQL_saves_ PKIRQL OldIrql
    )
{
    KeAcquireSpinLock(&Ext->StatsLock, OldIrql);
}

_IRQL_requires_(DISPATCH_LEVEL)
VOID
LkReleaseStats(
    _Inout_ PLK_EXTENSION Ext,
    _In_ _IRQL_restores_ KIRQL OldIrql
    )
{
    KeReleaseSpinLock(&Ext->StatsLock, OldIrql);
}

KSERVICE_ROUTINE LkIsr;

BOOLEAN
LkIsr(
    _In_ PKINTERRUPT Interrupt,
    _In_ PVOID ServiceContext
    )
{
    PLK_EXTENSION ext = (PLK_EXTENSION)ServiceContext;
    KIRQL oldIrql;

    UNREFERENCED_PARAMETER(Interrupt);

    LkAcquireStats(ext, &oldIrql); // expect: wdm/IrqlTooHigh trace=35 basis=contract
    ext->Interrupts++;
    LkReleaseStats(ext, oldIrql);
    IoRequestDpc(ext->Self, NULL, ext);
    return TRUE;
}
