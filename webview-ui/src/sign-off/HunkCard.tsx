import { memo, useEffect, useId, useRef, type FormEvent } from 'react';
import { hunkWarnings, isBulkSafe, ruleReason, type HunkState, type WarningState } from '../../../src/score';
import { hunkLabel, hunkRange, SEVERITY_ICON } from './signOff';
import { useSignOffUi } from './signOffUi';
import { useSignOffScore } from './useSignOff';
import { Codicon } from '../shared/Codicon';
import { HunkDiff } from './HunkDiff';

/** What a card can ask for; the queue posts the intents (and keeps the keyboard doing the same). */
export interface HunkActions {
  approve(h: HunkState): void;
  startReject(h: HunkState): void;
  reject(h: HunkState, reason: string): void;
  open(h: HunkState): void;
  /** Opens the architecture notes where a warning's rule is written. */
  openRule(w: WarningState): void;
}

export interface HunkCardProps {
  h: HunkState;
  index: number;
  total: number;
  selected: boolean;
  sending: boolean;
  rejecting: boolean;
  /** Why nothing can be decided here (another window runs the agents), or null. */
  blocked: string | null;
  actions: HunkActions;
  cardRef(id: string, el: HTMLElement | null): void;
}

const KIND_ICON: Record<string, string> = { lines: 'diff', file: 'file-binary', mode: 'gear', rename: 'arrow-right' };

/**
 * One undecided hunk: where it lands, its warnings (on the hunk, where the decision is made), its
 * lines, and the decision buttons. The card itself is focusable, so the screen reader names it
 * ("Hunk 2 of 5, src/core/tally.js lines 14–18, overlaps “Regex words”") as the keyboard moves.
 */
export const HunkCard = memo(function HunkCard({ h, index, total, selected, sending, rejecting, blocked, actions, cardRef }: HunkCardProps) {
  const select = useSignOffUi((s) => s.select);
  const score = useSignOffScore();
  const warnings = hunkWarnings(score, h);
  const safe = isBulkSafe(score, h);
  const conflict = h.status === 'conflict';
  const id = h.hunk.id;
  const warningsId = useId();
  const disabled = sending || blocked !== null;
  const why = blocked ?? (sending ? 'Sent; waiting for the extension' : undefined);

  return (
    <article
      ref={(el) => cardRef(id, el)}
      className={`so-hunk${selected ? ' selected' : ''}${conflict ? ' conflict' : ''}`}
      data-hunk={id}
      data-status={h.status}
      tabIndex={selected ? 0 : -1}
      aria-label={hunkLabel(score, h, index, total)}
      aria-describedby={warnings.length > 0 ? warningsId : undefined}
      aria-busy={sending || undefined}
      // Any focus inside the card (a button, the reason box) makes it the hunk the keys act on.
      onFocus={() => {
        if (!selected) select(id);
      }}
      onMouseDown={(e) => {
        // A click on the card's body selects it and takes focus, so the keys apply to it next.
        if (e.target === e.currentTarget || !(e.target as HTMLElement).closest('button, input, a, form')) {
          select(id);
          e.currentTarget.focus({ preventScroll: true });
        }
      }}
    >
      <header className="so-hunk-head">
        <Codicon name={KIND_ICON[h.hunk.kind] ?? 'diff'} className="so-kind" />
        <span className="so-range">{hunkRange(h.hunk)}</span>
        {h.hunk.kind === 'lines' && h.hunk.section && (
          <span className="so-section" title={h.hunk.section}>
            {h.hunk.section}
          </span>
        )}
        {conflict && (
          <span className="pill tone-red">
            <Codicon name="error" />
            Conflict
          </span>
        )}
        {!safe && (
          <span className="pill tone-yellow so-excluded" title="“Approve all without warnings” never includes this hunk: decide it yourself">
            <Codicon name="shield" />
            Not in bulk approval
          </span>
        )}
        <span className="so-spacer" />
        <span className="so-actions" role="group" aria-label="Decide this hunk">
          <button type="button" className="button small" disabled={disabled} title={why ?? (conflict ? 'Try applying it again (A)' : 'Apply it to the workspace file (A)')} onClick={() => actions.approve(h)}>
            <Codicon name="check" />
            <span>{conflict ? 'Approve again' : 'Approve'}</span>
          </button>
          <button
            type="button"
            className="button small secondary reject"
            disabled={disabled}
            aria-expanded={rejecting}
            title={why ?? 'Take it out of the task and tell the agent why (R)'}
            onClick={() => actions.startReject(h)}
          >
            <Codicon name="close" />
            <span>Reject</span>
          </button>
          <button type="button" className="icon-button" aria-label="Open in diff editor" title="Open in the diff editor (O)" onClick={() => actions.open(h)}>
            <Codicon name="git-compare" />
          </button>
        </span>
      </header>
      {warnings.length > 0 && (
        <ul className="so-warnings" id={warningsId} aria-label="Warnings">
          {warnings.map((w) => (
            <WarningItem key={w.id} w={w} h={h} disabled={disabled} actions={actions} />
          ))}
        </ul>
      )}
      <HunkDiff hunk={h.hunk} />
      {rejecting && !disabled && <RejectForm h={h} actions={actions} />}
    </article>
  );
});

/**
 * One warning where the decision is made: the sentence, and for a rule of the architecture notes the
 * rule, the notes' own words, a link to where it is written and a rejection that gives the agent the
 * rule as the reason.
 */
function WarningItem({ w, h, disabled, actions }: { w: WarningState; h: HunkState; disabled: boolean; actions: HunkActions }) {
  return (
    <li className={`so-warning ${w.severity}`} data-warning={w.kind} data-rule={w.rule}>
      <Codicon name={SEVERITY_ICON[w.severity]} />
      <div className="so-warning-body">
        <span className="so-warning-text">{w.text}</span>
        {w.prose && <blockquote className="so-warning-prose">{w.prose}</blockquote>}
        {(w.source || w.rule) && (
          <span className="so-warning-actions">
            {w.source && (
              <button type="button" className="link-button" title="Open the architecture notes at this rule" onClick={() => actions.openRule(w)}>
                <Codicon name="book" />
                <span>
                  {w.rule ? `${w.rule} · ` : ''}
                  {w.source.file}:{w.source.line}
                </span>
              </button>
            )}
            {w.rule && (
              <button type="button" className="link-button" disabled={disabled} title="Reject this hunk and tell the agent this rule, in the notes' words" onClick={() => actions.reject(h, ruleReason(w))}>
                <Codicon name="close" />
                <span>Reject with this rule</span>
              </button>
            )}
          </span>
        )}
      </div>
    </li>
  );
}

/** The optional reason box: Enter rejects, Escape puts the card back as it was. */
function RejectForm({ h, actions }: { h: HunkState; actions: HunkActions }) {
  const draft = useSignOffUi((s) => s.drafts[h.hunk.id] ?? '');
  const setDraft = useSignOffUi((s) => s.setDraft);
  const cancel = useSignOffUi((s) => s.cancelReject);
  const input = useRef<HTMLInputElement>(null);
  const inputId = useId();

  // A native input rather than vscode-textfield: it exists as soon as React renders it, so `r` can
  // put the caret in it in the same keystroke.
  useEffect(() => {
    input.current?.focus({ preventScroll: true });
    input.current?.closest('form')?.scrollIntoView({ block: 'nearest' });
  }, []);

  const backToCard = () => {
    cancel();
    (input.current?.closest('.so-hunk') as HTMLElement | null)?.focus();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    actions.reject(h, draft);
  };

  return (
    <form className="so-reject" onSubmit={submit}>
      <label htmlFor={inputId}>Why reject it? The agent is told (optional).</label>
      <div className="so-reject-row">
        <input
          ref={input}
          id={inputId}
          className="so-input"
          type="text"
          value={draft}
          maxLength={10_000}
          placeholder="e.g. keep the public signature unchanged"
          onChange={(e) => setDraft(h.hunk.id, e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.preventDefault();
              e.stopPropagation();
              backToCard();
            }
          }}
        />
        <button type="submit" className="button small">
          <Codicon name="close" />
          <span>Reject</span>
        </button>
        <button type="button" className="button small secondary" onClick={backToCard}>
          Cancel
        </button>
      </div>
    </form>
  );
}
