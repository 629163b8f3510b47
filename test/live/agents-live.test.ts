/**
 * The real agent CLIs, run through Podium's adapters up to their sign-in: Claude Code (stream-json),
 * Codex (`codex exec --json`), Gemini CLI and the Claude ACP bridge (ACP). Each runs in a temporary git repository with a
 * temporary HOME and Podium's minimal environment, so it reads no sign-in or configuration of this
 * machine. What a user without a login meets first must be a clear "sign in" failure within a bounded
 * time, with no process left behind.
 *
 *   npx mocha --no-config --node-option import=tsx --timeout 600000 test/live/agents-live.test.ts
 *
 * The CLIs (pinned in scripts/agent-clis.json) are installed once per machine into .agent-clis/ by
 * scripts/install-agent-clis.sh, which `before` runs (it does nothing when they are already there). Set PODIUM_AGENT_CLIS to use another
 * folder. Without access to the npm registry the suite fails: it must not pass without running.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { AcpAdapter } from '../../src/agents/acp';
import type { AgentAdapter, AgentSession } from '../../src/agents/adapter';
import { ClaudeAdapter, CLAUDE_DEFAULT_ARGV } from '../../src/agents/claude';
import { CodexAdapter, CODEX_DEFAULT_ARGV } from '../../src/agents/codex';
import { groupAlive } from '../../src/agents/process';
import { RecordingSink, tempRepo, type TempRepo } from '../fixtures/agents/harness';
import { BIN, ensureClis } from './clis';

interface Outcome {
  name: string;
  ms: number;
  message: string;
}

describe('live: the real agent CLIs through the adapters, not signed in', function () {
  this.timeout(180_000);
  const outcomes: Outcome[] = [];
  const repos: TempRepo[] = [];
  const sessions: AgentSession[] = [];
  let installMs = 0;

  before(function () {
    this.timeout(20 * 60_000);
    // A failed install fails the suite: a skipped live test would hide that it never ran.
    installMs = ensureClis().ms;
  });

  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.stop(500)));
    for (const r of repos.splice(0)) r.cleanup();
  });

  after(() => {
    if (outcomes.length === 0) return;
    console.log(`\n    install step: ${(installMs / 1000).toFixed(1)} s`);
    for (const o of outcomes) console.log(`    ${o.name}: failed clearly in ${(o.ms / 1000).toFixed(1)} s — ${o.message}`);
  });

  /** A temp repository and HOME; the CLI sees only Podium's minimal environment plus these. */
  function launchIn(): { cwd: string; env: Record<string, string> } {
    const repo = tempRepo(null);
    repos.push(repo);
    const home = path.join(repo.outside, 'home');
    for (const dir of ['.config', '.local/share', '.local/state', '.cache']) mkdirSync(path.join(home, dir), { recursive: true });
    return {
      cwd: repo.worktree,
      env: {
        HOME: home,
        XDG_CONFIG_HOME: path.join(home, '.config'),
        XDG_DATA_HOME: path.join(home, '.local/share'),
        XDG_STATE_HOME: path.join(home, '.local/state'),
        XDG_CACHE_HOME: path.join(home, '.cache'),
      },
    };
  }

  async function expectSignInFailure(
    name: string,
    adapter: AgentAdapter,
    argv: string[],
    label: string,
    within: number,
    extraEnv: Record<string, string> = {},
  ): Promise<{ message: string; sink: RecordingSink; session: AgentSession }> {
    const { cwd, env } = launchIn();
    const sink = new RecordingSink(name);
    const session = adapter.create({ argv, cwd, env: { ...env, ...extraEnv }, identity: { kind: adapter.kind, label } }, sink);
    sessions.push(session);
    const t0 = Date.now();
    const error = await session.start('Say hello').then(() => assert.fail(`${label} answered without a sign-in`), (e: Error) => e);
    const ms = Date.now() - t0;
    outcomes.push({ name, ms, message: error.message });
    assert.ok(ms < within, `${name} took ${ms} ms`);
    const info = await session.exited;
    const s = sink.state();
    assert.equal(s.status, 'failed', `${name}: ${JSON.stringify(s.entries.map((e) => e.title))}`);
    assert.equal(s.failure, error.message);
    assert.equal(sink.of('session.exited').length, 1);
    assert.ok(session.pid !== undefined);
    assert.equal(groupAlive(session.pid!), false, `${name}: no process of its group is left (exit ${JSON.stringify(info).slice(0, 200)})`);
    return { message: error.message, sink, session };
  }

  it('Claude Code without a sign-in: "sign in" within seconds', async () => {
    const argv = [path.join(BIN, 'claude'), ...CLAUDE_DEFAULT_ARGV.slice(1)];
    const { message, sink } = await expectSignInFailure('claude (no sign-in)', new ClaudeAdapter({ graceMs: 1000 }), argv, 'Claude Code', 30_000);
    assert.match(message, /^Claude Code needs you to sign in \(Claude Code said: .*\): run `claude` once in a terminal and sign in with \/login/);
    assert.ok(sink.of('session.ready').some((r) => /^\d+\.\d+\.\d+/.test(r.agentVersion ?? '')), 'the handshake reported a version');
  });

  it('Claude Code with an API key that cannot be used (no network here, or a refused key): a clear failure, not minutes of retries', async () => {
    const argv = [path.join(BIN, 'claude'), ...CLAUDE_DEFAULT_ARGV.slice(1)];
    // Not a credential: a key of the right shape, so Claude Code goes to the network.
    const { message } = await expectSignInFailure('claude (placeholder key)', new ClaudeAdapter({ graceMs: 1000 }), argv, 'Claude Code', 120_000, {
      ANTHROPIC_API_KEY: 'sk-ant-podium-live-test-not-a-key',
    });
    // Offline: the API cannot be reached. Online: the key is refused. Either way the user is told to sign in.
    assert.match(message, /^Claude Code (cannot reach Anthropic's API|needs you to sign in)/);
    assert.match(message, /\/login/);
  });

  it('Codex without a sign-in: "codex login" within seconds, not an endless reconnect', async () => {
    const argv = [path.join(BIN, 'codex'), ...CODEX_DEFAULT_ARGV.slice(1)];
    const { message } = await expectSignInFailure('codex (no sign-in)', new CodexAdapter({ graceMs: 1000 }), argv, 'Codex', 60_000);
    // Offline it cannot reach OpenAI; online it is refused (401). Both say to run `codex login`.
    assert.match(message, /^Codex (cannot reach OpenAI|needs you to sign in)/);
    assert.match(message, /`codex login`/);
  });

  it('the Claude ACP bridge without a key: "sign in to Claude Code", with the bridge\'s own words', async () => {
    const argv = [path.join(BIN, 'claude-agent-acp')];
    const { message } = await expectSignInFailure('claude-agent-acp (no key)', new AcpAdapter({ graceMs: 1000 }), argv, 'Claude (ACP)', 90_000);
    assert.match(message, /^Claude \(ACP\) needs you to sign in to Claude Code \(Claude \(ACP\) said: .+\): run `claude` once in a terminal and sign in with \/login, or put an ANTHROPIC_API_KEY/);
  });

  it('Gemini CLI over ACP without a key: "sign in" with the ways it offers', async () => {
    const argv = [path.join(BIN, 'gemini'), '--acp'];
    const { message, sink } = await expectSignInFailure('gemini --acp (no key)', new AcpAdapter({ graceMs: 1000 }), argv, 'Gemini CLI', 90_000);
    assert.match(message, /^Gemini CLI needs you to sign in \(Gemini CLI said: .+\): run `gemini` once in a terminal and complete its sign-in \(it offers: .+\)/);
    assert.ok(sink.of('session.ready').some((r) => r.agentName === 'Gemini CLI'));
  });
});
