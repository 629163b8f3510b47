/**
 * Scheduling: whether a queued task may enter, read from the score (so a prerequisite taken up from
 * an earlier window counts as well as one of this window), and what its queue entry says.
 */
import type { ScoreState, TaskSpec } from '../score';

/** Why a queued task cannot enter yet: `waits` names what it waits for; `cancel` why it never will. */
export interface Blocked {
  waits?: string;
  cancel?: string;
}

/**
 * Undefined when the task may enter; `cancel` when a task it waits for ended other than done (it
 * never will); `waits` while a task it waits for has not finished its turn.
 */
export function blockedBy(spec: TaskSpec, state: Pick<ScoreState, 'tasks'>): Blocked | undefined {
  for (const dep of spec.waitsFor ?? []) {
    const other = state.tasks[dep];
    if (!other) continue;
    const outcome = other.status === 'finished' || other.status === 'closed' ? other.outcome : undefined;
    if (outcome && outcome !== 'done') return { cancel: `It waited for "${other.spec.title}", which ended ${outcome}.` };
    if (outcome !== 'done') return { waits: `waits for "${other.spec.title}"` };
  }
  return undefined;
}

/** The reason a queued task's `task.queued` gives. */
export function queueReason(blocked: Blocked | undefined, cap: number): string {
  if (blocked?.waits) return `Enters when it is its turn: it ${blocked.waits}.`;
  return `Enters when fewer than ${cap} agents are playing.`;
}
