/**
 * A session: wires the editor to the conductor. Its own bundle (dist/session.js), loaded by
 * extension.ts the first time Podium is needed, so that activation itself stays small. Everything
 * it does here is registering commands, views and the panel, and translating between the editor and
 * the conductor's plain interfaces.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { AcpAdapter } from '../agents/acp';
import { ClaudeAdapter } from '../agents/claude';
import { CodexAdapter } from '../agents/codex';
import { CommandAdapter } from '../agents/command';
import { stopAllProcesses } from '../agents/process';
import { messageOf as errorText } from '../agents/sessionKit';
import { Conductor, type ConductorHost } from '../conductor/conductor';
import { rebuildJournalIndex } from '../conductor/journalLibrary';
import { sourceAt, workspaceSource, type ScoreSource } from '../replay/source';
import { applyRetention } from '../replay/retention';
import { registerReplay } from './replay';
import { handOutPlanOnce, REHEARSAL_PLAN } from '../conductor/rehearsalPlan';
import { DEFAULT_HEARTBEAT_MS } from '../journal/lock';
import { ScoreFeed } from '../conductor/scoreFeed';
import type { HostConfig, SourceInfo, TaskHolderInfo } from '../protocol';
import type { ScoreState } from '../score';
import { ScorePanel, type Intent, type ScorePanelActions } from './scorePanel';
import { registerReview } from './review';
import { SessionsView } from './sessionsView';
import { readWorkspaceFile, writeWorkspaceFile } from './workspaceFiles';
import { affectsAgents, affectsJournal, affectsWorktreePreparation, agentSettings, coherenceSettings, journalSettings, replaySettings, worktreePreparation, worktreeSettings } from './settings';
import { registerCoherence } from './coherence';
import type { CoherenceEngine } from '../conductor/coherence';
import { registerWalkthrough, stepDone } from './walkthrough';
import { handOutPlan, notifyPermission, registerTaskCommands, SECRET_PREFIX } from './taskCommands';

/** What the extension exports: read-only views used by the integration tests and other extensions. */
export interface PodiumApi {
  score(): ScoreState;
  source(): SourceInfo;
  problems(): readonly string[];
  panelReady(): boolean;
  /** Whether the score panel is open and visible, and how many times its page has loaded. */
  panelVisible(): boolean;
  panelLoads(): number;
  /** Resolves once the current source has been loaded. */
  loaded(): Promise<void>;
  /** Task ids and phases of this window's conductor. */
  tasks(): ReturnType<Conductor['tasks']>;
}

let conductor: Conductor | undefined;

/** What extension.ts hands a session: the Sessions view it created at activation, to fill. */
export interface SessionShell {
  sessionsTree: vscode.TreeView<unknown>;
  provideSessions(provider: vscode.TreeDataProvider<unknown>): void;
}

/** A started session: the API extension.ts exports, and the panel restore it forwards. */
export interface Session {
  api: PodiumApi;
  revive(panel: vscode.WebviewPanel): Promise<void>;
  deactivate(): Promise<void>;
}

export function startSession(context: vscode.ExtensionContext, shell: SessionShell): Session {
  const log = vscode.window.createOutputChannel('Podium', { log: true });
  const feed = new ScoreFeed({ folder: '', label: vscode.l10n.t('Workspace journals'), readOnly: true });
  let loading: Promise<void> = Promise.resolve();
  /** Where the score shown now comes from (the live workspace until the engineer opens other journals). */
  let source: ScoreSource | undefined;

  const host: ConductorHost = {
    workspace: () => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    storageDir: () => (context.storageUri ?? context.globalStorageUri).fsPath,
    journalFolder: () => journalSettings(context.globalStorageUri).folder,
    flushIntervalMs: () => journalSettings(context.globalStorageUri).flushIntervalMs,
    maxConcurrentAgents: () => agentSettings().maxConcurrentAgents,
    noProgressSec: () => agentSettings().noProgressSec,
    trusted: () => vscode.workspace.isTrusted,
    profiles: () => agentSettings().profiles,
    rehearsal: () => ({
      entry: vscode.Uri.joinPath(context.extensionUri, 'dist', 'rehearsal.js').fsPath,
      scriptsDir: vscode.Uri.joinPath(context.extensionUri, 'dist', 'rehearsal-scripts').fsPath,
    }),
    secrets: async (names) => {
      const found = new Map<string, string>();
      for (const name of names) {
        const value = await context.secrets.get(SECRET_PREFIX + name);
        if (value !== undefined) found.set(name, value);
      }
      return found;
    },
    permissionAsked: (task, session, ask) => notifyPermission(() => conductor!, task, session, ask),
    worktreePreparation: () => worktreePreparation(vscode.workspace.workspaceFolders?.[0]?.uri).prep,
    readWorkspaceFile,
    writeWorkspaceFile,
    log: (level, message) => log[level](message),
    // This window was frozen or cut off and another took its task over: say so, and show that window's work.
    taskLost: (_task, message) => {
      void vscode.window.showWarningMessage(message);
      void loadWorkspace().then(refreshHolders);
    },
    coherence: coherenceSettings,
    // The engine and its parsers are a bundle of their own, loaded when a change is first checked.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loadCoherence: async () => require(vscode.Uri.joinPath(context.extensionUri, 'dist', 'coherence.js').fsPath) as CoherenceEngine,
  };
  const acp = new AcpAdapter({ clientVersion: String(context.extension.packageJSON.version ?? '0') });
  conductor = new Conductor(host, feed, { acp, rehearsal: acp, claude: new ClaudeAdapter(), codex: new CodexAdapter(), command: new CommandAdapter() });
  const theConductor = conductor;

  const hostConfig = (): HostConfig => {
    const settings = agentSettings();
    return {
      profiles: settings.profiles.map((p) => ({ id: p.id, label: p.label, kind: p.kind })),
      defaultProfile: settings.defaultProfile,
      trusted: vscode.workspace.isTrusted,
      maxConcurrentAgents: settings.maxConcurrentAgents,
    };
  };

  const intent = async (message: Intent): Promise<void> => {
    switch (message.type) {
      case 'task/create':
        await theConductor.createTask({ title: message.title, prompt: message.prompt, agent: message.agent, waitsFor: message.waitsFor, budgets: message.budgets, scope: message.scope });
        stepDone('taskHandedOut');
        if (agentSettings().profiles.find((p) => p.id === message.agent)?.kind !== 'rehearsal') stepDone('agentReady');
        return;
      case 'task/stop':
        return theConductor.stop(message.task);
      case 'task/cancel':
        return theConductor.cancel(message.task);
      case 'task/restart':
        return theConductor.restart(message.task);
      case 'task/followUp':
        return theConductor.followUp(message.task, message.text);
      case 'task/takeOver': {
        const title = feed.state.tasks[message.task]?.spec.title ?? message.task;
        await theConductor.checkTakeOver(message.task);
        await loadWorkspace();
        await refreshHolders();
        if (!theConductor.owns(message.task)) throw new Error(vscode.l10n.t('Podium could not take over "{0}": {1}.', title, holders[message.task]?.why ?? vscode.l10n.t('another window took it first')));
        void vscode.window.showInformationMessage(vscode.l10n.t('This window now holds "{0}": its changes can be decided here.', title));
        return;
      }
      case 'task/close':
        return theConductor.close(message.task, { deleteBranch: worktreeSettings().deleteBranchOnClose });
      case 'permission/answer':
        return theConductor.answerPermission(message.session, message.request, message.optionId);
      case 'hunk/approve': {
        const result = await theConductor.approve(message.hunk);
        if (result === 'conflict') void vscode.window.showWarningMessage(vscode.l10n.t('Podium did not apply that change: you changed the same lines. Both sides are on the score.'));
        return;
      }
      case 'hunk/reject':
        return theConductor.reject(message.hunk, message.reason);
      case 'hunk/undo':
        return theConductor.undoApproval(message.hunk);
      case 'hunk/open':
        await vscode.commands.executeCommand('podium.openHunk', message.hunk);
        return;
      case 'file/reject':
        await theConductor.rejectAll(message.task, message.reason, message.path);
        return;
      case 'task/rejectAll':
        await theConductor.rejectAll(message.task, message.reason);
        return;
      case 'notes/open':
        await vscode.commands.executeCommand('podium.openRule', message.file, message.line);
        return;
      case 'replay/open':
        await vscode.commands.executeCommand('podium.replay.openFile', message.moment, message.path, message.label);
        return;
      case 'replay/diff':
        await vscode.commands.executeCommand('podium.replay.diff', message.path, message.left, message.right);
        return;
      case 'replay/fork':
        await vscode.commands.executeCommand('podium.replay.newTaskFromHere', message.task, message.moment, message.ts);
        return;
      case 'replay/export':
        await vscode.commands.executeCommand('podium.exportSession', message.task);
        return;
      case 'file/approve':
      case 'task/approveClean': {
        const r = await theConductor.approveClean(message.task, message.type === 'file/approve' ? message.path : undefined);
        void vscode.window.showInformationMessage(
          [
            vscode.l10n.t('Podium applied {0} change(s).', r.applied),
            r.conflicts ? vscode.l10n.t('{0} conflicted.', r.conflicts) : '',
            r.skipped ? vscode.l10n.t('{0} with warnings wait for you.', r.skipped) : '',
          ].filter(Boolean).join(' '),
        );
        return;
      }
    }
  };

  const loadWorkspace = (): Promise<void> =>
    (loading = (async () => {
      await theConductor.flush();
      const { folder } = journalSettings(context.globalStorageUri);
      source = workspaceSource(folder, host.workspace());
      const result = await source.load();
      feed.reset(sourceInfo(source), result.events, result.problems);
      for (const p of result.problems) log.warn(p);
      log.info(`Loaded ${result.sessions} session(s), ${result.events.length} events from ${folder}`);
      await adoptOpenTasks();
      await keepMomentsAsSet();
    })().catch((err: unknown) => {
      const message = vscode.l10n.t('Podium could not read the journal folder: {0}', errorText(err));
      log.error(message);
      feed.report([message]);
    }));

  // Who holds the tasks another window writes: read again every heartbeat, so Take Over is enabled
  // as soon as that window is gone or stops responding.
  let holders: Record<string, TaskHolderInfo> = {};
  const ownershipChanged = new vscode.EventEmitter<void>();
  const refreshHolders = async (): Promise<void> => {
    const next = await theConductor.holders().catch(() => holders);
    if (JSON.stringify(next) === JSON.stringify(holders)) return;
    holders = next;
    ScorePanel.instance?.postHolders();
    ownershipChanged.fire();
  };
  const holdersTimer = setInterval(() => void refreshHolders(), DEFAULT_HEARTBEAT_MS);
  holdersTimer.unref?.();

  // Tasks of earlier windows that were never closed come back to this one, so their changes can still
  // be decided. Staging runs git in the workspace, so only once the workspace is trusted.
  const adoptOpenTasks = async (): Promise<void> => {
    if (!vscode.workspace.isTrusted || feed.source.readOnly) return;
    const ids = await theConductor.adopt().catch((err: unknown) => {
      log.error(`Podium could not take up the open tasks of earlier windows: ${errorText(err)}`);
      return [];
    });
    if (ids.length) log.info(`Took up ${ids.length} open task(s) of earlier windows: ${ids.join(', ')}`);
    if (ids.length) ownershipChanged.fire();
    await refreshHolders();
  };

  const openJournal = async (): Promise<void> => {
    const picked = await vscode.window.showOpenDialog({
      title: vscode.l10n.t('Open a Podium session journal'),
      openLabel: vscode.l10n.t('Open Journal'),
      canSelectFiles: true,
      canSelectFolders: true,
      canSelectMany: false,
      filters: { [vscode.l10n.t('Podium journals and exported sessions')]: ['jsonl', 'tgz'] },
      defaultUri: vscode.Uri.file(journalSettings(context.globalStorageUri).folder),
    });
    const uri = picked?.[0];
    if (!uri) return;
    await openJournalAt(uri.fsPath);
  };

  const openJournalAt = async (target: string): Promise<void> => {
    loading = (async () => {
      const opened = await sourceAt(target, { repo: host.workspace(), storage: context.globalStorageUri.fsPath });
      const result = await opened.load();
      source = opened;
      feed.reset(sourceInfo(opened), result.events, result.problems);
      for (const p of result.problems) log.warn(p);
      if (result.events.length === 0 && result.problems.length === 0) {
        void vscode.window.showInformationMessage(vscode.l10n.t('Podium found no session journal in {0}.', target));
      }
    })().catch((err: unknown) => {
      void vscode.window.showErrorMessage(vscode.l10n.t('Podium could not open {0}: {1}', target, errorText(err)));
    });
    await loading;
    showPanel();
  };

  // Moments of closed tasks older than the retention setting are let go (0: kept for good).
  const keepMomentsAsSet = async (): Promise<void> => {
    const workspace = host.workspace();
    const days = replaySettings().retentionDays;
    if (!workspace || !vscode.workspace.isTrusted || days <= 0) return;
    const closed = new Set(feed.state.taskOrder.filter((id) => feed.state.tasks[id]!.status === 'closed'));
    const dropped = await applyRetention(workspace, days, closed).catch((err: unknown) => {
      log.warn(`Podium could not apply the replay retention: ${errorText(err)}`);
      return [];
    });
    if (dropped.length) log.info(`Let go of the kept files of ${dropped.length} closed task(s) older than ${days} days.`);
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
    const copy = vscode.l10n.t('Copy Path');
    const choice = await vscode.window.showInformationMessage(vscode.l10n.t('Podium journals: {0}', folder), copy);
    if (choice === copy) await vscode.env.clipboard.writeText(folder);
  };

  const actions: ScorePanelActions = {
    openJournal: () => void openJournal(),
    revealJournalFolder: () => void revealJournalFolder(),
    intent,
    config: hostConfig,
    holders: () => holders,
    log: (message) => log.warn(message),
  };
  const showPanel = () => ScorePanel.show(context.extensionUri, feed, actions);

  const sessionsView = new SessionsView(feed, () => journalSettings(context.globalStorageUri).folder);
  const sessionsTree = shell.sessionsTree;
  shell.provideSessions(sessionsView as vscode.TreeDataProvider<unknown>);
  context.subscriptions.push(
    log,
    sessionsView,
    ...registerReview(() => theConductor, feed, sessionsTree, ownershipChanged.event),
    ownershipChanged,
    ...registerCoherence(() => theConductor, feed, log),
    ...registerReplay({
      conductor: () => theConductor,
      feed,
      moments: () => source?.moments,
      journalFolder: () => journalSettings(context.globalStorageUri).folder,
      workspace: () => host.workspace(),
      reload: () => (source?.kind === 'workspace' || !source ? loadWorkspace() : Promise.resolve()),
      replayAt: (at) => {
        showPanel().replay(at);
      },
      log,
    }),
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
        void vscode.window.showInformationMessage(vscode.l10n.t('Podium rebuilt the session index: {0} session(s) in {1}.', count, folder));
      } catch (err) {
        void vscode.window.showErrorMessage(vscode.l10n.t('Podium could not rebuild the session index in {0}: {1}', folder, errorText(err)));
      }
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (affectsJournal(e)) void loadWorkspace();
      if (affectsAgents(e)) {
        ScorePanel.instance?.postConfig();
        for (const p of agentSettings().problems) log.warn(p);
      }
      if (affectsWorktreePreparation(e)) for (const p of worktreePreparation(vscode.workspace.workspaceFolders?.[0]?.uri).problems) log.warn(p);
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      ScorePanel.instance?.postConfig();
      void adoptOpenTasks();
    }),
    ...registerTaskCommands(context, () => theConductor),
    ...registerWalkthrough(feed, () => ScorePanel.instance?.panel.visible ?? false),
    { dispose: () => ScorePanel.instance?.dispose() },
    { dispose: () => clearInterval(holdersTimer) },
  );
  for (const p of agentSettings().problems) log.warn(p);
  for (const p of worktreePreparation(vscode.workspace.workspaceFolders?.[0]?.uri).problems) log.warn(p);

  void loadWorkspace().then(() => maybeStartRehearsal(theConductor, showPanel, log, journalSettings(context.globalStorageUri).folder));

  const api: PodiumApi = {
    score: () => feed.state,
    source: () => feed.source,
    problems: () => feed.problems,
    panelReady: () => ScorePanel.instance?.isReady ?? false,
    panelVisible: () => ScorePanel.instance?.panel.visible ?? false,
    panelLoads: () => ScorePanel.instance?.readyCount ?? 0,
    loaded: () => loading,
    tasks: () => theConductor.tasks(),
  };
  return {
    api,
    revive: async (panel) => {
      await loading;
      ScorePanel.revive(panel, context.extensionUri, feed, actions);
    },
    deactivate,
  };
}

/** Stops every agent (protocol cancel, SIGTERM, SIGKILL) and closes the journals. */
async function deactivate(): Promise<void> {
  const c = conductor;
  conductor = undefined;
  await c?.dispose();
  await stopAllProcesses(1000);
}

/**
 * The demo: a workspace with `.podium/rehearsal.json` opens with its rehearsal tasks playing, once
 * per workspace however many windows (or browsers) open it: whether it was played is read from the
 * journals on disk, never from `workspaceState`, which VS Code for the Web keeps in the browser. The
 * command hands it out again on request.
 */
async function maybeStartRehearsal(conductor: Conductor, showPanel: () => void, log: vscode.LogOutputChannel, journalFolder: string): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!folder || !existsSync(path.join(folder, REHEARSAL_PLAN)) || !vscode.workspace.isTrusted) return;
  try {
    const outcome = await handOutPlanOnce({
      planFile: path.join(folder, REHEARSAL_PLAN),
      journalFolder,
      profiles: agentSettings().profiles,
      handOut: (plan) => handOutPlan(conductor, plan),
    });
    if (outcome.kind === 'started') {
      log.info(`Handed out the demo rehearsal: ${outcome.tasks.join(', ')}`);
      showPanel();
    } else {
      log.info(outcome.kind === 'played' ? 'The demo rehearsal was already played here (its tasks are in the journals); not handing it out again.' : 'Another window is handing out the demo rehearsal.');
    }
  } catch (err) {
    const message = vscode.l10n.t('Podium could not start the demo rehearsal: {0}', errorText(err));
    log.error(message);
    void vscode.window.showErrorMessage(message);
  }
}

/** What the score's header and the webview know of a source. */
function sourceInfo(source: ScoreSource): SourceInfo {
  return { folder: source.folder, label: source.label, readOnly: source.readOnly, kind: source.kind, moments: source.moments !== undefined };
}
