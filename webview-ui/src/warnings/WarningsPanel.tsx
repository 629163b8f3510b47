import { useId, useMemo, useState } from 'react';
import './warnings.css';
import type { WarningKind } from '../../../src/score';
import { allWarnings, signOffQueue, SEVERITY_ICON, type ListedWarning } from '../sign-off/signOff';
import { useSignOffUi } from '../sign-off/signOffUi';
import { useSignOffScore } from '../sign-off/useSignOff';
import { Codicon } from '../shared/Codicon';
import { t } from '../shared/l10n';

const heading = (kind: WarningKind) => t(`warnings.kind.${kind}`);

/**
 * Every warning the engineer should act on, the most urgent first (errors, then warnings, then
 * notes; within them a conflict, a broken rule, an overlap, a region the engineer edited), each a link
 * that selects its hunk (or the first hunk of its file or task) in the sign-off queue and puts the
 * keyboard there. Derived from the score; renders nothing while there is no warning.
 */
export function WarningsPanel() {
  const score = useSignOffScore();
  const warnings = useMemo(() => allWarnings(score), [score]);
  const order = useMemo(() => signOffQueue(score).order, [score]);
  /** The hunk a warning points at: its own, else the first waiting hunk of its file, else of its task. */
  const target = (w: ListedWarning): string | null =>
    w.hunk ?? order.find((h) => h.task === w.task && (w.path === undefined || h.hunk.path === w.path))?.hunk.id ?? null;
  const select = useSignOffUi((s) => s.select);
  const selected = useSignOffUi((s) => s.selected);
  const [open, setOpen] = useState(true);
  const headingId = useId();
  if (warnings.length === 0) return null;

  const groups: [WarningKind, ListedWarning[]][] = [];
  for (const w of warnings) {
    const last = groups[groups.length - 1];
    if (last && last[0] === w.kind) last[1].push(w);
    else groups.push([w.kind, [w]]);
  }
  const errors = warnings.filter((w) => w.severity === 'error').length;

  return (
    <section className="section so-warnings-panel" aria-labelledby={headingId} data-testid="warnings-panel">
      <div className="section-header">
        {/* Hand-made: it holds the section's heading and says aria-expanded, neither of which a toolbar button can. */}
        <button type="button" className="section-toggle" aria-expanded={open} onClick={() => setOpen(!open)} title={open ? t('warnings.hide') : t('warnings.show')}>
          <Codicon name={open ? 'chevron-down' : 'chevron-right'} />
          <h2 id={headingId}>{t('warnings.heading')}</h2>
        </button>
        <span className="badge" data-testid="warnings-count">
          {warnings.length}
        </span>
        <span className="section-summary">{errors > 0 ? t('warnings.errorsFirst', { count: errors }) : t('warnings.oneByOne')}</span>
      </div>
      {open && (
        <div className="section-body so-wp-body">
          {groups.map(([kind, list]) => (
            <div key={kind} className="so-wp-group" role="group" aria-label={t('warnings.group', { heading: heading(kind), count: list.length })}>
              <h3 className="so-wp-heading">
                {heading(kind)} <span className="muted">{list.length}</span>
              </h3>
              <ul className="so-wp-list">
                {list.map((w) => (
                  <li key={w.id}>
                    {/* A row of text that is itself the action: a plain button, as a list row is. */}
                    <button
                      type="button"
                      className={`so-wp-item ${w.severity}${w.hunk !== undefined && selected === w.hunk ? ' current' : ''}`}
                      data-warning={w.kind}
                      data-hunk={w.hunk}
                      data-rule={w.rule}
                      title={t('warnings.showInQueue', { where: w.path ?? w.taskTitle, place: w.place })}
                      onClick={() => {
                        const id = target(w);
                        if (id !== null) select(id, true);
                      }}
                    >
                      <Codicon name={SEVERITY_ICON[w.severity]} className="so-wp-icon" />
                      <span className="so-wp-text">{w.text}</span>
                      <span className="so-wp-where">
                        <span className="so-wp-path">
                          {w.path ?? ''} <span className="muted">{w.place}</span>
                        </span>
                        <span className="so-wp-task">{w.taskTitle}</span>
                      </span>
                    </button>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </div>
      )}
    </section>
  );
}
