/**
 * What IRQL-changing DDIs do to the IRQL (knowledge base §2), as data for the transfer function.
 *
 * A *slot* says where the previous IRQL is kept so that the matching release can restore it:
 * - `{ arg, pointer: true }`  — written through a pointer argument (`KeAcquireSpinLock(&l, &old)`);
 * - `{ arg, pointer: false }` — passed by value to the release (`KeReleaseSpinLock(&l, old)`);
 * - `'return'`                — returned by the acquire (`old = KeAcquireSpinLockRaiseToDpc(&l)`);
 * - `{ object: arg }`         — kept inside the lock object itself (`WdfSpinLockAcquire(lock)`).
 */
import { Level } from '../model/irql.js';

export type SaveSlot = { readonly arg: number; readonly pointer: boolean } | 'return' | { readonly object: number };

/** The level an acquire raises to: fixed, read from an argument (`KeRaiseIrql`), or chosen by a lock kind. */
export type RaiseTarget =
  | Level
  | { readonly levelArg: number }
  | { readonly lockKindArg: number; readonly levels: Readonly<Record<string, Level>>; readonly otherwise: Level };

/** `lock`: the argument naming the lock, so that a release can be checked against its acquire. */
export type IrqlEffect =
  | {
      readonly kind: 'raise';
      readonly to: RaiseTarget;
      readonly save?: SaveSlot;
      readonly lock?: number;
      /** No IRQL change when the driver sets this configuration field to TRUE (passive-level interrupts). */
      readonly noRaiseWhen?: string;
    }
  | { readonly kind: 'restore'; readonly from: SaveSlot; readonly lock?: number };

const ptr = (arg: number): SaveSlot => ({ arg, pointer: true });
const val = (arg: number): SaveSlot => ({ arg, pointer: false });
const obj = (arg: number): SaveSlot => ({ object: arg });

const STORPORT_LOCK_LEVELS = { InterruptLock: Level.Dirql, DpcLock: Level.Dispatch, StartIoLock: Level.Dispatch };

export const IRQL_EFFECTS: Readonly<Record<string, IrqlEffect>> = {
  KeAcquireSpinLock: { kind: 'raise', to: Level.Dispatch, save: ptr(1), lock: 0 },
  KeReleaseSpinLock: { kind: 'restore', from: val(1), lock: 0 },
  KfAcquireSpinLock: { kind: 'raise', to: Level.Dispatch, save: 'return', lock: 0 },
  KfReleaseSpinLock: { kind: 'restore', from: val(1), lock: 0 },
  KeAcquireSpinLockRaiseToDpc: { kind: 'raise', to: Level.Dispatch, save: 'return', lock: 0 },
  KeAcquireSpinLockForDpc: { kind: 'raise', to: Level.Dispatch, save: 'return', lock: 0 },
  KeReleaseSpinLockForDpc: { kind: 'restore', from: val(1), lock: 0 },
  KeAcquireInStackQueuedSpinLock: { kind: 'raise', to: Level.Dispatch, save: ptr(1) },
  KeAcquireInStackQueuedSpinLockForDpc: { kind: 'raise', to: Level.Dispatch, save: ptr(1) },
  KeReleaseInStackQueuedSpinLock: { kind: 'restore', from: ptr(0) },
  KeReleaseInStackQueuedSpinLockForDpc: { kind: 'restore', from: ptr(0) },
  KeAcquireQueuedSpinLock: { kind: 'raise', to: Level.Dispatch, save: 'return' },
  KeReleaseQueuedSpinLock: { kind: 'restore', from: val(1) },
  ExAcquireSpinLockExclusive: { kind: 'raise', to: Level.Dispatch, save: 'return', lock: 0 },
  ExReleaseSpinLockExclusive: { kind: 'restore', from: val(1), lock: 0 },
  ExAcquireSpinLockShared: { kind: 'raise', to: Level.Dispatch, save: 'return', lock: 0 },
  ExReleaseSpinLockShared: { kind: 'restore', from: val(1), lock: 0 },
  KeRaiseIrql: { kind: 'raise', to: { levelArg: 0 }, save: ptr(1) },
  KfRaiseIrql: { kind: 'raise', to: { levelArg: 0 }, save: 'return' },
  KeRaiseIrqlToDpcLevel: { kind: 'raise', to: Level.Dispatch, save: 'return' },
  KeRaiseIrqlToSynchLevel: { kind: 'raise', to: Level.Dirql, save: 'return' },
  KeLowerIrql: { kind: 'restore', from: val(0) },
  KfLowerIrql: { kind: 'restore', from: val(0) },
  ExAcquireFastMutex: { kind: 'raise', to: Level.Apc, save: obj(0) },
  ExReleaseFastMutex: { kind: 'restore', from: obj(0) },
  IoAcquireCancelSpinLock: { kind: 'raise', to: Level.Dispatch, save: ptr(0) },
  IoReleaseCancelSpinLock: { kind: 'restore', from: val(0) },
  IoAcquireVpbSpinLock: { kind: 'raise', to: Level.Dispatch, save: ptr(0) },
  IoReleaseVpbSpinLock: { kind: 'restore', from: val(0) },
  KeAcquireInterruptSpinLock: { kind: 'raise', to: Level.Dirql, save: 'return', lock: 0 },
  KeReleaseInterruptSpinLock: { kind: 'restore', from: val(1), lock: 0 },
  WdfSpinLockAcquire: { kind: 'raise', to: Level.Dispatch, save: obj(0) },
  WdfSpinLockRelease: { kind: 'restore', from: obj(0) },
  // A passive-level interrupt's lock is a wait lock: no IRQL change.
  WdfInterruptAcquireLock: { kind: 'raise', to: Level.Dirql, save: obj(0), noRaiseWhen: 'PassiveHandling' },
  WdfInterruptReleaseLock: { kind: 'restore', from: obj(0) },
  // ndis.h's macros over KeRaiseIrql / KeLowerIrql: `NDIS_RAISE_IRQL_TO_DISPATCH(&old)`, `NDIS_LOWER_IRQL(old, current)`.
  NDIS_RAISE_IRQL_TO_DISPATCH: { kind: 'raise', to: Level.Dispatch, save: ptr(0) },
  NDIS_LOWER_IRQL: { kind: 'restore', from: val(0) },
  NdisAcquireSpinLock: { kind: 'raise', to: Level.Dispatch, save: obj(0) },
  NdisReleaseSpinLock: { kind: 'restore', from: obj(0) },
  NdisAcquireRWLockWrite: { kind: 'raise', to: Level.Dispatch, save: ptr(1) },
  NdisAcquireRWLockRead: { kind: 'raise', to: Level.Dispatch, save: ptr(1) },
  NdisReleaseRWLock: { kind: 'restore', from: ptr(1) },
  StorPortAcquireSpinLock: {
    kind: 'raise',
    to: { lockKindArg: 1, levels: STORPORT_LOCK_LEVELS, otherwise: Level.Dispatch },
    save: ptr(3),
  },
  StorPortReleaseSpinLock: { kind: 'restore', from: ptr(1) },
  StorPortAcquireMSISpinLock: { kind: 'raise', to: Level.Dirql, save: ptr(2) },
  StorPortReleaseMSISpinLock: { kind: 'restore', from: val(2) },
};

export function irqlEffectOf(callee: string): IrqlEffect | undefined {
  return Object.prototype.hasOwnProperty.call(IRQL_EFFECTS, callee) ? IRQL_EFFECTS[callee] : undefined;
}
