#pragma once
#include <wdm.h>

typedef struct _XF_EXTENSION {
    KDPC CompletionDpc;
    HANDLE AuditLog;
    ULONG Completed;
} XF_EXTENSION, *PXF_EXTENSION;

KDEFERRED_ROUTINE XfCompletionDpc;

VOID
XfAuditCompletion(
    _In_ PXF_EXTENSION Ext,
    _In_ ULONG Sequence
    );
