/**
 * Replay: the score at any moment, by the same reducer that makes it live.
 *
 * A recorded performance is its events in time order (`timeOrder`). The state after the first n of
 * them is folded from the nearest checkpoint at or before n, so seeking costs at most one checkpoint
 * interval of folding whatever the size of the score, and moving the playhead a little forward costs
 * only the events passed. Checkpoints are taken as the fold first goes past them; the interval grows
 * with the score so a million events keep about a hundred of them in memory (a seek then folds at
 * most 10,000 events). (The Redux DevTools
 * idea: actions are kept, states recomputed from saved points.)
 *
 * Pure, like the rest of src/score: the webview replays with it, the host and the tests too.
 */
import type { EventType } from './events';
import { emptyScore, type ScoreState } from './state';
import { reduceAll } from './reduce';

interface Stamped {
  ts: number;
  type: EventType | string;
}

function stampOf(e: unknown): Stamped | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const { ts, type } = e as { ts?: unknown; type?: unknown };
  return typeof ts === 'number' && Number.isFinite(ts) ? { ts, type: typeof type === 'string' ? type : '' } : undefined;
}

/**
 * Events in the order replay plays them: by time; events of the same moment keep the order they were
 * given in (a session's own order, and across sessions the order they arrived or were merged in). An
 * event without a time keeps its place after the one before it.
 */
export function timeOrder(events: readonly unknown[]): unknown[] {
  const keyed = events.map((e, i) => ({ e, i, ts: stampOf(e)?.ts ?? Number.NaN }));
  let last = Number.NEGATIVE_INFINITY;
  for (const k of keyed) {
    if (Number.isNaN(k.ts)) k.ts = last;
    else last = k.ts;
  }
  keyed.sort((a, b) => a.ts - b.ts || a.i - b.i);
  return keyed.map((k) => k.e);
}

/**
 * Merges sessions' events (each already in its own order) into one stream by time, the way the live
 * score saw them: a k-way merge, so a session's order is never changed, and a tie goes to the session
 * listed first.
 */
export function mergeByTime(sessions: readonly (readonly unknown[])[]): unknown[] {
  const out: unknown[] = [];
  const at = sessions.map(() => 0);
  const tsOf = (s: number) => stampOf(sessions[s]![at[s]!])?.ts ?? Number.NEGATIVE_INFINITY;
  for (;;) {
    let best = -1;
    let bestTs = Number.POSITIVE_INFINITY;
    for (let s = 0; s < sessions.length; s++) {
      if (at[s]! >= sessions[s]!.length) continue;
      const ts = tsOf(s);
      if (best === -1 || ts < bestTs) {
        best = s;
        bestTs = ts;
      }
    }
    if (best === -1) return out;
    out.push(sessions[best]![at[best]!]);
    at[best]! += 1;
  }
}

/** What the scrubber steps between. */
export type StepKind = 'entry' | 'decision' | 'warning' | 'staging';

const DECISIONS: ReadonlySet<string> = new Set(['hunk.decided', 'hunk.applied', 'hunk.undone', 'hunk.conflict', 'permission.resolved']);
const WARNINGS: ReadonlySet<string> = new Set(['warning.raised', 'overlap.raised']);
const STAGINGS: ReadonlySet<string> = new Set(['task.snapshot']);
/** Events that change state but add no entry to a row. */
const SILENT: ReadonlySet<string> = new Set(['hunk.staged', 'hunk.superseded', 'hunk.reverted', 'hunk.stale', 'overlap.cleared', 'warning.cleared', 'task.snapshot']);

export function isStep(kind: StepKind, type: string): boolean {
  switch (kind) {
    case 'decision':
      return DECISIONS.has(type);
    case 'warning':
      return WARNINGS.has(type);
    case 'staging':
      return STAGINGS.has(type);
    case 'entry':
      return !SILENT.has(type);
  }
}

export interface ReplayOptions {
  /** Events between checkpoints; by default it grows with the score (at least 2,000, about 100 checkpoints). */
  every?: number;
}

export class Replay {
  /** The events, in time order. */
  readonly events: readonly unknown[];
  /** Each event's time (the previous event's for one without a time). */
  readonly times: Float64Array;
  readonly every: number;
  private readonly checkpoints: ScoreState[] = [emptyScore()];
  private last?: { n: number; state: ScoreState };

  /** `events` must already be in time order (see `timeOrder`); they are not copied. */
  constructor(events: readonly unknown[], options: ReplayOptions = {}) {
    this.events = events;
    this.times = new Float64Array(events.length);
    let prev = 0;
    events.forEach((e, i) => {
      const ts = stampOf(e)?.ts;
      prev = ts ?? prev;
      this.times[i] = prev;
    });
    this.every = Math.max(1, options.every ?? Math.max(2_000, Math.ceil(events.length / 100)));
  }

  get length(): number {
    return this.events.length;
  }

  get firstTs(): number {
    return this.length > 0 ? this.times[0]! : 0;
  }

  get lastTs(): number {
    return this.length > 0 ? this.times[this.length - 1]! : 0;
  }

  /**
   * The score after the first `n` events (0: nothing yet; `length`: everything). The result is
   * immutable and may be shared with later calls.
   */
  stateAt(n: number): ScoreState {
    const target = Math.max(0, Math.min(this.length, Math.floor(n)));
    const last = this.last;
    if (last && last.n === target) return last.state;
    // From the nearest checkpoint taken so far, or from the state shown now when that is nearer (a
    // small step forward then costs only the events passed).
    const c = Math.min(Math.floor(target / this.every), this.checkpoints.length - 1);
    let at = c * this.every;
    let state = this.checkpoints[c]!;
    if (last && last.n <= target && last.n > at) ({ n: at, state } = last);
    // Fold forward, taking the checkpoints not taken yet on the way.
    while (at < target) {
      const boundary = (Math.floor(at / this.every) + 1) * this.every;
      const until = Math.min(target, boundary);
      state = reduceAll(state, this.events.slice(at, until));
      at = until;
      if (at === boundary && at / this.every === this.checkpoints.length) this.checkpoints.push(state);
    }
    this.last = { n: target, state };
    return state;
  }

  /** How many events happened at or before `ts` (the playhead at that time shows exactly those). */
  countAt(ts: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[mid]! <= ts) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * The playhead count after the next event of `kind` past count `n` (forward), or at the previous one
   * before it (backward); `n` itself when there is none.
   */
  step(n: number, kind: StepKind, direction: 1 | -1): number {
    if (direction === 1) {
      for (let i = n; i < this.length; i++) if (isStep(kind, stampOf(this.events[i])?.type ?? '')) return i + 1;
      return n;
    }
    for (let i = n - 2; i >= 0; i--) if (isStep(kind, stampOf(this.events[i])?.type ?? '')) return i + 1;
    return n;
  }

  /** Checkpoints held now (for the benchmark and the tests). */
  get checkpointCount(): number {
    return this.checkpoints.length;
  }
}

/**
 * Where playing at `speed` moves a playhead at `ts` after `elapsedMs` of wall-clock time: forward by
 * speed × elapsed, except that a quiet stretch longer than `idleMs` (of score time) is jumped over to
 * just before the next event, so a replay never plays silence.
 */
export function playForward(replay: Replay, ts: number, elapsedMs: number, speed: number, idleMs = 1_500): number {
  const next = replay.times[replay.countAt(ts)];
  let to = ts + elapsedMs * speed;
  // Land a moment before the next event, so it is seen arriving.
  if (next !== undefined && next - ts > idleMs && to < next) to = Math.max(to, next - Math.min(250 * speed, idleMs / 2));
  return Math.min(to, replay.lastTs);
}
