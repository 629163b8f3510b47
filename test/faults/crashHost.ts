/**
 * A stand-in for VS Code's extension host, to be killed with SIGKILL: a real conductor with real
 * rehearsal agents in real worktrees and real journals (batched every 200 ms), and the editor's part
 * done with the plain file system. It plays four tasks, makes decisions, and then leaves two
 * approvals in flight as the editor writes them: one before a byte is written, one half-written.
 * It says on stdout what it did ("STEP name json") and then waits to be killed.
 *
 * Usage: node --import tsx test/faults/crashHost.ts '{"workspace":…,"storage":…,"journals":…,"entry":…}'
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { AcpAdapter } from '../../src/agents/acp';
import { Conductor, type ConductorHost } from '../../src/conductor/conductor';
import { DEFAULT_PROFILES, type AgentProfile } from '../../src/conductor/profiles';
import { ScoreFeed } from '../../src/conductor/scoreFeed';
import type { HunkState } from '../../src/score';

// Not the test harness: it registers mocha hooks, and this is no mocha process.
const REPO_ROOT = path.resolve(__dirname, '..', '..');
const SHIPPED_SCRIPTS = path.join(REPO_ROOT, 'src/rehearsal/scripts');
const FIXTURE_SCRIPTS = path.join(REPO_ROOT, 'test/fixtures/agents');
const { workspace, storage, journals, entry } = JSON.parse(process.argv[2]!) as { workspace: string; storage: string; journals: string; entry: string };

async function eventually(ok: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const say = (step: string, data: unknown = {}) => process.stdout.write(`STEP ${step} ${JSON.stringify(data)}\n`);

/** Paths whose next write the "editor" holds: 'hang' writes nothing, 'half' writes half and stops. */
const held = new Map<string, 'hang' | 'half'>();

async function main(): Promise<void> {
  const profiles: AgentProfile[] = [
    ...DEFAULT_PROFILES,
    { id: 'slow', label: 'Rehearsal: slow', kind: 'rehearsal', command: 'node', args: [], env: {}, script: path.join(FIXTURE_SCRIPTS, 'slow.json') },
  ];
  const host: ConductorHost = {
    workspace: () => workspace,
    storageDir: () => storage,
    journalFolder: () => journals,
    flushIntervalMs: () => 200,
    maxConcurrentAgents: () => 4,
    trusted: () => true,
    profiles: () => profiles,
    rehearsal: () => ({ entry, scriptsDir: SHIPPED_SCRIPTS }),
    secrets: async () => new Map(),
    permissionAsked: () => undefined,
    readWorkspaceFile: async (rel) => readFile(path.join(workspace, rel), 'utf8').catch(() => null),
    writeWorkspaceFile: async (rel, content) => {
      const file = path.join(workspace, rel);
      const hold = held.get(rel);
      if (hold) {
        if (hold === 'half' && typeof content === 'string') await writeFile(file, content.slice(0, Math.floor(content.length / 2)));
        say('midwrite', { path: rel, how: hold });
        return new Promise<void>(() => undefined); // the window dies before the editor finishes
      }
      if (content === null) await rm(file, { force: true });
      else {
        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(file, content);
      }
    },
    log: () => undefined,
  };
  const feed = new ScoreFeed({ folder: journals, label: 'crash host', readOnly: false });
  const acp = new AcpAdapter({ graceMs: 1000 });
  const conductor = new Conductor(host, feed, { acp, rehearsal: acp });
  const status = (id: string) => `${feed.state.tasks[id]?.status}:${feed.state.tasks[id]?.outcome ?? ''}`;
  const pending = (task: string, file: string): HunkState => {
    const h = feed.state.hunkOrder.map((id) => feed.state.hunks[id]!).find((x) => x.task === task && x.hunk.path === file && x.status === 'pending');
    if (!h) throw new Error(`no pending hunk of ${task} in ${file}`);
    return h;
  };

  const feature = await conductor.createTask({ title: 'Average words per note', prompt: 'feature', agent: 'rehearsal' });
  const layer = await conductor.createTask({ title: 'Show the summary in the core', prompt: 'layer', agent: 'rehearsal-layer-break' });
  const conflictA = await conductor.createTask({ title: 'Ignore punctuation', prompt: 'conflict', agent: 'rehearsal-conflict-a' });
  const slow = await conductor.createTask({ title: 'Still playing when the window dies', prompt: 'slow', agent: 'slow' });
  say('tasks', { feature, layer, conflictA, slow });
  await eventually(() => [feature, layer, conflictA].every((id) => status(id) === 'finished:done'), 'three turns to end', 60_000);
  for (const id of [feature, layer, conflictA]) await conductor.restage(id);

  const applied = pending(layer, 'src/core/tally.js');
  await conductor.approve(applied.hunk.id);
  say('applied', { hunk: applied.hunk.id, newLines: (applied.hunk as { newLines?: string[] }).newLines });
  const rejected = pending(feature, 'src/core/tally.js');
  await conductor.reject(rejected.hunk.id, 'Not in the core.');
  say('rejected', { hunk: rejected.hunk.id });

  const untouched = pending(feature, 'test/average.test.js');
  held.set('test/average.test.js', 'hang');
  void conductor.approve(untouched.hunk.id);
  const halfway = pending(conflictA, 'src/core/tally.js');
  held.set('src/core/tally.js', 'half');
  void conductor.approve(halfway.hunk.id);
  say('inflight', { untouched: untouched.hunk.id, halfway: halfway.hunk.id, slowPid: feed.state.sessions[feed.state.tasks[slow]!.sessions[0]!]?.pid });
  // More events in the journal's batch, not yet flushed, when the kill comes.
  await new Promise(() => undefined);
}

main().catch((err: unknown) => {
  process.stderr.write(`crash host failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
