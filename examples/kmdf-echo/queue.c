/*
 * queue.c - the default I/O queue of the kmdf-echo example driver: EvtIoWrite stores the
 * data of a write, EvtIoRead returns it.
 *
 * Deliberate defects are marked "Defect:"; examples/README.md lists them with the rule
 * that reports each one.
 */
#include "driver.h"

#ifdef ALLOC_PRAGMA
#pragma alloc_text(PAGE, EchoQueueInitialize)
#endif

_Use_decl_annotations_
NTSTATUS
EchoQueueInitialize(
    WDFDEVICE Device
    )
{
    PDEVICE_CONTEXT ctx = DeviceGetContext(Device);
    WDF_IO_QUEUE_CONFIG queueConfig;

    PAGED_CODE();

    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&queueConfig, WdfIoQueueDispatchSequential);
    queueConfig.EvtIoRead = EchoEvtIoRead;
    queueConfig.EvtIoWrite = EchoEvtIoWrite;

    return WdfIoQueueCreate(Device, &queueConfig, WDF_NO_OBJECT_ATTRIBUTES, &ctx->DefaultQueue);
}

_Use_decl_annotations_
VOID
EchoEvtIoRead(
    WDFQUEUE Queue,
    WDFREQUEST Request,
    size_t Length
    )
{
    PDEVICE_CONTEXT ctx = DeviceGetContext(WdfIoQueueGetDevice(Queue));
    PVOID snapshot = NULL;
    size_t available;
    WDFMEMORY memory;
    NTSTATUS status;

    //
    // Take a copy under the lock, and touch the caller's buffer only after releasing it.
    //
    WdfSpinLockAcquire(ctx->BufferLock);
    available = min(Length, ctx->BufferLength);
    if (available != 0) {
        // Correct: non-paged pool may be allocated while holding a spin lock.
        snapshot = ExAllocatePool2(POOL_FLAG_NON_PAGED, available, ECHO_TAG_SNAPSHOT);
        if (snapshot != NULL) {
            RtlCopyMemory(snapshot, ctx->Buffer, available);
        }
    }
    WdfSpinLockRelease(ctx->BufferLock);

    if (available == 0) {
        WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, 0);
        return;
    }
    if (snapshot == NULL) {
        WdfRequestComplete(Request, STATUS_INSUFFICIENT_RESOURCES);
        return;
    }

    status = WdfRequestRetrieveOutputMemory(Request, &memory);
    if (NT_SUCCESS(status)) {
        status = WdfMemoryCopyFromBuffer(memory, 0, snapshot, available);
    }
    ExFreePoolWithTag(snapshot, ECHO_TAG_SNAPSHOT);
    WdfRequestCompleteWithInformation(Request, status, NT_SUCCESS(status) ? available : 0);
}

_Use_decl_annotations_
VOID
EchoEvtIoWrite(
    WDFQUEUE Queue,
    WDFREQUEST Request,
    size_t Length
    )
{
    PDEVICE_CONTEXT ctx = DeviceGetContext(WdfIoQueueGetDevice(Queue));
    PVOID input;
    PVOID replacement;
    PVOID previous;
    NTSTATUS status;

    if (Length == 0 || Length > ECHO_MAX_WRITE) {
        WdfRequestComplete(Request, Length == 0 ? STATUS_SUCCESS : STATUS_INVALID_BUFFER_SIZE);
        return;
    }

    status = WdfRequestRetrieveInputBuffer(Request, Length, &input, NULL);
    if (!NT_SUCCESS(status)) {
        WdfRequestComplete(Request, status);
        return;
    }

    WdfSpinLockAcquire(ctx->BufferLock);
    previous = ctx->Buffer;
    //
    // Defect: POOL_FLAG_PAGED while holding a WDF spin lock, i.e. at DISPATCH_LEVEL. The
    // allocation belongs before WdfSpinLockAcquire, and the buffer must be non-paged since
    // EchoEvtIoRead copies it under the same lock.
    //
    replacement = ExAllocatePool2(POOL_FLAG_PAGED, Length, ECHO_TAG_BUFFER);
    if (replacement == NULL) {
        WdfSpinLockRelease(ctx->BufferLock);
        WdfRequestComplete(Request, STATUS_INSUFFICIENT_RESOURCES);
        return;
    }
    RtlCopyMemory(replacement, input, Length);
    ctx->Buffer = replacement;
    ctx->BufferLength = Length;
    ctx->Writes++;
    WdfSpinLockRelease(ctx->BufferLock);

    if (previous != NULL) {
        ExFreePoolWithTag(previous, ECHO_TAG_BUFFER);
    }
    WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, Length);
}
