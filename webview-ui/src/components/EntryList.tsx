import { useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import type { Entry } from '../../../src/score';
import { indexOfEntry, positionOf } from '../selection';
import type { RevealRequest } from '../store';
import { usePodium } from '../usePodium';
import { EntryRow } from './EntryRow';

/** Every entry row has this height, so the window is arithmetic: nothing is ever measured. */
export const ROW_HEIGHT = 22;

/**
 * Rows rendered beyond each edge of the view. A lane shows a handful of rows; a few more cover
 * fast scrolling, and each is a row to mount when a following list slides on.
 */
const OVERSCAN = 4;
/** The view's height assumed until the list has been laid out once (a lane's usual share). */
const INITIAL_VIEW = 12 * ROW_HEIGHT;

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

interface View {
  /** scrollTop and clientHeight as last seen (from scroll and resize events, never read in render). */
  top: number;
  height: number;
}

/**
 * Where a fixed-height list is scrolled and how tall its view is, from scroll events and a
 * ResizeObserver (never read during render). The returned view is current; the list re-renders
 * only when a scroll crosses a row boundary, and not at all for a scroll `quiet` says it made
 * itself (following a live session, which already rendered the rows it scrolled to).
 */
function useView(
  scrollRef: RefObject<HTMLDivElement | null>,
  quiet: (top: number, height: number, scrolled: boolean) => boolean,
): [View, (top: number) => void] {
  const [, setTick] = useState(0);
  const quietRef = useRef(quiet);
  quietRef.current = quiet;
  const latest = useRef<View>({ top: 0, height: INITIAL_VIEW });
  const update = useCallback((top: number, height: number, scrolled: boolean) => {
    const prev = latest.current;
    latest.current = { top, height };
    if (quietRef.current(top, height, scrolled)) return;
    if (Math.floor(prev.top / ROW_HEIGHT) === Math.floor(top / ROW_HEIGHT) && prev.height === height) return;
    setTick((n) => n + 1);
  }, []);
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const onScrollEvent = () => update(el.scrollTop, latest.current.height, true);
    el.addEventListener('scroll', onScrollEvent, { passive: true });
    const observer = new ResizeObserver((records) => {
      const box = records[records.length - 1]!.contentRect;
      update(el.scrollTop, box.height, false);
    });
    observer.observe(el);
    return () => {
      el.removeEventListener('scroll', onScrollEvent);
      observer.disconnect();
    };
  }, [scrollRef, update]);
  const scrollTo = useCallback(
    (top: number) => {
      const el = scrollRef.current;
      if (!el) return;
      el.scrollTop = top;
      // Render the new window now rather than when the scroll event comes, a frame later.
      update(el.scrollTop, latest.current.height, false);
    },
    [scrollRef, update],
  );
  return [latest.current, scrollTo];
}

/**
 * A session's entries, windowed: only the rows in view (plus a few) are in the DOM, so a session
 * with 100k entries scrolls like one with ten. Rows have one fixed height, so which rows are in
 * view is arithmetic on the scroll offset, and a batch of new entries costs the rows it adds.
 * Keyboard: one tab stop per session (roving tabindex); arrows, Page Up/Down, Home/End move;
 * Enter or Space opens the detail; Escape closes it.
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
  /** The offset this list last scrolled itself to while following, to tell it from the engineer's scrolling. */
  const followedTo = useRef(-1);
  const countRef = useRef(count);
  countRef.current = count;
  const [view, scrollTo] = useView(scrollRef, (top, height, scrolled) => {
    // The list's own scroll to its end while following: its rows are already rendered.
    if (scrolled && Math.abs(top - followedTo.current) < 1 && height === heightRef.current) return true;
    // Only a scroll says where the engineer wants to be; a resize (the first layout included) does not.
    if (scrolled) atBottom.current = top + height >= countRef.current * ROW_HEIGHT - ROW_HEIGHT / 2;
    return false;
  });
  const heightRef = useRef(view.height);
  heightRef.current = view.height;

  // While following, the window is the list's end from the start of this render: the new rows and
  // the scroll that shows them land in the same frame.
  const following = follow && atBottom.current && count > 0;
  const top = following ? Math.max(0, totalSize - view.height) : Math.min(view.top, Math.max(0, totalSize - view.height));
  const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(count - 1, Math.ceil((top + view.height) / ROW_HEIGHT) + OVERSCAN - 1);

  useLayoutEffect(() => {
    if (!following || !scrollRef.current) return;
    const end = Math.max(0, totalSize - view.height);
    if (followedTo.current === end) return;
    followedTo.current = end;
    followToEnd(scrollRef.current, end);
  }, [following, totalSize, view.height]);

  // aria-setsize is set here rather than rendered: a streaming session changes it with every batch,
  // and rendering it would re-render every row in view for one number.
  useLayoutEffect(() => {
    const rows = innerRef.current?.children;
    if (!rows) return;
    const size = String(count);
    for (let i = 0; i < rows.length; i++) if (rows[i]!.getAttribute('aria-setsize') !== size) rows[i]!.setAttribute('aria-setsize', size);
  });

  /** Scrolls row `pos` into view: centred, or (`nearest`) only as far as needed. */
  const scrollToPos = useCallback(
    (pos: number, align: 'center' | 'nearest') => {
      const el = scrollRef.current;
      if (!el) return;
      const height = el.clientHeight;
      const rowTop = pos * ROW_HEIGHT;
      let target = el.scrollTop;
      if (align === 'center') target = rowTop - (height - ROW_HEIGHT) / 2;
      else if (rowTop < target) target = rowTop;
      else if (rowTop + ROW_HEIGHT > target + height) target = rowTop + ROW_HEIGHT - height;
      target = Math.max(0, Math.min(target, countRef.current * ROW_HEIGHT - height));
      if (target !== el.scrollTop) {
        atBottom.current = target + height >= countRef.current * ROW_HEIGHT - ROW_HEIGHT / 2;
        scrollTo(target);
      }
    },
    [scrollTo],
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
    scrollToPos(next, 'nearest');
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

  const activeRendered = activePos >= first && activePos <= last;
  const rows = [];
  for (let pos = first; pos <= last; pos++) {
    const entry = entryAt(pos);
    rows.push(
      <EntryRow key={entry.id} entry={entry} pos={pos} start={pos * ROW_HEIGHT} selected={pos === selectedPos} tabbable={pos === activePos} onOpen={open} />,
    );
  }

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
      <div ref={innerRef} className="lane-entries-inner" style={{ height: totalSize }}>
        {rows}
      </div>
    </div>
  );
}
