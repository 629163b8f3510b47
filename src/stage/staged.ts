/**
 * What a task has staged: the files it changed against its base (`StagedFile`), each split into the
 * units the engineer signs off one by one (`Hunk`).
 *
 * Everything here is plain JSON, so a hunk can travel in an event and be replayed without the
 * worktree: a line hunk carries its old and new lines, with their line endings, verbatim.
 *
 * Conventions, everywhere in the stage:
 * - Paths are relative to the repository's root, `/`-separated, exactly as git spells them. They are
 *   the same in the engineer's working tree and in a task's worktree.
 * - A line is a string WITH its terminator ("x\n", "x\r\n"); only a file's last line may have none
 *   (git's "\ No newline at end of file"). Joining a file's lines gives back its exact text.
 * - Line numbers are 1-based. A line hunk's region on each side is the half-open range
 *   [start, start + count): with count 0 (a pure insertion, or a pure deletion on the new side) the
 *   region is empty and sits just before line `start`, so `start - 1` lines precede it.
 * - Line hunks are in the repository's form of the text. Where git converts line endings on checkout
 *   (core.autocrlf, `eol` attributes), the engine converts a hunk to the file's CRLF endings when
 *   it touches a CRLF file (see text.ts).
 */
import { createHash } from 'node:crypto';

/** What happened to the path. A binary file or a mode change is a property of the hunks, not of this. */
export type FileStatus = 'added' | 'modified' | 'deleted' | 'renamed' | 'type-changed';

/** Why a file became a single file-level hunk instead of line hunks. */
export type FileLevelReason =
  /** git treats it as binary (a NUL byte, or a `binary`/`-diff` attribute). */
  | 'binary'
  /** One side is larger than `limits.maxFileBytes`; git was told not to diff it. */
  | 'too-large'
  /** More added plus removed lines than `limits.maxChangedLines`. */
  | 'too-many-lines'
  /** More hunks than `limits.maxHunksPerFile`: not something to sign off line by line. */
  | 'too-many-hunks'
  /** git did not finish diffing it within `limits.diffTimeoutMs`, or printed more than `limits.maxPatchBytes`. */
  | 'timeout'
  /** Text that is not UTF-8: line hunks would have to be decoded, and could not be written back exactly. */
  | 'not-utf8'
  /** A symbolic link on either side: its "content" is where it points. */
  | 'symlink'
  /** A submodule (or nested repository) on either side: its content is a commit id. */
  | 'submodule'
  /** A file became a symbolic link or the reverse. */
  | 'type-change'
  /** git's patch for it could not be read (not expected; the file is still offered whole). */
  | 'unreadable';

interface HunkBase {
  /** Stable across re-diffs while the change itself is unchanged (see `lineHunkId`). */
  id: string;
  /** The new path; for a deleted file, the path it had. */
  path: string;
  /** The path in the base, for a renamed file only. */
  oldPath?: string;
  status: FileStatus;
  /** git's modes ('100644', '100755', '120000', '160000'); absent on the side where the file is absent. */
  oldMode?: string;
  newMode?: string;
  /** git object ids of the whole file on each side when staged; absent where the file is absent. */
  oldBlob?: string;
  newBlob?: string;
}

/** A run of changed lines (git's hunk without its leading and trailing context). */
export interface LineHunk extends HunkBase {
  kind: 'lines';
  oldStart: number;
  oldCount: number;
  newStart: number;
  newCount: number;
  /** The region's lines in the base: removed lines and the unchanged lines between changes. */
  oldLines: string[];
  /** The region's lines in the worktree: added lines and the same unchanged lines. */
  newLines: string[];
  /** Up to 3 unchanged lines before and after the region; fewer only at the start or end of the file. */
  contextBefore: string[];
  contextAfter: string[];
  /** git's section heading for the hunk (the enclosing function, usually), for display. */
  section?: string;
}

/** The whole file as one decision: binary, too large, a link, a submodule, or over a limit. */
export interface FileHunk extends HunkBase {
  kind: 'file';
  reason: FileLevelReason;
  /** Sizes in bytes, where known (git's stored size). */
  oldSize?: number;
  newSize?: number;
}

/** The executable bit changed (the content, if it changed too, comes as line hunks). */
export interface ModeHunk extends HunkBase {
  kind: 'mode';
  oldMode: string;
  newMode: string;
}

/** The file moved from `oldPath` to `path` (content changes, if any, come as their own hunks). */
export interface RenameHunk extends HunkBase {
  kind: 'rename';
  oldPath: string;
  /** git's similarity index, 0–100. */
  similarity: number;
}

export type Hunk = LineHunk | FileHunk | ModeHunk | RenameHunk;
export type HunkKind = Hunk['kind'];

/** One changed file: the file fields every hunk of it carries too, and its hunks. */
export interface StagedFile extends Omit<HunkBase, 'id'> {
  /** Set when the file is offered as one file-level hunk, and why. */
  fileLevel?: FileLevelReason;
  /** In file order: a rename first, then a mode change, then line hunks top to bottom. */
  hunks: Hunk[];
}

/** The number of context lines git is asked for; fewer before or after a hunk means a file edge. */
export const CONTEXT_LINES = 3;

/** The path a hunk has in the base (its region's line numbers refer to this file). */
export function basePath(hunk: Hunk | StagedFile): string {
  return hunk.oldPath ?? hunk.path;
}

/**
 * A line hunk's id: a hash of where it is (path, and for a rename the old path), what it does (file
 * status, old lines, new lines) and which occurrence it is of that same change in the file. Line
 * numbers are left out on purpose: a hunk that moved because an earlier hunk in the file changed keeps
 * its id. `scope` (the task id) keeps two tasks' identical changes apart.
 */
export function lineHunkId(
  scope: string,
  hunk: Pick<LineHunk, 'path' | 'oldPath' | 'status' | 'oldLines' | 'newLines'>,
  occurrence: number,
): string {
  return hashId([
    'lines',
    scope,
    hunk.path,
    hunk.oldPath ?? '',
    hunk.status,
    hunk.oldLines.join(''),
    hunk.newLines.join(''),
    String(occurrence),
  ]);
}

export function fileHunkId(scope: string, hunk: Omit<FileHunk, 'id' | 'kind' | 'reason' | 'oldSize' | 'newSize'>): string {
  return hashId(['file', scope, hunk.path, hunk.oldPath ?? '', hunk.status, hunk.oldBlob ?? '', hunk.newBlob ?? '', hunk.oldMode ?? '', hunk.newMode ?? '']);
}

export function modeHunkId(scope: string, path: string, oldMode: string, newMode: string): string {
  return hashId(['mode', scope, path, oldMode, newMode]);
}

export function renameHunkId(scope: string, oldPath: string, path: string): string {
  return hashId(['rename', scope, oldPath, path]);
}

// Each part is length-prefixed, so no two different lists of parts hash alike. 20 hex digits (80 bits)
// keep ids short in events and collisions out of reach for the hunks of one workspace.
function hashId(parts: string[]): string {
  const hash = createHash('sha256').update('podium-hunk-v1');
  for (const part of parts) hash.update(`\0${Buffer.byteLength(part)}\0`).update(part);
  return hash.digest('hex').slice(0, 20);
}
