/** A codicon glyph from the host-linked codicon.css. Decorative: the text beside it carries the meaning. */
export function Codicon({ name, spin = false, className = '' }: { name: string; spin?: boolean; className?: string }) {
  const classes = ['codicon', `codicon-${name}`, spin || name === 'loading' ? 'codicon-modifier-spin' : '', className].filter(Boolean).join(' ');
  return <span className={classes} aria-hidden="true" />;
}
