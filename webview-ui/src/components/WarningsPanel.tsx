import { useId, useMemo, useState } from 'react';
import '../signOff.css';
import { plural } from '../format';
import { allWarnings, SEVERITY_ICON, type ListedWarning, type WarningKind } from '../signOff';
import { useSignOffUi } from '../signOffUi';
import { useSignOffScore } from '../useSignOff';
import { Codicon } from './Codicon';

const HEADING: Record<WarningKind, string> = {
  conflict: 'Conflicts',
  overlap: 'Overlaps between tasks',
  stale: 'Regions you edited',
};

/**
 * Every warning on an undecided hunk, the most urgent kind first (a conflict, then an overlap, then
 * a region the engineer edited), each a link that selects its hunk in the sign-off queue and puts
 * the keyboard there. Derived from the score's hunks; renders nothing while there is no warning.
 */
export function WarningsPanel() {
  const score = useSignOffScore();
  const warnings = useMemo(() => allWarnings(score), [score]);
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
        <button type="button" className="section-toggle" aria-expanded={open} onClick={() => setOpen(!open)} title={open ? 'Hide the warnings' : 'Show the warnings'}>
          <Codicon name={open ? 'chevron-down' : 'chevron-right'} />
          <h2 id={headingId}>Warnings</h2>
        </button>
        <span className="badge" data-testid="warnings-count">
          {warnings.length}
        </span>
        <span className="section-summary">{errors > 0 ? `${plural(errors, 'conflict')} to resolve first` : 'decide these hunks one by one'}</span>
      </div>
      {open && (
        <div className="section-body so-wp-body">
          {groups.map(([kind, list]) => (
            <div key={kind} className="so-wp-group" role="group" aria-label={`${HEADING[kind]}: ${list.length}`}>
              <h3 className="so-wp-heading">
                {HEADING[kind]} <span className="muted">{list.length}</span>
              </h3>
              <ul className="so-wp-list">
                {list.map((w, i) => (
                  <li key={`${w.hunk}/${w.kind}/${i}`}>
                    <button
                      type="button"
                      className={`so-wp-item ${w.severity}${selected === w.hunk ? ' current' : ''}`}
                      data-warning={w.kind}
                      data-hunk={w.hunk}
                      title={`Show this hunk in the sign-off queue: ${w.path} ${w.place}`}
                      onClick={() => select(w.hunk, true)}
                    >
                      <Codicon name={SEVERITY_ICON[w.severity]} className="so-wp-icon" />
                      <span className="so-wp-text">{w.text}</span>
                      <span className="so-wp-where">
                        <span className="so-wp-path">
                          {w.path} <span className="muted">{w.place}</span>
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
