/**
 * Activation: wires the editor to the conductor. This folder is the only code that imports
 * 'vscode'; everything it does here is registering commands, views and the panel, and translating
 * between the editor and the conductor's plain interfaces.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { loadJournalFile, loadJournalFolder, rebuildJournalIndex } from '../conductor/journalLibrary';
import { ScoreFeed } from '../conductor/scoreFeed';
import type { SourceInfo } from '../protocol';
import type { ScoreState } from '../score';
import { ScorePanel, SCORE_VIEW_TYPE, type ScorePanelActions } from './scorePanel';
import { SessionsView } from './sessionsView';
import { affectsJournal, journalSettings } from './settings';

/** What the extension exports: read-only views used by the integration tests and other extensions. */
export interface PodiumApi {
  score(): ScoreState;
  source(): SourceInfo;
  problems(): readonly string[];
  panelReady(): boolean;
  /** Resolves once the current source has been loaded. */
  loaded(): Promise<void>;
}

export function activate(context: vscode.ExtensionContext): PodiumApi {
  const log = vscode.window.createOutputChannel('Podium', { log: true });
  const feed = new ScoreFeed({ folder: '', label: 'Workspace journals', readOnly: true });
  let loading: Promise<void> = Promise.resolve();

  const loadWorkspace = (): Promise<void> =>
    (loading = (async () => {
      const { folder } = journalSettings(context.globalStorageUri);
      const result = await loadJournalFolder(folder);
      feed.reset({ folder, label: 'Workspace journals', readOnly: false }, result.events, result.problems);
      for (const p of result.problems) log.warn(p);
      log.info(`Loaded ${result.sessions} session(s), ${result.events.length} events from ${folder}`);
    })().catch((err: unknown) => {
      const message = `Podium could not read the journal folder: ${errorText(err)}`;
      log.error(message);
      feed.report([message]);
    }));

  const openJournal = async (): Promise<void> => {
    const picked = await vscode.window.showOpenDialog({
      title: 'Open a Podium session journal',
      openLabel: 'Open Journal',
      canSelectFiles: true,
      canSelectFolders: true,
      canSelectMany: false,
      filters: { 'Podium journals': ['jsonl'] },
      defaultUri: vscode.Uri.file(journalSettings(context.globalStorageUri).folder),
    });
    const uri = picked?.[0];
    if (!uri) return;
    await openJournalAt(uri.fsPath);
  };

  const openJournalAt = async (target: string): Promise<void> => {
    loading = (async () => {
      const isFile = target.endsWith('.jsonl');
      const result = isFile ? await loadJournalFile(target) : await loadJournalFolder(target);
      const source: SourceInfo = { folder: isFile ? path.dirname(target) : target, label: path.basename(target), readOnly: true };
      feed.reset(source, result.events, result.problems);
      for (const p of result.problems) log.warn(p);
      if (result.events.length === 0 && result.problems.length === 0) {
        void vscode.window.showInformationMessage(`Podium found no session journal in ${target}.`);
      }
    })().catch((err: unknown) => {
      void vscode.window.showErrorMessage(`Podium could not open ${target}: ${errorText(err)}`);
    });
    await loading;
    showPanel();
  };

  const revealJournalFolder = async (): Promise<void> => {
    const folder = feed.source.folder || journalSettings(context.globalStorageUri).folder;
    const uri = vscode.Uri.file(folder);
    const inWorkspace = vscode.workspace.getWorkspaceFolder(uri) !== undefined;
    try {
      await vscode.commands.executeCommand(inWorkspace ? 'revealInExplorer' : 'revealFileInOS', uri);
    } catch {
      // Remote windows have no OS file manager; the path below is enough to find it.
    }
    const choice = await vscode.window.showInformationMessage(`Podium journals: ${folder}`, 'Copy Path');
    if (choice === 'Copy Path') await vscode.env.clipboard.writeText(folder);
  };

  const actions: ScorePanelActions = {
    openJournal: () => void openJournal(),
    revealJournalFolder: () => void revealJournalFolder(),
    log: (message) => log.warn(message),
  };
  const showPanel = () => ScorePanel.show(context.extensionUri, feed, actions);

  const sessionsView = new SessionsView(feed);
  context.subscriptions.push(
    log,
    sessionsView,
    vscode.window.createTreeView('podium.sessions', { treeDataProvider: sessionsView, showCollapseAll: false }),
    vscode.commands.registerCommand('podium.openScore', async () => {
      await loading;
      showPanel();
    }),
    vscode.commands.registerCommand('podium.openJournal', async (target?: unknown) => {
      if (target instanceof vscode.Uri) await openJournalAt(target.fsPath);
      else if (typeof target === 'string') await openJournalAt(target);
      else await openJournal();
    }),
    vscode.commands.registerCommand('podium.revealJournalFolder', revealJournalFolder),
    vscode.commands.registerCommand('podium.rebuildIndex', async () => {
      const { folder } = journalSettings(context.globalStorageUri);
      try {
        const count = await rebuildJournalIndex(folder);
        await loadWorkspace();
        void vscode.window.showInformationMessage(`Podium rebuilt the session index: ${count} session(s) in ${folder}.`);
      } catch (err) {
        void vscode.window.showErrorMessage(`Podium could not rebuild the session index in ${folder}: ${errorText(err)}`);
      }
    }),
    vscode.window.registerWebviewPanelSerializer(SCORE_VIEW_TYPE, {
      async deserializeWebviewPanel(panel) {
        await loading;
        ScorePanel.revive(panel, context.extensionUri, feed, actions);
      },
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (affectsJournal(e)) void loadWorkspace();
    }),
    { dispose: () => ScorePanel.instance?.dispose() },
  );

  void loadWorkspace();

  return {
    score: () => feed.state,
    source: () => feed.source,
    problems: () => feed.problems,
    panelReady: () => ScorePanel.instance?.isReady ?? false,
    loaded: () => loading,
  };
}

export function deactivate(): void {
  // Everything is registered in context.subscriptions and disposed by VS Code.
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
