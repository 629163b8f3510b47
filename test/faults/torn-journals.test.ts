/**
 * Torn journals: a real session (a rehearsal agent playing a task in a real worktree, a hunk approved
 * and one rejected, all journaled by the real conductor) cut at every byte offset, as a crash or a
 * power loss would leave it. Each cut loads, reports the tear, and keeps every record before it; the
 * next writer truncates the tear and carries on where the good records end.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { loadJournalFile } from '../../src/conductor/journalLibrary';
import { JournalWriter, listJournals, readJournal } from '../../src/journal';
import { fold, type PodiumEvent } from '../../src/score';
import { hunksOf, playTurn, stageFor } from '../unit/conductorStage';

describe('faults: torn journals', function () {
  this.timeout(300_000);
  let bytes: Buffer;
  let events: PodiumEvent[];
  let lineEnds: number[];
  let dir: string;
  let sessionId: string;

  before(async () => {
    const s = await stageFor();
    const task = await playTurn(s, 'A session to tear');
    const [first, second] = hunksOf(s, task, 'pending');
    assert.ok(first && second, 'the rehearsal left at least two hunks to decide');
    await s.conductor.approve(first.hunk.id);
    await s.conductor.reject(second.hunk.id, 'Not this one.');
    await s.conductor.flush();
    const [journal] = await listJournals(s.journals);
    bytes = await readFile(journal!.file);
    events = (await readJournal(journal!.file)).events as PodiumEvent[];
    sessionId = journal!.sessionId;
    lineEnds = [];
    for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) lineEnds.push(i + 1);
    assert.equal(lineEnds.length, events.length);
    dir = mkdtempSync(path.join(tmpdir(), 'podium-torn-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it(`a real session cut at every byte offset loads, reports the tear, and keeps every record before it`, async () => {
    const file = path.join(dir, `${sessionId}.jsonl`);
    const started = Date.now();
    for (let cut = 0; cut <= bytes.length; cut++) {
      writeFileSync(file, bytes.subarray(0, cut));
      const loaded = await loadJournalFile(file);
      const whole = lineEnds.filter((end) => end <= cut).length;
      assert.equal(loaded.events.length, whole, `cut at ${cut}: the ${whole} records before it are kept`);
      if (whole > 0) assert.deepEqual(loaded.events[whole - 1], events[whole - 1]);
      const torn = cut !== 0 && !lineEnds.includes(cut);
      assert.equal(loaded.problems.length, torn ? 1 : 0, `cut at ${cut}: ${loaded.problems.join(' | ')}`);
      if (torn) assert.match(loaded.problems[0]!, /is incomplete: .*crash/);
    }
    console.log(`      ${bytes.length + 1} cuts of a ${events.length}-record journal (${(bytes.length / 1024).toFixed(1)} KiB) loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  it('the score folded from any cut is the score of the records before it', async () => {
    const file = path.join(dir, `${sessionId}.jsonl`);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: bytes.length }), async (cut) => {
        await writeFile(file, bytes.subarray(0, cut));
        const whole = lineEnds.filter((end) => end <= cut).length;
        assert.deepEqual(fold((await loadJournalFile(file)).events), fold(events.slice(0, whole)));
      }),
      { numRuns: 150 },
    );
  });

  it('after any cut the next writer truncates the tear, says so, and appends right after the good records', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: bytes.length }), async (cut) => {
        const file = path.join(dir, `${sessionId}.jsonl`);
        await writeFile(file, bytes.subarray(0, cut));
        const whole = lineEnds.filter((end) => end <= cut).length;
        const writer = await JournalWriter.open(dir, sessionId, { flushIntervalMs: 0 });
        try {
          assert.equal(writer.recovery.lastSeq, whole === 0 ? 0 : events[whole - 1]!.seq);
          assert.equal(writer.recovery.truncatedTail !== undefined, cut !== 0 && !lineEnds.includes(cut));
          if (writer.recovery.truncatedTail) assert.ok(writer.recovery.messages.length > 0, 'the engineer is told');
          writer.append({ type: 'notice', level: 'info', code: 'after-crash', text: 'written after the crash' });
          await writer.flush();
        } finally {
          await writer.close();
        }
        const read = await readJournal(file);
        assert.deepEqual(read.problems, []);
        assert.equal(read.tornTail, undefined);
        assert.equal(read.events.length, whole + 1);
        assert.equal((read.events[whole] as PodiumEvent).type, 'notice');
      }),
      { numRuns: 150 },
    );
  });
});
