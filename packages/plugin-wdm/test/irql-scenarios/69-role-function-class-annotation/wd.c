/*
 * The role comes from a _Function_class_(KDEFERRED_ROUTINE) annotation on the definition itself (no separate
 * role-type declaration, no registration in the run): the routine runs at DISPATCH_LEVEL and its wait for the
 * watchdog event (no timeout) needs <= APC_LEVEL.
 */
#include <wdm.h>

typedef struct _WDG_EXTENSION {
    KEVENT Kick;
    ULONG Misses;
} WDG_EXTENSION, *PWDG_EXTENSION;

_Function_class_(KDEFERRED_ROUTINE)
_IRQL_requires_same_
VOID
WdgCheckDpc(
    _In_ PKDPC Dpc,
    _In_opt_ PVOID DeferredContext,
    _In_opt_ PVOID SystemArgument1,
    _In_opt_ PVOID SystemArgument2
    )
{
    PWDG_EXTENSION ext = (PWDG_EXTENSION)DeferredContext;

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);

    if (KeReadStateEvent(&ext->Kick) == 0) {
        ext->Misses++;
        KeWaitForSingleObject(&ext->Kick, Executive, KernelMode, FALSE, NULL); // expect: wdm/IrqlTooHigh trace=16 basis=contract
    }
    KeClearEvent(&ext->Kick);
}
