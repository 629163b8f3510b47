/**
 * Worktrees ready to work in: the conductor carries ignored files into a new task worktree and runs
 * the workspace's setup there before the agent enters. Real rehearsal agents, real git, real npm.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pidAlive } from '../../src/agents/process';
import type { WorktreePreparation } from '../../src/conductor/setup';
import type { Entry } from '../../src/score';
import { eventually } from '../fixtures/agents/harness';
import { hunksOf, sessionOf, stageFor, taskStatus, type Stage } from './conductorStage';

const NODE = process.execPath;

function prepare(s: Stage, prep: Partial<WorktreePreparation>): void {
  s.host.worktreePreparation = () => ({ setup: [], setupTimeoutSec: 600, carry: [], ...prep });
}

function entriesOf(s: Stage, task: string): Entry[] {
  return sessionOf(s, task).entries;
}

/** The demo workspace as `npm start` lays it out: dependencies installed, a .env, generated code. */
function likeTheDemo(s: Stage): void {
  const ws = s.repo.worktree;
  execFileSync('npm', ['ci', '--offline', '--no-audit', '--no-fund'], { cwd: ws, stdio: 'ignore' });
  copyFileSync(path.join(ws, '.env.example'), path.join(ws, '.env'));
  execFileSync('npm', ['run', 'generate'], { cwd: ws, stdio: 'ignore' });
}

describe('the conductor: worktrees ready to work in', function () {
  this.timeout(90_000);

  it("carries node_modules and .env, runs the setup, and the agent's test run passes in the worktree", async () => {
    const s = await stageFor();
    likeTheDemo(s);
    prepare(s, { carry: [{ glob: 'node_modules' }, { glob: '.env' }], setup: [['npm', 'run', 'generate']] });
    const id = await s.conductor.createTask({ title: 'Average words', prompt: 'feature', agent: 'rehearsal' });
    await eventually(() => taskStatus(s, id) === 'finished:done', 'the turn to end', 60_000);
    await s.conductor.restage(id);

    const entries = entriesOf(s, id);
    const carried = entries.find((e) => e.kind === 'notice' && e.text === 'worktree-carry');
    assert.match(carried?.title ?? '', /^Carried into the worktree: \.env \((copied|cloned \(copy-on-write\)), 1 file\), node_modules \((copied|cloned \(copy-on-write\)), 3 files\)\.$/);
    const setup = entries.find((e) => e.kind === 'command' && e.title === '$ npm run generate');
    assert.ok(setup, 'the setup command is on the task\'s row');
    assert.equal(setup.exitCode, 0);
    assert.match(setup.text, /Generated src\/generated\/stopwords\.js \(7 words\)/);
    const ready = entries.findIndex((e) => e.kind === 'lifecycle' && e.title === 'Ready');
    assert.ok(ready > entries.indexOf(setup), 'the agent entered after the setup');

    // The agent ran the project's tests in its worktree, and they found what they need.
    const tests = entries.find((e) => e.kind === 'command' && e.title === '$ npm test');
    assert.ok(tests, 'the agent\'s test run is on the row');
    assert.equal(tests.exitCode, 0, tests.text);
    assert.match(tests.text, /# pass 7/);

    // What was carried or generated is not the agent's change.
    const staged = [...new Set(hunksOf(s, id).map((h) => h.hunk.path))].sort();
    assert.deepEqual(staged, ['src/core/tally.js', 'test/average.test.js']);
  });

  it('stops the task with the reason when a setup command fails, and no agent enters', async () => {
    const s = await stageFor();
    prepare(s, { setup: [[NODE, '-e', 'console.log("installing…"); console.error("no network"); process.exit(3)'], ['npm', 'run', 'generate']] });
    const id = await s.conductor.createTask({ title: 'Broken setup', prompt: 'feature', agent: 'rehearsal' });
    await eventually(() => taskStatus(s, id) === 'finished:failed', 'the task to fail', 30_000);
    const task = s.feed.state.tasks[id]!;
    assert.match(task.reason ?? '', /^Setup failed: `.+ -e .+` exited with code 3 in .+\. Fix the project or podium\.worktrees\.setup, then restart the task\. Its last output:\ninstalling…\nno network$/);
    const entries = entriesOf(s, id);
    const failed = entries.find((e) => e.kind === 'command');
    assert.equal(failed?.exitCode, 3);
    assert.match(failed?.text ?? '', /installing…\nno network/);
    assert.equal(entries.filter((e) => e.kind === 'command').length, 1, 'the commands after a failure do not run');
    assert.ok(!s.events().some((e) => e.type === 'session.spawned'), 'no agent was started');
  });

  it('says so when a setup program is not installed', async () => {
    const s = await stageFor();
    prepare(s, { setup: [['podium-no-such-setup-tool', 'install']] });
    const id = await s.conductor.createTask({ title: 'Missing tool', prompt: 'feature', agent: 'rehearsal' });
    await eventually(() => taskStatus(s, id) === 'finished:failed', 'the task to fail', 30_000);
    assert.equal(
      s.feed.state.tasks[id]!.reason,
      'Setup could not start `podium-no-such-setup-tool install`: the program "podium-no-such-setup-tool" was not found on the PATH. Fix podium.worktrees.setup, then restart the task.',
    );
  });

  it('stops a setup command that runs past its time limit, and the task with it', async () => {
    const s = await stageFor();
    const pidFile = path.join(s.repo.outside, 'setup.pid');
    prepare(s, { setupTimeoutSec: 1, setup: [[NODE, '-e', `require("fs").writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setInterval(() => {}, 1000)`]] });
    const id = await s.conductor.createTask({ title: 'Slow setup', prompt: 'feature', agent: 'rehearsal' });
    await eventually(() => taskStatus(s, id) === 'finished:failed', 'the task to fail', 30_000);
    assert.match(s.feed.state.tasks[id]!.reason ?? '', /ran past its limit of 1 s \(podium\.worktrees\.setupTimeoutSec\)/);
    assert.equal(pidAlive(Number(readFileSync(pidFile, 'utf8'))), false, 'the setup process is gone');
  });

  it('stopping a task during its setup stops the setup, and the task shows stopped', async () => {
    const s = await stageFor();
    const pidFile = path.join(s.repo.outside, 'setup.pid');
    prepare(s, { setup: [[NODE, '-e', `require("fs").writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setInterval(() => {}, 1000)`]] });
    const id = await s.conductor.createTask({ title: 'Stop me', prompt: 'feature', agent: 'rehearsal' });
    await eventually(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8') !== '', 'the setup to run', 30_000);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    await s.conductor.stop(id);
    await eventually(() => !pidAlive(pid), 'the setup process to end', 10_000);
    await eventually(() => taskStatus(s, id) === 'finished:stopped', 'the task to show stopped');
    assert.ok(!s.events().some((e) => e.type === 'session.spawned'), 'no agent was started');
  });

  it('runs the setup again on restart only when asked, and again when it never completed', async () => {
    const s = await stageFor();
    const runs = path.join(s.repo.outside, 'runs.txt');
    const flag = path.join(s.repo.outside, 'fail');
    // Appends a line per run; fails while the flag file exists.
    const script = `const fs = require("fs"); fs.appendFileSync(${JSON.stringify(runs)}, "run\\n"); if (fs.existsSync(${JSON.stringify(flag)})) process.exit(1)`;
    prepare(s, { setup: [[NODE, '-e', script]] });
    const count = () => readFileSync(runs, 'utf8').trim().split('\n').length;

    execFileSync(NODE, ['-e', `require("fs").writeFileSync(${JSON.stringify(flag)}, "")`]);
    const id = await s.conductor.createTask({ title: 'Restart me', prompt: 'feature', agent: 'rehearsal' });
    await eventually(() => taskStatus(s, id) === 'finished:failed', 'the setup to fail', 30_000);
    assert.equal(count(), 1);

    execFileSync(NODE, ['-e', `require("fs").rmSync(${JSON.stringify(flag)})`]);
    await s.conductor.restart(id);
    await eventually(() => taskStatus(s, id) === 'finished:done', 'the restarted task to play', 60_000);
    assert.equal(count(), 2, 'a setup that never completed runs again');
    await s.conductor.stop(id);

    await s.conductor.restart(id);
    await eventually(() => taskStatus(s, id) === 'finished:done', 'the second restart to play', 60_000);
    assert.equal(count(), 2, 'a plain restart leaves the worktree as it is');
    await s.conductor.stop(id);

    await s.conductor.restart(id, { setup: true });
    await eventually(() => taskStatus(s, id) === 'finished:done', 'the third restart to play', 60_000);
    assert.equal(count(), 3, 'asked for, the setup runs again');
  });

  it('runs nothing in an untrusted workspace', async () => {
    const s = await stageFor({ trusted: false });
    const runs = path.join(s.repo.outside, 'runs.txt');
    prepare(s, { setup: [[NODE, '-e', `require("fs").writeFileSync(${JSON.stringify(runs)}, "ran")`]], carry: [{ glob: 'node_modules' }] });
    await assert.rejects(s.conductor.createTask({ title: 'Nope', prompt: 'feature', agent: 'rehearsal' }), /untrusted workspace/);
    assert.equal(existsSync(runs), false);
    assert.deepEqual(s.conductor.tasks(), []);
  });
});
