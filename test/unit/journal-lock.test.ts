/**
 * The journal lock's heartbeat, with real files and real processes: a holder keeps its lock fresh;
 * a lock is stale when its heartbeat stops (whatever its pid says) or at once when its holder is a
 * dead process on this host; a frozen holder is taken over and, when it wakes, stops writing.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { JournalLockedError, JournalWriter, readJournal } from '../../src/journal';
import { acquireLock, readLockHolder, type LockOwner } from '../../src/journal/lock';
import type { PodiumEvent } from '../../src/score';
import { eventually } from '../fixtures/agents/harness';

const REPO = path.resolve(__dirname, '../..');
const LOCK_HOLDER = path.join(REPO, 'test/fixtures/journalLockHolder.ts');

describe('the journal lock heartbeat', function () {
  this.timeout(30_000);
  let folder: string;
  const children: ChildProcess[] = [];

  beforeEach(() => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'podium-lock-'));
  });
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    rmSync(folder, { recursive: true, force: true });
  });

  const lockFile = () => path.join(folder, 's.jsonl.lock');
  const readOwner = async () => JSON.parse(await readFile(lockFile(), 'utf8')) as LockOwner;
  const foreign = (over: Partial<LockOwner>): LockOwner => ({ pid: 4242, hostname: 'another-host.example', startedAt: new Date(0).toISOString(), token: 'theirs', heartbeatMs: 100, ...over });

  it('the holder rewrites its heartbeat while it holds the lock, and stops when it releases it', async () => {
    const held = await acquireLock(path.join(folder, 's.jsonl'), lockFile(), { heartbeatMs: 50 });
    const first = (await readOwner()).heartbeatAt!;
    await eventually(() => held.owner.heartbeatAt! > first, 'a beat');
    const onDisk = await readOwner();
    assert.equal(onDisk.token, held.owner.token);
    assert.ok(onDisk.heartbeatAt! >= first);
    const holder = await readLockHolder(lockFile());
    assert.equal(holder?.stale, false, 'a beating holder is live');
    await held.release();
    assert.equal(await readLockHolder(lockFile()), undefined, 'released: nobody holds it');
  });

  it('a lock from another host with a recent heartbeat is refused; one whose heartbeat stopped is taken over', async () => {
    await writeFile(lockFile(), JSON.stringify(foreign({ heartbeatAt: Date.now() })));
    await assert.rejects(acquireLock(path.join(folder, 's.jsonl'), lockFile()), JournalLockedError);
    await writeFile(lockFile(), JSON.stringify(foreign({ heartbeatAt: Date.now() - 1000 })));
    const holder = await readLockHolder(lockFile());
    assert.equal(holder?.stale, true);
    assert.match(holder!.why, /no heartbeat for \d+ s/);
    const held = await acquireLock(path.join(folder, 's.jsonl'), lockFile());
    assert.equal(held.staleOwner?.hostname, 'another-host.example');
    assert.equal((await readOwner()).token, held.owner.token);
    await held.release();
  });

  it('a stopped heartbeat makes a lock stale even when its pid is alive on this host (a reused pid, another container)', async () => {
    await writeFile(lockFile(), JSON.stringify(foreign({ hostname: os.hostname(), pid: process.pid, heartbeatAt: Date.now() - 1000 })));
    const held = await acquireLock(path.join(folder, 's.jsonl'), lockFile());
    assert.equal(held.staleOwner?.pid, process.pid);
    await held.release();
  });

  it('a dead holder on this host is stale at once, however fresh its heartbeat', async () => {
    const child = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => child.once('exit', r));
    await writeFile(lockFile(), JSON.stringify(foreign({ hostname: os.hostname(), pid: child.pid!, heartbeatAt: Date.now(), heartbeatMs: 60_000 })));
    const holder = await readLockHolder(lockFile());
    assert.equal(holder?.stale, true);
    assert.match(holder!.why, new RegExp(`process ${child.pid} is no longer running`));
  });

  it('a frozen writer is taken over once its heartbeat is stale; when it wakes it finds it lost the lock and writes nothing more', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', LOCK_HOLDER, folder, 's', '2', '100'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    await eventually(() => out.includes('ready'), 'the holder to be ready', 20_000);
    await assert.rejects(JournalWriter.open(folder, 's'), JournalLockedError, 'a live, beating holder keeps its lock');

    child.kill('SIGSTOP'); // frozen: alive on this host, but no longer beating
    let taker: JournalWriter | undefined;
    const deadline = Date.now() + 10_000;
    while (!taker) {
      taker = await JournalWriter.open(folder, 's').catch((err: unknown) => {
        if (!(err instanceof JournalLockedError) || Date.now() > deadline) throw err;
        return new Promise<undefined>((r) => setTimeout(() => r(undefined), 50));
      });
    }
    assert.equal(taker.recovery.staleLock?.pid, child.pid);
    taker.append({ type: 'agent.output', stream: 'stdout', text: 'from the new writer' });
    await taker.flush();

    child.kill('SIGCONT');
    await eventually(() => out.includes('lost '), 'the old holder to notice', 10_000);
    assert.match(out, new RegExp(`lost ${process.pid}`), 'it names who took over');
    await eventually(() => out.includes('refused '), 'the old holder to be refused an append', 10_000);
    assert.match(out, /refused Another window took over .*s\.jsonl; this window may no longer write it\./);

    taker.append({ type: 'agent.output', stream: 'stdout', text: 'still the new writer' });
    await taker.close();
    const { events: raw, problems } = await readJournal(path.join(folder, 's.jsonl'));
    const events = raw as PodiumEvent[];
    assert.deepEqual(problems, []);
    const seqs = events.map((e) => e.seq);
    assert.deepEqual(seqs, seqs.map((_, i) => i + 1), 'one unbroken sequence: the two writers never interleaved');
    const last = events.at(-1);
    assert.equal(last?.type === 'agent.output' ? last.text : undefined, 'still the new writer');
  });
});
