/**
 * The one writer of a session's journal. Appends are synchronous and cheap (serialise, checksum,
 * buffer); the buffer is written and fsynced as one batch every `flushIntervalMs`, or at once for a
 * decision (`appendDurable`). A live agent emits events by the hundred per second; batching is what
 * keeps journaling from costing more than the agent.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { SCHEMA_VERSION, type EventBody, type PodiumEvent } from '../score';
import { ensureJournalFolder, journalPath, lockPath } from './folder';
import { acquireLock, type HeldLock, type LockOwner } from './lock';
import type { JournalProblem, TornTail } from './problems';
import { encodeRecord } from './record';
import { scanJournal, type JournalScan } from './reader';

export interface JournalWriterOptions {
  /** How long appends are buffered before they are written and fsynced together. Default 200. */
  flushIntervalMs?: number;
  /**
   * Receives the errors of flushes nobody awaits (the timed ones). Without it, the first such error
   * rejects the next flush(), appendDurable() or close(), so it is never lost.
   */
  onError?: (error: JournalWriteError) => void;
  /** How often the lock's heartbeat is rewritten (see lock.ts). Default 5 s. */
  heartbeatMs?: number;
  /**
   * Called once when another process took the lock over (this one was frozen, suspended or cut off
   * longer than the lock's staleness limit). From then on nothing more is written: appends throw and
   * buffered records are dropped with a JournalWriteError, so two writers never interleave.
   */
  onLockLost?: (by: LockOwner | undefined) => void;
}

/** What opening the journal found and repaired, before anything was appended. */
export interface RecoveryReport {
  file: string;
  /** The journal did not exist and was created empty. */
  created: boolean;
  /** Good records already in the journal. */
  eventCount: number;
  /** The sequence number appends continue after. */
  lastSeq: number;
  /** The torn last line that was truncated away. */
  truncatedTail?: TornTail;
  /** Damaged records before the last line; left in place, skipped by readers. */
  problems: JournalProblem[];
  /** The dead process whose lock was taken over. */
  staleLock?: LockOwner;
  /** One sentence per thing worth telling the user; empty when the journal was healthy. */
  messages: string[];
}

export interface WriterStats {
  /** Batches written (each followed by one fsync). */
  writes: number;
  fsyncs: number;
  bytesWritten: number;
  /** Records appended but not yet written. */
  pending: number;
}

/** A batch could not be written or fsynced. Its records stay buffered and are retried at the next flush. */
export class JournalWriteError extends Error {
  readonly code = 'JOURNAL_WRITE_FAILED';
  constructor(
    readonly file: string,
    /** Records that are not on disk. */
    readonly unwritten: number,
    cause: unknown,
    consequence = 'They are kept in memory and retried at the next flush',
  ) {
    super(
      `Could not write ${unwritten} journal record(s) to ${file}: ${(cause as Error)?.message ?? String(cause)}. ` +
        `${consequence}; check free disk space and the folder's permissions.`,
      { cause },
    );
    this.name = 'JournalWriteError';
  }
}

const DEFAULT_FLUSH_INTERVAL_MS = 200;
/** Buffered characters that trigger a write without waiting for the timer, bounding memory in a burst. */
const EARLY_FLUSH_CHARS = 1 << 20;
/** Characters per write call: large enough to amortise syscalls, small enough to keep strings cheap. */
const WRITE_CHUNK_CHARS = 4 << 20;

export class JournalWriter {
  private pending: string[] = [];
  private pendingChars = 0;
  /** Every write runs after the previous one settles: records never interleave or reorder. */
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private flushQueued = false;
  private closing = false;
  private closed: Promise<void> | undefined;
  private heldError: JournalWriteError | undefined;
  /** Set when a failed batch could not be cut back: the retry starts on a new line, so the partial
   *  bytes become one damaged line of their own instead of spoiling the first retried record. */
  private startOnNewLine = false;
  private seq: number;
  /** Bytes known to be on disk; a failed batch is cut back to here before it is retried. */
  private committedBytes: number;
  private readonly counters = { writes: 0, fsyncs: 0, bytesWritten: 0 };

  private constructor(
    readonly file: string,
    readonly sessionId: string,
    readonly recovery: RecoveryReport,
    private readonly fh: FileHandle,
    private readonly lock: HeldLock,
    private readonly flushIntervalMs: number,
    private readonly onError: ((error: JournalWriteError) => void) | undefined,
    goodBytes: number,
  ) {
    this.seq = recovery.lastSeq;
    this.committedBytes = goodBytes;
  }

  /**
   * Opens `<folder>/<sessionId>.jsonl` for appending, creating the folder and the file if missing.
   * In order: takes the single-writer lock (rejects with JournalLockedError if a live process holds
   * it: open the journal read-only then), reads the journal, truncates a torn last line, and continues
   * the sequence after the last good record. Recovery runs only under the lock, so it never cuts a
   * line another writer is in the middle of. Rejects with a RangeError for an unusable session id.
   */
  static async open(folder: string, sessionId: string, options: JournalWriterOptions = {}): Promise<JournalWriter> {
    const file = journalPath(folder, sessionId);
    const flushIntervalMs = options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
    if (!(flushIntervalMs >= 0) || !Number.isFinite(flushIntervalMs)) {
      throw new RangeError(`flushIntervalMs must be a finite number of milliseconds ≥ 0, not ${flushIntervalMs}`);
    }
    await ensureJournalFolder(folder);
    const lock = await acquireLock(file, lockPath(file), { heartbeatMs: options.heartbeatMs, onLost: options.onLockLost });
    let fh: FileHandle | undefined;
    try {
      const { scan, created } = await scanExisting(file);
      if (scan.tornTail) await truncate(file, scan.tornTail.offset);
      fh = await open(file, 'a');
      if (created) await syncFolder(folder);
      const recovery = describeRecovery(file, created, scan, lock.staleOwner);
      return new JournalWriter(file, sessionId, recovery, fh, lock, flushIntervalMs, options.onError, scan.goodBytes);
    } catch (err) {
      await fh?.close().catch(() => undefined);
      await lock.release();
      throw err;
    }
  }

  /** True once another process took over this journal's lock: the writer writes nothing more. */
  get lockLost(): boolean {
    return this.lock.lost;
  }

  /** The lock as written in the lock file (pid, host, start, heartbeat). */
  get lockOwner(): LockOwner {
    return this.lock.owner;
  }

  /** The sequence number of the last appended event (written or not). */
  get lastSeq(): number {
    return this.seq;
  }

  get stats(): WriterStats {
    return { ...this.counters, pending: this.pending.length };
  }

  /**
   * Journals one event: assigns `v`, `session`, the next `seq` and `ts` (now unless given), buffers
   * it, and returns the complete event at once. The event is serialised now, so changing the returned
   * object later does not change the journal. Throws (consuming no seq) when the writer is closed,
   * `ts` is not a finite number, or the body cannot be serialised as JSON.
   */
  append(body: EventBody, ts: number = stamp()): PodiumEvent {
    if (this.closing) throw new Error(`The journal writer for ${this.file} is closed; open a new one to append.`);
    if (this.lock.lost) throw new Error(`Another window took over ${this.file}; this window may no longer write it.`);
    if (!Number.isFinite(ts)) throw new RangeError(`Event time must be a finite number of milliseconds, not ${ts}`);
    const seq = this.seq + 1;
    const event = { v: SCHEMA_VERSION, session: this.sessionId, seq, ts, ...body } as PodiumEvent;
    // The body is typed without the envelope, but a caller's object may still carry one at runtime:
    // the journal's own values win (they keep their leading position in the JSON).
    event.v = SCHEMA_VERSION;
    event.session = this.sessionId;
    event.seq = seq;
    event.ts = ts;
    const line = encodeRecord(seq, JSON.stringify(event));
    this.seq = seq;
    this.pending.push(line);
    this.pendingChars += line.length;
    if (this.pendingChars >= EARLY_FLUSH_CHARS) this.flushInBackground();
    else if (this.timer === undefined && !this.flushQueued) this.startTimer();
    return event;
  }

  /**
   * Journals one event and resolves once it, and everything appended before it, is written and
   * fsynced. For decisions (approvals, rejections, applied edits) that must survive a crash right
   * after. Rejects with JournalWriteError when the write fails (the records stay buffered and are
   * retried at the next flush).
   */
  async appendDurable(body: EventBody, ts?: number): Promise<PodiumEvent> {
    const event = this.append(body, ts);
    await this.flush();
    return event;
  }

  /**
   * Writes and fsyncs everything appended so far. Resolves when it is on disk; rejects with
   * JournalWriteError when the write fails, or with the held error of an earlier unobserved
   * background flush (see `onError`).
   */
  flush(): Promise<void> {
    this.stopTimer();
    const run = this.chain.then(() => this.writePending());
    this.chain = run.catch(() => undefined);
    return run.then(() => this.rethrowHeldError());
  }

  /**
   * Flushes, closes the file and releases the lock. Rejects with JournalWriteError if the final flush
   * fails; the file is closed and the lock released all the same, and the records that could not be
   * written are lost (the error says how many). Calling it again is harmless.
   */
  close(): Promise<void> {
    return (this.closed ??= this.shutDown());
  }

  private async shutDown(): Promise<void> {
    this.closing = true;
    let failure: unknown;
    try {
      await this.flush();
    } catch (err) {
      failure = err;
    }
    if (this.pending.length > 0) {
      const cause = failure instanceof JournalWriteError ? failure.cause : failure;
      failure = new JournalWriteError(this.file, this.pending.length, cause, 'The writer was closed, so they are lost');
      this.pending = [];
      this.pendingChars = 0;
    }
    try {
      await this.fh.close();
    } finally {
      await this.lock.release();
    }
    if (failure !== undefined) throw failure;
  }

  private startTimer(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushInBackground();
    }, this.flushIntervalMs);
    // A forgotten writer must not keep the process alive; close() is what guarantees the last batch.
    this.timer.unref();
  }

  private stopTimer(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private flushInBackground(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    this.stopTimer();
    const run = this.chain.then(() => {
      this.flushQueued = false;
      return this.writePending();
    });
    this.chain = run.catch((err: unknown) => this.report(err));
  }

  private report(err: unknown): void {
    const error = err instanceof JournalWriteError ? err : new JournalWriteError(this.file, this.pending.length, err);
    if (!this.onError) {
      this.heldError ??= error;
      return;
    }
    try {
      this.onError(error);
    } catch (callbackError) {
      // A throwing callback must not break the write chain; let it surface as the bug it is.
      queueMicrotask(() => { throw callbackError; });
    }
  }

  private rethrowHeldError(): void {
    const held = this.heldError;
    if (held === undefined) return;
    this.heldError = undefined;
    throw held;
  }

  /** Writes what is buffered now as one batch plus one fsync. Runs only inside `chain`. */
  private async writePending(): Promise<void> {
    if (this.pending.length === 0) return;
    // A process that was frozen past its heartbeat checks the lock before writing, so a writer that
    // took over meanwhile is never interleaved with.
    const owner = this.lock.owner;
    const due = this.lock.lost || Date.now() - (owner.heartbeatAt ?? 0) > (owner.heartbeatMs ?? 0);
    if (due && !(await this.lock.beat().catch(() => !this.lock.lost))) {
      const dropped = this.pending.length;
      this.pending = [];
      this.pendingChars = 0;
      throw new JournalWriteError(this.file, dropped, new Error('another window took over the journal'), 'They are dropped, since that window writes it now');
    }
    const lines = this.pending;
    this.pending = [];
    this.pendingChars = 0;
    let written = 0;
    try {
      for (let i = 0; i < lines.length; ) {
        let end = i;
        let chars = 0;
        while (end < lines.length && (end === i || chars + lines[end]!.length <= WRITE_CHUNK_CHARS)) chars += lines[end++]!.length;
        const text = (i === 0 && this.startOnNewLine ? '\n' : '') + (end - i === 1 ? lines[i]! : lines.slice(i, end).join(''));
        written += await writeAll(this.fh, Buffer.from(text, 'utf8'));
        i = end;
      }
      await this.fh.datasync();
      // Ask the file rather than add up: after a failed cut-back it holds bytes we did not count.
      this.committedBytes = (await this.fh.stat()).size;
    } catch (err) {
      // Cut the file back to what is known to be on disk, so the retry cannot leave half a batch
      // (a torn line in the middle of the journal) behind. After a failed fsync the kernel may have
      // dropped the pages, so the whole batch is rewritten, not just re-synced.
      try {
        await this.fh.truncate(this.committedBytes);
        this.startOnNewLine = false;
      } catch {
        this.startOnNewLine = true;
      }
      this.pending = lines.concat(this.pending);
      this.pendingChars = this.pending.reduce((n, l) => n + l.length, 0);
      throw new JournalWriteError(this.file, lines.length, err);
    }
    this.startOnNewLine = false;
    this.counters.writes++;
    this.counters.fsyncs++;
    this.counters.bytesWritten += written;
  }
}

async function writeAll(fh: FileHandle, buf: Buffer): Promise<number> {
  let offset = 0;
  while (offset < buf.length) {
    const { bytesWritten } = await fh.write(buf, offset, buf.length - offset);
    offset += bytesWritten;
  }
  return buf.length;
}

async function scanExisting(file: string): Promise<{ scan: JournalScan; created: boolean }> {
  try {
    // The events are not kept: recovery needs only the sequence number and the damage.
    return { scan: await scanJournal(file, () => undefined), created: false };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return { scan: { file, eventCount: 0, lastSeq: 0, goodBytes: 0, problems: [] }, created: true };
  }
}

async function truncate(file: string, length: number): Promise<void> {
  const fh = await open(file, 'r+');
  try {
    await fh.truncate(length);
    await fh.datasync();
  } finally {
    await fh.close();
  }
}

/** Makes a new journal's directory entry durable too. Not every platform can open a folder; that is fine. */
async function syncFolder(folder: string): Promise<void> {
  try {
    const dir = await open(folder, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch {
    // Windows cannot fsync a directory; NTFS journals the metadata itself.
  }
}

function describeRecovery(file: string, created: boolean, scan: JournalScan, staleLock: LockOwner | undefined): RecoveryReport {
  const messages: string[] = [];
  if (staleLock) {
    messages.push(`${file}: took over the lock of process ${staleLock.pid} on ${staleLock.hostname} (since ${staleLock.startedAt}), which is no longer running.`);
  }
  if (scan.tornTail) {
    messages.push(`${file}:${scan.tornTail.line}: removed an incomplete last line (${scan.tornTail.bytes} bytes, ${scan.tornTail.reason}) left by a crash; the ${scan.eventCount} records before it are intact.`);
  }
  if (scan.problems.length > 0) {
    const lines = scan.problems.slice(0, 5).map((p) => p.line).join(', ');
    const more = scan.problems.length > 5 ? ` and ${scan.problems.length - 5} more` : '';
    messages.push(`${file}: ${scan.problems.length} damaged record(s) at line(s) ${lines}${more} are skipped when reading and left in the file untouched.`);
  }
  return {
    file,
    created,
    eventCount: scan.eventCount,
    lastSeq: scan.lastSeq,
    truncatedTail: scan.tornTail,
    problems: scan.problems,
    staleLock,
    messages,
  };
}

let lastStamp = 0;

/**
 * Now, in milliseconds, strictly later than any time this process stamped before: events two
 * sessions journal in the same millisecond get times a microsecond apart, in the order they happened,
 * so merging journals by time (replay, a reload) folds them in exactly the order the live score did.
 */
export function stamp(): number {
  const now = Date.now();
  lastStamp = now > lastStamp ? now : lastStamp + 0.001;
  return lastStamp;
}
