import type { TaskHolderInfo } from '../../../src/protocol';
import './tasks.css';
import { usePodium } from '../app/usePodium';
import { Codicon } from '../shared/Codicon';
import { fullTime } from '../shared/format';

/** What a task another window holds says instead of its actions (and why its buttons are off). */
export function heldText(holder: TaskHolderInfo): string {
  const since = Date.parse(holder.since);
  const when = Number.isFinite(since) ? ` since ${fullTime(since)}` : '';
  return `Held by another window${when}`;
}

/**
 * In place of a task's actions while another window holds it: who holds it, since when, and Take
 * Over, enabled once that window is gone or stops responding (its heartbeat stopped).
 */
export function HeldBy({ task, title, holder }: { task: string; title: string; holder: TaskHolderInfo }) {
  const post = usePodium((s) => s.post);
  const who = holder.pid ? `process ${holder.pid} on ${holder.hostname}` : 'no window any more';
  return (
    <span className="held-by" data-testid="held-by" data-task={task}>
      <Codicon name="lock" />
      <span title={`${who}: ${holder.why}`}>{heldText(holder)}</span>
      <button
        type="button"
        className="button small"
        data-testid="take-over"
        disabled={!holder.stale}
        title={holder.stale ? `That window is gone or not responding (${holder.why}): make this window the one that runs “${title}” and decides its changes` : `That window still responds (${holder.why}); Take Over is enabled once it is gone`}
        onClick={() => post({ type: 'task/takeOver', task })}
      >
        Take Over
      </button>
    </span>
  );
}
