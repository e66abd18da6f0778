/**
 * Analysis units: the groups of files that are analysed together as one program. A run over a samples
 * repository holds many drivers; the whole-program facts (calls between files, callers' locks, registrations,
 * a miniport's SynchronizationModel) only ever connect files of one driver. Splitting the run into units lets
 * each one be analysed on its own — in parallel, cached, and with its memory freed when it is done — and the
 * result does not depend on how many workers there are or in what order they finish.
 *
 * Two files are in one unit when, transitively:
 *  - they are in the same folder, or one's folder contains the other's (the model's "same driver" test);
 *  - one includes the other (`#include "…"` or `<…>`), resolved as the model resolves includes: relative to
 *    the includer first, otherwise the run's file with that path suffix nearest to the includer.
 * Calls resolve through the headers both sides include, so a driver's shared library joins its unit; what a unit
 * no longer sees is a same-named function of an unrelated driver, which the model avoided anyway.
 */

import { includeKey, resolveIncludeAmong } from '@ddi-lint/core';

export interface UnitInput {
  readonly filePath: string;
  readonly text: string;
}

const INCLUDE = /^[ \t]*#[ \t]*include[ \t]*[<"]([^>"\r\n]+)[>"]/gm;

/** Split files into analysis units; units and the files in them are in path order. */
export function partitionIntoUnits<T extends UnitInput>(inputs: readonly T[]): T[][] {
  const sorted = [...inputs].sort((a, b) => (a.filePath < b.filePath ? -1 : a.filePath > b.filePath ? 1 : 0));
  const parent = sorted.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  const union = (a: number, b: number): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };

  const paths = sorted.map((i) => i.filePath.replace(/\\/g, '/').toLowerCase());
  const dirs = paths.map((p) => p.slice(0, p.lastIndexOf('/') + 1));

  // Folders: every file joins the first file of its folder, and each folder the nearest folder above it that holds files.
  const firstInDir = new Map<string, number>();
  sorted.forEach((_, i) => {
    const first = firstInDir.get(dirs[i]);
    if (first === undefined) firstInDir.set(dirs[i], i);
    else union(first, i);
  });
  for (const [dir, first] of firstInDir) {
    for (let up = parentDir(dir); up !== undefined; up = parentDir(up)) {
      const above = firstInDir.get(up);
      if (above !== undefined) {
        union(above, first);
        break;
      }
    }
  }

  // Includes.
  const byBaseName = new Map<string, number[]>();
  paths.forEach((p, i) => {
    const base = p.slice(p.lastIndexOf('/') + 1);
    const list = byBaseName.get(base);
    if (list) list.push(i);
    else byBaseName.set(base, [i]);
  });
  sorted.forEach((input, i) => {
    for (const m of input.text.matchAll(INCLUDE)) {
      const target = resolveIncludeAmong(paths[i], m[1], byBaseName.get(includeKey(m[1])) ?? [], (c) => paths[c], i);
      if (target !== undefined) union(i, target);
    }
  });

  const groups = new Map<number, T[]>();
  sorted.forEach((input, i) => {
    const root = find(i);
    const group = groups.get(root);
    if (group) group.push(input);
    else groups.set(root, [input]);
  });
  return [...groups.keys()].sort((a, b) => a - b).map((root) => groups.get(root)!);
}

function parentDir(dir: string): string | undefined {
  const trimmed = dir.slice(0, -1);
  const slash = trimmed.lastIndexOf('/');
  return slash < 0 ? undefined : trimmed.slice(0, slash + 1);
}
