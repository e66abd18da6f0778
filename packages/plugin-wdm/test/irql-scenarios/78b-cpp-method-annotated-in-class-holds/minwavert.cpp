#include "miniport.h"

_Use_decl_annotations_
VOID CMiniportWaveRT::AcquireDmaLock()
{
    KeAcquireSpinLock(&m_DmaLock, &m_DmaIrql);
}

_Use_decl_annotations_
VOID CMiniportWaveRT::ReleaseDmaLock()
{
    KeReleaseSpinLock(&m_DmaLock, m_DmaIrql);
}
