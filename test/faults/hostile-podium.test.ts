/**
 * A cloned repository with a hostile `.podium/`: a huge journal, records crafted to name paths
 * outside (or the workspace itself as a task's worktree), a rehearsal plan naming a real agent. Podium
 * starts nothing the engineer did not ask for, crashes nothing, stays within its memory limits, and
 * never writes or removes anything outside a task's own worktree — trusted or not.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { loadJournalFolder } from '../../src/conductor/journalLibrary';
import { handOutPlanOnce, REHEARSAL_PLAN } from '../../src/conductor/rehearsalPlan';
import { MAX_RECORD_BYTES } from '../../src/journal/reader';
import { encodeRecord } from '../../src/journal/record';
import { SCHEMA_VERSION, type EventBody, type PodiumEvent } from '../../src/score';
import { reopenWindow, stageFor, type Stage } from '../unit/conductorStage';

const MB = 1024 * 1024;
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** A journal file of crafted records, each a well-formed, checksummed record of the given event. */
function craftJournal(folder: string, session: string, bodies: EventBody[]): void {
  mkdirSync(folder, { recursive: true });
  const ts = Date.now() - 60_000;
  writeFileSync(path.join(folder, `${session}.jsonl`), bodies.map((b, i) => encodeRecord(i + 1, JSON.stringify({ ...b, v: SCHEMA_VERSION, session, seq: i + 1, ts: ts + i }))).join(''));
}

/** Writes `mb` MB of one line (no newline unless asked), without holding it in memory. */
function hugeLine(file: string, mb: number, newline: boolean, after = ''): void {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(MB, 'z');
  for (let i = 0; i < mb; i++) writeSync(fd, chunk);
  if (newline) writeSync(fd, `\n${after}`);
  closeSync(fd);
}

function head(s: Stage): string {
  return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: s.repo.worktree, encoding: 'utf8' }).trim();
}

describe('faults: a hostile .podium in a cloned repository', function () {
  this.timeout(180_000);

  it('300 MB journal lines, with and without a newline, are skipped and reported; memory stays bounded and good records are kept', async () => {
    const s = await stageFor();
    const kept = (session: string) => encodeRecord(2, JSON.stringify({ type: 'task.created', task: { id: `ok-${session}`, title: `Kept after the huge line of ${session}`, prompt: 'p', agent: 'rehearsal' }, v: SCHEMA_VERSION, session, seq: 2, ts: Date.now() }));
    mkdirSync(s.journals, { recursive: true });
    for (const name of ['huge-a', 'huge-b']) hugeLine(path.join(s.journals, `${name}.jsonl`), 300, true, kept(name));
    hugeLine(path.join(s.journals, 'huge-tail.jsonl'), 300, false);
    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    let loaded;
    try {
      loaded = await loadJournalFolder(s.journals);
    } finally {
      clearInterval(sampler);
    }
    const growth = (peak - rss0) / MB;
    console.log(`      three 300 MB lines read with the host's memory peak +${growth.toFixed(0)} MB`);
    // A line too long to be a record is passed over in read-sized chunks, never held: reading the three
    // costs less than one record may (64 MB), let alone one of the lines.
    assert.ok(growth < MAX_RECORD_BYTES / MB, `reading grew memory by ${growth.toFixed(0)} MB, more than one record may hold`);
    for (const name of ['huge-a', 'huge-b']) assert.ok((loaded.events as PodiumEvent[]).some((e) => e.type === 'task.created' && e.task.title === `Kept after the huge line of ${name}`), `the record after ${name}'s huge line is kept`);
    assert.equal(loaded.problems.length, 3, loaded.problems.join('\n'));
    assert.ok(loaded.problems.every((p) => /more than the \d+ a record may be/.test(p)), loaded.problems.join('\n'));
  });

  it('records naming the workspace as a task worktree, and hunks naming paths outside, change and remove nothing', async () => {
    const s = await stageFor();
    const outsideFile = path.join(s.repo.outside, 'precious.txt');
    writeFileSync(outsideFile, 'precious\n');
    const workspaceFiles = ['src/core/tally.js', 'README.md'].map((f) => [f, sha(path.join(s.repo.worktree, f))] as const);
    const base = head(s);
    const hunk = (id: string, p: string) => ({
      id, path: p, status: 'modified', kind: 'lines', oldStart: 1, oldCount: 1, newStart: 1, newCount: 1,
      oldLines: ['precious\n'], newLines: ['pwned\n'], contextBefore: [], contextAfter: [],
    });
    craftJournal(s.journals, 'crafted-1', [
      { type: 'task.created', task: { id: 'evil', title: 'Crafted task', prompt: 'x', agent: 'claude' } },
      { type: 'task.started', task: 'evil' },
      // The workspace itself (its main worktree, branch main) claimed as the task's worktree.
      { type: 'task.worktree', task: 'evil', dir: s.repo.worktree, workspaceDir: s.repo.worktree, branch: 'main', baseCommit: base, sourceHead: base },
      { type: 'hunk.staged', task: 'evil', hunk: hunk('h-out', '../precious.txt') },
      { type: 'hunk.staged', task: 'evil', hunk: hunk('h-abs', outsideFile) },
      { type: 'hunk.staged', task: 'evil', hunk: hunk('h-git', '.git/config') },
    ] as unknown as EventBody[]);
    craftJournal(s.journals, 'crafted-2', [
      { type: 'task.created', task: { id: 'etc', title: 'Worktree in /etc', prompt: 'x', agent: 'claude' } },
      { type: 'task.worktree', task: 'etc', dir: '/etc', workspaceDir: '/etc', branch: 'main', baseCommit: base, sourceHead: base },
      { type: 'hunk.staged', task: 'etc', hunk: hunk('h-etc', 'passwd') },
    ] as unknown as EventBody[]);
    const passwd = sha('/etc/passwd');

    const adopted = await reopenWindow(s);
    const spawned = s.events().filter((e) => e.type === 'session.spawned');
    assert.deepEqual(spawned, [], 'no agent was started');
    for (const id of adopted) {
      for (const h of ['h-out', 'h-abs', 'h-git', 'h-etc']) await s.conductor.approve(h).catch(() => undefined);
      await s.conductor.close(id, { deleteBranch: true }).catch(() => undefined);
    }
    assert.equal(readFileSync(outsideFile, 'utf8'), 'precious\n', 'nothing outside the workspace was written');
    assert.equal(sha('/etc/passwd'), passwd);
    for (const [f, hash] of workspaceFiles) assert.equal(sha(path.join(s.repo.worktree, f)), hash, `${f} is untouched`);
    assert.ok(existsSync(path.join(s.repo.worktree, '.git')), 'the workspace is still a repository');
    assert.equal(head(s), base);
    assert.match(execFileSync('git', ['branch', '--list', 'main'], { cwd: s.repo.worktree, encoding: 'utf8' }), /main/, 'the engineer’s branch is still there');
  });

  it('a rehearsal plan naming a real agent, or too many tasks, starts nothing and says why', async () => {
    for (const trusted of [true, false]) {
      const s = await stageFor({ trusted });
      const planFile = path.join(s.repo.worktree, REHEARSAL_PLAN);
      mkdirSync(path.dirname(planFile), { recursive: true });
      const handOut = () => handOutPlanOnce({
        planFile, journalFolder: s.journals, profiles: s.host.profiles(),
        handOut: async (plan) => Promise.all(plan.map((t) => s.conductor.createTask({ title: t.title, prompt: t.prompt, agent: t.agent }))),
      });
      writeFileSync(planFile, JSON.stringify({ tasks: [{ title: 'Free tokens', prompt: 'spend them', agent: 'claude' }] }));
      await assert.rejects(handOut(), /may only use rehearsal profiles/);
      writeFileSync(planFile, JSON.stringify({ tasks: Array.from({ length: 5000 }, (_, i) => ({ title: `t${i}`, prompt: 'p', agent: 'rehearsal' })) }));
      await assert.rejects(handOut(), /rehearsal\.json/);
      writeFileSync(planFile, '{"tasks": [' + '['.repeat(100_000));
      await assert.rejects(handOut(), /not readable JSON/);
      assert.deepEqual(s.feed.state.taskOrder, [], `nothing was handed out (${trusted ? 'trusted' : 'untrusted'})`);
    }
  });
});
