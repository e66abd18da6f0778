/*
 * Under a fast mutex (APC_LEVEL) the configuration routine does only what APC_LEVEL allows: a paged allocation and
 * a wait without timeout (KeWaitForSingleObject with a NULL timeout needs <= APC_LEVEL). The file is opened after
 * ExReleaseFastMutex has restored PASSIVE_LEVEL.
 */
#include <wdm.h>

#define LOG_TAG 'goLF'

typedef struct _LOGR_EXTENSION {
    FAST_MUTEX ConfigMutex;
    KEVENT WriterIdle;
    HANDLE LogFile;
    PWCHAR LogPath;
    USHORT LogPathLength;
} LOGR_EXTENSION, *PLOGR_EXTENSION;

_IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS
LogrReopen(
    _Inout_ PLOGR_EXTENSION Ext,
    _In_ PCUNICODE_STRING Path
    )
{
    OBJECT_ATTRIBUTES attributes;
    IO_STATUS_BLOCK iosb;
    UNICODE_STRING copy;
    NTSTATUS status;

    ExAcquireFastMutex(&Ext->ConfigMutex);
    KeWaitForSingleObject(&Ext->WriterIdle, Executive, KernelMode, FALSE, NULL);
    copy.Buffer = (PWCH)ExAllocatePoolWithTag(PagedPool, Path->Length, LOG_TAG);
    if (copy.Buffer == NULL) {
        ExReleaseFastMutex(&Ext->ConfigMutex);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    RtlCopyMemory(copy.Buffer, Path->Buffer, Path->Length);
    copy.Length = copy.MaximumLength = Path->Length;
    Ext->LogPath = copy.Buffer;
    Ext->LogPathLength = copy.Length;
    ExReleaseFastMutex(&Ext->ConfigMutex);

    InitializeObjectAttributes(&attributes, &copy, OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE, NULL, NULL);
    status = ZwCreateFile(&Ext->LogFile, FILE_APPEND_DATA | SYNCHRONIZE, &attributes, &iosb, NULL,
                          FILE_ATTRIBUTE_NORMAL, FILE_SHARE_READ, FILE_OPEN_IF, FILE_SYNCHRONOUS_IO_NONALERT, NULL, 0);
    return status;
}
