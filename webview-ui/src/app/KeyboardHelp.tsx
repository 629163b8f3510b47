import { useEffect, useId, useRef } from 'react';
import { Codicon } from '../shared/Codicon';
import { REPLAY_KEYS } from '../replay/keys';

/** The queue's keys, in the order an engineer learns them. The one list both the overlay and tooltips read. */
export const SIGN_OFF_KEYS: ReadonlyArray<[keys: string[], what: string]> = [
  [['J', '↓'], 'Next hunk'],
  [['K', '↑'], 'Previous hunk'],
  [['Home', 'End'], 'First or last hunk'],
  [['A'], 'Approve the hunk (apply it to the workspace file)'],
  [['R'], 'Reject: type an optional reason, Enter sends it, Escape cancels'],
  [['O'], 'Open the hunk in the diff editor'],
  [['U'], 'Undo the task’s latest approval (or the one focused in “Recently decided”)'],
  [['?'], 'Show or hide these keys'],
];

/**
 * The editor's keys (package.json "keybindings"), the same letters as the queue's where they do the
 * same thing. Review keys act in a Podium diff editor (the agent's read-only side); the others anywhere.
 * A unit test holds this list and the manifest to each other.
 */
export const EDITOR_KEYS: ReadonlyArray<[keys: string[], what: string]> = [
  [['J'], 'In a Podium diff editor: open the next change awaiting sign-off'],
  [['A'], 'In a Podium diff editor: approve the change'],
  [['R'], 'In a Podium diff editor: reject the change, with an optional reason'],
  [['Ctrl+Alt+J'], 'Anywhere: open the next change in the diff editor (⌘⌥J on a Mac)'],
  [['Ctrl+Alt+U'], 'Anywhere: open the score (⌘⌥U on a Mac)'],
  [['Ctrl+Alt+N'], 'Anywhere: hand out a new task (⌘⌥N on a Mac)'],
];

/**
 * A small modal listing the keys. Focus moves into it and back to where it was on close; Escape,
 * `?`, the Close button or a click outside close it. It holds one control, so Tab stays on it.
 */
export function KeyboardHelp({ onClose }: { onClose(): void }) {
  const titleId = useId();
  const close = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    close.current?.focus();
    return () => {
      if (previous?.isConnected) previous.focus();
    };
  }, []);

  return (
    <div className="so-help-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        className="so-help"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid="signoff-help"
        onKeyDown={(e) => {
          if (e.key === 'Escape' || e.key === '?') {
            e.preventDefault();
            e.stopPropagation();
            onClose();
          } else if (e.key === 'Tab') {
            e.preventDefault(); // keep focus inside the dialog
          }
          // Keys meant for the queue behind the dialog must not act on a hunk the engineer cannot see.
          e.stopPropagation();
        }}
      >
        <div className="so-help-head">
          <Codicon name="keyboard" />
          <h3 id={titleId}>Sign-off keys</h3>
          <span className="so-spacer" />
          <button ref={close} type="button" className="icon-button" aria-label="Close" title="Close (Escape)" onClick={onClose}>
            <Codicon name="close" />
          </button>
        </div>
        <dl className="so-help-keys">
          {SIGN_OFF_KEYS.map(([keys, what]) => (
            <div key={what} className="so-help-row">
              <dt>
                {keys.map((k, i) => (
                  <span key={k}>
                    {i > 0 && <span className="muted"> or </span>}
                    <kbd>{k}</kbd>
                  </span>
                ))}
              </dt>
              <dd>{what}</dd>
            </div>
          ))}
        </dl>
        <p className="so-help-foot muted">The keys work while focus is in the sign-off queue. Tab reaches every button too.</p>
        <h3 className="so-help-sub">Replay keys</h3>
        <dl className="so-help-keys" data-testid="replay-help">
          {REPLAY_KEYS.map((k) => (
            <div key={k.keys} className="so-help-row">
              <dt>
                {k.keys.split(' / ').map((key, i) => (
                  <span key={key}>
                    {i > 0 && <span className="muted"> / </span>}
                    <kbd>{key}</kbd>
                  </span>
                ))}
              </dt>
              <dd>{k.what}</dd>
            </div>
          ))}
        </dl>
        <p className="so-help-foot muted">The replay keys work while focus is on the scrubber (the playhead under the timeline’s header).</p>
        <h3 className="so-help-sub">Editor keys</h3>
        <dl className="so-help-keys" data-testid="editor-keys">
          {EDITOR_KEYS.map(([keys, what]) => (
            <div key={what} className="so-help-row">
              <dt>
                {keys.map((k) => (
                  <kbd key={k}>{k}</kbd>
                ))}
              </dt>
              <dd>{what}</dd>
            </div>
          ))}
        </dl>
      </div>
    </div>
  );
}
