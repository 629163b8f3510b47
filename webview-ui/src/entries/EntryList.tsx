import './entries.css';
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useVirtualizer, type Range } from '@tanstack/react-virtual';
import type { Entry } from '../../../src/score';
import { indexOfEntry, positionOf } from './selection';
import type { RevealRequest } from '../app/store';
import { usePodium } from '../app/usePodium';
import { EntryRow } from './EntryRow';
import { t } from '../shared/l10n';

/** Every entry row has this height, so the virtualizer never has to measure. */
export const ROW_HEIGHT = 22;

/**
 * Rows rendered beyond each edge of the view. A lane shows a handful of rows; a few more cover
 * fast scrolling, and each is a row to mount when a following list slides on.
 */
const OVERSCAN = 4;
/**
 * The virtualizer is told the row count rounded up to this: it rebuilds its table of row offsets
 * (a pass over every row) whenever the count it is given changes, which for ten streaming sessions
 * of 10k rows each was most of a frame's script time. Rounded, it rebuilds once per 256 new rows;
 * the rows past the real count are never rendered and the list is only as tall as its real rows.
 */
const COUNT_STEP = 256;

/**
 * Lists to scroll to their end once the current commit is done, each to its known end (rows times
 * their height; nothing is read from the DOM). Ten live sessions each following their newest entry
 * then cost one layout between them, not one each.
 */
const toFollow = new Map<HTMLElement, number>();

function followToEnd(list: HTMLElement, top: number): void {
  if (toFollow.size === 0) {
    queueMicrotask(() => {
      for (const [el, at] of toFollow) el.scrollTop = at;
      toFollow.clear();
    });
  }
  toFollow.set(list, top);
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
 * with 100k entries scrolls like one with ten (@tanstack/react-virtual), and a batch of new entries
 * costs the rows it adds. Keyboard: one tab stop per session (roving tabindex); arrows, Page
 * Up/Down, Home/End move; Enter or Space opens the detail; Escape closes it.
 */
export function EntryList({ sessionId, label, entries, indices, selectedEntry, reveal, follow }: Props) {
  const select = usePodium((s) => s.select);
  const count = indices ? indices.length : entries.length;
  const entryAt = (pos: number) => entries[indices ? indices[pos]! : pos]!;
  const totalSize = count * ROW_HEIGHT;

  const selectedPos = selectedEntry === null ? -1 : positionOf(indices, indexOfEntry(entries, selectedEntry));
  const [active, setActive] = useState(() => Math.max(0, selectedPos));
  const activePos = Math.min(active, count - 1);
  // Follow the selection when it changes from elsewhere (a click, a restored state).
  useEffect(() => {
    if (selectedPos >= 0) setActive(selectedPos);
  }, [selectedPos]);

  const scrollRef = useRef<HTMLDivElement>(null);
  const innerRef = useRef<HTMLDivElement>(null);
  /** Whether the engineer is at the bottom (so a live session keeps its newest entry in view). */
  const atBottom = useRef(true);
  const countRef = useRef(count);
  countRef.current = count;
  /** Whether this render shows the list's end (a live session the engineer has not scrolled away from). */
  const followingRef = useRef(false);
  const virtualizer = useVirtualizer({
    count: Math.ceil(count / COUNT_STEP) * COUNT_STEP,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: OVERSCAN,
    // A lane's usual height until the list is laid out, so the first render already has rows.
    initialRect: { width: 0, height: 12 * ROW_HEIGHT },
    // A scroll and a batch of events in the same frame then render the list once, not twice.
    useFlushSync: false,
    rangeExtractor: (range: Range) => {
      const n = countRef.current;
      // While following, the rows are the list's end from this very render: the new rows and the
      // scroll that shows them land in the same frame, not one frame apart. Only the rows in view:
      // above them nothing is seen until the engineer scrolls (and stops following), while every
      // row drawn costs its layout and paint each frame the end moves (a scrubbed replay moves it
      // every frame).
      const from = followingRef.current
        ? n - (range.endIndex - range.startIndex + 1)
        : range.startIndex - range.overscan;
      const to = followingRef.current ? n - 1 : Math.min(n - 1, range.endIndex + range.overscan);
      const rows: number[] = [];
      for (let i = Math.max(0, from); i <= to; i++) rows.push(i);
      return rows;
    },
    onChange: (instance, scrolling) => {
      // Only a scroll says where the engineer wants to be (a resize does not); judged from the
      // virtualizer's own figures, as reading the DOM here would force a layout per list per frame.
      if (scrolling) atBottom.current = (instance.scrollOffset ?? 0) + (instance.scrollRect?.height ?? 0) >= countRef.current * ROW_HEIGHT - ROW_HEIGHT / 2;
    },
  });
  const following = follow && atBottom.current && count > 0;
  followingRef.current = following;
  const viewHeight = virtualizer.scrollRect?.height ?? 0;

  useLayoutEffect(() => {
    if (following && scrollRef.current) followToEnd(scrollRef.current, Math.max(0, totalSize - viewHeight));
  }, [following, totalSize, viewHeight]);

  // aria-setsize is set here rather than rendered: a streaming session changes it with every batch,
  // and rendering it would re-render every row in view for one number.
  useLayoutEffect(() => {
    const rows = innerRef.current?.children;
    if (!rows) return;
    const size = String(count);
    for (let i = 0; i < rows.length; i++) if (rows[i]!.getAttribute('aria-setsize') !== size) rows[i]!.setAttribute('aria-setsize', size);
  });

  /** Scrolls row `pos` into view: centred, or (`auto`) only as far as needed. */
  const scrollToPos = useCallback(
    (pos: number, align: 'center' | 'auto') => {
      const el = scrollRef.current;
      if (!el) return;
      const rowTop = pos * ROW_HEIGHT;
      const height = el.clientHeight;
      const target = align === 'center' ? rowTop - (height - ROW_HEIGHT) / 2 : rowTop < el.scrollTop ? rowTop : rowTop + ROW_HEIGHT > el.scrollTop + height ? rowTop + ROW_HEIGHT - height : el.scrollTop;
      const max = Math.max(0, countRef.current * ROW_HEIGHT - height);
      atBottom.current = Math.min(Math.max(0, target), max) >= max - ROW_HEIGHT / 2;
      virtualizer.scrollToIndex(pos, { align });
    },
    [virtualizer],
  );

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
    scrollToPos(pos, 'center');
    // A list that has just unfolded has not been laid out yet; try again once it has.
    const frame = requestAnimationFrame(() => scrollToPos(pos, 'center'));
    return () => cancelAnimationFrame(frame);
  }, [reveal, scrollToPos]);

  // The rows' click handler reads the latest entries through a ref: one function for the list's
  // life, so a batch of new entries does not re-render the rows already in view.
  const latest = useRef({ entries, indices, sessionId });
  latest.current = { entries, indices, sessionId };
  const open = useCallback(
    (pos: number) => {
      const { entries, indices, sessionId } = latest.current;
      const entry = entries[indices ? indices[pos]! : pos];
      if (!entry) return;
      setActive(pos);
      select({ session: sessionId, entry: entry.id });
    },
    [select],
  );

  const moveTo = (pos: number) => {
    const next = Math.max(0, Math.min(count - 1, pos));
    setActive(next);
    focusPending.current = next;
    scrollToPos(next, 'auto');
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
  const rows = items.map((item) => {
    const entry = entryAt(item.index);
    return <EntryRow key={entry.id} entry={entry} pos={item.index} start={item.index * ROW_HEIGHT} selected={item.index === selectedPos} tabbable={item.index === activePos} onOpen={open} />;
  });

  return (
    <div
      ref={scrollRef}
      className="lane-entries"
      role="listbox"
      aria-label={t('entries.of', { label })}
      // When the tab-stop row is scrolled out of the DOM, the list itself takes the tab stop and hands
      // focus to the row once it is back.
      tabIndex={activeRendered ? -1 : 0}
      onFocus={(e) => {
        if (e.target === e.currentTarget) moveTo(activePos);
      }}
      onKeyDown={onKeyDown}
    >
      <div ref={innerRef} className="lane-entries-inner" style={{ height: totalSize }}>
        {rows}
      </div>
    </div>
  );
}
