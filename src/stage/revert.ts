/**
 * Rejecting a hunk: undoing just that hunk in the task's worktree, so the agent's copy no longer has
 * it (the conductor then tells the agent why). Only the worktree's files change, never its index.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { checkoutBlob, hashWorktreeFile } from './blobs';
import { StageError, stageGit, type GitCallOptions } from './stageError';
import type { FileHunk, Hunk, LineHunk, ModeHunk, RenameHunk } from './staged';
import { findBlock, hasCr, isCrlfText, splitLines, textToCrlf, toCrlf } from './text';

export interface RevertInput extends GitCallOptions {
  /** The task's worktree (its root or any folder in it). */
  worktreeDir: string;
  hunk: Hunk;
}

export type RevertAction =
  /** The hunk's new lines were replaced by its old lines. */
  | 'lines-reverted'
  /** A file the task created was deleted. */
  | 'file-deleted'
  /** A file the task deleted or replaced was restored from the base. */
  | 'file-restored'
  | 'mode-restored'
  | 'rename-undone';

export type RevertRefusal =
  /** The agent changed the hunk's lines (or the lines around them) again since it was staged. */
  | 'region-changed'
  /** The agent changed the file again since a whole-file hunk was staged. */
  | 'file-changed'
  | 'file-missing'
  /** The path to restore or rename back to is taken by another file. */
  | 'path-taken'
  | 'unsupported';

export type RevertResult =
  | {
      ok: true;
      action: RevertAction;
      /** The path acted on (for a rename undone, the path the file is back at). */
      path: string;
      /** Nothing needed doing: the worktree already had the hunk undone. */
      already?: boolean;
    }
  | { ok: false; reason: RevertRefusal; path: string; message: string };

/**
 * Undoes `hunk` in the worktree: line hunks put their old lines back in place of their new ones,
 * found by content (the lines and their context) nearest to where they were staged; a created file
 * is deleted, a deleted or replaced file restored from the base as git would check it out, a mode
 * or a rename put back.
 *
 * Promises: it changes only what the hunk changed, and only when the worktree still has the hunk as
 * staged; otherwise it changes nothing and says why (`ok: false`), never guessing. Paths are confined
 * to the worktree: one that leaves it (`..`, a symbolic link on the way, `.git`) is refused with a
 * StageError ('unsafe-path').
 */
export async function revertHunk(input: RevertInput): Promise<RevertResult> {
  const git: GitCallOptions = { gitPath: input.gitPath, signal: input.signal };
  const root = await worktreeRoot(input.worktreeDir, git);
  const { hunk } = input;
  switch (hunk.kind) {
    case 'lines':
      if (hunk.status === 'added') return revertCreation(root, hunk);
      if (hunk.status === 'deleted') return restore(root, hunk, git);
      return revertLines(root, hunk);
    case 'file':
      return revertFile(root, hunk, git);
    case 'mode':
      return revertMode(root, hunk);
    case 'rename':
      return revertRename(root, hunk);
  }
}

async function revertLines(root: string, hunk: LineHunk): Promise<RevertResult> {
  const file = await confined(root, hunk.path);
  const bytes = await readRegular(file);
  if (bytes === 'missing') return refuse('file-missing', hunk.path, `${hunk.path} is no longer in the worktree.`);
  if (bytes === 'not-a-file') return refuse('file-changed', hunk.path, `${hunk.path} is no longer a plain file in the worktree.`);
  const text = bytes.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(bytes)) {
    return refuse('file-changed', hunk.path, `${hunk.path} is no longer UTF-8 text; Podium won't rewrite it line by line.`);
  }
  const lines = splitLines(text);
  const h = inFileForm(hunk, text);
  const found = findBlock(lines, { before: h.contextBefore, body: h.newLines, after: h.contextAfter, near: h.newStart - 1 });
  if (found.at === null) {
    const undone = findBlock(lines, { before: h.contextBefore, body: h.oldLines, after: h.contextAfter, near: h.newStart - 1 });
    if (undone.at !== null) return { ok: true, action: 'lines-reverted', path: hunk.path, already: true };
    return refuse(
      'region-changed',
      hunk.path,
      found.why === 'ambiguous'
        ? `The hunk's lines appear twice in ${hunk.path}, equally near where they were; Podium won't guess which to revert.`
        : `The agent changed ${hunk.path} around lines ${hunk.newStart}–${hunk.newStart + Math.max(hunk.newCount, 1) - 1} again since the hunk was staged.`,
    );
  }
  const next = [...lines.slice(0, found.at), ...h.oldLines, ...lines.slice(found.at + h.newLines.length)].join('');
  // writeFile keeps the file's inode and mode; the agent sees an ordinary edit.
  await fs.writeFile(file, next);
  return { ok: true, action: 'lines-reverted', path: hunk.path };
}

/** A created file (line hunk of an added file) is deleted if it is still exactly what was staged. */
async function revertCreation(root: string, hunk: LineHunk): Promise<RevertResult> {
  const file = await confined(root, hunk.path);
  const bytes = await readRegular(file);
  if (bytes === 'missing') return { ok: true, action: 'file-deleted', path: hunk.path, already: true };
  const created = hunk.newLines.join('');
  const same =
    bytes !== 'not-a-file' &&
    (bytes.equals(Buffer.from(created, 'utf8')) || (isCrlfText(bytes.toString('utf8')) && bytes.equals(Buffer.from(textToCrlf(created), 'utf8'))));
  if (!same) return refuse('file-changed', hunk.path, `The agent changed ${hunk.path} again since it was staged; it was not deleted.`);
  await removeFile(root, file);
  return { ok: true, action: 'file-deleted', path: hunk.path };
}

/** A deleted file (line hunk of a deleted file) comes back from the base, if its path is still free. */
async function restore(root: string, hunk: Hunk, git: GitCallOptions): Promise<RevertResult> {
  const at = hunk.oldPath ?? hunk.path;
  const file = await confined(root, at);
  if (await exists(file)) {
    const id = hunk.oldBlob ? await hashWorktreeFile(root, at, hunk.oldBlob.length, git).catch(() => '') : '';
    if (id === hunk.oldBlob) return { ok: true, action: 'file-restored', path: at, already: true };
    return refuse('path-taken', at, `${at} exists again in the worktree with other content; it was not restored.`);
  }
  if (!hunk.oldBlob || !hunk.oldMode) return refuse('unsupported', at, `The hunk has no base content for ${at}.`);
  await checkoutBlob(root, hunk.oldBlob, at, hunk.oldMode, git);
  return { ok: true, action: 'file-restored', path: at };
}

async function revertFile(root: string, hunk: FileHunk, git: GitCallOptions): Promise<RevertResult> {
  if (hunk.reason === 'submodule') {
    return refuse('unsupported', hunk.path, `${hunk.path} is a submodule; Podium does not move submodules. Check it out at the base commit in the worktree.`);
  }
  if (!hunk.newBlob) return restore(root, hunk, git);
  const file = await confined(root, hunk.path);
  if (!(await exists(file))) return refuse('file-missing', hunk.path, `${hunk.path} is no longer in the worktree.`);
  const id = await hashWorktreeFile(root, hunk.path, hunk.newBlob.length, git);
  if (id !== hunk.newBlob) {
    if (hunk.oldBlob && id === hunk.oldBlob && !hunk.oldPath) return { ok: true, action: 'file-restored', path: hunk.path, already: true };
    return refuse('file-changed', hunk.path, `The agent changed ${hunk.path} again since it was staged; it was left as it is.`);
  }
  if (!hunk.oldBlob || !hunk.oldMode) {
    await removeFile(root, file);
    return { ok: true, action: 'file-deleted', path: hunk.path };
  }
  const at = hunk.oldPath ?? hunk.path;
  if (at !== hunk.path) {
    const target = await confined(root, at);
    if (await exists(target)) return refuse('path-taken', at, `${at} is taken in the worktree; the renamed file was not moved back.`);
    await removeFile(root, file);
  }
  // checkout-index replaces the file whatever its type, so a link that became a file (or back) is undone too.
  if (at === hunk.path) await fs.rm(file, { force: true });
  await checkoutBlob(root, hunk.oldBlob, at, hunk.oldMode, git);
  return { ok: true, action: 'file-restored', path: at };
}

async function revertMode(root: string, hunk: ModeHunk): Promise<RevertResult> {
  const file = await confined(root, hunk.path);
  const stat = await fs.lstat(file).catch(() => undefined);
  if (!stat?.isFile()) return refuse('file-missing', hunk.path, `${hunk.path} is no longer a plain file in the worktree.`);
  const executable = (stat.mode & 0o111) !== 0;
  const wantOld = hunk.oldMode === '100755';
  if (executable === wantOld) return { ok: true, action: 'mode-restored', path: hunk.path, already: true };
  if (executable !== (hunk.newMode === '100755')) return refuse('file-changed', hunk.path, `The mode of ${hunk.path} changed again.`);
  // Executable bits where the file is readable, as git sets them on checkout.
  const mode = wantOld ? stat.mode | ((stat.mode & 0o444) >> 2) : stat.mode & ~0o111;
  await fs.chmod(file, mode & 0o7777);
  return { ok: true, action: 'mode-restored', path: hunk.path };
}

async function revertRename(root: string, hunk: RenameHunk): Promise<RevertResult> {
  const from = await confined(root, hunk.path);
  const to = await confined(root, hunk.oldPath);
  const fromThere = await exists(from);
  const toThere = await exists(to);
  if (!fromThere && toThere) return { ok: true, action: 'rename-undone', path: hunk.oldPath, already: true };
  if (!fromThere) return refuse('file-missing', hunk.path, `${hunk.path} is no longer in the worktree.`);
  if (toThere) return refuse('path-taken', hunk.oldPath, `${hunk.oldPath} is taken in the worktree; ${hunk.path} was not moved back.`);
  await fs.mkdir(path.dirname(to), { recursive: true });
  await fs.rename(from, to);
  await removeEmptyParents(root, from);
  return { ok: true, action: 'rename-undone', path: hunk.oldPath };
}

// ---------------------------------------------------------------------------------------------------

function inFileForm(hunk: LineHunk, text: string): LineHunk {
  const convert =
    isCrlfText(text) && !hasCr(hunk.oldLines) && !hasCr(hunk.newLines) && !hasCr(hunk.contextBefore) && !hasCr(hunk.contextAfter);
  if (!convert) return hunk;
  return { ...hunk, oldLines: toCrlf(hunk.oldLines), newLines: toCrlf(hunk.newLines), contextBefore: toCrlf(hunk.contextBefore), contextAfter: toCrlf(hunk.contextAfter) };
}

async function worktreeRoot(dir: string, git: GitCallOptions): Promise<string> {
  const out = await stageGit(dir, ['rev-parse', '--show-toplevel'], git).catch((error: unknown) => {
    throw new StageError('not-a-repository', `"${dir}" is not a task worktree that Podium can revert in.`, { cause: error });
  });
  return fs.realpath(out.stdout.trim());
}

/**
 * The absolute path of `rel` under `root`, refused unless it stays there: no absolute path, no `..`,
 * nothing under `.git`, and no symbolic link among the folders on the way (an agent could have made
 * one point outside since the hunk was staged). The last component may be anything; callers lstat it.
 */
async function confined(root: string, rel: string): Promise<string> {
  const parts = rel.split('/');
  if (rel === '' || path.isAbsolute(rel) || /^[a-zA-Z]:/.test(rel) || parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\\')) || parts[0]?.toLowerCase() === '.git') {
    throw new StageError('unsafe-path', `Refusing to touch "${rel}": it is not a plain path inside the worktree.`);
  }
  let dir = root;
  for (const part of parts.slice(0, -1)) {
    dir = path.join(dir, part);
    const stat = await fs.lstat(dir).catch(() => undefined);
    if (!stat) break;
    if (!stat.isDirectory()) {
      throw new StageError('unsafe-path', `Refusing to touch "${rel}": "${path.relative(root, dir)}" in the worktree is not a folder (a symbolic link?).`);
    }
  }
  return path.join(root, ...parts);
}

async function readRegular(file: string): Promise<Buffer | 'missing' | 'not-a-file'> {
  const stat = await fs.lstat(file).catch(() => undefined);
  if (!stat) return 'missing';
  if (!stat.isFile()) return 'not-a-file';
  return fs.readFile(file);
}

async function exists(file: string): Promise<boolean> {
  return fs.lstat(file).then(
    () => true,
    () => false,
  );
}

function refuse(reason: RevertRefusal, at: string, message: string): RevertResult {
  return { ok: false, reason, path: at, message };
}

/** Deletes a file, then the folders it leaves empty (git has no empty folders; the agent shouldn't see any). */
async function removeFile(root: string, file: string): Promise<void> {
  await fs.rm(file, { force: true });
  await removeEmptyParents(root, file);
}

async function removeEmptyParents(root: string, file: string): Promise<void> {
  for (let dir = path.dirname(file); dir !== root && dir.startsWith(root + path.sep); dir = path.dirname(dir)) {
    try {
      await fs.rmdir(dir);
    } catch {
      return;
    }
  }
}
