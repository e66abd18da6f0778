/*
 * The driver's own lock and allocation macros. They are analysed as functions of the program: LOCK_DEVICE
 * raises the caller's IRQL and keeps the old one in the extension (by design: no IrqlNotRestored in a macro),
 * UNLOCK_DEVICE restores it, and the paged allocation inside ALLOC_PAGED is reported at its use under the lock
 * (read.c), with this #define as the last step of its trace.
 */
#define LOCK_DEVICE(_dev) KeAcquireSpinLock(&(_dev)->Lock, &(_dev)->OldIrql)
#define UNLOCK_DEVICE(_dev) \
    KeReleaseSpinLock(&(_dev)->Lock, (_dev)->OldIrql)
#define ALLOC_PAGED(_n) ExAllocatePoolWithTag(PagedPool, (_n), 'gaTD')
/* Token pasting and stringising: not analysed (nothing C can parse as a function). */
#define TRACE_CALL(_f) DbgPrint("%s\n", #_f); _f
