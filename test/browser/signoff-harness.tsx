/**
 * A page with only the sign-off views, on the real store and the real host stand-in, for
 * signoff.test.ts: the queue and the warnings panel are tested before App mounts them, and
 * independently of whatever else App shows. Fed exactly like the app: window messages (`reset`,
 * `events`) folded by the shared reducer; intents land in window.__podiumSent.
 */
import '../../webview-ui/src/shared/base.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Announcer } from '../../webview-ui/src/app/Announcer';
import { SignOffQueue } from '../../webview-ui/src/sign-off/SignOffQueue';
import { WarningsPanel } from '../../webview-ui/src/warnings/WarningsPanel';
import { createPodiumStore } from '../../webview-ui/src/app/store';
import { StoreContext, usePodium } from '../../webview-ui/src/app/usePodium';
import { hostApi } from '../../webview-ui/src/shared/vscodeApi';

const store = createPodiumStore(hostApi());
window.addEventListener('message', (event: MessageEvent) => store.getState().receiveEvent(event));

/** What the tests wait on: how many events the store has folded. */
function EventCount() {
  const n = usePodium((s) => s.score.eventCount);
  return (
    <span className="sr-only" data-testid="event-count">
      {n}
    </span>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StoreContext.Provider value={store}>
      <div className="app signoff-harness">
        <WarningsPanel />
        <SignOffQueue />
        <EventCount />
        <Announcer />
      </div>
    </StoreContext.Provider>
  </StrictMode>,
);
