import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fixture, rehearsal, shipped, type RehearsalRun } from '../fixtures/agents/harness';
import { cleanUpAfterEach, entries, one } from '../fixtures/agents/runs';

describe('agents: the rehearsal agent through the ACP adapter', function () {
  this.timeout(30_000);
  const cleanup = cleanUpAfterEach(500);

  async function play(script: string, worktree: string, options: Parameters<typeof rehearsal>[2] = {}): Promise<RehearsalRun> {
    return cleanup.track(await rehearsal(script, worktree, options));
  }

  it('feature: the score shows plan, reads, edits with diffs, a new test file, a command and the answer', async () => {
    const { worktree } = cleanup.repo();
    const run = await play(shipped('feature'), worktree);
    await run.session.start('Add averageWords(notes) to the tally module, with a test.');
    const s = run.sink.state();
    assert.equal(s.status, 'waiting');
    assert.equal(s.agent?.kind, 'rehearsal');
    assert.equal(s.pid, run.session.pid);

    assert.ok(entries(run, 'lifecycle').some((e) => e.title === 'Ready' && e.text === 'Rehearsal agent 1.0.0'));
    assert.equal(one(run, 'prompt', () => true).text, 'Add averageWords(notes) to the tally module, with a test.');
    assert.match(one(run, 'thought', () => true).text, /^The engineer wants the average number of words per note\./);

    const plan = one(run, 'plan', () => true);
    assert.equal(plan.title, 'Plan: 3/3 done');
    assert.deepEqual(plan.plan?.map((i) => i.status), ['completed', 'completed', 'completed']);

    const read = one(run, 'tool', (e) => e.title === 'Read src/core/tally.js');
    assert.equal(read.status, 'completed');
    assert.equal(read.toolKind, 'read');
    assert.deepEqual(read.locations, [{ path: 'src/core/tally.js' }]);

    const edit = one(run, 'tool', (e) => e.title === 'Edit src/core/tally.js');
    assert.equal(edit.status, 'completed');
    assert.equal(edit.diffs?.[0]?.path, 'src/core/tally.js');
    assert.match(edit.diffs![0]!.newText, /export function averageWords/);
    const created = one(run, 'tool', (e) => e.title === 'Create test/average.test.js');
    assert.equal(created.diffs?.[0]?.oldText, null);

    const files = entries(run, 'file').map((e) => [e.title, e.text]);
    assert.deepEqual(files, [['Edited src/core/tally.js', 'via acp fs'], ['Edited test/average.test.js', 'via acp fs']]);

    const command = one(run, 'command', (e) => e.title === '$ git status --short');
    assert.equal(command.title, '$ git status --short');
    assert.equal(command.exitCode, 0);
    assert.match(command.text, /M src\/core\/tally\.js/);
    assert.match(command.text, /\?\? test\/average\.test\.js/);

    const messages = entries(run, 'message').map((e) => e.text);
    assert.deepEqual(messages, [
      "I'll add `averageWords(notes)` next to `tally`, built on `countWords`, returning 0 for no notes.",
      'Done: `averageWords` is in src/core/tally.js and test/average.test.js covers it, including the empty case.',
    ]);
    assert.deepEqual(s.usage, { inputTokens: 5200, outputTokens: 410, costUsd: 0.0123 });

    const tally = readFileSync(path.join(worktree, 'src/core/tally.js'), 'utf8');
    assert.match(tally, /export function averageWords\(notes\) \{\n {2}if \(notes\.length === 0\) return 0;/);
    assert.match(readFileSync(path.join(worktree, 'test/average.test.js'), 'utf8'), /averageWords\(\[\]\), 0/);
    // The edit is a real change in the worktree, which is what gets staged.
    assert.match(execFileSync('git', ['diff', '--stat'], { cwd: worktree, encoding: 'utf8' }), /src\/core\/tally\.js/);

    await run.session.prompt('Please name it meanWords instead.', 'feedback');
    assert.ok(run.heard().some((e) => e.type === 'prompt' && e.text === 'Please name it meanWords instead.'));
    assert.equal(entries(run, 'prompt').at(-1)?.title, 'Feedback sent');
    assert.equal(entries(run, 'message').at(-1)?.text, 'Understood. I will take this into account: Please name it meanWords instead.');
    assert.equal(run.sink.state().status, 'waiting');
  });

  it('layer-break: core ends up importing from ui, as a real edit through the client', async () => {
    const { worktree } = cleanup.repo();
    const run = await play(shipped('layer-break'), worktree);
    await run.session.start('Give core a describe() helper.');
    const tally = readFileSync(path.join(worktree, 'src/core/tally.js'), 'utf8');
    assert.match(tally, /^\/\/ Counts words in notes\. Pure: no I\/O\.\nimport \{ renderSummary \} from '\.\.\/ui\/render\.js';\n/);
    assert.match(tally, /export function describe\(notes\)/);
    assert.equal(entries(run, 'file').length, 2);
    assert.equal(one(run, 'tool', () => true).diffs?.[0]?.newText.includes("from '../ui/render.js'"), true);
  });

  it('conflict-a and conflict-b, run at once from the same base, change the same line differently', async () => {
    const a = cleanup.repo();
    const b = cleanup.repo();
    const [runA, runB] = await Promise.all([play(shipped('conflict-a'), a.worktree), play(shipped('conflict-b'), b.worktree)]);
    await Promise.all([runA.session.start('Ignore punctuation in countWords.'), runB.session.start('Make countWords faster.')]);
    const changedLines = (worktree: string): string[] =>
      execFileSync('git', ['diff', '-U0'], { cwd: worktree, encoding: 'utf8' }).split('\n').filter((l) => l.startsWith('@@'));
    assert.deepEqual(changedLines(a.worktree), ['@@ -4 +4 @@ export function countWords(text) {']);
    assert.deepEqual(changedLines(b.worktree), ['@@ -4 +4 @@ export function countWords(text) {']);
    const line4 = (worktree: string): string => readFileSync(path.join(worktree, 'src/core/tally.js'), 'utf8').split('\n')[3]!;
    assert.notEqual(line4(a.worktree), line4(b.worktree));
  });

  it('permission allowed: the engineer is asked with the options, and the agent goes ahead', async () => {
    const { worktree } = cleanup.repo();
    const run = await play(shipped('permission'), worktree, { answer: () => 'yes' });
    await run.session.start('Clean the build.');
    assert.equal(run.sink.asks.length, 1);
    const ask = run.sink.asks[0]!;
    assert.equal(ask.title, 'Delete build/?');
    assert.equal(ask.toolCall, 'tool:clean-build');
    assert.deepEqual(ask.options.map((o) => [o.id, o.kind]), [['yes', 'allow_once'], ['always', 'allow_always'], ['no', 'reject_once']]);
    const tool = one(run, 'tool', () => true);
    assert.equal(tool.status, 'completed');
    assert.equal(tool.text, 'build/ deleted');
    assert.ok(existsSync(path.join(worktree, 'CLEANED')));
    assert.ok(run.heard().some((e) => e.type === 'permission' && e.outcome === 'allowed' && e.optionId === 'yes'));
  });

  it('permission rejected: the agent backs off, and hears the rejection feedback it is sent next', async () => {
    const { worktree } = cleanup.repo();
    const run = await play(shipped('permission'), worktree, { answer: () => 'no' });
    await run.session.start('Clean the build.');
    const tool = one(run, 'tool', () => true);
    assert.equal(tool.status, 'failed');
    assert.equal(existsSync(path.join(worktree, 'CLEANED')), false);
    assert.equal(entries(run, 'message').at(-1)?.text, 'Understood, I left build/ alone.');
    await run.session.prompt('Rejected: never delete build output without a backup.', 'feedback');
    assert.ok(run.heard().some((e) => e.type === 'prompt' && e.text === 'Rejected: never delete build output without a backup.'));
    assert.equal(entries(run, 'message').at(-1)?.text, 'Feedback heard: Rejected: never delete build output without a backup.');
  });

  it('cancel answers a pending permission question as cancelled and ends the turn as cancelled', async () => {
    const { worktree } = cleanup.repo();
    let signalled = false;
    const run = await play(shipped('permission'), worktree, {
      answer: (_ask, signal) => new Promise((resolve) => signal.addEventListener('abort', () => { signalled = true; resolve(null); })),
    });
    const started = run.session.start('Clean the build.');
    await run.sink.until(() => run.sink.asks.length > 0);
    await run.session.cancel();
    await started;
    assert.ok(signalled, 'the sink saw the abort');
    assert.equal(run.sink.of('session.waiting').at(-1)?.reason, 'cancelled');
    assert.ok(run.heard().some((e) => e.type === 'permission' && e.outcome === 'cancelled'));
    assert.equal(existsSync(path.join(worktree, 'CLEANED')), false);
  });

  it('cancel stops a turn in progress; the next prompt plays normally', async () => {
    const { worktree } = cleanup.repo();
    const run = await play(fixture('slow'), worktree);
    const started = run.session.start('Take your time.');
    await run.sink.until((e) => e.type === 'agent.message');
    await run.session.cancel();
    await started;
    assert.equal(run.sink.of('session.waiting').at(-1)?.reason, 'cancelled');
    assert.ok(!entries(run, 'message').some((e) => e.text.includes('Too late')));
    assert.ok(run.heard().some((e) => e.type === 'cancel'));
    await run.session.prompt('Go on.', 'followup');
    assert.equal(entries(run, 'message').at(-1)?.text, 'Next: Go on.');
  });

  it('path escapes of every kind are refused: protocol error to the agent, a notice on the score, nothing written outside', async () => {
    const { worktree, outside } = cleanup.repo();
    const run = await play(shipped('path-escape'), worktree);
    await run.session.start('Look around.');
    const notices = entries(run, 'notice').filter((e) => e.text === 'path-escape');
    assert.equal(notices.length, 6, entries(run).map((n) => n.title).join('\n'));
    for (const n of notices) {
      assert.equal(n.level, 'warning');
      assert.match(n.title, /^Rehearsal agent tried to (read|write|run a command in) a path outside its worktree/);
    }
    const refusals = run.sink.of('notice').filter((n) => n.code === 'path-escape').map((n) => n.text);
    for (const shown of ['"../escape-relative.txt"', path.join(outside, 'escape-absolute.txt'), '"../secret.txt"', 'link-up/escape-symlink.txt', `${path.join(worktree, 'dangling')}`, `"${outside}"`]) {
      assert.ok(refusals.some((t) => t.includes(shown)), `a notice names ${shown}:\n${refusals.join('\n')}`);
    }
    const heard = run.heard().filter((e) => e.ok === false);
    assert.deepEqual(heard.map((e) => [e.type, e.code]), [
      ['write', -32602], ['write', -32602], ['read', -32602], ['write', -32602], ['write', -32602], ['run', -32602],
    ]);
    assert.deepEqual(readdirSync(outside).sort(), ['work', path.basename(run.log)].sort(), 'nothing escaped the worktree');
    assert.equal(readFileSync(path.join(worktree, 'inside.txt'), 'utf8'), 'in\n');
    assert.deepEqual(entries(run, 'file').map((e) => e.title), ['Edited inside.txt']);
    const failedCommand = one(run, 'command', () => true);
    assert.equal(failedCommand.exitCode, null);
    assert.equal(run.sink.state().status, 'waiting', 'the session goes on');
    assert.equal(entries(run, 'message').at(-1)?.text, 'Done looking around.');
  });

  it('a command the agent asks for that does not exist: the agent is told, the score shows it failed', async () => {
    const { worktree } = cleanup.repo();
    const run = await play(fixture('missing-command'), worktree);
    await run.session.start('Run it.');
    const command = one(run, 'command', () => true);
    assert.equal(command.title, '$ podium-no-such-command --help');
    assert.equal(command.exitCode, null);
    assert.equal(command.text, 'Command not found: "podium-no-such-command" is not on the PATH.');
    const refused = run.heard().find((e) => e.type === 'run');
    assert.equal(refused?.ok, false);
    assert.match(String(refused?.error), /Command not found/);
    assert.equal(entries(run, 'message').at(-1)?.text, 'Never mind.');
  });

  it('a file that is not there reads as ACP\'s own "Resource not found" (code -32002, with its path)', async () => {
    const { worktree } = cleanup.repo();
    const run = await play(fixture('writes-itself'), worktree);
    await run.session.start('Add a note.');
    const read = run.heard().find((e) => e.type === 'read');
    assert.equal(read?.ok, false);
    assert.equal(read?.code, -32002);
    assert.match(String(read?.error), /^Resource not found: .*notes\/new\.md$/);
  });

  it('Gemini CLI reads a file before creating it: to it alone a missing file reads as empty, so the file is created', async () => {
    const { worktree } = cleanup.repo();
    const run = await play(fixture('gemini-new-file'), worktree);
    await run.session.start('Add a note.');
    assert.deepEqual(run.heard().filter((e) => e.type === 'read').map((e) => [e.ok, e.bytes]), [[true, 0]]);
    assert.equal(readFileSync(path.join(worktree, 'notes/new.md'), 'utf8'), 'A new note.\n');
  });

  it('an edit the agent writes itself shows as "Edited" once, and its cost shows with its tokens, never as "0 tokens"', async () => {
    const { worktree } = cleanup.repo();
    const run = await play(fixture('writes-itself'), worktree);
    await run.session.start('Add a note.');
    assert.deepEqual(entries(run, 'file').map((e) => [e.title, e.text]), [['Edited notes/new.md', 'via acp agent']]);
    assert.deepEqual(entries(run, 'usage').map((e) => e.title), ['120 tokens, $0.0040']);
    assert.deepEqual(run.sink.state().usage, { inputTokens: 100, outputTokens: 20, costUsd: 0.004 });
  });

  it('an agent that needs signing in fails with what to do, naming the agent', async () => {
    const { worktree } = cleanup.repo();
    const run = await play(fixture('auth'), worktree);
    const err = await run.session.start('Hello').then(() => assert.fail('should not start'), (e: Error) => e);
    assert.match(err.message, /^Rehearsal agent needs you to sign in \(Rehearsal agent said: .*sign in to the rehearsal agent first.*\): run `node .*rehearsal\.js --script .*auth\.json.*` once in a terminal/);
    assert.match(err.message, /it offers: Rehearsal sign-in/);
    assert.match(err.message, /podium\.agents setting/);
    assert.equal(run.sink.of('session.failed')[0]?.reason, err.message);
    const info = await run.session.exited;
    assert.ok(info.signal !== null || info.code !== null);
    assert.equal(run.sink.state().status, 'failed');
  });

  it('ten sessions run at once to completion without crosstalk', async function () {
    this.timeout(60_000);
    const all = await Promise.all(Array.from({ length: 10 }, async (_, i) => {
      const r = cleanup.repo();
      return { i, r, run: await play(fixture('concurrent'), r.worktree) };
    }));
    await Promise.all(all.map(({ i, run }) => run.session.start(`task number ${i}`)));
    const pids = new Set<number | undefined>();
    for (const { i, r, run } of all) {
      const s = run.sink.state();
      assert.equal(s.status, 'waiting');
      pids.add(s.pid);
      const messages = entries(run, 'message').map((e) => e.text);
      assert.deepEqual(messages, [`Task: task number ${i}`, 'Finished.']);
      assert.deepEqual(entries(run, 'file').map((e) => e.title), ['Edited note.txt']);
      const command = one(run, 'command', () => true);
      assert.equal(command.text.trim(), r.worktree);
      assert.equal(readFileSync(path.join(r.worktree, 'note.txt'), 'utf8'), 'a note\n');
      assert.deepEqual(run.heard().filter((e) => e.type === 'prompt').map((e) => e.text), [`task number ${i}`]);
      assert.ok(run.sink.events.every((e) => e.session === run.sink.session));
    }
    assert.equal(pids.size, 10);
  });
});
