/**
 * Read-only views of the score that the host, the webview and tests share. Each is a plain function
 * of the state; none scans more than it must.
 */
import type { Entry, EntryKind, ScoreState, SessionState, Usage } from './state';

export function sessionsInOrder(state: ScoreState): SessionState[] {
  return state.sessionOrder.map((id) => state.sessions[id]!);
}

/** A session's label for a row: its task title, else its agent, else its id. */
export function sessionLabel(state: ScoreState, session: SessionState): string {
  const task = session.task ? state.tasks[session.task] : undefined;
  return task?.spec.title ?? session.agent?.label ?? session.id;
}

export function totalUsage(state: ScoreState): Usage {
  const total: Usage = { inputTokens: 0, outputTokens: 0, costUsd: 0 };
  for (const id of state.sessionOrder) {
    const u = state.sessions[id]!.usage;
    total.inputTokens += u.inputTokens;
    total.outputTokens += u.outputTokens;
    total.costUsd += u.costUsd;
  }
  return total;
}

export function pendingPermissionCount(state: ScoreState): number {
  let n = 0;
  for (const id of state.sessionOrder) n += Object.keys(state.sessions[id]!.pendingPermissions).length;
  return n;
}

export interface EntryFilter {
  kinds?: ReadonlySet<EntryKind>;
  /** Case-insensitive text searched in an entry's title and text. */
  text?: string;
}

export function matchesFilter(entry: Entry, filter: EntryFilter): boolean {
  if (filter.kinds && !filter.kinds.has(entry.kind)) return false;
  if (filter.text) {
    const needle = filter.text.toLowerCase();
    return entry.title.toLowerCase().includes(needle) || entry.text.toLowerCase().includes(needle);
  }
  return true;
}

/** True while the session's agent may still add entries. */
export function isLive(session: SessionState): boolean {
  return session.status === 'starting' || session.status === 'running' || session.status === 'waiting';
}
