/*
 * A recursive walk takes each node's spin lock, recurses into the children and releases it: the recursion is
 * balanced, so its summary leaves the caller's IRQL unchanged, and the registry flush after the walk runs at
 * PASSIVE_LEVEL.
 */
#include <wdm.h>

typedef struct _CFG_NODE {
    KSPIN_LOCK Lock;
    struct _CFG_NODE *Child[2];
    ULONG Value;
    BOOLEAN Dirty;
} CFG_NODE, *PCFG_NODE;

typedef struct _TREE_EXTENSION {
    PCFG_NODE Root;
    HANDLE ParametersKey;
} TREE_EXTENSION, *PTREE_EXTENSION;

static ULONG
TreeCountDirty(
    _In_opt_ PCFG_NODE Node
    )
{
    ULONG dirty;
    KIRQL oldIrql;

    if (Node == NULL) {
        return 0;
    }
    KeAcquireSpinLock(&Node->Lock, &oldIrql);
    dirty = Node->Dirty ? 1 : 0;
    dirty += TreeCountDirty(Node->Child[0]);
    dirty += TreeCountDirty(Node->Child[1]);
    KeReleaseSpinLock(&Node->Lock, oldIrql);
    return dirty;
}

_Dispatch_type_(IRP_MJ_FLUSH_BUFFERS)
DRIVER_DISPATCH TreeDispatchFlush;

_Use_decl_annotations_
NTSTATUS
TreeDispatchFlush(
    PDEVICE_OBJECT DeviceObject,
    PIRP Irp
    )
{
    PTREE_EXTENSION ext = (PTREE_EXTENSION)DeviceObject->DeviceExtension;
    NTSTATUS status = STATUS_SUCCESS;

    if (TreeCountDirty(ext->Root) != 0) {
        status = ZwFlushKey(ext->ParametersKey);
    }
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}
