/**
 * The score: what `reduce` folds the events into. Plain data, shared by the host, the webview and
 * replay. Treat every object here as immutable: `reduce` returns new objects for what changed and
 * shares the rest.
 */
import type { AgentIdentity, InlineDiff, PermissionOption, PlanItem, TaskOutcome, TaskSpec, ToolLocation, WarningRecord } from './events';
import type { Hunk } from './hunk';

export type EntryKind =
  | 'lifecycle'
  | 'prompt'
  | 'message'
  | 'thought'
  | 'plan'
  | 'tool'
  | 'command'
  | 'file'
  | 'output'
  | 'permission'
  | 'usage'
  | 'mode'
  | 'error'
  | 'notice'
  | 'decision'
  | 'warning'
  | 'unreadable';

export const ENTRY_KINDS: readonly EntryKind[] = [
  'lifecycle', 'prompt', 'message', 'thought', 'plan', 'tool', 'command', 'file', 'output',
  'permission', 'usage', 'mode', 'error', 'notice', 'decision', 'warning', 'unreadable',
];

/** The most text one entry keeps; the rest is dropped behind a marker (the journal keeps it all). */
export const MAX_ENTRY_TEXT = 64 * 1024;
export const TRUNCATION_MARKER = '\n… [truncated: the full text is in the journal]';

export interface Entry {
  /** Unique within its session. */
  id: string;
  kind: EntryKind;
  /** seq and ts of the event that created the entry. */
  seq: number;
  ts: number;
  /** ts of the last event that changed it. */
  updatedTs: number;
  /** One line a row can show. */
  title: string;
  /** The full text (message body, tool output, command output…), bounded by MAX_ENTRY_TEXT. */
  text: string;
  truncated?: boolean;
  status?: string;
  level?: 'info' | 'warning' | 'error';
  toolKind?: string;
  input?: unknown;
  locations?: ToolLocation[];
  diffs?: InlineDiff[];
  plan?: PlanItem[];
  options?: PermissionOption[];
  command?: string[];
  exitCode?: number | null;
}

export type SessionStatus = 'starting' | 'running' | 'waiting' | 'exited' | 'failed';

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export interface SessionState {
  id: string;
  task?: string;
  agent?: AgentIdentity;
  status: SessionStatus;
  startedTs: number;
  lastTs: number;
  /** Highest seq reduced; events at or below it are duplicates and ignored. */
  lastSeq: number;
  /** Sequence numbers that were skipped (a gap means lost or corrupt records). */
  gaps: number;
  entries: Entry[];
  /** Entries that later events may still change (streaming messages, running tools), id → index. */
  open: Record<string, number>;
  /** The open entry a message or thought is streaming into; anything else added closes it. */
  stream?: string;
  /** Permission requests awaiting an answer: request id → entry index. */
  pendingPermissions: Record<string, number>;
  usage: Usage;
  mode?: string;
  exit?: { code: number | null; signal: string | null; stderrTail?: string };
  failure?: string;
  pid?: number;
  command?: string[];
  cwd?: string;
}

export type TaskStatus = 'created' | 'queued' | 'running' | 'finished' | 'closed';

export interface TaskState {
  spec: TaskSpec;
  status: TaskStatus;
  outcome?: TaskOutcome;
  reason?: string;
  sessions: string[];
  createdTs: number;
  updatedTs: number;
  /** Where the task works, once its worktree exists (until it is closed). */
  worktree?: { dir: string; workspaceDir: string; branch: string; baseCommit: string; sourceHead: string };
  /** What its changes are measured against (kept after the task is closed, for replay). */
  baseCommit?: string;
  /** The task's files as its last recorded staging had them (see `task.snapshot`). */
  snapshot?: { tree: string; commit: string; ts: number };
}

/**
 * A hunk's place in sign-off. pending → approved → applied (or conflict); pending → rejected;
 * pending → superseded (the agent rewrote or undid it). Undoing an approval makes it pending again.
 */
export type HunkStatus = 'pending' | 'approved' | 'applied' | 'conflict' | 'rejected' | 'superseded';

export interface HunkState {
  hunk: Hunk;
  task: string;
  session: string;
  status: HunkStatus;
  stagedTs: number;
  decidedTs?: number;
  /** The engineer's reason for a rejection. */
  reason?: string;
  /** Why an approved hunk could not be applied. */
  conflict?: string;
  reverted?: boolean;
  /** For an applied hunk: the git blob of the file as the approval left it (null: it deleted the file). */
  kept?: string | null;
  /** Ids of the warnings raised on this hunk and not cleared, in the order they were raised. */
  warnings: string[];
}

/** A warning that is raised and not cleared (see `WarningRecord`). */
export interface WarningState extends WarningRecord {
  /** The session whose journal raised it, and when. */
  session: string;
  raisedTs: number;
}

/** An event that could not be placed in any session (no usable envelope). */
export interface Problem {
  ts?: number;
  text: string;
}

export interface ScoreState {
  sessions: Record<string, SessionState>;
  /** Session ids in order of first appearance. */
  sessionOrder: string[];
  tasks: Record<string, TaskState>;
  taskOrder: string[];
  problems: Problem[];
  /** Every hunk ever staged, by id, and their order of staging. */
  hunks: Record<string, HunkState>;
  hunkOrder: string[];
  /** Warnings raised and not cleared, by id, and their order of raising. */
  warnings: Record<string, WarningState>;
  warningOrder: string[];
  /** Events reduced (duplicates excluded). */
  eventCount: number;
  /** Earliest and latest event times seen. */
  firstTs: number;
  lastTs: number;
}

export function emptyScore(): ScoreState {
  return {
    sessions: {},
    sessionOrder: [],
    tasks: {},
    taskOrder: [],
    problems: [],
    hunks: {},
    hunkOrder: [],
    warnings: {},
    warningOrder: [],
    eventCount: 0,
    firstTs: 0,
    lastTs: 0,
  };
}
