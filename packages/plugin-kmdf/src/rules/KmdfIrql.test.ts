import { RuleTester } from '@ddi-lint/core/rule-tester';
import rule from './KmdfIrql.js';

/** 1-based line of the first line of `code` containing `needle`. */
function lineOf(code: string, needle: string): number {
  const i = code.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`"${needle}" not in code`);
  return i + 1;
}

const HEADER = `#include <ntddk.h>
#include <wdf.h>

typedef struct _SENSOR_CONTEXT {
    WDFSPINLOCK SampleLock;
    WDFWAITLOCK ConfigLock;
    WDFIOTARGET BusTarget;
    WDFINTERRUPT Interrupt;
    WDFQUEUE PendingQueue;
    WDFKEY ParametersKey;
    ULONG LastSample;
    ULONG PollMs;
} SENSOR_CONTEXT, *PSENSOR_CONTEXT;

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(SENSOR_CONTEXT, SensorGetContext)
`;

// ---- A synchronous I/O target call in EvtIoDeviceControl, which may run at DISPATCH_LEVEL. ----

const SYNC_SEND_IN_IOCTL = `${HEADER}
EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL SensorEvtIoDeviceControl;

VOID SensorEvtIoDeviceControl(WDFQUEUE Queue, WDFREQUEST Request, size_t OutputBufferLength,
                              size_t InputBufferLength, ULONG IoControlCode)
{
    PSENSOR_CONTEXT ctx = SensorGetContext(WdfIoQueueGetDevice(Queue));
    ULONG_PTR bytes = 0;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(OutputBufferLength);
    UNREFERENCED_PARAMETER(InputBufferLength);

    status = WdfIoTargetSendIoctlSynchronously(ctx->BusTarget, Request, IoControlCode, NULL, NULL, NULL, &bytes);
    WdfRequestCompleteWithInformation(Request, status, bytes);
}
`;

// ---- A synchronous read while holding a WDF spin lock. ----

const SYNC_READ_UNDER_SPIN_LOCK = `${HEADER}
EVT_WDF_DEVICE_D0_ENTRY SensorEvtD0Entry;

NTSTATUS SensorEvtD0Entry(WDFDEVICE Device, WDF_POWER_DEVICE_STATE PreviousState)
{
    PSENSOR_CONTEXT ctx = SensorGetContext(Device);
    WDF_MEMORY_DESCRIPTOR output;
    ULONG sample = 0;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(PreviousState);
    WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(&output, &sample, sizeof(sample));

    WdfSpinLockAcquire(ctx->SampleLock);
    status = WdfIoTargetSendReadSynchronously(ctx->BusTarget, NULL, &output, NULL, NULL, NULL);
    ctx->LastSample = sample;
    WdfSpinLockRelease(ctx->SampleLock);
    return status;
}
`;

// ---- A timer callback (DISPATCH_LEVEL) that reads the registry. ----

const TIMER_READS_REGISTRY = `${HEADER}
VOID SensorEvtPollTimer(WDFTIMER Timer)
{
    PSENSOR_CONTEXT ctx = SensorGetContext(WdfTimerGetParentObject(Timer));
    DECLARE_CONST_UNICODE_STRING(valueName, L"PollMs");

    WdfRegistryQueryULong(ctx->ParametersKey, &valueName, &ctx->PollMs);
}

NTSTATUS SensorCreateTimer(WDFDEVICE Device, WDFTIMER *Timer)
{
    WDF_TIMER_CONFIG config;
    WDF_OBJECT_ATTRIBUTES attributes;

    WDF_TIMER_CONFIG_INIT_PERIODIC(&config, SensorEvtPollTimer, 100);
    WDF_OBJECT_ATTRIBUTES_INIT(&attributes);
    attributes.ParentObject = Device;
    return WdfTimerCreate(&config, &attributes, Timer);
}
`;

// ---- An ISR that completes a request (DIRQL), and a request completed under the interrupt lock. ----

const ISR_COMPLETES = `${HEADER}
EVT_WDF_INTERRUPT_ISR SensorEvtInterruptIsr;

BOOLEAN SensorEvtInterruptIsr(WDFINTERRUPT Interrupt, ULONG MessageID)
{
    PSENSOR_CONTEXT ctx = SensorGetContext(WdfInterruptGetDevice(Interrupt));
    WDFREQUEST request;

    UNREFERENCED_PARAMETER(MessageID);

    if (NT_SUCCESS(WdfIoQueueRetrieveNextRequest(ctx->PendingQueue, &request))) {
        WdfRequestComplete(request, STATUS_SUCCESS);
    }
    WdfInterruptQueueDpcForIsr(Interrupt);
    return TRUE;
}
`;

const INTERRUPT_LOCK_COMPLETES = `${HEADER}
EVT_WDF_IO_QUEUE_IO_READ SensorEvtIoRead;

VOID SensorEvtIoRead(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
    PSENSOR_CONTEXT ctx = SensorGetContext(WdfIoQueueGetDevice(Queue));

    UNREFERENCED_PARAMETER(Length);

    WdfInterruptAcquireLock(ctx->Interrupt);
    if (ctx->LastSample == 0) {
        WdfRequestComplete(Request, STATUS_NO_MORE_ENTRIES);
    }
    WdfInterruptReleaseLock(ctx->Interrupt);
}
`;

// ---- WdfWaitLockAcquire in an interrupt DPC: forever (PASSIVE_LEVEL only), and with a zero timeout. ----

const WAIT_LOCK_IN_DPC = `${HEADER}
EVT_WDF_INTERRUPT_DPC SensorEvtInterruptDpc;

VOID SensorEvtInterruptDpc(WDFINTERRUPT Interrupt, WDFOBJECT AssociatedObject)
{
    PSENSOR_CONTEXT ctx = SensorGetContext(AssociatedObject);
    LONGLONG noWait = 0;

    UNREFERENCED_PARAMETER(Interrupt);

    WdfWaitLockAcquire(ctx->ConfigLock, NULL);
    ctx->PollMs = 10;
    WdfWaitLockRelease(ctx->ConfigLock);

    if (WdfWaitLockAcquire(ctx->ConfigLock, &noWait) == STATUS_SUCCESS) {
        ctx->PollMs = 20;
        WdfWaitLockRelease(ctx->ConfigLock);
    }
}
`;

// ---- WdfSpinLockRelease without the acquire (D0Exit runs at PASSIVE_LEVEL). ----

const RELEASE_WITHOUT_ACQUIRE = `${HEADER}
EVT_WDF_DEVICE_D0_EXIT SensorEvtD0Exit;

NTSTATUS SensorEvtD0Exit(WDFDEVICE Device, WDF_POWER_DEVICE_STATE TargetState)
{
    PSENSOR_CONTEXT ctx = SensorGetContext(Device);

    UNREFERENCED_PARAMETER(TargetState);

    ctx->LastSample = 0;
    WdfSpinLockRelease(ctx->SampleLock);
    return STATUS_SUCCESS;
}
`;

// ---- A WDF DPC registered by WDF_DPC_CONFIG_INIT opens a registry key. ----

const DPC_OPENS_KEY = `${HEADER}
static VOID SensorEvtRefreshDpc(WDFDPC Dpc)
{
    WDFDEVICE device = (WDFDEVICE)WdfDpcGetParentObject(Dpc);
    PSENSOR_CONTEXT ctx = SensorGetContext(device);

    WdfDeviceOpenRegistryKey(device, PLUGPLAY_REGKEY_DEVICE, KEY_READ, WDF_NO_OBJECT_ATTRIBUTES, &ctx->ParametersKey);
}

NTSTATUS SensorCreateDpc(WDFDEVICE Device, WDFDPC *Dpc)
{
    WDF_DPC_CONFIG config;
    WDF_OBJECT_ATTRIBUTES attributes;

    WDF_DPC_CONFIG_INIT(&config, SensorEvtRefreshDpc);
    WDF_OBJECT_ATTRIBUTES_INIT(&attributes);
    attributes.ParentObject = Device;
    return WdfDpcCreate(&config, &attributes, Dpc);
}
`;

// ---- A request completion routine registered by WdfRequestSetCompletionRoutine. ----

const COMPLETION_ROUTINE_SYNC = `${HEADER}
static VOID SensorEvtRequestCompletion(WDFREQUEST Request, WDFIOTARGET Target,
                                       PWDF_REQUEST_COMPLETION_PARAMS Params, WDFCONTEXT Context)
{
    PSENSOR_CONTEXT ctx = (PSENSOR_CONTEXT)Context;

    UNREFERENCED_PARAMETER(Params);
    WdfIoTargetStop(Target, WdfIoTargetCancelSentIo);
    WdfIoQueuePurgeSynchronously(ctx->PendingQueue);
    WdfRequestComplete(Request, STATUS_SUCCESS);
}

NTSTATUS SensorForward(PSENSOR_CONTEXT Ctx, WDFREQUEST Request)
{
    WdfRequestFormatRequestUsingCurrentType(Request);
    WdfRequestSetCompletionRoutine(Request, SensorEvtRequestCompletion, Ctx);
    if (!WdfRequestSend(Request, Ctx->BusTarget, WDF_NO_SEND_OPTIONS)) {
        return WdfRequestGetStatus(Request);
    }
    return STATUS_PENDING;
}
`;

// ---- An unannotated helper nobody calls. ----

const ASSUMED_HELPER = `${HEADER}
NTSTATUS SensorReadPollInterval(PSENSOR_CONTEXT Ctx)
{
    DECLARE_CONST_UNICODE_STRING(valueName, L"PollMs");
    return WdfRegistryQueryULong(Ctx->ParametersKey, &valueName, &Ctx->PollMs);
}
`;

new RuleTester().run('kmdf/KmdfIrql', rule, {
  valid: [
    {
      name: 'PASSIVE_LEVEL WDF calls in EvtDriverDeviceAdd, EvtDevicePrepareHardware and a work item',
      code: `${HEADER}
EVT_WDF_DRIVER_DEVICE_ADD SensorEvtDeviceAdd;
EVT_WDF_DEVICE_PREPARE_HARDWARE SensorEvtPrepareHardware;
EVT_WDF_WORKITEM SensorEvtCalibrate;

NTSTATUS SensorEvtPrepareHardware(WDFDEVICE Device, WDFCMRESLIST Raw, WDFCMRESLIST Translated)
{
    PSENSOR_CONTEXT ctx = SensorGetContext(Device);
    return WdfIoTargetSendIoctlSynchronously(ctx->BusTarget, NULL, 0x222004, NULL, NULL, NULL, NULL);
}

VOID SensorEvtCalibrate(WDFWORKITEM WorkItem)
{
    PSENSOR_CONTEXT ctx = SensorGetContext(WdfWorkItemGetParentObject(WorkItem));
    DECLARE_CONST_UNICODE_STRING(valueName, L"PollMs");

    WdfWaitLockAcquire(ctx->ConfigLock, NULL);
    WdfRegistryQueryULong(ctx->ParametersKey, &valueName, &ctx->PollMs);
    WdfWaitLockRelease(ctx->ConfigLock);
}

NTSTATUS SensorEvtDeviceAdd(WDFDRIVER Driver, PWDFDEVICE_INIT DeviceInit)
{
    WDFDEVICE device;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(Driver);
    status = WdfDeviceCreate(&DeviceInit, WDF_NO_OBJECT_ATTRIBUTES, &device);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    return WdfDeviceCreateDeviceInterface(device, &GUID_DEVINTERFACE_SENSOR, NULL);
}
`,
    },
    {
      name: 'completion after the WDF spin lock is released, and DISPATCH_LEVEL calls under it',
      code: `${HEADER}
EVT_WDF_IO_QUEUE_IO_READ SensorEvtIoRead;

VOID SensorEvtIoRead(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
    PSENSOR_CONTEXT ctx = SensorGetContext(WdfIoQueueGetDevice(Queue));
    WDFREQUEST previous;
    ULONG sample;

    UNREFERENCED_PARAMETER(Length);

    WdfSpinLockAcquire(ctx->SampleLock);
    sample = ctx->LastSample;
    if (NT_SUCCESS(WdfIoQueueRetrieveNextRequest(ctx->PendingQueue, &previous))) {
        WdfRequestComplete(previous, STATUS_CANCELLED);
    }
    WdfSpinLockRelease(ctx->SampleLock);

    WdfRequestCompleteWithInformation(Request, sample ? STATUS_SUCCESS : STATUS_NO_MORE_ENTRIES, sizeof(sample));
}
`,
    },
    {
      name: 'a synchronous send guarded by KeGetCurrentIrql() == PASSIVE_LEVEL',
      code: SYNC_SEND_IN_IOCTL.replace(
        '    status = WdfIoTargetSendIoctlSynchronously(ctx->BusTarget, Request, IoControlCode, NULL, NULL, NULL, &bytes);',
        '    status = STATUS_PENDING;\n    if (KeGetCurrentIrql() == PASSIVE_LEVEL) {\n        status = WdfIoTargetSendIoctlSynchronously(ctx->BusTarget, Request, IoControlCode, NULL, NULL, NULL, &bytes);\n    }',
      ),
    },
    {
      name: 'DDIs an ISR may call: queue its DPC, get its device',
      code: `${HEADER}
EVT_WDF_INTERRUPT_ISR SensorEvtInterruptIsr;

BOOLEAN SensorEvtInterruptIsr(WDFINTERRUPT Interrupt, ULONG MessageID)
{
    PSENSOR_CONTEXT ctx = SensorGetContext(WdfInterruptGetDevice(Interrupt));

    UNREFERENCED_PARAMETER(MessageID);
    ctx->LastSample = READ_REGISTER_ULONG((PULONG)ctx);
    return WdfInterruptQueueDpcForIsr(Interrupt);
}
`,
    },
    {
      name: 'WDF DDIs whose page gives no IRQL (see Remarks) are never guessed',
      code: `${HEADER}
EVT_WDF_INTERRUPT_DPC SensorEvtInterruptDpc;

VOID SensorEvtInterruptDpc(WDFINTERRUPT Interrupt, WDFOBJECT AssociatedObject)
{
    PSENSOR_CONTEXT ctx = SensorGetContext(AssociatedObject);
    WDFMEMORY memory;

    UNREFERENCED_PARAMETER(Interrupt);
    if (NT_SUCCESS(WdfMemoryCreate(WDF_NO_OBJECT_ATTRIBUTES, NonPagedPoolNx, 'sneS', 64, &memory, NULL))) {
        WdfObjectDelete(memory);
    }
    WdfDeviceStopIdle(WdfInterruptGetDevice(Interrupt), FALSE);
}
`,
    },
    {
      name: 'WDM DDIs are wdm/IrqlTooHigh’s, and annotated project functions are not WDF DDIs',
      code: `${HEADER}
_IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS SensorLoadCalibration(_Inout_ PSENSOR_CONTEXT Ctx);

_Use_decl_annotations_
NTSTATUS SensorLoadCalibration(PSENSOR_CONTEXT Ctx)
{
    Ctx->PollMs = 100;
    return STATUS_SUCCESS;
}

EVT_WDF_INTERRUPT_DPC SensorEvtInterruptDpc;

VOID SensorEvtInterruptDpc(WDFINTERRUPT Interrupt, WDFOBJECT AssociatedObject)
{
    PSENSOR_CONTEXT ctx = SensorGetContext(AssociatedObject);
    HANDLE file = NULL;

    UNREFERENCED_PARAMETER(Interrupt);
    ZwClose(file);
    SensorLoadCalibration(ctx);
}
`,
    },
    {
      name: 'an unannotated helper with no caller is only assumed PASSIVE..DISPATCH: not reported by default',
      code: ASSUMED_HELPER,
    },
    {
      // The queue is created with WDF_OBJECT_ATTRIBUTES.ExecutionLevel = WdfExecutionLevelPassive, so the framework
      // calls its request handlers at PASSIVE_LEVEL.
      name: 'a synchronous send in EvtIoDeviceControl of a queue created with WdfExecutionLevelPassive',
      code: `${HEADER}
EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL SensorEvtIoDeviceControl;

NTSTATUS SensorCreateQueue(WDFDEVICE Device)
{
    WDF_IO_QUEUE_CONFIG queueConfig;
    WDF_OBJECT_ATTRIBUTES attributes;
    WDFQUEUE queue;

    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&queueConfig, WdfIoQueueDispatchSequential);
    queueConfig.EvtIoDeviceControl = SensorEvtIoDeviceControl;
    WDF_OBJECT_ATTRIBUTES_INIT(&attributes);
    attributes.ExecutionLevel = WdfExecutionLevelPassive;
    return WdfIoQueueCreate(Device, &queueConfig, &attributes, &queue);
}

VOID SensorEvtIoDeviceControl(WDFQUEUE Queue, WDFREQUEST Request, size_t OutputBufferLength,
                              size_t InputBufferLength, ULONG IoControlCode)
{
    PSENSOR_CONTEXT ctx = SensorGetContext(WdfIoQueueGetDevice(Queue));
    NTSTATUS status;

    status = WdfIoTargetSendIoctlSynchronously(ctx->BusTarget, Request, IoControlCode, NULL, NULL, NULL, NULL);
    WdfRequestComplete(Request, status);
}
`,
    },
    {
      // A passive-level interrupt (WDF_INTERRUPT_CONFIG.PassiveHandling = TRUE) has its EvtInterruptIsr called at
      // PASSIVE_LEVEL with the passive interrupt lock held.
      name: 'WdfRequestComplete in the ISR of a passive-level interrupt',
      code: `${HEADER}
EVT_WDF_INTERRUPT_ISR SensorEvtPassiveIsr;

BOOLEAN SensorEvtPassiveIsr(WDFINTERRUPT Interrupt, ULONG MessageID)
{
    PSENSOR_CONTEXT ctx = SensorGetContext(WdfInterruptGetDevice(Interrupt));
    WDFREQUEST request;

    UNREFERENCED_PARAMETER(MessageID);
    if (NT_SUCCESS(WdfIoQueueRetrieveNextRequest(ctx->PendingQueue, &request))) {
        WdfRequestComplete(request, STATUS_SUCCESS);
    }
    return TRUE;
}

NTSTATUS SensorCreateInterrupt(WDFDEVICE Device, PSENSOR_CONTEXT Ctx)
{
    WDF_INTERRUPT_CONFIG config;

    WDF_INTERRUPT_CONFIG_INIT(&config, SensorEvtPassiveIsr, NULL);
    config.PassiveHandling = TRUE;
    return WdfInterruptCreate(Device, &config, WDF_NO_OBJECT_ATTRIBUTES, &Ctx->Interrupt);
}
`,
    },
  ],
  invalid: [
    {
      name: 'WdfIoTargetSendIoctlSynchronously in EvtIoDeviceControl (may run at DISPATCH_LEVEL)',
      code: SYNC_SEND_IN_IOCTL,
      errors: [
        {
          messageId: 'tooHigh',
          message:
            'WdfIoTargetSendIoctlSynchronously must be called at IRQL <= PASSIVE_LEVEL (documented), but here the code may run at PASSIVE_LEVEL..DISPATCH_LEVEL.',
          line: lineOf(SYNC_SEND_IN_IOCTL, 'WdfIoTargetSendIoctlSynchronously('),
          column: 14,
          basis: 'contract',
          trace: ['SensorEvtIoDeviceControl is declared EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL, entered at PASSIVE_LEVEL..DISPATCH_LEVEL'],
        },
      ],
    },
    {
      name: 'WdfIoTargetSendReadSynchronously under WdfSpinLockAcquire',
      code: SYNC_READ_UNDER_SPIN_LOCK,
      errors: [
        {
          messageId: 'tooHigh',
          message:
            'WdfIoTargetSendReadSynchronously must be called at IRQL <= PASSIVE_LEVEL (documented), but here the code runs at DISPATCH_LEVEL.',
          line: lineOf(SYNC_READ_UNDER_SPIN_LOCK, 'WdfIoTargetSendReadSynchronously('),
          basis: 'proven',
          trace: ['WdfSpinLockAcquire raises the IRQL to DISPATCH_LEVEL'],
        },
      ],
    },
    {
      name: 'a periodic timer callback (DISPATCH_LEVEL) reads the registry',
      code: TIMER_READS_REGISTRY,
      errors: [
        {
          messageId: 'tooHigh',
          message: 'WdfRegistryQueryULong must be called at IRQL <= PASSIVE_LEVEL (documented), but here the code runs at DISPATCH_LEVEL.',
          line: lineOf(TIMER_READS_REGISTRY, 'WdfRegistryQueryULong('),
          trace: [/^SensorEvtPollTimer is registered as EVT_WDF_TIMER by WDF_TIMER_CONFIG_INIT_PERIODIC/],
        },
      ],
    },
    {
      name: 'retrieving and completing a request in an ISR',
      code: ISR_COMPLETES,
      errors: [
        {
          messageId: 'tooHigh',
          message:
            'WdfIoQueueRetrieveNextRequest must be called at IRQL <= DISPATCH_LEVEL (documented), but here the code runs at DIRQL.',
          line: lineOf(ISR_COMPLETES, 'WdfIoQueueRetrieveNextRequest('),
        },
        {
          messageId: 'tooHigh',
          message: 'WdfRequestComplete must be called at IRQL <= DISPATCH_LEVEL (documented), but here the code runs at DIRQL.',
          line: lineOf(ISR_COMPLETES, 'WdfRequestComplete('),
          trace: ['SensorEvtInterruptIsr is declared EVT_WDF_INTERRUPT_ISR, entered at DIRQL'],
        },
      ],
    },
    {
      name: 'WdfRequestComplete under the interrupt lock',
      code: INTERRUPT_LOCK_COMPLETES,
      errors: [
        {
          messageId: 'tooHigh',
          line: lineOf(INTERRUPT_LOCK_COMPLETES, 'WdfRequestComplete('),
          basis: 'proven',
          trace: ['WdfInterruptAcquireLock raises the IRQL to DIRQL'],
        },
      ],
    },
    {
      name: 'WdfWaitLockAcquire in an interrupt DPC, with no timeout and with a zero timeout',
      code: WAIT_LOCK_IN_DPC,
      errors: [
        {
          messageId: 'tooHigh',
          message:
            'WdfWaitLockAcquire must be called at IRQL <= PASSIVE_LEVEL (WdfWaitLockAcquire with Timeout = NULL), but here the code runs at DISPATCH_LEVEL.',
          line: lineOf(WAIT_LOCK_IN_DPC, 'WdfWaitLockAcquire(ctx->ConfigLock, NULL)'),
        },
        {
          messageId: 'tooHigh',
          message: /^WdfWaitLockAcquire must be called at IRQL <= APC_LEVEL .*, but here the code runs at DISPATCH_LEVEL\.$/,
          line: lineOf(WAIT_LOCK_IN_DPC, 'WdfWaitLockAcquire(ctx->ConfigLock, &noWait)'),
        },
      ],
    },
    {
      name: 'WdfSpinLockRelease at PASSIVE_LEVEL without the acquire',
      code: RELEASE_WITHOUT_ACQUIRE,
      errors: [
        {
          messageId: 'tooLow',
          message: 'WdfSpinLockRelease must be called at IRQL >= DISPATCH_LEVEL (documented), but here the code runs at PASSIVE_LEVEL.',
          line: lineOf(RELEASE_WITHOUT_ACQUIRE, 'WdfSpinLockRelease('),
          basis: 'contract',
          trace: ['SensorEvtD0Exit is declared EVT_WDF_DEVICE_D0_EXIT, entered at PASSIVE_LEVEL'],
        },
      ],
    },
    {
      name: 'a WDF DPC registered by WDF_DPC_CONFIG_INIT opens a registry key',
      code: DPC_OPENS_KEY,
      errors: [
        {
          messageId: 'tooHigh',
          line: lineOf(DPC_OPENS_KEY, 'WdfDeviceOpenRegistryKey('),
          trace: [/^SensorEvtRefreshDpc is registered as EVT_WDF_DPC by WDF_DPC_CONFIG_INIT/],
        },
      ],
    },
    {
      name: 'a request completion routine purges a queue synchronously',
      code: COMPLETION_ROUTINE_SYNC,
      errors: [
        {
          messageId: 'tooHigh',
          message:
            'WdfIoQueuePurgeSynchronously must be called at IRQL <= PASSIVE_LEVEL (documented), but here the code may run at PASSIVE_LEVEL..DISPATCH_LEVEL.',
          line: lineOf(COMPLETION_ROUTINE_SYNC, 'WdfIoQueuePurgeSynchronously('),
          trace: [/^SensorEvtRequestCompletion is registered as EVT_WDF_REQUEST_COMPLETION_ROUTINE by WdfRequestSetCompletionRoutine/],
        },
      ],
    },
    {
      name: 'the assumed entry is reported when settings.irql.reportAssumed is true',
      code: ASSUMED_HELPER,
      settings: { irql: { reportAssumed: true } },
      errors: [
        {
          messageId: 'tooHigh',
          message:
            'WdfRegistryQueryULong must be called at IRQL <= PASSIVE_LEVEL (documented), but here the code may run at PASSIVE_LEVEL..DISPATCH_LEVEL.',
          line: lineOf(ASSUMED_HELPER, 'WdfRegistryQueryULong('),
          basis: 'assumed',
        },
      ],
    },
  ],
});
