/**
 * The conductor's commands in the editor: New Task (a short series of inputs), Stop / Cancel /
 * Follow Up / Restart (pick a task), Set Agent Secret, Start the Demo Rehearsal, and a notification
 * for each permission question so it is seen even when the score is closed.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PermissionAsk } from '../agents/adapter';
import type { Conductor } from '../conductor/conductor';
import { readRehearsalPlan, REHEARSAL_PLAN, type PlannedTask } from '../conductor/rehearsalPlan';
import type { TaskSpec } from '../score';
import { agentSettings, worktreePreparation, worktreeSettings } from './settings';
import { stepDone } from './walkthrough';

export const SECRET_PREFIX = 'podium.secret.';

type Phase = ReturnType<Conductor['tasks']>[number]['phase'];

export function registerTaskCommands(context: vscode.ExtensionContext, conductor: () => Conductor): vscode.Disposable[] {
  const pickTask = async (phases: Phase[], verb: string): Promise<string | undefined> => {
    const tasks = conductor().tasks().filter((t) => phases.includes(t.phase));
    if (tasks.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No task to {0}.', verb));
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      tasks.map((t) => ({ label: t.title, description: t.outcome ? `${t.phase}, ${t.outcome}` : t.phase, id: t.id })),
      { title: vscode.l10n.t('Podium: {0} which task?', verb), placeHolder: vscode.l10n.t('Task') },
    );
    return picked?.id;
  };

  const attempt = (what: string, work: () => Promise<unknown>) =>
    work().catch((err: unknown) => void vscode.window.showErrorMessage(vscode.l10n.t('Podium could not {0}: {1}', what, err instanceof Error ? err.message : String(err))));

  return [
    vscode.commands.registerCommand('podium.newTask', async (preset?: { title?: string; prompt?: string; agent?: string; scope?: string[] }) => {
      if (!vscode.workspace.isTrusted) {
        void vscode.window.showWarningMessage(vscode.l10n.t('Podium does not start agents in an untrusted workspace. Trust it first (Workspaces: Manage Workspace Trust).'));
        return;
      }
      const title = preset?.title ?? (await vscode.window.showInputBox({
        ignoreFocusOut: true, title: vscode.l10n.t('Podium: New Task (1/4)'), prompt: vscode.l10n.t('A short title for the task'), placeHolder: vscode.l10n.t('Add a word-count summary'),
        validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('A task needs a title.')),
      }));
      if (!title) return;
      const prompt = preset?.prompt ?? (await vscode.window.showInputBox({
        ignoreFocusOut: true, title: vscode.l10n.t('Podium: New Task (2/4)'), prompt: vscode.l10n.t('What should the agent do?'), value: title,
        validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('A task needs a prompt.')),
      }));
      if (!prompt) return;
      const settings = agentSettings();
      let agent = preset?.agent;
      if (!agent) {
        const items = settings.profiles.map((p) => ({ label: p.label, description: p.id === settings.defaultProfile ? vscode.l10n.t('{0} · default', p.kind) : p.kind, id: p.id }));
        items.sort((a, b) => Number(b.id === settings.defaultProfile) - Number(a.id === settings.defaultProfile));
        agent = (await vscode.window.showQuickPick(items, { ignoreFocusOut: true, title: vscode.l10n.t('Podium: New Task (3/4)'), placeHolder: vscode.l10n.t('Which agent plays it?') }))?.id;
      }
      if (!agent) return;
      const scopeText = preset ? (preset.scope ?? []).join(', ') : await vscode.window.showInputBox({
        ignoreFocusOut: true, title: vscode.l10n.t('Podium: New Task (4/4)'), prompt: vscode.l10n.t('Which paths is it meant to touch? Globs, separated by commas; a change elsewhere is flagged. Leave empty for anywhere.'), placeHolder: 'src/core/**, test/**',
      });
      if (scopeText === undefined) return;
      const scope = scopeText.split(',').map((g) => g.trim()).filter(Boolean);
      await attempt(vscode.l10n.t('start the task'), async () => {
        await conductor().createTask({ title, prompt, agent, scope });
        stepDone('taskHandedOut');
        // A task for a real agent (not a rehearsal) is the walkthrough's last step done.
        if (agentSettings().profiles.find((p) => p.id === agent)?.kind !== 'rehearsal') stepDone('agentReady');
      });
    }),
    vscode.commands.registerCommand('podium.stopTask', async (id?: string) => {
      const task = id ?? (await pickTask(['queued', 'starting', 'running', 'waiting'], vscode.l10n.t('stop')));
      if (task) await attempt(vscode.l10n.t('stop the task'), () => conductor().stop(task));
    }),
    vscode.commands.registerCommand('podium.cancelTask', async (id?: string) => {
      const task = id ?? (await pickTask(['queued', 'running'], vscode.l10n.t('cancel')));
      if (task) await attempt(vscode.l10n.t('cancel the task'), () => conductor().cancel(task));
    }),
    vscode.commands.registerCommand('podium.restartTask', async (id?: string, options?: { setup?: boolean }) => {
      const task = id ?? (await pickTask(['finished'], vscode.l10n.t('restart')));
      if (!task) return;
      let setup = options?.setup;
      // The worktree's setup ran when it was made; running it again is the engineer's call.
      if (setup === undefined && worktreePreparation(vscode.workspace.workspaceFolders?.[0]?.uri).prep.setup.length > 0) {
        const choice = await vscode.window.showQuickPick(
          [
            { label: vscode.l10n.t('Restart'), description: vscode.l10n.t('in the same worktree, as it is'), setup: false },
            { label: vscode.l10n.t('Restart and run the setup again'), description: vscode.l10n.t('podium.worktrees.setup first'), setup: true },
          ],
          { title: vscode.l10n.t('Podium: Restart Task'), placeHolder: vscode.l10n.t('Run the worktree setup again?') },
        );
        if (!choice) return;
        setup = choice.setup;
      }
      await attempt(vscode.l10n.t('restart the task'), () => conductor().restart(task, { setup }));
    }),
    vscode.commands.registerCommand('podium.followUp', async (id?: string, text?: string) => {
      const task = id ?? (await pickTask(['waiting'], vscode.l10n.t('follow up on')));
      if (!task) return;
      const message = text ?? (await vscode.window.showInputBox({ ignoreFocusOut: true, title: vscode.l10n.t('Podium: Follow up'), prompt: vscode.l10n.t('What should the agent do next?') }));
      if (message) await attempt(vscode.l10n.t('send the follow-up'), () => conductor().followUp(task, message));
    }),
    vscode.commands.registerCommand('podium.closeTask', async (id?: string) => {
      const task = id ?? (await pickTask(['queued', 'waiting', 'finished'], vscode.l10n.t('close')));
      if (task) await attempt(vscode.l10n.t('close the task'), () => conductor().close(task, { deleteBranch: worktreeSettings().deleteBranchOnClose }));
    }),
    vscode.commands.registerCommand('podium.commitApproved', async (id?: string) => {
      const task = id ?? (await pickTask(['waiting', 'finished', 'closed'], vscode.l10n.t('commit the approved changes of')));
      if (!task) return;
      const { paths, message } = conductor().approvedChanges(task);
      if (paths.length === 0) {
        void vscode.window.showInformationMessage(vscode.l10n.t('No approved change of that task to commit.'));
        return;
      }
      const [subject, ...rest] = message.split('\n');
      const edited = await vscode.window.showInputBox({ ignoreFocusOut: true, title: vscode.l10n.t('Podium: Commit approved changes'), prompt: vscode.l10n.t('Commit message (the task\'s prompt follows as the body). Files: {0}', paths.join(', ')), value: subject });
      if (!edited) return;
      const confirm = await vscode.window.showWarningMessage(
        vscode.l10n.t('Commit {0} file(s) to your repository, including any other edits you made to them?', paths.length),
        { modal: true, detail: paths.join('\n') },
        'Commit',
      );
      if (confirm !== 'Commit') return;
      await attempt('commit', async () => {
        const sha = await conductor().commitApproved(paths, [edited, ...rest].join('\n'));
        void vscode.window.showInformationMessage(vscode.l10n.t('Podium committed {0} file(s) as {1}.', paths.length, sha));
      });
    }),
    vscode.commands.registerCommand('podium.setSecret', async () => {
      const name = await vscode.window.showInputBox({
        ignoreFocusOut: true, title: vscode.l10n.t('Podium: Set Agent Secret (1/2)'), prompt: 'The secret\'s name, as profiles refer to it: ${secret:NAME}', placeHolder: 'anthropic',
        validateInput: (v) => (/^[A-Za-z0-9_.-]+$/.test(v) ? undefined : vscode.l10n.t('Use letters, digits, ".", "_" or "-".')),
      });
      if (!name) return;
      const value = await vscode.window.showInputBox({ ignoreFocusOut: true, title: vscode.l10n.t('Podium: Set Agent Secret (2/2)'), prompt: vscode.l10n.t('The value of "{0}" (stored in VS Code\'s secret storage, never in settings)', name), password: true });
      if (value === undefined) return;
      await context.secrets.store(SECRET_PREFIX + name, value);
      stepDone('agentReady');
      void vscode.window.showInformationMessage(vscode.l10n.t('Podium stored the secret "{0}".', name));
    }),
    vscode.commands.registerCommand('podium.startRehearsal', async () => {
      await attempt(vscode.l10n.t('start the rehearsal'), () => startRehearsal(conductor()));
    }),
  ];
}

/** Hands out the tasks of the workspace's `.podium/rehearsal.json`, in order. */
export async function startRehearsal(conductor: Conductor): Promise<string[]> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!folder) throw new Error(vscode.l10n.t('Open a folder first.'));
  return handOutPlan(conductor, await readRehearsalPlan(path.join(folder, REHEARSAL_PLAN), agentSettings().profiles));
}

/** Creates the plan's tasks in order, each waiting for the earlier ones it names. */
export async function handOutPlan(conductor: Conductor, plan: PlannedTask[]): Promise<string[]> {
  const ids = new Map<string, string>();
  for (const task of plan) {
    const id = await conductor.createTask({ title: task.title, prompt: task.prompt, agent: task.agent, waitsFor: task.waitsForTitles.map((t) => ids.get(t)!) });
    ids.set(task.title, id);
  }
  return [...ids.values()];
}

/** A notification for a permission question, answerable there as well as on the score. */
export function notifyPermission(conductor: () => Conductor, task: TaskSpec, session: string, ask: PermissionAsk): void {
  const labels = ask.options.map((o) => o.name);
  void vscode.window.showInformationMessage(vscode.l10n.t('{0}: {1}', task.title, ask.title), ...labels).then((chosen) => {
    const option = ask.options.find((o) => o.name === chosen);
    if (!option) return;
    conductor().answerPermission(session, ask.request, option.id).catch((err: unknown) => {
      void vscode.window.showWarningMessage(err instanceof Error ? err.message : String(err));
    });
  });
}
