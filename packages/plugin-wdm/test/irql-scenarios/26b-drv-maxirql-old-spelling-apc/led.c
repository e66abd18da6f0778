/*
 * Old-style annotations done right: LedBlink is annotated __drv_maxIRQL(APC_LEVEL), so sleeping with
 * KeDelayExecutionThread (<= APC_LEVEL) between the writes is allowed, whoever calls it.
 */
#include <wdm.h>

typedef struct _LED_EXTENSION {
    PULONG Register;
} LED_EXTENSION, *PLED_EXTENSION;

__drv_maxIRQL(APC_LEVEL)
VOID
LedBlink(
    __in PLED_EXTENSION Ext,
    __in ULONG Milliseconds
    )
{
    LARGE_INTEGER interval;

    interval.QuadPart = -10 * 1000 * (LONGLONG)Milliseconds;
    WRITE_REGISTER_ULONG(Ext->Register, 1);
    KeDelayExecutionThread(KernelMode, FALSE, &interval);
    WRITE_REGISTER_ULONG(Ext->Register, 0);
}
