/*
 * An OID handler that raises to DISPATCH_LEVEL only when it is not there already, and lowers under the same test:
 * KeRaiseIrql stores the IRQL from before the raise into irql, so the second test has the first one's truth.
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
        KeRaiseIrql(DISPATCH_LEVEL, &irql);
    }
    Port->Macs--;
    if (irql < DISPATCH_LEVEL) {
        KeLowerIrql(irql);
    }
}
