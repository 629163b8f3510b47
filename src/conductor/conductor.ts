/**
 * The conductor: hands out tasks, queues them under the concurrency cap, gives each its worktree and
 * an agent session, journals everything the session does and feeds it to the score.
 *
 * Task life: created → queued → (entered) running → waiting (the turn ended; follow-ups reopen it)
 * → finished (done, failed, stopped, cancelled or stopped by a budget). The cap counts agents in a
 * turn: an agent waiting for a follow-up costs nothing and holds no slot. A task that waits for
 * others enters once every one of them has finished its turn successfully; if one of them failed or
 * was stopped, the waiting task is cancelled with the reason.
 *
 * Promises: every event goes through the session's journal before it reaches the score; a decision
 * the engineer makes (a permission answer) is fsynced before the agent hears it; after `dispose()`
 * no agent process remains. It talks to the editor only through `ConductorHost`.
 */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import type { AgentAdapter, AgentLaunch, AgentSession, PermissionAsk } from '../agents/adapter';
import { journalPath, JournalLockedError, JournalWriter, type LockOwner } from '../journal';
import { lockPath } from '../journal/folder';
import { readLockHolder } from '../journal/lock';
import { rehearsalCommand } from '../rehearsal/launch';
import type { EventBody, PodiumEvent, TaskOutcome, TaskSpec } from '../score';
import { releaseKept } from '../stage/keep';
import { branchSlug, createTaskWorktree, listTaskWorktrees, removeTaskWorktree, type TaskWorktree } from '../stage/worktree';
import { messageOf as message } from '../agents/sessionKit';
import { OutputBudget } from './outputBudget';
import { fillSecrets, secretNames, type AgentProfile, type ProfileKind } from './profiles';
import type { ScoreFeed } from './scoreFeed';
import { Coherence, type CoherenceEngine, type CoherenceSettings } from './coherence';
import { prepareWorktree, type WorktreePreparation } from './setup';
import { SignOff } from './signOff';
import { openTasks, settleTakenUp } from './takeUp';
import { changesFiles, newSessionId, openSessionJournal } from './journals';
import { askEngineer, rememberKey, withdrawQuestions, type QuestionJournal } from './permissions';
import { overUsage, wallClock } from './budgets';
import { blockedBy, queueReason, type Blocked } from './scheduling';
import { approvedChanges, commitApproved } from './commits';
import { STOP_GRACE_MS, type Phase, type SessionRun, type TaskRun } from './runtime';
import type { FileContent } from '../stage/apply';

export interface ConductorHost {
  /** The workspace folder tasks snapshot; undefined when no folder is open. */
  workspace(): string | undefined;
  /** Where worktrees live: extension storage, outside the workspace. */
  storageDir(): string;
  journalFolder(): string;
  flushIntervalMs(): number;
  maxConcurrentAgents(): number;
  /**
   * The no-progress limit: seconds a turn may go without any output from its agent before Podium
   * stops it (0: never). A task's own `idleSec` budget overrides it. Without it, only that budget counts.
   */
  noProgressSec?(): number;
  /** False in an untrusted workspace: no agent is ever started there. */
  trusted(): boolean;
  profiles(): AgentProfile[];
  /** The rehearsal agent's entry (dist/rehearsal.js) and its shipped scripts. */
  rehearsal(): { entry: string; scriptsDir: string };
  secrets(names: string[]): Promise<Map<string, string>>;
  /** What new task worktrees get before the agent enters (carried files, setup commands); none when absent. */
  worktreePreparation?(): WorktreePreparation;
  /** A permission question is waiting for the engineer (the editor may also show a notification). */
  permissionAsked(task: TaskSpec, session: string, ask: PermissionAsk): void;
  /** The engineer's current text of a workspace file, unsaved edits included; null when absent. */
  readWorkspaceFile(relPath: string): Promise<FileContent>;
  /** Writes a workspace file through the editor (an undoable edit); null deletes it. */
  writeWorkspaceFile(relPath: string, content: FileContent): Promise<void>;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  /** Coherence: where the architecture notes are, and whether agents are briefed on them. */
  coherence?(): CoherenceSettings;
  /** Loads the coherence engine (its own bundle, with the parsers), on first use. Absent: no change is checked. */
  loadCoherence?(): Promise<CoherenceEngine>;
  /**
   * Another window took over a task this window was writing (this one was frozen or cut off past the
   * lock's heartbeat): its agent is stopped and the task is that window's now; tell the engineer.
   */
  taskLost?(task: TaskSpec, message: string): void;
}

/** Who holds a task that another window writes, as this window sees it. */
export interface TaskHolder {
  pid: number;
  hostname: string;
  /** When the holder took the task's journal (ISO 8601). */
  since: string;
  /** True when the holder is gone or unresponsive: this window may take the task over. */
  stale: boolean;
  /** Why it is judged so, in words for the engineer. */
  why: string;
}

export interface NewTask {
  title: string;
  prompt: string;
  agent: string;
  waitsFor?: string[];
  budgets?: TaskSpec['budgets'];
  /** Globs of the paths the task is meant to touch (relative to the repository root). */
  scope?: string[];
  /** Start from another task's files at a recorded moment (replay's New Task from Here). */
  from?: { task: string; tree: string; ts: number };
}

export class Conductor {
  private readonly runs = new Map<string, TaskRun>();
  private readonly bySession = new Map<string, TaskRun>();
  /** Runtime record: open tasks on the score whose journal another window writes (task id → session id). */
  private readonly heldElsewhere = new Map<string, string>();
  private disposed = false;
  private readonly signOff: SignOff;
  readonly coherence: Coherence;

  constructor(
    private readonly host: ConductorHost,
    private readonly feed: ScoreFeed,
    private readonly adapters: Partial<Record<ProfileKind, AgentAdapter>>,
  ) {
    this.coherence = new Coherence({
      workspace: () => (host.loadCoherence ? host.workspace() : undefined),
      settings: () => host.coherence?.() ?? { notes: [], briefAgents: false },
      trusted: () => host.trusted(),
      load: () => (host.loadCoherence ? host.loadCoherence() : Promise.reject(new Error('Coherence is not available in this host.'))),
      log: (level, message) => host.log(level, message),
    });
    this.signOff = new SignOff({
      workspace: () => host.workspace(),
      readWorkspaceFile: (p) => host.readWorkspaceFile(p),
      writeWorkspaceFile: (p, c) => host.writeWorkspaceFile(p, c),
      state: () => feed.state,
      emit: (task, body) => this.emit(this.run(task), body),
      emitDurable: (task, body) => this.emitDurable(this.run(task), body),
      taskTitle: (task) => this.runs.get(task)?.spec.title ?? task,
      sendFeedback: (task, text) => this.sendFeedback(this.run(task), text),
      log: (level, message) => host.log(level, message),
      checkCoherence: (task, worktree, files) => this.coherence.check(this.run(task).spec, worktree, files),
    });
  }

  // ── sign-off ────────────────────────────────────────────────────────────────────────────────

  /** Approves a hunk: journaled, then applied to the engineer's file (or marked conflicted). */
  async approve(hunkId: string): Promise<'applied' | 'conflict'> {
    this.assertNotHeldElsewhere(this.feed.state.hunks[hunkId]?.task);
    return this.signOff.approve(hunkId);
  }

  /** Rejects a hunk: journaled, reverted in the worktree, and the agent is told why. */
  async reject(hunkId: string, reason?: string): Promise<void> {
    this.assertNotHeldElsewhere(this.feed.state.hunks[hunkId]?.task);
    return this.signOff.reject(hunkId, reason);
  }

  /** Undoes an approval while the task is open. */
  async undoApproval(hunkId: string): Promise<void> {
    this.assertNotHeldElsewhere(this.feed.state.hunks[hunkId]?.task);
    return this.signOff.undo(hunkId);
  }

  /** Approves every undecided hunk of a task (or of one file) that has no overlap and is not stale. */
  async approveClean(taskId: string, path?: string): Promise<{ applied: number; conflicts: number; skipped: number }> {
    this.run(taskId);
    return this.signOff.approveClean(taskId, path);
  }

  /** Rejects every undecided hunk of a task (or of one file) with one reason, told to the agent once. */
  async rejectAll(taskId: string, reason?: string, path?: string): Promise<number> {
    this.run(taskId);
    return this.signOff.rejectAll(taskId, reason, path);
  }

  /** The workspace files that approvals of this task changed, and a commit message drafted from the task. */
  approvedChanges(taskId: string): { paths: string[]; message: string } {
    return approvedChanges(this.feed.state, this.run(taskId).spec);
  }

  /**
   * Commits the given workspace files with the message, in the engineer's repository. Only ever called
   * on the engineer's request; rejects with git's own words when git refuses (nothing staged, hooks…).
   */
  commitApproved(paths: string[], message: string): Promise<string> {
    return commitApproved(this.host.workspace(), paths, message);
  }

  /** The task's worktree (for showing its files), while the task has one. */
  worktreeOf(taskId: string): TaskWorktree | undefined {
    const run = this.runs.get(taskId);
    return run && this.phase(run) !== 'closed' ? run.worktree : undefined;
  }

  /** Re-stages a task now (after the engineer edits files, or for tests). */
  restage(taskId: string): Promise<void> {
    return this.signOff.stageNow(taskId);
  }

  /** The engineer's copy of a file changed (typed, saved, or changed on disk): staleness is checked again. */
  workspaceFileChanged(relPath: string): Promise<void> {
    return this.signOff.workspaceFileChanged(relPath);
  }

  /** A workspace file was saved: the import graph coherence keeps (if it built one) takes its new imports. */
  workspaceFileSaved(relPath: string): Promise<void> {
    return this.coherence.fileChanged(relPath).catch((err: unknown) => this.host.log('warn', `Podium could not read the imports of ${relPath}: ${message(err)}`));
  }

  /** The architecture notes (or where they are looked for) changed: every waiting change is checked again. */
  async notesChanged(): Promise<void> {
    this.coherence.invalidate();
    await this.signOff.recheckCoherence();
  }

  private sendFeedback(run: TaskRun, text: string): void {
    const agent = run.session.agent;
    const phase = this.phase(run);
    if (phase === 'running' || phase === 'starting') {
      run.feedback = run.feedback ? `${run.feedback}\n\n${text}` : text;
      return;
    }
    if (this.phase(run) === 'waiting' && agent && !run.session.failed) {
      run.cancelRequested = false;
      this.emit(run, { type: 'task.started', task: run.spec.id });
      this.followTurn(run, agent.prompt(text, 'feedback'));
      return;
    }
    this.emit(run, { type: 'notice', level: 'info', code: 'feedback-recorded', text: `The agent of "${run.spec.title}" is no longer running; the rejection is recorded here only.` });
  }

  /**
   * The open tasks another window holds, with who holds each (pid, host, since) and whether it is gone
   * or unresponsive (a stale heartbeat, a dead process on this host), read from the lock files now.
   * A task whose holder released its lock shows as stale: nobody holds it any more.
   */
  async holders(): Promise<Record<string, TaskHolder>> {
    const out: Record<string, TaskHolder> = {};
    const state = this.feed.state;
    for (const [taskId, sessionId] of this.heldElsewhere) {
      const task = state.tasks[taskId];
      if (!task || task.status === 'closed' || this.runs.has(taskId)) {
        this.heldElsewhere.delete(taskId);
        continue;
      }
      const holder = await readLockHolder(lockPath(journalPath(this.host.journalFolder(), sessionId))).catch(() => undefined);
      out[taskId] = holder
        ? { pid: holder.owner.pid, hostname: holder.owner.hostname, since: holder.owner.startedAt, stale: holder.stale, why: holder.why }
        : { pid: 0, hostname: '', since: '', stale: true, why: 'the other window let it go' };
    }
    return out;
  }

  /** How the task's last turn ended, as the score has it (undefined while it is queued or playing). */
  /**
   * What this window is doing with the task now, read from the score (its status) and from what only
   * this window knows: whether the agent's process is there, and whether it is being stopped or has
   * exited. No second state machine: every step of a task is an event on the score first.
   */
  private phase(run: TaskRun): Phase {
    const session = run.session;
    if (session.writer.lockLost) return 'finished';
    switch (this.feed.state.tasks[run.spec.id]?.status) {
      case 'running':
        return session.agent ? 'running' : 'starting';
      case 'finished':
        return session.agent && !session.exited && !session.stopping && !session.failed ? 'waiting' : 'finished';
      case 'closed':
        return 'closed';
      default:
        return 'queued';
    }
  }

  private outcomeOf(run: TaskRun): TaskOutcome | undefined {
    const task = this.feed.state.tasks[run.spec.id];
    return task && (task.status === 'finished' || task.status === 'closed') ? task.outcome : undefined;
  }

  /** Refuses, saying what to do, to act on a task another window writes. */
  private assertNotHeldElsewhere(taskId: string | undefined): void {
    if (taskId === undefined || !this.heldElsewhere.has(taskId)) return;
    const title = this.feed.state.tasks[taskId]?.spec.title ?? taskId;
    throw new Error(`"${title}" is held by another window; take it over (Take Over) to act on it here.`);
  }

  /** Whether this window writes the task (and so may act on it). */
  owns(taskId: string): boolean {
    return this.runs.has(taskId);
  }

  /**
   * Checks that the task may be taken over from the window that holds it: resolves when its holder is
   * gone or unresponsive; rejects, saying who holds it and since when, while the holder still beats.
   * The caller then reloads the journals and takes the open tasks up (`adopt`).
   */
  async checkTakeOver(taskId: string): Promise<void> {
    if (this.runs.has(taskId)) throw new Error('This window already holds that task.');
    const holder = (await this.holders())[taskId];
    const title = this.feed.state.tasks[taskId]?.spec.title ?? taskId;
    if (!holder) throw new Error(`"${title}" is not held by another window.`);
    if (!holder.stale) {
      throw new Error(`"${title}" is held by another window (process ${holder.pid} on ${holder.hostname}, since ${holder.since}), which still responds: ${holder.why}. Close that window, or take over once it is gone.`);
    }
  }

  /** Task ids in creation order, with their phase (for commands that pick a task). */
  tasks(): { id: string; title: string; phase: Phase; outcome?: TaskOutcome }[] {
    return [...this.runs.values()].map((r) => ({ id: r.spec.id, title: r.spec.title, phase: this.phase(r), outcome: this.outcomeOf(r) }));
  }

  /**
   * Hands out a task. Rejects, with a message the engineer can act on, in an untrusted workspace,
   * without a workspace folder, for an unknown profile or an unknown task to wait for.
   */
  async createTask(input: NewTask): Promise<string> {
    this.assertLive();
    if (!this.host.trusted()) {
      throw new Error('Podium does not start agents in an untrusted workspace. Trust this workspace (Workspaces: Manage Workspace Trust) to hand out tasks.');
    }
    if (!this.host.workspace()) throw new Error('Open a folder first: each task runs in a git worktree of the workspace folder.');
    const title = input.title.trim();
    const prompt = input.prompt.trim();
    if (!title || !prompt) throw new Error('A task needs a title and a prompt.');
    const profile = this.profile(input.agent);
    for (const dep of input.waitsFor ?? []) {
      if (!this.runs.has(dep)) throw new Error(`The task waits for "${dep}", which is not a task of this window.`);
    }
    const id = `${branchSlug(title)}-${randomBytes(3).toString('hex')}`;
    const spec: TaskSpec = { id, title, prompt, agent: profile.id };
    if (input.waitsFor?.length) spec.waitsFor = [...new Set(input.waitsFor)];
    if (input.budgets && Object.keys(input.budgets).length > 0) spec.budgets = input.budgets;
    const scope = (input.scope ?? []).map((g) => g.trim()).filter(Boolean);
    if (scope.length > 0) spec.scope = [...new Set(scope)];
    if (input.from) {
      // Only a moment the score recorded for a task it knows: the tree must be that task's own.
      const origin = this.feed.state.tasks[input.from.task];
      if (!origin?.baseCommit) throw new Error('That task has no recorded files to start from.');
      const known = input.from.tree === origin.baseCommit || this.feed.history().some((e) => (e as { type?: string; task?: string; tree?: string }).type === 'task.snapshot' && (e as { task?: string }).task === input.from!.task && (e as { tree?: string }).tree === input.from!.tree);
      if (!known) throw new Error('That moment is not one the task recorded.');
      spec.from = { task: input.from.task, tree: input.from.tree, ts: input.from.ts };
    }
    const session = await this.openSession(spec);
    const run: TaskRun = { spec, session, remembered: new Map() };
    // From here to the flush nothing awaits: the task joins the queue with its task.created and
    // task.queued already journaled, so another task's scheduling cannot make it enter between the
    // two (the score would then show a playing task as queued).
    this.runs.set(id, run);
    this.emit(run, { type: 'task.created', task: spec });
    const blocked = this.blockedBy(run);
    if (blocked?.cancel) {
      // It waits for a task that has already ended badly: it ends here, never shown queued.
      this.finish(run, 'cancelled', blocked.cancel);
    } else {
      this.emit(run, { type: 'task.queued', task: id, reason: this.queueReason(blocked) });
    }
    await run.session.writer.flush();
    this.schedule();
    return id;
  }

  /** Stops the task's agent: protocol cancel, SIGTERM, SIGKILL. A queued task is cancelled. */
  async stop(taskId: string): Promise<void> {
    const run = this.run(taskId);
    const phase = this.phase(run);
    if (phase === 'queued') return this.finish(run, 'cancelled', 'Stopped before it entered.');
    if (phase === 'finished' || phase === 'closed') return;
    const wasWorking = phase === 'running' || phase === 'starting';
    run.session.stopping = true;
    run.preparing?.abort(new Error('Stopped by the engineer.'));
    this.cancelQuestions(run);
    await run.session.agent?.stop(STOP_GRACE_MS);
    // A waiting agent stopped leaves the task as it finished its last turn (stopping says it is over).
    if (wasWorking) this.finish(run, run.budgetStop ? 'budget' : 'stopped', run.budgetStop ?? 'Stopped by the engineer.');
    this.schedule();
  }

  /** A queued task leaves the queue; a running one has its current turn cancelled and waits. */
  async cancel(taskId: string): Promise<void> {
    const run = this.run(taskId);
    const phase = this.phase(run);
    if (phase === 'queued') return this.finish(run, 'cancelled', 'Cancelled before it entered.');
    if (phase !== 'running' || !run.session.agent) throw new Error(`"${run.spec.title}" has no turn to cancel (it is ${phase}).`);
    run.cancelRequested = true;
    await run.session.agent.cancel();
  }

  /** A follow-up prompt to a task whose agent is waiting for input. */
  async followUp(taskId: string, text: string): Promise<void> {
    const run = this.run(taskId);
    const agent = run.session.agent;
    const phase = this.phase(run);
    if (phase !== 'waiting' || !agent || run.session.failed) {
      throw new Error(`"${run.spec.title}" is not waiting for input (it is ${phase}); restart it to run it again.`);
    }
    if (!text.trim()) throw new Error('A follow-up needs some text.');
    run.cancelRequested = false;
    this.emit(run, { type: 'task.started', task: run.spec.id });
    this.followTurn(run, agent.prompt(text, 'followup'));
  }

  /**
   * Runs a finished task again in a new session (and journal), in the same worktree when it still
   * exists. The worktree's setup runs again only when `setup` asks for it (or it never completed).
   */
  async restart(taskId: string, options: { setup?: boolean } = {}): Promise<void> {
    const run = this.run(taskId);
    const phase = this.phase(run);
    if (phase === 'closed') throw new Error(`"${run.spec.title}" is closed; hand out a new task instead.`);
    if (phase !== 'finished') throw new Error(`"${run.spec.title}" is still ${phase}; stop it before restarting.`);
    this.assertLive();
    if (!this.host.trusted()) throw new Error('Podium does not start agents in an untrusted workspace.');
    await run.session.writer.close();
    this.bySession.delete(run.session.id);
    run.session = await this.openSession(run.spec);
    run.cancelRequested = false;
    run.budgetStop = undefined;
    run.rerunSetup = options.setup === true;
    // Queued on the score before anything awaits: it is queued from here on.
    this.emit(run, { type: 'task.created', task: run.spec });
    this.emit(run, { type: 'task.queued', task: run.spec.id, reason: 'Restarted by the engineer.' });
    await run.session.writer.flush();
    this.schedule();
  }

  /**
   * The engineer's answer to a permission question. Journaled and fsynced before the agent hears it.
   * Rejects for an unknown question (already answered, or cancelled) or an option the agent did not offer.
   */
  async answerPermission(sessionId: string, request: string, optionId: string): Promise<void> {
    const run = this.bySession.get(sessionId);
    const question = run?.session.id === sessionId ? run.session.pending.get(request) : undefined;
    if (!run || !question) throw new Error('That permission question was already answered or withdrawn.');
    const option = question.ask.options.find((o) => o.id === optionId);
    if (!option) throw new Error(`"${optionId}" is not one of the options the agent offered.`);
    run.session.pending.delete(request);
    await this.emitDurable(run, { type: 'permission.resolved', request, optionId, by: 'engineer' });
    if (option.kind === 'allow_always' || option.kind === 'reject_always') run.remembered.set(rememberKey(question.ask), option.kind);
    question.resolve(optionId);
  }

  /**
   * Closes a task whose agent is not in a turn: stops a waiting agent, removes the worktree, and
   * keeps its branch (so nothing the agent did is lost) unless `deleteBranch`. Rejects while a turn
   * is running (stop it first).
   */
  async close(taskId: string, options: { deleteBranch: boolean }): Promise<void> {
    const run = this.run(taskId);
    const phase = this.phase(run);
    if (phase === 'closed') return;
    if (phase === 'running' || phase === 'starting') throw new Error(`"${run.spec.title}" is playing; stop it before closing it.`);
    if (run.worktreeLost) {
      // Nothing can be applied from a worktree that is gone: its undecided hunks leave the queue.
      for (const h of this.signOff.undecided(taskId)) this.emit(run, { type: 'hunk.superseded', task: taskId, hunk: h.hunk.id, by: [] });
    }
    const undecided = this.signOff.undecided(taskId).length;
    if (undecided > 0) throw new Error(`"${run.spec.title}" has ${undecided} change(s) awaiting sign-off; decide them before closing the task (its worktree is kept until then).`);
    if (phase === 'queued') this.finish(run, 'cancelled', 'Closed before it entered.');
    if (phase === 'waiting' && run.session.agent) {
      run.session.stopping = true;
      await run.session.agent.stop(STOP_GRACE_MS);
    }
    let branchDeleted = false;
    const workspace = this.host.workspace();
    if (run.worktree && workspace) {
      const removed = await removeTaskWorktree({ workspace, dir: run.worktree.dir, branch: run.worktree.branch, deleteBranch: options.deleteBranch });
      branchDeleted = removed.branchDeleted;
    }
    if (workspace) {
      await releaseKept(workspace, taskId).catch((err: unknown) => this.host.log('warn', `Podium could not drop the refs it kept for "${run.spec.title}": ${message(err)}`));
    }
    this.signOff.untrack(taskId);
    if (run.worktree) this.coherence.forget(run.worktree.dir);
    await this.emitDurable(run, { type: 'task.closed', task: run.spec.id, branch: run.worktree?.branch, branchDeleted });
    await run.session.writer.close();
    this.schedule();
  }

  /**
   * Takes up the tasks of earlier windows that were never closed (after a reload or a restart of VS
   * Code): each gets its journal back (appending to its last session) and its worktree, so its hunks
   * can be decided, its approvals undone, and the task restarted or closed. The agent itself is gone:
   * a task that was still playing or waiting is marked as interrupted. A task whose journal another
   * window is writing stays with that window. Resolves with the ids taken up.
   */
  async adopt(): Promise<string[]> {
    const workspace = this.host.workspace();
    if (this.disposed || !workspace) return [];
    const state = this.feed.state;
    const open = openTasks(state, (id) => this.runs.has(id));
    if (open.length === 0) return [];
    const listed = await listTaskWorktrees(workspace).catch(() => []);
    const adopted: string[] = [];
    for (const task of open) {
      const sessionId = task.sessions[task.sessions.length - 1]!;
      let writer: JournalWriter;
      try {
        writer = await this.openWriter(sessionId);
      } catch (err) {
        if (err instanceof JournalLockedError) this.heldElsewhere.set(task.spec.id, sessionId);
        else this.host.log('warn', `Podium could not take up "${task.spec.title}": ${message(err)}`);
        continue;
      }
      this.heldElsewhere.delete(task.spec.id);
      if (this.disposed || this.runs.has(task.spec.id)) {
        await writer.close();
        continue;
      }
      const run: TaskRun = { spec: task.spec, session: { id: sessionId, writer, pending: new Map() }, remembered: new Map() };
      this.runs.set(task.spec.id, run);
      this.bySession.set(sessionId, run);
      adopted.push(task.spec.id);
      await settleTakenUp(run, task, state, listed, {
        emit: (body) => this.emit(run, body),
        emitDurable: (body) => this.emitDurable(run, body),
        signOff: this.signOff,
        log: (level, text) => this.host.log(level, text),
      });
    }
    return adopted;
  }

  /** Stops every agent and closes every journal; after it resolves no agent process remains. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.signOff.dispose();
    const runs = [...this.runs.values()];
    await Promise.all(runs.map(async (run) => {
      if (run.wallClock) clearTimeout(run.wallClock);
      this.cancelQuestions(run);
      run.preparing?.abort(new Error('VS Code closed the window.'));
      const phase = this.phase(run);
      if (phase === 'starting' && !run.session.agent) this.finish(run, 'stopped', 'VS Code closed the window while the worktree was being prepared.');
      if (run.session.agent && phase !== 'finished' && phase !== 'closed') {
        run.session.stopping = true;
        const working = phase === 'running' || phase === 'starting';
        await run.session.agent.stop(STOP_GRACE_MS).catch(() => undefined);
        if (working) this.finish(run, 'stopped', 'VS Code closed the window.');
      } else if (phase === 'queued') {
        this.finish(run, 'cancelled', 'VS Code closed the window before it entered.');
      }
      await run.session.writer.close().catch((err: unknown) => this.host.log('error', `Closing the journal of ${run.spec.title}: ${String(err)}`));
    }));
  }

  /** Writes buffered journal records now (before reading the journal folder again). */
  async flush(): Promise<void> {
    await Promise.all([...this.runs.values()].map((r) => r.session.writer.flush().catch(() => undefined)));
  }

  // ── scheduling ──────────────────────────────────────────────────────────────────────────────

  private schedule(): void {
    if (this.disposed) return;
    let busy = [...this.runs.values()].filter((r) => ['starting', 'running'].includes(this.phase(r))).length;
    const cap = Math.max(1, this.host.maxConcurrentAgents());
    for (const run of this.runs.values()) {
      if (this.phase(run) !== 'queued') continue;
      const blocked = this.blockedBy(run);
      if (blocked?.cancel) {
        this.finish(run, 'cancelled', blocked.cancel);
        continue;
      }
      if (blocked) continue;
      if (busy >= cap) break;
      busy += 1;
      void this.enter(run);
    }
  }

  /** Why a queued task cannot enter yet (see scheduling.ts), read from the score. */
  private blockedBy(run: TaskRun): Blocked | undefined {
    return blockedBy(run.spec, this.feed.state);
  }

  private queueReason(blocked: Blocked | undefined): string {
    return queueReason(blocked, this.host.maxConcurrentAgents());
  }

  private async enter(run: TaskRun): Promise<void> {
    this.emit(run, { type: 'task.started', task: run.spec.id });
    let launch: AgentLaunch;
    let adapter: AgentAdapter;
    let brief: string | undefined;
    try {
      if (!this.host.trusted()) throw new Error('The workspace is no longer trusted; Podium does not start agents in it.');
      const profile = this.profile(run.spec.agent);
      adapter = this.adapterFor(profile);
      const workspace = this.host.workspace();
      const fresh = !run.worktree;
      if (!run.worktree) {
        if (!workspace) throw new Error('No workspace folder is open.');
        const origin = run.spec.from ? this.feed.state.tasks[run.spec.from.task] : undefined;
        const from = run.spec.from && origin?.baseCommit ? { baseCommit: origin.baseCommit, tree: run.spec.from.tree } : undefined;
        if (run.spec.from && !from) throw new Error('The task it starts from has no recorded base any more.');
        run.worktree = await createTaskWorktree({ workspace, storageDir: this.host.storageDir(), taskId: run.spec.id, title: run.spec.title, from });
        const { dir, workspaceDir, branch, baseCommit, sourceHead } = run.worktree;
        await this.emitDurable(run, { type: 'task.worktree', task: run.spec.id, dir, workspaceDir, branch, baseCommit, sourceHead });
      }
      const prep = this.host.worktreePreparation?.();
      if (prep && workspace && (prep.carry.length > 0 || prep.setup.length > 0) && this.phase(run) === 'starting') {
        run.preparing = new AbortController();
        const rerunSetup = run.rerunSetup === true;
        run.rerunSetup = false;
        try {
          await prepareWorktree({ prep, workspace, workspaceDir: run.worktree.workspaceDir, fresh, rerunSetup, emit: (body) => this.emit(run, body), signal: run.preparing.signal });
        } finally {
          run.preparing = undefined;
        }
      }
      this.signOff.track(run.spec.id, run.worktree);
      launch = await this.launchFor(profile, run);
      // The agent hears the architecture before it breaks it: the rules' digest rides with the first prompt.
      brief = await this.coherence.brief();
    } catch (err) {
      if (this.phase(run) !== 'starting') return; // stopped while the worktree was being made or prepared
      const reason = message(err);
      this.emit(run, { type: 'session.failed', reason });
      this.finish(run, 'failed', reason);
      this.schedule();
      return;
    }
    if (this.phase(run) !== 'starting') return; // stopped while the worktree was being made
    const agent = adapter.create(launch, this.sinkFor(run));
    run.session.agent = agent;
    run.firstStart ??= Date.now();
    this.armWallClock(run);
    // A command's turn ends with its process: let the turn's own outcome land before the exit is
    // judged, or every command that ran to its end would show as "exited during its turn".
    void agent.exited.then(() => new Promise<void>((r) => setImmediate(r))).then(() => this.onExited(run, agent));
    this.followTurn(run, agent.start(brief ? `${run.spec.prompt}

---
${brief}` : run.spec.prompt));
  }

  private followTurn(run: TaskRun, turn: Promise<void>): void {
    const session = run.session;
    turn.then(
      () => {
        // A turn that ends because the task is being stopped is the stop's to report.
        if (run.session !== session || this.phase(run) === 'finished' || session.stopping) return;
        void this.signOff.stageNow(run.spec.id);
        this.emit(run, { type: 'task.finished', task: run.spec.id, outcome: run.cancelRequested ? 'cancelled' : 'done', reason: run.cancelRequested ? 'The turn was cancelled; follow up to continue.' : undefined });
        this.deliverHeldFeedback(run);
        this.schedule();
      },
      (err: unknown) => {
        if (run.session !== session || this.phase(run) === 'finished' || session.stopping) return;
        const reason = message(err);
        this.finish(run, 'failed', session.failed ?? reason);
        if (!session.failed && run.session.agent) {
          // The agent refused the turn (its API failed, it gave up): the task has failed, so its
          // session ends too rather than wait, process alive, for a follow-up the task cannot take.
          session.stopping = true;
          void run.session.agent.stop(STOP_GRACE_MS);
        }
        // Rejections held for the turn's end can no longer reach the agent: the score says so.
        this.deliverHeldFeedback(run);
        void this.signOff.stageNow(run.spec.id);
        this.schedule();
      },
    );
  }

  private deliverHeldFeedback(run: TaskRun): void {
    const text = run.feedback;
    if (!text) return;
    run.feedback = undefined;
    this.sendFeedback(run, text);
  }

  private onExited(run: TaskRun, agent: AgentSession): void {
    if (run.session.agent !== agent) return;
    this.cancelQuestions(run);
    const phase = this.phase(run);
    // A waiting agent that exits leaves its task finished as its last turn ended.
    run.session.exited = true;
    if ((phase === 'running' || phase === 'starting') && !run.session.stopping) this.finish(run, 'failed', run.session.failed ?? 'The agent exited during its turn.');
    if (run.wallClock) clearTimeout(run.wallClock);
    this.schedule();
  }

  private finish(run: TaskRun, outcome: TaskOutcome, reason: string): void {
    if (this.phase(run) === 'finished' && this.outcomeOf(run) === outcome) return;
    if (run.wallClock) clearTimeout(run.wallClock);
    this.cancelQuestions(run);
    void this.emitDurable(run, { type: 'task.finished', task: run.spec.id, outcome, reason }).catch(() => undefined);
  }

  // ── budgets ─────────────────────────────────────────────────────────────────────────────────

  private armWallClock(run: TaskRun): void {
    if (run.wallClock) return;
    const clock = wallClock(run.spec, run.firstStart ?? Date.now(), Date.now());
    if (!clock) return;
    run.wallClock = setTimeout(() => this.overBudget(run, clock.what), clock.inMs);
    run.wallClock.unref?.();
  }

  private checkUsage(run: TaskRun, body: EventBody): void {
    if (run.budgetStop) return;
    const over = overUsage(run.spec, body);
    if (over) this.overBudget(run, over);
  }

  private overBudget(run: TaskRun, what: string): void {
    const phase = this.phase(run);
    if (phase === 'finished' || phase === 'closed' || run.budgetStop) return;
    run.budgetStop = `Stopped: the task ${what}.`;
    this.emit(run, { type: 'notice', level: 'warning', code: 'budget', text: run.budgetStop });
    if (phase === 'waiting') {
      // Nothing is playing; the next turn would be over budget, so close the session now.
      run.session.stopping = true;
      void run.session.agent?.stop(STOP_GRACE_MS);
      this.finish(run, 'budget', run.budgetStop);
      return;
    }
    void this.stop(run.spec.id);
  }

  // ── sessions ────────────────────────────────────────────────────────────────────────────────

  private async openSession(spec: TaskSpec): Promise<SessionRun> {
    const id = newSessionId(spec, new Date());
    return { id, writer: await this.openWriter(id), pending: new Map() };
  }

  private openWriter(sessionId: string): Promise<JournalWriter> {
    return openSessionJournal(this.host.journalFolder(), sessionId, {
      flushIntervalMs: this.host.flushIntervalMs(),
      lost: (by) => this.lockLost(sessionId, by),
      failed: (text) => {
        this.host.log('error', text);
        this.feed.report([text]);
      },
    });
  }

  /**
   * Another window took this session's journal over: this window writes nothing more for the task.
   * Its agent is stopped (its words could not be journaled), its questions withdrawn, and the task
   * becomes the other window's, shown read-only here.
   */
  private lockLost(sessionId: string, by: LockOwner | undefined): void {
    const run = this.bySession.get(sessionId);
    if (!run || run.session.id !== sessionId || this.runs.get(run.spec.id) !== run) return;
    this.runs.delete(run.spec.id);
    this.bySession.delete(sessionId);
    this.heldElsewhere.set(run.spec.id, sessionId);
    if (run.wallClock) clearTimeout(run.wallClock);
    run.preparing?.abort(new Error('Another window took the task over.'));
    run.session.stopping = true;
    for (const [request, question] of run.session.pending) {
      run.session.pending.delete(request);
      question.resolve(null);
    }
    void run.session.agent?.stop(STOP_GRACE_MS).catch(() => undefined);
    this.signOff.untrack(run.spec.id);
    const who = by ? `process ${by.pid} on ${by.hostname}` : 'another window';
    const text = `Another window (${who}) took over "${run.spec.title}" while this one was not responding; this window shows it read-only now.`;
    this.host.log('warn', text);
    this.host.taskLost?.(run.spec, text);
    this.schedule();
  }

  private sinkFor(run: TaskRun) {
    const session = run.session;
    const budget = new OutputBudget();
    return {
      emit: (agentBody: EventBody) => {
        const body = budget.admit(agentBody);
        if (!body) return;
        if (body.type === 'session.failed') session.failed = body.reason;
        this.emitTo(session, body);
        if (run.session !== session) return;
        this.checkUsage(run, body);
        if (changesFiles(body)) this.signOff.request(run.spec.id);
      },
      requestPermission: (ask: PermissionAsk, signal: AbortSignal) => this.askEngineer(run, session, ask, signal),
    };
  }

  private askEngineer(run: TaskRun, session: SessionRun, ask: PermissionAsk, signal: AbortSignal): Promise<string | null> {
    return askEngineer(run, session, ask, signal, this.questionJournal(session), () => {
      this.bySession.set(session.id, run);
      this.host.permissionAsked(run.spec, session.id, ask);
    });
  }

  private cancelQuestions(run: TaskRun): void {
    withdrawQuestions(run.session, this.questionJournal(run.session));
  }

  private questionJournal(session: SessionRun): QuestionJournal {
    return { emit: (body) => void this.emitTo(session, body), emitDurable: (body) => this.emitDurableTo(session, body) };
  }

  private async launchFor(profile: AgentProfile, run: TaskRun): Promise<AgentLaunch> {
    const cwd = run.worktree!.workspaceDir;
    const identity = { kind: profile.kind, label: profile.label };
    // A plain command may work silently for long (a build, a test run): only the agents get the
    // no-progress limit by default; a task's own idle budget applies to any kind.
    const idleSec = run.spec.budgets?.idleSec ?? (profile.kind === 'command' ? undefined : this.host.noProgressSec?.());
    if (profile.kind === 'rehearsal') {
      const { entry, scriptsDir } = this.host.rehearsal();
      const name = profile.script ?? 'feature';
      const script = path.isAbsolute(name) ? name : path.join(scriptsDir, name.endsWith('.json') ? name : `${name}.json`);
      const logs = path.join(this.host.storageDir(), 'rehearsal-logs');
      await mkdir(logs, { recursive: true });
      const log = path.join(logs, `${run.session.id}.jsonl`);
      const { argv, env } = rehearsalCommand({ entry, script, log });
      return { argv, cwd, env, identity, idleSec };
    }
    const names = secretNames(profile);
    const env = fillSecrets(profile, names.length ? await this.host.secrets(names) : new Map());
    return { argv: [profile.command, ...profile.args], cwd, env, identity, idleSec, promptVia: profile.promptVia };
  }

  private adapterFor(profile: AgentProfile): AgentAdapter {
    const adapter = this.adapters[profile.kind];
    if (!adapter) throw new Error(`Podium cannot run ${profile.kind} agents yet (profile "${profile.id}").`);
    return adapter;
  }

  private profile(id: string): AgentProfile {
    const profile = this.host.profiles().find((p) => p.id === id);
    if (!profile) {
      const known = this.host.profiles().map((p) => p.id).join(', ');
      throw new Error(`No agent profile "${id}". Known profiles: ${known}. Add one in the podium.agents setting.`);
    }
    return profile;
  }

  private run(taskId: string): TaskRun {
    this.assertNotHeldElsewhere(taskId);
    const run = this.runs.get(taskId);
    if (!run) throw new Error(`No task "${taskId}" in this window.`);
    return run;
  }

  private assertLive(): void {
    if (this.disposed) throw new Error('Podium is shutting down.');
  }

  private emit(run: TaskRun, body: EventBody): void {
    this.bySession.set(run.session.id, run);
    this.emitTo(run.session, body);
  }

  private emitTo(session: SessionRun, body: EventBody): PodiumEvent | undefined {
    // Another window writes this journal now: nothing more of this session is journaled or shown.
    if (session.writer.lockLost) return undefined;
    const event = session.writer.append(body);
    this.feed.push([event]);
    return event;
  }

  private async emitDurable(run: TaskRun, body: EventBody): Promise<void> {
    this.bySession.set(run.session.id, run);
    await this.emitDurableTo(run.session, body);
  }

  /** Appends and shows at once (so the score keeps journal order), then waits until it is fsynced. */
  private async emitDurableTo(session: SessionRun, body: EventBody): Promise<void> {
    this.emitTo(session, body);
    await session.writer.flush();
  }
}
