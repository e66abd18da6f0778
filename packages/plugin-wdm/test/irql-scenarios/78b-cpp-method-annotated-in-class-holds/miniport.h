/*
 * A C++ miniport whose lock methods carry their annotations on the in-class declarations; the out-of-class
 * definitions say _Use_decl_annotations_. AcquireDmaLock returns holding the lock by contract: not reported.
 */
#include <wdm.h>

class CMiniportWaveRT
{
public:
    _IRQL_raises_(DISPATCH_LEVEL)
    _Acquires_lock_(m_DmaLock)
    _IRQL_saves_global_(SpinLock, m_DmaIrql)
    VOID AcquireDmaLock();

    _Releases_lock_(m_DmaLock)
    _IRQL_restores_global_(SpinLock, m_DmaIrql)
    VOID ReleaseDmaLock();

private:
    KSPIN_LOCK m_DmaLock;
    KIRQL m_DmaIrql;
};
