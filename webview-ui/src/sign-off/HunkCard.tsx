import { memo, useEffect, useId, useRef, type FormEvent } from 'react';
import { hunkWarnings, isBulkSafe, ruleReason, type HunkState, type WarningState } from '../../../src/score';
import { hunkLabel, hunkRange, SEVERITY_ICON } from './signOff';
import { useSignOffUi } from './signOffUi';
import { useSignOffScore } from './useSignOff';
import { t } from '../shared/l10n';
import { Button } from '../shared/Button';
import { Codicon } from '../shared/Codicon';
import { HunkDiff } from './HunkDiff';
import { ToolbarButton } from '../shared/ToolbarButton';

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
  const why = blocked ?? (sending ? t('hunk.sending') : undefined);

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
        if (e.target === e.currentTarget || !(e.target as HTMLElement).closest('button, input, a, form, vscode-toolbar-button')) {
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
            {t('hunk.conflict')}
          </span>
        )}
        {!safe && (
          <span className="pill tone-yellow so-excluded" title={t('hunk.notInBulkHint')}>
            <Codicon name="shield" />
            {t('hunk.notInBulk')}
          </span>
        )}
        <span className="so-spacer" />
        <span className="so-actions" role="group" aria-label={t('hunk.decide')}>
          <Button small icon="check" disabled={disabled} title={why ?? (conflict ? t('hunk.approveAgainHint') : t('hunk.approveHint'))} onClick={() => actions.approve(h)}>
            {conflict ? t('hunk.approveAgain') : t('hunk.approve')}
          </Button>
          <Button
            small
            secondary
            icon="close"
            disabled={disabled}
            aria-expanded={rejecting}
            title={why ?? t('hunk.rejectHint')}
            onClick={() => actions.startReject(h)}
          >
            {t('hunk.reject')}
          </Button>
          <ToolbarButton icon="git-compare" label={t('hunk.open')} title={t('hunk.openHint')} onClick={() => actions.open(h)} />
        </span>
      </header>
      {warnings.length > 0 && (
        <ul className="so-warnings" id={warningsId} aria-label={t('hunk.warnings')}>
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
              <button type="button" className="link-button" title={t('hunk.openRule')} onClick={() => actions.openRule(w)}>
                <Codicon name="book" />
                <span>
                  {w.rule ? `${w.rule} · ` : ''}
                  {w.source.file}:{w.source.line}
                </span>
              </button>
            )}
            {w.rule && (
              <button type="button" className="link-button" disabled={disabled} title={t('hunk.rejectWithRuleHint')} onClick={() => actions.reject(h, ruleReason(w))}>
                <Codicon name="close" />
                <span>{t('hunk.rejectWithRule')}</span>
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
      <label htmlFor={inputId}>{t('hunk.why')}</label>
      <div className="so-reject-row">
        <input
          ref={input}
          id={inputId}
          className="so-input"
          type="text"
          value={draft}
          maxLength={10_000}
          placeholder={t('hunk.whyExample')}
          onChange={(e) => setDraft(h.hunk.id, e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.preventDefault();
              e.stopPropagation();
              backToCard();
            }
          }}
        />
        <Button small type="submit" icon="close">
          {t('hunk.reject')}
        </Button>
        <Button small secondary onClick={backToCard}>
          {t('button.cancel')}
        </Button>
      </div>
    </form>
  );
}
