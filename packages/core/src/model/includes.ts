/**
 * How an `#include` names a file of the run, shared by the program model and the CLI's grouping of files into
 * analysis units (which must join exactly the files the model would resolve). Paths are normalised: forward
 * slashes, lower case.
 */

/** A path with `.` and `..` segments resolved. */
export function normalizePath(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '..') out.pop();
    else if (part !== '.') out.push(part);
  }
  return out.join('/');
}

/** The base-name key under which files are looked up for an include (`"..\\Inc\\Public.h"` → `public.h`). */
export function includeKey(include: string): string {
  const wanted = includeWanted(include);
  return wanted.slice(wanted.lastIndexOf('/') + 1);
}

function includeWanted(include: string): string {
  return include.trim().replace(/\\/g, '/').toLowerCase().replace(/^\.\//, '');
}

/**
 * The file an `#include` from `fromPath` names among `candidates` (the run's files with that base name): the path
 * relative to the includer first, otherwise the one with that path suffix sharing the longest prefix with the
 * includer (project include directories are not known). `self` is never its own include.
 */
export function resolveIncludeAmong<T>(fromPath: string, include: string, candidates: readonly T[], pathOf: (candidate: T) => string, self?: T): T | undefined {
  if (!candidates.length) return undefined;
  const wanted = includeWanted(include);
  const exact = normalizePath(fromPath.slice(0, fromPath.lastIndexOf('/') + 1) + wanted);
  const direct = candidates.find((c) => pathOf(c) === exact);
  if (direct !== undefined) return direct;
  let best: T | undefined;
  let bestShared = -1;
  for (const c of candidates) {
    const p = pathOf(c);
    if (c === self || !(p === wanted || p.endsWith(`/${wanted}`))) continue;
    let shared = 0;
    while (shared < p.length && shared < fromPath.length && p[shared] === fromPath[shared]) shared++;
    if (shared > bestShared) {
      best = c;
      bestShared = shared;
    }
  }
  return best;
}
