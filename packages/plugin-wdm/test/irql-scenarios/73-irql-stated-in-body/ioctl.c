/*
 * The twin: the same callbacks without the in-body statements. Each PASSIVE-only call may run at DISPATCH_LEVEL.
 */
#include <ntddk.h>
#include <wdf.h>

EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL EvtIoDeviceControl;
EVT_WDF_IO_QUEUE_IO_READ EvtIoRead;

VOID
EvtIoDeviceControl(WDFQUEUE Queue, WDFREQUEST Request, size_t OutputBufferLength, size_t InputBufferLength, ULONG IoControlCode)
{
    HANDLE key = NULL;

    ZwClose(key); // expect: wdm/IrqlTooHigh trace=7 basis=contract
    WdfRequestComplete(Request, STATUS_SUCCESS);
}

VOID
EvtIoRead(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
    HANDLE key = NULL;

    /* An assert on something else states nothing about the IRQL. */
    NT_ASSERT(Length > 0);
    ZwClose(key); // expect: wdm/IrqlTooHigh trace=8 basis=contract
    WdfRequestComplete(Request, STATUS_SUCCESS);
}
