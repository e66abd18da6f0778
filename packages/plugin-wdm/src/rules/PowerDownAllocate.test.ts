import { RuleTester } from '@ddi-lint/core/rule-tester';
import rule from './PowerDownAllocate.js';

/** 1-based line of the first line of `code` containing `needle`. */
function lineOf(code: string, needle: string): number {
  const i = code.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`"${needle}" not in code`);
  return i + 1;
}

const HEADER = `#include <wdm.h>

#define POWER_TAG 'rwPD'

typedef struct _DEVICE_EXTENSION {
    PDEVICE_OBJECT LowerDevice;
    PVOID SavedContext;
    PVOID ResumeBuffer;
} DEVICE_EXTENSION, *PDEVICE_EXTENSION;

DRIVER_DISPATCH DispatchPower;
`;

/** Allocates a save area directly on the system power-down branch of IRP_MN_SET_POWER. */
const DIRECT = `${HEADER}
_Use_decl_annotations_
NTSTATUS
DispatchPower(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);

    switch (stack->MinorFunction) {
    case IRP_MN_SET_POWER:
        if (stack->Parameters.Power.Type == SystemPowerState &&
            stack->Parameters.Power.State.SystemState > PowerSystemWorking) {
            ext->SavedContext = ExAllocatePoolWithTag(NonPagedPoolNx, PAGE_SIZE, POWER_TAG);
        }
        break;
    default:
        break;
    }
    PoStartNextPowerIrp(Irp);
    IoSkipCurrentIrpStackLocation(Irp);
    return PoCallDriver(ext->LowerDevice, Irp);
}
`;

/** The power-down branch calls a helper, which allocates. */
const HELPER = `${HEADER}
static NTSTATUS
SaveDeviceState(
    _Inout_ PDEVICE_EXTENSION Ext
    )
{
    Ext->SavedContext = ExAllocatePool2(POOL_FLAG_NON_PAGED, PAGE_SIZE, POWER_TAG);
    return Ext->SavedContext != NULL ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}

_Use_decl_annotations_
NTSTATUS
DispatchPower(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);

    switch (stack->MinorFunction) {
    case IRP_MN_SET_POWER:
        if (stack->Parameters.Power.Type == SystemPowerState) {
            if (stack->Parameters.Power.State.SystemState != PowerSystemWorking) {
                (VOID)SaveDeviceState(ext);
            }
        }
        break;
    default:
        break;
    }
    PoStartNextPowerIrp(Irp);
    IoSkipCurrentIrpStackLocation(Irp);
    return PoCallDriver(ext->LowerDevice, Irp);
}
`;

/** The else branch of a power-up test is the way down. */
const ELSE_BRANCH = `${HEADER}
_Use_decl_annotations_
NTSTATUS
DispatchPower(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);

    if (stack->MinorFunction == IRP_MN_SET_POWER && stack->Parameters.Power.Type == SystemPowerState) {
        if (stack->Parameters.Power.State.SystemState == PowerSystemWorking) {
            ext->ResumeBuffer = NULL;
        } else {
            ext->SavedContext = ExAllocatePool2(POOL_FLAG_NON_PAGED, 256, POWER_TAG);
        }
    }
    PoStartNextPowerIrp(Irp);
    IoSkipCurrentIrpStackLocation(Irp);
    return PoCallDriver(ext->LowerDevice, Irp);
}
`;

// ---- Silent cases ----

/** Allocation on the power-up branch of IRP_MN_SET_POWER. */
const POWER_UP = `${HEADER}
_Use_decl_annotations_
NTSTATUS
DispatchPower(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);

    switch (stack->MinorFunction) {
    case IRP_MN_SET_POWER:
        if (stack->Parameters.Power.Type == SystemPowerState &&
            stack->Parameters.Power.State.SystemState == PowerSystemWorking) {
            ext->ResumeBuffer = ExAllocatePool2(POOL_FLAG_NON_PAGED, PAGE_SIZE, POWER_TAG);
        }
        break;
    default:
        break;
    }
    PoStartNextPowerIrp(Irp);
    IoSkipCurrentIrpStackLocation(Irp);
    return PoCallDriver(ext->LowerDevice, Irp);
}
`;

/** Allocation while handling IRP_MN_QUERY_POWER for a sleep state: the query may still be failed. */
const QUERY_POWER = `${HEADER}
_Use_decl_annotations_
NTSTATUS
DispatchPower(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);

    switch (stack->MinorFunction) {
    case IRP_MN_QUERY_POWER:
        if (stack->Parameters.Power.State.SystemState > PowerSystemWorking) {
            ext->SavedContext = ExAllocatePool2(POOL_FLAG_NON_PAGED, PAGE_SIZE, POWER_TAG);
            if (ext->SavedContext == NULL) {
                PoStartNextPowerIrp(Irp);
                Irp->IoStatus.Status = STATUS_INSUFFICIENT_RESOURCES;
                IoCompleteRequest(Irp, IO_NO_INCREMENT);
                return STATUS_INSUFFICIENT_RESOURCES;
            }
        }
        break;
    case IRP_MN_SET_POWER:
        break;
    default:
        break;
    }
    PoStartNextPowerIrp(Irp);
    IoSkipCurrentIrpStackLocation(Irp);
    return PoCallDriver(ext->LowerDevice, Irp);
}
`;

/** The save area is allocated in DriverEntry, and only used on the way down. */
const DRIVER_ENTRY = `${HEADER}
DRIVER_INITIALIZE DriverEntry;

static PVOID g_SaveArea;

_Use_decl_annotations_
NTSTATUS
DriverEntry(
    PDRIVER_OBJECT DriverObject,
    PUNICODE_STRING RegistryPath
    )
{
    UNREFERENCED_PARAMETER(RegistryPath);
    g_SaveArea = ExAllocatePool2(POOL_FLAG_NON_PAGED, PAGE_SIZE, POWER_TAG);
    if (g_SaveArea == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    DriverObject->MajorFunction[IRP_MJ_POWER] = DispatchPower;
    return STATUS_SUCCESS;
}

_Use_decl_annotations_
NTSTATUS
DispatchPower(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);

    switch (stack->MinorFunction) {
    case IRP_MN_SET_POWER:
        if (stack->Parameters.Power.State.SystemState > PowerSystemWorking) {
            ext->SavedContext = g_SaveArea;
        }
        break;
    default:
        break;
    }
    PoStartNextPowerIrp(Irp);
    IoSkipCurrentIrpStackLocation(Irp);
    return PoCallDriver(ext->LowerDevice, Irp);
}
`;

/** A device power-down (D3) is not a system power-down: the rule is about SystemState. */
const DEVICE_POWER_DOWN = `${HEADER}
_Use_decl_annotations_
NTSTATUS
DispatchPower(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);

    switch (stack->MinorFunction) {
    case IRP_MN_SET_POWER:
        if (stack->Parameters.Power.State.DeviceState > PowerDeviceD0) {
            ext->SavedContext = ExAllocatePool2(POOL_FLAG_NON_PAGED, 64, POWER_TAG);
        }
        break;
    default:
        break;
    }
    PoStartNextPowerIrp(Irp);
    IoSkipCurrentIrpStackLocation(Irp);
    return PoCallDriver(ext->LowerDevice, Irp);
}
`;

new RuleTester().run('wdm/PowerDownAllocate', rule, {
  valid: [
    { code: POWER_UP },
    { code: QUERY_POWER },
    { code: DRIVER_ENTRY },
    { code: DEVICE_POWER_DOWN },
    // A power-down test outside IRP_MN_SET_POWER handling is not enough.
    {
      code: `${HEADER}
VOID
PrepareForSleep(
    _Inout_ PDEVICE_EXTENSION Ext,
    _In_ SYSTEM_POWER_STATE State
    )
{
    if (State > PowerSystemWorking) {
        Ext->SavedContext = ExAllocatePool2(POOL_FLAG_NON_PAGED, 64, POWER_TAG);
    }
}
`,
    },
  ],
  invalid: [
    { code: DIRECT, errors: [{ messageId: 'allocation', line: lineOf(DIRECT, 'ExAllocatePoolWithTag(NonPagedPoolNx') }] },
    {
      code: HELPER,
      errors: [{ messageId: 'allocation', line: lineOf(HELPER, 'ExAllocatePool2('), trace: ['handling IRP_MN_SET_POWER', 'SystemState!=PowerSystemWorking', 'DispatchPower calls SaveDeviceState'] }],
    },
    { code: ELSE_BRANCH, errors: [{ messageId: 'allocation', line: lineOf(ELSE_BRANCH, 'ExAllocatePool2(') }] },
  ],
});
