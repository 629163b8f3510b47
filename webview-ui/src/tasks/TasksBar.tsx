import './tasks.css';
import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import VscodeTextfield from '@vscode-elements/react-elements/dist/components/VscodeTextfield.js';
import type { HostConfig } from '../../../src/protocol';
import { hunkWarnings, hunksAwaitingSignOff, visibleWarnings, type ScoreState, type WarningSeverity } from '../../../src/score';
import { useSignOffUi } from '../sign-off/signOffUi';
import { count, usd } from '../shared/format';
import { t } from '../shared/l10n';
import { gate, ledger, taskActions, taskLook, tokens, type Action, type Gate, type TaskRow } from './tasks';
import { usePodium } from '../app/usePodium';
import { COMPACT, TINY, useMedia } from '../shared/useMedia';
import { Button } from '../shared/Button';
import { ToolbarButton } from '../shared/ToolbarButton';
import { Codicon } from '../shared/Codicon';
import { NewTaskForm } from './NewTaskForm';
import { StatusPill } from './StatusPill';
import { HeldBy } from './HeldBy';

/**
 * The conductor's desk: every task with its state, what it has cost so far, and the intents it
 * accepts now (stop, cancel, restart, follow up), plus the form that hands out a new one. Nothing
 * here changes the score: each button posts an intent and the host answers with events.
 */
export function TasksBar() {
  const score = usePodium((s) => s.score);
  const config = usePodium((s) => s.config);
  const source = usePodium((s) => s.source);
  const open = usePodium((s) => s.ui.tasksOpen);
  const formOpen = usePodium((s) => s.taskFormOpen);
  const toggleSection = usePodium((s) => s.toggleSection);
  const setFormOpen = usePodium((s) => s.setTaskFormOpen);
  const headingId = useId();
  const reasonId = useId();
  const newButton = useRef<HTMLElement>(null);

  // Walks sessions and tasks (tens), never entries, and only when the score changed.
  const book = useMemo(() => ledger(score), [score]);
  const replaying = usePodium((s) => s.playhead !== null);
  const g = useMemo(() => gate(config, source, replaying), [config, source, replaying]);
  const summary = useMemo(() => summarise(book.rows), [book.rows]);
  const scoreWarnings = usePodium((s) => s.score.warnings);
  const hunks = usePodium((s) => s.score.hunks);
  const hunkOrder = usePodium((s) => s.score.hunkOrder);
  const warningOrder = usePodium((s) => s.score.warningOrder);
  const warnings = useMemo(() => taskWarningCounts({ warnings: scoreWarnings, warningOrder, hunks, hunkOrder }), [scoreWarnings, warningOrder, hunks, hunkOrder]);

  // Focus goes back to New Task once the form has closed and the button is enabled again.
  const refocus = useRef(false);
  const closeForm = () => {
    refocus.current = true;
    setFormOpen(false);
  };
  useEffect(() => {
    if (formOpen || !refocus.current) return;
    refocus.current = false;
    // The button was disabled while the form was open; vscode-button enables itself (and becomes
    // focusable) in its own update, after this effect.
    const button = newButton.current as (HTMLElement & { updateComplete?: Promise<unknown> }) | null;
    void (button?.updateComplete ?? Promise.resolve()).then(() => button?.focus());
  }, [formOpen]);

  return (
    <section className="section tasks" aria-labelledby={headingId} data-testid="tasks">
      <div className="section-header">
        {/* Hand-made: it holds the section's heading and says aria-expanded, neither of which a toolbar button can. */}
        <button
          type="button"
          className="section-toggle"
          aria-expanded={open}
          onClick={() => toggleSection('tasks')}
          title={open ? t('tasks.hide') : t('tasks.show')}
        >
          <Codicon name={open ? 'chevron-down' : 'chevron-right'} />
          <h2 id={headingId}>{t('tasks.heading')}</h2>
        </button>
        {book.rows.length > 0 && <span className="badge">{count(book.rows.length)}</span>}
        {summary && <span className="section-summary">{summary}</span>}
        <span className="section-spacer" />
        {g.reason && !g.run && (
          <span className="gate-reason" id={reasonId} data-testid="task-gate" title={g.reason}>
            <Codicon name={config && !config.trusted ? 'shield' : source?.readOnly ? 'lock' : 'info'} />
            <span>{g.reason}</span>
          </span>
        )}
        {config && g.run && (
          <span className="section-summary" title={t('tasks.concurrencyHint')}>
            {t('tasks.concurrency', { count: config.maxConcurrentAgents })}
          </span>
        )}
        <Button
          buttonRef={newButton}
          small
          icon="add"
          disabled={!g.run || formOpen}
          aria-describedby={g.run ? undefined : reasonId}
          onClick={() => {
            if (!open) toggleSection('tasks');
            setFormOpen(true);
          }}
        >
          {t('tasks.new')}
        </Button>
      </div>
      {open && (
        <div className="section-body tasks-body">
          {formOpen && g.run && config && <NewTaskForm config={config} rows={book.rows} onClose={closeForm} />}
          {book.rows.length === 0 && book.untaskedSessions === 0 ? (
            !formOpen && <p className="section-empty">{t('tasks.empty')}</p>
          ) : (
            <TaskTable rows={book.rows} book={book} g={g} config={config} warnings={warnings} />
          )}
        </div>
      )}
    </section>
  );
}

function summarise(rows: TaskRow[]): string {
  const counts = { running: 0, queued: 0, finished: 0 };
  for (const r of rows) {
    if (r.task.status === 'running') counts.running++;
    else if (r.task.status === 'finished') counts.finished++;
    else counts.queued++;
  }
  const parts: string[] = [];
  if (counts.running) parts.push(t('tasks.summary.running', { count: counts.running }));
  if (counts.queued) parts.push(t('tasks.summary.queued', { count: counts.queued }));
  if (counts.finished) parts.push(t('tasks.summary.finished', { count: counts.finished }));
  return parts.join(t('list.separator'));
}

/** Per task: its visible warnings by severity, and the first waiting hunk that carries one (what a click shows). */
interface TaskWarnings {
  counts: Record<WarningSeverity, number>;
  first?: string;
}

function taskWarningCounts(score: Pick<ScoreState, 'warnings' | 'warningOrder' | 'hunks' | 'hunkOrder'>): Map<string, TaskWarnings> {
  const out = new Map<string, TaskWarnings>();
  for (const w of visibleWarnings(score)) {
    let t = out.get(w.task);
    if (!t) out.set(w.task, (t = { counts: { error: 0, warning: 0, info: 0 } }));
    t.counts[w.severity] += 1;
  }
  for (const h of hunksAwaitingSignOff(score)) {
    const t = out.get(h.task);
    if (t && t.first === undefined && hunkWarnings(score, h).length > 0) t.first = h.hunk.id;
  }
  return out;
}

function TaskTable({ rows, book, g, config, warnings }: { rows: TaskRow[]; book: ReturnType<typeof ledger>; g: Gate; config: HostConfig | null; warnings: Map<string, TaskWarnings> }) {
  const titles = useMemo(() => new Map(rows.map((r) => [r.id, r.task.spec.title])), [rows]);
  // A panel under 1080 px keeps the task, its state, tokens, actions and follow-up; the agent and
  // the cost move into the tokens cell's tooltip. Under 560 px the follow-up box is shown only for
  // a task that waits for input, on a line of its own.
  const wide = !useMedia(COMPACT);
  const tiny = useMedia(TINY);
  return (
    <table className="tasks-table" aria-label={t('tasks.table')}>
      <thead>
        <tr>
          <th scope="col">{t('tasks.col.task')}</th>
          <th scope="col" className="col-state">
            {t('tasks.col.state')}
          </th>
          {wide && (
            <th scope="col" className="col-agent">
              {t('tasks.col.agent')}
            </th>
          )}
          <th scope="col" className="num col-tokens">
            {t('tasks.col.tokens')}
          </th>
          {wide && (
            <th scope="col" className="num col-cost">
              {t('tasks.col.cost')}
            </th>
          )}
          <th scope="col" className="col-actions">
            <span className="sr-only">{t('tasks.col.actions')}</span>
          </th>
          {!tiny && (
            <th scope="col" className="col-followup">
              {t('tasks.col.followUp')}
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <TaskRowView key={row.id} row={row} g={g} config={config} titles={titles} wide={wide} tiny={tiny} warnings={warnings.get(row.id)} />
        ))}
        {book.untaskedSessions > 0 && (
          <tr className="task-row untasked">
            <th scope="row" className="task-title muted">
              {t('tasks.untasked', { count: book.untaskedSessions })}
            </th>
            <td />
            {wide && <td />}
            <td className="num" title={usd(book.untasked.costUsd)}>
              {count(tokens(book.untasked))}
            </td>
            {wide && <td className="num">{usd(book.untasked.costUsd)}</td>}
            <td />
            {!tiny && <td className="col-followup" />}
          </tr>
        )}
      </tbody>
      <tfoot>
        <tr data-testid="ledger-total">
          <th scope="row">{t('tasks.total')}</th>
          <td colSpan={wide ? 2 : 1} />
          <td className="num" title={t('tasks.totalHint', { input: book.total.inputTokens, output: book.total.outputTokens, cost: usd(book.total.costUsd) })}>
            {count(tokens(book.total))}
          </td>
          {wide && <td className="num">{usd(book.total.costUsd)}</td>}
          {/* One ledger whatever the agent: the same totals split by agent kind. */}
          <td
            colSpan={tiny ? 1 : 2}
            className="ledger-kinds"
            title={book.byKind.map((k) => t('tasks.kindHint', { agent: k.label, tokens: tokens(k.usage), cost: usd(k.usage.costUsd) })).join('\n')}
          >
            {book.byKind.length > 1 &&
              book.byKind.map((k) => (
                <span key={k.kind}>
                  {t('tasks.kindCost', { agent: k.label, cost: usd(k.usage.costUsd) })}
                </span>
              ))}
          </td>
        </tr>
      </tfoot>
    </table>
  );
}

function TaskRowView({ row, g, config, titles, wide, tiny, warnings }: { row: TaskRow; g: Gate; config: HostConfig | null; titles: Map<string, string>; wide: boolean; tiny: boolean; warnings?: TaskWarnings }) {
  const post = usePodium((s) => s.post);
  const revealSession = usePodium((s) => s.revealSession);
  const holder = usePodium((s) => s.holders[row.id]);
  const { task } = row;
  const spec = task.spec;
  const actions = taskActions(row, g, holder);
  const look = taskLook(row);
  const agent = row.current?.agent?.label ?? config?.profiles.find((p) => p.id === spec.agent)?.label ?? spec.agent;
  const used = tokens(row.usage);
  const budgets = spec.budgets;
  const waitsFor = (spec.waitsFor ?? []).map((id) => titles.get(id) ?? id);
  const stateHint = [task.reason, task.status !== 'finished' && waitsFor.length ? t('tasks.waitsFor', { tasks: waitsFor.join(t('list.comma')) }) : ''].filter(Boolean).join(t('list.sentences'));

  const main = (
    <tr className={`task-row status-${task.status}`} data-task={row.id}>
      <th scope="row" className="task-title">
        {row.current ? (
          <button type="button" className="link-button" title={t('tasks.showSession', { prompt: spec.prompt })} onClick={() => revealSession(row.current!.id)}>
            {spec.title}
          </button>
        ) : (
          <span title={spec.prompt}>{spec.title}</span>
        )}
        {warnings && <WarningBadge title={spec.title} warnings={warnings} />}
        {task.status !== 'finished' && waitsFor.length > 0 && <span className="task-after muted">{t('tasks.after', { tasks: waitsFor.join(t('list.comma')) })}</span>}
      </th>
      <td title={stateHint || undefined}>
        <StatusPill look={look} className="task-state" />
      </td>
      {wide && (
        <td className="col-agent">
          <span className="task-agent">
            <Codicon name="robot" />
            <span>{agent}</span>
          </span>
        </td>
      )}
      <td
        className="num"
        title={
          t('tasks.usageHint', { agent, input: row.usage.inputTokens, output: row.usage.outputTokens, cost: usd(row.usage.costUsd) }) +
          (budgets?.tokens !== undefined ? t('tasks.budgetTokens', { count: budgets.tokens }) : '') +
          (budgets?.costUsd !== undefined ? t('tasks.budgetCost', { cost: usd(budgets.costUsd) }) : '')
        }
      >
        <span className={budgets?.tokens && used >= budgets.tokens ? 'tone-orange' : undefined}>{count(used)}</span>
        {budgets?.tokens !== undefined && <span className="muted budget-of"> / {count(budgets.tokens)}</span>}
      </td>
      {wide && (
        <td className="num">
          <span className={budgets?.costUsd && row.usage.costUsd >= budgets.costUsd ? 'tone-orange' : undefined}>{usd(row.usage.costUsd)}</span>
          {budgets?.costUsd !== undefined && <span className="muted"> / {usd(budgets.costUsd)}</span>}
        </td>
      )}
      <td className="task-actions">
        {holder ? (
          // Another window runs it: nothing here could work but taking it over.
          <HeldBy task={row.id} title={spec.title} holder={holder} />
        ) : (
          <>
            <ActionButton icon="debug-stop" verb={t('tasks.stop')} label={t('tasks.stopLabel', { title: spec.title })} action={actions.stop} onClick={() => post({ type: 'task/stop', task: row.id })} />
            <ActionButton icon="circle-slash" verb={t('tasks.cancel')} label={t('tasks.cancelLabel', { title: spec.title })} action={actions.cancel} onClick={() => post({ type: 'task/cancel', task: row.id })} />
            <ActionButton icon="debug-restart" verb={t('tasks.restart')} label={t('tasks.restartLabel', { title: spec.title })} action={actions.restart} onClick={() => post({ type: 'task/restart', task: row.id })} />
          </>
        )}
      </td>
      {!tiny && (
        <td className="col-followup">
          <FollowUp task={row.id} title={spec.title} action={actions.followUp} />
        </td>
      )}
    </tr>
  );
  if (!tiny || !actions.followUp.enabled) return main;
  return (
    <>
      {main}
      <tr className="task-followup-row" data-task={row.id}>
        <td colSpan={4}>
          <FollowUp task={row.id} title={spec.title} action={actions.followUp} />
        </td>
      </tr>
    </>
  );
}

function ActionButton({ icon, verb, label, action, onClick }: { icon: string; verb: string; label: string; action: Action; onClick: () => void }) {
  return (
    <ToolbarButton icon={icon} label={label} title={t('tasks.actionHint', { verb, hint: action.hint })} disabled={!action.enabled} onClick={onClick} />
  );
}

/** A one-line follow-up prompt; Enter sends it. Disabled (with why) unless the agent is waiting. */
function FollowUp({ task, title, action }: { task: string; title: string; action: Action }) {
  const post = usePodium((s) => s.post);
  const [text, setText] = useState('');
  const send = (e?: FormEvent) => {
    e?.preventDefault();
    const trimmed = text.trim();
    if (!action.enabled || trimmed === '') return;
    post({ type: 'task/followUp', task, text: trimmed.slice(0, 100_000) });
    setText('');
  };
  return (
    <form className="followup" onSubmit={send}>
      <VscodeTextfield
        className="followup-input"
        label={t('tasks.followUpFor', { title })}
        aria-label={t('tasks.followUpFor', { title })}
        placeholder={action.enabled ? t('tasks.followUpPlaceholder') : t('tasks.followUpOff')}
        title={action.hint}
        disabled={!action.enabled}
        value={text}
        onInput={(e) => setText((e.target as HTMLElement & { value: string }).value)}
        onKeyDown={(e) => {
          // Handled here rather than by implicit submission, which a shadow-DOM input may or may
          // not trigger; preventing the default keeps it from sending twice where it does.
          if (e.key === 'Enter') {
            e.preventDefault();
            send();
          }
        }}
      />
      {/* Its button sits in a shadow root, outside this form: it submits the form itself. */}
      <ToolbarButton
        icon="send"
        label={t('tasks.sendTo', { title })}
        title={t('tasks.sendHint')}
        disabled={!action.enabled || text.trim() === ''}
        onClick={(e) => e.currentTarget.closest('form')?.requestSubmit()}
      />
    </form>
  );
}

/** A task's warnings at a glance; a click shows the first warned hunk in the sign-off queue. */
function WarningBadge({ title, warnings }: { title: string; warnings: TaskWarnings }) {
  const select = useSignOffUi((s) => s.select);
  const { error, warning, info } = warnings.counts;
  const total = error + warning + info;
  const tone = error > 0 ? 'tone-red' : warning > 0 ? 'tone-yellow' : 'tone-blue';
  const words = [error && t('tasks.warnings.errors', { count: error }), warning && t('tasks.warnings.warnings', { count: warning }), info && t('tasks.warnings.notes', { count: info })].filter(Boolean).join(t('list.comma'));
  return (
    <button
      type="button"
      className={`pill task-warnings ${tone}`}
      data-testid="task-warnings"
      title={warnings.first ? t('tasks.warnings.hintShow', { words, title }) : t('tasks.warnings.hint', { words, title })}
      aria-label={t('tasks.warnings.label', { words, title })}
      disabled={warnings.first === undefined}
      onClick={() => warnings.first && select(warnings.first, true)}
    >
      <Codicon name={error > 0 ? 'error' : warning > 0 ? 'warning' : 'info'} />
      <span>{count(total)}</span>
    </button>
  );
}
