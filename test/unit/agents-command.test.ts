import assert from 'node:assert/strict';
import { SessionStoppedError } from '../../src/agents/acp';
import { CommandAdapter, cutMarker, type CommandAdapterOptions } from '../../src/agents/command';
import { groupAlive } from '../../src/agents/process';
import { RecordingSink } from '../fixtures/agents/harness';
import { cleanUpAfterEach, entries, rejection, type AgentRun } from '../fixtures/agents/runs';

/** A Node program as a command: argv only, no shell. */
function node(script: string): string[] {
  return [process.execPath, '-e', script];
}

let counter = 0;

describe('agents: any command through the command adapter', function () {
  this.timeout(30_000);
  const cleanup = cleanUpAfterEach(300);

  function run(argv: string[], options: CommandAdapterOptions = {}, idleSec?: number, promptVia?: 'arg' | 'stdin'): AgentRun {
    const repo = cleanup.repo();
    const sink = new RecordingSink(`command-${++counter}`);
    const session = new CommandAdapter({ graceMs: 500, ...options }).create(
      { argv, cwd: repo.worktree, identity: { kind: 'command', label: 'Lint fixer' }, idleSec, promptVia },
      sink,
    );
    return cleanup.track({ session, sink });
  }

  it('the prompt is the last argument; stdout and stderr lines are output entries; exit 0 ends the session', async () => {
    const r = run(node('console.log("got: " + process.argv[1]); console.log(""); console.error("a warning"); process.stdout.write("no newline at the end")'));
    await r.session.start('Fix the lint errors.');
    const s = r.sink.state();
    assert.equal(s.status, 'exited');
    assert.equal(s.exit?.code, 0);
    assert.equal(s.command?.at(-1), 'Fix the lint errors.');
    assert.equal(entries(r, 'prompt')[0]?.text, 'Fix the lint errors.');
    const out = entries(r, 'output').map((e) => [e.text, e.level]);
    assert.deepEqual(out.filter(([, level]) => level === 'info'), [['got: Fix the lint errors.', 'info'], ['no newline at the end', 'info']], 'blank lines are skipped');
    assert.deepEqual(out.filter(([, level]) => level === 'warning'), [['a warning', 'warning']]);
    assert.deepEqual(r.sink.events.map((e) => e.type).slice(0, 3), ['session.spawned', 'session.ready', 'prompt.sent']);
    assert.equal(r.sink.events.at(-1)?.type, 'session.exited');
  });

  it('with the profile\'s promptVia "stdin" the prompt is the whole of stdin', async () => {
    const r = run(node('let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log("stdin: " + s + " | args: " + process.argv.length))'), {}, undefined, 'stdin');
    await r.session.start('Line one\nline two');
    assert.deepEqual(entries(r, 'output').map((e) => e.text), ['stdin: Line one', 'line two | args: 1']);
  });

  it('a command that reads stdin gets end of input when the prompt is an argument, so it cannot wait for ever', async () => {
    const r = run(node('process.stdin.resume(); process.stdin.on("end", () => console.log("stdin closed"))'));
    await r.session.start('anything');
    assert.deepEqual(entries(r, 'output').map((e) => e.text), ['stdin closed']);
  });

  it('a non-zero exit fails the session with the code and the last stderr lines', async () => {
    const r = run(node('console.log("working"); console.error("error: 3 files could not be parsed"); process.exit(4)'));
    const err = await rejection(r.session.start('Fix.'));
    assert.equal(err.message, 'Lint fixer failed (exit code 4). Its last error output: error: 3 files could not be parsed');
    const s = r.sink.state();
    assert.equal(s.status, 'failed');
    assert.equal(s.exit?.code, 4);
    assert.deepEqual(r.sink.events.map((e) => e.type).slice(-2), ['session.failed', 'session.exited']);
  });

  it('a flood of output keeps the score bounded: past the rate, lines are summarised and the last ones kept', async () => {
    const r = run(node('for (let i = 0; i < 200000; i++) console.log("line " + i)'), { maxLinesPerSecond: 50, keepLastLines: 3 });
    const t0 = Date.now();
    await r.session.start('go');
    const seconds = Math.ceil((Date.now() - t0) / 1000) + 1;
    const outputs = r.sink.of('agent.output');
    assert.ok(outputs.length <= seconds * 51, `${outputs.length} output events in about ${seconds} s`);
    assert.equal(outputs[0]?.text, 'line 0');
    assert.equal(outputs[49]?.text, 'line 49');
    const summaries = outputs.filter((o) => o.text.startsWith('[… '));
    assert.ok(summaries.length >= 1);
    assert.match(summaries[0]!.text, /^\[… \d+ lines not shown: more than 50 a second\]\nline \d+\nline \d+\nline \d+$/);
    assert.match(outputs.at(-1)!.text, /line 199999$/, 'the very last line is still shown');
  });

  it('a line longer than the limit is cut with a marker', async () => {
    const r = run(node('process.stdout.write("é".repeat(3000) + "\\n" + "short\\n")'), { maxLineBytes: 1001 });
    await r.session.start('go');
    const [long, short] = entries(r, 'output').map((e) => e.text);
    // 1001 bytes hold 500 two-byte characters; the half character is dropped, not garbled.
    assert.equal(long, `${'é'.repeat(500)}${cutMarker(5000)}`);
    assert.equal(short, 'short');
  });

  it('a follow-up is refused with a clear error and recorded as not delivered', async () => {
    const r = run(node('console.log("done")'));
    await r.session.start('first');
    const err = await rejection(r.session.prompt('one more thing', 'followup'));
    assert.equal(err.message, 'A follow-up cannot be sent to Lint fixer: it is a plain command, which takes its prompt once when it starts. Start a new task to give it more instructions.');
    const notice = entries(r, 'notice').at(-1)!;
    assert.equal(notice.level, 'warning');
    assert.match(notice.title, /^A follow-up cannot be sent to Lint fixer/);
    assert.match(notice.text, /followup-not-delivered/);
    assert.ok(r.sink.of('notice').at(-1)!.text.endsWith('Not delivered: one more thing'));
    assert.equal(r.sink.of('prompt.sent').length, 1, 'nothing was sent');
  });

  it('cancel interrupts the command as Ctrl-C would; it may finish in its own way', async () => {
    const r = run(node('process.on("SIGINT", () => { console.log("interrupted, cleaning up"); process.exit(130); }); console.log("started"); setInterval(() => {}, 1000)'));
    const started = r.session.start('go');
    await r.sink.until((e) => e.type === 'agent.output');
    await r.session.cancel();
    await started;
    const info = await r.session.exited;
    assert.equal(info.code, 130);
    assert.deepEqual(entries(r, 'output').map((e) => e.text), ['started', 'interrupted, cleaning up']);
    assert.equal(r.sink.state().status, 'exited', 'a cancelled command is not a failure');
    assert.equal(groupAlive(r.session.pid!), false);
  });

  it('cancel stops a command that ignores Ctrl-C after the grace time', async () => {
    const r = run(node('process.on("SIGINT", () => {}); console.log("stubborn"); setInterval(() => {}, 1000)'), { graceMs: 300 });
    const started = r.session.start('go');
    await r.sink.until((e) => e.type === 'agent.output');
    await r.session.cancel();
    await started;
    assert.equal((await r.session.exited).signal, 'SIGTERM');
    assert.equal(groupAlive(r.session.pid!), false);
  });

  it('stop ends the command and everything it started; the run ends as stopped, not failed', async () => {
    const r = run(node('require("child_process").spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" }); console.log("spawned"); setInterval(() => {}, 1000)'));
    const started = r.session.start('go');
    await r.sink.until((e) => e.type === 'agent.output');
    const info = await r.session.stop(300);
    const err = await rejection(started);
    assert.ok(err instanceof SessionStoppedError, err.message);
    assert.equal(info.signal, 'SIGTERM');
    assert.equal(r.sink.of('session.failed').length, 0);
    assert.equal(r.sink.state().status, 'exited');
    assert.equal(groupAlive(r.session.pid!), false, 'the grandchild is gone too');
  });

  it('an idle budget stops a command that goes silent', async () => {
    const r = run(node('console.log("thinking"); setInterval(() => {}, 1000)'), {}, 1);
    const err = await rejection(r.session.start('go'));
    assert.equal(err.message, 'Lint fixer hung (no output for 1 s) and was stopped.');
    assert.equal(r.sink.state().status, 'failed');
    assert.equal(groupAlive(r.session.pid!), false);
  });

  it('a missing program fails at once and says what to change', async () => {
    const r = run(['/nonexistent/podium-test/lintfix', '--all']);
    const err = await rejection(r.session.start('go'));
    assert.equal(err.message, 'Podium could not start Lint fixer: the program "/nonexistent/podium-test/lintfix" was not found at /nonexistent/podium-test/lintfix. Install lintfix or change the command of the "Lint fixer" profile in the podium.agents setting.');
    assert.equal(r.sink.state().status, 'failed');
    assert.deepEqual(await r.session.exited, { code: null, signal: null, stderrTail: '' });
  });
});
