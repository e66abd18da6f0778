/*
 * Queue callbacks may run at DISPATCH_LEVEL, but these state inside their bodies that they run at PASSIVE_LEVEL:
 * with SAL's in-body _IRQL_limited_to_, with an ASSERT on KeGetCurrentIrql(), and (in an NDIS driver) with a test
 * on NDIS_CURRENT_IRQL(). The PASSIVE-only calls after the statement are fine.
 */
#include <ntddk.h>
#include <wdf.h>

EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL EvtIoDeviceControl;
EVT_WDF_IO_QUEUE_IO_READ EvtIoRead;
EVT_WDF_IO_QUEUE_IO_WRITE EvtIoWrite;

VOID
EvtIoDeviceControl(WDFQUEUE Queue, WDFREQUEST Request, size_t OutputBufferLength, size_t InputBufferLength, ULONG IoControlCode)
{
    HANDLE key = NULL;

    _IRQL_limited_to_(PASSIVE_LEVEL);

    ZwClose(key);
    WdfRequestComplete(Request, STATUS_SUCCESS);
}

VOID
EvtIoRead(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
    HANDLE key = NULL;

    NT_ASSERT(KeGetCurrentIrql() == PASSIVE_LEVEL);
    ZwClose(key);
    WdfRequestComplete(Request, STATUS_SUCCESS);
}

VOID
EvtIoWrite(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
    HANDLE key = NULL;

    if (NDIS_CURRENT_IRQL() == PASSIVE_LEVEL) {
        ZwClose(key);
    }
    WdfRequestComplete(Request, STATUS_SUCCESS);
}
