import type { TaskHolderInfo } from '../../../src/protocol';
import './tasks.css';
import { usePodium } from '../app/usePodium';
import { Codicon } from '../shared/Codicon';
import { fullTime } from '../shared/format';
import { t } from '../shared/l10n';

/** What a task another window holds says instead of its actions (and why its buttons are off). */
export function heldText(holder: TaskHolderInfo): string {
  const since = Date.parse(holder.since);
  return Number.isFinite(since) ? t('held.since', { since: fullTime(since) }) : t('held.text');
}

/**
 * In place of a task's actions while another window holds it: who holds it, since when, and Take
 * Over, enabled once that window is gone or stops responding (its heartbeat stopped).
 */
export function HeldBy({ task, title, holder }: { task: string; title: string; holder: TaskHolderInfo }) {
  const post = usePodium((s) => s.post);
  const who = holder.pid ? t('held.process', { pid: String(holder.pid), host: holder.hostname }) : t('held.gone');
  return (
    <span className="held-by" data-testid="held-by" data-task={task}>
      <Codicon name="lock" />
      <span title={t('held.who', { who, why: holder.why })}>{heldText(holder)}</span>
      <button
        type="button"
        className="button small"
        data-testid="take-over"
        disabled={!holder.stale}
        title={holder.stale ? t('held.takeOverHint', { why: holder.why, title }) : t('held.takeOverOff', { why: holder.why })}
        onClick={() => post({ type: 'task/takeOver', task })}
      >
        {t('held.takeOver')}
      </button>
    </span>
  );
}
