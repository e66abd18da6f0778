/*
 * At DISPATCH_LEVEL a wait is allowed with a zero timeout (a poll of the object's state). The timer DPC (declared
 * KDEFERRED_ROUTINE) passes a pointer to a zero LARGE_INTEGER and re-arms itself when the event is not signalled.
 */
#include <wdm.h>

typedef struct _POLL_EXTENSION {
    KEVENT HardwareIdle;
    KTIMER PollTimer;
    KDPC PollDpc;
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
    LARGE_INTEGER zero;
    LARGE_INTEGER retry;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);

    ext->Polls++;
    zero.QuadPart = 0;
    status = KeWaitForSingleObject(&ext->HardwareIdle, Executive, KernelMode, FALSE, &zero);
    if (status == STATUS_TIMEOUT) {
        retry.QuadPart = -10 * 1000;
        KeSetTimer(&ext->PollTimer, retry, &ext->PollDpc);
    }
}
