/**
 * A VS Code button (`vscode-button` from @vscode-elements): primary, or `secondary`, with an optional
 * codicon before its label. It looks and behaves like the workbench's own (Enter and Space press it;
 * `type="submit"` submits its form). Two things the element does not do on its own, done here: it says
 * it is disabled to assistive technology (`aria-disabled`), and a disabled button never calls
 * `onClick`, whatever the click came from. A disabled one cannot take focus until the element has
 * updated (`updateComplete`); focus it after that.
 */
import VscodeButton from '@vscode-elements/react-elements/dist/components/VscodeButton.js';
import type { ReactNode, Ref } from 'react';

interface Props {
  children: ReactNode;
  /** A codicon name, shown before the label. */
  icon?: string;
  /** Spins the icon (a `loading` icon while an answer is on its way). */
  iconSpin?: boolean;
  secondary?: boolean;
  /** Smaller padding, for buttons inside a row (a hunk's card, a file's header). */
  small?: boolean;
  disabled?: boolean;
  type?: 'button' | 'submit';
  title?: string;
  onClick?: () => void;
  buttonRef?: Ref<HTMLElement>;
  'aria-label'?: string;
  'aria-expanded'?: boolean;
  'aria-describedby'?: string;
  'data-testid'?: string;
}

export function Button({ children, icon, iconSpin, secondary, small, disabled = false, type = 'button', title, onClick, buttonRef, ...aria }: Props) {
  return (
    <VscodeButton
      ref={buttonRef as Ref<never>}
      className={small ? 'small' : undefined}
      icon={icon}
      iconSpin={iconSpin}
      secondary={secondary}
      disabled={disabled}
      aria-disabled={disabled ? 'true' : undefined}
      type={type}
      title={title}
      onClick={() => {
        if (!disabled) onClick?.();
      }}
      {...aria}
      // A custom element gets a boolean attribute as "", which means nothing to ARIA.
      aria-expanded={aria['aria-expanded'] === undefined ? undefined : aria['aria-expanded'] ? 'true' : 'false'}
    >
      {children}
    </VscodeButton>
  );
}
