/**
 * Realistic agent traffic for the benchmarks: what a coding agent's session journals most (streamed
 * message and thought chunks, tool calls and their results, commands, usage), sized like the real
 * thing (about 150–300 bytes per event as JSON). Deterministic, so every run measures the same bytes.
 */
import { SCHEMA_VERSION, type EventBody, type PodiumEvent } from '../src/score';

const WORDS = (
  'the function returns a promise that resolves once the file is written and the index updated ' +
  'I will read the parser first then add a test for the empty input case before changing the ' +
  'reducer so that duplicate events are ignored and the score stays stable when a batch arrives ' +
  'twice because the webview may replay it after a reload of the panel or a restart of the host'
).split(' ');

const FILES = ['src/parser.ts', 'src/score/reduce.ts', 'src/journal/writer.ts', 'test/unit/parser.test.ts', 'README.md', 'src/agents/acp.ts'];

/** Mulberry32: small, fast, good enough to vary text lengths reproducibly. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` event bodies of one agent session: a task start, then steps of thinking, talking and tool
 * use. Every `stepsPerTurn` steps the agent ends its turn and the engineer sends a follow-up, as in a
 * real session; pass Infinity for one unbroken autonomous turn.
 */
export function* sessionBodies(count: number, seed = 1, stepsPerTurn = 20): Generator<EventBody> {
  const random = rng(seed);
  const between = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
  const text = (lo: number, hi: number): string => {
    const target = between(lo, hi);
    let s = '';
    while (s.length < target) s += WORDS[between(0, WORDS.length - 1)] + ' ';
    return s.slice(0, target);
  };
  const file = (): string => FILES[between(0, FILES.length - 1)]!;

  let n = 0;
  const start: EventBody[] = [
    { type: 'task.created', task: { id: 'task-1', title: 'Make the parser accept empty input', prompt: text(120, 200), agent: 'claude' } },
    { type: 'task.started', task: 'task-1' },
    { type: 'session.spawned', task: 'task-1', agent: { kind: 'claude', label: 'Claude Code' }, command: ['claude', '--output-format', 'stream-json'], cwd: '/home/dev/.podium-worktrees/task-1', pid: 4242 },
    { type: 'session.ready', agentName: 'claude', agentVersion: '2.1.0' },
    { type: 'prompt.sent', text: text(120, 200), purpose: 'task' },
  ];
  for (const body of start) {
    if (n++ >= count) return;
    yield body;
  }
  let input = 1000;
  let output = 200;
  for (let step = 1; ; step++) {
    const bodies: EventBody[] = [];
    if (step % stepsPerTurn === 0) {
      bodies.push({ type: 'session.waiting', reason: 'end_turn' }, { type: 'prompt.sent', text: text(60, 160), purpose: 'followup' });
    }
    for (let i = between(1, 3); i > 0; i--) bodies.push({ type: 'agent.thought', entry: `th${step}`, text: text(90, 180) });
    for (let i = between(3, 8); i > 0; i--) bodies.push({ type: 'agent.message', entry: `m${step}`, text: text(60, 170) });
    const path = file();
    bodies.push({ type: 'agent.toolCall', entry: `tc${step}`, title: `Read ${path}`, toolKind: 'read', status: 'in_progress', input: { path }, locations: [{ path, line: between(1, 400) }] });
    bodies.push({ type: 'agent.toolCallUpdate', entry: `tc${step}`, status: 'completed', output: text(80, 200) });
    if (step % 3 === 0) {
      bodies.push({ type: 'agent.command', entry: `cmd${step}`, command: ['npm', 'test', '--', '--grep', 'parser'], cwd: '/home/dev/.podium-worktrees/task-1', exitCode: step % 6 === 0 ? 1 : 0, output: text(80, 160) });
    }
    input += between(500, 3000);
    output += between(100, 800);
    bodies.push({ type: 'agent.usage', inputTokens: input, outputTokens: output, costUsd: Math.round(input * 0.3 + output * 1.5) / 100_000 });
    for (const body of bodies) {
      if (n++ >= count) return;
      yield body;
    }
  }
}

/** The bodies stamped the way the journal stamps them, for baselines that store whole events. */
export function* sessionEvents(count: number, session: string, seed = 1, t0 = 1_750_000_000_000): Generator<PodiumEvent> {
  let seq = 0;
  for (const body of sessionBodies(count, seed)) {
    seq++;
    yield { v: SCHEMA_VERSION, session, seq, ts: t0 + seq * 37, ...body } as PodiumEvent;
  }
}
