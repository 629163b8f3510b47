import { useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Entry } from '../../../src/score';
import { indexOfEntry, positionOf } from '../selection';
import type { RevealRequest } from '../store';
import { usePodium } from '../usePodium';
import { EntryRow } from './EntryRow';

/** Every entry row has this height, so the virtualizer never has to measure. */
export const ROW_HEIGHT = 22;

/**
 * Lists to scroll to their end once the current commit is done. Ten live sessions each following
 * their newest entry then cost one layout between them, not one each.
 */
const toFollow = new Set<HTMLElement>();

function followToEnd(list: HTMLElement): void {
  if (toFollow.size === 0) {
    queueMicrotask(() => {
      for (const el of toFollow) el.scrollTop = el.scrollHeight;
      toFollow.clear();
    });
  }
  toFollow.add(list);
}

/** The last reveal request an entry list acted on (ids only grow). */
let lastReveal = 0;

interface Props {
  sessionId: string;
  label: string;
  entries: readonly Entry[];
  /** Indices of the entries the filter lets through, or null for all. */
  indices: readonly number[] | null;
  selectedEntry: string | null;
  /** A request (from the timeline, the permission strip…) to scroll an entry of this list into view. */
  reveal: RevealRequest | null;
  /** Keep the newest entry in view while the session is live and the engineer is at the bottom. */
  follow: boolean;
}

/**
 * A session's entries, windowed: only the rows in view (plus a few) are in the DOM, so a session
 * with 100k entries scrolls like one with ten. Keyboard: one tab stop per session (roving
 * tabindex); arrows, Page Up/Down, Home/End move; Enter or Space opens the detail; Escape closes it.
 */
export function EntryList({ sessionId, label, entries, indices, selectedEntry, reveal, follow }: Props) {
  const select = usePodium((s) => s.select);
  const count = indices ? indices.length : entries.length;
  const entryAt = (pos: number) => entries[indices ? indices[pos]! : pos]!;

  const selectedPos = selectedEntry === null ? -1 : positionOf(indices, indexOfEntry(entries, selectedEntry));
  const [active, setActive] = useState(() => Math.max(0, selectedPos));
  const activePos = Math.min(active, count - 1);
  // Follow the selection when it changes from elsewhere (a click, a restored state).
  useEffect(() => {
    if (selectedPos >= 0) setActive(selectedPos);
  }, [selectedPos]);

  const scrollRef = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    // A lane shows a handful of rows; a few more either side cover fast scrolling, and every extra
    // row is re-rendered when a streaming session's count changes (aria-setsize).
    overscan: 4,
    // A scroll and a batch of events in the same frame then render the list once, not twice.
    useFlushSync: false,
    onChange: (instance, scrolling) => {
      // Whether the engineer is at the bottom, from the virtualizer's own figures: reading the DOM
      // here would force a layout per list per frame while sessions stream.
      if (scrolling) atBottom.current = (instance.scrollOffset ?? 0) + (instance.scrollRect?.height ?? 0) >= instance.getTotalSize() - ROW_HEIGHT / 2;
    },
  });

  // Moving with the keyboard may target a row that is not rendered yet: scroll it in, and focus it
  // once it is.
  const focusPending = useRef<number | null>(null);
  useLayoutEffect(() => {
    const pos = focusPending.current;
    if (pos === null) return;
    const row = scrollRef.current?.querySelector<HTMLElement>(`[data-pos="${pos}"]`);
    if (row) {
      focusPending.current = null;
      row.focus({ preventScroll: true });
    }
  });

  useLayoutEffect(() => {
    if (follow && atBottom.current && count > 0 && scrollRef.current) followToEnd(scrollRef.current);
  }, [count, follow]);

  // Keyed on the request id only: a reveal scrolls once, then the engineer's scrolling wins.
  const revealPos = reveal?.entry ? positionOf(indices, indexOfEntry(entries, reveal.entry)) : -1;
  const revealPosRef = useRef(revealPos);
  revealPosRef.current = revealPos;
  useEffect(() => {
    const pos = revealPosRef.current;
    // Once per request: a list that unfolds again later must not jump back to an old reveal.
    if (!reveal || pos < 0 || reveal.id <= lastReveal) return;
    lastReveal = reveal.id;
    setActive(pos);
    atBottom.current = false;
    virtualizer.scrollToIndex(pos, { align: 'center' });
    // A list that has just unfolded has not been measured yet; try again once it has.
    const frame = requestAnimationFrame(() => virtualizer.scrollToIndex(pos, { align: 'center' }));
    return () => cancelAnimationFrame(frame);
  }, [reveal, virtualizer]);

  const open = useCallback(
    (pos: number) => {
      const entry = entries[indices ? indices[pos]! : pos];
      if (!entry) return;
      setActive(pos);
      select({ session: sessionId, entry: entry.id });
    },
    [entries, indices, select, sessionId],
  );

  const moveTo = (pos: number) => {
    const next = Math.max(0, Math.min(count - 1, pos));
    setActive(next);
    focusPending.current = next;
    virtualizer.scrollToIndex(next, { align: 'auto' });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? ROW_HEIGHT) / ROW_HEIGHT) - 1);
    switch (e.key) {
      case 'ArrowDown':
        moveTo(activePos + 1);
        break;
      case 'ArrowUp':
        moveTo(activePos - 1);
        break;
      case 'PageDown':
        moveTo(activePos + page);
        break;
      case 'PageUp':
        moveTo(activePos - page);
        break;
      case 'Home':
        moveTo(0);
        break;
      case 'End':
        moveTo(count - 1);
        break;
      case 'Enter':
      case ' ':
        open(activePos);
        break;
      case 'Escape':
        if (selectedEntry === null) return;
        select(null);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  const items = virtualizer.getVirtualItems();
  const activeRendered = items.some((item) => item.index === activePos);

  return (
    <div
      ref={scrollRef}
      className="lane-entries"
      role="listbox"
      aria-label={`Entries of ${label}`}
      // When the tab-stop row is scrolled out of the DOM, the list itself takes the tab stop and hands
      // focus to the row once it is back.
      tabIndex={activeRendered ? -1 : 0}
      onFocus={(e) => {
        if (e.target === e.currentTarget) moveTo(activePos);
      }}
      onKeyDown={onKeyDown}
    >
      <div className="lane-entries-inner" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => (
          <EntryRow
            key={entryAt(item.index).id}
            entry={entryAt(item.index)}
            pos={item.index}
            setSize={count}
            start={item.start}
            selected={item.index === selectedPos}
            tabbable={item.index === activePos}
            onOpen={open}
          />
        ))}
      </div>
    </div>
  );
}
