/**
 * The Sessions tree in Podium's activity-bar container: one item per session in the feed, with its
 * status and entry count; choosing one opens the score.
 */
import * as vscode from 'vscode';
import type { ScoreFeed } from '../conductor/scoreFeed';
import { sessionLabel, type SessionState } from '../score';

const STATUS_ICON: Record<SessionState['status'], string> = {
  starting: 'loading~spin',
  running: 'play-circle',
  waiting: 'comment-discussion',
  exited: 'pass',
  failed: 'error',
};

export class SessionsView implements vscode.TreeDataProvider<string>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<string | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: { dispose(): void };
  private pending: NodeJS.Timeout | undefined;

  constructor(private readonly feed: ScoreFeed) {
    // Live sessions change many times a second; the tree only needs a refresh a few times a second.
    this.subscription = feed.subscribe(() => {
      this.pending ??= setTimeout(() => {
        this.pending = undefined;
        this.changed.fire(undefined);
      }, 250);
    });
  }

  getChildren(element?: string): string[] {
    return element ? [] : [...this.feed.state.sessionOrder].reverse();
  }

  getTreeItem(id: string): vscode.TreeItem {
    const state = this.feed.state;
    const session = state.sessions[id];
    if (!session) return new vscode.TreeItem(id);
    const item = new vscode.TreeItem(sessionLabel(state, session));
    const agent = session.agent?.label ?? 'recorded';
    item.description = `${agent} · ${session.status} · ${session.entries.length} entries`;
    item.tooltip = new vscode.MarkdownString(
      `**${sessionLabel(state, session)}**\n\n${agent}, ${session.status}\n\nstarted ${new Date(session.startedTs).toLocaleString()}\n\nsession \`${id}\``,
    );
    item.iconPath = new vscode.ThemeIcon(STATUS_ICON[session.status]);
    item.contextValue = `podium.session.${session.status}`;
    item.command = { command: 'podium.openScore', title: 'Open Score', arguments: [id] };
    return item;
  }

  dispose(): void {
    if (this.pending) clearTimeout(this.pending);
    this.subscription.dispose();
    this.changed.dispose();
  }
}
