#pragma once
#include <wdm.h>

typedef struct _XF_EXTENSION {
    KDPC CompletionDpc;
    HANDLE AuditLog;
    volatile LONG Ring[16];
    volatile LONG RingHead;
} XF_EXTENSION, *PXF_EXTENSION;

KDEFERRED_ROUTINE XfCompletionDpc;
DRIVER_DISPATCH XfDispatchClose;
