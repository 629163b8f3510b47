/**
 * Reading a session journal: streamed in chunks, so a journal of a million events (hundreds of MB)
 * never has to sit in memory as one string, and every record checked against its crc.
 *
 * Events come back as `unknown`: the reader checks the record envelope (layout, crc, JSON, sequence
 * number), never the event's type, so events of types this Podium does not know pass through and
 * the reducer shows them as unreadable entries.
 */
import { open } from 'node:fs/promises';
import { Folding, type ScoreState } from '../score';
import { decodeRecord, NEWLINE, type RecordDefect } from './record';
import { makeProblem, makeTornTail, problemFromDefect, type JournalProblem, type TornTail } from './problems';

/** What a pass over a journal found, besides the events themselves. */
export interface JournalScan {
  file: string;
  /** Good records read. */
  eventCount: number;
  /** Highest sequence number among good records; 0 when there are none. */
  lastSeq: number;
  /** Bytes up to the end of the last complete line: the file's length without its torn tail. */
  goodBytes: number;
  /** Damaged records before the last line, in file order; each was skipped. */
  problems: JournalProblem[];
  /** The damaged last line, if any. */
  tornTail?: TornTail;
}

export interface JournalReadResult extends JournalScan {
  /** Every good record's event, in file order. */
  events: unknown[];
}

export interface ScanOptions {
  /** Events handed to `onEvents` at a time, at least (the last batch may be smaller). */
  batchSize?: number;
  /** Longest line read (default MAX_RECORD_BYTES); a longer one is skipped and reported. */
  maxRecordBytes?: number;
  /** Bytes read per chunk; a longer line is read again, whole, once its end is found. */
  chunkBytes?: number;
}

const DEFAULT_CHUNK = 1 << 20;

/**
 * The longest record a reader holds in memory. Podium's own records stay far below it (large blobs go
 * beside the journal); a longer line is a damaged or hostile journal (a cloned repository's), so it is
 * skipped unread and reported rather than grown into gigabytes of buffer.
 */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

/**
 * Reads the whole journal into memory. Rejects only when the file cannot be read (the fs error names
 * it); damaged records are reported in `problems` / `tornTail`, never thrown.
 */
export async function readJournal(file: string, options: Pick<ScanOptions, 'chunkBytes'> = {}): Promise<JournalReadResult> {
  let events: unknown[] = [];
  const scan = await scanJournal(file, (batch) => { events = batch; }, { ...options, batchSize: Infinity });
  return { ...scan, events };
}

/**
 * Folds the journal into a score as it streams, in batches, so only the score (not every parsed
 * event) is kept. The same score as `fold((await readJournal(file)).events)`: the reducer promises
 * any chunking gives the same state.
 */
export async function loadJournal(file: string, options: ScanOptions = {}): Promise<JournalScan & { score: ScoreState }> {
  // One Folding for the whole file, fed small batches: nothing is copied twice, and each batch's
  // parsed records die young (a large batch outlives a young-generation collection and costs the
  // garbage collector far more than the reduction itself).
  const folding = new Folding();
  const scan = await scanJournal(file, (batch) => folding.add(batch), { batchSize: 1024, ...options });
  return { ...scan, score: folding.state };
}

/**
 * Streams the journal, handing good events to `onEvents` in file order, in batches of at least
 * `batchSize` (default: one read chunk's worth). Rejects only when the file cannot be read or
 * `onEvents` throws.
 */
export async function scanJournal(file: string, onEvents: (events: unknown[]) => void, options: ScanOptions = {}): Promise<JournalScan> {
  const batchSize = options.batchSize ?? 1;
  // One chunk-sized buffer for the whole pass: a line longer than it is read again, whole, into a
  // buffer of its own size once its end is known, so a hostile 300 MB line costs one chunk, and a
  // legitimately large record costs its own size once (never a chain of doubled buffers).
  const buf = Buffer.allocUnsafe(Math.max(1024, options.chunkBytes ?? DEFAULT_CHUNK));
  let filled = 0;
  /** File offset of buf[0]. */
  let base = 0;
  let lineNo = 0;
  let batch: unknown[] = [];
  const scan: JournalScan = { file, eventCount: 0, lastSeq: 0, goodBytes: 0, problems: [] };
  // A damaged line is torn if it turns out to be the last one, a middle problem otherwise; we only
  // know which when the next line (or the end of the file) arrives.
  let suspect: { line: number; offset: number; bytes: number; defect: RecordDefect; detail: string } | undefined;

  const settleSuspect = (): void => {
    if (!suspect) return;
    scan.problems.push(problemFromDefect(file, suspect.line, suspect.offset, suspect.defect, suspect.detail));
    suspect = undefined;
  };

  /** The line held in `from[start, nl)` (its newline at `nl`), which began at file offset `offset`. */
  const takeLine = (from: Buffer, start: number, nl: number, offset: number): void => {
    lineNo++;
    const record = decodeRecord(from, start, nl);
    settleSuspect();
    if (record.ok) {
      if (record.seq <= scan.lastSeq) {
        scan.problems.push(makeProblem(file, lineNo, offset, 'seq-order', `seq ${record.seq} does not follow ${scan.lastSeq}`));
      } else {
        scan.lastSeq = record.seq;
        scan.eventCount++;
        batch.push(record.event);
      }
    } else if (record.defect === 'seq') {
      // The crc checked out, so this is not a torn write even on the last line.
      scan.problems.push(problemFromDefect(file, lineNo, offset, record.defect, record.detail));
    } else {
      suspect = { line: lineNo, offset, bytes: nl + 1 - start, defect: record.defect, detail: record.detail };
    }
  };

  const maxRecord = options.maxRecordBytes ?? MAX_RECORD_BYTES;
  const tooLong = (bytes: number) => `it is ${bytes} bytes long, more than the ${maxRecord} a record may be`;
  /** A line longer than the buffer: where it began. Its bytes are passed over until its newline comes. */
  let long: { line: number; offset: number } | undefined;

  const fh = await open(file, 'r');
  try {
    for (;;) {
      if (filled === buf.length) {
        // The line under way fills the whole buffer: pass over it, keeping only where it began.
        long ??= { line: lineNo + 1, offset: base };
        base += filled;
        filled = 0;
      }
      const { bytesRead } = await fh.read(buf, filled, buf.length - filled, base + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;

      const view = buf.subarray(0, filled);
      let pos = 0;
      if (long) {
        const nl = view.indexOf(NEWLINE);
        if (nl === -1) {
          base += filled;
          filled = 0;
          continue;
        }
        const bytes = base + nl + 1 - long.offset;
        if (bytes <= maxRecord) {
          // Its end is known and it may be a record: read it whole, once.
          const whole = Buffer.allocUnsafe(bytes);
          for (let got = 0; got < bytes; ) {
            const r = await fh.read(whole, got, bytes - got, long.offset + got);
            if (r.bytesRead === 0) throw new Error(`${file} changed while it was read (line ${long.line} ended early)`);
            got += r.bytesRead;
          }
          takeLine(whole, 0, bytes - 1, long.offset);
        } else {
          lineNo++;
          settleSuspect();
          suspect = { line: long.line, offset: long.offset, bytes, defect: 'layout', detail: tooLong(bytes) };
        }
        long = undefined;
        pos = nl + 1;
      }
      for (let nl = view.indexOf(NEWLINE, pos); nl !== -1; nl = view.indexOf(NEWLINE, pos)) {
        takeLine(buf, pos, nl, base + pos);
        pos = nl + 1;
      }
      buf.copy(buf, 0, pos, filled);
      filled -= pos;
      base += pos;
      if (batch.length >= batchSize) {
        onEvents(batch);
        batch = [];
      }
    }
  } finally {
    await fh.close();
  }

  if (long) {
    settleSuspect();
    const bytes = base + filled - long.offset;
    scan.tornTail = makeTornTail(file, long.line, long.offset, bytes, bytes > maxRecord ? `it has no trailing newline and ${tooLong(bytes).slice(3)}` : 'it has no trailing newline');
    scan.goodBytes = long.offset;
  } else if (filled > 0) {
    settleSuspect();
    scan.tornTail = makeTornTail(file, lineNo + 1, base, filled, 'it has no trailing newline');
    scan.goodBytes = base;
  } else if (suspect) {
    scan.tornTail = makeTornTail(file, suspect.line, suspect.offset, suspect.bytes, describeDefect(suspect.defect, suspect.detail));
    scan.goodBytes = suspect.offset;
  } else {
    scan.goodBytes = base;
  }
  if (batch.length > 0) onEvents(batch);
  return scan;
}

function describeDefect(defect: RecordDefect, detail: string): string {
  switch (defect) {
    case 'layout': return `it is not a complete record (${detail})`;
    case 'crc': return `its checksum does not match (${detail})`;
    case 'json': return `its event is not valid JSON (${detail})`;
    case 'seq': return detail;
  }
}
