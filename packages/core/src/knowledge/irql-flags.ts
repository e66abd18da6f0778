/**
 * Arguments that state the caller's IRQL (knowledge base: NDIS "Dispatch IRQL Tracking").
 *
 * NDIS passes, and drivers pass on, a dispatch-level flag: the caller sets it only when it knows it runs at
 * DISPATCH_LEVEL, and clears it when it runs below or does not know. A set flag therefore means DISPATCH_LEVEL at
 * the call that received it; a clear one says nothing.
 */

/** The flag bits (`SendFlags & NDIS_SEND_FLAGS_DISPATCH_LEVEL`). */
export const DISPATCH_LEVEL_FLAGS: ReadonlySet<string> = new Set([
  'NDIS_SEND_FLAGS_DISPATCH_LEVEL',
  'NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL',
  'NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL',
  'NDIS_RETURN_FLAGS_DISPATCH_LEVEL',
  'NDIS_RWL_AT_DISPATCH_LEVEL',
]);

/** The ndis.h macros that test one of them in their argument (`NDIS_TEST_SEND_AT_DISPATCH_LEVEL(SendFlags)`). */
export const DISPATCH_LEVEL_FLAG_TESTS: ReadonlySet<string> = new Set([
  'NDIS_TEST_SEND_AT_DISPATCH_LEVEL',
  'NDIS_TEST_SEND_COMPLETE_AT_DISPATCH_LEVEL',
  'NDIS_TEST_RECEIVE_AT_DISPATCH_LEVEL',
  'NDIS_TEST_RETURN_AT_DISPATCH_LEVEL',
]);
