#include <ntddk.h>

//
// The routine may be called up to APC_LEVEL by its contract, but the IOCTL path it serves only arrives at
// PASSIVE_LEVEL; the ASSERTMSG that says so comes after the call, too late for it.
//
_IRQL_requires_max_(APC_LEVEL)
NTSTATUS
BatteryCloseLog(
    _In_ HANDLE Log
    )
{
    NTSTATUS status = ZwClose(Log);   // expect: wdm/IrqlTooHigh trace=7 basis=contract

    ASSERTMSG("Must be called at IRQL = PASSIVE_LEVEL",
              (KeGetCurrentIrql() == PASSIVE_LEVEL));
    return status;
}
