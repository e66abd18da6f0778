/*
 * The DPC calls the device's flush operation through a function-pointer table (ext->Ops->Flush). The analysis
 * does not follow calls through pointers, so it cannot know that this pointer holds OpsFlushToDisk, which opens a
 * file (PASSIVE_LEVEL only); OpsFlushToDisk itself has its address taken and no visible caller, so its entry is
 * only the assumed default and nothing is reported with the default settings.
 */
#include <wdm.h>

typedef struct _OPS_EXTENSION OPS_EXTENSION, *POPS_EXTENSION;

typedef NTSTATUS (*OPS_FLUSH)(_In_ POPS_EXTENSION Ext);

typedef struct _DEVICE_OPS {
    OPS_FLUSH Flush;
} DEVICE_OPS;

struct _OPS_EXTENSION {
    const DEVICE_OPS *Ops;
    KDPC FlushDpc;
    UNICODE_STRING DumpPath;
};

static NTSTATUS
OpsFlushToDisk(
    _In_ POPS_EXTENSION Ext
    )
{
    OBJECT_ATTRIBUTES attributes;
    IO_STATUS_BLOCK iosb;
    HANDLE file;
    NTSTATUS status;

    InitializeObjectAttributes(&attributes, &Ext->DumpPath, OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE, NULL, NULL);
    status = ZwCreateFile(&file, GENERIC_WRITE, &attributes, &iosb, NULL, FILE_ATTRIBUTE_NORMAL, 0,
                          FILE_OVERWRITE_IF, FILE_SYNCHRONOUS_IO_NONALERT, NULL, 0);
    if (NT_SUCCESS(status)) {
        ZwClose(file);
    }
    return status;
}

static const DEVICE_OPS DiskOps = { OpsFlushToDisk };

KDEFERRED_ROUTINE OpsFlushDpc;

VOID
OpsFlushDpc(
    _In_ PKDPC Dpc,
    _In_opt_ PVOID DeferredContext,
    _In_opt_ PVOID SystemArgument1,
    _In_opt_ PVOID SystemArgument2
    )
{
    POPS_EXTENSION ext = (POPS_EXTENSION)DeferredContext;

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);

    ext->Ops->Flush(ext);
}

VOID
OpsInitialize(
    _Inout_ POPS_EXTENSION Ext
    )
{
    Ext->Ops = &DiskOps;
    KeInitializeDpc(&Ext->FlushDpc, OpsFlushDpc, Ext);
}
