import './permissions.css';
import { useMemo } from 'react';
import { sessionLabel, type Entry, type ScoreState } from '../../../src/score';
import { clockTime, fullTime } from '../shared/format';
import { usePodium } from '../app/usePodium';
import { Codicon } from '../shared/Codicon';
import { PermissionOptions } from './PermissionOptions';
import { t } from '../shared/l10n';
import { ToolbarButton } from '../shared/ToolbarButton';

export interface PendingPermission {
  session: string;
  request: string;
  label: string;
  entry: Entry;
}

/** Every request waiting for the engineer, oldest first: the agent that asked first has waited longest. */
export function pendingPermissions(score: ScoreState): PendingPermission[] {
  const out: PendingPermission[] = [];
  for (const id of score.sessionOrder) {
    const session = score.sessions[id]!;
    for (const [request, index] of Object.entries(session.pendingPermissions)) {
      const entry = session.entries[index];
      if (entry) out.push({ session: id, request, label: sessionLabel(score, session), entry });
    }
  }
  return out.sort((a, b) => a.entry.ts - b.entry.ts);
}

/**
 * The agents' questions, at the top where they cannot be missed, each answerable in place. Filters
 * never hide them: an agent blocked on a question is blocked whatever the engineer is looking at.
 */
export function PermissionStrip() {
  const score = usePodium((s) => s.score);
  const readOnly = usePodium((s) => s.source?.readOnly === true);
  const replaying = usePodium((s) => s.playhead !== null);
  const reveal = usePodium((s) => s.reveal);
  const pending = useMemo(() => pendingPermissions(score), [score]);
  if (pending.length === 0) return null;
  const reason = replaying ? t('replay.readOnly') : readOnly ? t('permissions.readOnly') : null;

  return (
    <section className="permissions" aria-label={t('permissions.label')} data-testid="permission-strip">
      <p className="permissions-title">
        <Codicon name="shield" />
        <span>{t('permissions.title', { count: pending.length })}</span>
        {reason && <span className="muted"> · {reason}</span>}
      </p>
      <ul className="permissions-list">
        {pending.map((p) => (
          <li key={`${p.session}/${p.request}`} className="permission" data-session={p.session} data-request={p.request}>
            <span className="permission-what">
              <span className="permission-session">{p.label}</span>
              <span className="permission-title" title={p.entry.title}>
                {p.entry.title}
              </span>
              <span className="permission-time muted" title={fullTime(p.entry.ts)}>
                {clockTime(p.entry.ts)}
              </span>
            </span>
            <PermissionOptions session={p.session} request={p.request} options={p.entry.options ?? []} subject={p.entry.title} disabledReason={reason} />
            <ToolbarButton icon="go-to-file" label={t('permissions.show', { title: p.entry.title })} title={t('permissions.showHint')} onClick={() => reveal({ session: p.session, entry: p.entry.id })} />
          </li>
        ))}
      </ul>
    </section>
  );
}
