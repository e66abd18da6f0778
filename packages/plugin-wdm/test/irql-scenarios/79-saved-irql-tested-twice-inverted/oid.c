/*
 * The twin with the second test inverted: the path that raised does not lower, and returns at DISPATCH_LEVEL.
 */
#include <ndis.h>

typedef struct _PORT { ULONG Macs; } PORT, *PPORT;

_IRQL_requires_max_(DISPATCH_LEVEL)
VOID
PortDeleteMac(
    _Inout_ PPORT Port
    )
{
    KIRQL irql = KeGetCurrentIrql();

    if (irql < DISPATCH_LEVEL) {
        KeRaiseIrql(DISPATCH_LEVEL, &irql); // expect: wdm/IrqlNotRestored trace=17 basis=proven
    }
    Port->Macs--;
    if (irql >= DISPATCH_LEVEL) {
        KeLowerIrql(irql);
    }
}
