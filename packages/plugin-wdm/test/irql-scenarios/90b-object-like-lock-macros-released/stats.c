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

    sample = (PSTATS_SAMPLE)ExAllocatePoolWithTag(PagedPool, sizeof(*sample), 'tatS');
    if (sample != NULL) {
        sample->Value = Value;
        LOCK_STATS;
        InsertTailList(&g_Samples, &sample->Link);
        UNLOCK_STATS;
    }
}
