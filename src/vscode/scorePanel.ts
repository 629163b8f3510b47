/**
 * The Podium score panel: one webview panel in the editor area that shows the feed.
 *
 * - Security: a Content-Security-Policy of `default-src 'none'` plus exactly what the app needs, a
 *   fresh nonce for the one script, `localResourceRoots` narrowed to the built webview assets.
 * - Handshake: the host posts nothing until the app says `ready`; then it sends the whole history
 *   (in slices, so no single message is huge) and afterwards live batches. Whenever the page (re)loads
 *   (a window reload, or VS Code discarding it) it says `ready` again and is sent everything anew.
 * - The page is kept while the panel is hidden (`retainContextWhenHidden`): switching tabs must not
 *   re-fold a long score or lose the timeline's zoom and the queue's selection, and live batches keep
 *   arriving while it is hidden. The host never stops sending because a panel was hidden.
 * - Every message from the webview is validated (`parseFromWebview`); one that does not validate is
 *   answered with an `error` message and otherwise ignored.
 */
import * as vscode from 'vscode';
import type { ScoreFeed } from '../conductor/scoreFeed';
import { parseFromWebview, PROTOCOL_VERSION, type FromWebview, type HostConfig, type TaskHolderInfo, type ToWebview } from '../protocol';

export const SCORE_VIEW_TYPE = 'podium.score';
const SLICE = 5000;
/** Live events are posted at most this often: one message per frame, not one per event. */
const BATCH_MS = 16;

/** An intent the engineer expressed in the webview (task and permission messages). */
export type Intent = Extract<FromWebview, { type: `task/${string}` | `permission/${string}` | `hunk/${string}` | `file/${string}` | `notes/${string}` | `replay/${string}` }>;

export interface ScorePanelActions {
  openJournal(): void;
  revealJournalFolder(): void;
  /** Carries out an intent; a rejection's message is shown to the engineer. */
  intent(intent: Intent): Promise<void>;
  config(): HostConfig;
  /** The open tasks another window holds, as last read. */
  holders(): Record<string, TaskHolderInfo>;
  log(message: string): void;
}

export class ScorePanel implements vscode.Disposable {
  private static current: ScorePanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  private readies = 0;
  private queued: unknown[] = [];
  /** A replay asked for before the page was ready. */
  private pendingReplay: number | undefined;
  private timer: NodeJS.Timeout | undefined;

  /** Shows the panel, creating it if needed. */
  static show(extensionUri: vscode.Uri, feed: ScoreFeed, actions: ScorePanelActions): ScorePanel {
    if (ScorePanel.current) {
      ScorePanel.current.panel.reveal(undefined, false);
      return ScorePanel.current;
    }
    const panel = vscode.window.createWebviewPanel(SCORE_VIEW_TYPE, 'Podium Score', vscode.ViewColumn.Active, webviewOptions(extensionUri));
    return (ScorePanel.current = new ScorePanel(panel, extensionUri, feed, actions));
  }

  /** Adopts a panel VS Code restored after a window reload. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, feed: ScoreFeed, actions: ScorePanelActions): ScorePanel {
    ScorePanel.current?.dispose();
    panel.webview.options = webviewOptions(extensionUri);
    return (ScorePanel.current = new ScorePanel(panel, extensionUri, feed, actions));
  }

  static get instance(): ScorePanel | undefined {
    return ScorePanel.current;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly feed: ScoreFeed,
    private readonly actions: ScorePanelActions,
  ) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'podium.svg');
    panel.webview.html = renderHtml(panel.webview, extensionUri);
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      feed.subscribe((update) => {
        if (!this.ready) return;
        if (update.type === 'reset') this.sendAll();
        else if (update.type === 'events') this.queue(update.events);
        else void this.post(update);
      }),
    );
  }

  /** Puts the score into replay at `at` (now, or as soon as the page is ready). */
  replay(at: number): void {
    if (this.ready) void this.post({ type: 'replay', at });
    else this.pendingReplay = at;
  }

  /** Sends who holds the tasks another window writes (after it changed). */
  postHolders(): void {
    if (this.ready) void this.post({ type: 'holders', holders: this.actions.holders() });
  }

  /** Sends the task form's options again (settings or workspace trust changed). */
  postConfig(): void {
    if (this.ready) void this.post({ type: 'config', config: this.actions.config() });
  }

  /** True once the app has said `ready` and been sent the history. */
  get isReady(): boolean {
    return this.ready;
  }

  /** How many times the page has said `ready` (each is a page load). */
  get readyCount(): number {
    return this.readies;
  }

  private receive(raw: unknown): void {
    const parsed = parseFromWebview(raw);
    if (!parsed.ok) {
      this.actions.log(parsed.error);
      void this.post({ type: 'error', message: parsed.error });
      return;
    }
    this.handle(parsed.message);
  }

  private handle(message: FromWebview): void {
    switch (message.type) {
      case 'ready':
        if (message.protocol !== PROTOCOL_VERSION) {
          const text = vscode.l10n.t('The score page speaks protocol {0}, the host {1}: reload the window.', String(message.protocol), String(PROTOCOL_VERSION));
          this.actions.log(text);
          void this.post({ type: 'error', message: text });
          return;
        }
        this.ready = true;
        this.readies += 1;
        this.sendAll();
        if (this.pendingReplay !== undefined) {
          void this.post({ type: 'replay', at: this.pendingReplay });
          this.pendingReplay = undefined;
        }
        return;
      case 'openJournal':
        this.actions.openJournal();
        return;
      case 'revealJournalFolder':
        this.actions.revealJournalFolder();
        return;
      case 'reportError':
        this.actions.log(`Score page error: ${message.message}${message.stack ? `\n${message.stack}` : ''}`);
        return;
      default:
        this.actions.intent(message).catch((err: unknown) => {
          const text = err instanceof Error ? err.message : String(err);
          void this.post({ type: 'error', message: text });
          void vscode.window.showErrorMessage(vscode.l10n.t('Podium: {0}', text));
        });
    }
  }

  private queue(events: readonly unknown[]): void {
    for (const e of events) this.queued.push(e);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      const batch = this.queued;
      this.queued = [];
      if (this.ready) this.sendEvents(batch);
    }, BATCH_MS);
  }

  private sendAll(): void {
    // Everything is in the history: drop what was waiting to be posted.
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.queued = [];
    const history = this.feed.history();
    void this.post({ type: 'config', config: this.actions.config() });
    void this.post({ type: 'reset', source: this.feed.source, total: history.length });
    this.sendEvents(history);
    void this.post({ type: 'holders', holders: this.actions.holders() });
    if (this.feed.problems.length > 0) void this.post({ type: 'problems', problems: [...this.feed.problems] });
  }

  private sendEvents(events: readonly unknown[]): void {
    for (let i = 0; i < events.length; i += SLICE) void this.post({ type: 'events', events: events.slice(i, i + SLICE) });
  }

  private post(message: ToWebview): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }

  dispose(): void {
    if (ScorePanel.current === this) ScorePanel.current = undefined;
    this.ready = false;
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    retainContextWhenHidden: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')],
  };
}

/** The page: one nonce'd script, the app's stylesheet and the codicon font, nothing else. */
export function renderHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', name));
  const nonce = makeNonce();
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${asset('codicon.css')}" id="vscode-codicon-stylesheet">
  <link rel="stylesheet" href="${asset('score.css')}">
  <title>Podium Score</title>
</head>
<body>
  <div id="root"></div>
  <script nonce="${nonce}" src="${asset('score.js')}"></script>
</body>
</html>`;
}

function makeNonce(): string {
  const bytes = new Uint8Array(24);
  globalThis.crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}
