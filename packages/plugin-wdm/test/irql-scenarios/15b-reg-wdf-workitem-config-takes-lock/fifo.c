/*
 * The FIFO driver's overflow work item (WDF_WORKITEM_CONFIG_INIT, PASSIVE_LEVEL) holds the FIFO's WDF spin lock,
 * which raises to DISPATCH_LEVEL, while it calls the helper annotated _IRQL_requires_min_(DISPATCH_LEVEL).
 * reportAssumed is on.
 */
#include <ntddk.h>
#include <wdf.h>

typedef struct _FIFO_CONTEXT {
    WDFINTERRUPT Interrupt;
    WDFWORKITEM OverflowWorkItem;
    WDFSPINLOCK FifoLock;
    PULONG Registers;
    ULONG Received[32];
    ULONG Count;
    ULONG Overflows;
} FIFO_CONTEXT, *PFIFO_CONTEXT;

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(FIFO_CONTEXT, FifoGetContext)

_IRQL_requires_min_(DISPATCH_LEVEL)
static VOID
FifoDrainAtDispatch(
    _Inout_ PFIFO_CONTEXT Ctx
    )
{
    while (Ctx->Count < RTL_NUMBER_OF(Ctx->Received) && (READ_REGISTER_ULONG(Ctx->Registers) & 1) != 0) {
        Ctx->Received[Ctx->Count++] = READ_REGISTER_ULONG(Ctx->Registers + 1);
    }
}

EVT_WDF_INTERRUPT_DPC FifoEvtInterruptDpc;

VOID
FifoEvtInterruptDpc(
    _In_ WDFINTERRUPT Interrupt,
    _In_ WDFOBJECT AssociatedObject
    )
{
    PFIFO_CONTEXT ctx = FifoGetContext(AssociatedObject);

    UNREFERENCED_PARAMETER(Interrupt);

    WdfSpinLockAcquire(ctx->FifoLock);
    FifoDrainAtDispatch(ctx);
    WdfSpinLockRelease(ctx->FifoLock);
    if (ctx->Count == RTL_NUMBER_OF(ctx->Received)) {
        WdfWorkItemEnqueue(ctx->OverflowWorkItem);
    }
}

VOID
FifoEvtOverflowWorkItem(
    _In_ WDFWORKITEM WorkItem
    )
{
    PFIFO_CONTEXT ctx = FifoGetContext(WdfWorkItemGetParentObject(WorkItem));

    WdfSpinLockAcquire(ctx->FifoLock);
    ctx->Overflows++;
    ctx->Count = 0;
    FifoDrainAtDispatch(ctx);
    WdfSpinLockRelease(ctx->FifoLock);
}

EVT_WDF_DEVICE_D0_ENTRY FifoEvtDeviceD0Entry;

NTSTATUS
FifoEvtDeviceD0Entry(
    _In_ WDFDEVICE Device,
    _In_ WDF_POWER_DEVICE_STATE PreviousState
    )
{
    PFIFO_CONTEXT ctx = FifoGetContext(Device);
    WDF_WORKITEM_CONFIG workItemConfig;
    WDF_OBJECT_ATTRIBUTES attributes;

    UNREFERENCED_PARAMETER(PreviousState);

    WDF_WORKITEM_CONFIG_INIT(&workItemConfig, FifoEvtOverflowWorkItem);
    WDF_OBJECT_ATTRIBUTES_INIT(&attributes);
    attributes.ParentObject = Device;
    return WdfWorkItemCreate(&workItemConfig, &attributes, &ctx->OverflowWorkItem);
}
