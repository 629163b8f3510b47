/**
 * A line filter in front of a newline-delimited JSON reader. Agents print things that are not
 * protocol messages (a stray log line, a progress bar, a half-written line when they crash); the
 * score should show each as an error and the session should go on. The SDK's own reader answers a bad
 * line with a parse error to the agent and keeps nothing for us, and a line longer than its limit
 * closes the connection; this filter drops both kinds after reporting them.
 */
import type { Readable } from 'node:stream';

/** Longest line accepted; longer ones are reported and skipped, never buffered whole. */
export const MAX_LINE_BYTES = 32 * 1024 * 1024;
const NEWLINE = 0x0a;

export interface LineFilterHooks {
  /**
   * A line that is not a JSON object (text is clipped to a few KB). A message returned goes on in the
   * line's place, so a report of it can travel in order with the rest.
   */
  onMalformed(text: string, reason: 'not-json' | 'not-an-object' | 'too-long'): Record<string, unknown> | void;
  /** Last say on a well-formed message: return false to drop it. */
  accept?(message: Record<string, unknown>): boolean;
}

/**
 * Reads `source` as NDJSON and yields only the lines that are JSON objects (newline-terminated), in
 * order, with backpressure carried to `source`. Never errors on content; errors of `source` itself
 * pass through.
 */
export function filterJsonLines(source: Readable, hooks: LineFilterHooks, maxLineBytes = MAX_LINE_BYTES): ReadableStream<Uint8Array> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let skipping = false;
  let finished = false;

  const handleLine = (line: Buffer, controller: ReadableStreamDefaultController<Uint8Array>): void => {
    const text = line.toString('utf8').trim();
    if (text.length === 0) return;
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      replace(hooks.onMalformed(clip(text), 'not-json'), controller);
      return;
    }
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      replace(hooks.onMalformed(clip(text), 'not-an-object'), controller);
      return;
    }
    if (hooks.accept && !hooks.accept(message as Record<string, unknown>)) return;
    controller.enqueue(Buffer.concat([line, Buffer.from([NEWLINE])]));
  };

  const replace = (message: Record<string, unknown> | void, controller: ReadableStreamDefaultController<Uint8Array>): void => {
    if (message) controller.enqueue(Buffer.from(`${JSON.stringify(message)}\n`));
  };

  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        source.on('data', (chunk: Buffer) => {
          if (finished) return;
          let start = 0;
          for (let nl = chunk.indexOf(NEWLINE, start); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
            const piece = chunk.subarray(start, nl);
            start = nl + 1;
            if (skipping) {
              skipping = false;
              continue;
            }
            const line = pendingBytes > 0 ? Buffer.concat([...pending, piece]) : piece;
            pending = [];
            pendingBytes = 0;
            handleLine(line, controller);
          }
          if (start < chunk.length && !skipping) {
            const rest = chunk.subarray(start);
            pending.push(rest);
            pendingBytes += rest.length;
            if (pendingBytes > maxLineBytes) {
              replace(hooks.onMalformed(clip(Buffer.concat(pending).subarray(0, 4096).toString('utf8')), 'too-long'), controller);
              pending = [];
              pendingBytes = 0;
              skipping = true;
            }
          }
          if ((controller.desiredSize ?? 1) <= 0) source.pause();
        });
        const end = (): void => {
          if (finished) return;
          finished = true;
          if (pendingBytes > 0 && !skipping) handleLine(Buffer.concat(pending), controller);
          pending = [];
          controller.close();
        };
        source.once('end', end);
        // A destroyed source closes without 'end'; the reader must still see the end.
        source.once('close', end);
        source.once('error', (err) => {
          if (finished) return;
          finished = true;
          controller.error(err);
        });
      },
      pull() {
        if (source.isPaused()) source.resume();
      },
      cancel() {
        finished = true;
        source.destroy();
      },
    },
    { highWaterMark: 64 },
  );
}

function clip(text: string, max = 2048): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
