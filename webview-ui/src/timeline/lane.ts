/**
 * What one timeline lane needs from a session, kept incrementally: per entry, its time and its
 * mark's look packed in typed arrays, and the session's lifecycle as a list of phase changes.
 *
 * The reducer only appends entries or replaces one at its index (a streaming message, a tool call
 * finishing, a permission answered), and only entries its state lists as open or pending can be
 * replaced, so a batch costs what it added or changed, not the session's length; drawing never
 * touches the entry objects except to pick a look.
 */
import type { Entry, TaskOutcome } from '../../../src/score';
import { entryIcon, entryTone, isOutcome, type Tone } from '../entries/kinds';
import type { Range } from './view';

/** How a mark looks: its colour (a tone), its glyph, and how much it matters when marks crowd. */
export interface MarkStyle {
  tone: Tone;
  icon: string;
  priority: number;
  /** A pending permission: drawn with a halo, it is waiting for the engineer. */
  urgent: boolean;
  /** Tool calls and commands last a while: a bar from start to the last update. */
  lasting: boolean;
}

/** Every style seen so far, indexed by the small number an entry stores. Shared by all lanes. */
export const STYLES: MarkStyle[] = [];
const styleIds = new Map<string, number>();

function styleId(style: MarkStyle): number {
  const key = `${style.tone}|${style.icon}|${style.priority}|${style.urgent}|${style.lasting}`;
  let id = styleIds.get(key);
  if (id === undefined) {
    id = STYLES.length;
    STYLES.push(style);
    styleIds.set(key, id);
  }
  return id;
}

/** When marks share a pixel, the one that most needs the engineer's eye is drawn. */
function priority(entry: Entry): number {
  switch (entry.kind) {
    case 'permission':
      return entry.status === 'pending' ? 15 : 8;
    case 'error':
    case 'unreadable':
      return 14;
    case 'warning':
      return 13;
    case 'decision':
      return entry.status === 'conflict' ? 14 : 11;
    case 'notice':
      return entry.level === 'info' ? 6 : 13;
    case 'lifecycle':
      return isOutcome(entry.status) ? 12 : 5;
    case 'file':
      return 11;
    case 'command':
      return 10;
    case 'tool':
    case 'prompt':
      return 9;
    case 'message':
      return 7;
    case 'plan':
      return 6;
    case 'output':
      return entry.level === 'warning' ? 5 : 3;
    case 'thought':
      return 4;
    default:
      return 2;
  }
}

/**
 * An entry's style depends on its kind and, for a few kinds, one field; this key says which, so the
 * common case (the kind alone) costs a map lookup and no string building.
 */
const quick = new Map<string, number>();

function styleOf(entry: Entry): number {
  const k = entry.kind;
  const key =
    k === 'notice' || k === 'output' || k === 'warning'
      ? `${k}:${entry.level}`
      : k === 'permission'
        ? `${k}:${entry.status === 'pending'}`
        : (k === 'lifecycle' && isOutcome(entry.status)) || k === 'decision'
          ? `${k}:${entry.status}`
          : k;
  let id = quick.get(key);
  if (id === undefined) quick.set(key, (id = computeStyle(entry)));
  return id;
}

function computeStyle(entry: Entry): number {
  return styleId({
    tone: entryTone(entry),
    icon: entryIcon(entry),
    priority: priority(entry),
    urgent: entry.kind === 'permission' && entry.status === 'pending',
    lasting: entry.kind === 'tool' || entry.kind === 'command',
  });
}

export type Phase = 'created' | 'queued' | 'running' | 'waiting' | 'ended';

export interface PhaseChange {
  ts: number;
  phase: Phase;
  outcome?: TaskOutcome;
  /** The index of the entry that began it, and of the one its outcome came from (for going back in replay). */
  at?: number;
  outcomeAt?: number;
}

/**
 * The lifecycle step an entry marks, if any. Task and session events become lifecycle entries whose
 * titles are set by the reducer ("Queued", "Entered", "Waiting for input"…); outcomes and exits are
 * read from their fields. Keep in step with src/score/reduce.ts.
 */
function phaseOf(entry: Entry): PhaseChange | null {
  if (entry.kind === 'prompt') return { ts: entry.ts, phase: 'running' };
  if (entry.kind === 'error' && entry.title === 'Session failed') return { ts: entry.ts, phase: 'ended', outcome: 'failed' };
  if (entry.kind !== 'lifecycle') return null;
  if (isOutcome(entry.status)) return { ts: entry.ts, phase: 'ended', outcome: entry.status };
  if (entry.exitCode !== undefined) return { ts: entry.ts, phase: 'ended' };
  switch (entry.title) {
    case 'Queued':
      return { ts: entry.ts, phase: 'queued' };
    case 'Entered':
    case 'Ready':
      return { ts: entry.ts, phase: 'running' };
    case 'Waiting for input':
      return { ts: entry.ts, phase: 'waiting' };
  }
  if (entry.title.startsWith('Task created')) return { ts: entry.ts, phase: 'created' };
  if (entry.command) return { ts: entry.ts, phase: 'running' }; // the agent was spawned
  return null;
}

export class LaneIndex {
  private entries: readonly Entry[] = [];
  private length = 0;
  /** Running maximum of the entries' times: monotone even if a clock stepped back, so it bisects. */
  ts = new Float64Array(256);
  /** When each entry was last updated (for a tool call's or command's bar). */
  updated = new Float64Array(256);
  style = new Uint8Array(256);
  /** Still running (a tool call in progress, a command without an exit code): its bar reaches "now". */
  running = new Uint8Array(256);
  phases: PhaseChange[] = [];
  /** Changes whenever anything drawn from this lane may have: the plot's cache key. */
  version = 0;
  /**
   * Entries that last (a tool call or command that ran a while, or still runs), in index order:
   * only these can draw a bar, so drawing bars never walks the whole lane.
   */
  lasting: number[] = [];
  private isLasting = new Uint8Array(256);
  private open: Readonly<Record<string, number>> = {};
  private pending: Readonly<Record<string, number>> = {};
  /**
   * The lowest index appended or replaced since the plot last took it (`takeChangedFrom`): with
   * the running-max times, every change lies at or right of that entry's column, so a plot whose
   * range did not move redraws only from there on.
   */
  private changedFrom = 0;

  get size(): number {
    return this.length;
  }

  entry(i: number): Entry {
    return this.entries[i]!;
  }

  /** The lowest index changed since the last call (`size` when nothing was). */
  takeChangedFrom(): number {
    const from = this.changedFrom;
    this.changedFrom = this.length;
    return from;
  }

  /**
   * Catches up with the session's entries. Only entries the previous state could still change are
   * looked at again besides the new ones: its open entries and pending permission requests (the
   * `open` and `pendingPermissions` maps of SessionState say which), so a batch costs what it
   * changed, not the session's length.
   */
  update(entries: readonly Entry[], open: Readonly<Record<string, number>>, pending: Readonly<Record<string, number>>): void {
    // Entries open before could have changed since; going back in replay, entries open at the
    // earlier moment are earlier versions of what is indexed: both are looked at again.
    const mayChange = [this.open, this.pending, open, pending];
    this.open = open;
    this.pending = pending;
    if (entries === this.entries) return;
    this.version++;
    const prev = this.entries;
    this.grow(entries.length);
    // The reducer replaces an entry only with a later version of itself (same id, same time); a
    // shorter list or different first and last known entries mean a new source under this id,
    // unless it is the same session at an earlier moment (replay going back).
    let known = entries.length < this.length ? this.goBack(entries, prev) : this.length;
    if (known > 0 && (!sameEntry(entries[0]!, prev[0]!) || !sameEntry(entries[known - 1]!, prev[known - 1]!))) known = 0;
    check: for (const map of mayChange) {
      for (const key in map) {
        const i = map[key]!;
        if (i >= known || entries[i] === prev[i]) continue;
        if (!sameEntry(entries[i]!, prev[i]!)) {
          known = 0;
          break check;
        }
        this.set(i, entries[i]!);
        if (i < this.changedFrom) this.changedFrom = i;
      }
    }
    if (known < this.changedFrom) this.changedFrom = known;
    if (known === 0) {
      this.phases = [];
      this.lasting = [];
      this.isLasting.fill(0);
    }
    for (let i = known; i < entries.length; i++) {
      const e = entries[i]!;
      this.set(i, e);
      this.ts[i] = i === 0 ? e.ts : Math.max(this.ts[i - 1]!, e.ts);
      const change = phaseOf(e);
      if (change) this.addPhase(change, i);
    }
    this.entries = entries;
    this.length = entries.length;
  }

  private set(i: number, e: Entry): void {
    this.style[i] = styleOf(e);
    this.updated[i] = e.updatedTs;
    const running = (e.kind === 'tool' && (e.status === 'in_progress' || e.status === 'pending')) || (e.kind === 'command' && e.exitCode === undefined);
    this.running[i] = running ? 1 : 0;
    if (!this.isLasting[i] && (e.kind === 'tool' || e.kind === 'command') && (running || e.updatedTs > e.ts)) {
      this.isLasting[i] = 1;
      // Almost always the newest entry; an older one finishing lands a few places from the end.
      let at = this.lasting.length;
      while (at > 0 && this.lasting[at - 1]! > i) at--;
      this.lasting.splice(at, 0, i);
    }
  }

  private addPhase(change: PhaseChange, at: number): void {
    const last = this.phases.at(-1);
    if (last?.phase === 'ended' && change.phase === 'ended') {
      // "Task done" then "Exited (code 0)": the outcome is the news, the exit only confirms it.
      if (!last.outcome && change.outcome) {
        last.outcome = change.outcome;
        last.outcomeAt = at;
      }
      return;
    }
    if (last && last.phase === change.phase && last.outcome === change.outcome) return;
    change.at = at;
    if (change.outcome) change.outcomeAt = at;
    this.phases.push(change);
  }

  /**
   * The same session at an earlier moment (the replay's playhead went back): `entries` is a prefix
   * of the entries indexed, some of them in earlier versions (those still open then, which `update`
   * looks at again). Forgets what the later entries added, so going back costs what it drops, not
   * the session's length. Returns how many entries are kept: 0 when `entries` is not such a prefix.
   */
  private goBack(entries: readonly Entry[], prev: readonly Entry[]): number {
    const n = entries.length;
    if (n === 0 || !sameEntry(entries[0]!, prev[0]!) || !sameEntry(entries[n - 1]!, prev[n - 1]!)) return 0;
    const phases = this.phases.length;
    while (this.phases.length > 0 && (this.phases.at(-1)!.at ?? 0) >= n) this.phases.pop();
    const last = this.phases.at(-1);
    let phasesChanged = this.phases.length !== phases;
    if (last?.outcomeAt !== undefined && last.outcomeAt >= n) {
      delete last.outcome;
      delete last.outcomeAt;
      phasesChanged = true;
    }
    while (this.lasting.length > 0 && this.lasting.at(-1)! >= n) this.isLasting[this.lasting.pop()!] = 0;
    this.length = n;
    // A staff whose phases changed is drawn again whole; otherwise from the first entry dropped.
    this.changedFrom = phasesChanged ? 0 : Math.min(this.changedFrom, n);
    return n;
  }

  private grow(n: number): void {
    if (n <= this.ts.length) return;
    let cap = this.ts.length;
    while (cap < n) cap *= 2;
    const resize = <T extends Float64Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a.subarray(0, this.length));
      return b;
    };
    this.ts = resize(this.ts, (c) => new Float64Array(c));
    this.updated = resize(this.updated, (c) => new Float64Array(c));
    this.style = resize(this.style, (c) => new Uint8Array(c));
    this.running = resize(this.running, (c) => new Uint8Array(c));
    this.isLasting = resize(this.isLasting, (c) => new Uint8Array(c));
  }

  /** First index whose (running-max) time is at or after `t`. */
  lowerBound(t: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ts[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Which entry to draw in each pixel column of a plot `width` px wide showing `range`: the one
   * with the highest priority, the later on ties. Entries the filter hides (`matches[i] === 0`) are
   * skipped. One pass over the entries in view; nothing allocated but what `out` lacks. With
   * `fromX`, only the columns from there on are worked out again (`out` holds the rest already).
   */
  columns(range: Range, width: number, matches: Uint8Array | null, out: Columns, fromX = 0): void {
    fromX = Math.max(0, Math.floor(fromX));
    if (fromX === 0) out.reset(width);
    else out.clearFrom(fromX);
    const scale = width / (range.end - range.start);
    const from = this.lowerBound(range.start + (fromX - 0.5) / scale);
    const best = out.best;
    const pri = out.priority;
    const look = out.style;
    for (let i = from; i < this.length; i++) {
      const t = this.ts[i]!;
      if (t > range.end) break;
      if (matches && matches[i] !== 1) continue;
      const x = Math.floor((t - range.start) * scale);
      if (x < fromX || x >= width) continue;
      const p = STYLES[this.style[i]!]!.priority + 1;
      if (p >= pri[x]!) {
        pri[x] = p;
        best[x] = i;
        look[x] = this.style[i]!;
      }
    }
  }
}

function sameEntry(a: Entry, b: Entry): boolean {
  return a === b || (a.id === b.id && a.ts === b.ts);
}

/** Per-column results of `LaneIndex.columns`, reused between frames. */
export class Columns {
  best = new Int32Array(0);
  priority = new Uint8Array(0);
  /** The style of each column's entry when it was worked out (-1: empty): what was drawn there. */
  style = new Int16Array(0);
  width = 0;

  reset(width: number): void {
    if (this.best.length < width) {
      this.best = new Int32Array(width);
      this.priority = new Uint8Array(width);
      this.style = new Int16Array(width);
    }
    this.width = width;
    this.clearFrom(0);
  }

  /** Empties the columns from `x` on, to be worked out again. */
  clearFrom(x: number): void {
    this.best.fill(-1, x, this.width);
    this.priority.fill(0, x, this.width);
    this.style.fill(-1, x, this.width);
  }
}
