import { memo, useMemo } from 'react';
import type { Hunk } from '../../../src/score';
import { t } from '../shared/l10n';
import { describeHunk, diffRows } from './signOff';
import { Codicon } from '../shared/Codicon';

/** Rows shown per hunk; past this the diff editor is the better place (and the DOM stays small). */
const MAX_ROWS = 400;

/**
 * One hunk's lines as the editor's inline diff shows them: both line numbers, removed lines on the
 * removed-text colour, added lines on the inserted-text colour, context around them. A hunk without
 * lines (binary, mode, rename, empty file) is a sentence instead. Memoised: hunk records never
 * change in place, and a queue re-renders on every score change.
 */
export const HunkDiff = memo(function HunkDiff({ hunk }: { hunk: Hunk }) {
  const words = describeHunk(hunk);
  const rows = useMemo(() => (words === null ? diffRows(hunk) : []), [hunk, words]);
  if (words !== null) {
    return (
      <p className="so-diff-words">
        <Codicon name={hunk.kind === 'rename' ? 'arrow-right' : hunk.kind === 'mode' ? 'gear' : 'file-binary'} />
        <span>{words}</span>
      </p>
    );
  }
  const removed = rows.filter((r) => r.op === '-').length;
  const added = rows.filter((r) => r.op === '+').length;
  const shown = rows.length > MAX_ROWS ? rows.slice(0, MAX_ROWS) : rows;
  return (
    <div className="so-diff" role="group" aria-label={t('hunkDiff.label', { removed: t('hunkDiff.removed', { count: removed }), added: t('hunkDiff.added', { count: added }) })}>
      {shown.map((r, i) => (
        <div key={i} className={`so-line${r.op === '-' ? ' so-del' : r.op === '+' ? ' so-add' : ''}`}>
          <span className="so-no" aria-hidden="true">
            {r.oldNo ?? ''}
          </span>
          <span className="so-no" aria-hidden="true">
            {r.newNo ?? ''}
          </span>
          <span className="so-op" aria-hidden="true">
            {r.op === '-' ? '−' : r.op}
          </span>
          {/* Colour alone says nothing to a screen reader; the prefix does. */}
          {r.op !== ' ' && <span className="sr-only">{r.op === '-' ? 'removed: ' : 'added: '}</span>}
          <span className="so-text">{r.text || ' '}</span>
        </div>
      ))}
      {shown.length < rows.length && (
        <div className="so-line so-more">
          {t('hunkDiff.more', { count: rows.length - shown.length })}
        </div>
      )}
    </div>
  );
});
