import { useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { useVirtualizer, type VirtualItem } from '@tanstack/react-virtual';
import type { HunkState } from '../../../src/score';
import './signOff.css';
import { t } from '../shared/l10n';
import { lastApplied, replacementHunk, signOffQueue, stepHunk, type FileGroup, type TaskGroup } from './signOff';
import { isSending, useSignOffUi, useSignOffUiNow } from './signOffUi';
import { useSignOffScore } from './useSignOff';
import { usePodium } from '../app/usePodium';
import { BulkReject } from './BulkReject';
import { Button } from '../shared/Button';
import { Codicon } from '../shared/Codicon';
import { DecidedList } from './DecidedList';
import { HunkCard, type HunkActions } from './HunkCard';
import { KeyboardHelp } from '../app/KeyboardHelp';
import { HeldBy, heldText } from '../tasks/HeldBy';
import type { TaskHolderInfo } from '../../../src/protocol';
import { ToolbarButton } from '../shared/ToolbarButton';

/**
 * The queue as one flat list of rows, what the virtualizer windows: each task's header, each
 * file's header, each hunk card, and each task's recent decisions. Only the rows in view (plus a
 * few) are rendered, regrouped into their task and file blocks, so 2,000 waiting hunks cost the
 * dozen cards on screen.
 */
type Row =
  | { kind: 'task'; key: string; group: TaskGroup }
  | { kind: 'file'; key: string; group: TaskGroup; file: FileGroup }
  | { kind: 'hunk'; key: string; group: TaskGroup; file: FileGroup; h: HunkState }
  | { kind: 'decided'; key: string; group: TaskGroup };

function queueRows(tasks: TaskGroup[]): Row[] {
  const rows: Row[] = [];
  for (const group of tasks) {
    rows.push({ kind: 'task', key: `t:${group.task}`, group });
    for (const file of group.files) {
      rows.push({ kind: 'file', key: `f:${group.task}:${file.path}`, group, file });
      for (const h of file.hunks) rows.push({ kind: 'hunk', key: `h:${h.hunk.id}`, group, file, h });
    }
    if (group.decided.length > 0) rows.push({ kind: 'decided', key: `d:${group.task}`, group });
  }
  return rows;
}

/** Up to this many rows the queue is simply rendered whole. */
const WHOLE_QUEUE_ROWS = 60;

/** A first guess at a row's height, until it has been rendered and measured. */
function estimateRow(row: Row): number {
  switch (row.kind) {
    case 'task':
      return 40;
    case 'file':
      return 32;
    case 'decided':
      return 34 + 24 * Math.min(5, row.group.decided.length);
    case 'hunk': {
      const h = row.h.hunk;
      const lines = h.kind === 'lines' ? (h.contextBefore?.length ?? 0) + (h.oldLines?.length ?? 0) + (h.newLines?.length ?? 0) + (h.contextAfter?.length ?? 0) : 1;
      return 48 + 19 * lines;
    }
  }
}

/**
 * The changes waiting for the engineer's sign-off, by task and then by file, each hunk with its
 * lines, its warnings and its decision buttons, and below each task what was decided lately (with
 * Undo for what was applied). Keyboard-first: j/k move, a/r/o/u decide, `?` lists the keys.
 *
 * Nothing here changes the score: every button posts an intent and the hunk leaves the queue when
 * the host's events say it was decided. Renders nothing until a hunk has been staged.
 */
export function SignOffQueue() {
  const score = useSignOffScore();
  const post = usePodium((s) => s.post);
  const announce = usePodium((s) => s.announce);
  const blocked = usePodium((s) => (s.playhead !== null ? t('replay.readOnly') : s.source?.readOnly ? t('signOff.readOnly') : null));

  const selected = useSignOffUi((s) => s.selected);
  const select = useSignOffUi((s) => s.select);
  const focusRequest = useSignOffUi((s) => s.focusRequest);
  const rejecting = useSignOffUi((s) => s.rejecting);
  const sending = useSignOffUi((s) => s.sending);
  const helpOpen = useSignOffUi((s) => s.helpOpen);
  const setHelpOpen = useSignOffUi((s) => s.setHelpOpen);
  const open = useSignOffUi((s) => s.open);
  const toggleOpen = useSignOffUi((s) => s.toggleOpen);
  const ui = useSignOffUiNow();

  const headingId = useId();
  const queue = useMemo(() => signOffQueue(score), [score]);
  const position = useMemo(() => new Map(queue.order.map((h, i) => [h.hunk.id, i])), [queue.order]);
  const rows = useMemo(() => queueRows(queue.tasks), [queue.tasks]);
  const rowOf = useMemo(() => new Map(rows.map((r, i) => [r.key, i])), [rows]);
  const bodyRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => bodyRef.current,
    estimateSize: (i) => estimateRow(rows[i]!),
    getItemKey: (i) => rows[i]!.key,
    // A queue of a few dozen rows is rendered whole (the window is everything); past that, a few
    // rows either side of the view cover fast scrolling.
    overscan: rows.length <= WHOLE_QUEUE_ROWS ? rows.length : 6,
  });
  const cards = useRef(new Map<string, HTMLElement>());
  const cardRef = useCallback((id: string, el: HTMLElement | null) => {
    if (el) cards.current.set(id, el);
    else cards.current.delete(id);
  }, []);

  // Whether the engineer was working in the queue: a decided hunk's card vanishing takes focus with
  // it, and only then should focus jump to the hunk that took its place.
  const focusInside = useRef(false);
  const lastIndex = useRef(0);

  // The selection always names a hunk in the queue while there is one: the first at the start, and
  // the next one when the selected hunk is decided (by a key here, or by the host, or elsewhere).
  useEffect(() => {
    const at = selected === null ? -1 : (position.get(selected) ?? -1);
    if (at >= 0) {
      lastIndex.current = at;
      return;
    }
    const next = replacementHunk(queue.order, lastIndex.current);
    const lostFocus = focusInside.current && (document.activeElement === null || document.activeElement === document.body);
    if (next !== selected) select(next, lostFocus);
  }, [queue.order, position, selected, select]);

  // A hunk to focus once its card is rendered: moving far (End, or j/k past the window) first
  // scrolls the virtualizer to it, and the card only exists once that has rendered.
  const focusPending = useRef<string | null>(null);
  const focusCard = useCallback((id: string): boolean => {
    const card = cards.current.get(id);
    if (!card) return false;
    // focus() alone may centre the card or tuck its header under the task's sticky header;
    // scrollIntoView honours the card's scroll-margin and moves only as far as needed.
    card.focus({ preventScroll: true });
    card.scrollIntoView({ block: 'nearest' });
    return true;
  }, []);
  const rowOfRef = useRef(rowOf);
  rowOfRef.current = rowOf;
  useEffect(() => {
    if (focusRequest === 0) return;
    const id = ui().selected;
    if (id === null) return;
    if (focusCard(id)) {
      focusPending.current = null;
      return;
    }
    const row = rowOfRef.current.get(`h:${id}`);
    if (row === undefined) return;
    focusPending.current = id;
    virtualizer.scrollToIndex(row, { align: 'center' });
  }, [focusRequest, focusCard, virtualizer, ui]);
  useLayoutEffect(() => {
    const id = focusPending.current;
    if (id !== null && focusCard(id)) focusPending.current = null;
  });

  // The actions read the latest queue through a ref, so they stay one object and memoised cards
  // don't re-render just because a callback was re-created.
  const holders = usePodium((s) => s.holders);
  const latest = useRef({ queue, blocked, post, announce, holders });
  latest.current = { queue, blocked, post, announce, holders };
  const actions = useMemo(() => {
    // A hunk of a task another window holds cannot be decided here (that window applies it).
    const usable = (h: HunkState) => latest.current.blocked === null && !latest.current.holders[h.task] && !isSending(ui().sending, h);
    /** After a decision the next hunk is selected at once, so `a a a` walks down the queue. */
    const advanceFrom = (h: HunkState) => {
      if (ui().selected !== h.hunk.id) return;
      const order = latest.current.queue.order;
      const next = stepHunk(order, h.hunk.id, 1);
      const target = next === h.hunk.id ? stepHunk(order, h.hunk.id, -1) : next;
      if (target !== null && target !== h.hunk.id) ui().select(target, focusInside.current);
    };
    const a: BulkActions = {
      approve(h) {
        if (!usable(h)) return;
        latest.current.post({ type: 'hunk/approve', hunk: h.hunk.id });
        ui().markSending([h]);
        if (ui().rejecting === h.hunk.id) ui().cancelReject();
        advanceFrom(h);
      },
      startReject(h) {
        if (!usable(h)) return;
        ui().startReject(h.hunk.id);
      },
      reject(h, reason) {
        if (!usable(h)) return;
        const why = reason.trim();
        latest.current.post(why ? { type: 'hunk/reject', hunk: h.hunk.id, reason: why } : { type: 'hunk/reject', hunk: h.hunk.id });
        ui().markSending([h]);
        ui().cancelReject();
        ui().setDraft(h.hunk.id, '');
        advanceFrom(h);
      },
      open(h) {
        latest.current.post({ type: 'hunk/open', hunk: h.hunk.id });
      },
      openRule(w) {
        if (w.source) latest.current.post({ type: 'notes/open', file: w.source.file, line: w.source.line });
      },
      undo(h) {
        if (!usable(h) || h.status !== 'applied') return;
        latest.current.post({ type: 'hunk/undo', hunk: h.hunk.id });
        ui().markSending([h]);
      },
      approveFile(group, path) {
        const take = group.bulkSafe.filter((h) => h.hunk.path === path).filter(usable);
        if (take.length === 0 || latest.current.blocked !== null) return;
        latest.current.post({ type: 'file/approve', task: group.task, path });
        ui().markSending(take);
      },
      rejectFile(group, path, reason) {
        const take = group.awaiting.filter((h) => h.hunk.path === path && h.status === 'pending').filter(usable);
        if (take.length === 0 || latest.current.blocked !== null) return;
        latest.current.post(reason ? { type: 'file/reject', task: group.task, path, reason } : { type: 'file/reject', task: group.task, path });
        ui().markSending(take);
      },
      rejectAll(group, reason) {
        const take = group.awaiting.filter((h) => h.status === 'pending').filter(usable);
        if (take.length === 0 || latest.current.blocked !== null) return;
        latest.current.post(reason ? { type: 'task/rejectAll', task: group.task, reason } : { type: 'task/rejectAll', task: group.task });
        ui().markSending(take);
        latest.current.announce(t('signOff.rejecting', { count: take.length, title: group.title }));
      },
      approveClean(group) {
        const take = group.bulkSafe.filter(usable);
        if (take.length === 0 || latest.current.blocked !== null) return;
        latest.current.post({ type: 'task/approveClean', task: group.task });
        ui().markSending(take);
        const left = group.warned.length;
        const approving = t('signOff.approving', { count: take.length, title: group.title });
        latest.current.announce(left ? t('signOff.approvingLeft', { approving, count: left }) : t('signOff.approvingAll', { approving }));
      },
    };
    return a;
  }, [ui]);

  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    const target = e.target as HTMLElement;
    // Typing a reason (or anything else) is never a command.
    if (target.closest('input, textarea, select, [contenteditable="true"]')) return;
    const order = queue.order;
    const at = selected === null ? -1 : (position.get(selected) ?? -1);
    const current = at >= 0 ? order[at] : undefined;
    const move = (id: string | null) => id !== null && select(id, true);
    switch (e.key) {
      case '?':
        setHelpOpen(!helpOpen);
        break;
      case 'j':
      case 'ArrowDown':
        move(stepHunk(order, selected, 1));
        break;
      case 'k':
      case 'ArrowUp':
        move(stepHunk(order, selected, -1));
        break;
      case 'Home':
        move(order[0]?.hunk.id ?? null);
        break;
      case 'End':
        move(order[order.length - 1]?.hunk.id ?? null);
        break;
      case 'a':
        if (current) actions.approve(current);
        break;
      case 'r':
        if (current) actions.startReject(current);
        break;
      case 'o':
        if (current) actions.open(current);
        break;
      case 'u': {
        const h = undoTarget(target, queue.tasks, current);
        if (h) actions.undo(h);
        else announce(t('signOff.nothingToUndo'));
        break;
      }
      default:
        return;
    }
    e.preventDefault();
  };

  if (score.hunkOrder.length === 0) return null;

  const total = queue.order.length;
  const warned = queue.tasks.reduce((n, t) => n + t.warned.length, 0);

  return (
    <section
      className="section signoff"
      aria-labelledby={headingId}
      data-testid="signoff"
      onKeyDown={onKeyDown}
      onFocus={() => (focusInside.current = true)}
      onBlur={(e) => {
        // A null relatedTarget is focus lost to a removed card (or another window): still "inside".
        if (e.relatedTarget && !e.currentTarget.contains(e.relatedTarget as Node)) focusInside.current = false;
      }}
    >
      <div className="section-header">
        {/* Hand-made: it holds the section's heading and says aria-expanded, neither of which a toolbar button can. */}
        <button type="button" className="section-toggle" aria-expanded={open} onClick={toggleOpen} title={open ? t('signOff.hide') : t('signOff.show')}>
          <Codicon name={open ? 'chevron-down' : 'chevron-right'} />
          <h2 id={headingId}>{t('signOff.heading')}</h2>
        </button>
        <span className="badge" title={t('signOff.countHint', { count: total })} data-testid="signoff-count">
          {total}
        </span>
        <span className="section-summary">{total === 0 ? t('signOff.nothing') : warned > 0 ? t('signOff.warned', { count: warned }) : t('signOff.noWarnings')}</span>
        <span className="section-spacer" />
        {blocked && (
          <span className="gate-reason" title={blocked}>
            <Codicon name="lock" />
            <span>{blocked}</span>
          </span>
        )}
        <ToolbarButton icon="keyboard" label={t('signOff.keys')} title={t('signOff.keysHint')} aria-haspopup="dialog" onClick={() => setHelpOpen(true)} />
      </div>
      {open && (
        <div className="section-body so-body" ref={bodyRef}>
          {total === 0 && <p className="section-empty">{t('signOff.empty')}</p>}
          <QueueWindow
            rows={rows}
            items={virtualizer.getVirtualItems()}
            totalSize={virtualizer.getTotalSize()}
            sizeOf={(i) => virtualizer.measurementsCache[i]?.size ?? estimateRow(rows[i]!)}
            measure={virtualizer.measureElement}
            blockProps={{ position, total, selected, rejecting, sending, blocked, actions, cardRef }}
          />
        </div>
      )}
      {helpOpen && <KeyboardHelp onClose={() => setHelpOpen(false)} />}
    </section>
  );
}

/** What `u` undoes: the focused "recently decided" row, else the task's latest applied hunk, else the latest anywhere. */
function undoTarget(target: HTMLElement, tasks: TaskGroup[], current: HunkState | undefined): HunkState | undefined {
  const row = target.closest<HTMLElement>('.so-decided-row[data-status="applied"]');
  if (row) {
    for (const t of tasks) {
      const h = t.decided.find((d) => d.hunk.id === row.dataset.hunk);
      if (h) return h;
    }
  }
  const own = current ? lastApplied(tasks.find((t) => t.task === current.task)) : undefined;
  if (own) return own;
  let best: HunkState | undefined;
  for (const t of tasks) {
    const h = lastApplied(t);
    if (h && (!best || (h.decidedTs ?? 0) > (best.decidedTs ?? 0))) best = h;
  }
  return best;
}

interface BlockProps {
  position: Map<string, number>;
  total: number;
  selected: string | null;
  rejecting: string | null;
  sending: Record<string, HunkState>;
  blocked: string | null;
  actions: BulkActions;
  cardRef(id: string, el: HTMLElement | null): void;
}

function bulkLabel(ready: number, awaiting: number, underway: boolean): string {
  if (ready === 0 && underway) return t('signOff.bulk.underway');
  if (ready === 0 || ready === awaiting) return t('signOff.bulk.all');
  return t('signOff.bulk.some', { count: String(ready) });
}

/** One task's hunks by file, its bulk approval, and its recent decisions. */
type BulkActions = HunkActions & {
  undo(h: HunkState): void;
  approveClean(group: TaskGroup): void;
  approveFile(group: TaskGroup, path: string): void;
  rejectFile(group: TaskGroup, path: string, reason: string): void;
  rejectAll(group: TaskGroup, reason: string): void;
};

/**
 * The rows in view, regrouped into their task and file blocks (so a screen reader still hears a
 * card inside its task and file group), between two spacers that stand for the rows above and
 * below. The first task's header is always rendered, so it stays stuck to the top however far into
 * the task the engineer has scrolled.
 */
function QueueWindow({
  rows,
  items,
  totalSize,
  sizeOf,
  measure,
  blockProps,
}: {
  rows: Row[];
  items: VirtualItem[];
  totalSize: number;
  /** A row's height as measured (or estimated). */
  sizeOf: (index: number) => number;
  measure: (el: Element | null) => void;
  blockProps: BlockProps;
}) {
  const holders = usePodium((s) => s.holders);
  if (items.length === 0) return null;
  const firstItem = items[0]!;
  const lastItem = items[items.length - 1]!;
  // The header of the task the window starts in, rendered ahead of the window when it lies above it.
  let headIndex = -1;
  for (let i = firstItem.index; i >= 0; i--) {
    if (rows[i]!.kind === 'task') {
      headIndex = i;
      break;
    }
  }
  const shown: { index: number; row: Row }[] = [];
  if (headIndex >= 0 && headIndex < firstItem.index) shown.push({ index: headIndex, row: rows[headIndex]! });
  for (const item of items) shown.push({ index: item.index, row: rows[item.index]! });
  // It takes its own height from the spacer above, so the rows in view stay where they are.
  const headSize = headIndex >= 0 && headIndex < firstItem.index ? sizeOf(headIndex) : 0;

  // Regroup: task blocks holding file blocks holding cards.
  const blocks: { group: TaskGroup; head: number | null; files: { file: FileGroup; head: number | null; cards: { index: number; h: HunkState }[] }[]; decided: number | null }[] = [];
  for (const { index, row } of shown) {
    let block = blocks[blocks.length - 1];
    if (!block || block.group.task !== row.group.task) blocks.push((block = { group: row.group, head: null, files: [], decided: null }));
    if (row.kind === 'task') block.head = index;
    else if (row.kind === 'decided') block.decided = index;
    else {
      let file = block.files[block.files.length - 1];
      if (!file || file.file.path !== row.file.path) block.files.push((file = { file: row.file, head: null, cards: [] }));
      if (row.kind === 'file') file.head = index;
      else file.cards.push({ index, h: row.h });
    }
  }

  return (
    <>
      <div aria-hidden="true" style={{ height: Math.max(0, firstItem.start - headSize) }} />
      {blocks.map((block) => {
        const holder = holders[block.group.task];
        const blocked = blockProps.blocked ?? (holder ? t('signOff.held', { held: heldText(holder) }) : null);
        return (
        <TaskBlock key={block.group.task} group={block.group} head={block.head} decided={block.decided} measure={measure} {...blockProps} blocked={blocked} holder={holder}>
          {block.files.map(({ file, head, cards }) => (
            <FileBlock key={file.path} group={block.group} file={file} head={head} measure={measure} blocked={blocked} actions={blockProps.actions}>
              {cards.map(({ index, h }) => (
                <div key={h.hunk.id} className="so-hunk-slot" data-index={index} ref={measure}>
                  <HunkCard
                    h={h}
                    index={blockProps.position.get(h.hunk.id) ?? 0}
                    total={blockProps.total}
                    selected={blockProps.selected === h.hunk.id}
                    sending={isSending(blockProps.sending, h)}
                    rejecting={blockProps.rejecting === h.hunk.id}
                    blocked={blocked}
                    actions={blockProps.actions}
                    cardRef={blockProps.cardRef}
                  />
                </div>
              ))}
            </FileBlock>
          ))}
        </TaskBlock>
        );
      })}
      <div aria-hidden="true" style={{ height: Math.max(0, totalSize - lastItem.end) }} />
    </>
  );
}

function TaskBlock({
  group,
  head,
  decided,
  measure,
  sending,
  blocked,
  actions,
  holder,
  children,
}: BlockProps & { group: TaskGroup; head: number | null; decided: number | null; measure: (el: Element | null) => void; holder?: TaskHolderInfo; children: ReactNode }) {
  const noteId = useId();
  const safe = group.bulkSafe.filter((h) => !isSending(sending, h));
  const n = group.awaiting.length;

  return (
    <div className="so-task" role="group" aria-label={group.title} data-task={group.task}>
      {head !== null && (
        <div className="so-task-head" data-index={head} ref={measure}>
          <Codicon name="tasklist" className="so-task-icon" />
          <h3 className="so-task-title" title={group.title}>
            {group.title}
          </h3>
          <span className="so-task-count" data-testid="task-count">
            {n === 0 ? t('signOff.allDecided') : t('signOff.taskCount', { hunks: t('signOff.hunks', { count: n }), files: t('signOff.files', { count: group.files.length }) })}
          </span>
          <span className="so-spacer" />
          {holder && <HeldBy task={group.task} title={group.title} holder={holder} />}
          {n > 0 && !holder && (
            <span className="so-bulk">
              <span className="so-bulk-note" id={noteId}>
                {group.warned.length === n ? (
                  <>
                    <Codicon name="shield" />
                    {t('signOff.bulk.allWarned')}
                  </>
                ) : group.warned.length > 0 ? (
                  <>
                    <Codicon name="shield" />
                    {t('signOff.bulk.never', { count: group.warned.length })}
                  </>
                ) : (
                  t('signOff.bulk.noneWarned')
                )}
              </span>
              <Button
                small
                icon="check-all"
                disabled={safe.length === 0 || blocked !== null}
                aria-describedby={noteId}
                title={
                  blocked ??
                  t('signOff.bulk.hint')
                }
                data-testid="approve-clean"
                onClick={() => actions.approveClean(group)}
              >
                {bulkLabel(safe.length, n, group.bulkSafe.length > safe.length)}
              </Button>
              <BulkReject
                label={t('signOff.rejectAll')}
                scope={t('signOff.rejectAllScope', { title: group.title })}
                disabled={blocked !== null || !group.awaiting.some((h) => h.status === 'pending')}
                title={blocked ?? t('signOff.rejectAllHint')}
                onReject={(reason) => actions.rejectAll(group, reason)}
                testId="reject-all"
              />
            </span>
          )}
        </div>
      )}
      {children}
      {decided !== null && (
        <div data-index={decided} ref={measure}>
          <DecidedList decided={group.decided} blocked={blocked} sending={(h) => isSending(sending, h)} onUndo={actions.undo} />
        </div>
      )}
    </div>
  );
}

function FileBlock({
  group,
  file,
  head,
  measure,
  blocked,
  actions,
  children,
}: {
  group: TaskGroup;
  file: FileGroup;
  head: number | null;
  measure: (el: Element | null) => void;
  blocked: string | null;
  actions: BulkActions;
  children: ReactNode;
}) {
  const slash = file.path.lastIndexOf('/');
  return (
    <div className="so-file" role="group" aria-label={t('signOff.fileLabel', { path: file.path, hunks: t('signOff.hunks', { count: file.hunks.length }) })} data-path={file.path}>
      {head !== null && (
        <div className="so-file-head" data-index={head} ref={measure}>
          <Codicon name="file" />
          <span className="so-file-name">{file.path.slice(slash + 1)}</span>
          {slash > 0 && <span className="so-file-dir">{file.path.slice(0, slash)}</span>}
          <span className="so-spacer" />
          <span className="so-file-count">{t('signOff.hunks', { count: file.hunks.length })}</span>
          <Button
            small
            secondary
            icon="check-all"
            disabled={blocked !== null || !group.bulkSafe.some((h) => h.hunk.path === file.path)}
            title={blocked ?? t('signOff.approveFileHint')}
            data-testid="approve-file"
            onClick={() => actions.approveFile(group, file.path)}
          >
            {t('signOff.approveFile')}
          </Button>
          <BulkReject
            label={t('signOff.rejectFile')}
            scope={file.path}
            disabled={blocked !== null || !file.hunks.some((h) => h.status === 'pending')}
            title={blocked ?? t('signOff.rejectFileHint')}
            onReject={(reason) => actions.rejectFile(group, file.path, reason)}
            testId="reject-file"
          />
        </div>
      )}
      {children}
    </div>
  );
}
