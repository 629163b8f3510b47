import './warnings.css';
import { usePodium } from '../app/usePodium';
import { Codicon } from '../shared/Codicon';

/**
 * Says that a message from the extension did not have the shape src/protocol.ts declares and was
 * ignored: what was wrong, and that the view may be behind until the score is read again. Hidden
 * when every message was valid since the last `reset`.
 */
export function InvalidMessageBanner() {
  const error = usePodium((s) => s.invalidMessage);
  if (error === null) return null;
  return (
    <section className="banner error" role="alert" aria-label="Message ignored">
      <Codicon name="error" className="banner-icon" />
      <div className="banner-body">
        <p className="banner-title">The score view ignored a message it could not read</p>
        <p>{error}</p>
        <p className="muted">What you see may be out of date. Run “Developer: Reload Webviews” to read the score again; the extension’s log has the details.</p>
      </div>
    </section>
  );
}
