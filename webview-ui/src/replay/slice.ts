/**
 * Replay in the webview: a playhead over the recording, and the score shown at it.
 *
 * Every event the host sends goes into one `Replay` (src/score/replay.ts), which folds it with the
 * same reducer and checkpoints a later seek starts from: the live score is the replay's last state,
 * and the score at the playhead is the replay's state after the events up to it. So replay and live
 * are one code path; entering replay costs nothing, and seeking folds at most one checkpoint
 * interval. The store's `score` is what every view reads: live, or the playhead's; `live` is always
 * the score as it stands now.
 *
 * Replay only ever reads: while the playhead is out, intents that would change the workspace are
 * refused here (see `allowedInReplay`) as well as disabled in the views.
 */
import { playForward, Replay, type ScoreState, type StepKind } from '../../../src/score';
import type { FromWebview } from '../../../src/protocol';

/** Why an action is off while replaying (the tooltip of every disabled action). */

export type Speed = 1 | 10 | 100;
export const SPEEDS: readonly Speed[] = [1, 10, 100];

/** Where the playhead stands: the first `count` events are shown, and the plot's clock reads `ts`. */
export interface Playhead {
  count: number;
  ts: number;
}

export interface ReplayFields {
  /** The score the views show: the live one, or the one at the playhead. */
  score: ScoreState;
  /** The score as it stands now, whatever the playhead shows. */
  live: ScoreState;
  /** Null while live. */
  playhead: Playhead | null;
  playing: boolean;
  speed: Speed;
  /** A second playhead to compare files with (M sets it at the playhead). */
  mark: Playhead | null;
  /** The recording's span and size, for the scrubber (updated as live events arrive). */
  recording: { firstTs: number; lastTs: number; length: number };
}

export interface ReplayActions {
  /** Puts the playhead out at `ts` (by default at the end), pausing. */
  enterReplay(ts?: number): void;
  /** Moves the playhead to a time (clamped to the recording). */
  seekTime(ts: number): void;
  /** Moves the playhead to show the first `count` events. */
  seekCount(count: number): void;
  /** To the next (1) or previous (-1) entry, decision, warning or staging. */
  step(kind: StepKind, direction: 1 | -1): void;
  /** Start of the recording (Home) or its end (End). */
  seekEdge(edge: 'start' | 'end'): void;
  togglePlay(): void;
  setSpeed(speed: Speed): void;
  /** Marks the playhead's moment (or clears the mark when it is already there). */
  toggleMark(): void;
  /** Back to the live score. */
  goLive(): void;
  /** Advances a playing playhead by `elapsedMs` of wall-clock time (the play loop's frame). */
  playFrame(elapsedMs: number): void;
}

type Get = () => ReplayFields;
type Set = (change: Partial<ReplayFields>) => void;

/** The intents a replay may send: opening files, diffs, forks and exports only read the recording. */
export function allowedInReplay(message: FromWebview): boolean {
  return message.type.startsWith('replay/') || message.type === 'ready' || message.type === 'reportError' || message.type === 'openJournal' || message.type === 'revealJournalFolder' || message.type === 'notes/open' || message.type === 'hunk/open';
}

/**
 * The recording behind the score and the actions on its playhead. `fold` is how the store folds the
 * host's events (replacing a plain `reduceAll`); `reset` starts a new recording for a new source.
 */
export class Recording {
  private replay = new Replay();

  constructor(
    private readonly get: Get,
    private readonly set: Set,
  ) {}

  /** The replay itself (for the files panel and the benchmark). */
  get model(): Replay {
    return this.replay;
  }

  /** The fields for a new source: an empty recording, live. */
  reset(): Pick<ReplayFields, 'score' | 'live' | 'playhead' | 'playing' | 'mark' | 'recording'> {
    this.replay = new Replay();
    const score = this.replay.stateAt(0);
    return { score, live: score, playhead: null, playing: false, mark: null, recording: { firstTs: 0, lastTs: 0, length: 0 } };
  }

  /**
   * Folds events onto the live score; returns the fields to set: `live`, the recording's span, and
   * `score` too unless the playhead is out (replay keeps showing its moment while the live score
   * moves on).
   */
  fold(events: readonly unknown[], replaying: boolean): Pick<ReplayFields, 'live' | 'recording'> & Partial<Pick<ReplayFields, 'score'>> {
    const live = this.replay.append(events);
    const recording = { firstTs: this.replay.firstTs, lastTs: this.replay.lastTs, length: this.replay.length };
    return replaying ? { live, recording } : { live, recording, score: live };
  }

  /** The fields that put the playhead out at `ts` (the host's "replay from here"). */
  enter(ts: number): Pick<ReplayFields, 'playhead' | 'score' | 'playing'> {
    const r = this.replay;
    const t = clamp(ts, r.firstTs, r.lastTs);
    const count = r.countAt(t);
    return { playhead: { count, ts: t }, score: r.stateAt(count), playing: false };
  }

  /** The score at a playhead (null: live). */
  scoreAt(at: Playhead | null): ScoreState {
    return at === null ? this.replay.stateAt(this.replay.length) : this.replay.stateAt(at.count);
  }

  private show(count: number, ts?: number, extra: Partial<ReplayFields> = {}): void {
    const r = this.replay;
    const n = Math.max(0, Math.min(r.length, count));
    // The clock reads the time given (between two events while playing), else the last shown event's.
    const at: Playhead = { count: n, ts: ts ?? (n > 0 ? r.times[n - 1]! : r.firstTs) };
    this.set({ playhead: at, score: r.stateAt(n), ...extra });
  }

  readonly actions: ReplayActions = {
    enterReplay: (ts) => {
      const r = this.replay;
      if (ts === undefined) this.show(r.length, r.lastTs, { playing: false });
      else this.set(this.enter(ts));
    },
    seekTime: (ts) => {
      const r = this.replay;
      const t = clamp(ts, r.firstTs, r.lastTs);
      this.show(r.countAt(t), t);
    },
    seekCount: (count) => this.show(count),
    step: (kind, direction) => {
      const at = this.get().playhead ?? { count: this.replay.length, ts: this.replay.lastTs };
      this.show(this.replay.step(at.count, kind, direction), undefined, { playing: false });
    },
    seekEdge: (edge) => this.show(edge === 'start' ? 0 : this.replay.length, edge === 'start' ? this.replay.firstTs : this.replay.lastTs),
    togglePlay: () => {
      const { playhead, playing } = this.get();
      if (playing) return this.set({ playing: false });
      const r = this.replay;
      // Playing from the end (or from live) starts over.
      if (playhead === null || playhead.count >= r.length) this.show(0, r.firstTs, { playing: true });
      else this.set({ playing: true });
    },
    setSpeed: (speed) => this.set({ speed }),
    toggleMark: () => {
      const { playhead, mark } = this.get();
      const at = playhead ?? { count: this.replay.length, ts: this.replay.lastTs };
      this.set({ mark: mark && mark.count === at.count ? null : at });
    },
    goLive: () => this.set({ playhead: null, playing: false, score: this.get().live }),
    playFrame: (elapsedMs) => {
      const { playhead, playing, speed } = this.get();
      if (!playing || playhead === null) return;
      const r = this.replay;
      const ts = playForward(r, playhead.ts, elapsedMs, speed);
      this.show(r.countAt(ts), ts, ts >= r.lastTs ? { playing: false } : {});
    },
  };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}
