import { useSyncExternalStore } from 'react';

/** The width below which the view drops secondary columns; styles.css uses the same breakpoint. */
const NARROW = '(max-width: 720px)';

const subscribe = (changed: () => void) => {
  const query = window.matchMedia(NARROW);
  query.addEventListener('change', changed);
  return () => query.removeEventListener('change', changed);
};

/**
 * True while the panel is narrow. For layout a stylesheet cannot express: a table whose columns
 * must leave the DOM (hiding cells with CSS breaks a fixed-layout table's column widths).
 */
export function useNarrow(): boolean {
  return useSyncExternalStore(subscribe, () => window.matchMedia(NARROW).matches);
}
