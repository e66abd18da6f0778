/*
 * The sensor driver done right: the periodic timer (WDF_TIMER_CONFIG_INIT_PERIODIC, DISPATCH_LEVEL) only
 * enqueues a work item; the work item callback (WDF_WORKITEM_CONFIG_INIT, PASSIVE_LEVEL) reads the registry.
 * reportAssumed is on: a missed work-item registration would make the registry calls assumed findings.
 */
#include <ntddk.h>
#include <wdf.h>

typedef struct _SNS_CONTEXT {
    WDFTIMER PollTimer;
    WDFWORKITEM RefreshWorkItem;
    ULONG PollMs;
} SNS_CONTEXT, *PSNS_CONTEXT;

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(SNS_CONTEXT, SnsGetContext)

VOID
SnsEvtRefreshWorkItem(
    _In_ WDFWORKITEM WorkItem
    )
{
    WDFDEVICE device = (WDFDEVICE)WdfWorkItemGetParentObject(WorkItem);
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

VOID
SnsEvtPollTimer(
    _In_ WDFTIMER Timer
    )
{
    PSNS_CONTEXT ctx = SnsGetContext((WDFDEVICE)WdfTimerGetParentObject(Timer));

    WdfWorkItemEnqueue(ctx->RefreshWorkItem);
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
    WDF_WORKITEM_CONFIG workItemConfig;
    WDF_OBJECT_ATTRIBUTES attributes;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(PreviousState);

    WDF_OBJECT_ATTRIBUTES_INIT(&attributes);
    attributes.ParentObject = Device;
    WDF_WORKITEM_CONFIG_INIT(&workItemConfig, SnsEvtRefreshWorkItem);
    status = WdfWorkItemCreate(&workItemConfig, &attributes, &ctx->RefreshWorkItem);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    WDF_TIMER_CONFIG_INIT_PERIODIC(&timerConfig, SnsEvtPollTimer, 100);
    status = WdfTimerCreate(&timerConfig, &attributes, &ctx->PollTimer);
    if (NT_SUCCESS(status)) {
        WdfTimerStart(ctx->PollTimer, WDF_REL_TIMEOUT_IN_MS(100));
    }
    return status;
}
