/*
 * EvtLogEvent may be called up to DISPATCH_LEVEL. It defers when "KeGetCurrentIrql() >= DISPATCH_LEVEL" and
 * returns; the code after the guard runs at PASSIVE_LEVEL..APC_LEVEL, which still does not allow ZwCreateFile
 * (PASSIVE_LEVEL only). The paged allocation after the guard is fine.
 */
#include <wdm.h>

#define EVT_TAG 'tvEL'

typedef struct _EVT_LOGGER {
    KDPC DeferDpc;
    UNICODE_STRING Path;
    HANDLE File;
    PVOID Staging;
} EVT_LOGGER, *PEVT_LOGGER;

_IRQL_requires_max_(DISPATCH_LEVEL)
VOID
EvtLogEvent(
    _Inout_ PEVT_LOGGER Logger,
    _In_ ULONG EventId
    )
{
    OBJECT_ATTRIBUTES attributes;
    IO_STATUS_BLOCK iosb;

    if (KeGetCurrentIrql() >= DISPATCH_LEVEL) {
        KeInsertQueueDpc(&Logger->DeferDpc, (PVOID)(ULONG_PTR)EventId, NULL);
        return;
    }
    if (Logger->Staging == NULL) {
        Logger->Staging = ExAllocatePoolWithTag(PagedPool, PAGE_SIZE, EVT_TAG);
    }
    if (Logger->File == NULL) {
        InitializeObjectAttributes(&attributes, &Logger->Path, OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE, NULL, NULL);
        ZwCreateFile(&Logger->File, FILE_APPEND_DATA | SYNCHRONIZE, &attributes, &iosb, NULL, FILE_ATTRIBUTE_NORMAL, // expect: wdm/IrqlTooHigh trace=17 basis=contract
                     FILE_SHARE_READ, FILE_OPEN_IF, FILE_SYNCHRONOUS_IO_NONALERT, NULL, 0);
    }
}
