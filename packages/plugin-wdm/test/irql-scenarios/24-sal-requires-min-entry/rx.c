/*
 * RxBuildDescriptor is annotated _IRQL_requires_min_(DISPATCH_LEVEL) (no maximum, which implies DISPATCH_LEVEL at
 * most): its entry is exactly DISPATCH_LEVEL, so its paged-pool allocation is wrong whatever its callers do.
 */
#include <wdm.h>

#define RX_TAG 'xRnD'

typedef struct _RX_DESCRIPTOR {
    SINGLE_LIST_ENTRY Link;
    ULONG Length;
    UCHAR Data[1];
} RX_DESCRIPTOR, *PRX_DESCRIPTOR;

typedef struct _RX_EXTENSION {
    KDPC RxDpc;
    SINGLE_LIST_ENTRY Completed;
    PUCHAR Fifo;
    ULONG FifoLength;
} RX_EXTENSION, *PRX_EXTENSION;

_IRQL_requires_min_(DISPATCH_LEVEL)
static PRX_DESCRIPTOR
RxBuildDescriptor(
    _In_ PRX_EXTENSION Ext
    )
{
    PRX_DESCRIPTOR descriptor;

    descriptor = (PRX_DESCRIPTOR)ExAllocatePoolWithTag(PagedPool, FIELD_OFFSET(RX_DESCRIPTOR, Data) + Ext->FifoLength, RX_TAG); // expect: wdm/IrqlExAllocatePool trace=22 basis=contract
    if (descriptor != NULL) {
        descriptor->Length = Ext->FifoLength;
        RtlCopyMemory(descriptor->Data, Ext->Fifo, Ext->FifoLength);
    }
    return descriptor;
}

KDEFERRED_ROUTINE RxDpc;

VOID
RxDpc(
    _In_ PKDPC Dpc,
    _In_opt_ PVOID DeferredContext,
    _In_opt_ PVOID SystemArgument1,
    _In_opt_ PVOID SystemArgument2
    )
{
    PRX_EXTENSION ext = (PRX_EXTENSION)DeferredContext;
    PRX_DESCRIPTOR descriptor;

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);

    descriptor = RxBuildDescriptor(ext);
    if (descriptor != NULL) {
        PushEntryList(&ext->Completed, &descriptor->Link);
    }
}
