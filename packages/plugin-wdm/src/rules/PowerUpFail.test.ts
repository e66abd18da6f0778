import { RuleTester } from '@ddi-lint/core/rule-tester';
import rule from './PowerUpFail.js';

/** 1-based line of the first line of `code` containing `needle`. */
function lineOf(code: string, needle: string): number {
  const i = code.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`"${needle}" not in code`);
  return i + 1;
}

const HEADER = `#include <wdm.h>

typedef struct _DEVICE_EXTENSION {
    PDEVICE_OBJECT LowerDevice;
    PVOID ResumeBuffer;
    BOOLEAN HardwareReady;
} DEVICE_EXTENSION, *PDEVICE_EXTENSION;

DRIVER_DISPATCH DispatchPower;
`;

/** The power-up branch completes the IRP with a failure status when its buffer is missing. */
const STATUS_ON_WAY_UP = `${HEADER}
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
            if (ext->ResumeBuffer == NULL) {
                PoStartNextPowerIrp(Irp);
                Irp->IoStatus.Status = STATUS_INSUFFICIENT_RESOURCES;
                IoCompleteRequest(Irp, IO_NO_INCREMENT);
                return STATUS_INSUFFICIENT_RESOURCES;
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

/** A device power-up to D0 returns STATUS_UNSUCCESSFUL. */
const RETURN_ON_D0 = `${HEADER}
_Use_decl_annotations_
NTSTATUS
DispatchPower(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);

    if (stack->MinorFunction == IRP_MN_SET_POWER &&
        stack->Parameters.Power.Type == DevicePowerState &&
        stack->Parameters.Power.State.DeviceState == PowerDeviceD0) {
        if (!ext->HardwareReady) {
            return STATUS_UNSUCCESSFUL;
        }
    }
    PoStartNextPowerIrp(Irp);
    IoSkipCurrentIrpStackLocation(Irp);
    return PoCallDriver(ext->LowerDevice, Irp);
}
`;

/** The completion routine set on the way up fails the IRP after the lower drivers powered up. */
const COMPLETION_ROUTINE = `${HEADER}
IO_COMPLETION_ROUTINE PowerUpComplete;

_Use_decl_annotations_
NTSTATUS
PowerUpComplete(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp,
    PVOID Context
    )
{
    PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)Context;
    UNREFERENCED_PARAMETER(DeviceObject);
    if (!ext->HardwareReady) {
        Irp->IoStatus.Status = STATUS_DEVICE_NOT_READY;
    }
    PoStartNextPowerIrp(Irp);
    return STATUS_CONTINUE_COMPLETION;
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
        if (stack->Parameters.Power.State.SystemState == PowerSystemWorking) {
            IoCopyCurrentIrpStackLocationToNext(Irp);
            IoSetCompletionRoutine(Irp, PowerUpComplete, ext, TRUE, TRUE, TRUE);
            return PoCallDriver(ext->LowerDevice, Irp);
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

// ---- Silent cases ----

/** The way up completes successfully, pends, or takes the IRP back in a completion routine. */
const NOT_FAILURES = `${HEADER}
IO_COMPLETION_ROUTINE PowerUpComplete;

_Use_decl_annotations_
NTSTATUS
PowerUpComplete(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp,
    PVOID Context
    )
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Irp);
    UNREFERENCED_PARAMETER(Context);
    return STATUS_MORE_PROCESSING_REQUIRED;
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
        if (stack->Parameters.Power.State.SystemState == PowerSystemWorking) {
            if (ext->HardwareReady) {
                PoStartNextPowerIrp(Irp);
                Irp->IoStatus.Status = STATUS_SUCCESS;
                IoCompleteRequest(Irp, IO_NO_INCREMENT);
                return STATUS_SUCCESS;
            }
            IoMarkIrpPending(Irp);
            IoCopyCurrentIrpStackLocationToNext(Irp);
            IoSetCompletionRoutine(Irp, PowerUpComplete, ext, TRUE, TRUE, TRUE);
            (VOID)PoCallDriver(ext->LowerDevice, Irp);
            return STATUS_PENDING;
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

/** Failing a power-down (a D3 request the hardware refuses) is not this rule's concern. */
const FAIL_POWER_DOWN = `${HEADER}
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
        if (stack->Parameters.Power.State.DeviceState != PowerDeviceD0) {
            if (!ext->HardwareReady) {
                PoStartNextPowerIrp(Irp);
                Irp->IoStatus.Status = STATUS_DEVICE_BUSY;
                IoCompleteRequest(Irp, IO_NO_INCREMENT);
                return STATUS_DEVICE_BUSY;
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

/** Failing IRP_MN_QUERY_POWER for the working state is allowed. */
const FAIL_QUERY = `${HEADER}
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
        if (stack->Parameters.Power.State.SystemState == PowerSystemWorking && !ext->HardwareReady) {
            PoStartNextPowerIrp(Irp);
            Irp->IoStatus.Status = STATUS_UNSUCCESSFUL;
            IoCompleteRequest(Irp, IO_NO_INCREMENT);
            return STATUS_UNSUCCESSFUL;
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

new RuleTester().run('wdm/PowerUpFail', rule, {
  valid: [{ code: NOT_FAILURES }, { code: FAIL_POWER_DOWN }, { code: FAIL_QUERY }],
  invalid: [
    {
      code: STATUS_ON_WAY_UP,
      errors: [
        { messageId: 'fails', line: lineOf(STATUS_ON_WAY_UP, 'Irp->IoStatus.Status = STATUS_INSUFFICIENT_RESOURCES'), data: { status: 'STATUS_INSUFFICIENT_RESOURCES', target: 'PowerSystemWorking' } },
        { messageId: 'fails', line: lineOf(STATUS_ON_WAY_UP, 'return STATUS_INSUFFICIENT_RESOURCES') },
      ],
    },
    {
      code: RETURN_ON_D0,
      errors: [{ messageId: 'fails', line: lineOf(RETURN_ON_D0, 'return STATUS_UNSUCCESSFUL'), data: { status: 'STATUS_UNSUCCESSFUL', target: 'PowerDeviceD0' } }],
    },
    {
      code: COMPLETION_ROUTINE,
      errors: [
        {
          messageId: 'fails',
          line: lineOf(COMPLETION_ROUTINE, 'Irp->IoStatus.Status = STATUS_DEVICE_NOT_READY'),
          trace: ['handling IRP_MN_SET_POWER', 'SystemState==PowerSystemWorking', 'DispatchPower sets PowerUpComplete as the IRP\'s completion routine'],
        },
      ],
    },
  ],
});
