/**
 * What the sign-off queue and the warnings panel show, as plain functions of the score: which hunks
 * wait for a decision, in what order, with which warnings, and which of them a bulk approval may
 * take. No React and no DOM here, so every rule the engineer relies on ("bulk never includes a
 * warned hunk") is one function a test can call.
 */
import {
  compareWarnings,
  hunkWarnings,
  isAwaiting,
  isBulkSafe,
  taskWarnings,
  visibleWarnings,
  warningShort,
  type Hunk,
  type HunkState,
  type ScoreState,
  type WarningSeverity,
  type WarningState,
} from '../../../src/score';
import { lineDiff } from './lineDiff';
import { t, type MessageKey } from '../shared/l10n';

// ── warnings ────────────────────────────────────────────────────────────────────────────────────
// Which hunks wait, which a bulk approval may take and a hunk's warnings in order are the score's
// rules (src/score/signOff.ts); the view only words and groups them.

export const SEVERITY_ICON: Record<WarningSeverity, string> = { error: 'error', warning: 'warning', info: 'info' };

// ── the queue ───────────────────────────────────────────────────────────────────────────────────

export interface FileGroup {
  path: string;
  hunks: HunkState[];
}

export interface TaskGroup {
  task: string;
  title: string;
  files: FileGroup[];
  /** Undecided hunks, in queue order. */
  awaiting: HunkState[];
  /** The undecided hunks a bulk approval would take, and the ones it leaves to the engineer. */
  bulkSafe: HunkState[];
  warned: HunkState[];
  /** Decided hunks, latest decision first. */
  decided: HunkState[];
  /** Warnings on the task as a whole (balance…), most urgent first. */
  taskWarnings: WarningState[];
}

/** The parts of the score sign-off reads, so a view can subscribe to them and not to every agent message. */
export type SignOffScore = Pick<ScoreState, 'hunks' | 'hunkOrder' | 'tasks' | 'taskOrder' | 'warnings' | 'warningOrder'>;

export interface Queue {
  tasks: TaskGroup[];
  /** Every undecided hunk in the order the queue shows them: what j/k walk through. */
  order: HunkState[];
}

/**
 * The queue: tasks in the order they were created (a hunk of an unknown task after them), files by
 * path, hunks top to bottom within a file. Tasks with nothing staged are left out; a task whose
 * hunks are all decided stays, so its approvals can still be undone.
 */
export function signOffQueue(score: SignOffScore): Queue {
  const byTask = new Map<string, HunkState[]>();
  for (const id of score.hunkOrder) {
    const h = score.hunks[id]!;
    if (h.status === 'superseded') continue; // the agent replaced it; nothing to decide or undo
    let list = byTask.get(h.task);
    if (!list) byTask.set(h.task, (list = []));
    list.push(h);
  }
  const taskIds = [...score.taskOrder.filter((t) => byTask.has(t)), ...[...byTask.keys()].filter((t) => !score.tasks[t])];

  const tasks: TaskGroup[] = [];
  const order: HunkState[] = [];
  for (const task of taskIds) {
    const hunks = byTask.get(task)!;
    const files = new Map<string, HunkState[]>();
    const decided: HunkState[] = [];
    for (const h of hunks) {
      if (!isAwaiting(h)) {
        decided.push(h);
        continue;
      }
      let list = files.get(h.hunk.path);
      if (!list) files.set(h.hunk.path, (list = []));
      list.push(h);
    }
    const fileGroups = [...files.entries()]
      .sort(([a], [b]) => comparePaths(a, b))
      .map(([path, list]) => ({ path, hunks: list.sort(compareInFile) }));
    const awaiting = fileGroups.flatMap((f) => f.hunks);
    order.push(...awaiting);
    tasks.push({
      task,
      title: score.tasks[task]?.spec.title ?? task,
      files: fileGroups,
      awaiting,
      bulkSafe: awaiting.filter((h) => isBulkSafe(score, h)),
      warned: awaiting.filter((h) => !isBulkSafe(score, h)),
      decided: decided.sort((a, b) => (b.decidedTs ?? b.stagedTs) - (a.decidedTs ?? a.stagedTs)),
      taskWarnings: taskWarnings(score, task),
    });
  }
  return { tasks, order };
}

/** Folders before their files' siblings would be git's order; plain path order reads the same in a list and is predictable. */
function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whole-file decisions (rename, mode, binary) first, as the file's header; then lines top to bottom. */
function compareInFile(a: HunkState, b: HunkState): number {
  const rank = (h: Hunk) => (h.kind === 'rename' ? 0 : h.kind === 'mode' ? 1 : h.kind === 'file' ? 2 : 3);
  const byKind = rank(a.hunk) - rank(b.hunk);
  if (byKind !== 0) return byKind;
  if (a.hunk.kind !== 'lines' || b.hunk.kind !== 'lines') return 0;
  return a.hunk.oldStart - b.hunk.oldStart || a.hunk.newStart - b.hunk.newStart;
}

/** The hunk `delta` steps from `current` in `order`, clamped to the ends; the first one when `current` is not there. */
export function stepHunk(order: readonly HunkState[], current: string | null, delta: number): string | null {
  if (order.length === 0) return null;
  const at = current === null ? -1 : order.findIndex((h) => h.hunk.id === current);
  if (at === -1) return order[0]!.hunk.id;
  return order[Math.max(0, Math.min(order.length - 1, at + delta))]!.hunk.id;
}

/**
 * What to select once `previous` has left the queue: the hunk that took its place (the next one),
 * else the new last one. `previousIndex` is where it was.
 */
export function replacementHunk(order: readonly HunkState[], previousIndex: number): string | null {
  if (order.length === 0) return null;
  return order[Math.max(0, Math.min(order.length - 1, previousIndex))]!.hunk.id;
}

/** The task's most recent approval that reached the workspace: what `u` undoes. */
export function lastApplied(group: TaskGroup | undefined): HunkState | undefined {
  return group?.decided.find((h) => h.status === 'applied');
}

// ── every warning, for the panel ────────────────────────────────────────────────────────────────

export interface ListedWarning extends WarningState {
  taskTitle: string;
  /** Where it is, in words ("lines 14–18", "whole file", "the task"). */
  place: string;
}

/**
 * Every warning the engineer should act on (on undecided hunks, on files, on tasks), most urgent
 * first, then in the queue's order.
 */
export function allWarnings(score: SignOffScore): ListedWarning[] {
  const queue = signOffQueue(score);
  const position = new Map<string, number>();
  queue.order.forEach((h, i) => position.set(h.hunk.id, i));
  const at = (w: WarningState) => (w.hunk !== undefined ? (position.get(w.hunk) ?? Infinity) : -1);
  return visibleWarnings(score)
    .map((w) => {
      const h = w.hunk !== undefined ? score.hunks[w.hunk] : undefined;
      const place = h ? hunkRange(h.hunk) : w.path !== undefined ? t('hunk.place.file') : t('hunk.place.task');
      return { ...w, taskTitle: score.tasks[w.task]?.spec.title ?? w.task, place };
    })
    .sort((a, b) => compareWarnings(a, b) || at(a) - at(b));
}

// ── words ───────────────────────────────────────────────────────────────────────────────────────

/** Where the hunk lands, in words: "lines 14–18", "line 3", "old lines 7–9 removed", "whole file". */
export function hunkRange(h: Hunk): string {
  if (h.kind === 'rename') return t('hunk.place.rename');
  if (h.kind === 'mode') return t('hunk.place.mode');
  if (h.kind === 'file') return t('hunk.place.file');
  // Line numbers are not quantities: written as they are, never grouped ("1200", not "1,200").
  const span = (start: number, count: number) => (count === 1 ? t('hunk.place.line', { line: String(start) }) : t('hunk.place.lines', { from: String(start), to: String(start + count - 1) }));
  if (h.newCount > 0) return span(h.newStart, h.newCount);
  if (h.oldCount > 0) return t('hunk.place.removed', { lines: span(h.oldStart, h.oldCount) });
  return h.status === 'deleted' ? t('hunk.place.emptyDeleted') : t('hunk.place.empty');
}

/** The screen reader's name for a hunk card: "Hunk 2 of 5, src/core/tally.js lines 14–18, overlaps “Regex words”". */
export function hunkLabel(score: SignOffScore, h: HunkState, index: number, total: number): string {
  const warnings = hunkWarnings(score, h).map(warningShort);
  return [t('hunk.position', { index: String(index + 1), total: String(total) }), t('hunk.where', { path: h.hunk.path, place: hunkRange(h.hunk) }), ...warnings].join(t('list.comma'));
}

const FILE_REASONS: Record<string, MessageKey> = {
  binary: 'hunk.file.binary',
  'too-large': 'hunk.file.tooLarge',
  'too-many-lines': 'hunk.file.tooManyLines',
  'too-many-hunks': 'hunk.file.tooManyHunks',
  timeout: 'hunk.file.timeout',
  'not-utf8': 'hunk.file.notUtf8',
  symlink: 'hunk.file.symlink',
  submodule: 'hunk.file.submodule',
  'type-change': 'hunk.file.typeChange',
  unreadable: 'hunk.file.unreadable',
};

const STATUS_VERB: Record<string, MessageKey> = {
  added: 'hunk.verb.adds',
  deleted: 'hunk.verb.deletes',
  modified: 'hunk.verb.changes',
  renamed: 'hunk.verb.changes',
  'type-changed': 'hunk.verb.changes',
};

/**
 * A hunk that has no lines to show, told in a sentence: whole-file decisions, mode changes, renames
 * and empty files. Null for an ordinary line hunk, which the diff shows instead.
 */
export function describeHunk(h: Hunk): string | null {
  switch (h.kind) {
    case 'rename':
      return h.similarity !== undefined
        ? t('hunk.describe.renameSimilar', { from: h.oldPath ?? t('hunk.describe.theFile'), to: h.path, similarity: String(h.similarity) })
        : t('hunk.describe.rename', { from: h.oldPath ?? t('hunk.describe.theFile'), to: h.path });
    case 'mode':
      return t(modeMeaning(h.oldMode, h.newMode), { from: h.oldMode ?? '?', to: h.newMode ?? '?' });
    case 'file': {
      const what = t(FILE_REASONS[h.reason ?? ''] ?? 'hunk.file.other');
      const verb = t(STATUS_VERB[h.status] ?? 'hunk.verb.changes');
      return h.oldSize !== undefined || h.newSize !== undefined
        ? t('hunk.describe.fileSized', { verb, what, sizes: sizeChange(h.oldSize, h.newSize) })
        : t('hunk.describe.file', { verb, what });
    }
    case 'lines':
      if (h.oldLines.length === 0 && h.newLines.length === 0) {
        return h.status === 'deleted' ? t('hunk.describe.deletesEmpty') : t('hunk.describe.addsEmpty');
      }
      return null;
  }
}

function modeMeaning(from?: string, to?: string): MessageKey {
  const exec = (m?: string) => m === '100755';
  if (!exec(from) && exec(to)) return 'hunk.describe.modeExecutable';
  if (exec(from) && !exec(to)) return 'hunk.describe.modeNotExecutable';
  return 'hunk.describe.mode';
}

function sizeChange(from?: number, to?: number): string {
  if (from === undefined) return bytes(to!);
  if (to === undefined) return t('hunk.size.was', { size: bytes(from) });
  return t('hunk.size.change', { from: bytes(from), to: bytes(to) });
}

function bytes(n: number): string {
  if (n < 1024) return t('hunk.size.b', { n: String(n) });
  if (n < 1024 * 1024) return t('hunk.size.kb', { n: (n / 1024).toFixed(1) });
  return t('hunk.size.mb', { n: (n / 1024 / 1024).toFixed(1) });
}

// ── the diff rows ───────────────────────────────────────────────────────────────────────────────

export interface DiffRow {
  op: ' ' | '-' | '+';
  /** Line numbers on each side; a removed line has no new number and an added one no old number. */
  oldNo?: number;
  newNo?: number;
  text: string;
}

/**
 * A line hunk as rows: its context before, the region (old lines against new lines, diffed, since
 * the region keeps the unchanged lines between its changes), its context after, each numbered from
 * oldStart/newStart. Lines keep no line ending.
 */
export function diffRows(h: Hunk): DiffRow[] {
  if (h.kind !== 'lines') return [];
  const before = h.contextBefore.map(bare);
  const after = h.contextAfter.map(bare);
  const oldStart = h.oldStart;
  const newStart = h.newStart;
  const rows: DiffRow[] = [];
  before.forEach((text, i) => rows.push({ op: ' ', oldNo: oldStart - before.length + i, newNo: newStart - before.length + i, text }));
  let oldNo = oldStart;
  let newNo = newStart;
  for (const line of regionDiff(h.oldLines.map(bare), h.newLines.map(bare))) {
    if (line.op === '-') rows.push({ op: '-', oldNo: oldNo++, text: line.text });
    else if (line.op === '+') rows.push({ op: '+', newNo: newNo++, text: line.text });
    else rows.push({ op: ' ', oldNo: oldNo++, newNo: newNo++, text: line.text });
  }
  after.forEach((text, i) => rows.push({ op: ' ', oldNo: oldNo + i, newNo: newNo + i, text }));
  return rows;
}

/** The stage keeps each line's ending with it (so a file is rebuilt byte for byte); a row shows none. */
function bare(line: string): string {
  return line.replace(/\r?\n$/, '');
}

/**
 * lineDiff works on texts; each line gets a one-character prefix before joining so an empty line
 * still counts as a line ([''] must not read as "no lines"), and the prefix comes off again after.
 */
function regionDiff(oldLines: string[], newLines: string[]): { op: ' ' | '-' | '+'; text: string }[] {
  const join = (lines: string[]) => lines.map((l) => `.${l}`).join('\n');
  const oldText = oldLines.length === 0 ? null : join(oldLines);
  return lineDiff(oldText, join(newLines)).map((l) => ({ op: l.op, text: l.text.slice(1) }));
}
