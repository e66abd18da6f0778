#include <ntddk.h>

//
// The routine may be called up to APC_LEVEL by its contract, but the IOCTL path it serves only arrives at
// PASSIVE_LEVEL, and it says so with ASSERTMSG (message first, condition second).
//
_IRQL_requires_max_(APC_LEVEL)
NTSTATUS
BatteryCloseLog(
    _In_ HANDLE Log
    )
{
    ASSERTMSG("Must be called at IRQL = PASSIVE_LEVEL",
              (KeGetCurrentIrql() == PASSIVE_LEVEL));

    return ZwClose(Log);
}
