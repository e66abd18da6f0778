//
// Object-like macros that are one DDI call each: every use (`LOCK_STATS;`) is analysed as a call of the macro,
// so the lock it takes raises the caller's IRQL and the matching macro restores it.
//
#define LOCK_STATS KeAcquireSpinLock(&g_StatsLock, &g_StatsIrql)
#define UNLOCK_STATS KeReleaseSpinLock(&g_StatsLock, g_StatsIrql)

extern KSPIN_LOCK g_StatsLock;
extern KIRQL g_StatsIrql;
