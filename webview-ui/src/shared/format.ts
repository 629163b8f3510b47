/** Formatting shared by the header, rows and detail. Times are shown in the viewer's local zone. */
import { t } from './l10n';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** HH:MM:SS, the time column of an entry row. */
export function clockTime(ts: number): string {
  const d = new Date(ts);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** YYYY-MM-DD HH:MM:SS.mmm, for the detail view and tooltips, where the date matters too. */
export function fullTime(ts: number): string {
  const d = new Date(ts);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${clockTime(ts)}.${pad(d.getMilliseconds(), 3)}`;
}

/** A span like "4m 12s", "1h 03m" or "3d 04h", for how long a session ran. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return t('time.short.s', { s: String(s) });
  const m = Math.floor(s / 60);
  if (m < 60) return t('time.short.mS', { m: String(m), s: pad(s % 60) });
  const h = Math.floor(m / 60);
  if (h < 48) return t('time.short.hM', { h: String(h), m: pad(m % 60) });
  return t('time.short.dH', { d: String(Math.floor(h / 24)), h: pad(h % 24) });
}

const integer = new Intl.NumberFormat();

export function count(n: number): string {
  return integer.format(n);
}

/** Costs are small (fractions of a dollar per session), so cents alone would hide them. */
export function usd(n: number): string {
  return `$${n < 10 ? n.toFixed(4) : n.toFixed(2)}`;
}
