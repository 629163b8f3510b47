/**
 * Take-up: the tasks of earlier windows that were never closed come back to this one (after a
 * reload, a restart of VS Code, or a Take Over). The conductor opens each one's last journal; this
 * settles what the earlier window left: its agent is gone, so a session still open ends, questions
 * nobody can answer are withdrawn, a task still playing is finished as interrupted; the worktree is
 * found again and staged, and approvals the earlier window left half done are finished.
 */
import { messageOf as message } from '../agents/sessionKit';
import type { EventBody, ScoreState, TaskState } from '../score';
import { canonicalPath, samePath, type listTaskWorktrees } from '../stage/worktree';
import type { TaskRun } from './runtime';
import type { SignOff } from './signOff';

/** The open tasks on the score (not closed, with a session) that this window does not run. */
export function openTasks(state: ScoreState, runsHere: (taskId: string) => boolean): TaskState[] {
  return state.taskOrder.map((id) => state.tasks[id]!).filter((t) => t.status !== 'closed' && !runsHere(t.spec.id) && t.sessions.length > 0);
}

export interface TakeUpContext {
  /** Appends to the taken-up task's journal (and shows it on the score). */
  emit(body: EventBody): void;
  emitDurable(body: EventBody): Promise<void>;
  signOff: Pick<SignOff, 'track' | 'stageNow' | 'resumeApprovals'>;
  log(level: 'info' | 'warn', text: string): void;
}

/**
 * Settles a task whose journal this window has just opened, as `run` (its phase finished). `listed` is `git worktree list` of the workspace.
 */
export async function settleTakenUp(run: TaskRun, task: TaskState, state: ScoreState, listed: Awaited<ReturnType<typeof listTaskWorktrees>>, ctx: TakeUpContext): Promise<void> {
  // The agent went with the window that ran it: its session ends here, and a permission it was
  // asking for can no longer be answered (its buttons would wait for nobody).
  const session = state.sessions[run.session.id];
  if (session && session.status !== 'exited' && session.status !== 'failed') {
    for (const request of Object.keys(session.pendingPermissions)) ctx.emit({ type: 'permission.resolved', request, optionId: null, by: 'cancelled' });
    if (session.status === 'waiting') ctx.emit({ type: 'session.exited', code: null, signal: null });
    else ctx.emit({ type: 'session.failed', reason: 'Interrupted: the VS Code window it ran in closed, and the agent with it.' });
  }
  if (task.status === 'running') {
    // The window it played in closed without a word (a crash, a kill): say so on its row.
    await ctx.emitDurable({ type: 'task.finished', task: task.spec.id, outcome: 'stopped', reason: 'Interrupted: the VS Code window it played in closed. Restart it to run it again.' });
  } else if (task.status !== 'finished') {
    await ctx.emitDurable({ type: 'task.finished', task: task.spec.id, outcome: 'cancelled', reason: 'The VS Code window closed before it entered. Restart it to run it.' });
  }
  const w = task.worktree;
  const target = w && (await canonicalPath(w.dir));
  const found = w && listed.find((l) => l.branch === w.branch && !l.missing && samePath(l.canonicalDir, target!));
  if (w && found) {
    run.worktree = { ...w, headCommit: w.baseCommit };
    ctx.signOff.track(task.spec.id, run.worktree);
    await ctx.signOff.stageNow(task.spec.id);
    const resumed = await ctx.signOff.resumeApprovals(task.spec.id).catch((err: unknown) => {
      ctx.log('warn', `Podium could not finish the approvals of "${task.spec.title}" that the closed window left half done: ${message(err)}`);
      return 0;
    });
    if (resumed) ctx.log('info', `Finished ${resumed} approval(s) of "${task.spec.title}" that the closed window left half done.`);
  } else if (w) {
    run.worktreeLost = true;
    ctx.emit({ type: 'notice', level: 'warning', code: 'worktree-lost', text: `The worktree of "${task.spec.title}" (${w.dir}) is gone, so its undecided changes can no longer be applied. Close the task to clear them.` });
  }
}
