#include "miniport.h"

_Use_decl_annotations_
VOID CMiniportWaveRT::AcquireDmaLock()
{
    KeAcquireSpinLock(&m_DmaLock, &m_DmaIrql); // expect: wdm/IrqlNotRestored trace=6 basis=proven
}

_Use_decl_annotations_
VOID CMiniportWaveRT::ReleaseDmaLock()
{
    KeReleaseSpinLock(&m_DmaLock, m_DmaIrql);
}
