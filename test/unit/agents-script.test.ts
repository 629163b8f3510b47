import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { AcpAdapter } from '../../src/agents/acp';
import { loadScript, parseScript, ScriptError } from '../../src/rehearsal/script';
import { FIXTURE_SCRIPTS, RecordingSink, rehearsalEntry, SHIPPED_SCRIPTS, shipped, tempRepo } from '../fixtures/agents/harness';

function problem(value: unknown): string {
  try {
    parseScript(value, 'test.json');
  } catch (err) {
    assert.ok(err instanceof ScriptError);
    return err.message;
  }
  return assert.fail('the script should have been refused');
}

describe('agents: rehearsal scripts', () => {
  it('every shipped script and test script is valid', () => {
    for (const dir of [SHIPPED_SCRIPTS, FIXTURE_SCRIPTS]) {
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
        const script = loadScript(path.join(dir, file));
        assert.equal(script.name, path.basename(file, '.json'), `${file} names itself`);
      }
    }
    const shipped = readdirSync(SHIPPED_SCRIPTS);
    for (const name of ['feature', 'layer-break', 'conflict-a', 'conflict-b', 'crash', 'hang', 'flood', 'malformed', 'permission', 'path-escape']) {
      assert.ok(shipped.includes(`${name}.json`), `${name}.json ships`);
    }
  });

  it('names the place and the step kinds when a step is unknown', () => {
    const message = problem({ name: 'x', turns: [{ steps: [{ do: 'message', text: 'hi' }, { do: 'mesage', text: 'hi' }] }] });
    assert.match(message, /test\.json/);
    assert.match(message, /turns\[0\]\.steps\[1\]\.do: a step needs "do" set to one of message, thought/);
    assert.match(message, /got "mesage"/);
  });

  it('names the field for a wrong type, an unknown field, a missing field, and nested branches', () => {
    assert.match(problem({ name: 'x', turns: [{ steps: [{ do: 'pause', ms: 'soon' }] }] }), /turns\[0\]\.steps\[0\]\.ms: .*number/);
    assert.match(problem({ name: 'x', turns: [{ steps: [{ do: 'hang', forever: true }] }] }), /turns\[0\]\.steps\[0\]: unknown field "forever"/);
    assert.match(problem({ turns: [] }), /name/);
    const nested = problem({ name: 'x', turns: [{ steps: [{ do: 'permission', title: 't', allowed: [{ do: 'write', path: 'a' }] }] }] });
    assert.match(nested, /turns\[0\]\.steps\[0\]\.allowed\[0\]\.content/);
  });

  it('says when the file is missing or not JSON', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'podium-script-'));
    try {
      const bad = path.join(dir, 'bad.json');
      writeFileSync(bad, '{ "name": ');
      assert.throws(() => loadScript(bad), (e: Error) => e instanceof ScriptError && e.message.includes(bad) && /not JSON/.test(e.message));
      assert.throws(() => loadScript(path.join(dir, 'none.json')), /cannot be read/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the agent refuses a bad script before speaking ACP: exit code 2 and the reason on stderr', async () => {
    const entry = await rehearsalEntry();
    const dir = mkdtempSync(path.join(tmpdir(), 'podium-script-'));
    try {
      const bad = path.join(dir, 'bad.json');
      writeFileSync(bad, JSON.stringify({ name: 'bad', turns: [{ steps: [{ do: 'explode' }] }] }));
      const run = spawnSync(process.execPath, [entry, '--script', bad], { input: '', encoding: 'utf8' });
      assert.equal(run.status, 2);
      assert.match(run.stderr, /turns\[0\]\.steps\[0\]\.do/);
      assert.equal(run.stdout, '');
      const none = spawnSync(process.execPath, [entry], { input: '', encoding: 'utf8' });
      assert.equal(none.status, 2);
      assert.match(none.stderr, /usage: rehearsal --script/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the agent logs what it heard to PODIUM_REHEARSAL_LOG when no --log is given', async () => {
    const entry = await rehearsalEntry();
    const repo = tempRepo();
    const log = path.join(repo.outside, 'heard.log');
    const session = new AcpAdapter().create({
      argv: [process.execPath, entry, '--script', shipped('permission')],
      env: { PODIUM_REHEARSAL_LOG: log },
      cwd: repo.worktree,
      identity: { kind: 'rehearsal', label: 'Rehearsal agent' },
    }, new RecordingSink('env-log', () => 'no'));
    try {
      await session.start('Clean up.');
      await session.prompt('Rejected: keep build/.', 'feedback');
      const heard = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; text?: string });
      assert.deepEqual(heard.filter((e) => e.type === 'prompt').map((e) => e.text), ['Clean up.', 'Rejected: keep build/.']);
    } finally {
      await session.stop(300);
      repo.cleanup();
    }
  });
});
