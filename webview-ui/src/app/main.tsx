/**
 * The score webview. The host loads `score.js` and `score.css` (with codicon.css linked as
 * `#vscode-codicon-stylesheet`), then talks to it only through messages: this page says `ready`,
 * the host answers with `reset` and `events` batches, and the view folds them with the shared reducer.
 */
import '../shared/base.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { PROTOCOL_VERSION } from '../../../src/protocol';
import { App } from './App';
import { ErrorBoundary } from './ErrorBoundary';
import { createPodiumStore } from './store';
import { StoreContext } from './usePodium';
import { hostApi } from '../shared/vscodeApi';

const host = hostApi();
const store = createPodiumStore(host);

// Listen before saying ready, so the host's first answer cannot be missed.
window.addEventListener('message', (event: MessageEvent) => store.getState().receiveEvent(event));

// Errors outside React's render (event handlers, timers) go to the host too; the page stays usable.
const report = (message: string, stack?: string) =>
  host.postMessage({ type: 'reportError', message: message.slice(0, 10_000), stack: stack?.slice(0, 20_000) });
window.addEventListener('error', (e) => report(`Score view error: ${e.message}`, e.error instanceof Error ? e.error.stack : undefined));
window.addEventListener('unhandledrejection', (e) => {
  const reason: unknown = e.reason;
  report(`Score view error: ${reason instanceof Error ? reason.message : String(reason)}`, reason instanceof Error ? reason.stack : undefined);
});

let container = document.getElementById('root');
if (!container) {
  container = document.createElement('div');
  container.id = 'root';
  document.body.append(container);
}

createRoot(container).render(
  <StrictMode>
    <StoreContext.Provider value={store}>
      <ErrorBoundary report={(m) => host.postMessage(m)}>
        <App />
      </ErrorBoundary>
    </StoreContext.Provider>
  </StrictMode>,
);

host.postMessage({ type: 'ready', protocol: PROTOCOL_VERSION });
