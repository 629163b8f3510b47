/**
 * Permissions: an agent's question put to the engineer, journaled as asked; answered from an earlier
 * "always" when there is one, else left waiting for the engineer (or withdrawn when the turn is
 * cancelled or the task stops). The answer itself is journaled and fsynced before the agent hears it
 * (`Conductor.answerPermission`).
 */
import type { PermissionAsk } from '../agents/adapter';
import type { EventBody } from '../score';
import type { SessionRun, TaskRun } from './runtime';

/** Where a session's question events go: appended, or appended and fsynced. */
export interface QuestionJournal {
  emit(body: EventBody): void;
  emitDurable(body: EventBody): Promise<void>;
}

/** What an "always" answer is remembered by: the question as the agent titled it. */
export function rememberKey(ask: PermissionAsk): string {
  return ask.title.trim().toLowerCase();
}

/**
 * Journals the question and resolves with the option chosen: at once for one the engineer answered
 * "always" before, null when the turn is already cancelled; otherwise once the engineer answers
 * (`notify` tells the editor a question waits) or null when `signal` withdraws it.
 */
export async function askEngineer(run: TaskRun, session: SessionRun, ask: PermissionAsk, signal: AbortSignal, journal: QuestionJournal, notify: () => void): Promise<string | null> {
  journal.emit({ type: 'permission.requested', request: ask.request, title: ask.title, toolCall: ask.toolCall, options: ask.options });
  const remembered = run.remembered.get(rememberKey(ask));
  const option = remembered ? ask.options.find((o) => o.kind === remembered) : undefined;
  if (option) {
    await journal.emitDurable({ type: 'permission.resolved', request: ask.request, optionId: option.id, by: 'remembered' });
    return option.id;
  }
  if (signal.aborted || session.stopping) {
    journal.emit({ type: 'permission.resolved', request: ask.request, optionId: null, by: 'cancelled' });
    return null;
  }
  return new Promise<string | null>((resolve) => {
    const onAbort = () => {
      if (!session.pending.delete(ask.request)) return;
      journal.emit({ type: 'permission.resolved', request: ask.request, optionId: null, by: 'cancelled' });
      resolve(null);
    };
    session.pending.set(ask.request, {
      ask,
      resolve: (id) => {
        signal.removeEventListener('abort', onAbort);
        resolve(id);
      },
    });
    signal.addEventListener('abort', onAbort, { once: true });
    notify();
  });
}

/** Withdraws every question of the session still waiting: journaled as cancelled, the agent hears none. */
export function withdrawQuestions(session: SessionRun, journal: QuestionJournal): void {
  for (const [request, question] of session.pending) {
    session.pending.delete(request);
    journal.emit({ type: 'permission.resolved', request, optionId: null, by: 'cancelled' });
    question.resolve(null);
  }
}
