/**
 * The conductor's runtime record: what a task has in this window that the score cannot hold (its
 * agent process, its journal writer, its timers and the questions waiting on the engineer). Its
 * state (queued, playing, finished, closed, with its outcome) lives in the score only; the
 * conductor's `phase()` reads it from there plus this record's process facts.
 */
import type { AgentSession, PermissionAsk } from '../agents/adapter';
import type { JournalWriter } from '../journal';
import type { TaskSpec } from '../score';
import type { TaskWorktree } from '../stage/worktree';

/** What this window is doing with a task: its score status, told apart by whether its agent runs. */
export type Phase = 'queued' | 'starting' | 'running' | 'waiting' | 'finished' | 'closed';

export interface PendingQuestion {
  ask: PermissionAsk;
  resolve(optionId: string | null): void;
}

export interface SessionRun {
  id: string;
  writer: JournalWriter;
  agent?: AgentSession;
  pending: Map<string, PendingQuestion>;
  failed?: string;
  stopping?: boolean;
  /** The agent's process has exited. */
  exited?: boolean;
}

export interface TaskRun {
  spec: TaskSpec;
  session: SessionRun;
  worktree?: TaskWorktree;
  /** allow_always / reject_always answers, by what the agent asked for. */
  remembered: Map<string, string>;
  cancelRequested?: boolean;
  budgetStop?: string;
  firstStart?: number;
  wallClock?: NodeJS.Timeout;
  /** Rejection feedback waiting for the current turn to end. */
  feedback?: string;
  /** Taken up from an earlier window, whose worktree is gone (removed by hand): nothing to apply from. */
  worktreeLost?: boolean;
  /** Stops the worktree's preparation (carry, setup) when the task is stopped. */
  preparing?: AbortController;
  /** The next entry runs the setup again even where it completed (a restart that asked for it). */
  rerunSetup?: boolean;
}

/** How long a stopped agent gets between its protocol cancel, SIGTERM and SIGKILL. */
export const STOP_GRACE_MS = 3000;
