import './warnings.css';
import { usePodium } from '../app/usePodium';
import { Codicon } from '../shared/Codicon';
import { t } from '../shared/l10n';

/**
 * Says that a message from the extension did not have the shape src/protocol.ts declares and was
 * ignored: what was wrong, and that the view may be behind until the score is read again. Hidden
 * when every message was valid since the last `reset`.
 */
export function InvalidMessageBanner() {
  const error = usePodium((s) => s.invalidMessage);
  if (error === null) return null;
  return (
    <section className="banner error" role="alert" aria-label={t('invalid.label')}>
      <Codicon name="error" className="banner-icon" />
      <div className="banner-body">
        <p className="banner-title">{t('invalid.title')}</p>
        <p>{error}</p>
        <p className="muted">{t('invalid.hint')}</p>
      </div>
    </section>
  );
}
