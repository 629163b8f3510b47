/**
 * kill -9 of the extension host while agents play, hunks wait, two approvals are in the editor's
 * hands (one not yet written, one half-written) and journal batches are in flight. A new window then
 * opens on the same workspace: every session, hunk and decision is there, nothing is applied twice,
 * no decided hunk waits again, each approval that was cut off is complete or visibly not, and the
 * dead host's agents do not live on.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { AcpAdapter } from '../../src/agents/acp';
import { pidAlive } from '../../src/agents/process';
import { Conductor, type ConductorHost } from '../../src/conductor/conductor';
import { loadJournalFolder } from '../../src/conductor/journalLibrary';
import { DEFAULT_PROFILES } from '../../src/conductor/profiles';
import { ScoreFeed } from '../../src/conductor/scoreFeed';
import type { HunkState } from '../../src/score';
import { eventually, REPO_ROOT, rehearsalEntry, SHIPPED_SCRIPTS, tempRepo, type TempRepo } from '../fixtures/agents/harness';

interface Steps {
  tasks: { feature: string; layer: string; conflictA: string; slow: string };
  applied: { hunk: string; newLines: string[] };
  rejected: { hunk: string };
  inflight: { untouched: string; halfway: string; slowPid?: number };
  midwrite: { path: string }[];
}

/** Runs the crash host until both approvals are in the editor's hands, then kills it with SIGKILL. */
async function playAndKill(workspace: string, storage: string, journals: string): Promise<Steps> {
  const entry = await rehearsalEntry();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'crashHost.ts'), JSON.stringify({ workspace, storage, journals, entry })], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const steps: Record<string, unknown> = { midwrite: [] };
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  let buffered = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      for (let nl = buffered.indexOf('\n'); nl !== -1; nl = buffered.indexOf('\n')) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        const m = /^STEP (\w+) (.*)$/.exec(line);
        if (!m) continue;
        if (m[1] === 'midwrite') (steps.midwrite as unknown[]).push(JSON.parse(m[2]!));
        else steps[m[1]!] = JSON.parse(m[2]!);
        if (steps.inflight && (steps.midwrite as unknown[]).length === 2) resolve();
      }
    });
    void exited.then(() => reject(new Error(`the crash host exited before the kill:\n${err}`)));
    setTimeout(() => reject(new Error(`the crash host never got both approvals in flight:\n${err}`)), 110_000).unref();
  });
  child.kill('SIGKILL');
  await exited;
  return steps as unknown as Steps;
}

describe('faults: kill -9 of the extension host', function () {
  this.timeout(180_000);
  let repo: TempRepo;
  let storage: string;
  let conductor: Conductor | undefined;

  beforeEach(() => {
    repo = tempRepo();
    storage = realpathSync(mkdtempSync(path.join(tmpdir(), 'podium-storage-')));
  });
  afterEach(async () => {
    await conductor?.dispose();
    repo.cleanup();
    rmSync(storage, { recursive: true, force: true });
  });

  it('loses nothing, applies nothing twice, and finishes or shows each approval that was cut off', async () => {
    const workspace = repo.worktree;
    const journals = path.join(repo.outside, 'journals');
    const steps = await playAndKill(workspace, storage, journals);
    const tallyAfterKill = readFileSync(path.join(workspace, 'src/core/tally.js'), 'utf8');

    // A new window on the same workspace: the score from the journals, then the open tasks taken up.
    const started = Date.now();
    const loaded = await loadJournalFolder(journals);
    const feed = new ScoreFeed({ folder: journals, label: 'after the kill', readOnly: false });
    feed.reset(feed.source, loaded.events, loaded.problems);
    const entry = await rehearsalEntry();
    const host: ConductorHost = {
      workspace: () => workspace, storageDir: () => storage, journalFolder: () => journals, flushIntervalMs: () => 20,
      maxConcurrentAgents: () => 4, trusted: () => true, profiles: () => [...DEFAULT_PROFILES],
      rehearsal: () => ({ entry, scriptsDir: SHIPPED_SCRIPTS }), secrets: async () => new Map(), permissionAsked: () => undefined,
      readWorkspaceFile: async (rel) => readFile(path.join(workspace, rel), 'utf8').catch(() => null),
      writeWorkspaceFile: async (rel, content) => {
        const file = path.join(workspace, rel);
        if (content === null) await rm(file, { force: true });
        else {
          await mkdir(path.dirname(file), { recursive: true });
          await writeFile(file, content);
        }
      },
      log: () => undefined,
    };
    const acp = new AcpAdapter({ graceMs: 1000 });
    conductor = new Conductor(host, feed, { acp, rehearsal: acp });
    const adopted = await conductor.adopt();
    const recoverySeconds = (Date.now() - started) / 1000;

    const state = feed.state;
    const hunk = (id: string): HunkState => state.hunks[id]!;
    // Every task and session is there; the ones the dead window was playing say they were interrupted.
    for (const id of Object.values(steps.tasks)) assert.ok(state.tasks[id], `task ${id} is on the score`);
    assert.deepEqual([...adopted].sort(), Object.values(steps.tasks).sort(), 'every open task was taken up');
    assert.equal(state.tasks[steps.tasks.slow]!.outcome, 'stopped');
    assert.match(state.tasks[steps.tasks.slow]!.reason ?? '', /Interrupted/);
    // Decisions made before the kill stand, and no decided hunk waits again.
    assert.equal(hunk(steps.applied.hunk).status, 'applied');
    assert.equal(hunk(steps.rejected.hunk).status, 'rejected');
    const waiting = state.hunkOrder.map(hunk).filter((h) => h.status === 'pending' || h.status === 'conflict').map((h) => h.hunk.id);
    for (const id of [steps.applied.hunk, steps.rejected.hunk]) assert.ok(!waiting.includes(id), `${id} does not wait again`);
    // Nothing applied twice: the applied hunk's lines are in tally.js as often as they were at the kill.
    const tally = readFileSync(path.join(workspace, 'src/core/tally.js'), 'utf8');
    const marker = steps.applied.newLines.find((l) => l.trim().length > 12 && !tallyAfterKillBase(l))!;
    const count = (text: string) => text.split(marker).length - 1;
    assert.ok(marker, 'the applied hunk added a line to look for');
    assert.equal(count(tally), 1, 'the approved change is in tally.js once');
    // The approvals cut off mid-way: each is complete, or visibly not (a conflict to decide again);
    // none is left "approved" but never applied.
    const untouched = hunk(steps.inflight.untouched);
    assert.equal(untouched.status, 'applied', 'an approval cut off before the write is carried out when the task is taken up');
    const created = readFileSync(path.join(workspace, 'test/average.test.js'), 'utf8');
    assert.equal(created, (untouched.hunk as { newLines: string[] }).newLines.join(''));
    const halfway = hunk(steps.inflight.halfway);
    assert.ok(halfway.status === 'applied' || halfway.status === 'conflict', `the half-written approval is ${halfway.status}`);
    if (halfway.status === 'conflict') assert.ok(waiting.includes(halfway.hunk.id), 'a conflicted approval waits for the engineer, visibly');
    // The dead window's agent does not live on without it.
    if (steps.inflight.slowPid) await eventually(() => !pidAlive(steps.inflight.slowPid!), 'the orphaned agent to exit', 20_000);
    const torn = loaded.problems.filter((p) => /incomplete/.test(p)).length;
    console.log(`      taken up ${adopted.length} tasks in ${recoverySeconds.toFixed(2)} s after kill -9; ${loaded.events.length} events read, ${torn} torn tail(s); cut-off approvals: ${untouched.status}, ${halfway.status}`);
    assert.notEqual(tallyAfterKill, '');
  });
});

/** Whether a line is already in the demo's tally.js before any task (so it cannot mark the hunk). */
function tallyAfterKillBase(line: string): boolean {
  return readFileSync(path.join(REPO_ROOT, 'demo/template/src/core/tally.js'), 'utf8').includes(line);
}
