/**
 * The one reducer. `reduce(state, event)` and `reduceAll(state, events)` are pure: they never mutate
 * their input and return a state that shares everything the events did not touch.
 *
 * Promises:
 * - Reducing a journal in any chunking gives the same state as reducing it whole.
 * - An event whose `seq` is at or below the session's last one is a duplicate and changes nothing,
 *   so a batch delivered twice is harmless.
 * - An event of an unknown type or a newer schema version becomes an "unreadable" entry in its
 *   session; a value without an event envelope becomes a problem. Neither throws.
 *
 * Speed: `reduceAll` copies each object it touches at most once per call (copy-on-write tracked per
 * batch), so folding a million events is linear, not quadratic.
 */
import { hasEventEnvelope, isKnownEventType, SCHEMA_VERSION, type PodiumEvent, type WarningRecord } from './events';
import { newStartOf, type Hunk } from './hunk';
import {
  emptyScore,
  MAX_ENTRY_TEXT,
  TRUNCATION_MARKER,
  type Entry,
  type EntryKind,
  type HunkState,
  type ScoreState,
  type SessionState,
  type TaskState,
} from './state';

/**
 * Copy-on-write bookkeeping for one batch: objects created in this batch may be mutated in place.
 * Containers (the state, maps, sessions, arrays) are tracked in a set that dies with the batch.
 * Entries, which can number in the millions, are not tracked one by one: an entry is writable in
 * place when its index is at or past the session's entry count at the start of the batch (it was
 * added in this batch) or when it was already copied in this batch.
 */
class Batch {
  private readonly owned = new Set<object>();
  private readonly entriesAtStart = new Map<string, number>();
  private readonly copiedEntries = new Map<string, Set<number>>();

  own<T extends object>(value: T): T {
    if (this.owned.has(value)) return value;
    const copy = (Array.isArray(value) ? value.slice() : { ...value }) as T;
    this.owned.add(copy);
    return copy;
  }

  fresh<T extends object>(value: T): T {
    this.owned.add(value);
    return value;
  }

  /** The session's entry list, writable in this batch. */
  entries(session: SessionState): Entry[] {
    if (!this.owned.has(session.entries)) {
      this.entriesAtStart.set(session.id, session.entries.length);
      session.entries = this.own(session.entries);
    }
    return session.entries;
  }

  /** The entry at `index`, writable in this batch (copied once if it predates the batch). */
  entry(session: SessionState, index: number): Entry {
    const entries = this.entries(session);
    const start = this.entriesAtStart.get(session.id) ?? 0;
    if (index >= start) return entries[index]!;
    let copied = this.copiedEntries.get(session.id);
    if (!copied) this.copiedEntries.set(session.id, (copied = new Set()));
    if (!copied.has(index)) {
      entries[index] = { ...entries[index]! };
      copied.add(index);
    }
    return entries[index]!;
  }
}

/**
 * A fold fed in pieces, for loading a journal as it is read: the pieces are reduced as one batch, so
 * nothing is copied twice however small they are, and each piece's events can be dropped as soon as
 * it is added. The price: `state` is only stable once the last piece is in; a state read between
 * pieces must not be kept (the next piece may change it in place).
 */
export class Folding {
  private readonly batch = new Batch();
  private draft: ScoreState | undefined;

  constructor(private readonly start: ScoreState = emptyScore()) {}

  add(events: Iterable<unknown>): void {
    for (const event of events) {
      if (isDuplicate(this.draft ?? this.start, event)) continue;
      this.draft ??= this.batch.own(this.start);
      apply(this.batch, this.draft, event);
    }
  }

  get state(): ScoreState {
    return this.draft ?? this.start;
  }
}

export function reduce(state: ScoreState, event: unknown): ScoreState {
  return reduceAll(state, [event]);
}

export function reduceAll(state: ScoreState, events: Iterable<unknown>): ScoreState {
  const folding = new Folding(state);
  folding.add(events);
  return folding.state;
}

/** Folds events from nothing: the score of a whole journal, or of a replay up to some point. */
export function fold(events: Iterable<unknown>): ScoreState {
  return reduceAll(emptyScore(), events);
}

function isDuplicate(s: ScoreState, raw: unknown): boolean {
  if (!hasEventEnvelope(raw)) return false;
  const existing = s.sessions[raw.session];
  return existing !== undefined && raw.seq <= existing.lastSeq;
}

function apply(b: Batch, s: ScoreState, raw: unknown): void {
  if (!hasEventEnvelope(raw)) {
    const problems = (s.problems = b.own(s.problems));
    problems.push({ text: `Unreadable event without a session, sequence number or time: ${preview(raw)}` });
    return;
  }
  const session = touchSession(b, s, raw.session, raw.ts);
  if (raw.seq > session.lastSeq + 1 && session.lastSeq > 0) session.gaps += raw.seq - session.lastSeq - 1;
  session.lastSeq = raw.seq;
  session.lastTs = Math.max(session.lastTs, raw.ts);
  s.eventCount += 1;
  s.firstTs = s.firstTs === 0 ? raw.ts : Math.min(s.firstTs, raw.ts);
  s.lastTs = Math.max(s.lastTs, raw.ts);

  if (!isKnownEventType(raw.type) || raw.v > SCHEMA_VERSION || raw.v < 1) {
    const why = !isKnownEventType(raw.type)
      ? `unknown event type ${JSON.stringify(raw.type)}`
      : `schema version ${raw.v}, newer than the ${SCHEMA_VERSION} this Podium reads`;
    addEntry(b, session, raw, 'unreadable', `Unreadable event #${raw.seq}`, `${why}. Update Podium to read it; the journal keeps it as written.\n${preview(raw)}`);
    return;
  }
  applyKnown(b, s, session, raw as PodiumEvent);
}

function applyKnown(b: Batch, s: ScoreState, session: SessionState, e: PodiumEvent): void {
  switch (e.type) {
    case 'task.created': {
      const existing = s.tasks[e.task.id];
      const task: TaskState = existing
        ? b.own(existing)
        : b.fresh({ spec: e.task, status: 'created', sessions: [], createdTs: e.ts, updatedTs: e.ts });
      if (!existing) {
        s.taskOrder = b.own(s.taskOrder);
        s.taskOrder.push(e.task.id);
      }
      linkTask(b, task, session.id);
      task.updatedTs = e.ts;
      s.tasks = b.own(s.tasks);
      s.tasks[e.task.id] = task;
      session.task = e.task.id;
      addEntry(b, session, e, 'lifecycle', `Task created: ${e.task.title}`, e.task.prompt);
      return;
    }
    case 'task.queued':
      updateTask(b, s, e.task, session.id, e.ts, (t) => { t.status = 'queued'; });
      addEntry(b, session, e, 'lifecycle', 'Queued', e.reason ?? '');
      return;
    case 'task.started':
      updateTask(b, s, e.task, session.id, e.ts, (t) => { t.status = 'running'; });
      addEntry(b, session, e, 'lifecycle', 'Entered', '');
      return;
    case 'task.finished':
      updateTask(b, s, e.task, session.id, e.ts, (t) => {
        t.status = 'finished';
        t.outcome = e.outcome;
        t.reason = e.reason;
      });
      addEntry(b, session, e, 'lifecycle', `Task ${e.outcome}`, e.reason ?? '', { status: e.outcome });
      closeAll(session);
      return;
    case 'task.worktree': {
      const { dir, workspaceDir, branch, baseCommit, sourceHead } = e;
      updateTask(b, s, e.task, session.id, e.ts, (t) => {
        t.worktree = { dir, workspaceDir, branch, baseCommit, sourceHead };
        t.baseCommit = baseCommit;
      });
      addEntry(b, session, e, 'notice', `Working in ${dir} on branch ${branch}.`, 'worktree', { level: 'info' });
      return;
    }
    case 'task.snapshot':
      updateTask(b, s, e.task, session.id, e.ts, (t) => { t.snapshot = { tree: e.tree, commit: e.commit, ts: e.ts }; });
      return;
    case 'task.closed': {
      updateTask(b, s, e.task, session.id, e.ts, (t) => { t.status = 'closed'; t.worktree = undefined; });
      const branch = e.branch ? (e.branchDeleted ? `branch ${e.branch} deleted` : `branch ${e.branch} kept`) : '';
      addEntry(b, session, e, 'lifecycle', 'Task closed', ['worktree removed', branch].filter(Boolean).join('; '), { status: 'closed' });
      return;
    }
    case 'session.spawned':
      if (e.task) {
        session.task = e.task;
        const task = s.tasks[e.task];
        if (task && !task.sessions.includes(session.id)) {
          s.tasks = b.own(s.tasks);
          linkTask(b, (s.tasks[e.task] = b.own(task)), session.id);
        }
      }
      session.agent = e.agent;
      session.pid = e.pid;
      session.command = e.command;
      session.cwd = e.cwd;
      session.status = 'starting';
      session.startedTs = e.ts;
      addEntry(b, session, e, 'lifecycle', `Started ${e.agent.label}`, e.command.join(' '), { command: e.command });
      return;
    case 'session.ready':
      session.status = 'running';
      addEntry(b, session, e, 'lifecycle', 'Ready', [e.agentName, e.agentVersion].filter(Boolean).join(' '));
      return;
    case 'session.waiting':
      session.status = 'waiting';
      closeAll(session);
      addEntry(b, session, e, 'lifecycle', 'Waiting for input', e.reason ?? '');
      return;
    case 'session.exited': {
      session.status = session.status === 'failed' ? 'failed' : 'exited';
      session.exit = { code: e.code, signal: e.signal, stderrTail: e.stderrTail };
      closeAll(session);
      // Neither code nor signal: it ended unseen (with the window that ran it).
      const how = e.signal ? ` (signal ${e.signal})` : e.code !== null ? ` (code ${e.code})` : '';
      addEntry(b, session, e, 'lifecycle', `Exited${how}`, e.stderrTail ?? '', { exitCode: e.code });
      return;
    }
    case 'session.failed':
      session.status = 'failed';
      session.failure = e.reason;
      closeAll(session);
      addEntry(b, session, e, 'error', 'Session failed', e.reason, { level: 'error' });
      return;
    case 'prompt.sent':
      closeAll(session);
      if (session.status === 'waiting') session.status = 'running';
      addEntry(b, session, e, 'prompt', promptTitle(e.purpose), e.text);
      return;
    case 'agent.message':
    case 'agent.thought': {
      const kind: EntryKind = e.type === 'agent.message' ? 'message' : 'thought';
      const entry = openEntry(b, session, e.entry);
      if (entry && entry.kind === kind) {
        const before = entry.text.length;
        appendText(entry, e.text);
        // The title is the first line, found in the first 400 characters; once those are in, it is
        // settled (and reading a prefix of a long streamed text would flatten all of it, per chunk).
        if (before < 400) entry.title = firstLine(entry.text.slice(0, 400));
        entry.updatedTs = e.ts;
      } else {
        addEntry(b, session, e, kind, firstLine(e.text.slice(0, 400)), e.text, {}, e.entry);
        session.stream = e.entry;
      }
      return;
    }
    case 'agent.plan': {
      const done = e.items.filter((i) => i.status === 'completed').length;
      const title = `Plan: ${done}/${e.items.length} done`;
      const text = e.items.map((i) => `${i.status === 'completed' ? '✓' : i.status === 'in_progress' ? '…' : '○'} ${i.content}`).join('\n');
      const entry = openEntry(b, session, e.entry);
      if (entry && entry.kind === 'plan') {
        entry.plan = e.items;
        entry.title = title;
        entry.text = text;
        entry.updatedTs = e.ts;
      } else {
        addEntry(b, session, e, 'plan', title, text, { plan: e.items }, e.entry);
      }
      return;
    }
    case 'agent.toolCall': {
      const entry = openEntry(b, session, e.entry);
      const fields = { status: e.status, toolKind: e.toolKind, input: e.input, locations: e.locations, diffs: e.diffs };
      if (entry && entry.kind === 'tool') {
        Object.assign(entry, stripUndefined(fields), { title: e.title, updatedTs: e.ts });
      } else {
        addEntry(b, session, e, 'tool', e.title, '', stripUndefined(fields), e.entry);
      }
      if (isTerminalStatus(e.status)) closeEntry(b, session, e.entry);
      return;
    }
    case 'agent.toolCallUpdate': {
      const entry = openEntry(b, session, e.entry);
      if (!entry) {
        addEntry(b, session, e, 'tool', e.title ?? `Tool call ${e.entry}`, e.output ?? '', stripUndefined({ status: e.status, locations: e.locations, diffs: e.diffs }), e.entry);
      } else {
        if (e.title !== undefined) entry.title = e.title;
        if (e.status !== undefined) entry.status = e.status;
        if (e.locations !== undefined) entry.locations = e.locations;
        if (e.diffs !== undefined) entry.diffs = e.diffs;
        if (e.output !== undefined) appendText(entry, entry.text ? `\n${e.output}` : e.output);
        entry.updatedTs = e.ts;
      }
      if (isTerminalStatus(e.status)) closeEntry(b, session, e.entry);
      return;
    }
    case 'agent.command': {
      const entry = openEntry(b, session, e.entry);
      const title = `$ ${e.command.join(' ')}`;
      if (entry && entry.kind === 'command') {
        if (e.output !== undefined) appendText(entry, e.output);
        if (e.exitCode !== undefined) entry.exitCode = e.exitCode;
        entry.updatedTs = e.ts;
      } else {
        addEntry(b, session, e, 'command', title, e.output ?? '', stripUndefined({ command: e.command, exitCode: e.exitCode }), e.entry);
      }
      if (e.exitCode !== undefined) closeEntry(b, session, e.entry);
      return;
    }
    case 'agent.fileEdited':
      addEntry(b, session, e, 'file', `Edited ${e.path}`, `via ${e.via}`, { locations: [{ path: e.path }] });
      return;
    case 'agent.output':
      addEntry(b, session, e, 'output', firstLine(e.text), e.text, { level: e.stream === 'stderr' ? 'warning' : 'info' });
      return;
    case 'agent.usage': {
      session.usage = { inputTokens: e.inputTokens, outputTokens: e.outputTokens, costUsd: e.costUsd ?? session.usage.costUsd };
      const cost = e.costUsd !== undefined ? `, $${e.costUsd.toFixed(4)}` : '';
      addEntry(b, session, e, 'usage', `${e.inputTokens + e.outputTokens} tokens${cost}`, `input ${e.inputTokens}, output ${e.outputTokens}${cost}`);
      return;
    }
    case 'agent.mode':
      session.mode = e.mode;
      addEntry(b, session, e, 'mode', `Mode: ${e.mode}`, '');
      return;
    case 'agent.error':
      addEntry(b, session, e, 'error', e.message, e.detail ?? e.message, { level: 'error' });
      return;
    case 'permission.requested': {
      const index = addEntry(b, session, e, 'permission', e.title, e.options.map((o) => o.name).join(' · '), { options: e.options, status: 'pending' });
      session.pendingPermissions = b.own(session.pendingPermissions);
      session.pendingPermissions[e.request] = index;
      return;
    }
    case 'permission.resolved': {
      const index = session.pendingPermissions[e.request];
      if (index !== undefined) {
        const entry = b.entry(session, index);
        const chosen = entry.options?.find((o) => o.id === e.optionId);
        entry.status = e.optionId === null ? 'cancelled' : (chosen?.kind ?? 'answered');
        entry.text = e.optionId === null ? 'Cancelled' : `${chosen?.name ?? e.optionId} (${e.by})`;
        entry.updatedTs = e.ts;
        session.pendingPermissions = b.own(session.pendingPermissions);
        delete session.pendingPermissions[e.request];
      }
      return;
    }
    case 'notice':
      addEntry(b, session, e, 'notice', e.text, e.code, { level: e.level });
      return;
    case 'hunk.staged': {
      const existing = s.hunks[e.hunk.id];
      s.hunks = b.own(s.hunks);
      if (!existing) {
        s.hunkOrder = b.own(s.hunkOrder);
        s.hunkOrder.push(e.hunk.id);
      }
      // A hunk staged again (the agent put back what it had undone) is undecided again; the warnings
      // still raised on it stay with it until they are cleared.
      s.hunks[e.hunk.id] = { hunk: e.hunk, task: e.task, session: session.id, status: 'pending', stagedTs: e.ts, warnings: existing?.warnings ?? warningsOn(s, e.hunk.id) };
      return;
    }
    case 'hunk.superseded':
      changeHunk(b, s, e.hunk, (h) => { h.status = 'superseded'; });
      clearWarning(b, s, conflictWarningId(e.hunk));
      return;
    case 'hunk.decided': {
      const h = changeHunk(b, s, e.hunk, (h) => {
        h.status = e.decision;
        h.decidedTs = e.ts;
        h.reason = e.reason;
        h.conflict = undefined;
      });
      clearWarning(b, s, conflictWarningId(e.hunk));
      const where = h ? ` ${hunkPlace(h.hunk)}` : '';
      const title = e.decision === 'approved' ? `Approved${where}` : `Rejected${where}`;
      addEntry(b, session, e, 'decision', title, e.reason ?? '', { status: e.decision, locations: h ? [{ path: h.hunk.path, line: newStartOf(h.hunk) }] : undefined });
      return;
    }
    case 'hunk.applied': {
      const h = changeHunk(b, s, e.hunk, (h) => { h.status = 'applied'; h.kept = e.kept; });
      addEntry(b, session, e, 'decision', `Applied${h ? ` ${hunkPlace(h.hunk)}` : ''} to the workspace`, e.how, { status: 'applied' });
      return;
    }
    case 'hunk.conflict': {
      const h = changeHunk(b, s, e.hunk, (h) => { h.status = 'conflict'; h.conflict = e.message; });
      addEntry(b, session, e, 'decision', `Conflict${h ? ` in ${hunkPlace(h.hunk)}` : ''}: not applied`, e.message, { status: 'conflict', level: 'error' });
      // A conflict is the hunk's state, so its warning is too: raised here, cleared by the next decision.
      if (h) {
        raiseWarning(b, s, session.id, e.ts, {
          id: conflictWarningId(e.hunk),
          kind: 'conflict',
          severity: 'error',
          task: e.task,
          hunk: e.hunk,
          path: h.hunk.path,
          text: `Approved but not applied: ${e.message}. Resolve it in the diff editor, then approve again or reject.`,
        });
      }
      return;
    }
    case 'hunk.reverted':
      changeHunk(b, s, e.hunk, (h) => { h.reverted = true; });
      return;
    case 'hunk.undone': {
      const h = changeHunk(b, s, e.hunk, (h) => { h.status = 'pending'; h.decidedTs = undefined; h.reason = undefined; h.kept = undefined; });
      addEntry(b, session, e, 'decision', `Approval undone${h ? ` ${hunkPlace(h.hunk)}` : ''}`, '', { status: 'undone' });
      return;
    }
    // Older journals: staleness and overlaps had events of their own; they are warnings now.
    case 'hunk.stale': {
      const h = s.hunks[e.hunk];
      if (e.stale && h) raiseWarning(b, s, session.id, e.ts, staleWarning(e.task, e.hunk, h.hunk.path));
      else clearWarning(b, s, staleWarningId(e.hunk));
      return;
    }
    case 'overlap.raised': {
      const w = overlapWarning(e.task, e.hunk, e.path, e.other);
      if (raiseWarning(b, s, session.id, e.ts, w)) addWarningEntry(b, session, e, w);
      return;
    }
    case 'overlap.cleared':
      clearWarning(b, s, overlapWarningId(e.hunk, e.other.hunk));
      return;
    case 'warning.raised': {
      const w = e.warning;
      if (raiseWarning(b, s, session.id, e.ts, w) && w.kind !== 'stale' && w.kind !== 'conflict') addWarningEntry(b, session, e, w);
      return;
    }
    case 'warning.cleared':
      clearWarning(b, s, e.id);
      return;
  }
}

// ── warnings ────────────────────────────────────────────────────────────────────────────────────

/** The ids of sign-off's own warnings: one per hunk (conflict, stale) or per pair of hunks (overlap). */
export function conflictWarningId(hunk: string): string {
  return `conflict:${hunk}`;
}
export function staleWarningId(hunk: string): string {
  return `stale:${hunk}`;
}
export function overlapWarningId(hunk: string, otherHunk: string): string {
  return `overlap:${hunk}:${otherHunk}`;
}

export function staleWarning(task: string, hunk: string, path: string): WarningRecord {
  return { id: staleWarningId(hunk), kind: 'stale', severity: 'info', task, hunk, path, text: 'You edited this region since the task started; approving merges the two.' };
}

export function overlapWarning(task: string, hunk: string, path: string, other: { task: string; hunk: string; title: string }): WarningRecord {
  return {
    id: overlapWarningId(hunk, other.hunk),
    kind: 'overlap',
    severity: 'warning',
    task,
    hunk,
    path,
    text: `Overlaps “${other.title}”: that task changes the same lines of ${path}. Decide one before the other.`,
    other: { task: other.task, hunk: other.hunk, title: other.title },
  };
}

/**
 * Raises a warning, or replaces the one with its id. Returns true when it was not raised before
 * (the caller then adds an entry to the row; a replacement changes what is shown, quietly).
 */
function raiseWarning(b: Batch, s: ScoreState, session: string, ts: number, w: WarningRecord): boolean {
  const existing = s.warnings[w.id];
  s.warnings = b.own(s.warnings);
  s.warnings[w.id] = { ...w, session: existing?.session ?? session, raisedTs: existing?.raisedTs ?? ts };
  if (existing) {
    if (existing.hunk !== w.hunk) {
      if (existing.hunk) changeHunk(b, s, existing.hunk, (h) => { h.warnings = h.warnings.filter((id) => id !== w.id); });
      if (w.hunk) changeHunk(b, s, w.hunk, (h) => { h.warnings = [...h.warnings, w.id]; });
    }
    return false;
  }
  s.warningOrder = b.own(s.warningOrder);
  s.warningOrder.push(w.id);
  if (w.hunk) changeHunk(b, s, w.hunk, (h) => { h.warnings = [...h.warnings, w.id]; });
  return true;
}

/** Warnings already raised on a hunk that is staged only now (a journal written out of order). */
function warningsOn(s: ScoreState, hunk: string): string[] {
  return s.warningOrder.filter((id) => s.warnings[id]!.hunk === hunk);
}

function clearWarning(b: Batch, s: ScoreState, id: string): void {
  const existing = s.warnings[id];
  if (!existing) return;
  s.warnings = b.own(s.warnings);
  delete s.warnings[id];
  s.warningOrder = b.own(s.warningOrder);
  const at = s.warningOrder.indexOf(id);
  if (at !== -1) s.warningOrder.splice(at, 1);
  if (existing.hunk) changeHunk(b, s, existing.hunk, (h) => { h.warnings = h.warnings.filter((x) => x !== id); });
}

function addWarningEntry(b: Batch, session: SessionState, e: { seq: number; ts: number }, w: WarningRecord): void {
  const level = w.severity === 'info' ? 'info' : w.severity;
  const text = [w.text, w.prose].filter(Boolean).join('\n\n');
  const locations = w.path ? [{ path: w.path, ...(w.line !== undefined ? { line: w.line } : {}) }] : undefined;
  addEntry(b, session, e, 'warning', w.text, text, { level, status: w.kind, locations });
}

/** Changes a known hunk in place (copied once per batch); an unknown id changes nothing. */
function changeHunk(b: Batch, s: ScoreState, id: string, change: (h: HunkState) => void): HunkState | undefined {
  const existing = s.hunks[id];
  if (!existing) return undefined;
  s.hunks = b.own(s.hunks);
  const h = (s.hunks[id] = b.own(existing));
  change(h);
  return h;
}

function hunkPlace(h: Hunk): string {
  return h.kind === 'lines' ? `${h.path}:${h.newStart}` : h.path;
}

// ── helpers ─────────────────────────────────────────────────────────────────────────────────────

function touchSession(b: Batch, s: ScoreState, id: string, ts: number): SessionState {
  const existing = s.sessions[id];
  s.sessions = b.own(s.sessions);
  if (existing) return (s.sessions[id] = b.own(existing));
  const created: SessionState = b.fresh({
    id,
    status: 'starting',
    startedTs: ts,
    lastTs: ts,
    lastSeq: 0,
    gaps: 0,
    entries: [] as Entry[],
    open: b.fresh({}),
    pendingPermissions: b.fresh({}),
    usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
  });
  s.sessions[id] = created;
  s.sessionOrder = b.own(s.sessionOrder);
  s.sessionOrder.push(id);
  return created;
}

function updateTask(b: Batch, s: ScoreState, id: string, sessionId: string, ts: number, change: (t: TaskState) => void): void {
  const existing = s.tasks[id];
  if (!existing) return; // a task event before its creation: the entry still shows on the row
  const task = b.own(existing);
  linkTask(b, task, sessionId);
  change(task);
  task.updatedTs = ts;
  s.tasks = b.own(s.tasks);
  s.tasks[id] = task;
}

function linkTask(b: Batch, task: TaskState, sessionId: string): void {
  if (task.sessions.includes(sessionId)) return;
  task.sessions = b.own(task.sessions);
  task.sessions.push(sessionId);
}

function addEntry(
  b: Batch,
  session: SessionState,
  e: { seq: number; ts: number },
  kind: EntryKind,
  title: string,
  text: string,
  extra: Partial<Entry> = {},
  openId?: string,
): number {
  // A streamed message or thought ends when anything else is added to the row.
  if (session.stream !== undefined) {
    closeEntry(b, session, session.stream);
    session.stream = undefined;
  }
  const entries = b.entries(session);
  const entry: Entry = { id: `e${e.seq}`, kind, seq: e.seq, ts: e.ts, updatedTs: e.ts, title: clip(title, 200), text: '' };
  for (const key in extra) (entry as unknown as Record<string, unknown>)[key] = extra[key as keyof Entry];
  appendText(entry, text);
  entries.push(entry);
  const index = entries.length - 1;
  if (openId !== undefined) {
    session.open = b.own(session.open);
    session.open[openId] = index;
  }
  return index;
}

/** The open entry with this id, made writable in this batch, or undefined. */
function openEntry(b: Batch, session: SessionState, id: string): Entry | undefined {
  const index = session.open[id];
  if (index === undefined) return undefined;
  return b.entry(session, index);
}

function closeEntry(b: Batch, session: SessionState, id: string): void {
  if (session.open[id] === undefined) return;
  session.open = b.own(session.open);
  delete session.open[id];
}

function closeAll(session: SessionState): void {
  session.stream = undefined;
  for (const _ in session.open) {
    session.open = {};
    return;
  }
}

function appendText(entry: Entry, more: string): void {
  if (entry.truncated || more.length === 0) return;
  const room = MAX_ENTRY_TEXT - entry.text.length;
  if (more.length <= room) {
    entry.text += more;
    return;
  }
  entry.text += more.slice(0, Math.max(0, room)) + TRUNCATION_MARKER;
  entry.truncated = true;
}

function isTerminalStatus(status: string | undefined): boolean {
  return status === 'completed' || status === 'failed' || status === 'cancelled';
}

function promptTitle(purpose: 'task' | 'followup' | 'feedback'): string {
  return purpose === 'task' ? 'Prompt' : purpose === 'followup' ? 'Follow-up' : 'Feedback sent';
}

function firstLine(text: string): string {
  const trimmed = text.trimStart();
  const end = trimmed.indexOf('\n');
  return clip(end === -1 ? trimmed : trimmed.slice(0, end), 200);
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function preview(value: unknown): string {
  let json: string;
  try {
    json = JSON.stringify(value) ?? String(value);
  } catch {
    json = String(value);
  }
  return clip(json, 500);
}

function stripUndefined<T extends Record<string, unknown>>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
