/**
 * A page with only the sign-off views, on the real store and the real host stand-in, for
 * signoff.test.ts: the queue and the warnings panel are tested before App mounts them, and
 * independently of whatever else App shows. Fed exactly like the app: window messages (`reset`,
 * `events`) folded by the shared reducer; intents land in window.__podiumSent.
 */
import '../shared/base.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Announcer } from '../app/Announcer';
import { SignOffQueue } from './SignOffQueue';
import { WarningsPanel } from '../warnings/WarningsPanel';
import { createPodiumStore } from '../app/store';
import { StoreContext, usePodium } from '../app/usePodium';
import { hostApi } from '../shared/vscodeApi';

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
