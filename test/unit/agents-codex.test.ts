import assert from 'node:assert/strict';
import { SessionStoppedError } from '../../src/agents/acp';
import { CodexAdapter, CODEX_DEFAULT_ARGV, type CodexAdapterOptions } from '../../src/agents/codex';
import { codexArgv } from '../../src/agents/codexEvents';
import { groupAlive, pidAlive } from '../../src/agents/process';
import { RecordingSink } from '../fixtures/agents/harness';
import { replayArgv } from '../fixtures/agents/replayLaunch';
import { cleanUpAfterEach, entries, one, rejection, type AgentRun } from '../fixtures/agents/runs';

let counter = 0;

describe('agents: Codex through `codex exec --json` (replayed transcripts)', function () {
  this.timeout(30_000);
  const cleanup = cleanUpAfterEach(300);

  /** The replay stands for `codex`; the profile's argv goes on with `exec`, as a real profile would. */
  function play(transcripts: string[], options: { adapter?: CodexAdapterOptions; argv?: string[] } = {}): AgentRun {
    const repo = cleanup.repo();
    const sink = new RecordingSink(`codex-${++counter}`);
    const argv = options.argv ?? [...replayArgv(...transcripts), 'exec'];
    const session = new CodexAdapter({ graceMs: 500, ...options.adapter }).create(
      { argv, cwd: repo.worktree, identity: { kind: 'codex', label: 'Codex' } },
      sink,
    );
    return cleanup.track({ session, sink });
  }

  it('a turn shows reasoning, commands with output and exit code, edited files, the to-do list, an MCP call, the answer and usage; a follow-up resumes the thread', async () => {
    const run = play(['codex-success', 'codex-resume']);
    await run.session.start('Add averageWords(notes) to the tally module, with a test.');
    const s = run.sink.state();
    assert.equal(s.status, 'waiting');
    assert.equal(s.agent?.kind, 'codex');
    assert.ok(entries(run, 'lifecycle').some((e) => e.title === 'Ready' && e.text === 'Codex'));
    assert.deepEqual(s.command?.slice(-5), ['exec', '--json', '--sandbox', 'workspace-write', '-'], 'the prompt goes on stdin');
    assert.equal(one(run, 'prompt').text, 'Add averageWords(notes) to the tally module, with a test.');
    assert.match(one(run, 'thought').text, /^\*\*Planning the change\*\*/);

    const commands = entries(run, 'command');
    assert.deepEqual(commands.map((c) => [c.title, c.exitCode]), [
      ["$ bash -lc 'cat src/core/tally.js'", 0],
      ["$ bash -lc 'node --test test/'", 0],
    ]);
    assert.match(commands[0]!.text, /^\/\/ Counts words in notes\. Pure: no I\/O\./);
    assert.equal(commands[1]!.text, '✔ counts words (0.6ms)\n✔ averages words per note (0.4ms)\nℹ pass 3\nℹ fail 0\n', 'streamed output is not repeated');

    assert.deepEqual(entries(run, 'file').map((e) => [e.title, e.text]), [
      ['Edited src/core/tally.js', 'via codex update'],
      ['Edited test/average.test.js', 'via codex add'],
    ]);
    const plan = one(run, 'plan');
    assert.equal(plan.title, 'Plan: 3/3 done');
    assert.deepEqual(plan.plan?.map((p) => p.content), ['Read src/core/tally.js', 'Add averageWords and its test', 'Run the tests']);
    const mcp = one(run, 'tool');
    assert.equal(mcp.title, 'docs/search');
    assert.equal(mcp.status, 'completed');
    assert.equal(mcp.text, 'assert.equal(actual, expected) compares with ===');
    assert.ok(entries(run, 'notice').some((n) => n.level === 'warning' && n.title.startsWith('Codex: Falling back from WebSockets')));
    assert.equal(one(run, 'message').text, 'Added `averageWords(notes)` to src/core/tally.js and test/average.test.js; the tests pass.');
    assert.deepEqual(s.usage, { inputTokens: 24763, outputTokens: 1122, costUsd: 0 });
    assert.equal(entries(run, 'error').length, 0);
    const firstPid = run.session.pid!;
    assert.equal(pidAlive(firstPid), false, 'each turn is a process that ends with the turn');

    await run.session.prompt('Please name it meanWords instead.', 'followup');
    const after = run.sink.state();
    assert.equal(after.status, 'waiting');
    assert.equal(entries(run, 'message').at(-1)?.text, 'Renamed it to `meanWords`.');
    assert.equal(entries(run, 'file').length, 4);
    // Codex reports the thread's running total (restored on resume): it replaces, it does not add.
    assert.deepEqual(after.usage, { inputTokens: 51210, outputTokens: 1290, costUsd: 0 });
    assert.notEqual(run.session.pid, firstPid, 'the follow-up ran in a new process');
    assert.equal(run.sink.of('session.spawned').length, 1);

    await run.session.stop(300);
    assert.equal(run.sink.of('session.exited').length, 1);
    assert.equal(run.sink.state().status, 'exited');
    assert.equal(run.sink.state().exit?.code, 0);
  });

  it('a failed turn shows the reason and the next prompt resumes the same thread', async () => {
    const run = play(['codex-turn-failed', 'codex-turn-failed-resume']);
    const err = await rejection(run.session.start('Summarise the whole repository history.'));
    assert.equal(err.message, 'Codex could not finish the turn: Your input exceeds the context window of this model. Please adjust your input and try again.');
    assert.equal(run.sink.state().status, 'waiting');
    assert.deepEqual(entries(run, 'error').map((e) => e.title), [err.message], 'the error event and turn.failed say it once');
    await run.session.prompt('Just the last week, then.', 'followup');
    assert.equal(entries(run, 'message').at(-1)?.text, 'Last week: two commits.');
    assert.equal(run.sink.state().status, 'waiting');
  });

  it('an authentication error fails the session at once and says to run `codex login`', async () => {
    const run = play(['codex-unauthorized']);
    const err = await rejection(run.session.start('Say hello'));
    assert.match(err.message, /^Codex needs you to sign in \(Codex said: unexpected status 401 Unauthorized: .*\): run `codex login` once in a terminal, or put an OPENAI_API_KEY in the env of the "Codex" profile in the podium\.agents setting\. Then start the task again\.$/);
    await run.session.exited;
    assert.equal(run.sink.state().status, 'failed');
    assert.equal(run.sink.of('session.failed').length, 1);
    assert.equal(run.sink.of('session.exited').length, 1);
    assert.equal(groupAlive(run.session.pid!), false);
  });

  it('not signed in, no network (recorded from Codex 0.169.0): fails within seconds instead of retrying for ever', async () => {
    const run = play(['codex-not-signed-in']);
    const t0 = Date.now();
    const err = await rejection(run.session.start('Say hello'));
    assert.ok(Date.now() - t0 < 10_000, `took ${Date.now() - t0} ms`);
    assert.match(err.message, /^Codex cannot reach OpenAI \(Codex said: Reconnecting\.\.\. 5\/5 \(stream disconnected before completion: failed to lookup address information: Name does not resolve\)\)\. Check your network connection .*run `codex login` in a terminal\. Then start the task again\.$/);
    assert.equal(run.sink.of('notice').filter((n) => n.code === 'reconnecting').length, 1, 'one notice, not one per retry');
    const info = await run.session.exited;
    assert.ok(info.signal === 'SIGTERM' || info.signal === 'SIGKILL');
    assert.equal(run.sink.state().status, 'failed');
    assert.equal(groupAlive(run.session.pid!), false);
  });

  it('a crash mid-turn fails the session with the exit code and the last stderr lines', async () => {
    const run = play(['codex-crash']);
    const err = await rejection(run.session.start('Do it.'));
    assert.equal(err.message, "Codex exited unexpectedly (exit code 101) during its turn. Its last error output: thread 'main' panicked at core/src/codex.rs:812:14:\nout of cheese");
    await run.session.exited;
    assert.equal(run.sink.state().status, 'failed');
    assert.equal(one(run, 'message').text, 'Starting on it.');
    assert.deepEqual(run.sink.events.map((e) => e.type).slice(-2), ['session.failed', 'session.exited']);
    assert.equal((await rejection(run.session.prompt('again?', 'followup'))).message, err.message);
  });

  it('cancel stops the turn\'s process (children too) and the next prompt resumes the thread', async () => {
    const run = play(['codex-hang', 'codex-hang-resume']);
    const started = run.session.start('Take your time.');
    await run.sink.until((e) => e.type === 'agent.command');
    const pid = run.session.pid!;
    await run.session.cancel();
    await started;
    assert.equal(run.sink.of('session.waiting').at(-1)?.reason, 'cancelled');
    assert.equal(groupAlive(pid), false, 'the turn\'s process group is gone');
    assert.equal(run.sink.of('session.failed').length, 0);
    await run.session.prompt('Go on.', 'followup');
    assert.equal(entries(run, 'message').at(-1)?.text, 'Next: Go on.');
  });

  it('stop mid-turn ends the session as stopped, with no process left', async () => {
    const run = play(['codex-hang']);
    const started = run.session.start('Take your time.');
    await run.sink.until((e) => e.type === 'agent.command');
    const info = await run.session.stop(300);
    const err = await rejection(started);
    assert.ok(err instanceof SessionStoppedError, err.message);
    assert.ok(info.signal === 'SIGTERM' || info.signal === 'SIGKILL');
    assert.equal(run.sink.of('session.failed').length, 0);
    assert.equal(run.sink.state().status, 'exited');
    assert.equal(groupAlive(run.session.pid!), false);
  });

  it('lines that are not Codex events become errors on the score; unknown events and items are skipped', async () => {
    const run = play(['codex-noise']);
    await run.session.start('Anything.');
    assert.deepEqual(entries(run, 'error').map((e) => e.text), [
      'WARNING: proceeding, even though we could not create PATH aliases',
      '"just a string"',
      '{"type":"item.completed","item":{"id":"item_2","ty',
    ]);
    assert.equal(one(run, 'message').text, 'Still here.');
    assert.equal(run.sink.state().status, 'waiting');
  });

  it('a profile that names just `codex` (or a wrapper) becomes `codex exec --json` in a workspace-write sandbox; its own choices are kept', () => {
    assert.deepEqual(codexArgv(['codex']), CODEX_DEFAULT_ARGV);
    assert.deepEqual(codexArgv(['npx', '@openai/codex']), ['npx', '@openai/codex', 'exec', '--json', '--sandbox', 'workspace-write']);
    assert.deepEqual(codexArgv(['codex', 'exec', '-m', 'o3', '--sandbox', 'read-only']), ['codex', 'exec', '-m', 'o3', '--sandbox', 'read-only', '--json']);
    assert.deepEqual(codexArgv(['codex', '-c', 'sandbox_mode="danger-full-access"', 'exec', '--json']), ['codex', '-c', 'sandbox_mode="danger-full-access"', 'exec', '--json']);
  });

  it('a missing binary fails at once and says how to install Codex', async () => {
    const run = play([], { argv: ['/nonexistent/podium-test/codex', ...CODEX_DEFAULT_ARGV.slice(1)] });
    const err = await rejection(run.session.start('Hello'));
    assert.equal(err.message, 'Podium could not start Codex: the program "/nonexistent/podium-test/codex" was not found at /nonexistent/podium-test/codex. Install it (npm install -g @openai/codex) or change the command of the "Codex" profile in the podium.agents setting.');
    assert.equal(run.sink.state().status, 'failed');
    assert.deepEqual(await run.session.exited, { code: null, signal: null, stderrTail: '' });
  });
});
