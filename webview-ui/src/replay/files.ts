/**
 * What the files panel shows at the playhead: for each task, the files its hunks touched up to then,
 * with how many of each file's hunks were waiting, approved (or applied) and rejected at that moment,
 * and the moments the files can be opened at (the task's last staging before the playhead, its base).
 * Pure: the panel and the tests call it with a score.
 */
import { t } from '../shared/l10n';
import type { HunkStatus, ScoreState } from '../../../src/score';

export interface FileAtMoment {
  path: string;
  waiting: number;
  approved: number;
  rejected: number;
  /** Rewritten or undone by the agent before it was decided. */
  superseded: number;
}

export interface TaskAtMoment {
  task: string;
  title: string;
  /** The git tree of the task's files as its last staging before the playhead had them. */
  tree?: string;
  /** When that staging was. */
  stagedTs?: number;
  /** What the task's changes are measured against. */
  base?: string;
  files: FileAtMoment[];
}

const WAITING: ReadonlySet<HunkStatus> = new Set(['pending']);
const APPROVED: ReadonlySet<HunkStatus> = new Set(['approved', 'applied', 'conflict']);

export function tasksAtMoment(score: ScoreState): TaskAtMoment[] {
  const files = new Map<string, Map<string, FileAtMoment>>();
  for (const id of score.hunkOrder) {
    const h = score.hunks[id]!;
    let byPath = files.get(h.task);
    if (!byPath) files.set(h.task, (byPath = new Map()));
    let f = byPath.get(h.hunk.path);
    if (!f) byPath.set(h.hunk.path, (f = { path: h.hunk.path, waiting: 0, approved: 0, rejected: 0, superseded: 0 }));
    if (WAITING.has(h.status)) f.waiting++;
    else if (APPROVED.has(h.status)) f.approved++;
    else if (h.status === 'rejected') f.rejected++;
    else f.superseded++;
  }
  const out: TaskAtMoment[] = [];
  for (const task of score.taskOrder) {
    const t = score.tasks[task]!;
    const touched = files.get(task);
    const base = t.baseCommit ?? t.worktree?.baseCommit;
    // A task with a worktree but no change yet is listed too: it can be forked from its base.
    if (!touched && !t.snapshot && !base) continue;
    out.push({
      task,
      title: t.spec.title,
      tree: t.snapshot?.tree,
      stagedTs: t.snapshot?.ts,
      base,
      files: [...(touched?.values() ?? [])].sort((a, b) => a.path.localeCompare(b.path)),
    });
  }
  return out;
}

/** A short word for a file's hunks at the moment: "2 waiting · 1 approved". */
export function hunkSummary(f: FileAtMoment): string {
  const parts: string[] = [];
  if (f.waiting) parts.push(t('files.waiting', { count: f.waiting }));
  if (f.approved) parts.push(t('files.approved', { count: f.approved }));
  if (f.rejected) parts.push(t('files.rejected', { count: f.rejected }));
  if (f.superseded) parts.push(t('files.rewritten', { count: f.superseded }));
  return parts.join(t('list.separator')) || t('files.noHunks');
}
