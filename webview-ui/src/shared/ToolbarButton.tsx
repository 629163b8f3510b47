/**
 * An icon-only action as the workbench draws them in its title bars and action bars
 * (`vscode-toolbar-button` from @vscode-elements): a codicon, the hover and focus of VS Code's own.
 * The accessible name (`label`) lands on the `<button>` inside the element's shadow root, which is
 * also what takes focus; `title` is the tooltip on the element.
 *
 * The element (2.5) has no `disabled`, so this wrapper makes one: the inner button is disabled (out
 * of the Tab order, not focusable, said to be disabled to assistive technology), the element carries
 * `aria-disabled` and looks dimmed, and `onClick` is never called while disabled, whatever the
 * click came from. Not for toggles: the element's `toggleable` flips its own state on a click and
 * says role "switch", where Podium's toggles are buttons with `aria-pressed` that their owner sets.
 */
import VscodeToolbarButton from '@vscode-elements/react-elements/dist/components/VscodeToolbarButton.js';
import { useEffect, useImperativeHandle, useRef, type MouseEvent, type Ref } from 'react';

/** What a ref to a ToolbarButton gives: the element itself cannot take focus, its inner button can. */
export interface ToolbarButtonHandle {
  readonly element: HTMLElement | null;
  /** Focuses the inner button, once the element has rendered it. */
  focus(options?: FocusOptions): void;
}

interface Props {
  /** The accessible name. */
  label: string;
  /** A codicon name. */
  icon: string;
  title: string;
  disabled?: boolean;
  /** For a button that opens a dialog (set on the inner button, where the name is). */
  'aria-haspopup'?: 'dialog';
  onClick?: (e: MouseEvent<HTMLElement>) => void;
  'data-testid'?: string;
  ref?: Ref<ToolbarButtonHandle>;
}

type Host = HTMLElement & { updateComplete: Promise<unknown> };

/** The inner button, once the element has rendered (it renders in a microtask after it connects). */
async function inner(host: Host | null): Promise<HTMLButtonElement | null> {
  if (!host) return null;
  await host.updateComplete;
  return host.shadowRoot?.querySelector('button') ?? null;
}

// The disabled look inside the shadow root: the element's own styles give any button a pointer and
// a hover background. Made on first use (a module that only imports this must not need a DOM).
let disabledLook: CSSStyleSheet | undefined;
function withDisabledLook(root: ShadowRoot) {
  disabledLook ??= (() => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync('button:disabled { cursor: default; opacity: 0.45; background: none; outline: none; }');
    return sheet;
  })();
  if (!root.adoptedStyleSheets.includes(disabledLook)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, disabledLook];
}

export function ToolbarButton({ label, icon, title, disabled = false, onClick, ref, 'aria-haspopup': hasPopup, 'data-testid': testId }: Props) {
  const host = useRef<Host>(null);

  useImperativeHandle(
    ref,
    () => ({
      get element() {
        return host.current;
      },
      focus(options?: FocusOptions) {
        void inner(host.current).then((b) => b?.focus(options));
      },
    }),
    [],
  );

  useEffect(() => {
    let live = true;
    void inner(host.current).then((b) => {
      if (!live || !b) return;
      withDisabledLook(b.getRootNode() as ShadowRoot);
      b.disabled = disabled;
      if (hasPopup) b.setAttribute('aria-haspopup', hasPopup);
      else b.removeAttribute('aria-haspopup');
    });
    return () => {
      live = false;
    };
  }, [disabled, hasPopup]);

  return (
    <VscodeToolbarButton
      ref={host as Ref<never>}
      icon={icon}
      label={label}
      title={title}
      aria-disabled={disabled ? 'true' : undefined}
      data-testid={testId}
      onClick={(e) => {
        if (!disabled) onClick?.(e);
      }}
    />
  );
}
