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
import type { FileHunk, FileLevelReason, FileStatus, Hunk, LineHunk } from '../score/hunk';

// The hunk itself is the score's type: one shape from staging to the journal to the webview.
export type { FileHunk, FileLevelReason, FileStatus, Hunk, HunkKind, LineHunk, ModeHunk, RenameHunk } from '../score/hunk';
export { basePath } from '../score/hunk';

/** The fields every hunk of a file carries, without the hunk's own id. */
interface FileFields {
  path: string;
  oldPath?: string;
  status: FileStatus;
  oldMode?: string;
  newMode?: string;
  oldBlob?: string;
  newBlob?: string;
}

/** One changed file: the file fields every hunk of it carries too, and its hunks. */
export interface StagedFile extends FileFields {
  /** Set when the file is offered as one file-level hunk, and why. */
  fileLevel?: FileLevelReason;
  /** In file order: a rename first, then a mode change, then line hunks top to bottom. */
  hunks: Hunk[];
}

/** The number of context lines git is asked for; fewer before or after a hunk means a file edge. */
export const CONTEXT_LINES = 3;

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
