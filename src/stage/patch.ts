/**
 * Reading git's diff output: the `--raw -z` listing (which files changed, how, with exact paths) and
 * the unified patch (`-p`) of files listed there.
 *
 * Written here rather than taken from a library because git's output, with the flags the stage fixes
 * (see hunks.ts), is small and precisely defined, and a generic patch parser would have to guess at
 * what git states exactly: hunk line counts say where a hunk ends, so no content line is ever read as
 * a header, whatever it contains; "\ No newline at end of file" marks the line before it; file names
 * come from the raw listing, which -z leaves unquoted, and the patch's own headers only have to be
 * matched against them.
 */

export interface RawEntry {
  /** git's status letter: A, D, M, R, T (C, U, X are never asked for). */
  status: string;
  /** Rename similarity, 0–100 (R only). */
  similarity?: number;
  oldMode: string;
  newMode: string;
  oldBlob: string;
  newBlob: string;
  /** The source of a rename. */
  oldPath?: string;
  path: string;
}

/** Parses `git diff --raw -z --no-abbrev` output. */
export function parseRaw(out: string): RawEntry[] {
  const fields = out.split('\0');
  const entries: RawEntry[] = [];
  for (let i = 0; i < fields.length; ) {
    const meta = fields[i++];
    if (!meta) continue;
    const m = /^:(\d{6}) (\d{6}) ([0-9a-f]+) ([0-9a-f]+) ([A-Z])(\d*)$/.exec(meta);
    if (!m) throw new Error(`Unexpected line in git's raw diff: ${JSON.stringify(meta.slice(0, 200))}`);
    const [, oldMode, newMode, oldBlob, newBlob, status, score] = m as unknown as [string, string, string, string, string, string, string];
    const first = fields[i++] ?? '';
    if (status === 'R' || status === 'C') {
      const second = fields[i++] ?? '';
      entries.push({ status, similarity: score ? Number(score) : 100, oldMode, newMode, oldBlob, newBlob, oldPath: first, path: second });
    } else {
      entries.push({ status, oldMode, newMode, oldBlob, newBlob, path: first });
    }
  }
  return entries;
}

export type PatchOp = ' ' | '-' | '+';

export interface PatchLine {
  op: PatchOp;
  /** The line with its terminator ("\n" unless git marked it as having none). */
  text: string;
}

export interface PatchHunk {
  oldStart: number;
  oldCount: number;
  newStart: number;
  newCount: number;
  section: string;
  lines: PatchLine[];
}

export interface PatchFile {
  /** The path from the section header (a blob-to-blob diff names the blobs instead). */
  path: string;
  binary: boolean;
  hunks: PatchHunk[];
  /** Set when a limit was passed; the file's lines were then skipped, not kept. */
  overLimit?: 'too-many-lines' | 'too-many-hunks';
  /** Added plus removed lines (up to where a limit stopped the count). */
  changed: number;
}

export interface PatchLimits {
  maxChangedLines: number;
  maxHunksPerFile: number;
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)$/;

/**
 * Parses git's unified patch output into files and hunks. A file over a limit is returned with
 * `overLimit` set and no hunks, and the rest of its section is skipped without being kept.
 */
export function parsePatch(out: string, limits: PatchLimits): PatchFile[] {
  const files: PatchFile[] = [];
  let file: PatchFile | undefined;
  let hunk: PatchHunk | undefined;
  let oldLeft = 0;
  let newLeft = 0;
  let skipping = false;

  let pos = 0;
  while (pos < out.length) {
    let end = out.indexOf('\n', pos);
    if (end === -1) end = out.length;
    const line = out.slice(pos, end);
    pos = end + 1;

    if (hunk && (oldLeft > 0 || newLeft > 0)) {
      // Inside a hunk, git's counts decide what a line is.
      const op = line[0];
      if (op === '\\') {
        markNoNewline(hunk);
        continue;
      }
      // git writes an empty context line as " ", or as "" under diff.suppressBlankEmpty.
      const kind: PatchOp = op === '-' || op === '+' ? op : ' ';
      const text = `${line.slice(1)}\n`;
      if (kind !== '+') oldLeft--;
      if (kind !== '-') newLeft--;
      if (kind !== ' ') file!.changed++;
      hunk.lines.push({ op: kind, text });
      if (file!.changed > limits.maxChangedLines) overLimit(file!, 'too-many-lines');
      continue;
    }
    if (line.startsWith('\\') && hunk) {
      // The marker after a hunk's last line.
      markNoNewline(hunk);
      continue;
    }
    if (line.startsWith('diff --git ')) {
      file = { path: headerPath(line.slice('diff --git '.length)), binary: false, hunks: [], changed: 0 };
      files.push(file);
      hunk = undefined;
      skipping = false;
      continue;
    }
    if (!file || skipping) continue;
    if (line.startsWith('@@ ')) {
      const m = HUNK_HEADER.exec(line);
      if (!m) throw new Error(`Unexpected hunk header in git's patch: ${JSON.stringify(line.slice(0, 200))}`);
      const oldCount = m[2] === undefined ? 1 : Number(m[2]);
      const newCount = m[4] === undefined ? 1 : Number(m[4]);
      if (file.hunks.length >= limits.maxHunksPerFile) {
        overLimit(file, 'too-many-hunks');
        continue;
      }
      hunk = { oldStart: Number(m[1]), oldCount, newStart: Number(m[3]), newCount, section: m[5] ?? '', lines: [] };
      file.hunks.push(hunk);
      oldLeft = oldCount;
      newLeft = newCount;
      continue;
    }
    if (line.startsWith('Binary files ') || line === 'GIT binary patch') file.binary = true;
    // Other header lines (index, mode, ---/+++) carry nothing the raw listing doesn't.
  }
  return files;

  function overLimit(f: PatchFile, why: NonNullable<PatchFile['overLimit']>): void {
    f.overLimit = why;
    f.hunks = [];
    hunk = undefined;
    oldLeft = 0;
    newLeft = 0;
    skipping = true;
  }
}

function markNoNewline(hunk: PatchHunk): void {
  const last = hunk.lines[hunk.lines.length - 1];
  if (last?.text.endsWith('\n')) last.text = last.text.slice(0, -1);
}

/**
 * The path named by a section header `a/<path> b/<path>`. The stage asks for patches without rename
 * detection, so both names are the same path; git quotes both (C-style) when the path holds a quote,
 * a backslash or a control character.
 */
export function headerPath(rest: string): string {
  if (rest.startsWith('"')) {
    const { value, next } = unquoteC(rest, 0);
    // The second name follows after one space; it is the one we want (the "b/" side).
    const second = rest.slice(next + 1);
    const b = second.startsWith('"') ? unquoteC(second, 0).value : second;
    return stripPrefix(b, 'b/') ?? stripPrefix(value, 'a/') ?? b;
  }
  // Unquoted: "a/" + p + " b/" + p, so p's length is fixed by the line's.
  const len = (rest.length - 5) / 2;
  if (Number.isInteger(len) && len > 0) {
    const p = rest.slice(2, 2 + len);
    if (rest === `a/${p} b/${p}`) return p;
  }
  // Not the shape we asked for (a blob-to-blob diff, say): keep what is there; the caller knows the file.
  return rest;
}

function stripPrefix(name: string, prefix: string): string | undefined {
  return name.startsWith(prefix) ? name.slice(prefix.length) : undefined;
}

const C_ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };

/** Reads the C-quoted string that starts at `start` (a `"`); returns it and the index after its closing quote. */
export function unquoteC(s: string, start: number): { value: string; next: number } {
  const bytes: number[] = [];
  let i = start + 1;
  while (i < s.length && s[i] !== '"') {
    if (s[i] !== '\\') {
      // By code point, so a character outside the BMP is not split into lone surrogates.
      const ch = String.fromCodePoint(s.codePointAt(i)!);
      bytes.push(...Buffer.from(ch, 'utf8'));
      i += ch.length;
      continue;
    }
    const esc = s[i + 1] ?? '';
    if (/[0-7]/.test(esc)) {
      // Octal escapes are single bytes; a UTF-8 name arrives as several, decoded together below.
      bytes.push(parseInt(s.slice(i + 1, i + 4), 8));
      i += 4;
    } else {
      bytes.push(C_ESCAPES[esc] ?? esc.charCodeAt(0));
      i += 2;
    }
  }
  return { value: Buffer.from(bytes).toString('utf8'), next: i + 1 };
}
