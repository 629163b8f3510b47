/**
 * Sign-off: keeps each task's staged hunks up to date as its agent works, flags overlaps between
 * tasks as they appear, and carries out the engineer's decisions.
 *
 * - Staging runs after file-changing events (debounced) and at each turn's end: the worktree against
 *   the task's base, through the staging engine. A hunk keeps its id while unchanged; an undecided
 *   hunk the agent rewrites or undoes is superseded.
 * - Approve: the hunk goes into the engineer's file through the editor (`writeWorkspaceFile`: an
 *   undoable edit that respects unsaved changes). If the engineer changed that region since the base,
 *   a 3-way merge decides; a real conflict marks the hunk and writes nothing.
 * - Reject: the hunk is reverted in the worktree and the agent is told why; rejections made close
 *   together go back as one message.
 * - Every decision is journaled and fsynced before anything is written.
 */
import type { FileContent } from '../stage/apply';
import { applyHunk, isStale, unapplyHunk } from '../stage/apply';
import * as nodePath from 'node:path';
import { readFileAtCommit } from '../stage/blobs';
import { runGit } from '../stage/git';
import { stageTask } from '../stage/hunks';
import { recordMoment } from '../stage/history';
import { keepBlob, keepContent, keptRef, readKept } from '../stage/keep';
import { findOverlaps } from '../stage/overlap';
import { revertHunk } from '../stage/revert';
import { basePath, type Hunk, type StagedFile } from '../stage/staged';
import type { TaskWorktree } from '../stage/worktree';
import { isAwaiting, isBulkSafe, overlapWarning, reconcileWarnings, staleWarning, taskHunksAwaiting, type EventBody, type HunkState, type ScoreState, type WarningKind, type WarningRecord } from '../score';
import { messageOf as message } from '../agents/sessionKit';

export interface SignOffDeps {
  workspace(): string | undefined;
  /** The engineer's current text of a workspace file (unsaved edits included); null when absent. */
  readWorkspaceFile(relPath: string): Promise<FileContent>;
  /** Writes a workspace file through the editor (undoable); null deletes it. */
  writeWorkspaceFile(relPath: string, content: FileContent): Promise<void>;
  state(): ScoreState;
  emit(task: string, body: EventBody): void;
  emitDurable(task: string, body: EventBody): Promise<void>;
  taskTitle(task: string): string;
  /** Delivers rejection feedback to the task's agent in its own protocol (or records why it cannot). */
  sendFeedback(task: string, text: string): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  /**
   * Coherence: the warnings the workspace's architecture rules raise on the task's staged change
   * (its files against its base), checked after every staging. Absent: nothing is checked.
   */
  checkCoherence?(task: string, worktree: TaskWorktree, files: readonly StagedFile[]): Promise<WarningRecord[]>;
}

/** The warning kinds coherence answers for; sign-off's own (conflict, overlap, stale) are never touched by it. */
const COHERENCE_KINDS: ReadonlySet<WarningKind> = new Set<WarningKind>(['layer', 'dependency', 'cycle', 'protected', 'sensitive', 'balance', 'scope', 'unparsable']);

interface Tracked {
  worktree: TaskWorktree;
  files: StagedFile[];
  timer?: NodeJS.Timeout;
  /** The staging run in progress; another request waits for it. */
  running?: Promise<void>;
  again?: boolean;
  /** What each approved hunk wrote, for undo. */
  applied: Map<string, { text: FileContent }>;
  feedback: string[];
  feedbackTimer?: NodeJS.Timeout;
}

/** Approving a symbolic link that leads out of the workspace was refused. */
export class LinkOutError extends Error {
  override readonly name = 'LinkOutError';
}

const STAGE_DEBOUNCE_MS = 300;
const FEEDBACK_GATHER_MS = 400;

export class SignOff {
  private readonly tasks = new Map<string, Tracked>();
  private disposed = false;

  constructor(private readonly deps: SignOffDeps) {}

  track(task: string, worktree: TaskWorktree): void {
    if (!this.tasks.has(task)) this.tasks.set(task, { worktree, files: [], applied: new Map(), feedback: [] });
  }

  /** Hunks of the task still waiting for a decision (pending or conflicted). */
  undecided(task: string): HunkState[] {
    return taskHunksAwaiting(this.deps.state(), task);
  }

  /** Asks for a re-stage of the task's worktree soon (debounced), or at once with `delayMs` 0. */
  request(task: string, delayMs = STAGE_DEBOUNCE_MS): void {
    const t = this.tasks.get(task);
    if (!t || this.disposed) return;
    if (t.timer) clearTimeout(t.timer);
    t.timer = setTimeout(() => {
      t.timer = undefined;
      void this.stageNow(task);
    }, delayMs);
    t.timer.unref?.();
  }

  /** Re-stages now; resolves when the hunks on the score match the worktree. */
  async stageNow(task: string): Promise<void> {
    const t = this.tasks.get(task);
    if (!t || this.disposed) return;
    if (t.running) {
      t.again = true;
      return t.running;
    }
    t.running = (async () => {
      do {
        t.again = false;
        await this.stageOnce(task, t).catch((err: unknown) => {
          const text = `Podium could not compare "${this.deps.taskTitle(task)}" with its base: ${message(err)}`;
          this.deps.log('error', text);
          this.deps.emit(task, { type: 'notice', level: 'error', code: 'staging', text });
        });
      } while (t.again && !this.disposed);
    })().finally(() => {
      t.running = undefined;
    });
    return t.running;
  }

  private async stageOnce(task: string, t: Tracked): Promise<void> {
    const workspace = this.deps.workspace();
    if (!workspace) return;
    const result = await stageTask({ repo: workspace, worktreeDir: t.worktree.dir, baseCommit: t.worktree.baseCommit, previous: t.files, scope: task });
    t.files = result.files;
    // First, so every hunk and warning of this staging is on the score with its files.
    await this.recordMoment(task, t, result.tree);
    const state = this.deps.state();
    for (const s of result.superseded) {
      if (state.hunks[s.id]?.status === 'pending') this.deps.emit(task, { type: 'hunk.superseded', task, hunk: s.id, by: s.by });
    }
    for (const id of result.withdrawn) {
      if (state.hunks[id]?.status === 'pending') this.deps.emit(task, { type: 'hunk.superseded', task, hunk: id, by: [] });
    }
    for (const file of result.files) {
      for (const hunk of file.hunks) {
        const known = state.hunks[hunk.id];
        if (!known || known.status === 'superseded') {
          this.deps.emit(task, { type: 'hunk.staged', task, hunk });
          // A whole-file hunk is applied from its blob: keep it from git gc while the task is open.
          if (hunk.kind === 'file' && hunk.newBlob && hunk.newMode !== '160000') await keepBlob(t.worktree.dir, keptRef(task, `staged-${hunk.id}`), hunk.newBlob).catch((err: unknown) => this.deps.log('warn', `Podium could not keep the staged content of ${hunk.path}: ${message(err)}`));
        }
      }
    }
    await this.refreshStale(task, t);
    this.refreshOverlaps();
    await this.refreshCoherence(task, t);
  }

  /**
   * Keeps the worktree's files as they are now for replay, when they differ from the last moment
   * recorded: a commit under refs/podium/history/<task>, and its tree in the journal.
   */
  private async recordMoment(task: string, t: Tracked, tree: string): Promise<void> {
    const last = this.deps.state().tasks[task]?.snapshot;
    if (last?.tree === tree) return;
    try {
      const commit = await recordMoment(t.worktree.dir, task, tree, last?.commit ?? t.worktree.baseCommit);
      this.deps.emit(task, { type: 'task.snapshot', task, tree, commit });
    } catch (err) {
      this.deps.log('warn', `Podium could not keep the files of "${this.deps.taskTitle(task)}" for replay: ${message(err)}`);
    }
  }

  /** Holds the task's staged change against the workspace's rules and makes its coherence warnings say so. */
  private async refreshCoherence(task: string, t: Tracked): Promise<void> {
    if (!this.deps.checkCoherence) return;
    let desired: WarningRecord[];
    try {
      desired = await this.deps.checkCoherence(task, t.worktree, t.files);
    } catch (err) {
      this.deps.log('error', `Podium could not check "${this.deps.taskTitle(task)}" against the architecture notes: ${message(err)}`);
      return;
    }
    if (this.disposed || !this.tasks.has(task)) return;
    const state = this.deps.state();
    // Only undecided hunks carry a coherence warning; a decided one has nothing left to decide.
    const wanted = desired.filter((w) => w.hunk === undefined || (state.hunks[w.hunk] !== undefined && isAwaiting(state.hunks[w.hunk]!)));
    this.apply(reconcileWarnings(state, (w) => COHERENCE_KINDS.has(w.kind) && w.task === task, wanted));
  }

  /** The architecture notes changed: every open task's waiting hunks are checked again. */
  async recheckCoherence(): Promise<void> {
    for (const [task, t] of this.tasks) await this.refreshCoherence(task, t);
  }

  /** A decided hunk keeps no warning: each still raised on it is cleared, in the journal, with the decision. */
  private settle(hunkId: string): void {
    const state = this.deps.state();
    const h = state.hunks[hunkId];
    if (!h || isAwaiting(h)) return;
    this.apply(h.warnings.map((id) => ({ type: 'warning.cleared' as const, id, task: state.warnings[id]?.task ?? h.task })));
  }

  /**
   * Re-checks, against the engineer's current text, whether they have edited the regions of the
   * task's undecided hunks (all of them, or those on `path`), and raises or clears `stale` warnings.
   */
  private async refreshStale(task: string, t: Tracked, path?: string): Promise<void> {
    const desired: WarningRecord[] = [];
    const checked = new Set<string>();
    for (const h of this.undecided(task)) {
      const hunk = h.hunk;
      if (hunk.kind !== 'lines' || (path !== undefined && hunk.path !== path)) continue;
      checked.add(hunk.id);
      const { baseText, currentText } = await this.sides(t, hunk, hunk.oldPath ?? hunk.path);
      if (isStale({ hunk, baseText, currentText })) desired.push(staleWarning(task, hunk.id, hunk.path));
    }
    // Awaited reads above may have let the score move on: reconcile against it as it is now.
    this.apply(reconcileWarnings(this.deps.state(), (w) => w.kind === 'stale' && w.task === task && (path === undefined || checked.has(w.hunk ?? '')), desired));
  }

  /**
   * The engineer's copy of `path` changed (an edit in the editor, a save, a change on disk): the
   * undecided hunks on it are checked for staleness again, in every task.
   */
  async workspaceFileChanged(path: string): Promise<void> {
    for (const [task, t] of this.tasks) {
      if (this.undecided(task).some((h) => h.hunk.path === path || h.hunk.oldPath === path)) {
        await this.refreshStale(task, t, path).catch((err: unknown) => this.deps.log('warn', `Podium could not re-check ${path} for "${this.deps.taskTitle(task)}": ${message(err)}`));
      }
    }
  }

  /**
   * Raises the overlaps between tracked tasks' pending hunks that appeared and clears those that went
   * away, on both tasks' rows. What is raised is read from the score, so a new window (or a second
   * call) raises nothing already raised; overlaps with a task this window does not track are left alone.
   */
  refreshOverlaps(): void {
    const state = this.deps.state();
    const pending = (task: string, files: StagedFile[]) => files
      .map((f) => ({ ...f, hunks: f.hunks.filter((h) => state.hunks[h.id]?.status === 'pending' && state.hunks[h.id]?.task === task) }))
      .filter((f) => f.hunks.length > 0);
    const found = findOverlaps([...this.tasks].map(([task, t]) => ({ task, files: pending(task, t.files) })));
    const desired: WarningRecord[] = [];
    for (const o of found) {
      desired.push(overlapWarning(o.a.task, o.a.hunk, o.path, { ...o.b, title: this.deps.taskTitle(o.b.task) }));
      desired.push(overlapWarning(o.b.task, o.b.hunk, o.path, { ...o.a, title: this.deps.taskTitle(o.a.task) }));
    }
    this.apply(reconcileWarnings(state, (w) => w.kind === 'overlap' && this.tasks.has(w.task) && (w.other === undefined || this.tasks.has(w.other.task)), desired));
  }

  /** Journals warning events on the row of the task each is about. */
  private apply(events: EventBody[]): void {
    for (const e of events) {
      const task = e.type === 'warning.raised' ? e.warning.task : e.type === 'warning.cleared' ? e.task : undefined;
      if (task !== undefined) this.deps.emit(task, e);
    }
  }

  /**
   * Approves a hunk and applies it to the engineer's file. Resolves with 'applied' or 'conflict';
   * rejects for an unknown or already decided hunk.
   */
  async approve(hunkId: string): Promise<'applied' | 'conflict'> {
    const { h, t } = this.decidable(hunkId);
    const hunk = h.hunk as Hunk;
    await this.refuseLinkOut(t, hunk);
    await this.deps.emitDurable(h.task, { type: 'hunk.decided', task: h.task, hunk: hunkId, decision: 'approved' });
    return this.carryOutApproval(h, t);
  }

  /**
   * Approvals an earlier window journaled but never finished (it died between the decision and the
   * editor's write, or halfway through the write): carried out now, so each ends applied, or
   * conflicted and waiting again where the file no longer fits. Applying finds a hunk that is already
   * in the file and records it as applied ('already'), so nothing is applied twice.
   */
  async resumeApprovals(task: string): Promise<number> {
    const t = this.tasks.get(task);
    if (!t) return 0;
    const state = this.deps.state();
    const cut = state.hunkOrder.map((id) => state.hunks[id]!).filter((h) => h.task === task && h.status === 'approved');
    for (const h of cut) await this.carryOutApproval(h, t);
    return cut.length;
  }

  private async carryOutApproval(h: HunkState, t: Tracked): Promise<'applied' | 'conflict'> {
    const hunkId = h.hunk.id;
    const hunk = h.hunk as Hunk;
    const { baseText, currentText } = await this.sides(t, hunk, hunk.oldPath ?? hunk.path);
    const result = await applyHunk({ hunk, baseText, currentText, repo: t.worktree.dir });
    if (!result.ok) {
      await this.deps.emitDurable(h.task, { type: 'hunk.conflict', task: h.task, hunk: hunkId, message: result.conflict.message });
      return 'conflict';
    }
    // What undo needs goes into git (kept by a ref) while the editor writes, and its id into the
    // journal, so a later window can undo too.
    const keeping = keepContent(t.worktree.dir, keptRef(h.task, hunkId), result.text).catch((err: unknown) => {
      this.deps.log('warn', `Podium could not keep the approved text of ${hunk.path} in git; undo works in this window only: ${message(err)}`);
      return undefined;
    });
    if (result.how !== 'already') await this.deps.writeWorkspaceFile(hunk.path, result.text);
    t.applied.set(hunkId, { text: result.text });
    const kept = await keeping;
    await this.deps.emitDurable(h.task, { type: 'hunk.applied', task: h.task, hunk: hunkId, how: result.how, ...(kept === undefined ? {} : { kept }) });
    this.settle(hunkId);
    this.refreshOverlaps();
    return 'applied';
  }

  /** Rejects a hunk: journaled, reverted in the worktree, and the agent is told why (batched). */
  async reject(hunkId: string, reason?: string): Promise<void> {
    const { h, t } = this.decidable(hunkId);
    const why = reason?.trim() || undefined;
    await this.deps.emitDurable(h.task, { type: 'hunk.decided', task: h.task, hunk: hunkId, decision: 'rejected', reason: why });
    const hunk = h.hunk as Hunk;
    const reverted = await revertHunk({ worktreeDir: t.worktree.dir, hunk });
    if (reverted.ok) this.deps.emit(h.task, { type: 'hunk.reverted', task: h.task, hunk: hunkId });
    else this.deps.emit(h.task, { type: 'notice', level: 'warning', code: 'revert', text: `The rejected change in ${hunk.path} is still in the task's worktree: ${reverted.message}` });
    this.settle(hunkId);
    this.refreshOverlaps();
    const where = hunk.kind === 'lines' ? `${hunk.path} around line ${hunk.newStart}` : hunk.path;
    const lines = hunk.kind === 'lines' ? `\n${hunk.newLines.map((l) => `+ ${l.replace(/\r?\n$/, '')}`).join('\n')}` : '';
    t.feedback.push(`- Your change to ${where} was rejected${why ? `: ${why}` : '.'}${lines}`);
    if (t.feedbackTimer) clearTimeout(t.feedbackTimer);
    t.feedbackTimer = setTimeout(() => this.flushFeedback(h.task, t), FEEDBACK_GATHER_MS);
    t.feedbackTimer.unref?.();
  }

  /** Rejects every undecided hunk of the task (or of one of its files) with one reason; the agent hears it once. */
  async rejectAll(task: string, reason?: string, path?: string): Promise<number> {
    const hunks = this.undecided(task).filter((h) => path === undefined || h.hunk.path === path);
    for (const h of hunks) await this.reject(h.hunk.id, reason);
    return hunks.length;
  }

  /** Undoes an approval: the hunk leaves the engineer's file (if that region is still as applied). */
  async undo(hunkId: string): Promise<void> {
    const state = this.deps.state();
    const h = state.hunks[hunkId];
    const t = h ? this.tasks.get(h.task) : undefined;
    if (!h || !t || h.status !== 'applied') throw new Error('Only an approved and applied hunk of an open task can be undone.');
    const hunk = h.hunk as Hunk;
    const applied = t.applied.get(hunkId) ?? (await this.keptText(t, hunk, h.kept));
    const { baseText, currentText } = await this.sides(t, hunk, hunk.path);
    const result = await unapplyHunk({ hunk, appliedText: applied.text, currentText, baseText });
    if (!result.ok) throw new Error(`The approval of ${hunk.path} cannot be undone: ${result.conflict.message}`);
    await this.deps.emitDurable(h.task, { type: 'hunk.undone', task: h.task, hunk: hunkId });
    await this.deps.writeWorkspaceFile(hunk.oldPath ?? hunk.path, result.text);
    t.applied.delete(hunkId);
    // Undecided again: its warnings (staleness, overlaps, coherence) are found afresh.
    await this.stageNow(h.task);
  }

  /** What an approval left in the file, read back from git (an approval made in an earlier window). */
  private async keptText(t: Tracked, hunk: Hunk, kept: string | null | undefined): Promise<{ text: FileContent }> {
    if (kept === undefined) throw new Error(`The approval of ${hunk.path} was made before Podium kept what undoing it needs; undo it by hand (the hunk is in the task's worktree).`);
    if (kept === null) return { text: null };
    const bytes = await readKept(t.worktree.dir, kept).catch((err: unknown) => {
      throw new Error(`The approval of ${hunk.path} cannot be undone: git no longer has what it wrote (${message(err)}).`);
    });
    return { text: hunk.kind === 'file' ? bytes : bytes.toString('utf8') };
  }

  /**
   * Approves every undecided hunk of the task (or of one of its files) that is safe for a bulk
   * approval (`isBulkSafe`): never one with a warning; those wait for the engineer.
   */
  async approveClean(task: string, path?: string): Promise<{ applied: number; conflicts: number; skipped: number }> {
    let applied = 0;
    let conflicts = 0;
    let skipped = 0;
    for (const h of this.undecided(task).filter((x) => path === undefined || x.hunk.path === path)) {
      if (!isBulkSafe(this.deps.state(), h)) {
        skipped += 1;
        continue;
      }
      const outcome = await this.approve(h.hunk.id).catch((err: unknown) => {
        if (err instanceof LinkOutError) return 'refused' as const;
        throw err;
      });
      if (outcome === 'applied') applied += 1;
      else if (outcome === 'conflict') conflicts += 1;
      else skipped += 1;
    }
    return { applied, conflicts, skipped };
  }

  /** Forgets a closed task: no more staging, and it no longer counts for overlaps. */
  untrack(task: string): void {
    const t = this.tasks.get(task);
    if (!t) return;
    if (t.timer) clearTimeout(t.timer);
    // Feedback still gathering has no agent left to hear it; each rejection's reason is in the journal.
    if (t.feedbackTimer) clearTimeout(t.feedbackTimer);
    this.tasks.delete(task);
  }

  /**
   * Stops staging: nothing new starts, and a staging in flight is waited for (its git processes still
   * write in the worktrees, and its events still go to journals the caller is about to close).
   */
  async dispose(): Promise<void> {
    this.disposed = true;
    for (const t of this.tasks.values()) {
      if (t.timer) clearTimeout(t.timer);
      if (t.feedbackTimer) clearTimeout(t.feedbackTimer);
    }
    await Promise.all([...this.tasks.values()].map((t) => t.running?.catch(() => undefined)));
  }

  private flushFeedback(task: string, t: Tracked): void {
    t.feedbackTimer = undefined;
    if (t.feedback.length === 0) return;
    const items = t.feedback.splice(0);
    const text = `The engineer reviewed your changes and rejected ${items.length === 1 ? 'one' : items.length} of them; they were taken out of the worktree.\n${items.join('\n')}\nPlease take this into account.`;
    this.deps.sendFeedback(task, text);
  }

  /** The file at the task's base and as the engineer has it now (unsaved edits included). */
  private async sides(t: Tracked, hunk: Hunk, currentPath: string): Promise<{ baseText: FileContent; currentText: FileContent }> {
    const [baseText, currentText] = await Promise.all([
      readFileAtCommit(this.deps.workspace()!, t.worktree.baseCommit, basePath(hunk)),
      this.deps.readWorkspaceFile(currentPath),
    ]);
    return { baseText, currentText };
  }

  /**
   * A symbolic link the agent made that leads out of the workspace (to /etc, a home folder) is never
   * carried into it, whatever is clicked: approving it is refused before anything is journaled.
   */
  private async refuseLinkOut(t: Tracked, hunk: Hunk): Promise<void> {
    if (hunk.newMode !== '120000' || !hunk.newBlob) return;
    const workspace = this.deps.workspace();
    const target = (await runGit(['cat-file', 'blob', hunk.newBlob], { cwd: t.worktree.dir })).stdout;
    const leadsTo = workspace ? nodePath.resolve(workspace, nodePath.dirname(hunk.path), target) : undefined;
    if (!workspace || !leadsTo || (leadsTo !== workspace && !leadsTo.startsWith(workspace + nodePath.sep))) {
      throw new LinkOutError(`${hunk.path} is a symbolic link to ${target}, outside the workspace: Podium does not make it there. Reject the change.`);
    }
  }

  private decidable(hunkId: string): { h: HunkState; t: Tracked } {
    const h = this.deps.state().hunks[hunkId];
    const t = h ? this.tasks.get(h.task) : undefined;
    if (!h || !t) throw new Error('No such change awaiting sign-off in this window.');
    if (h.status !== 'pending' && h.status !== 'conflict') throw new Error(`That change was already ${h.status}.`);
    return { h, t };
  }
}

