/**
 * How each entry kind and status looks: a codicon, a text label (never colour alone, so the view
 * reads the same to a screen reader and in high contrast) and a tone, which shared/base.css maps to a
 * VS Code theme colour.
 */
import type { Entry, EntryKind, SessionState, TaskOutcome } from '../../../src/score';

export type Tone = 'neutral' | 'blue' | 'purple' | 'green' | 'yellow' | 'orange' | 'red' | 'link' | 'muted';

export interface KindLook {
  label: string;
  icon: string;
  tone: Tone;
}

export const KIND_LOOK: Record<EntryKind, KindLook> = {
  lifecycle: { label: 'Lifecycle', icon: 'debug-start', tone: 'muted' },
  prompt: { label: 'Prompt', icon: 'send', tone: 'link' },
  message: { label: 'Message', icon: 'comment-discussion', tone: 'blue' },
  thought: { label: 'Thought', icon: 'lightbulb', tone: 'purple' },
  plan: { label: 'Plan', icon: 'checklist', tone: 'neutral' },
  tool: { label: 'Tool', icon: 'tools', tone: 'orange' },
  command: { label: 'Command', icon: 'terminal', tone: 'yellow' },
  file: { label: 'File', icon: 'edit', tone: 'green' },
  output: { label: 'Output', icon: 'output', tone: 'neutral' },
  permission: { label: 'Permission', icon: 'shield', tone: 'red' },
  usage: { label: 'Usage', icon: 'dashboard', tone: 'muted' },
  mode: { label: 'Mode', icon: 'settings-gear', tone: 'muted' },
  error: { label: 'Error', icon: 'error', tone: 'red' },
  notice: { label: 'Notice', icon: 'info', tone: 'blue' },
  decision: { label: 'Decision', icon: 'git-commit', tone: 'green' },
  warning: { label: 'Warning', icon: 'warning', tone: 'yellow' },
  unreadable: { label: 'Unreadable', icon: 'question', tone: 'red' },
};

/** The icon of one entry: a notice or output line shows its level rather than its kind. */
export function entryIcon(entry: Entry): string {
  if (entry.kind === 'lifecycle' && isOutcome(entry.status)) return OUTCOME_LOOK[entry.status].icon;
  if (entry.kind === 'notice' && entry.level === 'warning') return 'warning';
  if (entry.kind === 'notice' && entry.level === 'error') return 'error';
  if (entry.kind === 'warning' && entry.level === 'error') return 'error';
  if (entry.kind === 'warning' && entry.level === 'info') return 'info';
  return KIND_LOOK[entry.kind].icon;
}

export function entryTone(entry: Entry): Tone {
  if (entry.kind === 'decision') return entry.status === 'rejected' || entry.status === 'conflict' ? 'red' : entry.status === 'undone' ? 'muted' : 'green';
  if (entry.kind === 'lifecycle' && isOutcome(entry.status)) return OUTCOME_LOOK[entry.status].tone;
  if (entry.kind === 'notice' && entry.level === 'warning') return 'yellow';
  if (entry.kind === 'notice' && entry.level === 'error') return 'red';
  if (entry.kind === 'output' && entry.level === 'warning') return 'yellow';
  if (entry.kind === 'warning' && entry.level === 'error') return 'red';
  if (entry.kind === 'warning' && entry.level === 'info') return 'blue';
  return KIND_LOOK[entry.kind].tone;
}

/**
 * A muted second part for rows whose title is generic ("Prompt", "Ready"): the start of the text
 * that says which one it is. Null when the title already says it all.
 */
export function entryExcerpt(entry: Entry): string | null {
  if (entry.kind !== 'prompt' && !(entry.kind === 'lifecycle' && !entry.title.startsWith('Task created'))) return null;
  const text = entry.text.trimStart();
  if (!text) return null;
  const end = text.indexOf('\n');
  return (end === -1 ? text : text.slice(0, end)).slice(0, 200);
}

export interface StatusLook {
  text: string;
  tone: Tone;
  icon?: string;
}

/** The short status an entry row ends with, or null when there is nothing to say. */
export function entryStatus(entry: Entry): StatusLook | null {
  switch (entry.kind) {
    case 'permission':
      switch (entry.status) {
        case 'pending':
          return { text: 'Awaiting answer', tone: 'yellow', icon: 'bell' };
        case 'cancelled':
          return { text: 'Cancelled', tone: 'muted' };
        case 'allow_once':
        case 'allow_always':
          return { text: 'Allowed', tone: 'green', icon: 'check' };
        case 'reject_once':
        case 'reject_always':
          return { text: 'Rejected', tone: 'red', icon: 'close' };
        default:
          return entry.status ? { text: 'Answered', tone: 'muted' } : null;
      }
    case 'command':
      if (entry.exitCode === undefined) return { text: 'Running', tone: 'blue', icon: 'loading' };
      if (entry.exitCode === null) return { text: 'Killed', tone: 'red' };
      return entry.exitCode === 0 ? { text: 'Exit 0', tone: 'green' } : { text: `Exit ${entry.exitCode}`, tone: 'red' };
    case 'tool':
      switch (entry.status) {
        case undefined:
          return null;
        case 'completed':
          return { text: 'Completed', tone: 'green', icon: 'check' };
        case 'failed':
          return { text: 'Failed', tone: 'red', icon: 'error' };
        case 'cancelled':
          return { text: 'Cancelled', tone: 'muted' };
        case 'pending':
          return { text: 'Pending', tone: 'muted' };
        case 'in_progress':
          return { text: 'Running', tone: 'blue', icon: 'loading' };
        default:
          return { text: entry.status, tone: 'muted' };
      }
    case 'decision':
      switch (entry.status) {
        case 'approved':
          return { text: 'Approved', tone: 'green', icon: 'check' };
        case 'applied':
          return { text: 'Applied', tone: 'green', icon: 'pass' };
        case 'rejected':
          return { text: 'Rejected', tone: 'red', icon: 'close' };
        case 'conflict':
          return { text: 'Conflict', tone: 'red', icon: 'error' };
        case 'undone':
          return { text: 'Undone', tone: 'muted', icon: 'discard' };
        default:
          return null;
      }
    case 'lifecycle':
      if (isOutcome(entry.status)) return OUTCOME_LOOK[entry.status];
      if (entry.exitCode !== undefined && entry.exitCode !== null && entry.exitCode !== 0) return { text: `Exit ${entry.exitCode}`, tone: 'red' };
      return null;
    default:
      return null;
  }
}

export function sessionStatus(session: SessionState): StatusLook {
  switch (session.status) {
    case 'starting':
      return { text: 'Starting', tone: 'muted', icon: 'loading' };
    case 'running':
      return { text: 'Running', tone: 'blue', icon: 'play-circle' };
    case 'waiting':
      return { text: 'Waiting for input', tone: 'yellow', icon: 'bell' };
    case 'failed':
      return { text: 'Failed', tone: 'red', icon: 'error' };
    case 'exited': {
      const code = session.exit?.code;
      if (session.exit?.signal) return { text: `Stopped (${session.exit.signal})`, tone: 'muted', icon: 'debug-stop' };
      // No code and no signal: it ended unseen, with the window that ran it.
      if (session.exit && session.exit.code === null) return { text: 'Ended', tone: 'muted', icon: 'debug-disconnect' };
      return code === 0 ? { text: 'Exited', tone: 'green', icon: 'pass' } : { text: `Exited (${code ?? '?'})`, tone: 'red', icon: 'error' };
    }
  }
}

/** How a finished task ended, in the tasks bar and on its timeline lane. */
export const OUTCOME_LOOK: Record<TaskOutcome, StatusLook & { icon: string }> = {
  done: { text: 'Done', tone: 'green', icon: 'pass' },
  failed: { text: 'Failed', tone: 'red', icon: 'error' },
  stopped: { text: 'Stopped', tone: 'muted', icon: 'debug-stop' },
  cancelled: { text: 'Cancelled', tone: 'muted', icon: 'circle-slash' },
  budget: { text: 'Stopped by budget', tone: 'orange', icon: 'dashboard' },
};

export function isOutcome(value: string | undefined): value is TaskOutcome {
  return value !== undefined && Object.prototype.hasOwnProperty.call(OUTCOME_LOOK, value);
}
