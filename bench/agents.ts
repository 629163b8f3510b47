/**
 * 32 agents streaming at once: rehearsal agents (cap 32), each in its own task worktree, stream about
 * 14 KB of text in 24-character chunks (about 25 a second each, a fast model's pace) into one conductor
 * in this process, which stands in for the extension host. Measured: how long a chunk took from the
 * agent sending it to its journal (each chunk carries its send time), the host's CPU as a share of one
 * core, its peak memory, and how late its event loop ran.
 *
 * The baseline is the least any host pays for the same stream: the same 32 agents, each driven by a
 * bare ACP client (the same SDK) that appends every update to a JSONL file as it arrives, in this
 * process too. Its latency is what the machine, the agents and the pipes cost; Podium's beyond it is
 * Podium's own (journaling, the score, staging after file edits).
 */
import { spawn } from 'node:child_process';
import { appendFileSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Readable, Writable } from 'node:stream';
import { AcpAdapter } from '../src/agents/acp';
import { Conductor, type ConductorHost } from '../src/conductor/conductor';
import type { AgentProfile } from '../src/conductor/profiles';
import { ScoreFeed } from '../src/conductor/scoreFeed';
import type { PodiumEvent } from '../src/score';
import { result, type BenchSection } from './harness';
import { git } from './scaleRepo';

const fmt = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: n < 10 ? 2 : 0 });
const SCRIPT = path.resolve('bench/scripts/stream.json');
const STAMP = /\[sent:(\d+)\]/g;

interface Run {
  latencies: number[];
  wallMs: number;
  cpuShare: number;
  peakRssMb: number;
  loopP99: number;
  events: number;
}

const section: BenchSection = {
  title: 'Agents: 32 rehearsal agents streaming at once (cap 32)',
  async run(ctx) {
    const count = ctx.quick ? 4 : 32;
    const root = await ctx.tmpdir();
    const entry = await bundleRehearsal(root);
    // The bare clients first: Podium's run then starts with the same warm caches the baseline had.
    const bare = await measure(() => bareClients(root, entry, count));
    ctx.log(describe('bare ACP clients', count, bare));
    const podium = await measure(() => podiumRun(root, entry, count));
    ctx.log(describe('Podium', count, podium));
    return [
      result(`${count} agents streaming: event to journal p99, Podium vs bare ACP clients`, pct(podium.latencies, 99), pct(bare.latencies, 99), 'ms'),
      result(`${count} agents streaming: event to journal p50, Podium vs bare ACP clients`, pct(podium.latencies, 50), pct(bare.latencies, 50), 'ms'),
      result(`${count} agents streaming: host event loop delay p99, Podium vs bare ACP clients`, podium.loopP99, bare.loopP99, 'ms'),
      result(`${count} agents streaming: host CPU, share of one core (bare clients: ${fmt(bare.cpuShare)}%)`, podium.cpuShare, null, '%'),
      result(`${count} agents streaming: host peak memory, RSS (bare clients: ${fmt(bare.peakRssMb)} MB)`, podium.peakRssMb, null, 'MB'),
    ];
  },
};

function describe(who: string, count: number, r: Run): string {
  return (
    `${who}, ${count} agents: ${fmt(r.events)} events in ${fmt(r.wallMs / 1000)} s; event to journal p50 ${fmt(pct(r.latencies, 50))} ms, ` +
    `p99 ${fmt(pct(r.latencies, 99))} ms, max ${fmt(r.latencies.at(-1) ?? NaN)} ms over ${fmt(r.latencies.length)} chunks; ` +
    `host CPU ${fmt(r.cpuShare)}% of a core, peak RSS ${fmt(r.peakRssMb)} MB, event loop delay p99 ${fmt(r.loopP99)} ms`
  );
}

/** Runs `fn` while sampling this process's memory, CPU and event-loop delay. */
async function measure(fn: () => Promise<{ latencies: number[]; events: number }>): Promise<Run> {
  (globalThis as { gc?: () => void }).gc?.();
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    const { latencies, events } = await fn();
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    latencies.sort((a, b) => a - b);
    return { latencies, events, wallMs, cpuShare: ((cpu.user + cpu.system) / 1000 / wallMs) * 100, peakRssMb: peakRss / 1e6, loopP99: loop.percentile(99) / 1e6 };
  } finally {
    clearInterval(sampler);
    loop.disable();
  }
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

// ── Podium ──────────────────────────────────────────────────────────────────────────────────────

async function podiumRun(root: string, entry: string, count: number): Promise<{ latencies: number[]; events: number }> {
  const repo = path.join(root, 'podium-work');
  await fs.cp(path.resolve('demo/template'), repo, { recursive: true });
  await git(repo, ['init', '-q', '-b', 'main']);
  await git(repo, ['add', '-A']);
  await git(repo, ['commit', '-q', '-m', 'demo']);
  const storage = path.join(root, 'podium-storage');
  const journals = path.join(root, 'podium-journals');
  const profile: AgentProfile = { id: 'stream', label: 'Streaming rehearsal', kind: 'rehearsal', command: 'node', args: [], env: {}, script: SCRIPT };
  const feed = new ScoreFeed({ folder: journals, label: 'bench', readOnly: false });
  const host: ConductorHost = {
    workspace: () => repo,
    storageDir: () => storage,
    journalFolder: () => journals,
    flushIntervalMs: () => 200,
    maxConcurrentAgents: () => count,
    trusted: () => true,
    profiles: () => [profile],
    rehearsal: () => ({ entry, scriptsDir: path.dirname(SCRIPT) }),
    secrets: async () => new Map(),
    permissionAsked: () => undefined,
    readWorkspaceFile: async () => null,
    writeWorkspaceFile: async () => undefined,
    log: () => undefined,
  };
  const acp = new AcpAdapter({ graceMs: 1000 });
  const conductor = new Conductor(host, feed, { acp, rehearsal: acp });
  const ids: string[] = [];
  try {
    for (let i = 0; i < count; i++) ids.push(await conductor.createTask({ title: `Stream ${i + 1}`, prompt: 'stream', agent: 'stream' }));
    await until(() => ids.every((id) => feed.state.tasks[id]?.status === 'finished'), 10 * 60_000);
    const failed = ids.filter((id) => feed.state.tasks[id]?.outcome !== 'done');
    if (failed.length > 0) throw new Error(`${failed.length} of the ${count} streaming tasks did not finish their turn: ${feed.state.tasks[failed[0]!]?.reason ?? ''}`);
    // The stagings their turns' ends started belong to the run too.
    await Promise.all(ids.map((id) => conductor.restage(id)));
  } finally {
    await conductor.dispose();
  }
  const history = feed.history() as PodiumEvent[];
  const problems = history.filter((e) => e.type === 'notice' && e.level === 'error');
  if (problems.length > 0) throw new Error(`the streaming run reported errors: ${problems.map((e) => (e.type === 'notice' ? e.text : '')).join(' | ')}`);
  const latencies: number[] = [];
  for (const e of history) {
    if (e.type !== 'agent.message' && e.type !== 'agent.thought') continue;
    for (const m of e.text.matchAll(STAMP)) latencies.push(e.ts - Number(m[1]));
  }
  return { latencies, events: history.length };
}

// ── the baseline: bare ACP clients ──────────────────────────────────────────────────────────────

async function bareClients(root: string, entry: string, count: number): Promise<{ latencies: number[]; events: number }> {
  const sdk = await import('@agentclientprotocol/sdk');
  const latencies: number[] = [];
  let events = 0;
  // Each agent starts once the one before it has its session, as the conductor starts each once its
  // worktree is made: startups overlap the others' streaming, as they do in Podium's run.
  let previous: Promise<unknown> = Promise.resolve();
  const one = async (i: number): Promise<void> => {
    const turn = previous;
    let started!: () => void;
    previous = new Promise<void>((resolve) => (started = resolve));
    await turn;
    try {
      const dir = path.join(root, 'bare', `agent-${i}`);
      await fs.mkdir(dir, { recursive: true });
      const journal = path.join(dir, 'journal.jsonl');
      const child = spawn(process.execPath, [entry, '--script', SCRIPT], { cwd: dir, stdio: ['pipe', 'pipe', 'ignore'] });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      const m = sdk.methods.client;
      const app = sdk
        .client({ name: 'bench' })
        .onNotification(m.session.update, (c) => {
          const ts = Date.now();
          const line = JSON.stringify({ ts, update: c.params.update });
          appendFileSync(journal, `${line}\n`);
          events += 1;
          for (const s of line.matchAll(STAMP)) latencies.push(ts - Number(s[1]));
        })
        .onRequest(m.fs.writeTextFile, async (c) => {
          await fs.mkdir(path.dirname(c.params.path), { recursive: true });
          await fs.writeFile(c.params.path, c.params.content);
          return {};
        });
      const conn = app.connect(sdk.ndJsonStream(Writable.toWeb(child.stdin) as WritableStream<Uint8Array>, Readable.toWeb(child.stdout) as ReadableStream<Uint8Array>));
      await conn.agent.request(sdk.methods.agent.initialize, { protocolVersion: sdk.PROTOCOL_VERSION, clientCapabilities: { fs: { readTextFile: false, writeTextFile: true }, terminal: false } });
      const session = await conn.agent.request(sdk.methods.agent.session.new, { cwd: dir, mcpServers: [] });
      started();
      await conn.agent.request(sdk.methods.agent.session.prompt, { sessionId: session.sessionId, prompt: [{ type: 'text', text: 'stream' }] });
      child.stdin.end();
      child.kill();
      await exited;
    } finally {
      started(); // a failed start must not hold up the others
    }
  };
  await Promise.all(Array.from({ length: count }, (_, i) => one(i)));
  return { latencies, events };
}

async function bundleRehearsal(dir: string): Promise<string> {
  const esbuild = await import('esbuild');
  const outfile = path.join(dir, 'rehearsal.js');
  await esbuild.build({ entryPoints: [path.resolve('src/rehearsal/main.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'silent' });
  return outfile;
}

async function until(check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the agents');
    await new Promise((r) => setTimeout(r, 50));
  }
}

export default section;
