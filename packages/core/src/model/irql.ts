/**
 * The IRQL lattice.
 *
 * A program point may run at any IRQL in an interval [lo, hi] over five abstract levels. The device IRQLs
 * (3..12 on x64, 3..26 on x86) are one level, DIRQL, and everything from CLOCK_LEVEL up is HIGH: no DDI rule
 * distinguishes inside those bands, and collapsing them keeps the lattice finite and tiny (15 intervals).
 *
 * Joins take the hull. A violation of an upper bound `max` is *definite* when lo > max and *possible* when only
 * hi > max.
 */

export enum Level {
  Passive = 0,
  Apc = 1,
  Dispatch = 2,
  Dirql = 3,
  High = 4,
}

export const LEVEL_NAMES = ['PASSIVE_LEVEL', 'APC_LEVEL', 'DISPATCH_LEVEL', 'DIRQL', 'HIGH_LEVEL'] as const;
export type LevelName = (typeof LEVEL_NAMES)[number];

export interface Interval {
  readonly lo: Level;
  readonly hi: Level;
}

export function interval(lo: Level, hi: Level = lo): Interval {
  return lo <= hi ? { lo, hi } : { lo: hi, hi: lo };
}

export const ANY_LEVEL: Interval = interval(Level.Passive, Level.High);

export function hull(a: Interval, b: Interval): Interval {
  return { lo: Math.min(a.lo, b.lo) as Level, hi: Math.max(a.hi, b.hi) as Level };
}

export function sameInterval(a: Interval, b: Interval): boolean {
  return a.lo === b.lo && a.hi === b.hi;
}

/** Whether every level of `inner` is in `outer`. */
export function within(inner: Interval, outer: Interval): boolean {
  return inner.lo >= outer.lo && inner.hi <= outer.hi;
}

/** Narrow `a` to the levels also in `b`; null when they do not meet (an infeasible path). */
export function meet(a: Interval, b: Interval): Interval | null {
  const lo = Math.max(a.lo, b.lo) as Level;
  const hi = Math.min(a.hi, b.hi) as Level;
  return lo <= hi ? { lo, hi } : null;
}

export function levelName(level: Level): LevelName {
  return LEVEL_NAMES[level];
}

export function formatInterval(i: Interval): string {
  return i.lo === i.hi ? levelName(i.lo) : `${levelName(i.lo)}..${levelName(i.hi)}`;
}

/** Numeric IRQL (x64 numbering, the one the WDK headers define for amd64 and arm64) to its abstract level. */
export function levelFromNumber(n: number): Level | undefined {
  if (!Number.isInteger(n) || n < 0 || n > 31) return undefined;
  if (n <= 2) return n as Level;
  if (n <= 12) return Level.Dirql;
  return Level.High;
}

const NAMED_LEVELS: Record<string, Level> = {
  PASSIVE_LEVEL: Level.Passive,
  LOW_LEVEL: Level.Passive,
  APC_LEVEL: Level.Apc,
  DISPATCH_LEVEL: Level.Dispatch,
  DIRQL: Level.Dirql,
  CMCI_LEVEL: Level.Dirql,
  SYNCH_LEVEL: Level.Dirql,
  CLOCK_LEVEL: Level.High,
  CLOCK1_LEVEL: Level.High,
  CLOCK2_LEVEL: Level.High,
  IPI_LEVEL: Level.High,
  POWER_LEVEL: Level.High,
  PROFILE_LEVEL: Level.High,
  DRS_LEVEL: Level.High,
  HIGH_LEVEL: Level.High,
};

/** `DISPATCH_LEVEL`, `2`, `DIRQL` … to a level. */
export function parseLevel(text: string): Level | undefined {
  const t = text.trim().replace(/^\((.*)\)$/s, '$1').trim();
  if (Object.prototype.hasOwnProperty.call(NAMED_LEVELS, t)) return NAMED_LEVELS[t];
  if (/^\d+$/.test(t)) return levelFromNumber(Number(t));
  return undefined;
}

export function isLevelName(text: string): boolean {
  return Object.prototype.hasOwnProperty.call(NAMED_LEVELS, text);
}
