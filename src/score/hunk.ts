/**
 * A change the engineer signs off, as the stage finds it and as events carry it: plain JSON, so a
 * hunk travels in the journal and is replayed without the worktree. A line hunk carries its old and
 * new lines, with their line endings, verbatim.
 *
 * Conventions (the stage's, see src/stage/staged.ts): paths relative to the repository root,
 * '/'-separated, as git spells them; a line is a string WITH its terminator; line numbers are 1-based
 * and a region is the half-open range [start, start + count).
 */

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


/** The path a hunk has in the base (its region's line numbers refer to this file). */
export function basePath(hunk: { path: string; oldPath?: string }): string {
  return hunk.oldPath ?? hunk.path;
}


/** The first line of a line hunk's region in the agent's version; undefined for a whole-file, mode or rename hunk. */
export function newStartOf(hunk: Hunk): number | undefined {
  return hunk.kind === 'lines' ? hunk.newStart : undefined;
}
