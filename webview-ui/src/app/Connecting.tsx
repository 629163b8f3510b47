import { Codicon } from '../shared/Codicon';

/** Before the host has said anything: the extension is still reading the journals. */
export function Connecting() {
  return (
    <div className="empty" aria-busy="true">
      <Codicon name="loading" className="empty-icon" />
      <p className="muted">Reading the session journals…</p>
    </div>
  );
}
