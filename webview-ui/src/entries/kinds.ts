/**
 * How each entry kind and status looks: a codicon, a text label (never colour alone, so the view
 * reads the same to a screen reader and in high contrast) and a tone, which shared/base.css maps to a
 * VS Code theme colour.
 */
import type { Entry, EntryKind, SessionState, TaskOutcome } from '../../../src/score';
import { t, type MessageKey } from '../shared/l10n';

export type Tone = 'neutral' | 'blue' | 'purple' | 'green' | 'yellow' | 'orange' | 'red' | 'link' | 'muted';

export interface KindLook {
  /** The kind's name, as the entry rows, the detail and the kind filter show it. */
  label: MessageKey;
  icon: string;
  tone: Tone;
}

export const KIND_LOOK: Record<EntryKind, KindLook> = {
  lifecycle: { label: 'entries.kind.lifecycle', icon: 'debug-start', tone: 'muted' },
  prompt: { label: 'entries.kind.prompt', icon: 'send', tone: 'link' },
  message: { label: 'entries.kind.message', icon: 'comment-discussion', tone: 'blue' },
  thought: { label: 'entries.kind.thought', icon: 'lightbulb', tone: 'purple' },
  plan: { label: 'entries.kind.plan', icon: 'checklist', tone: 'neutral' },
  tool: { label: 'entries.kind.tool', icon: 'tools', tone: 'orange' },
  command: { label: 'entries.kind.command', icon: 'terminal', tone: 'yellow' },
  file: { label: 'entries.kind.file', icon: 'edit', tone: 'green' },
  output: { label: 'entries.kind.output', icon: 'output', tone: 'neutral' },
  permission: { label: 'entries.kind.permission', icon: 'shield', tone: 'red' },
  usage: { label: 'entries.kind.usage', icon: 'dashboard', tone: 'muted' },
  mode: { label: 'entries.kind.mode', icon: 'settings-gear', tone: 'muted' },
  error: { label: 'entries.kind.error', icon: 'error', tone: 'red' },
  notice: { label: 'entries.kind.notice', icon: 'info', tone: 'blue' },
  decision: { label: 'entries.kind.decision', icon: 'git-commit', tone: 'green' },
  warning: { label: 'entries.kind.warning', icon: 'warning', tone: 'yellow' },
  unreadable: { label: 'entries.kind.unreadable', icon: 'question', tone: 'red' },
};

/** The kind's name, in the webview's language. */
export function kindLabel(kind: EntryKind): string {
  return t(KIND_LOOK[kind].label);
}

/** The icon of one entry: a notice or output line shows its level rather than its kind. */
export function entryIcon(entry: Entry): string {
  if (entry.kind === 'lifecycle' && isOutcome(entry.status)) return OUTCOMES[entry.status].icon;
  if (entry.kind === 'notice' && entry.level === 'warning') return 'warning';
  if (entry.kind === 'notice' && entry.level === 'error') return 'error';
  if (entry.kind === 'warning' && entry.level === 'error') return 'error';
  if (entry.kind === 'warning' && entry.level === 'info') return 'info';
  return KIND_LOOK[entry.kind].icon;
}

export function entryTone(entry: Entry): Tone {
  if (entry.kind === 'decision') return entry.status === 'rejected' || entry.status === 'conflict' ? 'red' : entry.status === 'undone' ? 'muted' : 'green';
  if (entry.kind === 'lifecycle' && isOutcome(entry.status)) return OUTCOMES[entry.status].tone;
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
          return { text: t('status.awaitingAnswer'), tone: 'yellow', icon: 'bell' };
        case 'cancelled':
          return { text: t('status.cancelled'), tone: 'muted' };
        case 'allow_once':
        case 'allow_always':
          return { text: t('status.allowed'), tone: 'green', icon: 'check' };
        case 'reject_once':
        case 'reject_always':
          return { text: t('status.rejected'), tone: 'red', icon: 'close' };
        default:
          return entry.status ? { text: t('status.answered'), tone: 'muted' } : null;
      }
    case 'command':
      if (entry.exitCode === undefined) return { text: t('status.running'), tone: 'blue', icon: 'loading' };
      if (entry.exitCode === null) return { text: t('status.killed'), tone: 'red' };
      return entry.exitCode === 0 ? { text: t('status.exit', { code: '0' }), tone: 'green' } : { text: t('status.exit', { code: String(entry.exitCode) }), tone: 'red' };
    case 'tool':
      switch (entry.status) {
        case undefined:
          return null;
        case 'completed':
          return { text: t('status.completed'), tone: 'green', icon: 'check' };
        case 'failed':
          return { text: t('status.failed'), tone: 'red', icon: 'error' };
        case 'cancelled':
          return { text: t('status.cancelled'), tone: 'muted' };
        case 'pending':
          return { text: t('status.pending'), tone: 'muted' };
        case 'in_progress':
          return { text: t('status.running'), tone: 'blue', icon: 'loading' };
        default:
          return { text: entry.status, tone: 'muted' };
      }
    case 'decision':
      switch (entry.status) {
        case 'approved':
          return { text: t('status.approved'), tone: 'green', icon: 'check' };
        case 'applied':
          return { text: t('status.applied'), tone: 'green', icon: 'pass' };
        case 'rejected':
          return { text: t('status.rejected'), tone: 'red', icon: 'close' };
        case 'conflict':
          return { text: t('status.conflict'), tone: 'red', icon: 'error' };
        case 'undone':
          return { text: t('status.undone'), tone: 'muted', icon: 'discard' };
        default:
          return null;
      }
    case 'lifecycle':
      if (isOutcome(entry.status)) return outcomeLook(entry.status);
      if (entry.exitCode !== undefined && entry.exitCode !== null && entry.exitCode !== 0) return { text: t('status.exit', { code: String(entry.exitCode) }), tone: 'red' };
      return null;
    default:
      return null;
  }
}

export function sessionStatus(session: SessionState): StatusLook {
  switch (session.status) {
    case 'starting':
      return { text: t('status.starting'), tone: 'muted', icon: 'loading' };
    case 'running':
      return { text: t('status.running'), tone: 'blue', icon: 'play-circle' };
    case 'waiting':
      return { text: t('status.waiting'), tone: 'yellow', icon: 'bell' };
    case 'failed':
      return { text: t('status.failed'), tone: 'red', icon: 'error' };
    case 'exited': {
      const code = session.exit?.code;
      if (session.exit?.signal) return { text: t('status.stoppedBy', { signal: session.exit.signal }), tone: 'muted', icon: 'debug-stop' };
      // No code and no signal: it ended unseen, with the window that ran it.
      if (session.exit && session.exit.code === null) return { text: t('status.ended'), tone: 'muted', icon: 'debug-disconnect' };
      return code === 0 ? { text: t('status.exited'), tone: 'green', icon: 'pass' } : { text: t('status.exitedWith', { code: String(code ?? '?') }), tone: 'red', icon: 'error' };
    }
  }
}

const OUTCOMES: Record<TaskOutcome, { text: MessageKey; tone: Tone; icon: string }> = {
  done: { text: 'status.done', tone: 'green', icon: 'pass' },
  failed: { text: 'status.failed', tone: 'red', icon: 'error' },
  stopped: { text: 'status.stopped', tone: 'muted', icon: 'debug-stop' },
  cancelled: { text: 'status.cancelled', tone: 'muted', icon: 'circle-slash' },
  budget: { text: 'status.budget', tone: 'orange', icon: 'dashboard' },
};

/** How a finished task ended, in the tasks bar and on its timeline lane. */
export function outcomeLook(outcome: TaskOutcome): StatusLook & { icon: string } {
  const look = OUTCOMES[outcome];
  return { ...look, text: t(look.text) };
}

export function isOutcome(value: string | undefined): value is TaskOutcome {
  return value !== undefined && Object.prototype.hasOwnProperty.call(OUTCOMES, value);
}
