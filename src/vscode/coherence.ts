/**
 * Coherence in the editor: every warning the engineer should act on is a diagnostic in the Problems
 * panel (at the offending line of the agent's version, the `podium:` document, with source "Podium"
 * and the rule id as its code, linked to where the rule is written), with Code Actions to reject the
 * hunk with the rule as the reason and to open the rule; problems in the notes themselves are
 * diagnostics at their line; and the notes and the engineer's edits are watched, so warnings follow
 * them as they change.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Conductor } from '../conductor/conductor';
import type { ScoreFeed } from '../conductor/scoreFeed';
import { hunksAwaitingSignOff, newStartOf, ruleReason, visibleWarnings, type WarningSeverity, type WarningState } from '../score';
import { reviewUri } from './review';
import { affectsCoherence, coherenceSettings } from './settings';

const SOURCE = 'Podium';

const SEVERITY: Record<WarningSeverity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** The workspace folder's URI for a path relative to it, or undefined when the path leaves the folder. */
export function insideWorkspace(relPath: string): vscode.Uri | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!folder || path.isAbsolute(relPath)) return undefined;
  const normal = path.posix.normalize(relPath.replace(/\\/g, '/'));
  if (normal === '..' || normal.startsWith('../') || normal.startsWith('/')) return undefined;
  return vscode.Uri.joinPath(folder, ...normal.split('/'));
}

export function registerCoherence(conductor: () => Conductor, feed: ScoreFeed, log: vscode.LogOutputChannel): vscode.Disposable[] {
  const warningsDiagnostics = vscode.languages.createDiagnosticCollection('podium');
  const notesDiagnostics = vscode.languages.createDiagnosticCollection('podium-rules');
  /** Which warning each diagnostic shows, by document and line, for the Code Actions. */
  let shown = new Map<string, { diagnostic: vscode.Diagnostic; warning: WarningState }[]>();

  const ruleUri = (w: WarningState): vscode.Uri | undefined => {
    if (!w.source) return undefined;
    const uri = insideWorkspace(w.source.file);
    return uri?.with({ fragment: `L${w.source.line}` });
  };

  const update = () => {
    const state = feed.state;
    const byUri = new Map<string, { uri: vscode.Uri; items: { diagnostic: vscode.Diagnostic; warning: WarningState }[] }>();
    const waiting = new Map(hunksAwaitingSignOff(state).map((h) => [h.hunk.id, h]));
    for (const w of visibleWarnings(state)) {
      const h = w.hunk !== undefined ? waiting.get(w.hunk) : undefined;
      let uri: vscode.Uri | undefined;
      let line = 1;
      if (w.path !== undefined) {
        uri = reviewUri(w.task, 'agent', w.path);
        line = w.line ?? (h ? newStartOf(h.hunk) : undefined) ?? 1;
      } else if (w.source) {
        // A warning on a whole task (its balance) shows where its rule is written.
        uri = insideWorkspace(w.source.file);
        line = w.source.line;
      }
      if (!uri) continue;
      const range = new vscode.Range(Math.max(0, line - 1), 0, Math.max(0, line - 1), Number.MAX_SAFE_INTEGER);
      const title = state.tasks[w.task]?.spec.title ?? w.task;
      const diagnostic = new vscode.Diagnostic(range, w.path === undefined ? `${title}: ${w.text}` : w.text, SEVERITY[w.severity]);
      diagnostic.source = SOURCE;
      const target = ruleUri(w);
      if (w.rule) diagnostic.code = target ? { value: w.rule, target } : w.rule;
      else diagnostic.code = w.kind;
      if (target) diagnostic.relatedInformation = [new vscode.DiagnosticRelatedInformation(new vscode.Location(target.with({ fragment: '' }), new vscode.Position(w.source!.line - 1, 0)), w.prose ? vscode.l10n.t('The rule: {0}', firstSentence(w.prose)) : vscode.l10n.t('The rule is written here.'))];
      const key = uri.toString();
      let entry = byUri.get(key);
      if (!entry) byUri.set(key, (entry = { uri, items: [] }));
      entry.items.push({ diagnostic, warning: w });
    }
    warningsDiagnostics.clear();
    shown = new Map();
    for (const [key, { uri, items }] of byUri) {
      warningsDiagnostics.set(uri, items.map((i) => i.diagnostic));
      shown.set(key, items);
    }
  };

  const updateNotes = async () => {
    notesDiagnostics.clear();
    if (!vscode.workspace.workspaceFolders?.length) return;
    try {
      const problems = await conductor().coherence.problems();
      const byFile = new Map<string, vscode.Diagnostic[]>();
      for (const p of problems) {
        const d = new vscode.Diagnostic(new vscode.Range(Math.max(0, p.line - 1), 0, Math.max(0, p.line - 1), Number.MAX_SAFE_INTEGER), p.message, vscode.DiagnosticSeverity.Warning);
        d.source = SOURCE;
        d.code = 'podium-rules';
        const list = byFile.get(p.file) ?? [];
        list.push(d);
        byFile.set(p.file, list);
      }
      for (const [file, list] of byFile) {
        const uri = insideWorkspace(file);
        if (uri) notesDiagnostics.set(uri, list);
      }
    } catch (err) {
      log.warn(`Podium could not read the architecture notes: ${(err as Error).message}`);
    }
  };

  let pending: NodeJS.Timeout | undefined;
  const subscription = feed.subscribe((u) => {
    if (u.type === 'problems') return;
    pending ??= setTimeout(() => {
      pending = undefined;
      update();
    }, 150);
  });
  update();
  void updateNotes();

  // The notes change: read them again, check every waiting change again, show the notes' problems.
  let notesTimer: NodeJS.Timeout | undefined;
  const notesChanged = () => {
    if (notesTimer) clearTimeout(notesTimer);
    notesTimer = setTimeout(() => {
      notesTimer = undefined;
      void conductor().notesChanged().then(updateNotes, (err: unknown) => log.error(`Podium could not check the changes again: ${(err as Error).message}`));
    }, 300);
  };
  let watchers: vscode.FileSystemWatcher[] = [];
  const watchNotes = () => {
    for (const w of watchers) w.dispose();
    const folder = vscode.workspace.workspaceFolders?.[0];
    watchers = folder ? coherenceSettings().notes.map((glob) => vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, glob))) : [];
    for (const w of watchers) {
      w.onDidChange(notesChanged);
      w.onDidCreate(notesChanged);
      w.onDidDelete(notesChanged);
    }
  };
  watchNotes();

  // The engineer types in a file that a waiting hunk changes: is the region still as the task found it?
  const editTimers = new Map<string, NodeJS.Timeout>();
  const fileEdited = (doc: vscode.TextDocument) => {
    if (doc.uri.scheme !== 'file') return;
    const folder = vscode.workspace.getWorkspaceFolder(doc.uri);
    if (!folder) return;
    const rel = path.relative(folder.uri.fsPath, doc.uri.fsPath).split(path.sep).join('/');
    if (!hunksAwaitingSignOff(feed.state).some((h) => h.hunk.path === rel || h.hunk.oldPath === rel)) return;
    const old = editTimers.get(rel);
    if (old) clearTimeout(old);
    editTimers.set(rel, setTimeout(() => {
      editTimers.delete(rel);
      void conductor().workspaceFileChanged(rel);
    }, 250));
  };

  return [
    warningsDiagnostics,
    notesDiagnostics,
    { dispose: () => { if (pending) clearTimeout(pending); if (notesTimer) clearTimeout(notesTimer); for (const t of editTimers.values()) clearTimeout(t); subscription.dispose(); for (const w of watchers) w.dispose(); } },
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length > 0) fileEdited(e.document);
    }),
    vscode.workspace.onDidSaveTextDocument((doc) => {
      const folder = doc.uri.scheme === 'file' ? vscode.workspace.getWorkspaceFolder(doc.uri) : undefined;
      if (folder) void conductor().workspaceFileSaved(path.relative(folder.uri.fsPath, doc.uri.fsPath).split(path.sep).join('/'));
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => notesChanged()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!affectsCoherence(e)) return;
      watchNotes();
      notesChanged();
    }),
    vscode.commands.registerCommand('podium.openRule', async (file?: unknown, line?: unknown) => {
      const uri = typeof file === 'string' ? insideWorkspace(file) : undefined;
      if (!uri) {
        void vscode.window.showErrorMessage(typeof file === 'string' ? vscode.l10n.t('Podium opens architecture notes inside the workspace folder only (not {0}).', file) : vscode.l10n.t('Podium opens architecture notes inside the workspace folder only.'));
        return;
      }
      const at = typeof line === 'number' && Number.isInteger(line) && line > 0 ? line - 1 : 0;
      await vscode.window.showTextDocument(uri, { selection: new vscode.Range(at, 0, at, 0), preview: true });
    }),
    vscode.languages.registerCodeActionsProvider({ scheme: 'podium' }, {
      provideCodeActions(doc, _range, context) {
        const items = shown.get(doc.uri.toString()) ?? [];
        const actions: vscode.CodeAction[] = [];
        for (const d of context.diagnostics) {
          if (d.source !== SOURCE) continue;
          const hit = items.find((i) => i.diagnostic.message === d.message && i.diagnostic.range.start.line === d.range.start.line);
          if (!hit) continue;
          const w = hit.warning;
          if (w.hunk !== undefined && w.rule !== undefined) {
            const reject = new vscode.CodeAction(vscode.l10n.t('Reject with this rule as the reason ({0})', w.rule), vscode.CodeActionKind.QuickFix);
            reject.diagnostics = [d];
            reject.command = { title: reject.title, command: 'podium.rejectHunk', arguments: [w.hunk, ruleReason(w)] };
            actions.push(reject);
          }
          if (w.source) {
            const open = new vscode.CodeAction(vscode.l10n.t('Open the rule ({0}:{1})', w.source.file, String(w.source.line)), vscode.CodeActionKind.Empty);
            open.diagnostics = [d];
            open.command = { title: open.title, command: 'podium.openRule', arguments: [w.source.file, w.source.line] };
            actions.push(open);
          }
        }
        return actions;
      },
    }, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, vscode.CodeActionKind.Empty] }),
  ];
}

function firstSentence(text: string): string {
  const m = /^[\s\S]*?[.!?](\s|$)/.exec(text);
  const s = (m ? m[0] : text).trim();
  return s.length > 200 ? `${s.slice(0, 199)}…` : s;
}
