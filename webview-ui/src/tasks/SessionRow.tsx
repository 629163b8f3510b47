import { useEffect, useId, useMemo, useRef } from 'react';
import { isLive, sessionLabel } from '../../../src/score';
import { isFilterActive } from '../entries/entryFilter';
import { duration, usd } from '../shared/format';
import { t } from '../shared/l10n';
import { runNumber, sessionLook } from './tasks';
import { usePodium } from '../app/usePodium';
import { sessionFilter } from '../entries/visible';
import { Codicon } from '../shared/Codicon';
import { EntryList, ROW_HEIGHT } from '../entries/EntryList';
import { StatusPill } from './StatusPill';

const HEADER_HEIGHT = 30;
/** Rows a session shows before it shares the remaining height with the others. */
const BASIS_ROWS = 8;
/** Rows a session keeps even when many sessions compete for the height. */
const MIN_ROWS = 4;
/** Taller than any panel: a session this long simply takes what the others leave. */
const MAX_LANE_PX = 8192;
/** The last reveal request a row acted on, so a row mounted later does not act on it again. */
let lastReveal = 0;

/** One session: a header (label, status, agent, usage) above its entries. */
export function SessionRow({ id }: { id: string }) {
  const session = usePodium((s) => s.score.sessions[id]!);
  const label = usePodium((s) => sessionLabel(s.score, s.score.sessions[id]!));
  const run = usePodium((s) => runNumber(s.score, s.score.sessions[id]!));
  const task = usePodium((s) => {
    const t = s.score.sessions[id]!.task;
    return t === undefined ? undefined : s.score.tasks[t];
  });
  const kind = usePodium((s) => s.ui.kind);
  const search = usePodium((s) => s.ui.search);
  const collapsed = usePodium((s) => s.ui.collapsed.includes(id));
  const selectedEntry = usePodium((s) => (s.ui.selection?.session === id ? s.ui.selection.entry : null));
  const toggleCollapsed = usePodium((s) => s.toggleCollapsed);
  // While a journal is still loading, sessions that end later in it look live; following them
  // would leave finished sessions scrolled to wherever the load was.
  const loading = usePodium((s) => s.expectedTotal > 0 && s.received < s.expectedTotal);
  // Only this session's reveal requests, so a reveal elsewhere does not re-render this row.
  const reveal = usePodium((s) => (s.revealRequest?.session === id ? s.revealRequest : null));
  const headingId = useId();
  const sectionRef = useRef<HTMLElement>(null);

  const filtered = useMemo(() => sessionFilter(id, session.entries, { kind, search }), [id, session.entries, kind, search]);

  // Bring the row into the sessions list's view; the entry list then scrolls within the row.
  useEffect(() => {
    if (!reveal || reveal.id <= lastReveal) return;
    lastReveal = reveal.id;
    sectionRef.current?.scrollIntoView({ block: 'nearest' });
  }, [reveal]);
  const total = session.entries.length;
  const shown = filtered.indices ? filtered.indices.length : total;
  const status = sessionLook(session, task);
  const pending = Object.keys(session.pendingPermissions).length;
  const usage = session.usage;
  const tokens = usage.inputTokens + usage.outputTokens;

  // Heights are set here rather than in CSS because they depend on the entry count: a short session
  // takes only what it needs, long ones share the rest, and none shrinks below a few rows.
  const full = HEADER_HEIGHT + Math.max(1, shown) * ROW_HEIGHT + 1;
  const sizing = collapsed
    ? undefined
    : {
        flexBasis: Math.min(full, HEADER_HEIGHT + BASIS_ROWS * ROW_HEIGHT),
        minHeight: Math.min(full, HEADER_HEIGHT + MIN_ROWS * ROW_HEIGHT),
        // Past any screen's height the cap no longer matters; keeping it constant then spares
        // every streaming session a relayout of all the rows around it.
        maxHeight: full > MAX_LANE_PX ? MAX_LANE_PX : full,
      };

  return (
    <section
      ref={sectionRef}
      className={`lane${collapsed ? ' collapsed' : ''}${pending > 0 ? ' has-pending' : ''}`}
      role="listitem"
      aria-labelledby={headingId}
      data-session={id}
      style={sizing}
    >
      <div className="lane-header">
        {/* A disclosure (aria-expanded), which a toolbar button cannot say: hand-made. */}
        <button
          type="button"
          className="icon-button lane-toggle"
          aria-expanded={!collapsed}
          aria-label={collapsed ? t('session.expand', { label }) : t('session.collapse', { label })}
          onClick={() => toggleCollapsed(id)}
        >
          <Codicon name={collapsed ? 'chevron-right' : 'chevron-down'} />
        </button>
        <h2 className="lane-label" id={headingId} title={task ? task.spec.prompt : label}>
          {label}
        </h2>
        {run !== null && (
          <span className="lane-run" title={t('session.runHint')}>
            {t('session.run', { run: String(run) })}
          </span>
        )}
        <StatusPill look={status} className="lane-status" />
        {session.agent && (
          <span className="lane-agent" title={session.command?.join(' ')}>
            <Codicon name="robot" />
            <span>{session.agent.label}</span>
          </span>
        )}
        {pending > 0 && (
          <span className="pill tone-yellow">
            <Codicon name="bell" />
            <span>{t('session.requestsWaiting', { count: pending })}</span>
          </span>
        )}
        <span className="lane-meta">
          <span className="lane-count" data-testid="lane-count">
            {isFilterActive({ kind, search }) ? t('session.entriesShown', { shown, count: total }) : t('session.entries', { count: total })}
          </span>
          {tokens > 0 && (
            <span title={t('session.tokensHint', { input: usage.inputTokens, output: usage.outputTokens })}>
              {t('session.usage', { count: tokens, cost: usd(usage.costUsd) })}
            </span>
          )}
          <span title={t('session.durationHint')}>{duration(session.lastTs - session.startedTs)}</span>
        </span>
      </div>
      {!collapsed &&
        (shown === 0 ? (
          <p className="lane-empty">{total === 0 ? t('session.noEntries') : t('session.noMatch')}</p>
        ) : (
          <EntryList
            sessionId={id}
            label={label}
            entries={session.entries}
            indices={filtered.indices}
            selectedEntry={selectedEntry}
            reveal={reveal}
            follow={isLive(session) && !loading}
          />
        ))}
    </section>
  );
}
