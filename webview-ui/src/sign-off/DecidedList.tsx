import type { HunkState } from '../../../src/score';
import { clockTime, fullTime, plural } from '../shared/format';
import { hunkRange } from './signOff';
import { Codicon } from '../shared/Codicon';

/** Decisions shown per task; older ones are in the session's entries (and the journal). */
const SHOWN = 5;

const LOOK: Record<string, { icon: string; tone: string; label: string }> = {
  applied: { icon: 'check', tone: 'tone-green', label: 'Applied' },
  approved: { icon: 'loading', tone: 'tone-blue', label: 'Applying' },
  rejected: { icon: 'close', tone: 'tone-red', label: 'Rejected' },
};

/**
 * A task's latest decisions, newest first, so a mistaken approval is one Undo away. Only an applied
 * hunk can be undone: the host takes it back out of the workspace file and it returns to the queue.
 */
export function DecidedList({ decided, blocked, sending, onUndo }: { decided: HunkState[]; blocked: string | null; sending: (h: HunkState) => boolean; onUndo(h: HunkState): void }) {
  if (decided.length === 0) return null;
  const shown = decided.slice(0, SHOWN);
  return (
    <div className="so-decided">
      <h4 className="so-decided-title">Recently decided</h4>
      <ul aria-label="Recently decided">
        {shown.map((h) => {
          const look = LOOK[h.status] ?? { icon: 'circle-outline', tone: 'tone-muted', label: h.status };
          const when = h.decidedTs ?? h.stagedTs;
          return (
            <li key={h.hunk.id} className="so-decided-row" data-hunk={h.hunk.id} data-status={h.status}>
              <span className={`so-decided-status ${look.tone}`}>
                <Codicon name={look.icon} />
                <span>{look.label}</span>
              </span>
              <span className="so-decided-where" title={`${h.hunk.path} ${hunkRange(h.hunk)}`}>
                {h.hunk.path} <span className="muted">{hunkRange(h.hunk)}</span>
              </span>
              {h.reason && (
                <span className="so-decided-reason" title={h.reason}>
                  “{h.reason}”
                </span>
              )}
              <span className="so-spacer" />
              <time className="muted so-time" dateTime={new Date(when).toISOString()} title={fullTime(when)}>
                {clockTime(when)}
              </time>
              {h.status === 'applied' && (
                <button
                  type="button"
                  className="button small secondary"
                  disabled={blocked !== null || sending(h)}
                  title={blocked ?? 'Take it back out of the workspace file; it returns to the queue (U)'}
                  aria-label={`Undo the approval of ${h.hunk.path} ${hunkRange(h.hunk)}`}
                  onClick={() => onUndo(h)}
                >
                  <Codicon name="discard" />
                  <span>Undo</span>
                </button>
              )}
            </li>
          );
        })}
      </ul>
      {decided.length > shown.length && <p className="so-decided-more muted">and {plural(decided.length - shown.length, 'earlier decision')}, in the session's entries</p>}
    </div>
  );
}
