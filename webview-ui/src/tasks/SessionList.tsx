import './tasks.css';
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { usePodium } from '../app/usePodium';
import { forgetSessionsExcept, visibleSessionIds } from '../entries/visible';
import { SessionRow } from './SessionRow';
import { t } from '../shared/l10n';

/** The score itself: one row per session, in the order the sessions first appeared. */
export function SessionList() {
  const order = usePodium((s) => s.score.sessionOrder);
  const agent = usePodium((s) => s.ui.agent);
  // An array compared element by element: a batch that changes no session's visibility does not
  // re-render every row.
  const shown = usePodium(useShallow((s) => visibleSessionIds(s.score, s.ui.agent)));
  useEffect(() => forgetSessionsExcept(order), [order]);

  return (
    <div className="sessions" role="list" aria-label={t('sessions.label')}>
      {shown.map((id) => (
        <SessionRow key={id} id={id} />
      ))}
      {shown.length === 0 && (
        <p className="sessions-empty" role="listitem">
          {t('sessions.noneOfAgent', { agent })}
        </p>
      )}
    </div>
  );
}
