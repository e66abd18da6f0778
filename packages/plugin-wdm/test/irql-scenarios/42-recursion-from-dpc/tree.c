/*
 * A recursive helper clones a small configuration tree. The DPC (declared KDEFERRED_ROUTINE) calls it, so every
 * level of the recursion runs at DISPATCH_LEVEL, and the per-node paged allocation is wrong. The trace goes through
 * the DPC's call, not the recursive one.
 */
#include <wdm.h>

#define NODE_TAG 'edoN'

typedef struct _CFG_NODE {
    struct _CFG_NODE *Child[2];
    ULONG Value;
} CFG_NODE, *PCFG_NODE;

typedef struct _TREE_EXTENSION {
    PCFG_NODE Live;
    PCFG_NODE Snapshot;
} TREE_EXTENSION, *PTREE_EXTENSION;

static PCFG_NODE
TreeClone(
    _In_opt_ PCFG_NODE Node
    )
{
    PCFG_NODE copy;

    if (Node == NULL) {
        return NULL;
    }
    copy = (PCFG_NODE)ExAllocatePoolWithTag(PagedPool, sizeof(CFG_NODE), NODE_TAG); // expect: wdm/IrqlExAllocatePool trace=40,57 basis=contract
    if (copy == NULL) {
        return NULL;
    }
    copy->Value = Node->Value;
    copy->Child[0] = TreeClone(Node->Child[0]);
    copy->Child[1] = TreeClone(Node->Child[1]);
    return copy;
}

KDEFERRED_ROUTINE TreeSnapshotDpc;

VOID
TreeSnapshotDpc(
    _In_ PKDPC Dpc,
    _In_opt_ PVOID DeferredContext,
    _In_opt_ PVOID SystemArgument1,
    _In_opt_ PVOID SystemArgument2
    )
{
    PTREE_EXTENSION ext = (PTREE_EXTENSION)DeferredContext;

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);

    if (ext->Snapshot == NULL) {
        ext->Snapshot = TreeClone(ext->Live);
    }
}
