/*
 * Old-style (__drv_maxIRQL) annotations: LedBlink says it may be called up to DISPATCH_LEVEL, but it sleeps between
 * the on and off writes; KeDelayExecutionThread needs <= APC_LEVEL.
 */
#include <wdm.h>

typedef struct _LED_EXTENSION {
    PULONG Register;
} LED_EXTENSION, *PLED_EXTENSION;

__drv_maxIRQL(DISPATCH_LEVEL)
VOID
LedBlink(
    __in PLED_EXTENSION Ext,
    __in ULONG Milliseconds
    )
{
    LARGE_INTEGER interval;

    interval.QuadPart = -10 * 1000 * (LONGLONG)Milliseconds;
    WRITE_REGISTER_ULONG(Ext->Register, 1);
    KeDelayExecutionThread(KernelMode, FALSE, &interval); // expect: wdm/IrqlTooHigh trace=11 basis=contract
    WRITE_REGISTER_ULONG(Ext->Register, 0);
}
