/*
 * A WDF timer created with attributes.ExecutionLevel = WdfExecutionLevelPassive runs its callback at PASSIVE_LEVEL
 * (EVT_WDF_TIMER is DISPATCH_LEVEL "unless configured for PASSIVE_LEVEL"), so reading the registry in it is fine.
 */
#include <ntddk.h>
#include <wdf.h>

typedef struct _SNS_CONTEXT {
    WDFTIMER PollTimer;
    ULONG PollMs;
} SNS_CONTEXT, *PSNS_CONTEXT;

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(SNS_CONTEXT, SnsGetContext)

VOID
SnsEvtPollTimer(
    _In_ WDFTIMER Timer
    )
{
    WDFDEVICE device = (WDFDEVICE)WdfTimerGetParentObject(Timer);
    PSNS_CONTEXT ctx = SnsGetContext(device);
    DECLARE_CONST_UNICODE_STRING(valueName, L"PollIntervalMs");
    WDFKEY key;
    NTSTATUS status;

    status = WdfDeviceOpenRegistryKey(device, PLUGPLAY_REGKEY_DEVICE, KEY_READ, WDF_NO_OBJECT_ATTRIBUTES, &key);
    if (NT_SUCCESS(status)) {
        WdfRegistryQueryULong(key, &valueName, &ctx->PollMs);
        WdfRegistryClose(key);
    }
}

EVT_WDF_DEVICE_D0_ENTRY SnsEvtDeviceD0Entry;

NTSTATUS
SnsEvtDeviceD0Entry(
    _In_ WDFDEVICE Device,
    _In_ WDF_POWER_DEVICE_STATE PreviousState
    )
{
    PSNS_CONTEXT ctx = SnsGetContext(Device);
    WDF_TIMER_CONFIG timerConfig;
    WDF_OBJECT_ATTRIBUTES attributes;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(PreviousState);

    WDF_TIMER_CONFIG_INIT_PERIODIC(&timerConfig, SnsEvtPollTimer, 1000);
    WDF_OBJECT_ATTRIBUTES_INIT(&attributes);
    attributes.ParentObject = Device;
    attributes.ExecutionLevel = WdfExecutionLevelPassive;
    status = WdfTimerCreate(&timerConfig, &attributes, &ctx->PollTimer);
    if (NT_SUCCESS(status)) {
        WdfTimerStart(ctx->PollTimer, WDF_REL_TIMEOUT_IN_MS(1000));
    }
    return status;
}
