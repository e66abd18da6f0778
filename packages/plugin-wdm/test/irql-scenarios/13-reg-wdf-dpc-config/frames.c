/*
 * A KMDF capture driver: its frame DPC (WDF_DPC_CONFIG_INIT) allocates the frame descriptor with
 * ExAllocatePool2(POOL_FLAG_PAGED, …). EVT_WDF_DPC runs at DISPATCH_LEVEL: paged memory is not allowed there.
 */
#include <ntddk.h>
#include <wdf.h>

#define FRAME_TAG 'mrFC'

typedef struct _FRAME_DESCRIPTOR {
    LIST_ENTRY Link;
    ULONG Sequence;
    ULONG Length;
} FRAME_DESCRIPTOR, *PFRAME_DESCRIPTOR;

typedef struct _CAP_CONTEXT {
    WDFDPC FrameDpc;
    WDFSPINLOCK FrameLock;
    LIST_ENTRY Frames;
    ULONG Sequence;
    ULONG LastLength;
} CAP_CONTEXT, *PCAP_CONTEXT;

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(CAP_CONTEXT, CapGetContext)

VOID
CapEvtFrameDpc(
    _In_ WDFDPC Dpc
    )
{
    PCAP_CONTEXT ctx = CapGetContext(WdfDpcGetParentObject(Dpc));
    PFRAME_DESCRIPTOR frame;

    frame = (PFRAME_DESCRIPTOR)ExAllocatePool2(POOL_FLAG_PAGED, sizeof(FRAME_DESCRIPTOR), FRAME_TAG); // expect: wdm/IrqlExAllocatePool trace=67 basis=contract
    if (frame == NULL) {
        return;
    }
    frame->Sequence = ++ctx->Sequence;
    frame->Length = ctx->LastLength;
    WdfSpinLockAcquire(ctx->FrameLock);
    InsertTailList(&ctx->Frames, &frame->Link);
    WdfSpinLockRelease(ctx->FrameLock);
}

EVT_WDF_DEVICE_PREPARE_HARDWARE CapEvtDevicePrepareHardware;

NTSTATUS
CapEvtDevicePrepareHardware(
    _In_ WDFDEVICE Device,
    _In_ WDFCMRESLIST ResourcesRaw,
    _In_ WDFCMRESLIST ResourcesTranslated
    )
{
    PCAP_CONTEXT ctx = CapGetContext(Device);
    WDF_DPC_CONFIG dpcConfig;
    WDF_OBJECT_ATTRIBUTES attributes;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(ResourcesRaw);
    UNREFERENCED_PARAMETER(ResourcesTranslated);

    InitializeListHead(&ctx->Frames);
    status = WdfSpinLockCreate(WDF_NO_OBJECT_ATTRIBUTES, &ctx->FrameLock);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    WDF_DPC_CONFIG_INIT(&dpcConfig, CapEvtFrameDpc);
    WDF_OBJECT_ATTRIBUTES_INIT(&attributes);
    attributes.ParentObject = Device;
    return WdfDpcCreate(&dpcConfig, &attributes, &ctx->FrameDpc);
}
