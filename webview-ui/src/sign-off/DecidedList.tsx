import type { HunkState } from '../../../src/score';
import { clockTime, fullTime } from '../shared/format';
import { hunkRange } from './signOff';
import { Button } from '../shared/Button';
import { Codicon } from '../shared/Codicon';
import { t, type MessageKey } from '../shared/l10n';

/** Decisions shown per task; older ones are in the session's entries (and the journal). */
const SHOWN = 5;

const LOOK: Record<string, { icon: string; tone: string; label: MessageKey }> = {
  applied: { icon: 'check', tone: 'tone-green', label: 'decided.applied' },
  approved: { icon: 'loading', tone: 'tone-blue', label: 'decided.applying' },
  rejected: { icon: 'close', tone: 'tone-red', label: 'decided.rejected' },
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
      <h4 className="so-decided-title">{t('decided.title')}</h4>
      <ul aria-label={t('decided.title')}>
        {shown.map((h) => {
          const look = LOOK[h.status];
          const label = look ? t(look.label) : h.status;
          const when = h.decidedTs ?? h.stagedTs;
          return (
            <li key={h.hunk.id} className="so-decided-row" data-hunk={h.hunk.id} data-status={h.status}>
              <span className={`so-decided-status ${look?.tone ?? 'tone-muted'}`}>
                <Codicon name={look?.icon ?? 'circle-outline'} />
                <span>{label}</span>
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
                <Button
                  small
                  secondary
                  icon="discard"
                  disabled={blocked !== null || sending(h)}
                  title={blocked ?? t('decided.undoHint')}
                  aria-label={t('decided.undoLabel', { path: h.hunk.path, range: hunkRange(h.hunk) })}
                  onClick={() => onUndo(h)}
                >
                  {t('decided.undo')}
                </Button>
              )}
            </li>
          );
        })}
      </ul>
      {decided.length > shown.length && <p className="so-decided-more muted">{t('decided.more', { count: decided.length - shown.length })}</p>}
    </div>
  );
}
