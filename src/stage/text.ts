/**
 * Text as the stage handles it: lines that keep their terminators, line-ending styles, and finding a
 * hunk's lines in a file that may have moved on. Pure functions; no git, no file system.
 */
import { CONTEXT_LINES } from './staged';

/** A file's lines, each with its terminator ("\n" or "\r\n"); the last may have none. '' has no lines. */
export function splitLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
    lines.push(text.slice(start, nl + 1));
    start = nl + 1;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

/**
 * Whether every line break in `text` is CRLF (and there is at least one). Mixed files are not CRLF
 * files: their hunks are used exactly as git gave them.
 */
export function isCrlfText(text: string): boolean {
  let crlf = 0;
  for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', nl + 1)) {
    if (nl > 0 && text.charCodeAt(nl - 1) === 13) crlf++;
    else return false;
  }
  return crlf > 0;
}

/**
 * Lines from git (repository form) adapted to a CRLF file. git stores a text file with LF when
 * core.autocrlf or an `eol` attribute converts it, and writes CRLF on checkout; a hunk made from the
 * stored form then has to be converted the same way to match the file. Lines that already carry a CR
 * anywhere are taken to be in the file's form and are left alone.
 */
export function toCrlf(lines: readonly string[]): string[] {
  return lines.map((l) => (l.endsWith('\n') && !l.endsWith('\r\n') ? `${l.slice(0, -1)}\r\n` : l));
}

export function hasCr(lines: readonly string[]): boolean {
  return lines.some((l) => l.includes('\r'));
}

/** `text` converted from LF to CRLF line breaks, unless it already has a CR. */
export function textToCrlf(text: string): string {
  return text.includes('\r') ? text : text.replace(/\n/g, '\r\n');
}

export interface Block {
  before: readonly string[];
  body: readonly string[];
  after: readonly string[];
  /** 0-based index where `body` is expected to start. */
  near: number;
}

export type Found = { at: number } | { at: null; why: 'absent' | 'ambiguous' };

/**
 * Where `body` starts in `lines`, surrounded by exactly `before` and `after`. Fewer context lines than
 * git gives (3) mean the hunk touched the start or end of the file, so the block must sit there too.
 * The match nearest to `near` wins, as `git apply` and `patch` choose; two at the same distance are
 * ambiguous, and no answer is better than a guess.
 */
export function findBlock(lines: readonly string[], block: Block): Found {
  const { before, body, after } = block;
  const atStart = before.length < CONTEXT_LINES;
  const atEnd = after.length < CONTEXT_LINES;
  const span = before.length + body.length + after.length;
  const lowest = before.length;
  const highest = lines.length - body.length - after.length;
  if (highest < lowest) return { at: null, why: 'absent' };
  if (atStart && atEnd) {
    return lines.length === span && matchesAt(lines, block, lowest) ? { at: lowest } : { at: null, why: 'absent' };
  }
  if (atStart) return matchesAt(lines, block, lowest) ? { at: lowest } : { at: null, why: 'absent' };
  if (atEnd) return matchesAt(lines, block, highest) ? { at: highest } : { at: null, why: 'absent' };

  const near = Math.min(Math.max(block.near, lowest), highest);
  const reach = Math.max(near - lowest, highest - near);
  for (let d = 0; d <= reach; d++) {
    const up = near - d >= lowest && matchesAt(lines, block, near - d);
    const down = d > 0 && near + d <= highest && matchesAt(lines, block, near + d);
    if (up && down) return { at: null, why: 'ambiguous' };
    if (up) return { at: near - d };
    if (down) return { at: near + d };
  }
  return { at: null, why: 'absent' };
}

function matchesAt(lines: readonly string[], block: Block, at: number): boolean {
  const { before, body, after } = block;
  for (let i = 0; i < body.length; i++) if (lines[at + i] !== body[i]) return false;
  for (let i = 0; i < before.length; i++) if (lines[at - before.length + i] !== before[i]) return false;
  for (let i = 0; i < after.length; i++) if (lines[at + body.length + i] !== after[i]) return false;
  return true;
}

export function sameLines(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
