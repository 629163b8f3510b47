import './entries.css';
import { useId, useMemo, type ReactNode } from 'react';
import { sessionLabel, type Entry, type PlanItem } from '../../../src/score';
import { fullTime } from '../shared/format';
import { entryIcon, entryStatus, entryTone, kindLabel } from './kinds';
import { t, type MessageKey } from '../shared/l10n';
import { indexOfEntry } from './selection';
import { usePodium } from '../app/usePodium';
import { Codicon } from '../shared/Codicon';
import { DiffView } from '../sign-off/DiffView';
import { PermissionOptions } from '../permissions/PermissionOptions';
import { StatusPill } from '../tasks/StatusPill';
import { ToolInput } from './ToolInput';
import { ToolbarButton } from '../shared/ToolbarButton';

/** Kinds whose text is program output or code, shown in the editor font without reflowing. */
const MONO_TEXT = new Set<Entry['kind']>(['command', 'tool', 'output', 'unreadable', 'lifecycle']);

/**
 * Everything the score knows about the selected entry. It re-renders as the entry changes (a tool
 * call finishing, a message still streaming), because it reads the entry from the live score.
 */
export function EntryDetail() {
  const selection = usePodium((s) => s.ui.selection);
  const session = usePodium((s) => (s.ui.selection ? s.score.sessions[s.ui.selection.session] : undefined));
  const label = usePodium((s) => (session ? sessionLabel(s.score, session) : ''));
  const readOnly = usePodium((s) => s.source?.readOnly === true);
  const replaying = usePodium((s) => s.playhead !== null);
  const select = usePodium((s) => s.select);
  const headingId = useId();

  const { entry, request } = useMemo(() => {
    if (!session || !selection) return { entry: undefined, request: undefined };
    const index = indexOfEntry(session.entries, selection.entry);
    // The score maps a pending request to its entry's index; the answer needs the request id.
    const pending = Object.entries(session.pendingPermissions).find(([, i]) => i === index);
    return { entry: session.entries[index], request: pending?.[0] };
  }, [session, selection]);

  if (!selection) return null;

  const close = () => {
    select(null);
    // Hand focus back to the row the detail belonged to, so the keyboard user keeps their place.
    const row = document.querySelector<HTMLElement>(
      `[data-session="${CSS.escape(selection.session)}"] [data-entry="${CSS.escape(selection.entry)}"]`,
    );
    row?.focus();
  };

  return (
    <aside
      className="detail"
      aria-labelledby={headingId}
      data-testid="entry-detail"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          close();
        }
      }}
    >
      <div className="detail-toolbar">
        {entry ? (
          <span className={`detail-kind tone-${entryTone(entry)}`}>
            <Codicon name={entryIcon(entry)} />
            <span>{kindLabel(entry.kind)}</span>
          </span>
        ) : (
          <span />
        )}
        <ToolbarButton icon="close" label={t('detail.close')} title={t('detail.closeHint')} onClick={close} />
      </div>
      {entry ? (
        <EntryBody
          entry={entry}
          sessionLabel={label}
          headingId={headingId}
          answer={
            request !== undefined && selection
              ? { session: selection.session, request, disabledReason: replaying ? t('replay.readOnly') : readOnly ? t('detail.readOnly') : null }
              : undefined
          }
        />
      ) : (
        <div className="detail-body">
          <h2 id={headingId} className="detail-title">
            {t('detail.missing')}
          </h2>
          <p className="muted">{t('detail.missingHint')}</p>
        </div>
      )}
    </aside>
  );
}

interface Answerable {
  session: string;
  request: string;
  disabledReason: string | null;
}

function EntryBody({ entry, sessionLabel, headingId, answer }: { entry: Entry; sessionLabel: string; headingId: string; answer?: Answerable }) {
  const status = entryStatus(entry);
  const showText = entry.text !== '' && !(entry.command && entry.text === entry.command.join(' ')) && entry.kind !== 'plan';
  return (
    <div className="detail-body">
      <h2 id={headingId} className="detail-title">
        {entry.title || t('detail.untitled')}
      </h2>
      <dl className="facts">
        <Fact name={t('detail.session')}>{sessionLabel}</Fact>
        <Fact name={t('detail.time')}>
          {fullTime(entry.ts)}
          {entry.updatedTs !== entry.ts && <span className="muted">{t('detail.updated', { time: fullTime(entry.updatedTs) })}</span>}
        </Fact>
        <Fact name={t('detail.sequence')}>{t('detail.seq', { seq: String(entry.seq) })}</Fact>
        {status && (
          <Fact name={t('detail.status')}>
            <StatusPill look={status} />
          </Fact>
        )}
        {entry.status && !status && <Fact name={t('detail.status')}>{entry.status}</Fact>}
        {entry.toolKind && <Fact name={t('detail.toolKind')}>{entry.toolKind}</Fact>}
        {entry.level && entry.kind !== 'error' && <Fact name={t('detail.level')}>{entry.level}</Fact>}
        {entry.exitCode !== undefined && <Fact name={t('detail.exitCode')}>{entry.exitCode === null ? t('detail.killed') : entry.exitCode}</Fact>}
      </dl>

      {entry.command && (
        <Section title={t('detail.command')}>
          <pre className="code">
            <span className="muted">$ </span>
            {entry.command.join(' ')}
          </pre>
        </Section>
      )}

      {entry.plan && (
        <Section title={t('detail.plan')}>
          <PlanList items={entry.plan} />
        </Section>
      )}

      {entry.options && entry.options.length > 0 && answer && (
        <Section title={t('detail.answer')}>
          <PermissionOptions
            session={answer.session}
            request={answer.request}
            options={entry.options}
            subject={entry.title}
            disabledReason={answer.disabledReason}
          />
        </Section>
      )}

      {entry.options && entry.options.length > 0 && !answer && (
        <Section title={t('detail.options')}>
          <ul className="options">
            {entry.options.map((o) => (
              <li key={o.id}>
                <Codicon name={o.kind.startsWith('allow') ? 'check' : o.kind.startsWith('reject') ? 'close' : 'circle-outline'} />
                <span className="option-name">{o.name}</span>
                <span className="muted">{o.kind.replace('_', ' ')}</span>
              </li>
            ))}
          </ul>
          <p className="muted answer">
            {entry.status === 'pending' ? t('detail.waitingAnswer') : t('detail.answered', { answer: entry.text })}
          </p>
        </Section>
      )}

      {entry.locations && entry.locations.length > 0 && (
        <Section title={t('detail.locations', { count: entry.locations.length })}>
          <ul className="locations">
            {entry.locations.map((l, i) => (
              <li key={i}>
                <Codicon name="file" />
                <span className="path">
                  {l.path}
                  {l.line !== undefined && <span className="muted">:{l.line}</span>}
                </span>
              </li>
            ))}
          </ul>
        </Section>
      )}

      {entry.diffs && entry.diffs.length > 0 && (
        <Section title={t('detail.changes', { count: entry.diffs.length })}>
          {entry.diffs.map((d, i) => (
            <DiffView key={`${d.path}:${i}`} diff={d} />
          ))}
        </Section>
      )}

      {entry.input !== undefined &&
        (entry.diffs && entry.diffs.length > 0 ? (
          // The diff above already shows what the input says; keep the raw input one click away.
          <details className="detail-section">
            <summary>
              <h3>{t('detail.input')}</h3>
            </summary>
            <ToolInput input={entry.input} />
          </details>
        ) : (
          <Section title={t('detail.input')}>
            <ToolInput input={entry.input} />
          </Section>
        ))}

      {showText && entry.kind !== 'permission' && (
        <Section title={t(textHeading(entry))}>
          <pre className={MONO_TEXT.has(entry.kind) ? 'code' : 'prose'} data-testid="entry-text">
            {entry.text}
          </pre>
          {entry.truncated && <p className="muted">{t('detail.truncated')}</p>}
        </Section>
      )}
    </div>
  );
}

function Fact({ name, children }: { name: string; children: ReactNode }) {
  return (
    <div className="fact">
      <dt>{name}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="detail-section">
      <h3>{title}</h3>
      {children}
    </section>
  );
}

function PlanList({ items }: { items: PlanItem[] }) {
  return (
    <ol className="plan">
      {items.map((item, i) => (
        <li key={i} className={`plan-item plan-${item.status}`}>
          <Codicon name={item.status === 'completed' ? 'pass-filled' : item.status === 'in_progress' ? 'circle-large-filled' : 'circle-large-outline'} />
          <span className="plan-content">{item.content}</span>
          <span className="sr-only">{t('detail.planStatus', { status: item.status.replace('_', ' ') })}</span>
          {item.priority && <span className={`pill tone-${item.priority === 'high' ? 'red' : 'muted'}`}>{item.priority}</span>}
        </li>
      ))}
    </ol>
  );
}

function textHeading(entry: Entry): MessageKey {
  switch (entry.kind) {
    case 'message':
      return 'entries.kind.message';
    case 'thought':
      return 'entries.kind.thought';
    case 'prompt':
      return 'entries.kind.prompt';
    case 'tool':
    case 'command':
    case 'output':
      return 'entries.kind.output';
    case 'error':
    case 'unreadable':
      return 'detail.details';
    default:
      return 'detail.text';
  }
}
