/**
 * Replay in the editor: the files of a recorded moment as read-only `podium-replay:` documents (open
 * one, or diff it against the task's base or another moment), New Task from Here, Export Session…,
 * Replay Session…, Delete Session…, and the retention of kept moments.
 *
 * URIs: `podium-replay:/<moment>/<path>?label=…` — a moment is a git object id the journal recorded;
 * it is read from the current source's moment store (the workspace's repository, or an export's).
 * Replay never writes the workspace and never starts an agent (New Task from Here hands out a new
 * task, which the engineer asks for, in a trusted workspace only).
 */
import { unlink } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Conductor } from '../conductor/conductor';
import type { ScoreFeed } from '../conductor/scoreFeed';
import { journalPath, JournalLockedError, loadSessionIndex, type SessionSummary } from '../journal';
import { exportSessions, EXPORT_EXTENSION } from '../replay/export';
import { readMomentFile } from '../replay/files';
import type { MomentStore } from '../replay/source';
import { dropHistory } from '../stage/history';
import { agentSettings } from './settings';

export const REPLAY_SCHEME = 'podium-replay';
const OBJECT_ID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

export function momentUri(moment: string, file: string, label: string): vscode.Uri {
  return vscode.Uri.from({ scheme: REPLAY_SCHEME, path: `/${moment}/${file}`, query: new URLSearchParams({ label }).toString() });
}

function parse(uri: vscode.Uri): { moment: string; file: string } | undefined {
  const [, moment, ...rest] = uri.path.split('/');
  if (!moment || !OBJECT_ID.test(moment) || rest.length === 0) return undefined;
  return { moment, file: rest.join('/') };
}

export interface ReplayHost {
  conductor(): Conductor;
  feed: ScoreFeed;
  /** Where the files of the current source's moments are. */
  moments(): MomentStore | undefined;
  /** The workspace's journal folder and repository. */
  journalFolder(): string;
  workspace(): string | undefined;
  /** Reads the workspace's journals again (after a session was deleted). */
  reload(): Promise<void>;
  /** Shows the score and puts it into replay at `at`. */
  replayAt(at: number): void;
  log: vscode.LogOutputChannel;
}

class MomentDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly host: ReplayHost) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const parsed = parse(uri);
    const store = this.host.moments();
    if (!parsed || !store) return '';
    const bytes = await readMomentFile(store, parsed.moment, parsed.file);
    // A file the moment did not have reads as empty, as in git's own diffs of an added file.
    return bytes === null ? '' : bytes.toString('utf8');
  }
}

export function registerReplay(host: ReplayHost): vscode.Disposable[] {
  const sessionsOf = async (task: string): Promise<SessionSummary[]> => {
    const index = await loadSessionIndex(host.journalFolder());
    return index.sessions.filter((s) => s.task === task).sort((a, b) => a.firstTs - b.firstTs);
  };
  const report = (what: string) => (err: unknown) => void vscode.window.showErrorMessage(vscode.l10n.t('Podium could not {0}: {1}', what, err instanceof Error ? err.message : String(err)));

  const exportTask = async (task: string) => {
    const workspace = host.workspace();
    if (!workspace) throw new Error(vscode.l10n.t('Open the workspace whose session it is first.'));
    const sessions = await sessionsOf(task);
    if (sessions.length === 0) throw new Error(vscode.l10n.t('That task has no session in the workspace journals.'));
    const title = sessions.find((s) => s.title)?.title ?? task;
    const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 50) || 'session';
    const target = await vscode.window.showSaveDialog({
      title: vscode.l10n.t('Export “{0}”', title),
      saveLabel: vscode.l10n.t('Export Session'),
      defaultUri: vscode.Uri.file(path.join(workspace, `${slug}${EXPORT_EXTENSION}`)),
      filters: { [vscode.l10n.t('Podium session')]: ['tgz'] },
    });
    if (!target) return;
    const out = target.fsPath.endsWith(EXPORT_EXTENSION) ? target.fsPath : `${target.fsPath.replace(/\.tgz$/, '')}${EXPORT_EXTENSION}`;
    await host.conductor().flush();
    const result = await exportSessions({ journals: host.journalFolder(), sessions: sessions.map((s) => s.sessionId), repo: workspace, out });
    const kb = Math.max(1, Math.round(result.bytes / 1024));
    const missing = result.missing ? vscode.l10n.t(' ({0} moment(s) no longer kept were left out)', result.missing) : '';
    void vscode.window.showInformationMessage(vscode.l10n.t('Podium exported “{0}”: {1} session(s), the files of {2} moment(s), {3} KB{4}.', title, sessions.length, result.moments, kb, missing), vscode.l10n.t('Reveal')).then((choice) => {
      if (choice === 'Reveal') void vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(out));
    });
  };

  const pickSession = async (placeHolder: string): Promise<SessionSummary | undefined> => {
    const index = await loadSessionIndex(host.journalFolder());
    const picked = await vscode.window.showQuickPick(
      index.sessions.map((s) => ({ label: s.title ?? s.sessionId, description: [s.agent, s.outcome ?? s.status, new Date(s.firstTs).toLocaleString()].filter(Boolean).join(' · '), detail: summaryLine(s), s })),
      { title: vscode.l10n.t('Podium: Sessions'), placeHolder, matchOnDescription: true, matchOnDetail: true },
    );
    return picked?.s;
  };

  // Commands take an id, or the Sessions view's node they were invoked on.
  const sessionArg = (a: unknown): string | undefined => (typeof a === 'string' ? a : (a as { kind?: string; s?: SessionSummary } | undefined)?.kind === 'session' ? (a as { s: SessionSummary }).s.sessionId : undefined);
  const taskArg = (a: unknown): string | undefined => {
    if (typeof a === 'string') return a;
    const node = a as { kind?: string; key?: string; s?: SessionSummary } | undefined;
    return node?.kind === 'task' ? node.key : node?.kind === 'session' ? node.s?.task : undefined;
  };

  return [
    vscode.workspace.registerTextDocumentContentProvider(REPLAY_SCHEME, new MomentDocuments(host)),
    vscode.commands.registerCommand('podium.replay.openFile', async (moment: string, file: string, label: string) => {
      const doc = await vscode.workspace.openTextDocument(momentUri(moment, file, label));
      // Beside the score, so the playhead and the file at it are seen together.
      await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
    }),
    vscode.commands.registerCommand('podium.replay.diff', async (file: string, left: { moment: string; label: string }, right: { moment: string; label: string }) => {
      await vscode.commands.executeCommand('vscode.diff', momentUri(left.moment, file, left.label), momentUri(right.moment, file, right.label), vscode.l10n.t('{0} ({1} ↔ {2})', path.posix.basename(file), left.label, right.label), { preview: true, viewColumn: vscode.ViewColumn.Beside });
    }),
    vscode.commands.registerCommand('podium.replay.newTaskFromHere', async (task: string, moment: string, ts: number) => {
      if (!vscode.workspace.isTrusted) {
        void vscode.window.showWarningMessage(vscode.l10n.t('Podium does not start agents in an untrusted workspace.'));
        return;
      }
      const origin = host.feed.state.tasks[task];
      if (!origin) return report(vscode.l10n.t('start a task from that moment'))(new Error(vscode.l10n.t('That task is not in the workspace score.')));
      const when = new Date(ts).toLocaleTimeString();
      const title = await vscode.window.showInputBox({ ignoreFocusOut: true, title: vscode.l10n.t('Podium: New Task from Here (1/3)'), prompt: vscode.l10n.t('A new task starting from the files of “{0}” at {1}', origin.spec.title, when), value: vscode.l10n.t('{0} (from {1})', origin.spec.title, when), validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('A task needs a title.')) });
      if (!title) return;
      const prompt = await vscode.window.showInputBox({ ignoreFocusOut: true, title: vscode.l10n.t('Podium: New Task from Here (2/3)'), prompt: vscode.l10n.t('What should the agent do from there?'), value: origin.spec.prompt, validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('A task needs a prompt.')) });
      if (!prompt) return;
      const profiles = agentSettings();
      const agent = (await vscode.window.showQuickPick(profiles.profiles.map((p) => ({ label: p.label, description: p.id === origin.spec.agent ? vscode.l10n.t('{0} · played it before', p.kind) : p.kind, id: p.id })), { ignoreFocusOut: true, title: vscode.l10n.t('Podium: New Task from Here (3/3)'), placeHolder: vscode.l10n.t('Which agent plays it? The same or another.') }))?.id;
      if (!agent) return;
      await host.conductor().createTask({ title, prompt, agent, from: { task, tree: moment, ts } }).catch(report(vscode.l10n.t('start the task')));
    }),
    vscode.commands.registerCommand('podium.exportSession', async (task?: unknown) => {
      let id = taskArg(task);
      if (!id) id = (await pickSession(vscode.l10n.t('Which session? Its task’s sessions are exported together.')))?.task;
      if (id) await exportTask(id).catch(report(vscode.l10n.t('export the session')));
    }),
    vscode.commands.registerCommand('podium.replaySession', async (session?: unknown) => {
      let at: number | undefined;
      const id = sessionArg(session);
      if (id) {
        at = host.feed.state.sessions[id]?.startedTs;
        if (at === undefined) at = (await loadSessionIndex(host.journalFolder())).sessions.find((s) => s.sessionId === id)?.firstTs;
      } else at = (await pickSession(vscode.l10n.t('Which session to replay?')))?.firstTs;
      if (at !== undefined) host.replayAt(at);
    }),
    vscode.commands.registerCommand('podium.deleteSession', async (session?: unknown) => {
      const index = await loadSessionIndex(host.journalFolder());
      const id = sessionArg(session);
      const s = id ? index.sessions.find((x) => x.sessionId === id) : await pickSession(vscode.l10n.t('Which session to delete?'));
      if (!s) return;
      const task = s.task ? host.feed.state.tasks[s.task] : undefined;
      if (task && task.status !== 'closed') {
        // An open task's journals are what a reload takes it up from; its changes may still wait.
        void vscode.window.showWarningMessage(vscode.l10n.t('“{0}” belongs to a task that is still open; close the task (Podium: Close Task…) before deleting its sessions.', s.title ?? s.sessionId));
        return;
      }
      const others = s.task ? index.sessions.filter((x) => x.task === s.task && x.sessionId !== s.sessionId) : [];
      const detail =
        others.length === 0 && s.task
          ? vscode.l10n.t('Its journal and the files Podium kept for replaying its task will be deleted. This cannot be undone.')
          : vscode.l10n.t('Its journal will be deleted. This cannot be undone.');
      const remove = vscode.l10n.t('Delete');
      const choice = await vscode.window.showWarningMessage(vscode.l10n.t('Delete the session “{0}” ({1})?', s.title ?? s.sessionId, new Date(s.firstTs).toLocaleString()), { modal: true, detail }, remove);
      if (choice !== remove) return;
      try {
        const file = journalPath(host.journalFolder(), s.sessionId);
        await unlink(file);
        const workspace = host.workspace();
        if (others.length === 0 && s.task && workspace) await dropHistory(workspace, s.task).catch(() => false);
        await loadSessionIndex(host.journalFolder());
        await host.reload();
      } catch (err) {
        report(vscode.l10n.t('delete the session'))(err instanceof JournalLockedError ? new Error(vscode.l10n.t('another window is writing it')) : err);
      }
    }),
  ];
}

/** One line a person reads about a session: when, how long, what it cost, what was decided. */
export function summaryLine(s: SessionSummary): string {
  const minutes = Math.max(0, s.lastTs - s.firstTs) / 60_000;
  const duration =
    minutes < 1 ? vscode.l10n.t('{0} s', Math.round(minutes * 60)) : minutes < 90 ? vscode.l10n.t('{0} min', Math.round(minutes)) : vscode.l10n.t('{0} h', (minutes / 60).toFixed(1));
  const tokens = s.inputTokens + s.outputTokens;
  const parts = [duration, vscode.l10n.t('{0} tokens', tokens.toLocaleString('en-US'))];
  if (s.costUsd > 0) parts.push(`$${s.costUsd.toFixed(2)}`);
  if (s.approved || s.rejected) parts.push(vscode.l10n.t('{0} approved, {1} rejected', s.approved, s.rejected));
  if (s.tornTail || s.problems) parts.push(vscode.l10n.t('damaged: replays up to the damage'));
  return parts.join(' · ');
}
