/*
 * KeWaitForSingleObject with a NULL timeout waits forever, which needs <= APC_LEVEL. The timer DPC (declared
 * KDEFERRED_ROUTINE) waits for the hardware event that way at DISPATCH_LEVEL.
 */
#include <wdm.h>

typedef struct _POLL_EXTENSION {
    KEVENT HardwareIdle;
    ULONG Polls;
} POLL_EXTENSION, *PPOLL_EXTENSION;

KDEFERRED_ROUTINE PollTimerDpc;

VOID
PollTimerDpc(
    _In_ PKDPC Dpc,
    _In_opt_ PVOID DeferredContext,
    _In_opt_ PVOID SystemArgument1,
    _In_opt_ PVOID SystemArgument2
    )
{
    PPOLL_EXTENSION ext = (PPOLL_EXTENSION)DeferredContext;

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);

    ext->Polls++;
    KeWaitForSingleObject(&ext->HardwareIdle, Executive, KernelMode, FALSE, NULL); // expect: wdm/IrqlTooHigh trace=12 basis=contract
}
