/**
 * The timeline's window onto time: a range of milliseconds mapped onto the plot's width, and the
 * zoom, pan and tick arithmetic on it. Pure functions, so the interaction code only decides *when*.
 */

import { t, type MessageKey } from '../shared/l10n';

export interface Range {
  start: number;
  end: number;
}

/** The closest zoom: a fifth of a second across the plot still separates events 1 ms apart. */
export const MIN_SPAN_MS = 200;
/** Zooming out stops at this many times the score's length: further shows nothing new. */
const MAX_SPAN_FACTOR = 4;
/** A score of one event (or a few in the same millisecond) still gets a readable axis. */
const MIN_EXTENT_MS = 10_000;

export const span = (r: Range): number => r.end - r.start;

/** The range that shows the whole score, with a margin so marks at either end are not cut. */
export function fitRange(extent: Range): Range {
  let { start, end } = extent;
  if (end - start < MIN_EXTENT_MS) {
    const mid = (start + end) / 2;
    start = mid - MIN_EXTENT_MS / 2;
    end = mid + MIN_EXTENT_MS / 2;
  }
  const pad = (end - start) * 0.02;
  return { start: start - pad, end: end + pad };
}

/** Zooms by `factor` (<1 in, >1 out) keeping the time under `anchor` (0…1 across the plot) still. */
export function zoomRange(r: Range, factor: number, anchor: number, extent: Range): Range {
  const s = span(r);
  const fit = span(fitRange(extent));
  const next = Math.min(Math.max(s * factor, MIN_SPAN_MS), Math.max(fit * MAX_SPAN_FACTOR, MIN_SPAN_MS));
  const at = r.start + s * anchor;
  return clampRange({ start: at - next * anchor, end: at - next * anchor + next }, extent);
}

export function panRange(r: Range, deltaMs: number, extent: Range): Range {
  return clampRange({ start: r.start + deltaMs, end: r.end + deltaMs }, extent);
}

/** Keeps at least half the plot over the score, so panning can never lose it entirely. */
export function clampRange(r: Range, extent: Range): Range {
  const s = span(r);
  const fit = fitRange(extent);
  const min = fit.start - s / 2;
  const max = fit.end - s / 2;
  const start = Math.min(Math.max(r.start, min), Math.max(min, max));
  return { start, end: start + s };
}

/** The range moved so `ts` sits in it (centred), or unchanged when `ts` is already in view. */
export function rangeShowing(r: Range, ts: number, extent: Range): Range {
  const s = span(r);
  const margin = s * 0.05;
  if (ts >= r.start + margin && ts <= r.end - margin) return r;
  return clampRange({ start: ts - s / 2, end: ts + s / 2 }, extent);
}

const STEPS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500,
  1_000, 2_000, 5_000, 10_000, 15_000, 30_000,
  60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000,
  3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000,
];

/** Tick times at a round step, at least `minPx` apart on a plot `widthPx` wide. */
export function ticks(r: Range, widthPx: number, minPx = 96): { step: number; times: number[] } {
  const s = span(r);
  const want = (s / Math.max(1, widthPx)) * minPx;
  const step = STEPS.find((st) => st >= want) ?? Math.ceil(want / 86_400_000) * 86_400_000;
  // Steps of a minute or more fall on the viewer's local clock minutes, hours…
  const offset = step >= 60_000 ? new Date(r.start).getTimezoneOffset() * 60_000 : 0;
  const first = Math.ceil((r.start - offset) / step) * step + offset;
  const times: number[] = [];
  for (let t = first; t <= r.end && times.length < 200; t += step) times.push(t);
  return { step, times };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const DAY = 86_400_000;
const MONTHS: readonly MessageKey[] = ['time.month.jan', 'time.month.feb', 'time.month.mar', 'time.month.apr', 'time.month.may', 'time.month.jun', 'time.month.jul', 'time.month.aug', 'time.month.sep', 'time.month.oct', 'time.month.nov', 'time.month.dec'];

/** "14 Mar", or "14 Mar 2025". */
function dayLabel(d: Date, withYear: boolean): string {
  const day = { day: String(d.getDate()), month: t(MONTHS[d.getMonth()]!) };
  return withYear ? t('time.dayYear', { ...day, year: String(d.getFullYear()) }) : t('time.day', day);
}

const hourMinute = (d: Date) => `${pad(d.getHours())}:${pad(d.getMinutes())}`;

/**
 * A tick's label, as precise as its step needs: 09:12, 09:12:05, 09:12:05.250; a day's first tick
 * says which day it is ("15 Mar"), and steps of days are dates (with the year once they are weeks
 * long), so a score that spans days never reads as a row of "00:00".
 */
export function tickLabel(ts: number, step: number): string {
  const d = new Date(ts);
  if (step >= DAY) return dayLabel(d, step >= 28 * DAY);
  const hm = hourMinute(d);
  if (step >= 60_000) return d.getHours() === 0 && d.getMinutes() === 0 ? dayLabel(d, false) : hm;
  if (step >= 1_000) return `${hm}:${pad(d.getSeconds())}`;
  return `${hm}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/**
 * The range readout above the plot: times alone within a day ("09:29:59 – 09:30:41"), with their
 * days when it spans more ("14 Mar 09:29 – 24 Nov 06:21"), and years when those differ.
 */
export function rangeText(start: number, end: number): string {
  const a = new Date(start);
  const b = new Date(end);
  if (end - start < DAY && a.toDateString() === b.toDateString()) {
    const step = end - start < 10_000 ? 1 : 1_000;
    return t('time.range', { start: tickLabel(start, step), end: tickLabel(end, step) });
  }
  const withYear = a.getFullYear() !== b.getFullYear();
  return t('time.range', { start: t('time.dayTime', { day: dayLabel(a, withYear), time: hourMinute(a) }), end: t('time.dayTime', { day: dayLabel(b, withYear), time: hourMinute(b) }) });
}

/** A span as the range readout says it: "35 s", "4 min 12 s", "1.5 s", "250 ms", "3 h 5 min", "12 days 4 h". */
export function spanText(ms: number): string {
  if (ms < 1_000) return t('time.span.ms', { ms: Math.round(ms) });
  if (ms < 10_000) return t('time.span.s', { s: (ms / 1_000).toFixed(1) });
  const s = Math.round(ms / 1_000);
  if (s < 60) return t('time.span.s', { s });
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? t('time.span.minS', { m, s: s % 60 }) : t('time.span.min', { m });
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? t('time.span.hMin', { h, m: m % 60 }) : t('time.span.h', { h });
  const d = Math.floor(h / 24);
  return h % 24 ? t('time.span.daysH', { count: d, h: h % 24 }) : t('time.span.days', { count: d });
}
