import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFile, mkdir, mkdtemp, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { fold, type EventBody } from '../../src/score';
import {
  ensureJournalFolder,
  JournalLockedError,
  JournalWriteError,
  JournalWriter,
  listJournals,
  loadJournal,
  loadSessionIndex,
  readJournal,
  rebuildSessionIndex,
  scanJournal,
} from '../../src/journal';
import { encodeRecord } from '../../src/journal/record';

const REPO = path.resolve(__dirname, '../..');
const LOCK_HOLDER = path.join(REPO, 'test/fixtures/journalLockHolder.ts');
const RECORD = /^\{"seq":(\d+),"crc":"([0-9a-f]{8})","event":(.*)\}$/;

const taskBodies: EventBody[] = [
  { type: 'task.created', task: { id: 't1', title: 'Add a greeting', prompt: 'Add greet() to src/hello.ts', agent: 'claude' } },
  { type: 'task.started', task: 't1' },
  { type: 'session.spawned', task: 't1', agent: { kind: 'claude', label: 'Claude Code' }, command: ['claude'], cwd: '/wt' },
  { type: 'session.ready' },
  { type: 'agent.message', entry: 'm1', text: 'Reading the file — “quotes”, émoji 🎻 and a\nnewline.' },
  { type: 'agent.toolCall', entry: 'tc1', title: 'Read src/hello.ts', toolKind: 'read', status: 'in_progress', input: { path: 'src/hello.ts' } },
  { type: 'agent.toolCallUpdate', entry: 'tc1', status: 'completed', output: 'export const x = 1;' },
];

function output(n: number): EventBody {
  return { type: 'agent.output', stream: 'stdout', text: `line ${n}` };
}

async function lines(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8');
  return text.split('\n').slice(0, -1);
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('session journals', () => {
  let dir: string;
  let folder: string;
  const open: JournalWriter[] = [];

  async function writer(sessionId = 's1', flushIntervalMs = 20): Promise<JournalWriter> {
    const w = await JournalWriter.open(folder, sessionId, { flushIntervalMs });
    open.push(w);
    return w;
  }

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'podium-journal-'));
    folder = path.join(dir, '.podium', 'journals');
  });

  afterEach(async () => {
    for (const w of open.splice(0)) await w.close().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  describe('writing and reading', () => {
    it('reads back exactly the events that were appended, each line a checksummed record', async () => {
      const w = await writer();
      const appended = taskBodies.map((b, i) => w.append(b, 1_700_000_000_000 + i));
      await w.close();

      assert.deepEqual(appended.map((e) => e.seq), [1, 2, 3, 4, 5, 6, 7]);
      assert.ok(appended.every((e) => e.session === 's1' && e.v === 1));
      const result = await readJournal(path.join(folder, 's1.jsonl'));
      assert.deepEqual(result.events, JSON.parse(JSON.stringify(appended)));
      assert.deepEqual(result.problems, []);
      assert.equal(result.tornTail, undefined);

      for (const [i, line] of (await lines(path.join(folder, 's1.jsonl'))).entries()) {
        const m = RECORD.exec(line);
        assert.ok(m, `line ${i + 1} has the record layout: ${line}`);
        assert.equal(Number(m[1]), i + 1);
        assert.equal(crc32(Buffer.from(m[3]!, 'utf8')).toString(16).padStart(8, '0'), m[2]);
        assert.equal(JSON.parse(m[3]!).seq, i + 1, "the record's seq is its event's seq");
      }
      const score = fold(result.events);
      assert.equal(score.tasks.t1!.spec.title, 'Add a greeting');
      assert.equal(score.sessions.s1!.agent!.label, 'Claude Code');
    });

    it('continues the sequence after the last record when a session is reopened', async () => {
      const first = await writer();
      for (let i = 1; i <= 3; i++) first.append(output(i));
      await first.close();

      const second = await writer();
      assert.equal(second.recovery.lastSeq, 3);
      assert.equal(second.recovery.eventCount, 3);
      assert.deepEqual(second.recovery.messages, [], 'a healthy journal has nothing to report');
      assert.equal(second.append(output(4)).seq, 4);
      await second.close();
      const { events } = await readJournal(second.file);
      assert.deepEqual(events.map((e) => (e as { seq: number }).seq), [1, 2, 3, 4]);
    });

    it('the journal, not the caller, sets the envelope; a later change to the returned event does not reach the file', async () => {
      const w = await writer();
      const sneaky = { ...output(1), seq: 99, session: 'other', v: 7 } as unknown as EventBody;
      const event = w.append(sneaky, 5);
      assert.deepEqual([event.seq, event.session, event.v, event.ts], [1, 's1', 1, 5]);
      (event as { text?: string }).text = 'changed';
      await w.close();
      const { events } = await readJournal(w.file);
      assert.equal((events[0] as { text: string }).text, 'line 1');
      assert.ok((await readFile(w.file, 'utf8')).startsWith('{"seq":1,"crc":"'));
      assert.ok((await readFile(w.file, 'utf8')).includes('"event":{"v":1,"session":"s1","seq":1,"ts":5,"type":"agent.output"'));
    });

    it('passes events of unknown types through to the reducer, which shows them as unreadable', async () => {
      const w = await writer();
      w.append(output(1));
      w.append({ type: 'hologram.projected', beam: 3 } as unknown as EventBody);
      await w.close();
      const { events, problems } = await readJournal(w.file);
      assert.equal(events.length, 2);
      assert.deepEqual(problems, []);
      assert.equal((events[1] as { type: string }).type, 'hologram.projected');
      const entries = fold(events).sessions.s1!.entries;
      assert.equal(entries[1]!.kind, 'unreadable');
    });

    it('refuses a session id that is not a plain file name', async () => {
      await assert.rejects(JournalWriter.open(folder, '../escape'), RangeError);
      await assert.rejects(JournalWriter.open(folder, 'a/b'), RangeError);
    });

    it('folds a journal as it streams into the same score as reading it whole', async () => {
      const w = await writer();
      for (const b of taskBodies) w.append(b, 1000);
      for (let i = 0; i < 300; i++) w.append({ type: 'agent.message', entry: `m${i % 7}`, text: `chunk ${i} ` }, 2000 + i);
      w.append({ type: 'agent.output', stream: 'stdout', text: 'a line longer than a read chunk '.repeat(200) }, 3000);
      await w.close();
      const streamed = await loadJournal(w.file, { batchSize: 16, chunkBytes: 1024 });
      const whole = fold((await readJournal(w.file)).events);
      assert.deepEqual(streamed.score, whole);
      assert.equal(streamed.eventCount, 308);
      assert.deepEqual([streamed.problems, streamed.tornTail], [[], undefined]);
    });
    it('reads a line longer than a chunk whole, skips one longer than a record may be, and keeps what follows', async () => {
      const w = await writer();
      w.append({ type: 'agent.output', stream: 'stdout', text: 'a'.repeat(3000) }, 1000);
      w.append({ type: 'agent.output', stream: 'stdout', text: 'b'.repeat(6000) }, 1001);
      w.append({ type: 'agent.output', stream: 'stdout', text: 'after' }, 1002);
      await w.close();
      // A last line, longer than a chunk, cut off before its newline.
      await appendFile(w.file, encodeRecord(4, JSON.stringify({ type: 'agent.output', stream: 'stdout', text: 'c'.repeat(2500) })).slice(0, -40));
      const events: unknown[] = [];
      const scan = await scanJournal(w.file, (batch) => events.push(...batch), { chunkBytes: 1024, maxRecordBytes: 4096 });
      assert.deepEqual(events.map((e) => (e as { text: string }).text.slice(0, 5)), ['aaaaa', 'after']);
      assert.equal((events[0] as { text: string }).text.length, 3000, 'the long line is read whole');
      assert.equal(scan.problems.length, 1);
      assert.equal(scan.problems[0]!.line, 2);
      assert.match(scan.problems[0]!.text, /more than the 4096 a record may be/);
      assert.equal(scan.tornTail?.line, 4);
      assert.match(scan.tornTail!.text, /it has no trailing newline\. It is a write cut off/);
      assert.equal(scan.goodBytes, scan.tornTail!.offset);
      assert.equal(scan.lastSeq, 3);
    });
  });

  describe('batching and durability', () => {
    it('many appends are written together in one flush, fsynced once', async () => {
      const w = await writer('s1', 50);
      for (let i = 1; i <= 1000; i++) w.append(output(i));
      assert.equal((await stat(w.file)).size, 0, 'nothing is written while appending');
      assert.equal(w.stats.pending, 1000);
      await waitFor(() => w.stats.writes > 0, 'the timed flush');
      assert.deepEqual({ ...w.stats, bytesWritten: 0 }, { writes: 1, fsyncs: 1, bytesWritten: 0, pending: 0 });
      assert.equal((await lines(w.file)).length, 1000);
    });

    it('flush() resolves once everything appended is in the file', async () => {
      const w = await writer('s1', 60_000);
      for (let i = 1; i <= 10; i++) w.append(output(i));
      await w.flush();
      assert.equal((await lines(w.file)).length, 10);
    });

    it('appendDurable writes the buffered events and the decision before it resolves, without waiting for the timer', async () => {
      const w = await writer('s1', 60_000);
      w.append(output(1));
      w.append(output(2));
      const decision = await w.appendDurable({ type: 'permission.resolved', request: 'p1', optionId: 'allow', by: 'engineer' });
      assert.equal(decision.seq, 3);
      const onDisk = await lines(w.file);
      assert.equal(onDisk.length, 3, 'the decision and everything before it are on disk when the promise resolves');
      assert.ok(onDisk[2]!.includes('"permission.resolved"'));
      assert.equal(w.stats.fsyncs, 1);
    });

    it('keeps records in append order across timed flushes, durable appends and explicit flushes', async () => {
      const w = await writer('s1', 1);
      const pending: Promise<unknown>[] = [];
      for (let i = 1; i <= 200; i++) {
        if (i % 25 === 0) pending.push(w.appendDurable(output(i)));
        else w.append(output(i));
        if (i % 40 === 0) pending.push(w.flush());
        if (i % 10 === 0) await new Promise((r) => setImmediate(r));
      }
      await Promise.all(pending);
      await w.close();
      const { events, problems } = await readJournal(w.file);
      assert.deepEqual(problems, []);
      assert.deepEqual(events.map((e) => (e as { seq: number }).seq), Array.from({ length: 200 }, (_, i) => i + 1));
    });

    it('a failed write is reported, leaves no partial record behind, and is retried by the next flush', async () => {
      const errors: JournalWriteError[] = [];
      const w = await JournalWriter.open(folder, 's1', { flushIntervalMs: 60_000, onError: (e) => errors.push(e) });
      open.push(w);
      w.append(output(1));
      await w.flush();
      // Make the next write fail half way, as a full disk does: some bytes land, then ENOSPC.
      const internals = w as unknown as { fh: { write: (...args: unknown[]) => Promise<{ bytesWritten: number }> } };
      const realWrite = internals.fh.write.bind(internals.fh);
      let failNext = true;
      internals.fh.write = async (buf: unknown, offset: unknown, length: unknown) => {
        if (!failNext) return realWrite(buf, offset, length);
        failNext = false;
        await realWrite(buf, offset, 10);
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      };
      w.append(output(2));
      w.append(output(3));
      const failed = await w.flush().then(() => undefined, (err: unknown) => err);
      assert.ok(failed instanceof JournalWriteError);
      assert.equal(failed.unwritten, 2);
      assert.match(failed.message, /s1\.jsonl.*ENOSPC.*retried at the next flush/);
      assert.equal((await lines(w.file)).length, 1, 'the half-written batch was cut back');
      assert.equal(w.stats.pending, 2);

      await w.flush();
      const { events, problems, tornTail } = await readJournal(w.file);
      assert.deepEqual(events.map((e) => (e as { seq: number }).seq), [1, 2, 3]);
      assert.deepEqual([problems, tornTail], [[], undefined]);
      assert.deepEqual(errors, [], 'awaited flushes reject; onError is for the timed ones');
    });

    it('when a half-written batch cannot be cut back, the retry starts on a new line so no retried record is lost', async () => {
      const w = await writer('s1', 60_000);
      w.append(output(1));
      await w.flush();
      const internals = w as unknown as {
        fh: { write: (...args: unknown[]) => Promise<{ bytesWritten: number }>; truncate: (n: number) => Promise<void> };
      };
      const realWrite = internals.fh.write.bind(internals.fh);
      const realTruncate = internals.fh.truncate.bind(internals.fh);
      internals.fh.write = async (buf: unknown, offset: unknown) => {
        await realWrite(buf, offset, 10);
        throw Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' });
      };
      internals.fh.truncate = () => Promise.reject(Object.assign(new Error('EIO: i/o error, ftruncate'), { code: 'EIO' }));
      w.append(output(2));
      await assert.rejects(w.flush(), JournalWriteError);
      internals.fh.write = realWrite;
      internals.fh.truncate = realTruncate;
      w.append(output(3));
      await w.flush();
      const read = await readJournal(w.file);
      assert.deepEqual(read.events.map((e) => (e as { seq: number }).seq), [1, 2, 3]);
      assert.deepEqual(read.problems.map((p) => [p.line, p.kind]), [[2, 'not-a-record']], 'the partial bytes are one damaged line');
    });

    it('a timed flush that fails reaches onError', async () => {
      const errors: JournalWriteError[] = [];
      const w = await JournalWriter.open(folder, 's1', { flushIntervalMs: 5, onError: (e) => errors.push(e) });
      open.push(w);
      const internals = w as unknown as { fh: { write: () => Promise<never> } };
      internals.fh.write = () => Promise.reject(Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' }));
      w.append(output(1));
      await waitFor(() => errors.length > 0, 'onError');
      assert.ok(errors[0] instanceof JournalWriteError);
      assert.match(errors[0].message, /EIO/);
      await assert.rejects(w.close(), (err: unknown) => err instanceof JournalWriteError && /lost/.test(err.message));
    });

    it('refuses appends after close', async () => {
      const w = await writer();
      await w.close();
      assert.throws(() => w.append(output(1)), /closed/);
    });
  });

  describe('crash recovery', () => {
    it('a torn last line is reported by the reader and truncated by the writer before anything is appended', async () => {
      const first = await writer();
      for (let i = 1; i <= 5; i++) first.append(output(i));
      await first.close();
      const goodSize = (await stat(first.file)).size;
      await appendFile(first.file, '{"seq":6,"crc":"0a1b2c3d","event":{"v":1,"sess');

      const read = await readJournal(first.file);
      assert.equal(read.events.length, 5);
      assert.deepEqual(read.problems, []);
      assert.ok(read.tornTail);
      assert.equal(read.tornTail.line, 6);
      assert.equal(read.tornTail.offset, goodSize);
      assert.match(read.tornTail.text, /s1\.jsonl:6: .*incomplete.*no trailing newline/);

      const second = await writer();
      assert.equal((await stat(second.file)).size, goodSize, 'truncated on open, before any append');
      assert.equal(second.recovery.truncatedTail?.line, 6);
      assert.match(second.recovery.messages.join('\n'), /removed an incomplete last line/);
      assert.equal(second.append(output(6)).seq, 6);
      await second.close();

      const after = await readJournal(second.file);
      assert.deepEqual(after.events.map((e) => (e as { seq: number }).seq), [1, 2, 3, 4, 5, 6]);
      assert.deepEqual([after.problems, after.tornTail], [[], undefined]);
    });

    it('a complete last line whose checksum fails is a torn tail too', async () => {
      const first = await writer();
      for (let i = 1; i <= 3; i++) first.append(output(i));
      await first.close();
      const text = await readFile(first.file, 'utf8');
      await writeFile(first.file, text.replace('line 3', 'line X'));
      const read = await readJournal(first.file);
      assert.equal(read.events.length, 2);
      assert.equal(read.tornTail?.line, 3);
      assert.match(read.tornTail!.reason, /checksum/);
    });

    it('a corrupt record in the middle is reported with its line number, skipped, and left in place; later records are kept', async () => {
      const first = await writer();
      for (let i = 1; i <= 10; i++) first.append(output(i));
      await first.close();
      const original = await lines(first.file);
      const damaged = original.slice();
      damaged[3] = damaged[3]!.replace('line 4', 'line Z'); // bit rot: checksum fails
      damaged[6] = '\u0000\u0000garbage'; // not a record at all
      await writeFile(first.file, damaged.join('\n') + '\n');

      const read = await readJournal(first.file);
      assert.deepEqual(read.events.map((e) => (e as { seq: number }).seq), [1, 2, 3, 5, 6, 8, 9, 10]);
      assert.deepEqual(read.problems.map((p) => [p.line, p.kind]), [[4, 'bad-crc'], [7, 'not-a-record']]);
      assert.match(read.problems[0]!.text, /s1\.jsonl:4: .*checksum.*skipped/);
      assert.equal(read.tornTail, undefined);

      const sizeBefore = (await stat(first.file)).size;
      const second = await writer();
      assert.deepEqual(second.recovery.problems.map((p) => p.line), [4, 7]);
      assert.equal(second.recovery.truncatedTail, undefined);
      assert.match(second.recovery.messages.join('\n'), /2 damaged record\(s\) at line\(s\) 4, 7/);
      assert.equal((await stat(second.file)).size, sizeBefore, 'damaged middle records are not touched');
      assert.equal(second.append(output(11)).seq, 11);
      await second.close();
      const after = await readJournal(second.file);
      assert.equal(after.events.length, 9);
      assert.equal(after.problems.length, 2);
    });

    it('a record whose sequence number disagrees with its event is reported even when its checksum holds', async () => {
      await mkdir(folder, { recursive: true });
      const file = path.join(folder, 's1.jsonl');
      const event = (seq: number) => JSON.stringify({ v: 1, session: 's1', seq, ts: 1, type: 'agent.output', stream: 'stdout', text: 'x' });
      await writeFile(file, encodeRecord(1, event(1)) + encodeRecord(2, event(5)) + encodeRecord(3, event(3)) + encodeRecord(3, event(3)));
      const read = await readJournal(file);
      assert.deepEqual(read.events.map((e) => (e as { seq: number }).seq), [1, 3]);
      assert.deepEqual(read.problems.map((p) => [p.line, p.kind]), [[2, 'seq-mismatch'], [4, 'seq-order']]);
      assert.equal(read.tornTail, undefined, 'a checksummed record is never mistaken for a torn write');
    });
    describe('for any crash point or damaged byte', () => {
      let file: string;
      let bytes: Buffer;
      let lineEnds: number[];

      beforeEach(async () => {
        const w = await writer();
        for (const b of taskBodies) w.append(b, 1);
        for (let i = 1; i <= 20; i++) w.append(output(i), 2);
        await w.close();
        file = w.file;
        bytes = await readFile(file);
        lineEnds = [];
        for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) lineEnds.push(i + 1);
      });

      it('a journal cut anywhere reads as the records before the cut, plus a torn tail unless the cut falls between lines', async () => {
        await fc.assert(
          fc.asyncProperty(fc.integer({ min: 0, max: bytes.length }), async (cut) => {
            await writeFile(file, bytes.subarray(0, cut));
            const read = await readJournal(file);
            const whole = lineEnds.filter((end) => end <= cut).length;
            assert.equal(read.events.length, whole);
            assert.deepEqual(read.problems, []);
            assert.equal(read.tornTail !== undefined, cut !== 0 && !lineEnds.includes(cut));
            assert.equal(read.goodBytes, whole === 0 ? 0 : lineEnds[whole - 1]);
          }),
          { numRuns: 60 },
        );
      });

      it('one damaged byte costs exactly the record that holds it', async () => {
        await fc.assert(
          fc.asyncProperty(fc.integer({ min: 0, max: bytes.length - 1 }), fc.integer({ min: 0, max: 255 }), async (at, value) => {
            fc.pre(bytes[at] !== 10 && value !== 10 && value !== bytes[at]);
            const damaged = Buffer.from(bytes);
            damaged[at] = value;
            await writeFile(file, damaged);
            const read = await readJournal(file);
            const line = lineEnds.findIndex((end) => at < end) + 1;
            const reported = read.problems.map((p) => p.line).concat(read.tornTail ? [read.tornTail.line] : []);
            assert.deepEqual(reported, [line]);
            assert.equal(read.events.length, lineEnds.length - 1);
          }),
          { numRuns: 60 },
        );
      });
    });
  });

  describe('one writer per journal', () => {
    let holder: ChildProcess | undefined;

    afterEach(() => {
      if (holder && holder.exitCode === null && holder.signalCode === null) holder.kill('SIGKILL');
      holder = undefined;
    });

    async function startHolder(sessionId: string, events: number): Promise<ChildProcess> {
      const child = spawn(process.execPath, ['--import', 'tsx', LOCK_HOLDER, folder, sessionId, String(events)], {
        cwd: REPO,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
      child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', () => { if (stdout.includes('ready')) resolve(); });
        child.once('exit', (code) => reject(new Error(`the lock holder exited with ${code}: ${stderr}`)));
      });
      return child;
    }

    it('a second writer in the same process is refused', async () => {
      await writer();
      await assert.rejects(JournalWriter.open(folder, 's1'), JournalLockedError);
    });

    it('a second process is refused while the first holds the journal, and takes over its stale lock once it is killed', async () => {
      holder = await startHolder('shared', 3);
      const pid = holder.pid!;

      const refused = await JournalWriter.open(folder, 'shared').then(() => undefined, (err: unknown) => err);
      assert.ok(refused instanceof JournalLockedError, `expected JournalLockedError, got ${String(refused)}`);
      assert.equal(refused.owner?.pid, pid);
      assert.equal(refused.owner?.hostname, os.hostname());
      assert.match(refused.message, new RegExp(`shared\\.jsonl is being written by process ${pid}.*read-only`));
      // Read-only access still works meanwhile.
      assert.equal((await readJournal(path.join(folder, 'shared.jsonl'))).events.length, 3);

      const exited = new Promise((r) => holder!.once('exit', r));
      holder.kill('SIGKILL');
      await exited;

      const w = await writer('shared');
      assert.equal(w.recovery.staleLock?.pid, pid);
      assert.match(w.recovery.messages.join('\n'), new RegExp(`took over the lock of process ${pid}`));
      assert.equal(w.append(output(4)).seq, 4);
      const lock = JSON.parse(await readFile(w.file + '.lock', 'utf8')) as { pid: number };
      assert.equal(lock.pid, process.pid);
      await w.close();
      await assert.rejects(stat(w.file + '.lock'), { code: 'ENOENT' }, 'close releases the lock');
    });
  });

  describe('the session index', () => {
    async function session(id: string, title: string, extra = 0): Promise<void> {
      const w = await writer(id);
      w.append({ type: 'task.created', task: { id: `t-${id}`, title, prompt: 'p', agent: 'codex' } }, 1000);
      w.append({ type: 'session.spawned', task: `t-${id}`, agent: { kind: 'codex', label: 'Codex' }, command: ['codex'], cwd: '/w' }, 1001);
      w.append({ type: 'session.ready' }, 1002);
      for (let i = 0; i < extra; i++) w.append(output(i), 2000 + i);
      await w.close();
    }

    it('summarises every session and rebuilds entries whose index is missing, corrupt or stale', async () => {
      await session('a', 'Fix the parser');
      await session('b', 'Write docs', 2);

      const first = await loadSessionIndex(folder);
      assert.deepEqual(first.rebuilt.sort(), ['a', 'b']);
      assert.equal(first.written, true);
      const b = first.sessions.find((s) => s.sessionId === 'b')!;
      assert.deepEqual(
        { file: b.file, eventCount: b.eventCount, firstTs: b.firstTs, lastTs: b.lastTs, title: b.title, agent: b.agent, status: b.status },
        { file: 'b.jsonl', eventCount: 5, firstTs: 1000, lastTs: 2001, title: 'Write docs', agent: 'Codex', status: 'running' },
      );
      assert.deepEqual(first.sessions.map((s) => s.sessionId), ['b', 'a'], 'most recent first');

      const cached = await loadSessionIndex(folder);
      assert.deepEqual([cached.rebuilt, cached.written], [[], false], 'current entries are reused as they are');
      assert.deepEqual(cached.sessions, first.sessions);

      await unlink(path.join(folder, 'index.json'));
      assert.deepEqual((await loadSessionIndex(folder)).rebuilt.sort(), ['a', 'b']);

      await writeFile(path.join(folder, 'index.json'), '{"version":1,"sessions":{"a":');
      const fromCorrupt = await loadSessionIndex(folder);
      assert.match(fromCorrupt.indexProblem!, /index\.json is not valid JSON/);
      assert.deepEqual(fromCorrupt.sessions, first.sessions);
      JSON.parse(await readFile(path.join(folder, 'index.json'), 'utf8'));

      // The journal grows: only its entry is rebuilt.
      const w = await writer('a');
      w.append({ type: 'session.exited', code: 0, signal: null }, 3000);
      await w.close();
      const grown = await loadSessionIndex(folder);
      assert.deepEqual(grown.rebuilt, ['a']);
      const a = grown.sessions.find((s) => s.sessionId === 'a')!;
      assert.deepEqual([a.eventCount, a.lastTs, a.status], [4, 3000, 'exited']);

      // A deleted journal leaves the index.
      await unlink(path.join(folder, 'b.jsonl'));
      const pruned = await loadSessionIndex(folder);
      assert.deepEqual(pruned.sessions.map((s) => s.sessionId), ['a']);
      assert.equal(pruned.written, true);
    });

    it('an entry edited by hand into the wrong shape is rebuilt, the others reused', async () => {
      await session('a', 'A');
      await session('b', 'B');
      await loadSessionIndex(folder);
      const file = path.join(folder, 'index.json');
      const doc = JSON.parse(await readFile(file, 'utf8')) as { sessions: Record<string, Record<string, unknown>> };
      doc.sessions.a!.eventCount = 'many';
      await writeFile(file, JSON.stringify(doc));
      const result = await loadSessionIndex(folder);
      assert.deepEqual(result.rebuilt, ['a']);
      assert.equal(result.sessions.find((s) => s.sessionId === 'a')!.eventCount, 3);
    });

    it('rebuildSessionIndex ignores the stored index entirely', async () => {
      await session('a', 'A');
      await loadSessionIndex(folder);
      const result = await rebuildSessionIndex(folder);
      assert.deepEqual([result.rebuilt, result.written], [['a'], true]);
    });

    it('counts damaged records and a torn tail in a summary', async () => {
      await session('a', 'A', 3);
      const file = path.join(folder, 'a.jsonl');
      const text = await readFile(file, 'utf8');
      await writeFile(file, text.replace('line 0', 'line Q') + '{"seq":7,"cr');
      const [summary] = (await loadSessionIndex(folder)).sessions;
      assert.deepEqual([summary!.eventCount, summary!.problems, summary!.tornTail], [5, 1, true]);
    });
  });

  describe('the journal folder', () => {
    it('is created on first write, with a .gitignore in .podium so journals stay out of git status', async () => {
      const w = await writer();
      w.append(output(1));
      await w.close();
      assert.equal(await readFile(path.join(dir, '.podium', '.gitignore'), 'utf8'), '*\n');
    });

    it('leaves an existing .podium/.gitignore alone and adds none outside .podium', async () => {
      await mkdir(path.join(dir, '.podium'), { recursive: true });
      await writeFile(path.join(dir, '.podium', '.gitignore'), 'journals/\n');
      await ensureJournalFolder(folder);
      assert.equal(await readFile(path.join(dir, '.podium', '.gitignore'), 'utf8'), 'journals/\n');

      const plain = path.join(dir, 'elsewhere', 'journals');
      await ensureJournalFolder(plain);
      await assert.rejects(stat(path.join(dir, 'elsewhere', '.gitignore')), { code: 'ENOENT' });
      await assert.rejects(stat(path.join(plain, '.gitignore')), { code: 'ENOENT' });
    });

    it('lists only journal files, and nothing for a missing folder', async () => {
      assert.deepEqual(await listJournals(path.join(dir, 'missing')), []);
      const w = await writer('b');
      await writer('a');
      w.append(output(1));
      await w.flush();
      await writeFile(path.join(folder, 'index.json'), '{}');
      await writeFile(path.join(folder, 'notes.txt'), '');
      const listed = await listJournals(folder);
      assert.deepEqual(listed.map((j) => j.sessionId), ['a', 'b'], 'lock files, the index and other files are not journals');
      assert.ok(listed[1]!.size > 0);
    });

    it('an empty journal file (a writer that never flushed) reads as empty', async () => {
      await mkdir(folder, { recursive: true });
      await writeFile(path.join(folder, 'e.jsonl'), '');
      const read = await readJournal(path.join(folder, 'e.jsonl'));
      assert.deepEqual([read.events, read.problems, read.tornTail], [[], [], undefined]);
    });
  });
});
