/**
 * What can be wrong with a journal, as values a user can act on: which file, which line, what is
 * wrong, and what Podium did about it.
 */
import type { RecordDefect } from './record';

export type JournalProblemKind =
  /** The line is not laid out as `{"seq":N,"crc":"…","event":…}`. */
  | 'not-a-record'
  /** The event's bytes do not match the stored checksum: the line was changed or damaged on disk. */
  | 'bad-crc'
  /** The checksum matches but the event is not valid JSON (only a broken writer produces this). */
  | 'bad-json'
  /** The record's sequence number differs from its event's. */
  | 'seq-mismatch'
  /** The sequence number does not increase: a duplicated or misplaced record. */
  | 'seq-order';

/** A damaged record somewhere before the last line; it is skipped and the records after it are kept. */
export interface JournalProblem {
  kind: JournalProblemKind;
  file: string;
  /** 1-based line number. */
  line: number;
  /** Byte offset of the line's start. */
  offset: number;
  /** One sentence for the user: where, what is wrong, what Podium did. */
  text: string;
}

/**
 * A damaged last line: a write that was cut off by a crash or power loss (no trailing newline, or
 * bytes that do not check out). Readers ignore it; a writer truncates it before appending.
 */
export interface TornTail {
  file: string;
  line: number;
  /** Where the torn line starts: the journal's good length. */
  offset: number;
  /** How many bytes the torn line holds. */
  bytes: number;
  reason: string;
  text: string;
}

const KIND_BY_DEFECT: Record<RecordDefect, JournalProblemKind> = {
  layout: 'not-a-record',
  crc: 'bad-crc',
  json: 'bad-json',
  seq: 'seq-mismatch',
};

const WHAT_BY_KIND: Record<JournalProblemKind, string> = {
  'not-a-record': 'is not a journal record',
  'bad-crc': 'fails its checksum (damaged or edited on disk)',
  'bad-json': 'holds an event that is not valid JSON',
  'seq-mismatch': 'has inconsistent sequence numbers',
  'seq-order': 'is out of sequence (duplicated or misplaced)',
};

export function problemFromDefect(file: string, line: number, offset: number, defect: RecordDefect, detail: string): JournalProblem {
  return makeProblem(file, line, offset, KIND_BY_DEFECT[defect], detail);
}

export function makeProblem(file: string, line: number, offset: number, kind: JournalProblemKind, detail: string): JournalProblem {
  return {
    kind,
    file,
    line,
    offset,
    text: `${file}:${line}: record ${WHAT_BY_KIND[kind]}: ${detail}. Podium skipped it and kept the records after it; the line stays in the file untouched.`,
  };
}

export function makeTornTail(file: string, line: number, offset: number, bytes: number, reason: string): TornTail {
  return {
    file,
    line,
    offset,
    bytes,
    reason,
    text: `${file}:${line}: the last line (${bytes} bytes) is incomplete: ${reason}. It is a write cut off by a crash or power loss; Podium ignores it, and truncates it when it next writes to this session.`,
  };
}
