/**
 * The real agent CLIs doing real work through Podium's conductor, against a model played by a
 * script: Claude Code (stream-json), Codex (`codex exec --json`), Gemini CLI and the Claude ACP bridge
 * (both ACP). Each points at the scripted model endpoint the way a user points it at another base URL,
 * and runs its real tool loop in the task's worktree: it reads a file, edits one, creates one, runs
 * commands, asks the engineer (allow, allow for the session, reject), hears a rejected change's reason,
 * is cancelled and stopped in the middle of a streamed answer, and is caught by the no-progress limit
 * when its model stalls. Every assertion is about what the engineer sees (the score, the workspace)
 * or what reached the model (the endpoint's record of each request).
 *
 *   npm test -- live            (installs the pinned CLIs into .agent-clis/ first)
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { HunkState } from '../../src/score';
import { groupAlive } from '../../src/agents/process';
import { ALL, ensureClis } from './clis';
import { LiveStage } from './liveStage';
import type { RecordedRequest } from './modelEndpoint/endpoint';
import { text, type ModelTurn, type Step } from './modelEndpoint/script';

const REASON = 'No new files in this change, please: keep it to greet.js.';
const figures: string[] = [];

after(() => {
  if (figures.length) console.log(`\n    ${figures.join('\n    ')}`);
});

for (const cli of ALL) {
  describe(`live: ${cli.label} ${cli.pin.version} plays a scripted model through Podium`, function () {
    this.timeout(240_000);
    let stage: LiveStage | undefined;

    before(function () {
      this.timeout(20 * 60_000);
      ensureClis();
    });

    afterEach(async () => {
      await stage?.dispose();
      stage = undefined;
    });

    async function open(options: { noProgressSec?: number } = {}): Promise<LiveStage> {
      stage = await new LiveStage(cli, options).start();
      return stage;
    }

    it('a task that reads, edits, creates and runs shows on the score; questions are answered (allow for the session holds); hunks are signed off; a rejection\'s reason reaches the model; usage reaches the ledger', async () => {
      const s = await open();
      let task = '';
      const t = cli.tools(() => s.cwd(task));
      const usage = (i: number) => ({ input: 1000 + 10 * i, output: 40 + i });
      // Steps are made when their turn comes: the paths are the task's worktree, known only then.
      const script: [string, () => Step[]][] = [
        ['read', () => [text('Let me look at the notes first.'), t.read('notes.md')]],
        ['edit', () => [t.edit('src/greet.js', "  return 'Hello, ' + name;", "  return 'Hi, ' + name;")]],
        ['create', () => [t.create('src/farewell.js', "export const farewell = 'Bye';\n")]],
        // Allowed for the session just before: the same kind of change goes ahead without a question.
        ['create again', () => [t.create('src/welcome.js', "export const welcome = 'Welcome';\n")]],
        ['rejected run', () => [t.run('git push origin main')]],
        ['run', () => [t.run('node -e "console.log(\'ran-\' + 6 * 7)"')]],
        ['answer', () => [text('Done: greet says Hi, and farewell.js is new.')]],
        ['feedback', () => [text('Understood: I leave farewell.js out.')]],
      ];
      const turns = script.map(([label, steps], i) => ({ label, steps, usage: usage(i + 1) }));
      s.endpoint.play(turns.map((turn) => (): ModelTurn => ({ label: turn.label, steps: turn.steps(), usage: turn.usage })));
      if (cli.asks) s.plan(['allow_once', 'allow_always', 'reject_once', 'allow_once']);
      task = await s.task('Greet more briefly', 'Make greet say Hi, add a farewell, and check with node.');
      await s.until(() => s.status(task) === 'finished:done', 'the task\'s turn to end', 120_000, task);

      // What the engineer sees on the score.
      const entries = s.entries(task);
      const shown = entries.map((e) => `${e.kind}: ${e.title}\n${e.text}`).join('\n');
      assert.ok(entries.some((e) => (e.kind === 'tool' || e.kind === 'command') && /notes\.md/.test(`${e.title} ${e.command?.join(' ') ?? ''}`)), `the read shows:\n${shown}`);
      for (const file of ['src/greet.js', 'src/farewell.js', 'src/welcome.js']) {
        assert.ok(entries.some((e) => e.kind === 'file' && e.title === `Edited ${file}`), `"Edited ${file}" shows:\n${shown}`);
      }
      const ran = entries.find((e) => (e.kind === 'tool' || e.kind === 'command') && `${e.title} ${e.command?.join(' ') ?? ''}`.includes("console.log('ran-' + 6 * 7)"));
      assert.ok(ran && (ran.status === 'completed' || ran.exitCode === 0), `the command shows, run:\n${shown}`);
      if (cli.showsCommandOutput) assert.match(ran.text, /ran-42/, 'with its output');
      assert.ok(entries.some((e) => e.kind === 'message' && e.text.includes('Done: greet says Hi')), 'the answer shows');

      // Its questions, answered in turn: the rejected command never ran, and the model heard why.
      const byTurn = (label: string): RecordedRequest => {
        const at = s.endpoint.requests.findIndex((r) => r.turn === label);
        assert.ok(at >= 0, `the model was asked for the "${label}" turn`);
        return s.endpoint.requests[at]!;
      };
      if (cli.asks) {
        assert.deepEqual(s.asked.map((a) => a.answer), ['allow_once', 'allow_always', 'reject_once', 'allow_once'], `questions: ${JSON.stringify(s.asked)}`);
        assert.match(JSON.stringify(byTurn('run').body), cli.rejection, 'the rejection reached the model as the tool\'s error');
      } else {
        assert.deepEqual(s.asked, [], `${cli.label} asks nothing`);
      }

      // Usage: the ledger holds exactly the tokens the model reported for the turns played.
      const played = turns.slice(0, -1).reduce((sum, turn) => ({ input: sum.input + turn.usage.input, output: sum.output + turn.usage.output }), { input: 0, output: 0 });
      const ledger = s.session(task).usage;
      assert.deepEqual({ input: ledger.inputTokens, output: ledger.outputTokens }, played, `ledger ${JSON.stringify(ledger)}`);
      if (cli.reportsCost) assert.ok(ledger.costUsd > 0, `a cost is on the ledger: ${JSON.stringify(ledger)}`);
      const usageShown = entries.filter((e) => e.kind === 'usage').map((e) => e.title);
      assert.ok(usageShown.length > 0 && usageShown.every((t) => !/^0 tokens/.test(t)), `no usage entry without its tokens: ${usageShown.join('; ')}`);

      // Sign-off: the edit is approved into the workspace, the new file rejected with a reason.
      await s.conductor.restage(task);
      const hunks = (): HunkState[] => s.feed.state.hunkOrder.map((id) => s.feed.state.hunks[id]!).filter((h) => h.task === task);
      const greet = hunks().find((h) => h.hunk.path === 'src/greet.js' && h.status === 'pending');
      const farewell = hunks().find((h) => h.hunk.path === 'src/farewell.js' && h.status === 'pending');
      assert.ok(greet && farewell, `both changes wait for sign-off: ${hunks().map((h) => `${h.hunk.path} ${h.status}`).join(', ')}`);
      assert.equal(await s.conductor.approve(greet.hunk.id), 'applied');
      assert.match(readFileSync(path.join(s.workspace, 'src/greet.js'), 'utf8'), /return 'Hi, ' \+ name;/);
      await s.conductor.reject(farewell.hunk.id, REASON);
      assert.equal(existsSync(path.join(s.cwd(task), 'src/farewell.js')), false, 'the rejected file is taken out of the worktree');
      assert.equal(existsSync(path.join(s.workspace, 'src/farewell.js')), false, 'and never reached the workspace');
      await s.endpoint.until((r) => r.turn === 'feedback' && r.finished, 'the model\'s turn after the rejection');
      assert.ok(JSON.stringify(byTurn('feedback').body).includes(REASON), 'the rejection\'s reason is in the model\'s next request');
      await s.until(() => s.status(task) === 'finished:done' && s.entries(task).some((e) => e.kind === 'message' && e.text.includes('I leave farewell.js out')), 'the agent to answer the rejection', 60_000, task);
      const all = turns.reduce((sum, turn) => ({ input: sum.input + turn.usage.input, output: sum.output + turn.usage.output }), { input: 0, output: 0 });
      const after = s.session(task).usage;
      assert.deepEqual({ input: after.inputTokens, output: after.outputTokens }, all, `ledger after the rejection turn ${JSON.stringify(after)}`);
    });

    it('cancel and stop in the middle of a streamed answer end the turn; a follow-up continues the same conversation; no process is left', async () => {
      const s = await open();
      const story = 'Once upon a time a conductor listened to every player in turn. '.repeat(6);
      // Fifteen seconds of streaming: a turn that ends sooner was ended by Podium, not by the model.
      const long = { chunks: 60, chunkMs: 250, usage: { input: 500, output: 300 } };
      s.endpoint.play([
        { label: 'hello', steps: [text('Noted: the word is podium.')], usage: { input: 300, output: 10 } },
        { label: 'story', steps: [text(story)], ...long },
        { label: 'go on', steps: [text('Where were we? The conductor, listening.')], usage: { input: 700, output: 20 } },
        { label: 'story again', steps: [text(story)], ...long },
      ]);
      // A first exchange the conversation must remember (an agent may drop a cancelled turn from it).
      const prompt = 'Remember the word podium, then wait.';
      const task = await s.task('Tell a story', prompt);
      await s.until(() => s.status(task) === 'finished:done', 'the first exchange to end', 90_000, task);
      await s.conductor.followUp(task, 'Tell me a long story about a conductor.');
      const midStream = async (label: string): Promise<void> => {
        await s.endpoint.until((r) => r.turn === label, `the "${label}" answer to start streaming`, 90_000);
        await new Promise((r) => setTimeout(r, 1000));
      };

      await midStream('story');
      let t0 = Date.now();
      await s.conductor.cancel(task);
      await s.until(() => s.status(task) === 'finished:cancelled', 'the cancelled turn to end', 30_000, task);
      const cancelMs = Date.now() - t0;
      await s.endpoint.until((r) => r.turn === 'story' && (r.aborted || r.finished), 'the story\'s answer to end');
      assert.equal(s.endpoint.requests.find((r) => r.turn === 'story')!.aborted, true, `${cli.label} hung up on the streamed answer when cancelled`);
      assert.equal(s.session(task).status, 'waiting', 'the session waits for a follow-up');

      await s.conductor.followUp(task, 'Go on.');
      await s.until(() => s.status(task) === 'finished:done', 'the follow-up to end', 90_000, task);
      assert.ok(JSON.stringify(s.endpoint.requests.find((r) => r.turn === 'go on')!.body).includes(prompt), 'the follow-up reached the model in the same conversation');
      assert.ok(s.entries(task).some((e) => e.kind === 'message' && e.text.includes('The conductor, listening.')));

      await s.conductor.followUp(task, 'Once more, please.');
      await midStream('story again');
      const pid = s.session(task).pid;
      t0 = Date.now();
      await s.conductor.stop(task);
      const stopMs = Date.now() - t0;
      assert.equal(s.status(task), 'finished:stopped');
      await s.endpoint.until((r) => r.turn === 'story again' && (r.aborted || r.finished), 'the second story\'s answer to end');
      assert.equal(s.endpoint.requests.find((r) => r.turn === 'story again')!.aborted, true, `${cli.label} hung up on the streamed answer when stopped`);
      const session = s.session(task);
      assert.equal(session.status, 'exited', `the session ended: ${JSON.stringify(session.exit)}`);
      assert.ok(pid !== undefined && !groupAlive(pid), 'no process of the agent is left');
      // Interrupted, Claude Code ends its turn and exits on its own (its code says the last turn was
      // interrupted); it used to be killed by SIGTERM after the grace time.
      if (cli.kind === 'claude') assert.equal(session.exit?.signal, null, `Claude Code exited on its own, not by a signal: ${JSON.stringify(session.exit)}`);
      figures.push(`${cli.label}: cancel mid-stream ended the turn in ${cancelMs} ms; stop mid-stream ended the session in ${stopMs} ms (exit ${session.exit?.signal ?? session.exit?.code})`);
    });

    it('a model that stalls is caught by the no-progress limit, with the reason on the score; no process is left', async () => {
      const s = await open({ noProgressSec: 5 });
      s.endpoint.play([{ label: 'stall', steps: [], stall: true }]);
      const task = await s.task('Wait for the model', 'Answer me.');
      await s.endpoint.until((r) => r.turn === 'stall', 'the model to be asked', 90_000);
      const t0 = Date.now();
      await s.until(() => s.status(task) === 'finished:failed', 'the no-progress limit to stop the turn', 90_000, task);
      assert.equal(s.taskState(task).reason, `${cli.label} hung (no output for 5 s) and was stopped.`);
      assert.ok(s.entries(task).some((e) => e.kind === 'notice' && e.title.startsWith(`No progress from ${cli.label} for 5 s`)), 'the score says why');
      const pid = s.session(task).pid;
      await s.until(() => pid !== undefined && !groupAlive(pid) && s.session(task).exit !== undefined, 'the agent to be gone', 30_000, task);
      assert.equal(s.endpoint.requests.find((r) => r.turn === 'stall')?.aborted, true, 'the stalled answer was hung up on');
      figures.push(`${cli.label}: a model that stalled was caught ${((Date.now() - t0) / 1000).toFixed(1)} s after it was asked (limit 5 s)`);
    });
  });
}
