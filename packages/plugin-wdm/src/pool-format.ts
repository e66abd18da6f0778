/** How pool facts read in messages. */
import type { AllocationSite, RelatedDescriptor } from '@ddi-lint/core';

/** A tag value as the four characters it is written with: 0x67615431 → 'gaT1'. */
export function formatTag(tag: bigint): string {
  const bytes = [24n, 16n, 8n, 0n].map((shift) => Number((tag >> shift) & 0xffn));
  const printable = bytes.every((b) => b >= 0x20 && b < 0x7f);
  return printable ? `'${String.fromCharCode(...bytes)}'` : `0x${tag.toString(16)}`;
}

/** A related location pointing at an allocation, in whichever file it is. */
export function allocationRelated(site: AllocationSite, what = 'allocated here'): RelatedDescriptor[] {
  if (!site.definition) return [];
  return [{ message: `${what} by ${site.spec.name}`, at: { message: what, source: site.definition.source, start: site.call.startIndex, end: site.call.endIndex } }];
}

/** `driver.c:42` for messages. */
export function whereIs(site: AllocationSite): string {
  const file = site.definition?.source.filePath.split(/[\\/]/).pop() ?? '?';
  return `${file}:${site.call.startPosition.row + 1}`;
}
