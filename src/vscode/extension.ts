/**
 * Activation, kept small: Podium wakes with any workspace that has a `.podium` folder, so what runs
 * here is only what must exist before anything is used — a stand-in for each command, the score
 * panel's restorer and the Sessions view. The session itself (the conductor, the agents' SDKs and
 * adapters, the staging engine, the webview host, replay) is its own bundle, dist/session.js, loaded
 * the first time any of them is needed: a command, the panel coming back, the view being shown, the
 * API being asked, or a workspace with recorded sessions or a demo to play. This module imports
 * nothing but 'vscode' and Node's own modules (the bench's `activate` section measures it).
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PodiumApi, Session } from './session';

export type { PodiumApi } from './session';

/** The score panel's view type (scorePanel.ts says the same; this module may not import it). */
const SCORE_VIEW_TYPE = 'podium.score';

let session: Session | undefined;

/** The Sessions view's provider until the session's own is there; asking it for rows loads the session. */
class SessionsUntilLoaded implements vscode.TreeDataProvider<unknown>, vscode.Disposable {
  private inner: vscode.TreeDataProvider<unknown> | undefined;
  private forwarding: vscode.Disposable | undefined;
  private readonly changed = new vscode.EventEmitter<unknown>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly wake: () => unknown) {}

  provide(provider: vscode.TreeDataProvider<unknown>): void {
    this.inner = provider;
    this.forwarding = provider.onDidChangeTreeData?.((e) => this.changed.fire(e));
    this.changed.fire(undefined);
  }

  getTreeItem(element: unknown): vscode.TreeItem | Thenable<vscode.TreeItem> {
    return this.inner!.getTreeItem(element);
  }

  getChildren(element?: unknown): vscode.ProviderResult<unknown[]> {
    if (!this.inner) this.wake();
    return this.inner?.getChildren(element) ?? [];
  }

  dispose(): void {
    this.forwarding?.dispose();
    this.changed.dispose();
  }
}

export function activate(context: vscode.ExtensionContext): PodiumApi {
  const tree = new SessionsUntilLoaded(() => load());
  const sessionsTree = vscode.window.createTreeView<unknown>('podium.sessions', { treeDataProvider: tree, showCollapseAll: false });
  const standIns: vscode.Disposable[] = [];

  /** Loads and starts the session once; the stand-in commands step aside for the real ones first. */
  const load = (): Session => {
    if (session) return session;
    for (const d of standIns.splice(0)) d.dispose();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const bundle = require(path.join(context.extensionPath, 'dist', 'session.js')) as typeof import('./session');
    session = bundle.startSession(context, { sessionsTree, provideSessions: (p) => tree.provide(p) });
    return session;
  };

  // Each command the manifest declares runs the session's own once it is loaded.
  const declared = (context.extension.packageJSON as { contributes?: { commands?: { command: string }[] } }).contributes?.commands ?? [];
  for (const { command } of declared) {
    standIns.push(
      vscode.commands.registerCommand(command, (...args: unknown[]) => {
        load();
        return vscode.commands.executeCommand(command, ...args);
      }),
    );
  }

  context.subscriptions.push(
    tree,
    sessionsTree,
    { dispose: () => standIns.splice(0).forEach((d) => d.dispose()) },
    vscode.window.registerWebviewPanelSerializer(SCORE_VIEW_TYPE, {
      deserializeWebviewPanel: (panel) => load().revive(panel),
    }),
  );

  // A workspace with a `.podium` folder has sessions to show, open tasks to take up or a demo to
  // play: its session starts as soon as activation is over, without holding activation up.
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (folder?.scheme === 'file' && existsSync(path.join(folder.fsPath, '.podium'))) setTimeout(() => load(), 0);

  return {
    score: () => load().api.score(),
    source: () => load().api.source(),
    problems: () => load().api.problems(),
    panelReady: () => load().api.panelReady(),
    panelVisible: () => load().api.panelVisible(),
    panelLoads: () => load().api.panelLoads(),
    loaded: () => load().api.loaded(),
    tasks: () => load().api.tasks(),
  };
}

/** Stops every agent (protocol cancel, SIGTERM, SIGKILL) and closes the journals. */
export async function deactivate(): Promise<void> {
  const s = session;
  session = undefined;
  await s?.deactivate();
}
