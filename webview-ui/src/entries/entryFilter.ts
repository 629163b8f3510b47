/**
 * Which entries of a session the kind filter and search let through, kept incrementally: the
 * reducer only appends entries or replaces one at its index, so after a batch only the entries
 * whose object changed need the (costly, text-searching) match again. A session with 100k entries
 * therefore costs one pointer comparison per entry per batch, not one text search.
 */
import { matchesFilter, type Entry, type EntryFilter, type EntryKind } from '../../../src/score';

export interface FilterSpec {
  kind: EntryKind | 'all';
  search: string;
}

export interface FilterMemo {
  entries: readonly Entry[];
  spec: FilterSpec;
  matches: Uint8Array;
  /** Indices into `entries` that pass, in order; null when the filter lets everything through. */
  indices: number[] | null;
}

export function isFilterActive(spec: FilterSpec): boolean {
  return spec.kind !== 'all' || spec.search.trim() !== '';
}

export function filterEntries(prev: FilterMemo | undefined, entries: readonly Entry[], spec: FilterSpec): FilterMemo {
  if (!isFilterActive(spec)) return { entries, spec, matches: new Uint8Array(0), indices: null };
  if (prev && prev.entries === entries && sameSpec(prev.spec, spec)) return prev;

  const filter: EntryFilter = {
    kinds: spec.kind === 'all' ? undefined : new Set([spec.kind]),
    text: spec.search.trim() || undefined,
  };
  const reuse = prev && prev.indices !== null && sameSpec(prev.spec, spec) && prev.entries.length <= entries.length ? prev : undefined;
  const matches = new Uint8Array(entries.length);
  const indices: number[] = [];
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    const ok = reuse && i < reuse.entries.length && reuse.entries[i] === entry ? reuse.matches[i] === 1 : matchesFilter(entry, filter);
    if (ok) {
      matches[i] = 1;
      indices.push(i);
    }
  }
  return { entries, spec, matches, indices };
}

function sameSpec(a: FilterSpec, b: FilterSpec): boolean {
  return a.kind === b.kind && a.search === b.search;
}
