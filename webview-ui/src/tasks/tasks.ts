/**
 * What the tasks bar shows and allows, derived from the score: one ledger of usage across agent
 * kinds, and which intents make sense for a task in its current state. Plain functions of the
 * score and the host's config, so the components only render.
 */
import type { HostConfig, SourceInfo } from '../../../src/protocol';
import type { ScoreState, SessionState, TaskState, Usage } from '../../../src/score';
import { outcomeLook, sessionStatus, type StatusLook } from '../entries/kinds';
import { t } from '../shared/l10n';

export interface TaskRow {
  id: string;
  task: TaskState;
  /** The task's sessions in the order they appeared; a restart adds one. */
  sessions: SessionState[];
  /** The newest session: the one a follow-up or a stop goes to. */
  current: SessionState | undefined;
  usage: Usage;
}

export interface KindUsage {
  kind: string;
  label: string;
  usage: Usage;
}

export interface Ledger {
  rows: TaskRow[];
  /** Sessions that belong to no task (a journal opened from elsewhere, a bare command). */
  untasked: Usage;
  untaskedSessions: number;
  total: Usage;
  /** The same usage split by agent kind (claude, codex, acp…), for the footer. */
  byKind: KindUsage[];
}

const zero = (): Usage => ({ inputTokens: 0, outputTokens: 0, costUsd: 0 });

function add(into: Usage, u: Usage): void {
  into.inputTokens += u.inputTokens;
  into.outputTokens += u.outputTokens;
  into.costUsd += u.costUsd;
}

export const tokens = (u: Usage): number => u.inputTokens + u.outputTokens;

/**
 * Usage per task, summed over the task's sessions, and in total. A session counts for a task when
 * the task lists it or the session names the task: `session.spawned` names the task but only task
 * events link the session into `task.sessions`, so a restarted session would otherwise be missed
 * until a task event lands in its journal. Walks sessions and tasks, never entries.
 */
export function ledger(score: ScoreState): Ledger {
  const byTask = new Map<string, SessionState[]>();
  const total = zero();
  const untasked = zero();
  let untaskedSessions = 0;
  const kinds = new Map<string, KindUsage>();
  for (const id of score.sessionOrder) {
    const session = score.sessions[id]!;
    add(total, session.usage);
    const kind = session.agent?.kind ?? 'unknown';
    let k = kinds.get(kind);
    if (!k) kinds.set(kind, (k = { kind, label: session.agent?.label ?? t('tasks.unknownAgent'), usage: zero() }));
    add(k.usage, session.usage);
    const owners = new Set<string>();
    if (session.task !== undefined && score.tasks[session.task]) owners.add(session.task);
    for (const taskId of score.taskOrder) if (score.tasks[taskId]!.sessions.includes(id)) owners.add(taskId);
    if (owners.size === 0) {
      add(untasked, session.usage);
      untaskedSessions++;
    }
    for (const taskId of owners) {
      let list = byTask.get(taskId);
      if (!list) byTask.set(taskId, (list = []));
      list.push(session);
    }
  }
  const rows = score.taskOrder.map((id): TaskRow => {
    const sessions = byTask.get(id) ?? [];
    const usage = zero();
    for (const s of sessions) add(usage, s.usage);
    return { id, task: score.tasks[id]!, sessions, current: sessions.at(-1), usage };
  });
  const byKind = [...kinds.values()].filter((k) => tokens(k.usage) > 0 || k.usage.costUsd > 0);
  return { rows, untasked, untaskedSessions, total, byKind };
}

/** Whether this window may send intents at all, and if not, the reason to show. */
export interface Gate {
  /** Stop and cancel: anything that only ends work. */
  control: boolean;
  /** Create, restart, follow up: anything that starts an agent. */
  run: boolean;
  reason: string | null;
}

export function gate(config: HostConfig | null, source: SourceInfo | null, replaying = false): Gate {
  if (replaying) return { control: false, run: false, reason: t('replay.readOnly') };
  if (source?.readOnly) {
    return { control: false, run: false, reason: t('tasks.gate.readOnly') };
  }
  if (!config) return { control: false, run: false, reason: t('tasks.gate.waiting') };
  if (!config.trusted) {
    return { control: true, run: false, reason: t('tasks.gate.untrusted') };
  }
  if (config.profiles.length === 0) {
    return { control: true, run: false, reason: t('tasks.gate.noProfiles') };
  }
  return { control: true, run: true, reason: null };
}

export interface Action {
  enabled: boolean;
  /** Why it is disabled, or what it will do: shown as the button's tooltip. */
  hint: string;
}

export interface TaskActions {
  stop: Action;
  cancel: Action;
  restart: Action;
  followUp: Action;
}

/** Which intents a task accepts now. Each refusal says why, in words an engineer can act on. */
export function taskActions(row: TaskRow, g: Gate, heldElsewhere?: unknown): TaskActions {
  const { task, current } = row;
  if (heldElsewhere) {
    // Another window runs the task: no action of this window could reach its agent.
    const held: Action = { enabled: false, hint: t('tasks.hint.held') };
    return { stop: held, cancel: held, restart: held, followUp: held };
  }
  const status = task.status;
  const waiting = current?.status === 'waiting';
  const off = (hint: string): Action => ({ enabled: false, hint });
  const on = (hint: string): Action => ({ enabled: true, hint });
  const gated = (allowed: boolean, action: Action): Action => (allowed || !action.enabled ? action : off(g.reason ?? t('tasks.hint.unavailable')));

  const stop = status === 'running' ? on(t('tasks.hint.stop')) : off(t('tasks.hint.stopOff'));
  let cancel: Action;
  if (status === 'queued' || status === 'created') cancel = on(t('tasks.hint.dequeue'));
  else if (status === 'running' && !waiting) cancel = on(t('tasks.hint.cancel'));
  else if (status === 'running') cancel = off(t('tasks.hint.cancelWaiting'));
  else cancel = off(t('tasks.hint.finished'));
  const restart =
    status === 'finished' ? on(t('tasks.hint.restart')) : off(t('tasks.hint.restartOff'));
  const followUp = waiting ? on(t('tasks.hint.followUp')) : off(status === 'finished' ? t('tasks.hint.finished') : t('tasks.hint.followUpOff'));
  return {
    stop: gated(g.control, stop),
    cancel: gated(g.control, cancel),
    restart: gated(g.run, restart),
    followUp: gated(g.run, followUp),
  };
}

/** The state a task row shows: the task's status, refined by what its session is doing. */
export function taskLook(row: TaskRow): StatusLook {
  const { task, current } = row;
  switch (task.status) {
    case 'created':
      return { text: t('status.created'), tone: 'muted', icon: 'circle-large-outline' };
    case 'queued':
      return { text: t('status.queued'), tone: 'muted', icon: 'clock' };
    case 'running':
      if (current && Object.keys(current.pendingPermissions).length > 0) return { text: t('status.needsPermission'), tone: 'yellow', icon: 'shield' };
      if (current?.status === 'waiting') return { text: t('status.waiting'), tone: 'yellow', icon: 'bell' };
      if (current?.status === 'starting') return { text: t('status.starting'), tone: 'blue', icon: 'loading' };
      return { text: t('status.running'), tone: 'blue', icon: 'play-circle' };
    case 'finished':
      return task.outcome ? outcomeLook(task.outcome) : { text: t('status.finished'), tone: 'muted', icon: 'pass' };
    default:
      return { text: String(task.status), tone: 'muted' }; // a status from a newer score
  }
}

/**
 * A session's state for its row and lane. A queued task's session has no agent yet, and the
 * session alone would read "Starting": the task's state says what is really happening.
 */
export function sessionLook(session: SessionState, task: TaskState | undefined): StatusLook {
  if (task && !session.agent && task.status === 'queued') return { text: t('status.queued'), tone: 'muted', icon: 'clock' };
  if (task && !session.agent && task.status === 'created') return { text: t('status.created'), tone: 'muted', icon: 'circle-large-outline' };
  return sessionStatus(session);
}

/** Which run of its task a session is (2 for the first restart…), or null for a task's only or first run. */
export function runNumber(score: ScoreState, session: SessionState): number | null {
  const taskId = session.task;
  const task = taskId === undefined ? undefined : score.tasks[taskId];
  if (!task) return null;
  let n = 0;
  for (const id of score.sessionOrder) {
    if (score.sessions[id]!.task === taskId || task.sessions.includes(id)) n++;
    if (id === session.id) return n > 1 ? n : null;
  }
  return null;
}
