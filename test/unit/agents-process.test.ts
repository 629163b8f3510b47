import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  IdleClock,
  minimalEnv,
  pidAlive,
  ProcessStartError,
  spawnSupervised,
  stopAllProcesses,
  STDERR_TAIL_BYTES,
  type SupervisedProcess,
} from '../../src/agents/process';
import { eventually } from '../fixtures/agents/harness';

const NODE = process.execPath;

/** Reads stdout until `count` lines have arrived. */
function lines(proc: SupervisedProcess, count: number): Promise<string[]> {
  return new Promise((resolve) => {
    let text = '';
    proc.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const got = text.split('\n').filter(Boolean);
      if (got.length >= count) resolve(got);
    });
  });
}

// A child that starts a grandchild (same process group), prints both pids, and ignores SIGTERM
// itself unless told otherwise.
const PARENT = `
const { spawn } = require('node:child_process');
const stubborn = process.argv.includes('--stubborn');
const grandchild = spawn(process.execPath, ['-e', (stubborn ? "process.on('SIGTERM', () => {});" : '') + 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
if (stubborn) process.on('SIGTERM', () => {});
console.log(process.pid);
console.log(grandchild.pid);
if (process.argv.includes('--crash')) setTimeout(() => process.exit(3), 100);
setInterval(() => {}, 1000);
`;

describe('agents: process supervision', () => {
  let dir: string;
  beforeEach(() => {
    dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'podium-proc-')));
  });
  afterEach(async () => {
    await stopAllProcesses(200);
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs argv without a shell: metacharacters reach the program as plain text', async () => {
    const proc = await spawnSupervised({ argv: [NODE, '-e', 'console.log(JSON.stringify(process.argv.slice(1)))', '$HOME; rm -rf x', '`id`'], cwd: dir });
    const [out] = await lines(proc, 1);
    assert.deepEqual(JSON.parse(out!), ['$HOME; rm -rf x', '`id`']);
    assert.equal((await proc.exited).code, 0);
  });

  it('gives the agent a minimal environment plus what the profile adds, nothing else', async () => {
    process.env.PODIUM_TEST_LEAK = 'leaked';
    try {
      const proc = await spawnSupervised({ argv: [NODE, '-e', 'console.log(JSON.stringify(process.env))'], cwd: dir, env: { AGENT_API_KEY: 'k' } });
      const [out] = await lines(proc, 1);
      const env = JSON.parse(out!) as Record<string, string>;
      assert.equal(env.AGENT_API_KEY, 'k');
      assert.equal(env.PATH, process.env.PATH);
      assert.equal(env.PODIUM_TEST_LEAK, undefined);
      await proc.exited;
    } finally {
      delete process.env.PODIUM_TEST_LEAK;
    }
    assert.deepEqual(minimalEnv({ A: '1' }, { PATH: '/bin', SECRET: 's' }), { PATH: '/bin', A: '1' });
  });

  it('fails at once, saying how to install it or fix the profile, when the program is missing', async () => {
    const started = Date.now();
    const err = await spawnSupervised({ argv: ['podium-no-such-agent', '--acp'], cwd: dir, label: 'My agent' }).then(
      () => assert.fail('should not start'),
      (e: unknown) => e,
    );
    assert.ok(Date.now() - started < 1000);
    assert.ok(err instanceof ProcessStartError);
    assert.equal(err.reason, 'not-found');
    assert.match(err.message, /"podium-no-such-agent" was not found on the PATH/);
    assert.match(err.message, /podium\.agents setting/);
    assert.match(err.message, /My agent/);

    const gemini = await spawnSupervised({ argv: ['gemini', '--experimental-acp'], cwd: dir, label: 'Gemini CLI', env: { PATH: path.join(dir, 'empty') } }).catch((e: Error) => e);
    assert.match(String((gemini as Error).message), /npm install -g @google\/gemini-cli/);
  });

  it('refuses a working folder that does not exist, naming it', async () => {
    const missing = path.join(dir, 'gone');
    const err = await spawnSupervised({ argv: [NODE, '-e', ''], cwd: missing }).catch((e: Error) => e);
    assert.ok(err instanceof ProcessStartError);
    assert.equal(err.reason, 'no-cwd');
    assert.ok(err.message.includes(missing));
  });

  it('stop leaves no process of the group, even a child and grandchild that ignore SIGTERM', async () => {
    const proc = await spawnSupervised({ argv: [NODE, '-e', PARENT, '--', '--stubborn'], cwd: dir });
    const [childPid, grandchildPid] = (await lines(proc, 2)).map(Number);
    assert.equal(childPid, proc.pid);
    assert.ok(pidAlive(childPid!) && pidAlive(grandchildPid!));
    const started = Date.now();
    const info = await proc.stop(300);
    assert.equal(info.signal, 'SIGKILL');
    assert.ok(Date.now() - started < 3000, 'SIGKILL follows the grace period');
    assert.equal(pidAlive(childPid!), false, 'child gone');
    await eventually(() => !pidAlive(grandchildPid!), 'grandchild gone', 2000);
  });

  it('after a crash, the exit code is recorded and the grandchild is cleaned up', async () => {
    const proc = await spawnSupervised({ argv: [NODE, '-e', PARENT, '--', '--crash'], cwd: dir });
    const [, grandchildPid] = (await lines(proc, 2)).map(Number);
    const info = await proc.exited;
    assert.equal(info.code, 3);
    assert.equal(pidAlive(proc.pid), false);
    assert.equal(pidAlive(grandchildPid!), false);
  });

  it('keeps only the tail of stderr', async () => {
    const script = "process.stderr.write('x'.repeat(100000) + '\\nnear the end\\nLAST LINE\\n')";
    const proc = await spawnSupervised({ argv: [NODE, '-e', script], cwd: dir });
    const info = await proc.exited;
    assert.ok(info.stderrTail.length <= STDERR_TAIL_BYTES, `tail is ${info.stderrTail.length} bytes`);
    assert.ok(info.stderrTail.endsWith('near the end\nLAST LINE\n'));
  });

  it('marks a silent process idle once, and output or a hold keeps it from firing', async () => {
    let fired = 0;
    const proc = await spawnSupervised({
      argv: [NODE, '-e', "let n = 0; console.log('ready'); const t = setInterval(() => { console.log('tick'); if (++n === 6) { clearInterval(t); } }, 100); setTimeout(() => {}, 5000);"],
      cwd: dir,
      idle: { ms: 400, onIdle: () => fired++ },
    });
    await lines(proc, 1);
    proc.idle.run();
    await new Promise((r) => setTimeout(r, 450));
    assert.equal(fired, 0, 'ticking output keeps it alive');
    await eventually(() => fired === 1, 'idle fires after the ticks stop', 3000);
    await proc.stop(100);

    let held = 0;
    const clock = new IdleClock(100, () => held++);
    clock.run();
    const release = clock.hold();
    await new Promise((r) => setTimeout(r, 250));
    assert.equal(held, 0, 'a hold stops the clock');
    release();
    await eventually(() => held === 1, 'fires after release');
    clock.pause();
    clock.dispose();
  });

  it('stopAllProcesses stops everything Podium started (extension deactivation)', async () => {
    const a = await spawnSupervised({ argv: [NODE, '-e', 'setInterval(() => {}, 1000)'], cwd: dir });
    const b = await spawnSupervised({ argv: [NODE, '-e', PARENT, '--', '--stubborn'], cwd: dir });
    const [, grandchild] = (await lines(b, 2)).map(Number);
    await stopAllProcesses(200);
    assert.equal(pidAlive(a.pid), false);
    assert.equal(pidAlive(b.pid), false);
    await eventually(() => !pidAlive(grandchild!), 'grandchild gone', 2000);
  });
});
