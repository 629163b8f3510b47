/**
 * Secrets: a profile whose env takes `${secret:…}` runs with the value in its environment, and the
 * value appears in no journal, no log line, no message to the webview and no file Podium keeps
 * (worktree storage, rehearsal logs) — whether the agent succeeds, fails, or is an ACP agent.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { AcpAdapter } from '../../src/agents/acp';
import { CommandAdapter } from '../../src/agents/command';
import { Conductor } from '../../src/conductor/conductor';
import { DEFAULT_PROFILES, type AgentProfile } from '../../src/conductor/profiles';
import { eventually, rehearsalEntry, SHIPPED_SCRIPTS } from '../fixtures/agents/harness';
import { stageFor, taskStatus } from '../unit/conductorStage';

const SECRET = `sk-podium-${Date.now().toString(36)}-do-not-leak`;

/** Every file under `dir` whose bytes contain `needle`. */
function filesHolding(dir: string, needle: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    const st = statSync(full, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) found.push(...filesHolding(full, needle));
    else if (st.isFile() && readFileSync(full).includes(needle)) found.push(full);
  }
  return found;
}

describe('faults: secrets', function () {
  this.timeout(120_000);

  it('a ${secret:…} value reaches the agent and appears in no journal, log, webview message or kept file', async () => {
    const s = await stageFor({ profiles: [] });
    const logs: string[] = [];
    s.host.log = (level, message) => logs.push(`${level} ${message}`);
    s.host.secrets = async (names) => new Map(names.filter((n) => n === 'api').map((n) => [n, SECRET]));
    // The agent proves it got the key without printing it: its length and whether it starts right.
    const uses = `const k = process.env.API_KEY || ''; console.log('key of ' + k.length + ' chars, ' + (k.startsWith('sk-podium-') ? 'valid' : 'missing'));`;
    const entry = await rehearsalEntry();
    const profiles: AgentProfile[] = [
      ...DEFAULT_PROFILES,
      { id: 'uses-key', label: 'Uses a key', kind: 'command', command: process.execPath, args: ['-e', uses], env: { API_KEY: '${secret:api}' } },
      { id: 'fails-with-key', label: 'Fails with a key', kind: 'command', command: process.execPath, args: ['-e', `${uses} process.exit(3)`], env: { API_KEY: '${secret:api}' } },
      // An ACP agent (the rehearsal agent, run as any ACP command would be) with the key in its env.
      { id: 'acp-with-key', label: 'ACP with a key', kind: 'acp', command: process.execPath, args: [entry, '--script', path.join(SHIPPED_SCRIPTS, 'feature.json')], env: { API_KEY: '${secret:api}', ELECTRON_RUN_AS_NODE: '1' } },
    ];
    s.host.profiles = () => profiles;
    const acp = new AcpAdapter({ graceMs: 1000 });
    await s.conductor.dispose();
    s.conductor = new Conductor(s.host, s.feed, { acp, rehearsal: acp, command: new CommandAdapter() });
    const posted: string[] = [];
    s.feed.subscribe((update) => posted.push(JSON.stringify(update)));

    const ok = await s.conductor.createTask({ title: 'Uses the key', prompt: 'go', agent: 'uses-key' });
    const bad = await s.conductor.createTask({ title: 'Fails with the key', prompt: 'go', agent: 'fails-with-key' });
    const acpTask = await s.conductor.createTask({ title: 'ACP with the key', prompt: 'feature', agent: 'acp-with-key' });
    await eventually(() => [ok, bad, acpTask].every((id) => taskStatus(s, id).startsWith('finished')), 'the three tasks to end', 60_000);
    await s.conductor.restage(acpTask);
    await s.conductor.flush();

    const shown = JSON.stringify(s.feed.state);
    assert.match(shown, /key of \d+ chars, valid/, 'the agent had the key in its environment');
    assert.equal(taskStatus(s, bad), 'finished:failed');
    assert.equal(taskStatus(s, acpTask), 'finished:done', 'the ACP agent played with the key in its environment');
    assert.ok(!shown.includes(SECRET), 'not on the score');
    assert.ok(!posted.some((m) => m.includes(SECRET)), 'in no message to the webview');
    assert.ok(!logs.some((l) => l.includes(SECRET)), 'in no log line');
    assert.deepEqual(filesHolding(s.journals, SECRET), [], 'in no journal');
    assert.deepEqual(filesHolding(s.storage, SECRET), [], 'in no file of the extension storage (worktrees, rehearsal logs)');
    assert.deepEqual(filesHolding(s.repo.worktree, SECRET), [], 'in no file of the workspace');
  });
});
