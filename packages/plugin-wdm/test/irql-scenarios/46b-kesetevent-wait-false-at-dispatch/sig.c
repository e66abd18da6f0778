/*
 * KeSetEvent's IRQL bound depends on its Wait argument: with Wait = TRUE the caller promises to wait right after,
 * which needs <= APC_LEVEL; with Wait = FALSE it is allowed at DISPATCH_LEVEL, where this DPC passes it.
 */
#include <wdm.h>

typedef struct _SIG_EXTENSION {
    KEVENT DataReady;
    KEVENT Consumed;
} SIG_EXTENSION, *PSIG_EXTENSION;

KDEFERRED_ROUTINE SigDataDpc;

VOID
SigDataDpc(
    _In_ PKDPC Dpc,
    _In_opt_ PVOID DeferredContext,
    _In_opt_ PVOID SystemArgument1,
    _In_opt_ PVOID SystemArgument2
    )
{
    PSIG_EXTENSION ext = (PSIG_EXTENSION)DeferredContext;

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);

    KeSetEvent(&ext->DataReady, IO_NO_INCREMENT, FALSE);
}
