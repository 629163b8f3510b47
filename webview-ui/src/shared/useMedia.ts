import { useSyncExternalStore } from 'react';

/**
 * Widths below which the tasks table changes shape; tasks/tasks.css uses the same breakpoints for the
 * columns that stay. With all seven columns the task's own title would be left less than 200 px
 * (nothing at all in an 800 px panel), so below COMPACT the agent and cost columns leave; below
 * TINY (a panel in a side bar) the follow-up column leaves too, and a task that waits for input gets
 * its follow-up box on a line of its own.
 */
export const COMPACT = '(max-width: 1079px)';
export const TINY = '(max-width: 560px)';

interface Watched {
  matches: boolean;
  listeners: Set<() => void>;
  /** The same two functions on every render, so React never resubscribes. */
  subscribe(changed: () => void): () => void;
  snapshot(): boolean;
}

/**
 * One MediaQueryList per query for the whole view, its answer kept from its `change` events: asking
 * `matchMedia` on every render parses the query and builds a MediaQueryList each time, which showed
 * in the streaming frames of the UI bench.
 */
const watched = new Map<string, Watched>();

function watch(media: string): Watched {
  let w = watched.get(media);
  if (!w) {
    const query = window.matchMedia(media);
    const entry: Watched = {
      matches: query.matches,
      listeners: new Set(),
      subscribe: (changed) => {
        entry.listeners.add(changed);
        return () => entry.listeners.delete(changed);
      },
      snapshot: () => entry.matches,
    };
    query.addEventListener('change', (e) => {
      entry.matches = e.matches;
      for (const l of entry.listeners) l();
    });
    watched.set(media, (w = entry));
  }
  return w;
}

/**
 * Whether a media query holds, for layout a stylesheet cannot express: a table whose columns must
 * leave the DOM (hiding cells with CSS breaks a fixed-layout table's column widths).
 */
export function useMedia(media: string): boolean {
  const w = watch(media);
  return useSyncExternalStore(w.subscribe, w.snapshot);
}
