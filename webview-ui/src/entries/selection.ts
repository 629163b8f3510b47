/** Finding entries by id without scanning a long session on every render. */
import type { Entry } from '../../../src/score';

/**
 * The index of entry `id` in `entries`. The reducer names entries `e<seq>` and appends them in seq
 * order, so a binary search on seq finds it; anything else falls back to a scan.
 */
export function indexOfEntry(entries: readonly Entry[], id: string): number {
  const seq = /^e\d+$/.test(id) ? Number(id.slice(1)) : NaN;
  if (Number.isSafeInteger(seq)) {
    let lo = 0;
    let hi = entries.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const s = entries[mid]!.seq;
      if (s === seq) return entries[mid]!.id === id ? mid : entries.findIndex((e) => e.id === id);
      if (s < seq) lo = mid + 1;
      else hi = mid - 1;
    }
  }
  return entries.findIndex((e) => e.id === id);
}

/** Position of entry index `index` among the visible `indices` (null = all visible), or -1. */
export function positionOf(indices: readonly number[] | null, index: number): number {
  if (index < 0) return -1;
  if (indices === null) return index;
  let lo = 0;
  let hi = indices.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = indices[mid]!;
    if (v === index) return mid;
    if (v < index) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
