/**
 * One streamed answer over Server-Sent Events: events written as the wire format wants them, pauses
 * between pieces, and whether the agent hung up before the answer was complete.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export class SseStream {
  /** The agent closed the connection before `end()`. */
  aborted = false;
  private ended = false;
  private readonly gone: Promise<void>;

  constructor(
    req: IncomingMessage,
    private readonly res: ServerResponse,
  ) {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.flushHeaders();
    this.gone = new Promise((resolve) => {
      const hangUp = (): void => {
        if (!this.ended) this.aborted = true;
        resolve();
      };
      res.once('close', hangUp);
      req.once('aborted', hangUp);
    });
  }

  get open(): boolean {
    return !this.aborted && !this.ended && !this.res.destroyed;
  }

  /** `event:` (when named) and `data:` lines; a no-op once the agent has hung up. */
  send(data: unknown, event?: string): void {
    if (!this.open) return;
    this.res.write(`${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`);
  }

  /** Waits `ms`, or less if the agent hangs up meanwhile. */
  async pause(ms: number): Promise<void> {
    if (ms <= 0 || !this.open) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([new Promise<void>((r) => (timer = setTimeout(r, ms))), this.gone]);
    clearTimeout(timer);
  }

  /** Holds the answer open, sending nothing, until the agent hangs up (or the endpoint closes). */
  stall(): Promise<void> {
    return this.gone;
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (!this.res.destroyed) this.res.end();
  }
}
