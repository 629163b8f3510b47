/**
 * The Sessions view: every session the workspace's journal folder holds, from its session index,
 * grouped by task, newest first — task, agent, start, duration, outcome, decisions, tokens and cost —
 * with Replay, Export Session… and Delete Session… on each (the context menu and inline actions) and
 * Search Sessions… in the title bar. Live sessions show their status as they play.
 */
import * as vscode from 'vscode';
import type { ScoreFeed } from '../conductor/scoreFeed';
import { loadSessionIndex, type SessionSummary } from '../journal';
import type { SessionStatus } from '../score';
import { summaryLine } from './replay';

const STATUS_ICON: Record<SessionStatus, string> = {
  starting: 'loading~spin',
  running: 'play-circle',
  waiting: 'comment-discussion',
  exited: 'pass',
  failed: 'error',
};

const OUTCOME_ICON: Record<string, string> = { done: 'pass', failed: 'error', stopped: 'debug-stop', cancelled: 'circle-slash', budget: 'watch' };

type Node = { kind: 'task'; key: string; title: string; sessions: SessionSummary[] } | { kind: 'session'; s: SessionSummary };

const UNTASKED = '\u0000untasked';

export class SessionsView implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: { dispose(): void };
  private pending: NodeJS.Timeout | undefined;
  private sessions: SessionSummary[] = [];
  private loading?: Promise<void>;

  constructor(
    private readonly feed: ScoreFeed,
    private readonly folder: () => string,
  ) {
    // Journals change many times a second while agents play; the index is read again every two seconds at most.
    this.subscription = feed.subscribe(() => {
      this.pending ??= setTimeout(() => {
        this.pending = undefined;
        void this.refresh();
      }, 2_000);
    });
    void this.refresh();
  }

  /** Reads the session index again (summaries of changed journals are rebuilt; the rest reused). */
  refresh(): Promise<void> {
    this.loading ??= loadSessionIndex(this.folder())
      .then((index) => {
        this.sessions = index.sessions;
        this.changed.fire(undefined);
      })
      .catch(() => undefined)
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }

  get all(): readonly SessionSummary[] {
    return this.sessions;
  }

  getChildren(element?: Node): Node[] {
    if (element?.kind === 'task') return element.sessions.map((s) => ({ kind: 'session', s }));
    if (element) return [];
    const groups = new Map<string, SessionSummary[]>();
    for (const s of this.sessions) {
      const key = s.task ?? UNTASKED;
      const list = groups.get(key) ?? [];
      list.push(s);
      groups.set(key, list);
    }
    // Newest first: tasks by their latest session, sessions within a task newest first.
    return [...groups]
      .map(([key, sessions]) => ({ kind: 'task' as const, key, title: key === UNTASKED ? vscode.l10n.t('Sessions without a task') : (sessions.find((x) => x.title)?.title ?? key), sessions: sessions.sort((a, b) => b.firstTs - a.firstTs) }))
      .sort((a, b) => b.sessions[0]!.lastTs - a.sessions[0]!.lastTs);
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'task') {
      const item = new vscode.TreeItem(node.title, vscode.TreeItemCollapsibleState.Expanded);
      const latest = node.sessions[0]!;
      const state = latest.task ? this.feed.state.tasks[latest.task] : undefined;
      item.description = `${node.sessions.length === 1 ? '1 session' : `${node.sessions.length} sessions`} · ${new Date(latest.firstTs).toLocaleString()}${state && state.status !== 'closed' ? ` · ${state.status}` : ''}`;
      item.iconPath = new vscode.ThemeIcon('tasklist');
      item.contextValue = node.key === UNTASKED ? 'podium.untasked' : 'podium.task';
      item.id = `task:${node.key}`;
      return item;
    }
    const s = node.s;
    const live = this.feed.state.sessions[s.sessionId];
    const status = live?.status ?? s.status;
    const outcome = s.outcome ?? status ?? vscode.l10n.t('recorded');
    const label = vscode.l10n.t('{0} · {1}', s.agent ?? vscode.l10n.t('Recorded session'), outcome);
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    item.id = `session:${s.sessionId}`;
    item.description = `${new Date(s.firstTs).toLocaleTimeString()} · ${summaryLine(s)}`;
    item.tooltip = new vscode.MarkdownString(
      [
        `**${s.title ?? s.sessionId}**`,
        vscode.l10n.t('{0}, {1}', s.agent ?? vscode.l10n.t('unknown agent'), outcome),
        vscode.l10n.t('started {0}', new Date(s.firstTs).toLocaleString()),
        summaryLine(s),
        vscode.l10n.t('{0} events · session `{1}`', s.eventCount.toLocaleString('en-US'), s.sessionId),
      ].join('\n\n'),
    );
    item.iconPath = new vscode.ThemeIcon(live && (live.status === 'running' || live.status === 'starting' || live.status === 'waiting') ? STATUS_ICON[live.status] : (OUTCOME_ICON[s.outcome ?? ''] ?? STATUS_ICON[status ?? 'exited']));
    item.contextValue = 'podium.session';
    item.command = { command: 'podium.replaySession', title: vscode.l10n.t('Replay'), arguments: [s.sessionId] };
    return item;
  }

  dispose(): void {
    if (this.pending) clearTimeout(this.pending);
    this.subscription.dispose();
    this.changed.dispose();
  }
}
