import { memo } from 'react';
import type { Entry } from '../../../src/score';
import { clockTime, fullTime } from '../shared/format';
import { entryExcerpt, entryIcon, entryStatus, entryTone, kindLabel } from './kinds';
import { t } from '../shared/l10n';
import { Codicon } from '../shared/Codicon';
import { StatusPill } from '../tasks/StatusPill';

interface Props {
  entry: Entry;
  /** Position among the shown entries (0-based), for keyboard moves and aria-posinset. */
  pos: number;
  start: number;
  selected: boolean;
  tabbable: boolean;
  onOpen: (pos: number) => void;
}

/**
 * One line of a session: time, kind (icon and word), title, and a status when there is one. Its
 * aria-setsize is set by the list (EntryList), which changes it without re-rendering the row.
 */
export const EntryRow = memo(function EntryRow({ entry, pos, start, selected, tabbable, onOpen }: Props) {
  const status = entryStatus(entry);
  const excerpt = entryExcerpt(entry);
  return (
    <div
      role="option"
      className={`entry${selected ? ' selected' : ''}${entry.kind === 'permission' && entry.status === 'pending' ? ' pending' : ''}`}
      aria-selected={selected}
      aria-posinset={pos + 1}
      tabIndex={tabbable ? 0 : -1}
      data-pos={pos}
      data-entry={entry.id}
      data-kind={entry.kind}
      style={{ transform: `translateY(${start}px)` }}
      onClick={() => onOpen(pos)}
    >
      <span className="entry-time" title={fullTime(entry.ts)}>
        {clockTime(entry.ts)}
      </span>
      <span className="entry-kind">
        <Codicon name={entryIcon(entry)} className={`tone-${entryTone(entry)}`} />
        <span className="entry-kind-label">{kindLabel(entry.kind)}</span>
      </span>
      <span className="entry-main">
        <span className="entry-title">{entry.title || t('entries.empty')}</span>
        {excerpt && <span className="entry-excerpt">{excerpt}</span>}
      </span>
      {status && <StatusPill look={status} className="entry-status" />}
    </div>
  );
});
