/**
 * Approving a hunk: the new content of the ENGINEER's file with just that hunk applied; undoing an
 * approval; and telling whether the engineer changed a hunk's region since the task started.
 *
 * These functions compute text and never write: the conductor applies the result through the editor
 * (undoable, dirty buffers respected) or the file system. A result is either the whole new content
 * or a conflict with everything needed to show it; nothing is ever half-applied or clobbered.
 *
 * Content is `string | Buffer | null`: text for line hunks (a Buffer is read as UTF-8), bytes for
 * file-level hunks, null for a file that does not exist.
 */
import { readBlob } from './blobs';
import { mergeTexts } from './merge';
import { StageError, type GitCallOptions } from './stageError';
import type { FileHunk, Hunk, LineHunk } from './staged';
import { findBlock, hasCr, isCrlfText, sameLines, splitLines, textToCrlf, toCrlf } from './text';

export type FileContent = string | Buffer | null;

export interface ApplyInput extends GitCallOptions {
  hunk: Hunk;
  /** The file at the task's base commit, at the hunk's base path; null where the base has none. */
  baseText: FileContent;
  /** What the engineer has now, unsaved edits included; null when the file does not exist. */
  currentText: FileContent;
  /** Any folder of the repository. Needed for file-level hunks, whose new content is read from git. */
  repo?: string;
}

/** How an approval went in: onto an untouched region, through a 3-way merge, or already there. */
export type ApplyHow = 'direct' | 'merged' | 'already';

export interface ApplyOk {
  ok: true;
  /** The file's whole new content; null means delete the file. A string for line hunks, a Buffer for file-level ones. */
  text: FileContent;
  /** Set the file's git mode to this ('100755' executable, '100644' not, '120000' a symbolic link to `text`). */
  mode?: string;
  how: ApplyHow;
}

export type ConflictReason =
  /** The engineer changed the lines the hunk changes, or lines next to them. */
  | 'region-changed'
  /** A whole-file change (deletion, binary, too large) and the engineer's file is no longer the base. */
  | 'file-changed'
  /** The hunk creates the file and the engineer already has a different one there. */
  | 'file-exists'
  /** The engineer's file is gone. */
  | 'file-missing'
  /** Nothing Podium can write (a submodule's commit). */
  | 'unsupported';

export interface Conflict {
  reason: ConflictReason;
  /** What the engineer has (unchanged: nothing was written). */
  ours: FileContent;
  /** The base with only this hunk applied (or its undoing, for `unapplyHunk`). */
  theirs: FileContent;
  /** git's merge with diff3 conflict markers, when a line merge was tried; null otherwise. */
  merged: string | null;
  message: string;
}

export type ApplyResult = ApplyOk | { ok: false; conflict: Conflict };

/**
 * The engineer's file with `hunk` applied and nothing else changed.
 *
 * Promises: when the file is the base, or the hunk's region and its context are where the base had
 * them, the hunk goes in directly; otherwise git's 3-way merge (ours = the engineer's text, base = the
 * base, theirs = the base plus this hunk only) decides, and a clean merge keeps every edit of theirs.
 * A CRLF file stays CRLF. A whole-file change (creation, deletion, file-level hunk) goes in only over
 * the base content. Anything else is a conflict, and `ours` is exactly what was passed in.
 * Refuses (StageError): a line hunk whose old lines are not in `baseText` where it says
 * ('hunk-mismatch'); a file-level hunk without `repo` ('needs-repository').
 */
export async function applyHunk(input: ApplyInput): Promise<ApplyResult> {
  const { hunk, currentText } = input;
  switch (hunk.kind) {
    case 'lines':
      return applyLines(hunk, asText(input.baseText), asText(currentText), input);
    case 'file':
      return applyFile(hunk, input.baseText, currentText, input);
    case 'mode':
      if (currentText === null) return missing(hunk, currentText, null);
      return { ok: true, text: currentText, mode: hunk.newMode, how: 'direct' };
    case 'rename':
      // The content moves as it is; moving it from oldPath to path is the conductor's write.
      if (currentText === null) return missing(hunk, currentText, null);
      return { ok: true, text: currentText, how: 'direct' };
  }
}

async function applyLines(hunk: LineHunk, base: string | null, current: string | null, git: GitCallOptions): Promise<ApplyResult> {
  if (hunk.status === 'added') {
    const created = hunk.newLines.join('');
    if (current === null) return withMode({ ok: true, text: created, how: 'direct' }, hunk.newMode);
    if (current === created || (isCrlfText(current) && textToCrlf(created) === current)) return { ok: true, text: current, how: 'already' };
    return conflict('file-exists', current, created, null, `${hunk.path} already exists in the workspace with other content; the task creates it.`);
  }
  if (hunk.status === 'deleted') {
    if (current === null) return { ok: true, text: null, how: 'already' };
    if (base === null) throw mismatch(hunk, 'the base has no such file');
    if (current === inFileForm(base, current)) return { ok: true, text: null, how: 'direct' };
    return conflict('file-changed', current, null, null, `${hunk.path} was changed in the workspace since the task started; the task deletes it.`);
  }
  if (base === null) throw mismatch(hunk, 'the base has no such file');
  if (current === null) return missing(hunk, current, null);

  const { base: b, hunk: h } = adaptToFile(base, hunk, current);
  const baseLines = splitLines(b);
  const theirs = splice(baseLines, h).join('');
  if (current === b) return { ok: true, text: theirs, how: 'direct' };
  // The region and its context still where the base had them: the hunk goes in as is, without git.
  const currentLines = splitLines(current);
  const found = findBlock(currentLines, { before: h.contextBefore, body: h.oldLines, after: h.contextAfter, near: h.oldStart - 1 });
  if (found.at === h.oldStart - 1) return { ok: true, text: splice(currentLines, h).join(''), how: 'direct' };

  const merge = await mergeTexts(current, b, theirs, git);
  if (merge.clean) return { ok: true, text: merge.text, how: merge.text === current ? 'already' : 'merged' };
  return conflict(
    'region-changed',
    current,
    theirs,
    merge.text || null,
    `The workspace's ${hunk.oldPath ?? hunk.path} was changed around lines ${hunk.oldStart}–${hunk.oldStart + Math.max(hunk.oldCount, 1) - 1} since the task started.`,
  );
}

async function applyFile(hunk: FileHunk, base: FileContent, current: FileContent, input: ApplyInput): Promise<ApplyResult> {
  if (hunk.reason === 'submodule') {
    return conflict('unsupported', current, current, null, `${hunk.path} is a submodule; update it with git in the workspace (\`git submodule update\`).`);
  }
  const next = await newContent(hunk, input);
  if (sameContent(current, next)) return withMode({ ok: true, text: current, how: 'already' }, hunk.newMode);
  if (sameContent(current, base)) return withMode({ ok: true, text: next, how: 'direct' }, hunk.newMode);
  if (current === null) return missing(hunk, current, next);
  return conflict(
    base === null ? 'file-exists' : 'file-changed',
    current,
    next,
    null,
    base === null
      ? `${hunk.path} already exists in the workspace with other content; the task creates it.`
      : `${hunk.path} was changed in the workspace since the task started, and the task replaces it as a whole (${hunk.reason}).`,
  );
}

export interface UnapplyInput extends GitCallOptions {
  hunk: Hunk;
  /** The content the approval produced (`ApplyOk.text`) and was written. */
  appliedText: FileContent;
  /** What the engineer has now. */
  currentText: FileContent;
  /** The file at the task's base commit, at the hunk's base path. */
  baseText: FileContent;
}

/**
 * The engineer's file with an approval of `hunk` undone and every other edit kept, as long as the
 * hunk's region is still as the approval left it; a conflict otherwise.
 *
 * Undoing computes the text before the approval (the applied text with the hunk taken out) and merges
 * the way back into the current text (ours = current, base = applied, theirs = before), so edits
 * made since the approval, elsewhere, stay. An approval that found the hunk already there
 * (`how: 'already'`) should not be undone: the change was the engineer's own.
 * For mode and rename hunks the result carries the old mode, or the same text for the conductor to
 * move back to `oldPath`.
 */
export async function unapplyHunk(input: UnapplyInput): Promise<ApplyResult> {
  const { hunk, appliedText, currentText, baseText } = input;
  switch (hunk.kind) {
    case 'mode':
      if (currentText === null) return missing(hunk, currentText, null);
      return { ok: true, text: currentText, mode: hunk.oldMode, how: 'direct' };
    case 'rename':
      if (currentText === null) return missing(hunk, currentText, null);
      return { ok: true, text: currentText, how: 'direct' };
    case 'file':
      return unapplyWhole(hunk, appliedText, currentText, baseText, hunk.oldMode);
    case 'lines':
      if (hunk.status === 'added' || hunk.status === 'deleted') return unapplyWhole(hunk, appliedText, currentText, baseText, hunk.oldMode);
      return unapplyLines(hunk, asText(appliedText), asText(currentText), asText(baseText), input);
  }
}

function unapplyWhole(hunk: Hunk, applied: FileContent, current: FileContent, base: FileContent, oldMode: string | undefined): ApplyResult {
  if (sameContent(current, base)) return { ok: true, text: current, how: 'already' };
  if (sameContent(current, applied)) return withMode({ ok: true, text: base, how: 'direct' }, base === null ? undefined : oldMode);
  return conflict(
    applied === null ? 'file-exists' : current === null ? 'file-missing' : 'file-changed',
    current,
    base,
    null,
    `${hunk.path} was changed in the workspace after the approval; undo it by hand, or approve again.`,
  );
}

async function unapplyLines(hunk: LineHunk, applied: string | null, current: string | null, base: string | null, git: GitCallOptions): Promise<ApplyResult> {
  if (base === null) throw mismatch(hunk, 'the base has no such file');
  if (applied === null) throw new StageError('hunk-mismatch', `The approval of the hunk ${hunk.id} in ${hunk.path} left no file; there is nothing to undo in it.`);
  if (current === null) return missing(hunk, current, null);
  const { base: b, hunk: h } = adaptToFile(base, hunk, applied);
  const withHunk = splice(splitLines(b), h).join('');
  // Before the approval = the applied text with the hunk's change taken back out.
  const back = await mergeTexts(applied, withHunk, b, git);
  if (!back.clean) {
    return conflict('region-changed', current, null, null, `The approved change to ${hunk.path} can no longer be told apart from the edits around it; undo it by hand.`);
  }
  const merge = await mergeTexts(current, applied, back.text, git);
  if (merge.clean) return { ok: true, text: merge.text, how: current === applied ? 'direct' : 'merged' };
  return conflict('region-changed', current, back.text, merge.text || null, `${hunk.path} was changed where the approved hunk went in; undo it by hand.`);
}

export interface StaleInput {
  hunk: Hunk;
  baseText: FileContent;
  currentText: FileContent;
}

/**
 * Whether the engineer changed the hunk's region since the task started, i.e. its old lines or the
 * context around them are no longer in their file (moved is fine), or, for whole-file hunks, whether the
 * file is no longer the base. A stale hunk may still merge cleanly; this is what to warn about
 * before the engineer approves. Pure and synchronous.
 */
export function isStale({ hunk, baseText, currentText }: StaleInput): boolean {
  if (hunk.kind === 'mode' || hunk.kind === 'rename') return currentText === null;
  if (hunk.kind === 'file' || hunk.status === 'added' || hunk.status === 'deleted') return !sameContent(currentText, baseText);
  const base = asText(baseText);
  const current = asText(currentText);
  if (current === null) return true;
  if (base !== null && current === base) return false;
  const { hunk: h } = adaptToFile(base ?? '', hunk, current);
  const found = findBlock(splitLines(current), { before: h.contextBefore, body: h.oldLines, after: h.contextAfter, near: h.oldStart - 1 });
  return found.at === null;
}

// ---------------------------------------------------------------------------------------------------

/** The base lines with the hunk's old lines replaced by its new ones; refuses a hunk that doesn't fit. */
function splice(lines: readonly string[], hunk: LineHunk): string[] {
  const at = hunk.oldStart - 1;
  if (!sameLines(lines.slice(at, at + hunk.oldCount), hunk.oldLines)) {
    throw mismatch(hunk, `its ${hunk.oldCount} old line(s) are not at line ${hunk.oldStart}`);
  }
  return [...lines.slice(0, at), ...hunk.newLines, ...lines.slice(at + hunk.oldCount)];
}

/**
 * The base and the hunk in the file's line-ending form: when the file is CRLF and neither the base
 * nor the hunk has a CR, git converted the file on checkout (core.autocrlf, an `eol` attribute), so
 * the same conversion is applied to them.
 */
function adaptToFile(base: string, hunk: LineHunk, file: string): { base: string; hunk: LineHunk } {
  const convert =
    isCrlfText(file) && !base.includes('\r') && !hasCr(hunk.oldLines) && !hasCr(hunk.newLines) && !hasCr(hunk.contextBefore) && !hasCr(hunk.contextAfter);
  if (!convert) return { base, hunk };
  return {
    base: textToCrlf(base),
    hunk: { ...hunk, oldLines: toCrlf(hunk.oldLines), newLines: toCrlf(hunk.newLines), contextBefore: toCrlf(hunk.contextBefore), contextAfter: toCrlf(hunk.contextAfter) },
  };
}

function inFileForm(text: string, file: string): string {
  return isCrlfText(file) && !text.includes('\r') ? textToCrlf(text) : text;
}

async function newContent(hunk: FileHunk, input: ApplyInput): Promise<Buffer | null> {
  if (!hunk.newBlob) return null;
  if (!input.repo) {
    throw new StageError('needs-repository', `Approving ${hunk.path} as a whole file needs its content from git: pass \`repo\` (any folder of the repository).`);
  }
  return readBlob(input.repo, hunk.newBlob, hunk.path, hunk.newMode ?? '100644', input);
}

function asText(content: FileContent): string | null {
  return content === null ? null : typeof content === 'string' ? content : content.toString('utf8');
}

/** Byte equality; a string counts as its UTF-8 bytes. */
export function sameContent(a: FileContent, b: FileContent): boolean {
  if (a === null || b === null) return a === b;
  if (typeof a === 'string' && typeof b === 'string') return a === b;
  const x = typeof a === 'string' ? Buffer.from(a, 'utf8') : a;
  const y = typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
  return x.equals(y);
}

function withMode(result: ApplyOk, mode: string | undefined): ApplyOk {
  if (mode !== undefined && mode !== '100644') result.mode = mode;
  return result;
}

function conflict(reason: ConflictReason, ours: FileContent, theirs: FileContent, merged: string | null, message: string): ApplyResult {
  return { ok: false, conflict: { reason, ours, theirs, merged, message } };
}

function missing(hunk: Hunk, ours: FileContent, theirs: FileContent): ApplyResult {
  return conflict('file-missing', ours, theirs, null, `${hunk.oldPath ?? hunk.path} no longer exists in the workspace.`);
}

function mismatch(hunk: Hunk, detail: string): StageError {
  return new StageError(
    'hunk-mismatch',
    `The hunk ${hunk.id} of ${hunk.oldPath ?? hunk.path} does not fit the base text it was given: ${detail}. ` +
      "Pass the file as it is in the task's base commit.",
  );
}
