/**
 * Journals: each session's journal, named so sessions sort by when they began, opened for appending
 * with its lock's heartbeat; and which journaled events may have changed a task's files.
 */
import { randomBytes } from 'node:crypto';
import { JournalWriter, type LockOwner } from '../journal';
import type { EventBody, TaskSpec } from '../score';

/** A session id: local start time and task id, unique even for two sessions begun within a second. */
export function newSessionId(spec: TaskSpec, now: Date): string {
  return `${stamp(now)}-${spec.id}`.slice(0, 110) + `-${randomBytes(2).toString('hex')}`;
}

/**
 * Opens the session's journal for appending. Write errors nobody awaits go to `failed`; `lost` is told
 * when another window took the journal over (this one was frozen past the lock's heartbeat). Rejects
 * with JournalLockedError while another live window writes it.
 */
export function openSessionJournal(
  folder: string,
  sessionId: string,
  on: { flushIntervalMs: number; failed(text: string): void; lost(by: LockOwner | undefined): void },
): Promise<JournalWriter> {
  return JournalWriter.open(folder, sessionId, {
    flushIntervalMs: on.flushIntervalMs,
    onLockLost: on.lost,
    onError: (err) => on.failed(err.message),
  });
}

/** Events after which the worktree may differ from what is staged. */
export function changesFiles(body: EventBody): boolean {
  return body.type === 'agent.fileEdited'
    || (body.type === 'agent.toolCallUpdate' && body.status === 'completed')
    || (body.type === 'agent.command' && body.exitCode !== undefined);
}

function stamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}
