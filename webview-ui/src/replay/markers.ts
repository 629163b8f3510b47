/**
 * The scrubber's marks: when the recording's decisions, warnings and stagings happened, gathered
 * incrementally as events arrive (a live score of a million events is scanned once, not per frame),
 * and drawn one pixel column at a time, so the cost of drawing follows the track's width.
 */
import { isStep, type Replay, type StepKind } from '../../../src/score';

export const MARK_KINDS = ['decision', 'warning', 'staging'] as const satisfies readonly StepKind[];
export type MarkKind = (typeof MARK_KINDS)[number];

export class Markers {
  private scanned = 0;
  private source: Replay | null = null;
  readonly times: Record<MarkKind, number[]> = { decision: [], warning: [], staging: [] };

  /** Brings the marks up to date with `replay` (a different replay starts over). */
  update(replay: Replay): void {
    if (replay !== this.source) {
      this.source = replay;
      this.scanned = 0;
      for (const k of MARK_KINDS) this.times[k] = [];
    }
    const events = replay.events;
    const times = replay.times;
    for (let i = this.scanned; i < events.length; i++) {
      const type = (events[i] as { type?: unknown } | null)?.type;
      if (typeof type !== 'string') continue;
      for (const k of MARK_KINDS) if (isStep(k, type)) this.times[k].push(times[i]!);
    }
    this.scanned = events.length;
  }

  /** Draws each kind's marks in its colour into `ctx`, `width` × `height` CSS pixels. */
  draw(ctx: CanvasRenderingContext2D, width: number, height: number, firstTs: number, lastTs: number, colour: Record<MarkKind, string>): void {
    ctx.clearRect(0, 0, width, height);
    const span = Math.max(1, lastTs - firstTs);
    MARK_KINDS.forEach((kind, row) => {
      ctx.fillStyle = colour[kind];
      const top = Math.round((row * height) / MARK_KINDS.length);
      const h = Math.max(2, Math.round(height / MARK_KINDS.length) - 1);
      let lastX = -1;
      for (const t of this.times[kind]) {
        const x = Math.min(width - 2, Math.floor(((t - firstTs) / span) * (width - 2)));
        if (x === lastX) continue;
        lastX = x;
        ctx.fillRect(x, top, 2, h);
      }
    });
  }
}
