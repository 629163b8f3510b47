/**
 * The host ⇄ webview protocol: every message is declared once here, with a zod schema, and shared by
 * both sides. The host validates every message that arrives from the webview (`parseFromWebview`) and
 * answers a message that does not validate with an `error` message, never by acting on it. The
 * webview never changes its state except by reducing the events the host posts.
 *
 * This file imports nothing but zod's small tree-shakeable build (`zod/mini`), so the webview bundle
 * can import it. zod's JIT is turned off: it probes `new Function`, which the webview's
 * Content-Security-Policy (rightly) refuses, and the host's messages are few and small.
 */
import * as z from 'zod/mini';

z.config({ jitless: true });

export const PROTOCOL_VERSION = 1;

// ── webview → host ──────────────────────────────────────────────────────────────────────────────
const Ready = z.strictObject({ type: z.literal('ready'), protocol: z.number().check(z.int()) });
const OpenJournal = z.strictObject({ type: z.literal('openJournal') });
const RevealJournalFolder = z.strictObject({ type: z.literal('revealJournalFolder') });
const ReportError = z.strictObject({
  type: z.literal('reportError'),
  message: z.string().check(z.maxLength(10_000)),
  stack: z.optional(z.string().check(z.maxLength(20_000))),
});

const id = z.string().check(z.minLength(1), z.maxLength(200));
const Budgets = z.strictObject({
  wallClockSec: z.optional(z.number().check(z.positive(), z.lte(7 * 24 * 3600))),
  tokens: z.optional(z.number().check(z.int(), z.positive())),
  costUsd: z.optional(z.number().check(z.positive(), z.lte(10_000))),
  idleSec: z.optional(z.number().check(z.positive(), z.lte(24 * 3600))),
});
/** Hand out a new task. `agent` is a profile id from the `config` message. */
const CreateTask = z.strictObject({
  type: z.literal('task/create'),
  title: z.string().check(z.minLength(1), z.maxLength(200)),
  prompt: z.string().check(z.minLength(1), z.maxLength(100_000)),
  agent: id,
  waitsFor: z.optional(z.array(id).check(z.maxLength(50))),
  budgets: z.optional(Budgets),
  /** Globs of the paths the task is meant to touch; a change elsewhere warns. */
  scope: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(1000))).check(z.maxLength(100))),
});
/** Stop the task's agent (protocol cancel, SIGTERM, SIGKILL); the task ends as stopped. */
const StopTask = z.strictObject({ type: z.literal('task/stop'), task: id });
/** A queued task leaves the queue; a running one has its current turn cancelled and waits. */
const CancelTask = z.strictObject({ type: z.literal('task/cancel'), task: id });
/** A new session for a finished, failed or stopped task, in the same worktree. */
const RestartTask = z.strictObject({ type: z.literal('task/restart'), task: id });
/** A follow-up prompt to a session that is waiting for input. */
const FollowUp = z.strictObject({ type: z.literal('task/followUp'), task: id, text: z.string().check(z.minLength(1), z.maxLength(100_000)) });
/** Take over a task another window holds, once that window is gone or unresponsive. */
const TakeOverTask = z.strictObject({ type: z.literal('task/takeOver'), task: id });
/** Close a task that is not playing: its worktree is removed (its branch kept unless the setting says otherwise). */
const CloseTask = z.strictObject({ type: z.literal('task/close'), task: id });
/** Sign-off: approve a hunk (applied to the workspace file), reject it with a reason, undo an approval. */
const ApproveHunk = z.strictObject({ type: z.literal('hunk/approve'), hunk: id });
const RejectHunk = z.strictObject({ type: z.literal('hunk/reject'), hunk: id, reason: z.optional(z.string().check(z.maxLength(10_000))) });
const UndoHunk = z.strictObject({ type: z.literal('hunk/undo'), hunk: id });
/** Open the hunk's file in VS Code's diff editor (task base ↔ the agent's version), at the hunk. */
const OpenHunk = z.strictObject({ type: z.literal('hunk/open'), hunk: id });
/** Approve every undecided hunk of a task that has no warning (see the score's `isBulkSafe`). */
const ApproveClean = z.strictObject({ type: z.literal('task/approveClean'), task: id });
/** Approve every hunk of one file of a task that has no warning. */
const ApproveFile = z.strictObject({ type: z.literal('file/approve'), task: id, path: z.string().check(z.minLength(1), z.maxLength(4096)) });
/** Reject every undecided hunk of one file of a task, with one reason. */
const RejectFile = z.strictObject({ type: z.literal('file/reject'), task: id, path: z.string().check(z.minLength(1), z.maxLength(4096)), reason: z.optional(z.string().check(z.maxLength(10_000))) });
/** Reject every undecided hunk of a task, with one reason. */
const RejectAll = z.strictObject({ type: z.literal('task/rejectAll'), task: id, reason: z.optional(z.string().check(z.maxLength(10_000))) });
/**
 * Open the architecture notes at a rule (a warning's `source`): a path relative to the workspace
 * folder; the host refuses one that leaves it.
 */
const OpenNotes = z.strictObject({ type: z.literal('notes/open'), file: z.string().check(z.minLength(1), z.maxLength(4096)), line: z.number().check(z.int(), z.positive(), z.lte(10_000_000)) });
// Replay: the files of a recorded moment, and what can be done from one. A moment is a git object id
// the journal recorded (a task's `task.snapshot` tree, or its base commit); the host only ever reads it.
const objectId = z.string().check(z.regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/));
const repoPath = z.string().check(z.minLength(1), z.maxLength(4096));
/** Open a file as it was at a moment (a read-only document). */
const ReplayOpen = z.strictObject({ type: z.literal('replay/open'), task: id, moment: objectId, path: repoPath, label: z.string().check(z.maxLength(200)) });
/** Diff a file between two moments (the task's base and a moment, or two moments). */
const ReplayDiff = z.strictObject({
  type: z.literal('replay/diff'),
  task: id,
  path: repoPath,
  left: z.strictObject({ moment: objectId, label: z.string().check(z.maxLength(200)) }),
  right: z.strictObject({ moment: objectId, label: z.string().check(z.maxLength(200)) }),
});
/** New Task from Here: a task that starts from the task's files at this moment. */
const ReplayFork = z.strictObject({ type: z.literal('replay/fork'), task: id, moment: objectId, ts: z.number().check(z.nonnegative()) });
/** Export the task's sessions, with the files they touched, as one file. */
const ReplayExport = z.strictObject({ type: z.literal('replay/export'), task: id });
/** The engineer's answer to a permission request. */
const AnswerPermission = z.strictObject({ type: z.literal('permission/answer'), session: id, request: id, optionId: id });

export const FromWebview = z.discriminatedUnion('type', [
  Ready, OpenJournal, RevealJournalFolder, ReportError,
  CreateTask, StopTask, CancelTask, RestartTask, FollowUp, CloseTask, TakeOverTask, AnswerPermission,
  ApproveHunk, RejectHunk, UndoHunk, OpenHunk, ApproveClean, ApproveFile, RejectFile, RejectAll, OpenNotes,
  ReplayOpen, ReplayDiff, ReplayFork, ReplayExport,
]);
export type FromWebview = z.infer<typeof FromWebview>;

// ── host → webview ──────────────────────────────────────────────────────────────────────────────
// Validated in the webview on receipt (`parseToWebview`), like the other direction in the host: a
// message that does not validate is shown as an error and reported, never acted on. Events inside an
// `events` batch are not checked here: the reducer reads each one and turns an event it cannot read
// into an "unreadable" entry (see src/score).

/** Where the events shown come from, for the header. */
const SourceInfo = z.strictObject({
  /** Folder the sessions were read from. */
  folder: z.string(),
  /** Human label: "Workspace journals" or the name of an opened journal. */
  label: z.string(),
  /** True when this window may not write the journals (another window holds the writer lock). */
  readOnly: z.boolean(),
  /** What it is: the live workspace, journals from elsewhere, or an exported session. */
  kind: z.optional(z.enum(['workspace', 'journals', 'export'])),
  /** Whether the files of its recorded moments can be opened (replay's files). */
  moments: z.optional(z.boolean()),
});
export type SourceInfo = z.infer<typeof SourceInfo>;

const AgentProfileInfo = z.strictObject({ id: z.string().check(z.minLength(1)), label: z.string(), kind: z.string() });
export type AgentProfileInfo = z.infer<typeof AgentProfileInfo>;

/** Who holds a task that another window writes. */
const TaskHolderInfo = z.strictObject({
  /** The holder's process and host ('' and 0 once it let the task go). */
  pid: z.number().check(z.int(), z.nonnegative()),
  hostname: z.string(),
  /** When it took the task (ISO 8601), '' when unknown. */
  since: z.string(),
  /** True when the holder is gone or unresponsive (its heartbeat stopped): Take Over is enabled. */
  stale: z.boolean(),
  /** Why it is judged so, for the engineer. */
  why: z.string(),
});
export type TaskHolderInfo = z.infer<typeof TaskHolderInfo>;

const HostConfig = z.strictObject({
  profiles: z.array(AgentProfileInfo),
  defaultProfile: z.string(),
  /** False in an untrusted workspace: no agent may be started, the task form says why. */
  trusted: z.boolean(),
  maxConcurrentAgents: z.number().check(z.int(), z.positive()),
});
export type HostConfig = z.infer<typeof HostConfig>;

/** Forget everything shown: a new source follows. `total` events will arrive in `events` batches. */
const Reset = z.strictObject({ type: z.literal('reset'), source: SourceInfo, total: z.number().check(z.int(), z.nonnegative()) });
/** Events to reduce, in journal order per session. */
const Events = z.strictObject({ type: z.literal('events'), events: z.array(z.unknown()) });
/** Problems the host met reading the source (a torn or corrupt journal…), shown as a banner. */
const Problems = z.strictObject({ type: z.literal('problems'), problems: z.array(z.string()) });
/** A message the webview sent did not validate or failed. */
const HostError = z.strictObject({ type: z.literal('error'), message: z.string() });
/** What the new-task form offers, and whether agents may run here at all. */
const Config = z.strictObject({ type: z.literal('config'), config: HostConfig });
/** Go into replay, the playhead at `at` (a time in the score), e.g. at a session the engineer picked. */
const Replay = z.strictObject({ type: z.literal('replay'), at: z.number().check(z.nonnegative()) });

/**
 * The open tasks another window holds (by task id), sent whole whenever it changes. Such a task
 * offers no action but Take Over, enabled once its holder is `stale` (gone or unresponsive).
 */
const Holders = z.strictObject({ type: z.literal('holders'), holders: z.record(z.string(), TaskHolderInfo) });

export const ToWebview = z.discriminatedUnion('type', [Reset, Events, Problems, HostError, Config, Replay, Holders]);
export type ToWebview = z.infer<typeof ToWebview>;

/** Validates a message from the host, in the webview; the error says which field was wrong. */
export function parseToWebview(raw: unknown): { ok: true; message: ToWebview } | { ok: false; error: string } {
  const result = ToWebview.safeParse(raw);
  if (result.success) return { ok: true, message: result.data };
  return { ok: false, error: `Podium's score view ignored a message from the extension ${describe(raw, result.error.issues[0])}` };
}

export type ParseResult = { ok: true; message: FromWebview } | { ok: false; error: string };

/** Validates a message from the webview; the error says which field was wrong. */
export function parseFromWebview(raw: unknown): ParseResult {
  const result = FromWebview.safeParse(raw);
  if (result.success) return { ok: true, message: result.data };
  return { ok: false, error: `Podium ignored a webview message ${describe(raw, result.error.issues[0])}` };
}

/** `"type": what was wrong at which field`, for either direction's error. */
function describe(raw: unknown, issue: { message: string; path: PropertyKey[] } | undefined): string {
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.map(String).join('.')}` : '';
  const type = typeof raw === 'object' && raw !== null && 'type' in raw ? JSON.stringify((raw as { type: unknown }).type) : 'without a type';
  return `${type}: ${issue?.message ?? 'invalid'}${where}`;
}
