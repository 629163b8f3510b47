import { Codicon } from '../shared/Codicon';
import { t } from '../shared/l10n';

/** Before the host has said anything: the extension is still reading the journals. */
export function Connecting() {
  return (
    <div className="empty" aria-busy="true">
      <Codicon name="loading" className="empty-icon" />
      <p className="muted">{t('connecting.reading')}</p>
    </div>
  );
}
