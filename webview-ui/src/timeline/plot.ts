/**
 * The timeline's drawing and interaction, outside React: a <canvas> per lane, one under them (grid,
 * the keyboard's lane), one over them (now, the selection) and one for the axis, redrawn at most
 * once per animation frame however many changes arrive. A lane's marks are bucketed per pixel
 * column (the most important entry in a column is drawn), so the cost of a frame follows the
 * plot's width and the entries in view, never the DOM: 100k entries make no DOM nodes at all. A
 * lane is redrawn only when something it shows changed, so ten streaming sessions cost the lanes
 * that got events, not all ten.
 *
 * Interaction: drag or wheel pans, Ctrl+wheel (a pinch) zooms around the pointer, a click selects
 * the mark under it. Keyboard (the plot is one tab stop): ←/→ pan, +/− zoom, 0 shows everything,
 * End follows now, ↑/↓ pick a lane, [ and ] step through that lane's entries, Enter selects the one
 * nearest the middle.
 */
import type { Entry } from '../../../src/score';
import { clockTime, fullTime } from '../shared/format';
import { KIND_LOOK, kindLabel } from '../entries/kinds';
import { t } from '../shared/l10n';
import { indexOfEntry } from '../entries/selection';
import type { Selection } from '../app/store';
import { Columns, LaneIndex, STYLES, type Phase } from './lane';
import { PaletteReader, watchTheme, type Palette } from './palette';
import { fitRange, panRange, rangeShowing, span, spanText, ticks, tickLabel, zoomRange, type Range } from './view';

export const LANE_HEIGHT = 22;
export const AXIS_HEIGHT = 20;
/** A click this close to a mark selects it. */
const HIT_PX = 6;
/** A mark with no neighbour this close is drawn as its kind's glyph; crowded marks are ticks. */
const ISOLATED_PX = 15;
/**
 * A journal can end with a session still "running" (its host died). Following now would then
 * stretch the axis from that day to today, so a session counts as live only while events keep
 * coming: the latest within this long.
 */
const STALE_MS = 15 * 60_000;
/** Live, "show everything" moves its end this many pixels at a time (see `fitted`). */
const FIT_STEP_PX = 16;
/** Bars drawn per lane at most: past this a lane is a solid band anyway. */
const MAX_BARS = 4096;

export interface LaneData {
  id: string;
  label: string;
  entries: readonly Entry[];
  /** The session's open entries and pending permissions: the only old entries a batch can change. */
  open: Readonly<Record<string, number>>;
  pending: Readonly<Record<string, number>>;
  /** Which entries the kind and text filters let through (1), or null for all. */
  matches: Uint8Array | null;
  live: boolean;
  lastTs: number;
}

export interface PlotData {
  lanes: LaneData[];
  firstTs: number;
  lastTs: number;
  /** False while a journal is still loading: what looks live may be history not yet read to its end. */
  mayBeLive: boolean;
  selection: Selection | null;
  eventCount: number;
  /**
   * The plot's "now": absent, the wall clock; in replay, the playhead's time, so what was running
   * then is drawn up to the playhead and following follows it.
   */
  clock?: number;
}

export type FollowMode = 'fit' | 'follow' | 'free';

interface LaneCacheEntry {
  canvas: HTMLCanvasElement;
  /** Its lane's place, to move the canvas only when the lane order changed. */
  top: number;
  version: number;
  matches: Uint8Array | null;
  laneEnd: number;
  start: number;
  end: number;
  width: number;
  dpr: number;
  palette: number;
  /** How many lifecycle phases the staff was drawn with, and how tall the ticks were. */
  phases: number;
  tall: number;
}

/** What the React shell shows around the plot; replaced (never mutated) when it changes. */
export interface PlotState {
  start: number;
  end: number;
  mode: FollowMode;
  live: boolean;
  activeLane: number;
  focused: boolean;
}

export interface PlotElements {
  /** The focusable element holding the canvases; pointer and key input arrive here. */
  plot: HTMLElement;
  /** Under the lanes: grid lines and the keyboard's lane. */
  under: HTMLCanvasElement;
  /** The element the lanes' canvases are added to, in lane order. */
  lanes: HTMLElement;
  /** Over the lanes: the now line and the selected mark's ring. */
  over: HTMLCanvasElement;
  axis: HTMLCanvasElement;
  tooltip: HTMLElement;
  /** The element that scrolls vertically when lanes overflow. */
  scroller: HTMLElement;
}

export interface PlotCallbacks {
  /** A mark was clicked or stepped to. */
  select(selection: Selection): void;
  /** Tells a screen reader what a keyboard move did. */
  announce(text: string): void;
}

export class TimelinePlot {
  private data: PlotData = { lanes: [], firstTs: 0, lastTs: 0, mayBeLive: false, selection: null, eventCount: 0 };
  private readonly index = new Map<string, LaneIndex>();
  private columns: Columns[] = [];
  private mode: FollowMode = 'fit';
  private range: Range = { start: 0, end: 1 };
  private followSpan = 60_000;
  private activeLane = 0;
  private focused = false;
  private width = 0;
  private frame = 0;
  private liveTimer: ReturnType<typeof setTimeout> | undefined;
  private drawnRange: Range = { start: 0, end: 1 };
  private state: PlotState = { start: 0, end: 1, mode: 'fit', live: false, activeLane: 0, focused: false };
  private readonly listeners = new Set<() => void>();
  private readonly palettes: PaletteReader;
  private palette: Palette;
  private drag: { x: number; range: Range; moved: boolean; id: number } | null = null;
  private readonly cleanups: Array<() => void> = [];
  /** Each lane's canvas and what it was last drawn from (see drawLane). */
  private readonly laneCache = new Map<string, LaneCacheEntry>();
  private paletteVersion = 0;
  /** What each shared layer was last drawn from; a layer is redrawn only when its key changes. */
  private readonly layerKeys = { under: '', over: '', axis: '' };
  /**
   * Tick labels drawn once, as small bitmaps, and copied onto the axis: scrubbing moves the axis every
   * frame, and drawing text on a canvas costs far more than copying its pixels.
   */
  private readonly labels = new Map<string, HTMLCanvasElement>();
  private occupied = new Int32Array(0);
  private tickStyle = new Int16Array(0);
  /** Scratch: the styles a lane's columns had before they were worked out again (see changedX). */
  private drawnStyle = new Int16Array(0);

  constructor(
    private readonly els: PlotElements,
    private readonly callbacks: PlotCallbacks,
  ) {
    this.palettes = new PaletteReader(els.plot);
    this.palette = this.readPalette();
    const on = <K extends keyof HTMLElementEventMap>(el: HTMLElement, type: K, fn: (e: HTMLElementEventMap[K]) => void, opts?: AddEventListenerOptions) => {
      el.addEventListener(type, fn as EventListener, opts);
      this.cleanups.push(() => el.removeEventListener(type, fn as EventListener, opts));
    };
    on(els.plot, 'pointerdown', (e) => this.onPointerDown(e));
    on(els.plot, 'pointermove', (e) => this.onPointerMove(e));
    on(els.plot, 'pointerup', (e) => this.onPointerUp(e));
    on(els.plot, 'pointercancel', () => (this.drag = null));
    on(els.plot, 'pointerleave', () => this.hideTooltip());
    on(els.plot, 'dblclick', (e) => this.zoomAt(0.5, this.fraction(e.clientX)));
    // Not passive: a wheel over the plot pans or zooms it instead of scrolling the page.
    on(els.plot, 'wheel', (e) => this.onWheel(e), { passive: false });
    on(els.plot, 'keydown', (e) => {
      if (this.onKey(e)) e.preventDefault();
    });
    on(els.plot, 'focus', () => this.setFocused(true));
    on(els.plot, 'blur', () => this.setFocused(false));
    // The plot's width comes from here, never from reading layout while drawing: a draw follows
    // React's DOM changes, and a layout read then would force a second layout in the frame.
    const resize = new ResizeObserver((records) => {
      const width = Math.floor(records.at(-1)!.contentRect.width);
      if (width === this.width) return;
      this.width = width;
      cancelAnimationFrame(this.frame);
      this.draw();
    });
    resize.observe(els.plot);
    this.cleanups.push(() => resize.disconnect());
    this.cleanups.push(
      watchTheme(() => {
        this.palette = this.readPalette();
        this.paletteVersion++;
        this.schedule();
      }),
    );
  }

  dispose(): void {
    cancelAnimationFrame(this.frame);
    clearTimeout(this.liveTimer);
    for (const c of this.cleanups.splice(0)) c();
    this.palettes.dispose();
  }

  // ── data and state ────────────────────────────────────────────────────────────────────────────

  setData(data: PlotData): void {
    const prevSelection = this.data.selection;
    this.data = data;
    if (this.activeLane >= data.lanes.length) this.activeLane = Math.max(0, data.lanes.length - 1);
    for (const id of [...this.index.keys()]) {
      if (data.lanes.some((l) => l.id === id)) continue;
      this.index.delete(id);
      this.laneCache.get(id)?.canvas.remove();
      this.laneCache.delete(id);
    }
    const sel = data.selection;
    if (sel && (sel.session !== prevSelection?.session || sel.entry !== prevSelection?.entry)) {
      const lane = data.lanes.findIndex((l) => l.id === sel.session);
      if (lane >= 0) {
        this.activeLane = lane;
        this.bringIntoView(sel);
      }
    }
    // Drawn now rather than next frame: data arrives at most once per frame (the store applies host
    // messages per frame), and drawing now puts a batch's marks on screen with its rows.
    cancelAnimationFrame(this.frame);
    this.draw();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  getState = (): PlotState => this.state;

  private publish(): void {
    const s = this.state;
    const r = this.drawnRange;
    const live = this.isLive(this.now());
    if (s.start === r.start && s.end === r.end && s.mode === this.mode && s.live === live && s.activeLane === this.activeLane && s.focused === this.focused) return;
    this.state = { start: r.start, end: r.end, mode: this.mode, live, activeLane: this.activeLane, focused: this.focused };
    for (const l of this.listeners) l();
  }

  private lane(data: LaneData): LaneIndex {
    let idx = this.index.get(data.id);
    if (!idx) this.index.set(data.id, (idx = new LaneIndex()));
    idx.update(data.entries, data.open, data.pending);
    return idx;
  }

  // ── time arithmetic ───────────────────────────────────────────────────────────────────────────

  /** The plot's clock: the playhead's time in replay, the wall clock otherwise. */
  private now(): number {
    return this.data.clock ?? Date.now();
  }

  private isLive(now: number): boolean {
    const d = this.data;
    return d.mayBeLive && d.lanes.some((l) => l.live) && now - d.lastTs < STALE_MS;
  }

  /**
   * The time the score covers. Live, the end moves with every event and every tick of the clock;
   * rounded up to about `pixels` pixels' worth, the range (and so every lane's drawing) stays put
   * until it has moved that far.
   */
  private extent(now: number, pixels = 1): Range {
    const d = this.data;
    if (!this.isLive(now)) return { start: d.firstTs, end: d.lastTs };
    const step = this.pixelStep() * pixels;
    const end = Math.max(d.lastTs, now);
    return { start: d.firstTs, end: step > 1 ? Math.ceil(end / step) * step : end };
  }

  /**
   * The whole score, as "show everything" frames it. Its end is rounded to FIT_STEP_PX pixels: a
   * fitted plot squeezes every mark a little whenever its end moves, so every lane is drawn again,
   * and ten live lanes drawn again each pixel (every couple of seconds on an hour's score) were the
   * slowest frames while sessions stream. Now runs on into the room that leaves.
   */
  private fitted(now: number): Range {
    return fitRange(this.extent(now, FIT_STEP_PX));
  }

  /**
   * About a pixel's worth of time, as a power of two so it does not change with every small change
   * of the range it is derived from (that would move the rounded end, and with it the range, on
   * every draw).
   */
  private pixelStep(): number {
    const perPixel = span(this.drawnRange) / Math.max(1, this.width);
    return perPixel > 1 ? 2 ** Math.floor(Math.log2(perPixel)) : 0;
  }

  private current(now: number): Range {
    if (this.mode === 'fit') return this.fitted(now);
    const extent = this.extent(now);
    if (this.mode === 'follow') {
      // A little room after now, so the newest marks are not on the very edge.
      const end = extent.end + this.followSpan * 0.03;
      return { start: end - this.followSpan, end };
    }
    return this.range;
  }

  /** Adopts a new range, and the mode it implies: all of the score is fit, reaching now is follow. */
  private setRange(next: Range): void {
    const now = this.now();
    const extent = this.extent(now);
    const fit = this.fitted(now);
    if (span(next) >= span(fit) * 0.999) {
      this.mode = 'fit';
    } else if (this.isLive(now) && next.end >= extent.end) {
      this.mode = 'follow';
      this.followSpan = span(next);
    } else {
      this.mode = 'free';
      this.range = next;
    }
    this.schedule();
  }

  private fraction(clientX: number): number {
    const rect = this.els.plot.getBoundingClientRect();
    return rect.width > 0 ? Math.min(1, Math.max(0, (clientX - rect.left) / rect.width)) : 0.5;
  }

  // ── commands (buttons and keys) ───────────────────────────────────────────────────────────────

  /** Zooms around `anchor` (0…1 across the plot); while following now, around now. */
  zoomAt(factor: number, anchor?: number): void {
    const now = this.now();
    const at = anchor ?? (this.mode !== 'free' && this.isLive(now) ? 1 : this.selectionAnchor(now) ?? 0.5);
    this.setRange(zoomRange(this.current(now), factor, at, this.extent(now)));
    this.say(t('timeline.say.showing', { span: spanText(span(this.current(this.now()))) }));
  }

  zoomIn(): void {
    this.zoomAt(1 / 1.6);
  }

  zoomOut(): void {
    this.zoomAt(1.6);
  }

  fit(): void {
    this.mode = 'fit';
    this.schedule();
    this.say(t('timeline.say.whole'));
  }

  follow(): void {
    const now = this.now();
    if (!this.isLive(now)) {
      const r = this.current(now);
      this.setRange(panRange(r, this.extent(now).end - r.end + span(r) * 0.03, this.extent(now)));
      return;
    }
    this.followSpan = Math.min(span(this.current(now)), span(fitRange(this.extent(now))));
    this.mode = 'follow';
    this.schedule();
    this.say(t('timeline.say.following'));
  }

  panBy(fraction: number): void {
    const now = this.now();
    const r = this.current(now);
    this.setRange(panRange(r, span(r) * fraction, this.extent(now)));
  }

  setActiveLane(lane: number): void {
    const n = this.data.lanes.length;
    if (n === 0) return;
    this.activeLane = Math.min(n - 1, Math.max(0, lane));
    const y = this.activeLane * LANE_HEIGHT;
    const sc = this.els.scroller;
    if (y < sc.scrollTop) sc.scrollTop = y;
    else if (y + LANE_HEIGHT + AXIS_HEIGHT > sc.scrollTop + sc.clientHeight) sc.scrollTop = y + LANE_HEIGHT + AXIS_HEIGHT - sc.clientHeight;
    this.schedule();
  }

  private selectionAnchor(now: number): number | undefined {
    const sel = this.data.selection;
    if (!sel) return undefined;
    const lane = this.data.lanes.find((l) => l.id === sel.session);
    const i = lane ? indexOfEntry(lane.entries, sel.entry) : -1;
    if (!lane || i < 0) return undefined;
    const r = this.current(now);
    const f = (lane.entries[i]!.ts - r.start) / span(r);
    return f >= 0 && f <= 1 ? f : undefined;
  }

  private bringIntoView(sel: Selection): void {
    const lane = this.data.lanes.find((l) => l.id === sel.session);
    const i = lane ? indexOfEntry(lane.entries, sel.entry) : -1;
    if (!lane || i < 0 || this.mode === 'fit') return;
    const now = this.now();
    const r = this.current(now);
    const next = rangeShowing(r, lane.entries[i]!.ts, this.extent(now));
    if (next !== r) {
      this.mode = 'free';
      this.range = next;
    }
  }

  private onKey(e: KeyboardEvent): boolean {
    if (e.altKey || ((e.ctrlKey || e.metaKey) && !['+', '=', '-', '_', '0'].includes(e.key))) return false;
    switch (e.key) {
      case 'ArrowLeft':
        this.panBy(e.shiftKey ? -0.5 : -0.1);
        return true;
      case 'ArrowRight':
        this.panBy(e.shiftKey ? 0.5 : 0.1);
        return true;
      case '+':
      case '=':
        this.zoomIn();
        return true;
      case '-':
      case '_':
        this.zoomOut();
        return true;
      case '0':
        this.fit();
        return true;
      case 'Home': {
        const now = this.now();
        const r = this.current(now);
        this.setRange(panRange(r, fitRange(this.extent(now)).start - r.start, this.extent(now)));
        return true;
      }
      case 'End':
        this.follow();
        return true;
      case 'ArrowUp':
      case 'ArrowDown': {
        this.setActiveLane(this.activeLane + (e.key === 'ArrowUp' ? -1 : 1));
        const lane = this.data.lanes[this.activeLane];
        if (lane) this.say(t('timeline.say.lane', { label: lane.label, index: String(this.activeLane + 1), total: String(this.data.lanes.length) }));
        return true;
      }
      case '[':
      case ']':
        this.step(e.key === ']' ? 1 : -1);
        return true;
      case 'Enter':
      case ' ':
        this.selectNearest();
        return true;
      default:
        return false;
    }
  }

  /** Selects the previous or next entry (that the filters show) in the active lane. */
  private step(direction: 1 | -1): void {
    const lane = this.data.lanes[this.activeLane];
    if (!lane) return;
    const idx = this.lane(lane);
    const now = this.now();
    const sel = this.data.selection;
    let i: number;
    if (sel?.session === lane.id && indexOfEntry(lane.entries, sel.entry) >= 0) {
      i = indexOfEntry(lane.entries, sel.entry) + direction;
    } else {
      const r = this.current(now);
      i = idx.lowerBound((r.start + r.end) / 2) - (direction < 0 ? 1 : 0);
    }
    while (i >= 0 && i < idx.size && lane.matches && lane.matches[i] !== 1) i += direction;
    if (i < 0 || i >= idx.size) {
      this.say(direction > 0 ? t('timeline.say.noLater') : t('timeline.say.noEarlier'));
      return;
    }
    this.choose(lane, i);
  }

  private selectNearest(): void {
    const lane = this.data.lanes[this.activeLane];
    if (!lane) return;
    const idx = this.lane(lane);
    const r = this.current(this.now());
    const mid = (r.start + r.end) / 2;
    let best = -1;
    let bestDistance = Infinity;
    const from = idx.lowerBound(mid);
    for (const dir of [-1, 1]) {
      for (let i = dir < 0 ? from - 1 : from; i >= 0 && i < idx.size; i += dir) {
        if (lane.matches && lane.matches[i] !== 1) continue;
        const d = Math.abs(idx.ts[i]! - mid);
        if (d < bestDistance) {
          bestDistance = d;
          best = i;
        }
        break;
      }
    }
    if (best < 0) this.say(t('timeline.say.noEntry'));
    else this.choose(lane, best);
  }

  private choose(lane: LaneData, i: number): void {
    const entry = lane.entries[i]!;
    this.callbacks.select({ session: lane.id, entry: entry.id });
    this.say(t('timeline.say.entry', { kind: kindLabel(entry.kind), title: entry.title || t('entries.empty'), time: clockTime(entry.ts) }));
  }

  private say(text: string): void {
    this.callbacks.announce(text);
  }

  private setFocused(focused: boolean): void {
    this.focused = focused;
    this.schedule();
  }

  // ── pointer ───────────────────────────────────────────────────────────────────────────────────

  private onPointerDown(e: PointerEvent): void {
    if (e.button !== 0) return;
    this.drag = { x: e.clientX, range: this.current(this.now()), moved: false, id: e.pointerId };
    this.els.plot.setPointerCapture(e.pointerId);
  }

  private onPointerMove(e: PointerEvent): void {
    const drag = this.drag;
    if (drag) {
      const dx = e.clientX - drag.x;
      if (!drag.moved && Math.abs(dx) < 4) return;
      if (!drag.moved) this.els.plot.classList.add('dragging');
      drag.moved = true;
      this.hideTooltip();
      const width = this.els.plot.getBoundingClientRect().width || 1;
      this.setRange(panRange(drag.range, (-dx / width) * span(drag.range), this.extent(this.now())));
      return;
    }
    this.showTooltip(e);
  }

  private onPointerUp(e: PointerEvent): void {
    const drag = this.drag;
    this.drag = null;
    this.els.plot.classList.remove('dragging');
    if (this.els.plot.hasPointerCapture(e.pointerId)) this.els.plot.releasePointerCapture(e.pointerId);
    if (!drag || drag.moved) return;
    const hit = this.hit(e);
    if (!hit) return;
    this.activeLane = hit.lane;
    this.choose(this.data.lanes[hit.lane]!, hit.index);
  }

  private onWheel(e: WheelEvent): void {
    const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1;
    const dx = e.deltaX * unit;
    const dy = e.deltaY * unit;
    if (e.ctrlKey || e.metaKey) {
      e.preventDefault();
      this.zoomAt(Math.exp(dy * 0.0025), this.fraction(e.clientX));
      return;
    }
    const sc = this.els.scroller;
    const canScrollLanes = sc.scrollHeight > sc.clientHeight + 1;
    // A vertical wheel scrolls the lanes when they overflow; otherwise every wheel pans.
    const horizontal = e.shiftKey ? dy || dx : Math.abs(dx) > Math.abs(dy) ? dx : canScrollLanes ? 0 : dy;
    if (horizontal === 0) return;
    e.preventDefault();
    const width = this.els.plot.getBoundingClientRect().width || 1;
    this.panBy(horizontal / width);
  }

  /** The mark under a pointer event: the nearest drawn column within reach, in the lane under it. */
  private hit(e: { clientX: number; clientY: number }): { lane: number; index: number; x: number } | null {
    const rect = this.els.plot.getBoundingClientRect();
    const x = Math.floor(e.clientX - rect.left);
    const lane = Math.floor((e.clientY - rect.top) / LANE_HEIGHT);
    const cols = this.columns[lane];
    if (!cols || lane >= this.data.lanes.length) return null;
    let best = -1;
    let bestX = 0;
    for (let d = 0; d <= HIT_PX; d++) {
      for (const cx of d === 0 ? [x] : [x - d, x + d]) {
        if (cx < 0 || cx >= cols.width) continue;
        const i = cols.best[cx]!;
        if (i >= 0 && (best < 0 || cols.priority[cx]! > cols.priority[bestX]!)) {
          best = i;
          bestX = cx;
        }
      }
      if (best >= 0) break;
    }
    return best < 0 ? null : { lane, index: best, x: bestX };
  }

  private showTooltip(e: PointerEvent): void {
    const hit = this.hit(e);
    const tip = this.els.tooltip;
    if (!hit) {
      this.hideTooltip();
      return;
    }
    const lane = this.data.lanes[hit.lane]!;
    const entry = lane.entries[hit.index]!;
    const [head, body] = tip.children as unknown as [HTMLElement, HTMLElement];
    head.textContent = t('timeline.tip.title', { kind: kindLabel(entry.kind), title: entry.title || t('entries.empty') });
    body.textContent = t('timeline.tip.meta', { time: fullTime(entry.ts), label: lane.label });
    tip.hidden = false;
    const plotRect = this.els.plot.getBoundingClientRect();
    const left = Math.min(Math.max(0, hit.x - 12), Math.max(0, plotRect.width - tip.offsetWidth));
    const top = (hit.lane + 1) * LANE_HEIGHT + 2;
    tip.style.transform = `translate(${left}px, ${top}px)`;
  }

  private hideTooltip(): void {
    this.els.tooltip.hidden = true;
  }

  // ── drawing ───────────────────────────────────────────────────────────────────────────────────

  private readPalette(): Palette {
    const icons = new Set(STYLES.map((s) => s.icon));
    for (const look of Object.values(KIND_LOOK)) icons.add(look.icon);
    for (const extra of ['warning', 'error', 'pass', 'debug-stop', 'circle-slash', 'dashboard']) icons.add(extra);
    return this.palettes.read(icons);
  }

  /** Asks for a redraw in the next frame; any number of calls before it cost one draw. */
  schedule(): void {
    if (this.frame === 0) this.frame = requestAnimationFrame(this.draw);
  }

  private readonly draw = (): void => {
    this.frame = 0;
    if (this.width <= 0) return; // not laid out yet: the ResizeObserver draws once it is
    const now = this.quantisedNow();
    const live = this.isLive(now);
    const r = this.current(now);
    this.drawnRange = r;
    const { under, over, axis, plot } = this.els;
    const width = this.width;
    const lanes = this.data.lanes;
    const height = Math.max(LANE_HEIGHT, lanes.length * LANE_HEIGHT);
    const dpr = window.devicePixelRatio || 1;
    for (const c of [under, over]) fitCanvas(c, width, height, dpr);
    if (fitCanvas(axis, width, AXIS_HEIGHT, dpr)) this.layerKeys.axis = '';
    const p = this.palette;
    const scale = width / span(r);
    const X = (t: number) => (t - r.start) * scale;
    const grid = ticks(r, width);
    const base = `${r.start}|${r.end}|${width}|${height}|${dpr}|${this.paletteVersion}`;

    const underKey = `${base}|${this.focused ? this.activeLane : -1}`;
    if (underKey !== this.layerKeys.under) {
      this.layerKeys.under = underKey;
      const ctx = under.getContext('2d')!;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, width, height);
      if (this.focused && this.activeLane < lanes.length) {
        ctx.fillStyle = p.ink.lane;
        ctx.fillRect(0, this.activeLane * LANE_HEIGHT, width, LANE_HEIGHT);
      }
      ctx.fillStyle = p.ink.grid;
      for (const t of grid.times) ctx.fillRect(Math.round(X(t)), 0, 1, height);
    }

    while (this.columns.length < lanes.length) this.columns.push(new Columns());
    this.columns.length = lanes.length;
    let selected: { x: number; y: number } | null = null;
    const key = { start: r.start, end: r.end, width, dpr, palette: this.paletteVersion };
    for (let li = 0; li < lanes.length; li++) {
      const data = lanes[li]!;
      const idx = this.lane(data);
      // A session still running or waiting lasts to the end of the axis: now while live, the
      // journal's last event when replaying one that ended mid-session.
      const laneEnd = data.live ? (live ? now : this.data.lastTs) : data.lastTs;
      this.drawLane(data, idx, this.columns[li]!, r, laneEnd, key, li);
      const sel = this.data.selection;
      if (sel?.session === data.id) {
        const i = indexOfEntry(data.entries, sel.entry);
        if (i >= 0) selected = { x: X(idx.ts[i]!), y: li * LANE_HEIGHT };
      }
    }

    const nowX = live ? Math.round(X(now)) : null;
    const overKey = `${base}|${nowX}|${selected ? `${Math.round(selected.x)},${selected.y}` : ''}`;
    if (overKey !== this.layerKeys.over) {
      this.layerKeys.over = overKey;
      const ctx = over.getContext('2d')!;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, width, height);
      if (nowX !== null) {
        ctx.strokeStyle = p.ink.now;
        ctx.lineWidth = 1;
        ctx.setLineDash([3, 3]);
        ctx.beginPath();
        ctx.moveTo(nowX + 0.5, 0);
        ctx.lineTo(nowX + 0.5, height);
        ctx.stroke();
        ctx.setLineDash([]);
      }
      if (selected && selected.x >= -8 && selected.x <= width + 8) {
        ctx.strokeStyle = p.ink.focus;
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        ctx.roundRect(Math.round(selected.x) - 8.5, selected.y + 2.5, 17, LANE_HEIGHT - 5, 3);
        ctx.stroke();
      }
    }

    const axisKey = `${base}|${nowX}`;
    if (axisKey !== this.layerKeys.axis) {
      this.layerKeys.axis = axisKey;
      this.drawAxis(axis.getContext('2d')!, dpr, width, r, grid, nowX);
    }
    plot.dataset.start = String(Math.round(r.start));
    plot.dataset.end = String(Math.round(r.end));
    plot.dataset.mode = this.mode;
    plot.dataset.drawnEvents = String(this.data.eventCount);
    this.publish();
    // While live, "now" moves: draw again once it has moved a pixel. One timer at a time, however
    // many data changes also asked for a draw.
    clearTimeout(this.liveTimer);
    if (live) this.liveTimer = setTimeout(() => this.schedule(), Math.min(1000, Math.max(16, span(r) / width)));
  };

  /**
   * Now, rounded up to the plot's last pixel width: while live, the axis then moves in whole
   * pixels, and between two such steps every lane that got no new entry is left as it is.
   */
  private quantisedNow(): number {
    const now = this.now();
    const step = this.pixelStep();
    return step > 1 ? Math.ceil(now / step) * step : now;
  }

  /**
   * Draws one lane's staff, bars and marks on its own canvas, unless nothing it shows changed (its
   * entries, the filter, the range, the size, the theme, where it ends): a lane that got no new
   * entries costs nothing. When only entries changed and the view did not move (the usual frame
   * while sessions stream), only the columns from the first changed entry on are worked out again,
   * and only the pixels whose drawing changed are drawn again: often none, as a new entry mostly
   * lands in a column whose mark already outranks it.
   */
  private drawLane(
    data: LaneData,
    idx: LaneIndex,
    cols: Columns,
    r: Range,
    laneEnd: number,
    key: { start: number; end: number; width: number; dpr: number; palette: number },
    li: number,
  ): void {
    let cache = this.laneCache.get(data.id);
    if (!cache) {
      const canvas = document.createElement('canvas');
      canvas.className = 'timeline-lane';
      canvas.dataset.session = data.id;
      canvas.setAttribute('aria-hidden', 'true');
      cache = { canvas, top: -1, version: -1, matches: null, laneEnd: 0, start: 0, end: 0, width: 0, dpr: 0, palette: -1, phases: 0, tall: 0 };
      this.laneCache.set(data.id, cache);
    }
    const c = cache.canvas;
    if (cache.top !== li || c.parentElement !== this.els.lanes) {
      cache.top = li;
      c.style.transform = `translateY(${li * LANE_HEIGHT}px)`;
      // Kept in lane order, so the DOM reads in the same order as the lanes.
      const before = this.els.lanes.children[li] ?? null;
      if (before !== c) this.els.lanes.insertBefore(c, before);
    }
    const sameView =
      cache.matches === data.matches &&
      cache.start === key.start &&
      cache.end === key.end &&
      cache.width === key.width &&
      cache.dpr === key.dpr &&
      cache.palette === key.palette &&
      cols.width === key.width;
    if (sameView && cache.version === idx.version && cache.laneEnd === laneEnd) return;
    const changedFrom = idx.takeChangedFrom();
    const width = key.width;
    const scale = width / span(r);
    const X = (t: number) => (t - r.start) * scale;
    let fromX = 0;
    // Drawn whole: a new view, a lane whose entries were replaced from the start, and a staff that
    // got its first lifecycle phase (until then it was drawn as running throughout).
    const phasesGrew = idx.phases.length >= cache.phases && (cache.phases > 0 || idx.phases.length === 0);
    if (sameView && changedFrom > 0 && phasesGrew) {
      fromX = this.changedX(idx, cols, data.matches, r, changedFrom, laneEnd, cache, X);
    } else {
      idx.columns(r, width, data.matches, cols);
    }
    const n = this.occupy(cols);
    const tall = n > width / 3 ? 8 : 12;
    // Crowding changes every tick's size: all of the lane is drawn again.
    if (tall !== cache.tall) fromX = 0;
    Object.assign(cache, { version: idx.version, matches: data.matches, laneEnd, phases: idx.phases.length, tall }, key);
    if (fromX === Infinity) return;
    const glyphs = this.classify(idx, cols, n);
    const clipX = this.clipFor(fromX, n);
    fitCanvas(c, width, LANE_HEIGHT, key.dpr);
    const ctx = c.getContext('2d')!;
    ctx.setTransform(key.dpr, 0, 0, key.dpr, 0, 0);
    if (clipX > 0) {
      ctx.save();
      ctx.beginPath();
      ctx.rect(clipX, 0, width - clipX, LANE_HEIGHT);
      ctx.clip();
    }
    ctx.clearRect(clipX, 0, width - clipX, LANE_HEIGHT);
    this.drawStaff(ctx, idx, laneEnd, X, 0, width);
    this.drawBars(ctx, idx, data.matches, r, laneEnd, X, LANE_HEIGHT / 2);
    this.drawMarks(ctx, idx, cols, n, glyphs, tall, clipX, LANE_HEIGHT / 2);
    if (clipX > 0) ctx.restore();
  }

  /**
   * With the view unchanged and entries changed from `changedFrom` on: works the columns out again
   * from the first changed entry's, and returns the first pixel whose drawing changed (a column's
   * mark, a bar, the staff), or Infinity when none did.
   */
  private changedX(
    idx: LaneIndex,
    cols: Columns,
    matches: Uint8Array | null,
    r: Range,
    changedFrom: number,
    laneEnd: number,
    cache: LaneCacheEntry,
    X: (t: number) => number,
  ): number {
    const width = cols.width;
    let dirty = Infinity;
    if (changedFrom < idx.size) {
      // Times are a running maximum: every changed entry is at or right of this column.
      const fromX = Math.max(0, Math.floor(X(idx.ts[changedFrom]!)));
      if (fromX < width) {
        if (this.drawnStyle.length < width) this.drawnStyle = new Int16Array(width);
        const drawn = this.drawnStyle;
        drawn.set(cols.style.subarray(fromX, width));
        idx.columns(r, width, matches, cols, fromX);
        for (let x = fromX; x < width; x++) {
          if (cols.style[x] !== drawn[x - fromX]) {
            dirty = x;
            break;
          }
        }
      }
      // A changed tool call or command may have a new or longer bar.
      const lasting = idx.lasting;
      for (let k = lasting.length - 1; k >= 0 && lasting[k]! >= changedFrom; k--) dirty = Math.min(dirty, X(idx.ts[lasting[k]!]!));
    }
    // A new lifecycle phase changes the staff from its time on; a new end, from the nearer end on.
    const phases = idx.phases;
    for (let k = cache.phases; k < phases.length; k++) dirty = Math.min(dirty, X(phases[k]!.ts));
    if (laneEnd !== cache.laneEnd) dirty = Math.min(dirty, X(Math.min(laneEnd, cache.laneEnd)));
    return dirty === Infinity ? dirty : Math.max(0, dirty);
  }

  /** Lists the occupied columns, in order, in `this.occupied`; returns how many there are. */
  private occupy(cols: Columns): number {
    const width = cols.width;
    if (this.occupied.length < width) this.occupied = new Int32Array(width);
    const xs = this.occupied;
    const best = cols.best;
    let n = 0;
    for (let x = 0; x < width; x++) if (best[x]! >= 0) xs[n++] = x;
    return n;
  }

  /**
   * Decides, per occupied column, whether its mark is its kind's glyph (isolated: no neighbour
   * within ISOLATED_PX) or a tick in its style, in `this.tickStyle` (-1: a glyph). Returns how many
   * glyphs there are.
   */
  private classify(idx: LaneIndex, cols: Columns, n: number): number {
    const p = this.palette;
    const xs = this.occupied;
    if (this.tickStyle.length < cols.width) this.tickStyle = new Int16Array(cols.width);
    const tick = this.tickStyle;
    let glyphs = 0;
    for (let k = 0; k < n; k++) {
      const x = xs[k]!;
      const sid = idx.style[cols.best[x]!]!;
      const isolated = (k === 0 || x - xs[k - 1]! >= ISOLATED_PX) && (k === n - 1 || xs[k + 1]! - x >= ISOLATED_PX);
      if (isolated && p.glyphsReady && p.glyph.has(STYLES[sid]!.icon)) {
        tick[x] = -1;
        glyphs++;
      } else {
        tick[x] = sid;
      }
    }
    return glyphs;
  }

  /**
   * Where to clip a redraw of the pixels from `fromX` on: far enough left to take in every mark
   * whose look a change there can alter (a glyph or a halo spreads 9 px either side, and whether a
   * mark is a glyph depends on its neighbours within ISOLATED_PX), and never through a glyph, whose
   * anti-aliased edge would then be drawn differently from a whole redraw.
   */
  private clipFor(fromX: number, n: number): number {
    let clip = Math.floor(fromX) - ISOLATED_PX - 10;
    const xs = this.occupied;
    const tick = this.tickStyle;
    let k = n - 1;
    while (k >= 0 && xs[k]! - 8 >= clip) k--;
    for (; k >= 0 && xs[k]! + 9 >= clip; k--) if (tick[xs[k]!] === -1) clip = xs[k]! - 8;
    return Math.max(0, clip);
  }

  /**
   * The marks of the `n` occupied columns listed by `occupy`, as `classify` decided: ticks `tall`
   * px high, or glyphs. Marks that cannot reach past `clipX` are skipped. Ticks are filled one
   * path per style, the least important first, so where crowded ticks overlap the more important
   * one shows, whichever part of the lane is drawn.
   */
  private drawMarks(ctx: CanvasRenderingContext2D, idx: LaneIndex, cols: Columns, n: number, glyphs: number, tall: number, clipX: number, cy: number): void {
    const p = this.palette;
    const best = cols.best;
    const xs = this.occupied;
    const tick = this.tickStyle;
    let first = 0;
    while (first < n && xs[first]! + 9 < clipX) first++;
    const used = new Set<number>();
    for (let k = first; k < n; k++) {
      const x = xs[k]!;
      const sid = idx.style[best[x]!]!;
      if (tick[x] !== -1) used.add(sid);
      if (STYLES[sid]!.urgent) {
        ctx.globalAlpha = 0.3;
        ctx.fillStyle = p.tone.yellow;
        ctx.fillRect(x - 8, 2, 17, LANE_HEIGHT - 4);
        ctx.globalAlpha = 1;
      }
    }
    // One path per style: a lane of a thousand crowded marks is a handful of fills.
    const thick = tall > 10 ? 3 : 2;
    const order = [...used].sort((a, b) => STYLES[a]!.priority - STYLES[b]!.priority || a - b);
    for (const sid of order) {
      ctx.fillStyle = p.tone[STYLES[sid]!.tone];
      ctx.beginPath();
      for (let k = first; k < n; k++) {
        const x = xs[k]!;
        if (tick[x] === sid) ctx.rect(x, cy - tall / 2, thick, tall);
      }
      ctx.fill();
    }
    if (glyphs > 0) {
      let fontSet = false;
      for (let k = first; k < n; k++) {
        const x = xs[k]!;
        if (tick[x] !== -1) continue;
        if (!fontSet) {
          ctx.font = '14px codicon';
          ctx.textAlign = 'center';
          ctx.textBaseline = 'middle';
          fontSet = true;
        }
        const style = STYLES[idx.style[best[x]!]!]!;
        // A disc of the background under the glyph keeps the staff line from crossing it.
        ctx.fillStyle = p.ink.background;
        ctx.beginPath();
        ctx.arc(x + 0.5, cy, 7.5, 0, Math.PI * 2);
        ctx.fill();
        ctx.fillStyle = p.tone[style.tone];
        ctx.fillText(p.glyph.get(style.icon)!, x + 0.5, cy + 0.5);
      }
    }
  }

  /** The lane's staff line: the session's lifecycle, dashed while created or queued, coloured while it runs or waits. */
  private drawStaff(ctx: CanvasRenderingContext2D, idx: LaneIndex, laneEnd: number, X: (t: number) => number, y0: number, width: number): void {
    const p = this.palette;
    const phases = idx.phases;
    const cy = y0 + LANE_HEIGHT / 2;
    // A session with no lifecycle entries (a bare command agent) is drawn as running throughout.
    const list = phases.length > 0 ? phases : idx.size > 0 ? [{ ts: idx.ts[0]!, phase: 'running' as Phase }] : [];
    for (let k = 0; k < list.length; k++) {
      const { ts, phase } = list[k]!;
      if (phase === 'ended') continue;
      const until = k + 1 < list.length ? list[k + 1]!.ts : laneEnd;
      const x0 = Math.max(-2, X(ts));
      const x1 = Math.min(width + 2, X(Math.max(until, ts)));
      if (x1 < 0 || x0 > width) continue;
      const w = Math.max(1, x1 - x0);
      if (phase === 'waiting') {
        ctx.globalAlpha = 0.12;
        ctx.fillStyle = p.tone.yellow;
        ctx.fillRect(x0, y0 + 1, w, LANE_HEIGHT - 2);
        ctx.globalAlpha = 0.9;
        ctx.fillRect(x0, cy - 1, w, 2);
      } else if (phase === 'running') {
        ctx.globalAlpha = 0.5;
        ctx.fillStyle = p.tone.blue;
        ctx.fillRect(x0, cy - 1, w, 2);
      } else {
        ctx.globalAlpha = 0.8;
        ctx.strokeStyle = p.tone.muted;
        ctx.lineWidth = 1;
        ctx.setLineDash([4, 3]);
        ctx.beginPath();
        ctx.moveTo(x0, cy + 0.5);
        ctx.lineTo(x0 + w, cy + 0.5);
        ctx.stroke();
        ctx.setLineDash([]);
      }
      ctx.globalAlpha = 1;
    }
  }

  /** Tool calls and commands that lasted long enough to see: a faint bar from start to last update. */
  private drawBars(
    ctx: CanvasRenderingContext2D,
    idx: LaneIndex,
    matches: Uint8Array | null,
    r: Range,
    laneEnd: number,
    X: (t: number) => number,
    cy: number,
  ): void {
    const lasting = idx.lasting;
    if (lasting.length === 0) return;
    ctx.globalAlpha = 0.35;
    let drawn = 0;
    for (let k = 0; k < lasting.length && drawn < MAX_BARS; k++) {
      const i = lasting[k]!;
      const t = idx.ts[i]!;
      if (t > r.end) break;
      if (matches && matches[i] !== 1) continue;
      const end = idx.running[i] ? laneEnd : idx.updated[i]!;
      if (end < r.start) continue;
      const x0 = X(t);
      const x1 = X(end);
      if (x1 - x0 < 3) continue;
      ctx.fillStyle = this.palette.tone[STYLES[idx.style[i]!]!.tone];
      ctx.fillRect(x0, cy - 3, x1 - x0, 6);
      drawn++;
    }
    ctx.globalAlpha = 1;
  }

  /** A tick label as the axis shows it, at the screen's pixel ratio, drawn the first time it is asked for. */
  private label(text: string, dpr: number): HTMLCanvasElement {
    const key = `${this.paletteVersion}|${dpr}|${text}`;
    let c = this.labels.get(key);
    if (c) return c;
    // Labels of an old theme or zoom are let go; a few hundred cover any range scrubbed through.
    if (this.labels.size >= 512) this.labels.clear();
    c = document.createElement('canvas');
    const ctx = c.getContext('2d')!;
    const font = `11px ${this.palette.font}`;
    ctx.font = font;
    const w = Math.ceil(ctx.measureText(text).width) + 1;
    c.width = Math.round(w * dpr);
    c.height = Math.round(AXIS_HEIGHT * dpr);
    // Sizing the canvas reset its context.
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.font = font;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'left';
    ctx.fillStyle = this.palette.ink.text;
    ctx.fillText(text, 0, AXIS_HEIGHT / 2);
    this.labels.set(key, c);
    return c;
  }

  private drawAxis(ctx: CanvasRenderingContext2D, dpr: number, width: number, r: Range, grid: { step: number; times: number[] }, nowX: number | null): void {
    const p = this.palette;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, AXIS_HEIGHT);
    const scale = width / span(r);
    for (const t of grid.times) {
      const x = Math.round((t - r.start) * scale);
      ctx.fillStyle = p.ink.grid;
      ctx.fillRect(x, AXIS_HEIGHT - 5, 1, 5);
      const label = this.label(tickLabel(t, grid.step), dpr);
      if (label.width > 0) ctx.drawImage(label, x + 4, 0, label.width / dpr, AXIS_HEIGHT);
    }
    ctx.fillStyle = p.ink.grid;
    ctx.fillRect(0, AXIS_HEIGHT - 1, width, 1);
    if (nowX !== null && nowX >= 0 && nowX <= width) {
      ctx.fillStyle = p.ink.now;
      ctx.beginPath();
      ctx.moveTo(nowX - 4, AXIS_HEIGHT - 6);
      ctx.lineTo(nowX + 4, AXIS_HEIGHT - 6);
      ctx.lineTo(nowX, AXIS_HEIGHT - 1);
      ctx.fill();
    }
  }
}

/** Sizes a canvas's bitmap for its CSS size and the screen's pixel ratio; true when it changed. */
function fitCanvas(c: HTMLCanvasElement, width: number, height: number, dpr: number): boolean {
  const w = Math.round(width * dpr);
  const h = Math.round(height * dpr);
  if (c.width === w && c.height === h) return false;
  c.width = w;
  c.height = h;
  c.style.width = `${width}px`;
  c.style.height = `${height}px`;
  return true;
}
