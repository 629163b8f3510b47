/**
 * The journal's line format, written and checked in one place.
 *
 * Every line is exactly `{"seq":N,"crc":"xxxxxxxx","event":<event JSON>}\n`, where the crc is the
 * CRC-32 of the UTF-8 bytes of `<event JSON>` as written. The prefix has a fixed layout, so a reader
 * finds the event's bytes by position and checks them without parsing or re-serialising anything:
 * the check is over the bytes on disk, never over a re-encoding that might differ.
 */
import { crc32 } from 'node:zlib';

const SEQ_OPEN = '{"seq":';
const CRC_OPEN = ',"crc":"';
const EVENT_OPEN = '","event":';

const SEQ_OPEN_BYTES = Buffer.from(SEQ_OPEN, 'latin1');
const CRC_OPEN_BYTES = Buffer.from(CRC_OPEN, 'latin1');
const EVENT_OPEN_BYTES = Buffer.from(EVENT_OPEN, 'latin1');

export const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const CLOSE_BRACE = 0x7d;
/** 2^53 has 16 digits; a longer run of digits cannot be a sequence number we wrote. */
const MAX_SEQ_DIGITS = 16;

/**
 * One journal line, newline included, for an event already serialised as `eventJson`.
 * `eventJson` must be the output of JSON.stringify (no raw newline, well-formed UTF-16), so its UTF-8
 * encoding is what lands on disk and the crc computed from the string matches the bytes.
 */
export function encodeRecord(seq: number, eventJson: string): string {
  return `${SEQ_OPEN}${seq}${CRC_OPEN}${crcHex(crc32(eventJson))}${EVENT_OPEN}${eventJson}}\n`;
}

function crcHex(crc: number): string {
  return crc.toString(16).padStart(8, '0');
}

/** Why a line is not a record; each maps to a sentence in `describeDefect`. */
export type RecordDefect = 'layout' | 'crc' | 'json' | 'seq';

export type DecodedRecord =
  | { ok: true; seq: number; event: unknown }
  | { ok: false; defect: RecordDefect; detail: string };

/**
 * Checks and decodes the line in `buf[start, end)` (newline excluded; a trailing `\r` left by an
 * editor that rewrote line endings is tolerated). Never throws: a line that is not a sound record
 * comes back as a defect with a short detail.
 */
export function decodeRecord(buf: Buffer, start: number, end: number): DecodedRecord {
  if (end > start && buf[end - 1] === CARRIAGE_RETURN) end -= 1;
  if (!startsWithAt(buf, start, end, SEQ_OPEN_BYTES)) return layout('it does not start with {"seq":');

  let pos = start + SEQ_OPEN_BYTES.length;
  let seq = 0;
  const digitsStart = pos;
  while (pos < end && pos - digitsStart <= MAX_SEQ_DIGITS) {
    const c = buf[pos]!;
    if (c < 0x30 || c > 0x39) break;
    seq = seq * 10 + (c - 0x30);
    pos++;
  }
  if (pos === digitsStart || pos - digitsStart > MAX_SEQ_DIGITS) return layout('its sequence number is missing or malformed');

  if (!startsWithAt(buf, pos, end, CRC_OPEN_BYTES)) return layout('the "crc" field is missing after the sequence number');
  pos += CRC_OPEN_BYTES.length;
  if (pos + 8 > end) return layout('the "crc" field is cut short');
  let expected = 0;
  for (let i = 0; i < 8; i++) {
    const digit = hexValue(buf[pos + i]!);
    if (digit < 0) return layout('the "crc" field is not 8 lowercase hex digits');
    expected = expected * 16 + digit;
  }
  pos += 8;

  if (!startsWithAt(buf, pos, end, EVENT_OPEN_BYTES)) return layout('the "event" field is missing after the crc');
  const eventStart = pos + EVENT_OPEN_BYTES.length;
  const eventEnd = end - 1;
  if (eventEnd <= eventStart || buf[eventEnd] !== CLOSE_BRACE) return layout('the record is not closed by }');

  const actual = crc32(buf.subarray(eventStart, eventEnd));
  if (actual !== expected) {
    return { ok: false, defect: 'crc', detail: `stored crc ${crcHex(expected)}, computed ${crcHex(actual)}` };
  }

  let event: unknown;
  try {
    event = JSON.parse(buf.toString('utf8', eventStart, eventEnd));
  } catch (err) {
    return { ok: false, defect: 'json', detail: (err as Error).message };
  }
  const eventSeq = typeof event === 'object' && event !== null ? (event as { seq?: unknown }).seq : undefined;
  if (eventSeq !== seq) {
    return { ok: false, defect: 'seq', detail: `the record says seq ${seq}, its event says ${JSON.stringify(eventSeq) ?? 'nothing'}` };
  }
  return { ok: true, seq, event };
}

function layout(detail: string): DecodedRecord {
  return { ok: false, defect: 'layout', detail };
}

function startsWithAt(buf: Buffer, pos: number, end: number, prefix: Buffer): boolean {
  if (end - pos < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (buf[pos + i] !== prefix[i]) return false;
  return true;
}

/** Lowercase hex only: the writer never writes uppercase, so uppercase means someone edited the line. */
function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -1;
}
