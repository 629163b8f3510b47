import { useMemo } from 'react';
import type { InlineDiff } from '../../../src/score';
import { lineDiff, withContext } from './lineDiff';
import { t } from '../shared/l10n';
import { Codicon } from '../shared/Codicon';

/** Lines shown per file before the rest is left to the host's diff editor. */
const MAX_LINES = 1500;

/** One file's inline diff as a tool call reported it: removed lines, added lines, a little context. */
export function DiffView({ diff }: { diff: InlineDiff }) {
  const lines = useMemo(() => withContext(lineDiff(diff.oldText, diff.newText)), [diff]);
  const added = lines.filter((l) => l.op === '+').length;
  const removed = lines.filter((l) => l.op === '-').length;
  const shown = lines.slice(0, MAX_LINES);
  return (
    <figure className="diff">
      <figcaption className="diff-header">
        <Codicon name={diff.oldText === null ? 'new-file' : 'diff'} />
        <span className="diff-path">{diff.path}</span>
        {diff.oldText === null && <span className="pill tone-green">{t('diff.newFile')}</span>}
        <span className="diff-stat">
          <span className="tone-green">{t('diff.added', { count: added })}</span> <span className="tone-red">{t('diff.removed', { count: removed })}</span>
        </span>
      </figcaption>
      <pre className="diff-body" aria-label={t('diff.label', { path: diff.path, added, removed })}>
        {shown.map((line, i) =>
          line.op === 'gap' ? (
            <div key={i} className="diff-line diff-gap">
              {t('diff.unchanged', { count: line.hidden })}
            </div>
          ) : (
            <div key={i} className={`diff-line ${line.op === '+' ? 'diff-add' : line.op === '-' ? 'diff-del' : ''}`}>
              <span className="diff-op" aria-hidden="true">
                {line.op}
              </span>
              {line.text || ' '}
            </div>
          ),
        )}
        {lines.length > shown.length && <div className="diff-line diff-gap">{t('diff.notShown', { count: lines.length - shown.length })}</div>}
      </pre>
    </figure>
  );
}
