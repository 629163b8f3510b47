/**
 * Reviewing without leaving the editor: the agent's changes in VS Code's own diff editor (a
 * read-only `podium:` document for each side), Approve / Reject CodeLenses on every undecided hunk
 * of the agent's side, a multi-file view of a task's changes, and the count of hunks awaiting
 * sign-off in the status bar and on the Podium view's badge.
 *
 * URIs: `podium:/<task>/<base|agent>/<path>` — the file at the task's base commit, or as the agent
 * has it in its worktree.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Conductor } from '../conductor/conductor';
import type { ScoreFeed } from '../conductor/scoreFeed';
import { hunksAwaitingSignOff, hunkWarnings, isAwaiting, newStartOf, ruleReason, warningShort, type HunkState } from '../score';
import { readFileAtCommit } from '../stage/blobs';

export const SCHEME = 'podium';

export function reviewUri(task: string, side: 'base' | 'agent', relPath: string): vscode.Uri {
  return vscode.Uri.from({ scheme: SCHEME, path: `/${task}/${side}/${relPath}` });
}

function parse(uri: vscode.Uri): { task: string; side: 'base' | 'agent'; relPath: string } | undefined {
  const [, task, side, ...rest] = uri.path.split('/');
  if (!task || (side !== 'base' && side !== 'agent') || rest.length === 0) return undefined;
  return { task, side, relPath: rest.join('/') };
}

class ReviewDocuments implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly conductor: () => Conductor) {}

  refresh(uri: vscode.Uri): void {
    this.changed.fire(uri);
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const parsed = parse(uri);
    const worktree = parsed ? this.conductor().worktreeOf(parsed.task) : undefined;
    if (!parsed || !worktree) return '';
    const workspace = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (parsed.side === 'base') return workspace ? ((await readFileAtCommit(workspace, worktree.baseCommit, parsed.relPath)) ?? '') : '';
    try {
      return await readFile(path.join(worktree.dir, parsed.relPath), 'utf8');
    } catch {
      return ''; // deleted by the agent
    }
  }
}

class HunkLenses implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(
    private readonly feed: ScoreFeed,
    private readonly mine: (h: HunkState) => boolean,
    ownershipChanged: vscode.Event<void>,
  ) {
    feed.subscribe((u) => {
      if (u.type !== 'problems') this.changed.fire();
    });
    ownershipChanged(() => this.changed.fire());
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const parsed = parse(doc.uri);
    if (!parsed || parsed.side !== 'agent') return [];
    const lenses: vscode.CodeLens[] = [];
    for (const h of hunksAwaitingSignOff(this.feed.state).filter(this.mine)) {
      if (h.task !== parsed.task || h.hunk.path !== parsed.relPath) continue;
      const line = Math.max(0, (newStartOf(h.hunk) ?? 1) - 1);
      const range = new vscode.Range(line, 0, line, 0);
      const first = hunkWarnings(this.feed.state, h)[0];
      const warn = first ? ` ⚠ ${warningShort(first)}` : '';
      lenses.push(
        new vscode.CodeLens(range, { title: vscode.l10n.t('$(check) Approve{0}', warn), command: 'podium.approveHunk', arguments: [h.hunk.id] }),
        new vscode.CodeLens(range, { title: vscode.l10n.t('$(close) Reject…'), command: 'podium.rejectHunk', arguments: [h.hunk.id] }),
      );
      // A broken rule is one click from the rejection that tells the agent so, in the notes' words.
      if (first?.rule && first.kind !== 'overlap' && first.kind !== 'stale' && first.kind !== 'conflict') {
        lenses.push(new vscode.CodeLens(range, { title: vscode.l10n.t('$(law) Reject: {0}', first.rule), tooltip: vscode.l10n.t('Reject this change and tell the agent the rule it breaks'), command: 'podium.rejectHunk', arguments: [h.hunk.id, ruleReason(first)] }));
      }
    }
    return lenses;
  }
}

export function registerReview(
  conductor: () => Conductor,
  feed: ScoreFeed,
  sessionsView: { badge?: vscode.ViewBadge },
  /** Fired when this window takes up, takes over or loses tasks: what it may decide changed. */
  ownershipChanged: vscode.Event<void>,
): vscode.Disposable[] {
  // Only changes of tasks this window holds are counted and offered: another window's would fail.
  const mine = (h: HunkState) => conductor().owns(h.task);
  const awaiting = () => hunksAwaitingSignOff(feed.state).filter(mine);
  const documents = new ReviewDocuments(conductor);
  const status = vscode.window.createStatusBarItem('podium.signOff', vscode.StatusBarAlignment.Left, 50);
  status.name = vscode.l10n.t('Podium sign-off');
  status.command = 'podium.openScore';

  const update = () => {
    const waiting = awaiting();
    const n = waiting.length;
    status.text = `$(git-pull-request-draft) ${n}`;
    status.tooltip = n === 1 ? vscode.l10n.t('1 change awaits your sign-off') : vscode.l10n.t('{0} changes await your sign-off', n);
    if (n > 0) status.show();
    else status.hide();
    sessionsView.badge = n > 0 ? { value: n, tooltip: status.tooltip } : undefined;
    // Keep open review documents current as the agent keeps writing.
    for (const doc of vscode.workspace.textDocuments) if (doc.uri.scheme === SCHEME) documents.refresh(doc.uri);
  };
  let pending: NodeJS.Timeout | undefined;
  const subscription = feed.subscribe(() => {
    pending ??= setTimeout(() => {
      pending = undefined;
      update();
    }, 200);
  });
  update();
  const owners = ownershipChanged(() => update());

  const find = (id: string): HunkState => {
    const h = feed.state.hunks[id];
    if (!h) throw new Error(vscode.l10n.t('No such change.'));
    return h;
  };
  const report = (what: string) => (err: unknown) => void vscode.window.showErrorMessage(vscode.l10n.t('Podium could not {0}: {1}', what, err instanceof Error ? err.message : String(err)));

  /** The change last opened for review: what "current change" commands act on. */
  let current: string | undefined;
  /** The line the last opened change was shown at (0-based), so the cursor there means that change. */
  let lastOpenedLine = -1;
  const openHunk = async (id: string) => {
    const h = find(id);
    current = id;
    const taskTitle = conductor().tasks().find((t) => t.id === h.task)?.title ?? h.task;
    // A conflict is between the engineer's file as it is now and the agent's version: show both sides.
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const conflicted = h.status === 'conflict' && folder !== undefined;
    const left = conflicted ? vscode.Uri.joinPath(folder, ...h.hunk.path.split('/')) : reviewUri(h.task, 'base', h.hunk.oldPath ?? h.hunk.path);
    const right = reviewUri(h.task, 'agent', h.hunk.path);
    const title = conflicted ? `${path.basename(h.hunk.path)}: yours ↔ ${taskTitle} (conflict)` : `${path.basename(h.hunk.path)} (${taskTitle}) ↔ base`;
    const line = Math.max(0, (newStartOf(h.hunk) ?? 1) - 1);
    lastOpenedLine = line;
    await vscode.commands.executeCommand('vscode.diff', left, right, title, { preview: true, selection: new vscode.Range(line, 0, line, 0) });
  };

  /**
   * The change the engineer is looking at: in a Podium diff editor, the awaiting hunk of that file
   * at or above the cursor (so a change reached by scrolling, or from the multi-file review, counts);
   * elsewhere, the change last opened.
   */
  const currentChange = (): string | undefined => {
    const editor = vscode.window.activeTextEditor;
    const parsed = editor ? parse(editor.document.uri) : undefined;
    if (!editor || !parsed) return current;
    const here = hunksAwaitingSignOff(feed.state).filter((h) => h.task === parsed.task && (h.hunk.path === parsed.relPath || h.hunk.oldPath === parsed.relPath));
    if (here.length === 0) return current;
    if (current && here.some((h) => h.hunk.id === current) && editor.selection.active.line === lastOpenedLine) return current;
    const line = editor.selection.active.line + 1;
    const above = here.filter((h) => (newStartOf(h.hunk) ?? 1) <= Math.max(line, 1));
    const picked = (above.length ? above.reduce((a, b) => ((newStartOf(b.hunk) ?? 1) >= (newStartOf(a.hunk) ?? 1) ? b : a)) : here[0])!;
    return picked.hunk.id;
  };

  return [
    status,
    { dispose: () => { if (pending) clearTimeout(pending); subscription.dispose(); owners.dispose(); } },
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, documents),
    vscode.languages.registerCodeLensProvider({ scheme: SCHEME }, new HunkLenses(feed, mine, ownershipChanged)),
    vscode.commands.registerCommand('podium.openHunk', (id: string) => openHunk(id).catch(report(vscode.l10n.t('open the change')))),
    vscode.commands.registerCommand('podium.approveHunk', async (id: string) => {
      try {
        const result = await conductor().approve(id);
        if (result === 'conflict') void vscode.window.showWarningMessage(vscode.l10n.t('Podium did not apply the change to {0}: you changed the same lines. Both sides are on the score.', find(id).hunk.path));
      } catch (err) {
        report(vscode.l10n.t('approve the change'))(err);
      }
    }),
    vscode.commands.registerCommand('podium.rejectHunk', async (id: string, reason?: string) => {
      const why = reason ?? (await vscode.window.showInputBox({ ignoreFocusOut: true, title: vscode.l10n.t('Podium: Reject change'), prompt: vscode.l10n.t('Why? The agent is told (optional).'), placeHolder: vscode.l10n.t('Reason for the agent') }));
      if (why === undefined) return;
      await conductor().reject(id, why).catch(report(vscode.l10n.t('reject the change')));
    }),
    vscode.commands.registerCommand('podium.nextChange', async () => {
      const waiting = awaiting();
      if (waiting.length === 0) {
        void vscode.window.showInformationMessage(vscode.l10n.t('No change awaits your sign-off.'));
        return;
      }
      const at = current ? waiting.findIndex((h) => h.hunk.id === current) : -1;
      await openHunk(waiting[(at + 1) % waiting.length]!.hunk.id).catch(report(vscode.l10n.t('open the next change')));
    }),
    vscode.commands.registerCommand('podium.approveCurrentChange', async () => {
      const id = currentChange();
      const h = id ? feed.state.hunks[id] : undefined;
      if (!id || !h || !isAwaiting(h)) {
        void vscode.window.showInformationMessage(vscode.l10n.t('Open a change first (Podium: Open Next Change).'));
        return;
      }
      await vscode.commands.executeCommand('podium.approveHunk', id);
    }),
    vscode.commands.registerCommand('podium.rejectCurrentChange', async () => {
      const id = currentChange();
      if (!id || feed.state.hunks[id]?.status !== 'pending') {
        void vscode.window.showInformationMessage(vscode.l10n.t('Open a change first (Podium: Open Next Change).'));
        return;
      }
      await vscode.commands.executeCommand('podium.rejectHunk', id);
    }),
    vscode.commands.registerCommand('podium.undoApproval', (id: string) => conductor().undoApproval(id).catch(report(vscode.l10n.t('undo the approval')))),
    vscode.commands.registerCommand('podium.reviewTask', async (taskId?: string) => {
      const waiting = awaiting();
      const tasks = [...new Set(waiting.map((h) => h.task))];
      const task = taskId ?? (tasks.length <= 1 ? tasks[0] : (await vscode.window.showQuickPick(tasks.map((t) => ({ label: conductor().tasks().find((x) => x.id === t)?.title ?? t, id: t })), { title: vscode.l10n.t('Podium: Review which task?') }))?.id);
      if (!task) {
        void vscode.window.showInformationMessage(vscode.l10n.t('No change awaits your sign-off.'));
        return;
      }
      const paths = [...new Set(waiting.filter((h) => h.task === task).map((h) => h.hunk.path))];
      const title = vscode.l10n.t('Podium: {0}', conductor().tasks().find((t) => t.id === task)?.title ?? task);
      await vscode.commands.executeCommand('vscode.changes', title, paths.map((p) => [vscode.Uri.file(p), reviewUri(task, 'base', p), reviewUri(task, 'agent', p)]));
    }),
  ];
}
