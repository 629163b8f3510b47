import type { StatusLook } from '../entries/kinds';
import { Codicon } from '../shared/Codicon';

/** A small rounded status label; its tone picks a theme colour, its text says the same in words. */
export function StatusPill({ look, className = '' }: { look: StatusLook; className?: string }) {
  return (
    <span className={`pill tone-${look.tone} ${className}`.trim()}>
      {look.icon && <Codicon name={look.icon} />}
      <span>{look.text}</span>
    </span>
  );
}
