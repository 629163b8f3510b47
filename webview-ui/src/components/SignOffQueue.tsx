import { useCallback, useEffect, useId, useMemo, useRef, type KeyboardEvent } from 'react';
import type { HunkState } from '../../../src/score';
import '../signOff.css';
import { plural } from '../format';
import { lastApplied, replacementHunk, signOffQueue, stepHunk, type TaskGroup } from '../signOff';
import { isSending, useSignOffUi } from '../signOffUi';
import { useSignOffScore } from '../useSignOff';
import { usePodium } from '../usePodium';
import { BulkReject } from './BulkReject';
import { Codicon } from './Codicon';
import { DecidedList } from './DecidedList';
import { HunkCard, type HunkActions } from './HunkCard';
import { KeyboardHelp } from './KeyboardHelp';

const READ_ONLY = 'Another VS Code window runs these agents; decide there.';

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
  const blocked = usePodium((s) => (s.source?.readOnly ? READ_ONLY : null));
  const hostError = usePodium((s) => s.hostError);

  const selected = useSignOffUi((s) => s.selected);
  const select = useSignOffUi((s) => s.select);
  const focusRequest = useSignOffUi((s) => s.focusRequest);
  const rejecting = useSignOffUi((s) => s.rejecting);
  const sending = useSignOffUi((s) => s.sending);
  const helpOpen = useSignOffUi((s) => s.helpOpen);
  const setHelpOpen = useSignOffUi((s) => s.setHelpOpen);
  const open = useSignOffUi((s) => s.open);
  const toggleOpen = useSignOffUi((s) => s.toggleOpen);
  const clearSending = useSignOffUi((s) => s.clearSending);

  const headingId = useId();
  const queue = useMemo(() => signOffQueue(score), [score]);
  const position = useMemo(() => new Map(queue.order.map((h, i) => [h.hunk.id, i])), [queue.order]);
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

  useEffect(() => {
    if (focusRequest === 0) return;
    const id = useSignOffUi.getState().selected;
    const card = id === null ? undefined : cards.current.get(id);
    if (!card) return;
    // focus() alone may centre the card or tuck its header under the task's sticky header;
    // scrollIntoView honours the card's scroll-margin and moves only as far as needed.
    card.focus({ preventScroll: true });
    card.scrollIntoView({ block: 'nearest' });
  }, [focusRequest]);

  // The host refused an intent: the buttons held for it come back.
  useEffect(() => {
    if (hostError) clearSending();
  }, [hostError, clearSending]);

  // The actions read the latest queue through a ref, so they stay one object and memoised cards
  // don't re-render just because a callback was re-created.
  const latest = useRef({ queue, blocked, post, announce });
  latest.current = { queue, blocked, post, announce };
  const actions = useMemo(() => {
    const ui = useSignOffUi.getState;
    const usable = (h: HunkState) => latest.current.blocked === null && !isSending(ui().sending, h);
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
        latest.current.announce(`Rejecting ${plural(take.length, 'hunk')} of “${group.title}”.`);
      },
      approveClean(group) {
        const take = group.bulkSafe.filter(usable);
        if (take.length === 0 || latest.current.blocked !== null) return;
        latest.current.post({ type: 'task/approveClean', task: group.task });
        ui().markSending(take);
        const left = group.warned.length;
        latest.current.announce(
          `Approving ${plural(take.length, 'hunk')} of “${group.title}” without warnings` + (left ? `; ${plural(left, 'hunk')} with warnings left for you to decide.` : '.'),
        );
      },
    };
    return a;
  }, []);

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
        else announce('No approval to undo.');
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
        <button type="button" className="section-toggle" aria-expanded={open} onClick={toggleOpen} title={open ? 'Hide the sign-off queue' : 'Show the sign-off queue'}>
          <Codicon name={open ? 'chevron-down' : 'chevron-right'} />
          <h2 id={headingId}>Sign-off</h2>
        </button>
        <span className="badge" title={`${plural(total, 'hunk')} awaiting a decision`} data-testid="signoff-count">
          {total}
        </span>
        <span className="section-summary">{total === 0 ? 'nothing awaits a decision' : warned > 0 ? `${plural(warned, 'hunk')} with warnings` : 'no warnings'}</span>
        <span className="section-spacer" />
        {blocked && (
          <span className="gate-reason" title={blocked}>
            <Codicon name="lock" />
            <span>{blocked}</span>
          </span>
        )}
        <button type="button" className="icon-button" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" aria-haspopup="dialog" onClick={() => setHelpOpen(true)}>
          <Codicon name="keyboard" />
        </button>
      </div>
      {open && (
        <div className="section-body so-body">
          {total === 0 && <p className="section-empty">Nothing awaits your sign-off. New changes appear here as the agents make them.</p>}
          {queue.tasks.map((group) => (
            <TaskBlock
              key={group.task}
              group={group}
              position={position}
              total={total}
              selected={selected}
              rejecting={rejecting}
              sending={sending}
              blocked={blocked}
              actions={actions}
              cardRef={cardRef}
            />
          ))}
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

interface TaskBlockProps {
  group: TaskGroup;
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
  if (ready === 0 && underway) return 'Approving…';
  if (ready === 0 || ready === awaiting) return 'Approve all without warnings';
  return `Approve ${ready} without warnings`;
}

/** One task's hunks by file, its bulk approval, and its recent decisions. */
type BulkActions = HunkActions & {
  undo(h: HunkState): void;
  approveClean(group: TaskGroup): void;
  approveFile(group: TaskGroup, path: string): void;
  rejectFile(group: TaskGroup, path: string, reason: string): void;
  rejectAll(group: TaskGroup, reason: string): void;
};

function TaskBlock({ group, position, total, selected, rejecting, sending, blocked, actions, cardRef }: TaskBlockProps) {
  const titleId = useId();
  const noteId = useId();
  const safe = group.bulkSafe.filter((h) => !isSending(sending, h));
  const n = group.awaiting.length;

  return (
    <div className="so-task" role="group" aria-labelledby={titleId} data-task={group.task}>
      <div className="so-task-head">
        <Codicon name="tasklist" className="so-task-icon" />
        <h3 id={titleId} className="so-task-title" title={group.title}>
          {group.title}
        </h3>
        <span className="so-task-count" data-testid="task-count">
          {n === 0 ? 'all decided' : `${plural(n, 'hunk')} in ${plural(group.files.length, 'file')}`}
        </span>
        <span className="so-spacer" />
        {n > 0 && (
          <span className="so-bulk">
            <span className="so-bulk-note" id={noteId}>
              {group.warned.length === n ? (
                <>
                  <Codicon name="shield" />
                  Every hunk here has a warning: decide each one
                </>
              ) : group.warned.length > 0 ? (
                <>
                  <Codicon name="shield" />
                  Never includes the {plural(group.warned.length, 'hunk')} with warnings
                </>
              ) : (
                'No hunk here has a warning'
              )}
            </span>
            <button
              type="button"
              className="button small"
              disabled={safe.length === 0 || blocked !== null}
              aria-describedby={noteId}
              title={
                blocked ??
                'Approves every hunk of this task that has no warning. A conflict, an overlap with another task or a region you edited always leaves a hunk out, for you to decide.'
              }
              data-testid="approve-clean"
              onClick={() => actions.approveClean(group)}
            >
              <Codicon name="check-all" />
              <span>{bulkLabel(safe.length, n, group.bulkSafe.length > safe.length)}</span>
            </button>
            <BulkReject
              label="Reject all…"
              scope={`every hunk of “${group.title}”`}
              disabled={blocked !== null || !group.awaiting.some((h) => h.status === 'pending')}
              title={blocked ?? 'Reject every undecided hunk of this task with one reason; the agent is told once.'}
              onReject={(reason) => actions.rejectAll(group, reason)}
              testId="reject-all"
            />
          </span>
        )}
      </div>
      {group.files.map((file) => {
        const slash = file.path.lastIndexOf('/');
        return (
          <div key={file.path} className="so-file" role="group" aria-label={`${file.path}, ${plural(file.hunks.length, 'hunk')}`} data-path={file.path}>
            <div className="so-file-head">
              <Codicon name="file" />
              <span className="so-file-name">{file.path.slice(slash + 1)}</span>
              {slash > 0 && <span className="so-file-dir">{file.path.slice(0, slash)}</span>}
              <span className="so-spacer" />
              <span className="so-file-count">{plural(file.hunks.length, 'hunk')}</span>
              <button
                type="button"
                className="button small secondary"
                disabled={blocked !== null || !group.bulkSafe.some((h) => h.hunk.path === file.path)}
                title={blocked ?? 'Approve every hunk of this file that has no warning (hunks with warnings wait for you).'}
                data-testid="approve-file"
                onClick={() => actions.approveFile(group, file.path)}
              >
                <Codicon name="check-all" />
                <span>Approve file</span>
              </button>
              <BulkReject
                label="Reject file…"
                scope={file.path}
                disabled={blocked !== null || !file.hunks.some((h) => h.status === 'pending')}
                title={blocked ?? 'Reject every undecided hunk of this file with one reason.'}
                onReject={(reason) => actions.rejectFile(group, file.path, reason)}
                testId="reject-file"
              />
            </div>
            {file.hunks.map((h) => (
              <HunkCard
                key={h.hunk.id}
                h={h}
                index={position.get(h.hunk.id) ?? 0}
                total={total}
                selected={selected === h.hunk.id}
                sending={isSending(sending, h)}
                rejecting={rejecting === h.hunk.id}
                blocked={blocked}
                actions={actions}
                cardRef={cardRef}
              />
            ))}
          </div>
        );
      })}
      <DecidedList decided={group.decided} blocked={blocked} sending={(h) => isSending(sending, h)} onUndo={actions.undo} />
    </div>
  );
}
