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
/** What a staging journals after its snapshot. */
const STAGING_TAIL: ReadonlySet<string> = new Set(['hunk.staged', 'hunk.superseded', 'hunk.stale', 'warning.raised', 'warning.cleared', 'overlap.raised', 'overlap.cleared']);

function typeAt(e: unknown): string {
  return stampOf(e)?.type ?? '';
}

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
  /**
   * Events between checkpoints, fixed. By default it starts at 2,000 (or a hundredth of the events
   * given, when more) and doubles whenever more than 200 checkpoints would be held, so a score of any
   * size keeps between about 100 and 200 of them and a seek folds at most a hundredth of the score.
   */
  every?: number;
}

/** With the default interval, more checkpoints than this halves them (every other one is dropped). */
const MAX_CHECKPOINTS = 200;

export class Replay {
  private readonly all: unknown[];
  /** Each event's time: its own, or the latest before it when it has none or is out of order. */
  private stamps: Float64Array;
  private interval: number;
  private readonly adaptive: boolean;
  private checkpoints: ScoreState[] = [emptyScore()];
  /** The state after every event, once known: live events are folded onto it as they arrive. */
  private tail?: ScoreState;
  /** The state shown last (a seek's cache), so a small step forward folds only the events passed. */
  private last?: { n: number; state: ScoreState };

  /** `events` must already be in time order (see `timeOrder`); they are copied. */
  constructor(events: readonly unknown[] = [], options: ReplayOptions = {}) {
    this.all = [];
    this.stamps = new Float64Array(Math.max(1_024, events.length));
    this.adaptive = options.every === undefined;
    this.interval = Math.max(1, options.every ?? Math.max(2_000, Math.ceil(events.length / 100)));
    this.push(events);
    if (events.length === 0) this.tail = this.checkpoints[0];
  }

  /** The events, in the order they are replayed. */
  get events(): readonly unknown[] {
    return this.all;
  }

  /** Each event's time (a view of the first `length`). */
  get times(): Float64Array {
    return this.stamps.subarray(0, this.all.length);
  }

  get every(): number {
    return this.interval;
  }

  get length(): number {
    return this.all.length;
  }

  get firstTs(): number {
    return this.length > 0 ? this.stamps[0]! : 0;
  }

  get lastTs(): number {
    return this.length > 0 ? this.stamps[this.length - 1]! : 0;
  }

  /**
   * Adds events that happened after those held (live events as they arrive) and returns the state
   * after all of them: the live score, folded by the same reducer and with the same checkpoints a
   * later seek uses.
   */
  append(events: readonly unknown[]): ScoreState {
    const from = this.length;
    const before = this.tail;
    this.push(events);
    if (before === undefined) return this.stateAt(this.length);
    this.tail = this.fold(from, before, this.length);
    return this.tail;
  }

  /**
   * The score after the first `n` events (0: nothing yet; `length`: everything). The result is
   * immutable and may be shared with later calls. A look aside (`remember` false: a second
   * playhead, a marked moment) leaves the next step from the current one as cheap as before.
   */
  stateAt(n: number, remember = true): ScoreState {
    const target = Math.max(0, Math.min(this.length, Math.floor(n)));
    if (target === this.length && this.tail) return this.tail;
    const last = this.last;
    if (last && last.n === target) return last.state;
    // From the nearest checkpoint taken so far, or from the state shown now when that is nearer (a
    // small step forward then costs only the events passed).
    const c = Math.min(Math.floor(target / this.interval), this.checkpoints.length - 1);
    let at = c * this.interval;
    let state = this.checkpoints[c]!;
    if (last && last.n <= target && last.n > at) ({ n: at, state } = last);
    state = this.fold(at, state, target);
    if (remember) this.last = { n: target, state };
    if (target === this.length) this.tail = state;
    return state;
  }

  /** How many events happened at or before `ts` (the playhead at that time shows exactly those). */
  countAt(ts: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.stamps[mid]! <= ts) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * The playhead count after the next event of `kind` past count `n` (forward), or at the previous one
   * before it (backward); `n` itself when there is none.
   */
  step(n: number, kind: StepKind, direction: 1 | -1): number {
    // A staging is its snapshot and what it staged and raised right after: the playhead lands after
    // all of it, so the files, the hunks and their warnings are on the score together.
    const land = (i: number) => (kind === 'staging' ? this.stagingEnd(i) : i + 1);
    if (direction === 1) {
      for (let i = n; i < this.length; i++) if (isStep(kind, typeAt(this.all[i])) && land(i) > n) return land(i);
      return n;
    }
    for (let i = n - 1; i >= 0; i--) if (isStep(kind, typeAt(this.all[i])) && land(i) < n) return land(i);
    return n;
  }

  /** The count after the staging whose snapshot is event `i`: past its hunks and warnings. */
  private stagingEnd(i: number): number {
    const task = (this.all[i] as { task?: unknown }).task;
    let j = i + 1;
    while (j < this.length) {
      const e = this.all[j] as { type?: unknown; task?: unknown };
      if (!STAGING_TAIL.has(typeAt(e)) || e.task !== task) break;
      j++;
    }
    return j;
  }

  /** Checkpoints held now (for the benchmark and the tests). */
  get checkpointCount(): number {
    return this.checkpoints.length;
  }

  private push(events: readonly unknown[]): void {
    const from = this.all.length;
    if (from + events.length > this.stamps.length) {
      const grown = new Float64Array(Math.max(from + events.length, this.stamps.length * 2));
      grown.set(this.stamps.subarray(0, from));
      this.stamps = grown;
    }
    let prev = from > 0 ? this.stamps[from - 1]! : 0;
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      this.all.push(e);
      const ts = stampOf(e)?.ts;
      // Times never go backwards, so the playhead's time and its count agree (a late event from
      // another window plays where it arrived).
      if (ts !== undefined && ts > prev) prev = ts;
      this.stamps[from + i] = prev;
    }
  }

  /** Folds events [at, to) onto `state` (the state after `at` events), taking checkpoints on the way. */
  private fold(at: number, state: ScoreState, to: number): ScoreState {
    while (at < to) {
      const boundary = (Math.floor(at / this.interval) + 1) * this.interval;
      const until = Math.min(to, boundary);
      state = reduceAll(state, this.all.slice(at, until));
      at = until;
      if (at === boundary && at / this.interval === this.checkpoints.length) {
        this.checkpoints.push(state);
        if (this.adaptive && this.checkpoints.length > MAX_CHECKPOINTS) {
          this.checkpoints = this.checkpoints.filter((_, i) => i % 2 === 0);
          this.interval *= 2;
        }
      }
    }
    return state;
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
