/*
 * The NDIS pattern: the macro takes the lock with the DPR variant when the caller says it runs at
 * DISPATCH_LEVEL. Which branch runs is decided by the argument at each use, which an analysis of the macro as
 * one function cannot see: nothing is reported inside it (the finding would be assumed, not proven).
 */
#include <ndis.h>

#define FILTER_ACQUIRE_LOCK(_pLock, DispatchLevel)  \
    {                                               \
        if (DispatchLevel)                          \
        {                                           \
            NdisDprAcquireSpinLock(_pLock);         \
        }                                           \
        else                                        \
        {                                           \
            NdisAcquireSpinLock(_pLock);            \
        }                                           \
    }

#define FILTER_RELEASE_LOCK(_pLock, DispatchLevel)  \
    {                                               \
        if (DispatchLevel)                          \
        {                                           \
            NdisDprReleaseSpinLock(_pLock);         \
        }                                           \
        else                                        \
        {                                           \
            NdisReleaseSpinLock(_pLock);            \
        }                                           \
    }
