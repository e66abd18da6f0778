#include "filter.h"

typedef struct _FILTER_CONTEXT {
    NDIS_SPIN_LOCK Lock;
    ULONG Pending;
} FILTER_CONTEXT, *PFILTER_CONTEXT;

FILTER_SEND_NET_BUFFER_LISTS_COMPLETE FilterSendComplete;

_Use_decl_annotations_
VOID
FilterSendComplete(
    NDIS_HANDLE FilterModuleContext,
    PNET_BUFFER_LIST NetBufferLists,
    ULONG SendCompleteFlags
    )
{
    PFILTER_CONTEXT ctx = (PFILTER_CONTEXT)FilterModuleContext;
    BOOLEAN dispatch = NDIS_TEST_SEND_COMPLETE_AT_DISPATCH_LEVEL(SendCompleteFlags);

    FILTER_ACQUIRE_LOCK(&ctx->Lock, dispatch);
    ctx->Pending--;
    FILTER_RELEASE_LOCK(&ctx->Lock, dispatch);
    UNREFERENCED_PARAMETER(NetBufferLists);
}
