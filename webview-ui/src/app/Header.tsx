import { useMemo } from 'react';
import { totalUsage, pendingPermissionCount } from '../../../src/score';
import { count, usd } from '../shared/format';
import { usePodium } from './usePodium';
import { Codicon } from '../shared/Codicon';
import { t } from '../shared/l10n';

/** Where the sessions come from and what they add up to. */
export function Header() {
  const source = usePodium((s) => s.source);
  const score = usePodium((s) => s.score);
  const expected = usePodium((s) => s.expectedTotal);
  const received = usePodium((s) => s.received);
  // Totals walk the sessions (not the entries), and only when the score object changed.
  const totals = useMemo(() => totalUsage(score), [score]);
  const pending = useMemo(() => pendingPermissionCount(score), [score]);
  const loading = expected > 0 && received < expected;

  return (
    <header className="header">
      <div className="header-source">
        <Codicon name="list-flat" className="header-icon" />
        <h1 className="header-label">{source?.label ?? 'Podium'}</h1>
        {source?.folder && (
          <span className="header-folder" title={source.folder}>
            {/* The container is right-to-left so a long path is cut at its start; the path itself stays left-to-right. */}
            <span dir="ltr">{source.folder}</span>
          </span>
        )}
        {source?.readOnly && (
          <span className="pill tone-muted" title={t('header.readOnlyWhy')}>
            <Codicon name="lock" />
            <span>{t('header.readOnly')}</span>
          </span>
        )}
      </div>
      <dl className="header-stats" aria-label={t('header.totals')}>
        <div>
          <dt>{t('header.events')}</dt>
          <dd data-testid="event-count">{count(score.eventCount)}</dd>
        </div>
        <div>
          <dt>{t('header.sessions')}</dt>
          <dd>{count(score.sessionOrder.length)}</dd>
        </div>
        <div>
          <dt>{t('header.tokens')}</dt>
          <dd title={t('header.tokensSplit', { input: totals.inputTokens, output: totals.outputTokens })}>{count(totals.inputTokens + totals.outputTokens)}</dd>
        </div>
        <div>
          <dt>{t('header.cost')}</dt>
          <dd>{usd(totals.costUsd)}</dd>
        </div>
        {pending > 0 && (
          <div className="tone-yellow">
            <dt>
              <Codicon name="bell" /> {t('header.waiting')}
            </dt>
            <dd>{t('header.permissionRequests', { count: pending })}</dd>
          </div>
        )}
      </dl>
      {loading && (
        <div
          className="progress"
          role="progressbar"
          aria-label={t('header.loading')}
          aria-valuemin={0}
          aria-valuemax={expected}
          aria-valuenow={received}
          aria-valuetext={t('header.loadingProgress', { received, expected })}
        >
          <div className="progress-fill" style={{ width: `${(100 * received) / expected}%` }} />
        </div>
      )}
    </header>
  );
}
