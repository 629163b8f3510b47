import assert from 'node:assert/strict';
import { SessionStoppedError } from '../../src/agents/acp';
import { ClaudeAdapter, CLAUDE_DEFAULT_ARGV, type ClaudeAdapterOptions } from '../../src/agents/claude';
import { groupAlive, pidAlive } from '../../src/agents/process';
import { RecordingSink, type PermissionAnswer } from '../fixtures/agents/harness';
import { replayArgv } from '../fixtures/agents/replayLaunch';
import { cleanUpAfterEach, entries, one, rejection, type AgentRun } from '../fixtures/agents/runs';

let counter = 0;

describe('agents: Claude Code through the stream-json adapter (replayed transcripts)', function () {
  this.timeout(30_000);
  const cleanup = cleanUpAfterEach(300);

  function play(argv: string[], options: { answer?: PermissionAnswer; adapter?: ClaudeAdapterOptions; idleSec?: number } = {}): AgentRun {
    const repo = cleanup.repo();
    const sink = new RecordingSink(`claude-${++counter}`, options.answer);
    const session = new ClaudeAdapter({ graceMs: 500, ...options.adapter }).create(
      { argv, cwd: repo.worktree, identity: { kind: 'claude', label: 'Claude Code' }, idleSec: options.idleSec },
      sink,
    );
    return cleanup.track({ session, sink });
  }

  it('a turn shows thinking, text, tool calls with results, edits with diffs, the plan, usage and cost, then waits', async () => {
    const run = play(replayArgv('claude-success'), { answer: (ask) => (ask.title.startsWith('Write') ? 'allow_always' : 'allow') });
    await run.session.start('Add averageWords(notes) to the tally module, with a test.');
    const s = run.sink.state();
    assert.equal(s.status, 'waiting');
    assert.equal(s.agent?.kind, 'claude');
    assert.equal(s.pid, run.session.pid);
    assert.equal(s.mode, 'default');
    assert.ok(entries(run, 'lifecycle').some((e) => e.title === 'Ready' && e.text === 'Claude Code 2.1.330'));
    assert.ok(entries(run, 'notice').some((e) => e.title === 'Claude Code uses the model claude-opus-5-5.'));
    assert.equal(one(run, 'prompt').text, 'Add averageWords(notes) to the tally module, with a test.');
    assert.match(one(run, 'thought').text, /^The engineer wants the average number of words per note\./);
    assert.deepEqual(entries(run, 'message').map((e) => e.text), [
      "I'll read the tally module first.",
      'Done: `averageWords` is in src/core/tally.js and test/average.test.js covers it, including the empty case.',
    ]);

    const read = one(run, 'tool', (e) => e.title === 'Read src/core/tally.js');
    assert.equal(read.status, 'completed');
    assert.equal(read.toolKind, 'read');
    assert.deepEqual(read.locations, [{ path: 'src/core/tally.js' }]);
    assert.match(read.text, /export function countWords/);

    const plan = one(run, 'plan');
    assert.equal(plan.title, 'Plan: 0/2 done');
    assert.deepEqual(plan.plan, [
      { content: 'Add averageWords to src/core/tally.js', status: 'in_progress' },
      { content: 'Add test/average.test.js', status: 'pending' },
    ]);
    assert.ok(!entries(run, 'tool').some((e) => e.title.startsWith('TodoWrite')), 'the to-do list shows as the plan only');

    const edit = one(run, 'tool', (e) => e.title === 'Edit src/core/tally.js');
    assert.equal(edit.status, 'completed');
    assert.equal(edit.toolKind, 'edit');
    assert.equal(edit.diffs?.length, 1);
    assert.equal(edit.diffs![0]!.path, 'src/core/tally.js');
    assert.match(edit.diffs![0]!.newText, /export function averageWords\(notes\)/);
    assert.doesNotMatch(edit.diffs![0]!.oldText!, /averageWords/);
    const write = one(run, 'tool', (e) => e.title === 'Write test/average.test.js');
    assert.equal(write.status, 'completed');
    assert.equal(write.diffs?.[0]?.oldText, null, 'a new file is a diff from nothing');
    const bash = one(run, 'tool', (e) => e.title === 'Bash git status --short');
    assert.equal(bash.toolKind, 'execute');
    assert.match(bash.text, /\?\? test\/average\.test\.js/);
    assert.deepEqual(entries(run, 'file').map((e) => [e.title, e.text]), [
      ['Edited src/core/tally.js', 'via claude Edit'],
      ['Edited test/average.test.js', 'via claude Write'],
    ]);

    // Both questions reached the engineer with the three choices; the replay checked the answers.
    assert.deepEqual(run.sink.asks.map((a) => [a.title, a.toolCall]), [
      ['Edit src/core/tally.js', 'tool:toolu_03Edit'],
      ['Write test/average.test.js', 'tool:toolu_04Write'],
    ]);
    assert.deepEqual(run.sink.asks[0]!.options.map((o) => o.kind), ['allow_once', 'allow_always', 'reject_once']);
    assert.deepEqual(s.usage, { inputTokens: 21 + 31800 + 6210, outputTokens: 812, costUsd: 0.0841 });
    assert.equal(entries(run, 'error').length, 0);

    await run.session.prompt('Please name it meanWords instead.', 'followup');
    const after = run.sink.state();
    assert.equal(after.status, 'waiting');
    assert.equal(entries(run, 'prompt').at(-1)?.title, 'Follow-up');
    assert.equal(entries(run, 'message').at(-1)?.text, "Understood: I'll rename it to `meanWords`.");
    // Cost is the process's running total; tokens are the running per-model totals.
    assert.deepEqual(after.usage, { inputTokens: 27 + 69700 + 6330, outputTokens: 876, costUsd: 0.0913 });

    const info = await run.session.stop(500);
    assert.equal(info.code, 0, 'end of input lets Claude Code finish on its own');
    assert.equal(run.sink.state().status, 'exited');
    assert.equal(groupAlive(run.session.pid!), false);
  });

  it('a rejected permission is answered "deny" in the protocol, the tool fails and the agent goes on', async () => {
    const run = play(replayArgv('claude-permission-deny'), { answer: () => 'reject' });
    await run.session.start('Clean the build.');
    assert.equal(run.sink.asks[0]?.title, 'Bash rm -rf build');
    const tool = one(run, 'tool');
    assert.equal(tool.status, 'failed');
    assert.equal(tool.text, 'The engineer rejected this in Podium.');
    assert.equal(entries(run, 'message').at(-1)?.text, 'Understood, I left build/ alone.');
    assert.equal(run.sink.state().status, 'waiting');
  });

  it('cancel withdraws the open question, interrupts the turn, and the next prompt plays normally', async () => {
    let signalled = false;
    const run = play(replayArgv('claude-cancel'), {
      answer: (_ask, signal) => new Promise((resolve) => signal.addEventListener('abort', () => { signalled = true; resolve(null); })),
    });
    const started = run.session.start('Run the tests.');
    await run.sink.until(() => run.sink.asks.length > 0);
    await run.session.cancel();
    await started;
    assert.ok(signalled, 'the engineer\'s question was withdrawn');
    assert.equal(run.sink.of('session.waiting').at(-1)?.reason, 'cancelled');
    assert.equal(entries(run, 'error').length, 0, 'a cancelled turn is not an error');
    assert.equal(one(run, 'tool').status, 'failed');
    await run.session.prompt('Go on.', 'followup');
    assert.equal(entries(run, 'message').at(-1)?.text, 'Next: Go on.');
    assert.equal(run.sink.state().status, 'waiting');
  });

  it('a turn Claude Code ends with an error result fails that turn only; the session stays usable', async () => {
    const run = play(replayArgv('claude-error-result'));
    const err = await rejection(run.session.start('Refactor everything.'));
    assert.equal(err.message, 'Claude Code stopped: it reached its limit of turns for one prompt.');
    const error = one(run, 'error');
    assert.equal(error.title, err.message);
    assert.equal(error.text, 'Reached maximum number of turns (30)');
    assert.equal(run.sink.state().status, 'waiting');
    assert.equal(run.sink.state().usage.costUsd, 0.3127);
    await run.session.prompt('Just the core, then.', 'followup');
    assert.equal(entries(run, 'message').at(-1)?.text, 'Core done.');
    assert.equal(run.sink.state().usage.costUsd, 0.3301);
  });

  it('lines that are not stream-json messages become errors on the score and the session goes on', async () => {
    const run = play(replayArgv('claude-noise'));
    await run.session.start('Anything.');
    const errors = entries(run, 'error');
    assert.deepEqual(errors.map((e) => e.title), [
      'Claude Code wrote a line that is not a stream-json message on its output',
      'Claude Code wrote a line that is not a stream-json message on its output',
      'Claude Code wrote a line that is not a stream-json message on its output',
    ]);
    assert.deepEqual(errors.map((e) => e.text), [
      '[SandboxDebug] seatbelt profile loaded',
      '[1,2,3]',
      '{"type":"assistant","message":{"id":"msg_52","content":[{"type":"te',
    ]);
    assert.equal(one(run, 'message').text, 'Still here.');
    assert.equal(run.sink.state().status, 'waiting');
  });

  it('a crash mid-turn fails the session with the exit code and its last words; no process is left', async () => {
    const run = play(replayArgv('claude-crash'));
    const err = await rejection(run.session.start('Do it.'));
    assert.equal(err.message, 'Claude Code exited unexpectedly (exit code 3) during its turn. Its last error output: warning: the model is overloaded\nfatal: out of cheese');
    const info = await run.session.exited;
    assert.equal(info.code, 3);
    const s = run.sink.state();
    assert.equal(s.status, 'failed');
    assert.equal(s.failure, err.message);
    assert.deepEqual(run.sink.events.map((e) => e.type).slice(-2), ['session.failed', 'session.exited']);
    assert.equal(one(run, 'message').text, 'Starting on it.');
    assert.equal(pidAlive(run.session.pid!), false);
    assert.equal((await rejection(run.session.prompt('still there?', 'followup'))).message, err.message);
  });

  it('stop during a silent turn ends it as stopped (not failed) and leaves no process, children included', async () => {
    const run = play(replayArgv('claude-hang'), { adapter: { cancelWaitMs: 200 } });
    const started = run.session.start('Think.');
    await run.sink.until((e) => e.type === 'agent.message');
    const info = await run.session.stop(300);
    const err = await rejection(started);
    assert.ok(err instanceof SessionStoppedError, err.message);
    assert.ok(info.signal === 'SIGTERM' || info.signal === 'SIGKILL', JSON.stringify(info));
    assert.equal(run.sink.of('session.failed').length, 0);
    assert.equal(run.sink.state().status, 'exited');
    assert.equal(groupAlive(run.session.pid!), false, 'the replay and its child are gone');
  });

  it('stop during a turn interrupts it, and Claude Code ends the turn and exits on its own, not by a signal', async () => {
    const run = play(replayArgv('claude-stop'), { adapter: { cancelWaitMs: 5000 } });
    const started = run.session.start('Think it over.');
    await run.sink.until((e) => e.type === 'agent.message');
    const info = await run.session.stop(5000);
    assert.ok(await rejection(started) instanceof SessionStoppedError);
    assert.deepEqual({ code: info.code, signal: info.signal }, { code: 0, signal: null }, info.stderrTail);
    assert.equal(run.sink.state().status, 'exited');
    assert.equal(run.sink.of('session.failed').length, 0);
    assert.equal(groupAlive(run.session.pid!), false);
  });

  it('an idle budget marks a silent turn hung and stops it', async () => {
    const run = play(replayArgv('claude-hang'), { idleSec: 1, adapter: { cancelWaitMs: 200 } });
    const t0 = Date.now();
    const err = await rejection(run.session.start('Think.'));
    assert.equal(err.message, 'Claude Code hung (no output for 1 s) and was stopped.');
    assert.ok(Date.now() - t0 < 10_000);
    assert.equal(run.sink.of('notice').find((n) => n.code === 'hung')?.level, 'error');
    await run.session.exited;
    assert.equal(groupAlive(run.session.pid!), false);
  });

  it('a missing binary fails at once and says how to install Claude Code', async () => {
    const run = play(['/nonexistent/podium-test/claude', ...CLAUDE_DEFAULT_ARGV.slice(1)]);
    const t0 = Date.now();
    const err = await rejection(run.session.start('Hello'));
    assert.ok(Date.now() - t0 < 2000);
    assert.equal(err.message, 'Podium could not start Claude Code: the program "/nonexistent/podium-test/claude" was not found at /nonexistent/podium-test/claude. Install it (npm install -g @anthropic-ai/claude-code) or change the command of the "Claude Code" profile in the podium.agents setting.');
    assert.equal(run.sink.state().status, 'failed');
    assert.deepEqual(await run.session.exited, { code: null, signal: null, stderrTail: '' });
  });

  it('a profile command that is not Claude Code fails while starting, and says which command to check', async () => {
    const run = play(['/bin/echo', 'usage:']);
    const err = await rejection(run.session.start('Hello'));
    assert.equal(err.message, 'Claude Code exited unexpectedly (exit code 0) before it finished starting. Check that "/bin/echo usage:" starts Claude Code (the podium.agents setting).');
    const echoed = one(run, 'error', (e) => e.text.startsWith('usage: -p --output-format stream-json'));
    assert.equal(echoed.title, 'Claude Code wrote a line that is not a stream-json message on its output');
    assert.equal(run.sink.state().status, 'failed');
  });

  it('not signed in (recorded from Claude Code 2.1.330): a clear "sign in" failure within seconds, no process left', async () => {
    const run = play(replayArgv('claude-not-signed-in'));
    const t0 = Date.now();
    const err = await rejection(run.session.start('Say hello'));
    assert.ok(Date.now() - t0 < 10_000, `took ${Date.now() - t0} ms`);
    assert.equal(err.message, 'Claude Code needs you to sign in (Claude Code said: Not logged in · Please run /login): run `claude` once in a terminal and sign in with /login, or put an ANTHROPIC_API_KEY in the env of the "Claude Code" profile in the podium.agents setting. Then start the task again.');
    await run.session.exited;
    const s = run.sink.state();
    assert.equal(s.status, 'failed');
    assert.equal(s.failure, err.message);
    assert.equal(entries(run, 'message').length, 0, 'the CLI\'s synthetic "Not logged in" reply shows as the failure, not as an answer');
    assert.equal(entries(run, 'usage').length, 0, 'nothing was used');
    assert.equal(groupAlive(run.session.pid!), false);
  });

  it('an API that cannot be reached (recorded: an API key, no network) fails after a few retries instead of minutes', async () => {
    const run = play(replayArgv('claude-no-network'));
    const t0 = Date.now();
    const err = await rejection(run.session.start('Say hello'));
    assert.ok(Date.now() - t0 < 15_000, `took ${Date.now() - t0} ms`);
    assert.match(err.message, /^Claude Code cannot reach Anthropic's API \(no answer after 3 attempts\)\. Check your network connection and proxy settings .*run `claude` in a terminal and use \/login\./);
    assert.equal(run.sink.of('notice').filter((n) => n.code === 'api-retry').length, 1);
    await run.session.exited;
    assert.equal(run.sink.state().status, 'failed');
    assert.equal(groupAlive(run.session.pid!), false);
  });
});
