/**
 * Coherence through the conductor, with real rehearsal agents in real worktrees of the demo project
 * (whose ARCHITECTURE.md declares its layers): the layer-breaking import is flagged on its hunk as the
 * task stages, the agent is briefed on the rules and hears a rule it broke in the notes' words, the
 * warning follows the notes, and a new window raises nothing already raised.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { hunkWarnings, isBulkSafe, ruleReason, type WarningState } from '../../src/score';
import { eventually } from '../fixtures/agents/harness';
import { hunksOf, playTurn, reopenWindow, type Stage, stageFor, TALLY, taskStatus } from './conductorStage';

function entriesOf(s: Stage, task: string) {
  const t = s.feed.state.tasks[task]!;
  return t.sessions.flatMap((id) => s.feed.state.sessions[id]!.entries);
}

function layerWarning(s: Stage, task: string): { hunk: string; w: WarningState } | undefined {
  for (const h of hunksOf(s, task)) {
    const w = hunkWarnings(s.feed.state, h).find((x) => x.kind === 'layer');
    if (w) return { hunk: h.hunk.id, w };
  }
  return undefined;
}

async function layerWarningOf(s: Stage, task: string): Promise<{ hunk: string; w: WarningState }> {
  await eventually(() => layerWarning(s, task) !== undefined, 'the layer warning');
  return layerWarning(s, task)!;
}

describe('coherence through the conductor', function () {
  this.timeout(90_000);

  it('flags the import that breaks the demo\'s layers on the hunk that adds it, with the rule, its place and the notes\' words', async () => {
    const s = await stageFor();
    const id = await playTurn(s, 'Show the summary in the core', 'rehearsal-layer-break');
    const { w, hunk } = await layerWarningOf(s, id);
    assert.equal(w.rule, 'layer:core');
    assert.equal(w.severity, 'error');
    assert.equal(w.path, TALLY);
    assert.equal(w.line, 2, 'the line of the import in the agent\'s version');
    assert.equal(w.text, "src/core/tally.js (core) imports ../ui/render.js (ui): core may not import ui.");
    assert.match(w.prose ?? '', /`src\/core` is pure logic: it never imports from `src\/ui`/);
    const notes = readFileSync(path.join(s.repo.worktree, 'ARCHITECTURE.md'), 'utf8').split('\n');
    assert.match(notes[w.source!.line - 1]!, /- name: core/, 'the source points at the rule in the notes');
    assert.equal(w.source!.file, 'ARCHITECTURE.md');
    const h = s.feed.state.hunks[hunk]!;
    assert.equal(isBulkSafe(s.feed.state, h), false);
    // "Approve all without warnings" leaves it for the engineer.
    const bulk = await s.conductor.approveClean(id);
    assert.ok(bulk.skipped >= 1);
    assert.equal(s.feed.state.hunks[hunk]!.status, 'pending');
    // The warning is on the task's row too, as an entry (a mark on the timeline).
    assert.ok(entriesOf(s, id).some((e) => e.kind === 'warning' && e.level === 'error' && e.title.includes('core may not import ui')));
  });

  it('briefs the agent on the rules in its first prompt, and not when the setting is off', async () => {
    const s = await stageFor();
    const id = await playTurn(s, 'Average words', 'rehearsal');
    const prompt = entriesOf(s, id).find((e) => e.kind === 'prompt')!;
    assert.match(prompt.text, /Architecture rules of this workspace \(from ARCHITECTURE\.md\)/);
    assert.match(prompt.text, /Layer "core" \(src\/core\/\*\*\): may import only core; may not use fs, node:\*, react\./);
    assert.match(readFileSync(s.rehearsalLog(id), 'utf8'), /may import only core/, 'the agent process received it');

    const quiet = await stageFor({ briefAgents: false });
    const other = await playTurn(quiet, 'Average words', 'rehearsal');
    assert.doesNotMatch(entriesOf(quiet, other).find((e) => e.kind === 'prompt')!.text, /Architecture rules/);
  });

  it('tells the agent the rule it broke, in the notes\' words, when the engineer rejects with it', async () => {
    const s = await stageFor();
    const id = await playTurn(s, 'Show the summary in the core', 'rehearsal-layer-break');
    const { hunk, w } = await layerWarningOf(s, id);
    await s.conductor.reject(hunk, ruleReason(w));
    await eventually(() => taskStatus(s, id) === 'finished:done' && entriesOf(s, id).some((e) => e.kind === 'prompt' && e.title === 'Feedback sent'), 'the feedback turn', 30_000);
    const heard = readFileSync(s.rehearsalLog(id), 'utf8');
    assert.match(heard, /It breaks the rule “layer:core” \(ARCHITECTURE\.md:\d+\)/);
    assert.match(heard, /never imports from `src\/ui`/);
    assert.equal(s.feed.state.warnings[w.id], undefined, 'the warning went with the decision');
  });

  it('checks the waiting hunks again when the notes change, and clears a warning the new rules no longer call for', async () => {
    const s = await stageFor();
    const id = await playTurn(s, 'Show the summary in the core', 'rehearsal-layer-break');
    const { w } = await layerWarningOf(s, id);
    const file = path.join(s.repo.worktree, 'ARCHITECTURE.md');
    writeFileSync(file, readFileSync(file, 'utf8').replace('may-import: [core]', 'may-import: [core, ui]'));
    await s.conductor.notesChanged();
    assert.equal(s.feed.state.warnings[w.id], undefined);
    assert.ok(s.events().some((e) => e.type === 'warning.cleared' && e.id === w.id), 'the clearing is journaled');
    // And back: the rule returns, so does the warning.
    writeFileSync(file, readFileSync(file, 'utf8').replace('may-import: [core, ui]', 'may-import: [core]'));
    await s.conductor.notesChanged();
    assert.ok(s.feed.state.warnings[w.id]);
  });

  it('marks a hunk stale as the engineer edits its region, without waiting for the agent', async () => {
    const s = await stageFor();
    const id = await playTurn(s, 'Punctuation', 'rehearsal-conflict-a', 'a');
    const h = hunksOf(s, id, 'pending').find((x) => x.hunk.path === TALLY)!;
    assert.deepEqual(hunkWarnings(s.feed.state, h).map((x) => x.kind), []);
    const file = path.join(s.repo.worktree, TALLY);
    const mine = readFileSync(file, 'utf8');
    writeFileSync(file, mine.replace('return text.split(/\\s+/).filter(Boolean).length;', 'return text.trim().split(/\\s+/).length; // mine'));
    await s.conductor.workspaceFileChanged(TALLY);
    assert.deepEqual(hunkWarnings(s.feed.state, s.feed.state.hunks[h.hunk.id]!).map((x) => x.kind), ['stale']);
    writeFileSync(file, mine);
    await s.conductor.workspaceFileChanged(TALLY);
    assert.deepEqual(hunkWarnings(s.feed.state, s.feed.state.hunks[h.hunk.id]!).map((x) => x.kind), []);
  });

  it('raises nothing already raised when a new window takes the tasks up', async () => {
    const s = await stageFor();
    const broken = await playTurn(s, 'Show the summary in the core', 'rehearsal-layer-break');
    const a = await s.conductor.createTask({ title: 'Ignore punctuation', prompt: 'a', agent: 'rehearsal-conflict-a' });
    const b = await s.conductor.createTask({ title: 'Regex words', prompt: 'b', agent: 'rehearsal-conflict-b' });
    await eventually(() => taskStatus(s, a) === 'finished:done' && taskStatus(s, b) === 'finished:done', 'both turns', 30_000);
    await s.conductor.restage(a);
    await s.conductor.restage(b);
    await layerWarningOf(s, broken);
    const kinds = () => Object.values(s.feed.state.warnings).map((w) => w.kind).sort();
    const before = kinds();
    assert.deepEqual(before.filter((k) => k === 'overlap').length, 2, 'each side of the overlap has its warning');
    await s.conductor.flush();
    const adopted = await reopenWindow(s);
    assert.equal(adopted.length, 3);
    assert.deepEqual(kinds(), before, 'the same warnings, none doubled');
    const count = (type: string) => s.events().filter((e) => e.type === type).length;
    const raised = count('warning.raised');
    await s.conductor.restage(a);
    await s.conductor.restage(broken);
    assert.equal(count('warning.raised'), raised, 'staging again raises nothing');
  });
});
