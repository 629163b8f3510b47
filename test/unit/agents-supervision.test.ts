import assert from 'node:assert/strict';
import { AcpAdapter, SessionStoppedError } from '../../src/agents/acp';
import { pidAlive, STDERR_TAIL_BYTES } from '../../src/agents/process';
import { MAX_ENTRY_TEXT, TRUNCATION_MARKER } from '../../src/score';
import { eventually, fixture, RecordingSink, rehearsal, shipped, type RehearsalRun } from '../fixtures/agents/harness';
import { cleanUpAfterEach, entries } from '../fixtures/agents/runs';

describe('agents: supervising misbehaving agents', function () {
  this.timeout(30_000);
  const cleanup = cleanUpAfterEach(300);

  async function play(script: string, options: Parameters<typeof rehearsal>[2] = {}): Promise<RehearsalRun> {
    return cleanup.track(await rehearsal(script, cleanup.repo().worktree, options));
  }

  it('crash: the turn fails with the exit code and last words, the score keeps the stderr tail', async () => {
    const run = await play(shipped('crash'));
    const err = await run.session.start('Do it.').then(() => assert.fail('the crash must fail the turn'), (e: Error) => e);
    assert.match(err.message, /^Rehearsal agent exited unexpectedly \(exit code 3\) during its turn\. Its last error output: warning: the model is overloaded\nfatal: out of cheese$/);
    const info = await run.session.exited;
    assert.equal(info.code, 3);
    const s = run.sink.state();
    assert.equal(s.status, 'failed');
    assert.equal(s.exit?.code, 3);
    assert.match(s.exit?.stderrTail ?? '', /fatal: out of cheese/);
    assert.equal(s.failure, err.message);
    const types = run.sink.events.map((e) => e.type);
    assert.deepEqual(types.slice(-2), ['session.failed', 'session.exited']);
    assert.equal(entries(run, 'message')[0]?.text, 'Starting on it.');
    assert.equal(pidAlive(run.session.pid!), false);
    await run.session.prompt('still there?', 'followup').then(() => assert.fail('no prompt after a crash'), (e: Error) => assert.equal(e.message, err.message));
  });

  it('hang: the idle budget marks it hung, stops it, and no process remains', async () => {
    const run = await play(shipped('hang'), { idleSec: 1 });
    const started = Date.now();
    const err = await run.session.start('Think.').then(() => assert.fail('a hung turn must fail'), (e: Error) => e);
    assert.match(err.message, /^Rehearsal agent hung \(no output for 1 s\) and was stopped\.$/);
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
    const hung = run.sink.of('notice').find((n) => n.code === 'hung');
    assert.equal(hung?.level, 'error');
    assert.ok(run.heard().some((e) => e.type === 'cancel'), 'a protocol cancel came first');
    await run.session.exited;
    assert.equal(pidAlive(run.session.pid!), false);
    assert.equal(run.sink.state().status, 'failed');
  });

  it('stop ends a hung turn (SessionStoppedError) and leaves no process, grandchildren included', async () => {
    const run = await play(fixture('background'));
    await run.session.start('Start the servers.');
    const children = run.heard().filter((e) => e.type === 'background').map((e) => e.childPid as number);
    assert.equal(children.length, 2);
    assert.ok(children.every(pidAlive));
    const info = await run.session.stop(300);
    assert.equal(pidAlive(run.session.pid!), false);
    await eventually(() => children.every((p) => !pidAlive(p)), 'the agent\'s own children are gone', 3000);
    // Ended by its end of input or by a signal: either way it did not end by itself mid-turn.
    assert.ok(info.signal !== null || info.code === 0, JSON.stringify(info));
    assert.equal(run.sink.of('session.failed').length, 0, 'a stop is not a failure');
    assert.equal(run.sink.state().status, 'exited');

    const hang = await play(shipped('hang'));
    const turn = hang.session.start('Think.');
    await hang.sink.until((e) => e.type === 'agent.message');
    await hang.session.stop(300);
    await turn.then(() => assert.fail('stopped turn must reject'), (e: Error) => assert.ok(e instanceof SessionStoppedError, String(e)));
    assert.equal(pidAlive(hang.session.pid!), false);
  });

  it('a stop right after start leaves no process and rejects the start as stopped', async () => {
    const run = await play(fixture('slow'));
    const started = run.session.start('Go.');
    const info = await run.session.stop(300);
    await started.then(() => assert.fail('must reject'), (e: Error) => assert.ok(e instanceof SessionStoppedError, String(e)));
    if (run.session.pid !== undefined) assert.equal(pidAlive(run.session.pid), false);
    assert.deepEqual(await run.session.exited, info);
    await run.session.prompt('more', 'followup').then(() => assert.fail('must reject'), (e: Error) => assert.ok(e instanceof SessionStoppedError));
  });

  it('waiting on a slow command the agent asked for is not hanging', async () => {
    const run = await play(fixture('slow-command'), { idleSec: 1 });
    await run.session.start('Run the suite.');
    assert.equal(run.sink.of('notice').filter((n) => n.code === 'hung').length, 0);
    assert.equal(entries(run, 'command')[0]?.exitCode, 0);
    assert.equal(entries(run, 'message').at(-1)?.text, 'The suite finished.');
  });

  it('flood: the entry is truncated on the score, stderr is kept as a tail, and the turn still ends', async () => {
    const run = await play(shipped('flood'));
    await run.session.start('Show me the whole log.');
    const flood = entries(run, 'message')[0]!;
    assert.equal(flood.truncated, true);
    assert.ok(flood.text.length <= MAX_ENTRY_TEXT + TRUNCATION_MARKER.length);
    assert.ok(flood.text.endsWith(TRUNCATION_MARKER));
    assert.equal(entries(run, 'tool')[0]?.title, 'Summarise the log');
    assert.equal(entries(run, 'message').at(-1)?.text, 'That was everything.');
    assert.equal(run.sink.state().status, 'waiting');
    const info = await run.session.stop(300);
    assert.ok(info.stderrTail.length <= STDERR_TAIL_BYTES);
    assert.match(info.stderrTail, /flood \d+: the quick brown fox/);
  });

  it('malformed lines become error entries in place, and the session goes on', async () => {
    const run = await play(shipped('malformed'));
    await run.session.start('Go.');
    const kinds = entries(run).filter((e) => ['message', 'error', 'tool'].includes(e.kind)).map((e) => [e.kind, e.kind === 'error' ? e.text : e.text || e.title]);
    assert.deepEqual(kinds, [
      ['message', 'Before the noise.'],
      ['error', 'DEBUG: this is not JSON {'],
      ['error', '[1, 2, 3]'],
      ['message', 'After the noise.'],
      ['tool', 'Still working'],
    ]);
    assert.match(entries(run, 'error')[0]!.title, /wrote a line that is not an ACP message/);
    await run.session.prompt('Still there?', 'followup');
    assert.equal(entries(run, 'message').at(-1)?.text, 'Second turn heard: Still there?');
  });

  it('a missing binary fails at once with how to fix it', async () => {
    const { worktree } = cleanup.repo();
    const sink = new RecordingSink('missing');
    const session = new AcpAdapter().create({ argv: ['podium-no-such-acp-agent', '--acp'], cwd: worktree, identity: { kind: 'acp', label: 'Imaginary agent' } }, sink);
    const started = Date.now();
    const err = await session.start('Hello').then(() => assert.fail('must not start'), (e: Error) => e);
    assert.ok(Date.now() - started < 2000);
    assert.match(err.message, /^Podium could not start Imaginary agent: the program "podium-no-such-acp-agent" was not found on the PATH\. Install podium-no-such-acp-agent or change the command of the "Imaginary agent" profile in the podium\.agents setting\.$/);
    assert.deepEqual(sink.events.map((e) => e.type), ['session.failed']);
    assert.deepEqual(await session.exited, { code: null, signal: null, stderrTail: '' });
    assert.equal(session.pid, undefined);
    assert.deepEqual(await session.stop(), { code: null, signal: null, stderrTail: '' });
  });

  it('a command that is not an ACP agent fails clearly, whether it exits or stays silent', async () => {
    const { worktree } = cleanup.repo();
    const quits = new RecordingSink('quits');
    const a = new AcpAdapter().create({ argv: [process.execPath, '-e', 'console.error("usage: tool [options]"); process.exit(1)'], cwd: worktree, identity: { kind: 'acp', label: 'Tool' } }, quits);
    const errA = await a.start('Hi').then(() => assert.fail('must fail'), (e: Error) => e);
    assert.match(errA.message, /^Tool exited unexpectedly \(exit code 1\) before it finished starting\. Check that ".*" starts an ACP agent \(the podium\.agents setting\)\. Its last error output: usage: tool \[options\]$/);

    const silent = new RecordingSink('silent');
    const b = new AcpAdapter({ startupTimeoutMs: 500, graceMs: 300 }).create({ argv: [process.execPath, '-e', 'setInterval(() => {}, 1000)'], cwd: worktree, identity: { kind: 'acp', label: 'Mute' } }, silent);
    const errB = await b.start('Hi').then(() => assert.fail('must fail'), (e: Error) => e);
    assert.match(errB.message, /^Mute did not answer ACP initialize within 1 s\./);
    await b.exited;
    assert.equal(pidAlive(b.pid!), false);
  });
});
