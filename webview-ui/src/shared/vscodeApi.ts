/**
 * The webview's one door to the extension host. Inside VS Code it is `acquireVsCodeApi()`, which
 * may be called only once per page, so it is taken here and nowhere else. Outside VS Code (the
 * browser test harness, a plain page) a stand-in records what the app sent in
 * `window.__podiumSent`, forwards it to a parent frame if there is one, and keeps the persisted
 * state in sessionStorage so a reload restores it the way VS Code's `setState` does.
 */
import type { FromWebview } from '../../../src/protocol';

export interface HostApi {
  postMessage(message: FromWebview): void;
  getState(): unknown;
  setState(state: unknown): void;
}

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare global {
  // Defined by VS Code in webviews only; absent in the test harness.
  var acquireVsCodeApi: (() => VsCodeApi) | undefined;
  interface Window {
    /** Messages the app sent, when it runs outside VS Code (read by the browser tests). */
    __podiumSent?: FromWebview[];
  }
}

const STATE_KEY = 'podium.webviewState';

let api: HostApi | undefined;

export function hostApi(): HostApi {
  api ??= typeof globalThis.acquireVsCodeApi === 'function' ? globalThis.acquireVsCodeApi() : standIn();
  return api;
}

function standIn(): HostApi {
  const sent: FromWebview[] = (window.__podiumSent ??= []);
  return {
    postMessage(message) {
      sent.push(message);
      // A harness that frames the app listens on the parent; posting to ourselves would loop back
      // into our own message listener.
      if (window.parent !== window) window.parent.postMessage(message, '*');
    },
    getState() {
      try {
        const raw = sessionStorage.getItem(STATE_KEY);
        return raw === null ? undefined : JSON.parse(raw);
      } catch {
        return undefined; // storage blocked or corrupt: start fresh rather than fail
      }
    },
    setState(state) {
      try {
        sessionStorage.setItem(STATE_KEY, JSON.stringify(state));
      } catch {
        // storage blocked: the UI state simply won't survive a reload
      }
    },
  };
}
