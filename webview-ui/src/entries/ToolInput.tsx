import type { ReactNode } from 'react';
import { t } from '../shared/l10n';

/** Strings longer than this, or with a line break, get a block of their own. */
const INLINE_MAX = 80;

/**
 * A tool call's input as the agent sent it. A flat object (the usual case: file_path, pattern,
 * old_string…) reads best as fields, with multi-line strings shown as text rather than as JSON
 * with `\n` escapes; anything else is shown as formatted JSON.
 */
export function ToolInput({ input }: { input: unknown }) {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return <pre className="code">{stringify(input)}</pre>;
  }
  const fields = Object.entries(input as Record<string, unknown>);
  if (fields.length === 0) return <p className="muted">{t('detail.noInput')}</p>;
  return (
    <dl className="input-fields">
      {fields.map(([key, value]) => {
        const text = typeof value === 'string' ? value : stringify(value);
        const block = text.includes('\n') || text.length > INLINE_MAX;
        let shown: ReactNode;
        if (block) shown = <pre className="code">{text}</pre>;
        else shown = <code className={typeof value === 'string' ? 'input-string' : 'input-value'}>{text}</code>;
        return (
          <div key={key} className={`input-field${block ? ' block' : ''}`}>
            <dt>{key}</dt>
            <dd>{shown}</dd>
          </div>
        );
      })}
    </dl>
  );
}

export function stringify(value: unknown): string {
  try {
    return typeof value === 'string' ? value : (JSON.stringify(value, null, 2) ?? String(value));
  } catch {
    return String(value); // a cycle or a BigInt: still show something
  }
}
