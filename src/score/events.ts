/**
 * The one vocabulary: everything that happens in Podium is one of these events. Events are plain
 * JSON, appended to a session's journal and folded by `reduce` into the score, in the host, in the
 * webview and in replay alike.
 *
 * Every event carries a schema version `v`, the id of the session whose journal holds it, a
 * per-session sequence number `seq` (1, 2, 3… with no gaps in a healthy journal) and a timestamp `ts`
 * (milliseconds since the epoch). Events carry what replay needs, never a pointer to state that will
 * have changed by then.
 *
 * Compatibility: a reader accepts every event whose `v` is at most SCHEMA_VERSION and whose type it
 * knows; anything else is shown as an "unreadable event" entry, never a crash. Adding an event type or
 * an optional field does not bump the version; changing the meaning of a field does.
 */

import type { Hunk } from './hunk';

export const SCHEMA_VERSION = 1;

export interface EventBase {
  v: number;
  session: string;
  seq: number;
  ts: number;
}

/** How a task ended. `budget` means a wall-clock, token or cost budget stopped it. */
export type TaskOutcome = 'done' | 'failed' | 'stopped' | 'cancelled' | 'budget';

export interface TaskSpec {
  id: string;
  title: string;
  prompt: string;
  /** Agent profile id (a key of the `podium.agents` setting). */
  agent: string;
  waitsFor?: string[];
  budgets?: { wallClockSec?: number; tokens?: number; costUsd?: number; idleSec?: number };
  /** The paths (globs, relative to the repository root) the task is meant to touch; a change elsewhere warns. */
  scope?: string[];
  /**
   * Replay's *New Task from Here*: the task starts from another task's files at a recorded moment
   * (that task's `task.snapshot` tree, or its base) instead of what the engineer sees now.
   */
  from?: { task: string; tree: string; ts: number };
}

export interface AgentIdentity {
  /** Adapter kind: 'acp' | 'claude' | 'codex' | 'command' | 'rehearsal' … */
  kind: string;
  label: string;
}

export interface PermissionOption {
  id: string;
  name: string;
  /** ACP's option kinds: allow_once, allow_always, reject_once, reject_always. */
  kind: string;
}

export interface PlanItem {
  content: string;
  status: 'pending' | 'in_progress' | 'completed';
  priority?: 'high' | 'medium' | 'low';
}

export interface ToolLocation {
  path: string;
  line?: number;
}

export interface InlineDiff {
  path: string;
  oldText: string | null;
  newText: string;
}

// ── task lifecycle ──────────────────────────────────────────────────────────────────────────────
export interface TaskCreated extends EventBase { type: 'task.created'; task: TaskSpec }
export interface TaskQueued extends EventBase { type: 'task.queued'; task: string; reason?: string }
export interface TaskStarted extends EventBase { type: 'task.started'; task: string }
export interface TaskFinished extends EventBase {
  type: 'task.finished';
  task: string;
  outcome: TaskOutcome;
  reason?: string;
}

/**
 * The task's worktree exists: where it is and what its changes are measured against. Enough for a
 * later window to take the task up again (decide its hunks, undo, close it) after a reload.
 */
export interface TaskWorktreeReady extends EventBase {
  type: 'task.worktree';
  task: string;
  /** The worktree folder (outside the workspace). */
  dir: string;
  /** The folder inside it that matches the workspace folder (the agent's cwd). */
  workspaceDir: string;
  branch: string;
  /** The snapshot commit the task's hunks are staged against. */
  baseCommit: string;
  /** The engineer's HEAD when the snapshot was taken. */
  sourceHead: string;
}

/**
 * A staging recorded the task's files as the agent had them then: `tree` is the git tree of the
 * worktree (carried files left out), `commit` the commit that keeps it (and every earlier one) alive
 * under refs/podium/history/<task>, so the files at this moment can be opened long after the worktree
 * is gone. Only a staging whose files differ from the last recorded ones is journaled.
 */
export interface TaskSnapshot extends EventBase { type: 'task.snapshot'; task: string; tree: string; commit: string }

/** The engineer closed the task: its worktree is gone; its branch is kept unless they chose otherwise. */
export interface TaskClosed extends EventBase {
  type: 'task.closed';
  task: string;
  branch?: string;
  branchDeleted: boolean;
}

// ── session lifecycle ───────────────────────────────────────────────────────────────────────────
export interface SessionSpawned extends EventBase {
  type: 'session.spawned';
  task?: string;
  agent: AgentIdentity;
  command: string[];
  cwd: string;
  pid?: number;
}
export interface SessionReady extends EventBase {
  type: 'session.ready';
  agentName?: string;
  agentVersion?: string;
}
export interface SessionWaiting extends EventBase { type: 'session.waiting'; reason?: string }
export interface SessionExited extends EventBase {
  type: 'session.exited';
  code: number | null;
  signal: string | null;
  stderrTail?: string;
}
export interface SessionFailed extends EventBase { type: 'session.failed'; reason: string }

// ── what the agent does ─────────────────────────────────────────────────────────────────────────
/** A prompt Podium sent to the agent: the task itself, a follow-up, or rejection feedback. */
export interface PromptSent extends EventBase {
  type: 'prompt.sent';
  text: string;
  purpose: 'task' | 'followup' | 'feedback';
}
/** A chunk of the agent's reply. Chunks with the same `entry` id are one message. */
export interface AgentMessage extends EventBase { type: 'agent.message'; entry: string; text: string }
export interface AgentThought extends EventBase { type: 'agent.thought'; entry: string; text: string }
/** The agent's whole current plan; a later plan with the same entry id replaces it. */
export interface AgentPlan extends EventBase { type: 'agent.plan'; entry: string; items: PlanItem[] }
export interface AgentToolCall extends EventBase {
  type: 'agent.toolCall';
  entry: string;
  title: string;
  toolKind?: string;
  status?: string;
  input?: unknown;
  locations?: ToolLocation[];
  diffs?: InlineDiff[];
}
export interface AgentToolCallUpdate extends EventBase {
  type: 'agent.toolCallUpdate';
  entry: string;
  title?: string;
  status?: string;
  output?: string;
  locations?: ToolLocation[];
  diffs?: InlineDiff[];
}
/** A command the agent ran (ACP terminal, Codex command item…), with its outcome once known. */
export interface AgentCommand extends EventBase {
  type: 'agent.command';
  entry: string;
  command: string[];
  cwd?: string;
  exitCode?: number | null;
  output?: string;
}
export interface AgentFileEdited extends EventBase { type: 'agent.fileEdited'; path: string; via: string }
/** A line a plain command agent printed. */
export interface AgentOutput extends EventBase { type: 'agent.output'; stream: 'stdout' | 'stderr'; text: string }
/** Usage so far in this session (absolute, not a delta). */
export interface AgentUsage extends EventBase {
  type: 'agent.usage';
  inputTokens: number;
  outputTokens: number;
  costUsd?: number;
}
export interface AgentMode extends EventBase { type: 'agent.mode'; mode: string }
export interface AgentError extends EventBase { type: 'agent.error'; message: string; detail?: string }

export interface PermissionRequested extends EventBase {
  type: 'permission.requested';
  request: string;
  title: string;
  toolCall?: string;
  options: PermissionOption[];
}
export interface PermissionResolved extends EventBase {
  type: 'permission.resolved';
  request: string;
  /** The chosen option, or null when the request was cancelled. */
  optionId: string | null;
  by: 'engineer' | 'remembered' | 'cancelled';
}

// ── staging and sign-off ────────────────────────────────────────────────────────────────────────
/**
 * One change awaiting sign-off, as replay needs it: its lines, not a pointer to a file that will have
 * changed (see hunk.ts). Ids are stable across re-diffs.
 */
export interface HunkStaged extends EventBase { type: 'hunk.staged'; task: string; hunk: Hunk }
/** The agent rewrote (`by` the new hunks) or undid (`by` empty) an undecided hunk. */
export interface HunkSuperseded extends EventBase { type: 'hunk.superseded'; task: string; hunk: string; by: string[] }
/** The engineer's decision; a rejection carries the reason the agent is told. */
export interface HunkDecided extends EventBase {
  type: 'hunk.decided';
  task: string;
  hunk: string;
  decision: 'approved' | 'rejected';
  reason?: string;
}
/**
 * An approved hunk reached the workspace file (`how`: direct, merged with the engineer's edits…).
 * `kept` is what undoing the approval needs: the git blob id of the file as the approval left it
 * (kept alive by a ref under refs/podium/kept/), or null when the approval deleted the file.
 */
export interface HunkApplied extends EventBase { type: 'hunk.applied'; task: string; hunk: string; how: string; kept?: string | null }
/** An approved hunk could not be applied without clobbering the engineer's edits. */
export interface HunkConflict extends EventBase { type: 'hunk.conflict'; task: string; hunk: string; message: string }
/** A rejected hunk was taken back out of the task's worktree. */
export interface HunkReverted extends EventBase { type: 'hunk.reverted'; task: string; hunk: string }
/** An approval was undone: the hunk is out of the workspace file and undecided again. */
export interface HunkUndone extends EventBase { type: 'hunk.undone'; task: string; hunk: string }
/** Read from older journals only: a `stale` warning is raised and cleared as a warning now. */
export interface HunkStale extends EventBase { type: 'hunk.stale'; task: string; hunk: string; stale: boolean }
/** Read from older journals only: an overlap is a warning of kind `overlap` now. */
export interface OverlapRaised extends EventBase {
  type: 'overlap.raised';
  task: string;
  hunk: string;
  path: string;
  other: { task: string; hunk: string; title: string };
}
export interface OverlapCleared extends EventBase { type: 'overlap.cleared'; task: string; hunk: string; other: { task: string; hunk: string } }

// ── warnings ────────────────────────────────────────────────────────────────────────────────────
/**
 * Why a change needs a closer look. Sign-off's own: `conflict` (an approval could not be applied),
 * `overlap` (another task changes the same lines), `stale` (the engineer edited the region since the
 * task began). Coherence's, from the workspace's architecture notes: `layer` (an import a layer may
 * not make), `dependency` (a dependency rule, including dependency-cruiser's), `cycle` (an import that
 * closes a dependency cycle), `protected` and `sensitive` paths, `balance` (a task changing more than
 * one task should), `scope` (outside the paths the task was handed), `unparsable` (a file the checker
 * could not read).
 */
export type WarningKind =
  | 'conflict' | 'overlap' | 'stale'
  | 'layer' | 'dependency' | 'cycle' | 'protected' | 'sensitive' | 'balance' | 'scope' | 'unparsable';

export type WarningSeverity = 'error' | 'warning' | 'info';

/** One warning, as raised. Which of `hunk` and `path` are set says what it is on: a hunk, a file of the task, or the task. */
export interface WarningRecord {
  /**
   * Stable: the same reason on the same thing always gets the same id, so raising it again replaces
   * it (one warning, never two) and clearing names it.
   */
  id: string;
  kind: WarningKind;
  severity: WarningSeverity;
  task: string;
  hunk?: string;
  path?: string;
  /** The rule's id, where a rule raised it ("layers", "no-core-to-ui", "sensitive/lockfile"…). */
  rule?: string;
  /** One sentence the engineer can act on. */
  text: string;
  /** For a coherence rule: the prose of the architecture notes around the rule. */
  prose?: string;
  /** Where the rule is written (a notes file relative to the workspace folder, 1-based line). */
  source?: { file: string; line: number };
  /** The offending line in the agent's version of the file (1-based), where there is one. */
  line?: number;
  /** For an overlap: the other task's hunk. */
  other?: { task: string; hunk: string; title: string };
}

export interface WarningRaised extends EventBase { type: 'warning.raised'; warning: WarningRecord }
/** The reason is gone (the rule or the change no longer calls for it, or the hunk was decided). */
export interface WarningCleared extends EventBase { type: 'warning.cleared'; id: string; task: string }

// ── supervision ─────────────────────────────────────────────────────────────────────────────────
/** A budget, supervision or safety notice (hung agent, budget exceeded, path refused…). */
export interface Notice extends EventBase {
  type: 'notice';
  level: 'info' | 'warning' | 'error';
  code: string;
  text: string;
}

export type PodiumEvent =
  | TaskCreated
  | TaskQueued
  | TaskStarted
  | TaskFinished
  | TaskWorktreeReady
  | TaskSnapshot
  | TaskClosed
  | SessionSpawned
  | SessionReady
  | SessionWaiting
  | SessionExited
  | SessionFailed
  | PromptSent
  | AgentMessage
  | AgentThought
  | AgentPlan
  | AgentToolCall
  | AgentToolCallUpdate
  | AgentCommand
  | AgentFileEdited
  | AgentOutput
  | AgentUsage
  | AgentMode
  | AgentError
  | PermissionRequested
  | PermissionResolved
  | HunkStaged
  | HunkSuperseded
  | HunkDecided
  | HunkApplied
  | HunkConflict
  | HunkReverted
  | HunkUndone
  | HunkStale
  | OverlapRaised
  | OverlapCleared
  | WarningRaised
  | WarningCleared
  | Notice;

export type EventType = PodiumEvent['type'];

/** An event without the fields the journal assigns (seq, ts, v, session). */
export type EventBody = PodiumEvent extends infer E ? (E extends PodiumEvent ? Omit<E, keyof EventBase> : never) : never;

const KNOWN: ReadonlySet<string> = new Set<EventType>([
  'task.created', 'task.queued', 'task.started', 'task.finished', 'task.worktree', 'task.snapshot', 'task.closed',
  'session.spawned', 'session.ready', 'session.waiting', 'session.exited', 'session.failed',
  'prompt.sent', 'agent.message', 'agent.thought', 'agent.plan', 'agent.toolCall',
  'agent.toolCallUpdate', 'agent.command', 'agent.fileEdited', 'agent.output', 'agent.usage',
  'agent.mode', 'agent.error', 'permission.requested', 'permission.resolved', 'notice',
  'hunk.staged', 'hunk.superseded', 'hunk.decided', 'hunk.applied', 'hunk.conflict', 'hunk.reverted',
  'hunk.undone', 'hunk.stale', 'overlap.raised', 'overlap.cleared', 'warning.raised', 'warning.cleared',
]);

export function isKnownEventType(type: unknown): type is EventType {
  return typeof type === 'string' && KNOWN.has(type);
}

/** True when `value` has the envelope every event has (it may still be of an unknown type). */
export function hasEventEnvelope(value: unknown): value is EventBase & { type: unknown } {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as Record<string, unknown>;
  return (
    typeof e.session === 'string' && e.session.length > 0 &&
    typeof e.seq === 'number' && Number.isInteger(e.seq) && e.seq > 0 &&
    typeof e.ts === 'number' && Number.isFinite(e.ts) &&
    typeof e.v === 'number'
  );
}
