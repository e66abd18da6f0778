/*
 * The UART ISR done right: declared KSERVICE_ROUTINE (DIRQL), it only touches the ring the ISR owns and requests
 * the DPC. IoRequestDpc requires DIRQL; reportAssumed is on, so a missed role would be an assumed IrqlTooLow.
 */
#include <wdm.h>

typedef struct _UART_EXTENSION {
    PDEVICE_OBJECT Self;
    PUCHAR Port;
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

    UNREFERENCED_PARAMETER(Interrupt);

    if ((READ_PORT_UCHAR(ext->Port + 2) & 1) != 0) {
        return FALSE;
    }
    ext->Ring[ext->Head++ & 0xFF] = READ_PORT_UCHAR(ext->Port);
    IoRequestDpc(ext->Self, NULL, ext);
    return TRUE;
}
