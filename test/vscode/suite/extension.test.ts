import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PodiumApi } from '../../../src/vscode/extension';

const EXTENSION_ID = 'podium.podium';

async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function api(): Promise<PodiumApi> {
  const ext = vscode.extensions.getExtension<PodiumApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is installed`);
  const exports = await ext.activate();
  await exports.loaded();
  return exports;
}

describe('Podium in a real VS Code', () => {
  it('is not active until it is used (implicit activation)', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    const events = ext.packageJSON.activationEvents as string[];
    assert.ok(!events.includes('*') && !events.includes('onStartupFinished'), `activation events: ${events.join(', ')}`);
  });

  it('registers its commands', async () => {
    await api();
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['podium.openScore', 'podium.openJournal', 'podium.revealJournalFolder', 'podium.rebuildIndex',
      'podium.newTask', 'podium.stopTask', 'podium.cancelTask', 'podium.followUp', 'podium.restartTask', 'podium.closeTask', 'podium.setSecret', 'podium.commitApproved', 'podium.reviewTask', 'podium.nextChange', 'podium.approveCurrentChange', 'podium.rejectCurrentChange', 'podium.startRehearsal']) {
      assert.ok(commands.includes(id), `${id} is registered`);
    }
  });

  it('offers its settings with their defaults', () => {
    const config = vscode.workspace.getConfiguration('podium');
    assert.equal(config.inspect<string>('journal.folder')?.defaultValue, '.podium/journals');
    assert.equal(config.inspect<number>('journal.flushIntervalMs')?.defaultValue, 200);
    assert.equal(config.inspect<number>('maxConcurrentAgents')?.defaultValue, 4);
    assert.deepEqual(config.inspect<unknown[]>('agents')?.defaultValue, []);
    assert.equal(config.inspect<string>('defaultAgent')?.defaultValue, 'rehearsal');
    assert.equal(config.inspect<boolean>('worktrees.deleteBranchOnClose')?.defaultValue, false);
  });

  it('says why, and starts nothing, when a task names an unknown agent profile', async () => {
    const podium = await api();
    const before = podium.tasks().length;
    const shown: string[] = [];
    const original = vscode.window.showErrorMessage;
    (vscode.window as { showErrorMessage: unknown }).showErrorMessage = (m: string) => {
      shown.push(m);
      return Promise.resolve(undefined);
    };
    try {
      await vscode.commands.executeCommand('podium.newTask', { title: 'Nobody plays', prompt: 'x', agent: 'no-such-profile' });
    } finally {
      (vscode.window as { showErrorMessage: unknown }).showErrorMessage = original;
    }
    assert.equal(podium.tasks().length, before);
    assert.match(shown.join('\n'), /No agent profile "no-such-profile".*podium\.agents/);
  });

  it('reads the recorded session from the workspace journal folder', async () => {
    const podium = await api();
    const state = podium.score();
    assert.ok(state.sessionOrder.length >= 1, 'at least one session is loaded');
    const session = state.sessions[state.sessionOrder[0]!]!;
    assert.ok(session.entries.length > 5, `the session has its entries (${session.entries.length})`);
    assert.deepEqual(podium.problems(), []);
  });

  it('opens the score panel, whose page says ready and is sent the score', async () => {
    const podium = await api();
    await vscode.commands.executeCommand('podium.openScore');
    await until('the score page to say ready', () => podium.panelReady());
    const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === 'Podium Score');
    assert.ok(tab, 'a "Podium Score" tab is open');
  });

  it('keeps the panel and what it shows while it is hidden and shown again, without reloading it', async () => {
    const podium = await api();
    await vscode.commands.executeCommand('podium.openScore');
    await until('ready', () => podium.panelReady() && podium.panelVisible());
    const loads = podium.panelLoads();
    const doc = await vscode.workspace.openTextDocument({ content: 'hide the score', language: 'plaintext' });
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Active, preview: false });
    await until('the panel to be hidden', () => !podium.panelVisible());
    assert.ok(podium.panelReady(), 'the host keeps sending to a hidden panel');
    await vscode.commands.executeCommand('podium.openScore');
    await until('the panel to be shown again', () => podium.panelVisible());
    assert.ok(podium.panelReady());
    assert.equal(podium.panelLoads(), loads, 'the page was kept, not reloaded and re-folded');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('follows the journal folder setting', async () => {
    const podium = await api();
    const before = podium.score().sessionOrder.length;
    const empty = mkdtempSync(path.join(tmpdir(), 'podium-empty-journals-'));
    const config = vscode.workspace.getConfiguration('podium');
    await config.update('journal.folder', empty, vscode.ConfigurationTarget.Workspace);
    try {
      await until('the empty folder to be loaded', () => podium.source().folder === empty && podium.score().sessionOrder.length === 0);
    } finally {
      await config.update('journal.folder', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await until('the workspace journals to be back', () => podium.score().sessionOrder.length === before);
  });
});
