/*
 * KeAcquireSpinLockAtDpcLevel / KeReleaseSpinLockFromDpcLevel where they belong: in a DPC (declared
 * KDEFERRED_ROUTINE), already at DISPATCH_LEVEL.
 */
#include <wdm.h>

typedef struct _LST_EXTENSION {
    KSPIN_LOCK ClientLock;
    ULONG Clients;
    ULONG Expired;
} LST_EXTENSION, *PLST_EXTENSION;

KDEFERRED_ROUTINE LstExpireDpc;

VOID
LstExpireDpc(
    _In_ PKDPC Dpc,
    _In_opt_ PVOID DeferredContext,
    _In_opt_ PVOID SystemArgument1,
    _In_opt_ PVOID SystemArgument2
    )
{
    PLST_EXTENSION ext = (PLST_EXTENSION)DeferredContext;

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);

    KeAcquireSpinLockAtDpcLevel(&ext->ClientLock);
    if (ext->Clients > 0) {
        ext->Clients--;
        ext->Expired++;
    }
    KeReleaseSpinLockFromDpcLevel(&ext->ClientLock);
}
