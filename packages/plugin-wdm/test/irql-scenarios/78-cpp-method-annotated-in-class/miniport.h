/*
 * A C++ miniport whose lock methods carry their annotations on the in-class declarations; the out-of-class
 * definitions say _Use_decl_annotations_. Without the annotations AcquireDmaLock is reported (PREfast C28167).
 */
#include <wdm.h>

class CMiniportWaveRT
{
public:
    


    VOID AcquireDmaLock();

    _Releases_lock_(m_DmaLock)
    _IRQL_restores_global_(SpinLock, m_DmaIrql)
    VOID ReleaseDmaLock();

private:
    KSPIN_LOCK m_DmaLock;
    KIRQL m_DmaIrql;
};
