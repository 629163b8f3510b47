import { useSyncExternalStore } from 'react';

/**
 * The width below which the tasks table drops its agent and cost columns (styles.css uses the same
 * breakpoint for the columns that stay): with all seven columns, the task's own title would be left
 * less than 200 px, or nothing at all in an 800 px panel.
 */
const NARROW = '(max-width: 1079px)';

/**
 * One query for the whole view, its answer kept from its `change` events: asking `matchMedia`
 * on every render parses the query and builds a MediaQueryList each time, which showed in the
 * streaming frames of the UI bench.
 */
let query: MediaQueryList | null = null;
let narrow = false;
const listeners = new Set<() => void>();

function onChange(e: MediaQueryListEvent): void {
  narrow = e.matches;
  for (const l of listeners) l();
}

const subscribe = (changed: () => void) => {
  if (!query) {
    query = window.matchMedia(NARROW);
    narrow = query.matches;
    query.addEventListener('change', onChange);
  }
  listeners.add(changed);
  return () => listeners.delete(changed);
};

const snapshot = () => (query ? narrow : window.matchMedia(NARROW).matches);

/**
 * True while the panel is too narrow for the whole tasks table. For layout a stylesheet cannot
 * express: a table whose columns must leave the DOM (hiding cells with CSS breaks a fixed-layout
 * table's column widths).
 */
export function useNarrow(): boolean {
  return useSyncExternalStore(subscribe, snapshot);
}
