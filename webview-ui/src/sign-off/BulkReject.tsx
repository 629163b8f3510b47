/**
 * "Reject file…" / "Reject all…": a button that opens a one-line reason box; Enter rejects every
 * undecided hunk in scope with that reason (the agent hears it once), Escape closes the box.
 */
import { useId, useState, type FormEvent } from 'react';
import { Button } from '../shared/Button';
import { t } from '../shared/l10n';

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
      <Button small secondary icon="close-all" disabled={disabled} title={title} data-testid={testId} onClick={() => setOpen(true)}>
        {label}
      </Button>
    );
  }
  return (
    <form className="so-bulk-reject" onSubmit={submit}>
      <label htmlFor={inputId} className="sr-only">{t('bulkReject.why', { scope })}</label>
      <input
        id={inputId}
        className="so-input"
        autoFocus
        value={reason}
        placeholder={t('bulkReject.placeholder')}
        onChange={(e) => setReason(e.target.value)}
        onKeyDown={(e) => {
          e.stopPropagation();
          if (e.key === 'Escape') setOpen(false);
        }}
      />
      <Button small type="submit">
        {t('bulkReject.reject')}
      </Button>
    </form>
  );
}
