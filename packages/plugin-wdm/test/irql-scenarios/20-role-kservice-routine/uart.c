/*
 * A UART ISR declared KSERVICE_ROUTINE protects its receive ring with an ordinary spin lock. KeAcquireSpinLock
 * needs <= DISPATCH_LEVEL; an ISR runs at DIRQL (use KeAcquireInterruptSpinLock / KeSynchronizeExecution).
 */
#include <wdm.h>

typedef struct _UART_EXTENSION {
    PDEVICE_OBJECT Self;
    PUCHAR Port;
    KSPIN_LOCK RingLock;
    UCHAR Ring[256];
    ULONG Head;
} UART_EXTENSION, *PUART_EXTENSION;

KSERVICE_ROUTINE UartIsr;

BOOLEAN
UartIsr(
    _In_ PKINTERRUPT Interrupt,
    _In_ PVOID ServiceContext
    )
{
    PUART_EXTENSION ext = (PUART_EXTENSION)ServiceContext;
    KIRQL oldIrql;

    UNREFERENCED_PARAMETER(Interrupt);

    if ((READ_PORT_UCHAR(ext->Port + 2) & 1) != 0) {
        return FALSE;
    }
    KeAcquireSpinLock(&ext->RingLock, &oldIrql); // expect: wdm/IrqlTooHigh trace=15 basis=contract
    ext->Ring[ext->Head++ & 0xFF] = READ_PORT_UCHAR(ext->Port);
    KeReleaseSpinLock(&ext->RingLock, oldIrql);
    IoRequestDpc(ext->Self, NULL, ext);
    return TRUE;
}
