/**
 * The IRQL range a call may be made at. Most DDIs have a fixed range (the DDI table); a few depend on an
 * argument, and those conditions are data here:
 * - KeSetEvent(Event, Increment, Wait): Wait = TRUE needs <= APC_LEVEL, FALSE allows DISPATCH_LEVEL.
 * - KeWaitForSingleObject / KeWaitForMutexObject / KeWaitForMultipleObjects: a NULL timeout (wait forever) or a
 *   non-zero one needs <= APC_LEVEL; a zero timeout allows DISPATCH_LEVEL (wdm.h: `_When_(Timeout == NULL ||
 *   Timeout->QuadPart != 0, _IRQL_requires_max_(APC_LEVEL))`). The timeout is read when it is the address of a
 *   local the function sets to constants (`timeout.QuadPart = -10 * 1000 * 50`); a pointer we cannot see into is
 *   given the benefit of the doubt.
 * - WdfWaitLockAcquire(Lock, Timeout): NULL (wait forever) needs PASSIVE_LEVEL; a timeout allows APC_LEVEL.
 */
import { Level } from '../model/irql.js';

/** `pointee-non-zero`: the argument is `&local`, and every value the function stores in the local's `pointeeField` is a non-zero constant. */
export type ArgumentTest = 'true' | 'false' | 'null' | 'non-null' | 'pointee-non-zero';

export interface ArgumentDependentBound {
  readonly arg: number;
  readonly argName: string;
  readonly cases: readonly { readonly when: ArgumentTest; readonly max: Level }[];
  /** When the argument is not a constant this table can judge. */
  readonly otherwise: Level;
  /** For a pointer argument: the field of what it points to that `pointee-non-zero` reads. */
  readonly pointeeField?: string;
}

const TIMEOUT_CASES = [
  { when: 'null', max: Level.Apc },
  { when: 'pointee-non-zero', max: Level.Apc },
] as const;

export const ARGUMENT_DEPENDENT_BOUNDS: Readonly<Record<string, ArgumentDependentBound>> = {
  KeSetEvent: {
    arg: 2,
    argName: 'Wait',
    cases: [
      { when: 'true', max: Level.Apc },
      { when: 'false', max: Level.Dispatch },
    ],
    otherwise: Level.Dispatch,
  },
  KeWaitForSingleObject: { arg: 4, argName: 'Timeout', cases: TIMEOUT_CASES, otherwise: Level.Dispatch, pointeeField: 'QuadPart' },
  KeWaitForMutexObject: { arg: 4, argName: 'Timeout', cases: TIMEOUT_CASES, otherwise: Level.Dispatch, pointeeField: 'QuadPart' },
  KeWaitForMultipleObjects: { arg: 6, argName: 'Timeout', cases: TIMEOUT_CASES, otherwise: Level.Dispatch, pointeeField: 'QuadPart' },
  WdfWaitLockAcquire: { arg: 1, argName: 'Timeout', cases: [{ when: 'null', max: Level.Passive }], otherwise: Level.Apc },
};

/** The callees that only read what their pointer arguments point to (a local passed to them keeps its values). */
export const POINTEE_READERS: ReadonlySet<string> = new Set(Object.entries(ARGUMENT_DEPENDENT_BOUNDS).flatMap(([name, b]) => (b.pointeeField ? [name] : [])));

/**
 * Classify an argument for the tests above from its constant value (undefined: not a constant) and, for a
 * pointer, the constant values stored in the field it points to (undefined: not known).
 */
export function argumentMatches(test: ArgumentTest, text: string, value: bigint | undefined, pointee?: readonly bigint[]): boolean {
  const t = text.replace(/\s+/g, '');
  switch (test) {
    case 'null':
      return t === 'NULL' || t === '0' || t === 'nullptr' || t === 'WDF_NO_HANDLE' || value === 0n;
    case 'non-null':
      return t.startsWith('&');
    case 'true':
      return value !== undefined && value !== 0n;
    case 'false':
      return value === 0n;
    case 'pointee-non-zero':
      return !!pointee?.length && pointee.every((v) => v !== 0n);
  }
}

/**
 * DDIs whose reference page gives no usable range in the table ("see remarks"), or a range the header's SAL
 * annotation states differently, with the range wdm.h / ntddk.h annotate them with.
 */
export const DDI_BOUND_OVERRIDES: Readonly<Record<string, { readonly min?: Level; readonly max?: Level }>> = {
  KeAcquireSpinLockAtDpcLevel: { min: Level.Dispatch, max: Level.Dispatch },
  KeReleaseInStackQueuedSpinLockFromDpcLevel: { min: Level.Dispatch, max: Level.Dispatch },
  IoSetCancelRoutine: { min: Level.Passive, max: Level.Dispatch },
  // "At APC_LEVEL, or inside a critical region (KeEnterCriticalRegion, FsRtlEnterFileSystem)": APCs disabled, which
  // PASSIVE_LEVEL code in a critical region satisfies; the IRQL bound is <= APC_LEVEL (wdm.h: _IRQL_requires_max_).
  ExAcquireFastMutexUnsafe: { min: Level.Passive, max: Level.Apc },
  ExReleaseFastMutexUnsafe: { min: Level.Passive, max: Level.Apc },
};
