#include <wdm.h>
#include "globals.h"

KSPIN_LOCK g_StatsLock;
KIRQL g_StatsIrql;

typedef struct _STATS_SAMPLE {
    LIST_ENTRY Link;
    ULONG Value;
} STATS_SAMPLE, *PSTATS_SAMPLE;

LIST_ENTRY g_Samples;

_IRQL_requires_(PASSIVE_LEVEL)
VOID
StatsRecord(
    _In_ ULONG Value
    )
{
    PSTATS_SAMPLE sample;

    LOCK_STATS;
    sample = (PSTATS_SAMPLE)ExAllocatePoolWithTag(PagedPool, sizeof(*sample), 'tatS');   // expect: wdm/IrqlExAllocatePool trace=globals.h:5,22 basis=proven
    if (sample != NULL) {
        sample->Value = Value;
        InsertTailList(&g_Samples, &sample->Link);
    }
    UNLOCK_STATS;
}
