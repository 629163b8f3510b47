import { useEffect, useId, useRef } from 'react';
import { Codicon } from '../shared/Codicon';
import { ToolbarButton, type ToolbarButtonHandle } from '../shared/ToolbarButton';
import { t, type MessageKey } from '../shared/l10n';
import { REPLAY_KEYS } from '../replay/keys';

/** The queue's keys, in the order an engineer learns them. The one list both the overlay and tooltips read. */
export const SIGN_OFF_KEYS: ReadonlyArray<[keys: string[], what: MessageKey]> = [
  [['J', '↓'], 'keys.next'],
  [['K', '↑'], 'keys.previous'],
  [['Home', 'End'], 'keys.firstLast'],
  [['A'], 'keys.approve'],
  [['R'], 'keys.reject'],
  [['O'], 'keys.open'],
  [['U'], 'keys.undo'],
  [['?'], 'keys.help'],
];

/**
 * The editor's keys (package.json "keybindings"), the same letters as the queue's where they do the
 * same thing. Review keys act in a Podium diff editor (the agent's read-only side); the others anywhere.
 * A unit test holds this list and the manifest to each other.
 */
export const EDITOR_KEYS: typeof SIGN_OFF_KEYS = [
  [['J'], 'keys.editor.next'],
  [['A'], 'keys.editor.approve'],
  [['R'], 'keys.editor.reject'],
  [['Ctrl+Alt+J'], 'keys.editor.nextAnywhere'],
  [['Ctrl+Alt+U'], 'keys.editor.score'],
  [['Ctrl+Alt+N'], 'keys.editor.newTask'],
];

/**
 * A small modal listing the keys. Focus moves into it and back to where it was on close; Escape,
 * `?`, the Close button or a click outside close it. It holds one control, so Tab stays on it.
 */
export function KeyboardHelp({ onClose }: { onClose(): void }) {
  const titleId = useId();
  const close = useRef<ToolbarButtonHandle>(null);

  useEffect(() => {
    // The control that had focus, inside its element's shadow root when it has one (the keys
    // button's does): an element whose focus is inside it cannot take focus back itself.
    let previous = document.activeElement as HTMLElement | null;
    while (previous?.shadowRoot?.activeElement) previous = previous.shadowRoot.activeElement as HTMLElement;
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
          <h3 id={titleId}>{t('keys.title')}</h3>
          <span className="so-spacer" />
          <ToolbarButton ref={close} icon="close" label={t('keys.close')} title={t('keys.closeHint')} onClick={onClose} />
        </div>
        <dl className="so-help-keys">
          {SIGN_OFF_KEYS.map(([keys, what]) => (
            <div key={what} className="so-help-row">
              <dt>
                {keys.map((k, i) => (
                  <span key={k}>
                    {i > 0 && <span className="muted">{t('keys.or')}</span>}
                    <kbd>{k}</kbd>
                  </span>
                ))}
              </dt>
              <dd>{t(what)}</dd>
            </div>
          ))}
        </dl>
        <p className="so-help-foot muted">{t('keys.foot')}</p>
        <h3 className="so-help-sub">{t('keys.replayTitle')}</h3>
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
              <dd>{t(k.what)}</dd>
            </div>
          ))}
        </dl>
        <p className="so-help-foot muted">{t('keys.replayFoot')}</p>
        <h3 className="so-help-sub">{t('keys.editorTitle')}</h3>
        <dl className="so-help-keys" data-testid="editor-keys">
          {EDITOR_KEYS.map(([keys, what]) => (
            <div key={what} className="so-help-row">
              <dt>
                {keys.map((k) => (
                  <kbd key={k}>{k}</kbd>
                ))}
              </dt>
              <dd>{t(what)}</dd>
            </div>
          ))}
        </dl>
      </div>
    </div>
  );
}
