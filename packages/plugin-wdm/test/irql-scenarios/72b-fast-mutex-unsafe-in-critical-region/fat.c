/*
 * ExAcquireFastMutexUnsafe at PASSIVE_LEVEL inside a critical region: allowed ("at APC_LEVEL, or with APCs
 * disabled by KeEnterCriticalRegion / FsRtlEnterFileSystem"). Its IRQL bound is <= APC_LEVEL, not == APC_LEVEL.
 */
#include <ntifs.h>

typedef struct _VCB {
    FAST_MUTEX DirectoryMutex;
    ULONG Dirents;
} VCB, *PVCB;

_IRQL_requires_(PASSIVE_LEVEL)
VOID
FatAddDirent(
    _Inout_ PVCB Vcb
    )
{
    FsRtlEnterFileSystem();
    ExAcquireFastMutexUnsafe(&Vcb->DirectoryMutex);
    Vcb->Dirents++;
    ExReleaseFastMutexUnsafe(&Vcb->DirectoryMutex);
    FsRtlExitFileSystem();
}
