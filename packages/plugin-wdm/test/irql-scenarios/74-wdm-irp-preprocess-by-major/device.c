/*
 * KMDF WDM-IRP preprocess callbacks are entered at the level their IRP is sent at, not at the role's generic
 * PASSIVE..DISPATCH: a flush or a close arrives at PASSIVE_LEVEL, a power IRP may arrive at DISPATCH_LEVEL (drivers
 * in the paging or hibernation path).
 */
#include <ntddk.h>
#include <wdf.h>

EVT_WDFDEVICE_WDM_IRP_PREPROCESS SerialFlush;
EVT_WDFDEVICE_WDM_IRP_PREPROCESS SerialPowerPreprocess;

NTSTATUS
SerialFlush(WDFDEVICE Device, PIRP Irp)
{
    HANDLE log = NULL;

    ZwClose(log);
    IoSkipCurrentIrpStackLocation(Irp);
    return WdfDeviceWdmDispatchPreprocessedIrp(Device, Irp);
}

NTSTATUS
SerialPowerPreprocess(WDFDEVICE Device, PIRP Irp)
{
    HANDLE log = NULL;

    ZwClose(log); // expect: wdm/IrqlTooHigh trace=46 basis=contract
    IoSkipCurrentIrpStackLocation(Irp);
    return WdfDeviceWdmDispatchPreprocessedIrp(Device, Irp);
}

NTSTATUS
SerialDeviceAdd(WDFDRIVER Driver, PWDFDEVICE_INIT DeviceInit)
{
    NTSTATUS status;

    UNREFERENCED_PARAMETER(Driver);
    status = WdfDeviceInitAssignWdmIrpPreprocessCallback(DeviceInit, SerialFlush, IRP_MJ_FLUSH_BUFFERS, NULL, 0);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    status = WdfDeviceInitAssignWdmIrpPreprocessCallback(DeviceInit, SerialFlush, IRP_MJ_CLOSE, NULL, 0);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    return WdfDeviceInitAssignWdmIrpPreprocessCallback(DeviceInit, SerialPowerPreprocess, IRP_MJ_POWER, NULL, 0);
}
