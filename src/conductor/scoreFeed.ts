/**
 * The host's copy of the score and the events behind it, fed from journals on load and from live
 * sessions as they run, and fanned out to whoever shows it (the webview panel, the sessions view).
 *
 * The feed keeps every event it has seen so that a webview that (re)connects can be sent the whole
 * history and fold it with the same reducer; the host's own state is folded with that reducer too.
 */
import type { SourceInfo } from '../protocol';
import { emptyScore, reduceAll, type ScoreState } from '../score';

export type FeedUpdate =
  | { type: 'reset'; source: SourceInfo }
  | { type: 'events'; events: unknown[] }
  | { type: 'problems'; problems: string[] };

export type FeedListener = (update: FeedUpdate) => void;

export class ScoreFeed {
  private events: unknown[] = [];
  private problemList: string[] = [];
  private score: ScoreState = emptyScore();
  private sourceInfo: SourceInfo;
  private readonly listeners = new Set<FeedListener>();

  constructor(source: SourceInfo) {
    this.sourceInfo = source;
  }

  get state(): ScoreState {
    return this.score;
  }

  get source(): SourceInfo {
    return this.sourceInfo;
  }

  get problems(): readonly string[] {
    return this.problemList;
  }

  /** Every event so far, in the order they were fed. */
  history(): readonly unknown[] {
    return this.events;
  }

  /** Replaces everything: a new source with its events and the problems met reading it. */
  reset(source: SourceInfo, events: unknown[], problems: string[]): void {
    this.sourceInfo = source;
    this.events = events;
    this.problemList = problems;
    this.score = reduceAll(emptyScore(), events);
    this.emit({ type: 'reset', source });
    if (events.length > 0) this.emit({ type: 'events', events });
    if (problems.length > 0) this.emit({ type: 'problems', problems });
  }

  /** Live events from running sessions. */
  push(events: unknown[]): void {
    if (events.length === 0) return;
    for (const e of events) this.events.push(e);
    this.score = reduceAll(this.score, events);
    this.emit({ type: 'events', events });
  }

  report(problems: string[]): void {
    if (problems.length === 0) return;
    this.problemList = [...this.problemList, ...problems];
    this.emit({ type: 'problems', problems: this.problemList });
  }

  subscribe(listener: FeedListener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private emit(update: FeedUpdate): void {
    for (const l of [...this.listeners]) l(update);
  }
}
