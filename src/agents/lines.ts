/**
 * A line splitter with a bounded appetite. Agents and commands print whatever they like: a progress
 * bar without newlines, a minified bundle on one line, a million lines a second. The splitter hands
 * out complete lines as they arrive and never holds more than `maxLineBytes` of one line: the rest of
 * an overlong line is counted, not kept, and the line is handed out cut.
 */

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * Receives each line (without its newline, a trailing CR dropped). `cutBytes` is how many bytes of
 * the line were dropped because it was longer than the limit (0 for a whole line); a character cut
 * in half at the limit is dropped whole and counted with them.
 */
export type LineHandler = (text: string, cutBytes: number) => void;

export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private cutBytes = 0;
  private ended = false;

  constructor(
    private readonly onLine: LineHandler,
    readonly maxLineBytes: number,
  ) {
    if (!(maxLineBytes > 0)) throw new RangeError('maxLineBytes must be positive');
  }

  /** Feeds a chunk; complete lines are handed out synchronously, in order. */
  push(chunk: Buffer): void {
    if (this.ended) return;
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, start);
      this.keep(chunk.subarray(start, nl === -1 ? chunk.length : nl));
      if (nl === -1) return;
      this.flush();
      start = nl + 1;
    }
  }

  /** The stream ended: a last line without a newline is handed out too. Later chunks are ignored. */
  end(): void {
    if (this.ended) return;
    if (this.pendingBytes > 0 || this.cutBytes > 0) this.flush();
    this.ended = true;
  }

  private keep(piece: Buffer): void {
    if (piece.length === 0) return;
    const room = this.maxLineBytes - this.pendingBytes;
    if (piece.length <= room) {
      // Copied: a kept slice would pin the whole chunk it came from.
      this.pending.push(Buffer.from(piece));
      this.pendingBytes += piece.length;
      return;
    }
    if (room > 0) {
      this.pending.push(Buffer.from(piece.subarray(0, room)));
      this.pendingBytes += room;
    }
    this.cutBytes += piece.length - Math.max(0, room);
  }

  private flush(): void {
    let bytes = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    let cut = this.cutBytes;
    this.pending = [];
    this.pendingBytes = 0;
    this.cutBytes = 0;
    if (cut > 0) {
      const whole = dropPartialCharacter(bytes);
      cut += bytes.length - whole.length;
      bytes = whole;
    } else if (bytes.length > 0 && bytes[bytes.length - 1] === CARRIAGE_RETURN) {
      bytes = bytes.subarray(0, bytes.length - 1);
    }
    this.onLine(bytes.toString('utf8'), cut);
  }
}

/** A cut can fall inside a UTF-8 character: drop its first bytes rather than show a replacement mark. */
function dropPartialCharacter(bytes: Buffer): Buffer {
  let end = bytes.length;
  let back = 0;
  while (end - back - 1 >= 0 && back < 4 && (bytes[end - back - 1]! & 0xc0) === 0x80) back += 1;
  const lead = end - back - 1;
  if (lead < 0) return bytes;
  const first = bytes[lead]!;
  const need = first >= 0xf0 ? 4 : first >= 0xe0 ? 3 : first >= 0xc0 ? 2 : 1;
  if (need > back + 1) end = lead;
  return bytes.subarray(0, end);
}
