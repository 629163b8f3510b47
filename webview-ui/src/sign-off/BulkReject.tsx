/**
 * "Reject file…" / "Reject all…": a button that opens a one-line reason box; Enter rejects every
 * undecided hunk in scope with that reason (the agent hears it once), Escape closes the box.
 */
import { useId, useState, type FormEvent } from 'react';
import { Codicon } from '../shared/Codicon';

interface Props {
  label: string;
  /** What is rejected, for the box's accessible name: "src/core/tally.js" or "every hunk of “Regex words”". */
  scope: string;
  disabled: boolean;
  title: string;
  onReject(reason: string): void;
  testId: string;
}

export function BulkReject({ label, scope, disabled, title, onReject, testId }: Props) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const inputId = useId();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onReject(reason.trim());
    setReason('');
    setOpen(false);
  };
  if (!open) {
    return (
      <button type="button" className="button small secondary" disabled={disabled} title={title} data-testid={testId} onClick={() => setOpen(true)}>
        <Codicon name="close-all" />
        <span>{label}</span>
      </button>
    );
  }
  return (
    <form className="so-bulk-reject" onSubmit={submit}>
      <label htmlFor={inputId} className="sr-only">{`Why reject ${scope}? The agent is told.`}</label>
      <input
        id={inputId}
        className="so-input"
        autoFocus
        value={reason}
        placeholder="Why? The agent is told (optional)"
        onChange={(e) => setReason(e.target.value)}
        onKeyDown={(e) => {
          e.stopPropagation();
          if (e.key === 'Escape') setOpen(false);
        }}
      />
      <button type="submit" className="button small">Reject</button>
    </form>
  );
}
