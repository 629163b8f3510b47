/**
 * One writer per journal. The writer holds `<journal>.lock`, created exclusively, naming its process
 * (pid, host, start time). A second VS Code window on the same workspace finds the lock, gets a
 * JournalLockedError and opens the session read-only; a lock whose process has died (a crash) is
 * taken over and reported.
 */
import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import * as os from 'node:os';

export interface LockOwner {
  pid: number;
  hostname: string;
  /** When the lock was taken (ISO 8601). */
  startedAt: string;
  /** Distinguishes this holder from a later one that happens to reuse the pid. */
  token: string;
}

/** The journal is being written by another live process (or by this one, through another writer). */
export class JournalLockedError extends Error {
  readonly code = 'JOURNAL_LOCKED';
  constructor(
    readonly journalFile: string,
    readonly lockFile: string,
    /** Who holds it, when the lock file could be read. */
    readonly owner: LockOwner | undefined,
  ) {
    const who = owner ? `process ${owner.pid} on ${owner.hostname} (since ${owner.startedAt})` : 'another process';
    super(
      `${journalFile} is being written by ${who}, so it can only be opened read-only here. ` +
        `If no Podium is running there any more, delete ${lockFile} and try again.`,
    );
    this.name = 'JournalLockedError';
  }
}

export interface HeldLock {
  readonly lockFile: string;
  readonly owner: LockOwner;
  /** The dead holder whose stale lock was taken over, if there was one. */
  readonly staleOwner?: LockOwner;
  /** Removes the lock file if it is still ours; never removes another holder's lock. */
  release(): Promise<void>;
}

/** A lock file this young with no readable owner is probably being written by its creator right now. */
const UNREADABLE_GRACE_MS = 10_000;
const MAX_ATTEMPTS = 5;

/**
 * Takes the lock for `journalFile`. Rejects with JournalLockedError when a live process on this host
 * holds it, when the holder is on another host (its pid cannot be checked from here), or when the
 * lock is being created right now. A lock whose process is dead, or an unreadable one older than a
 * few seconds, is taken over and named in `staleOwner`.
 */
export async function acquireLock(journalFile: string, lockFile: string): Promise<HeldLock> {
  const owner: LockOwner = {
    pid: process.pid,
    hostname: os.hostname(),
    startedAt: new Date().toISOString(),
    token: randomBytes(8).toString('hex'),
  };
  const content = JSON.stringify(owner);
  let staleOwner: LockOwner | undefined;

  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    try {
      const fh = await open(lockFile, 'wx');
      try {
        await fh.writeFile(content);
      } finally {
        await fh.close();
      }
      return { lockFile, owner, staleOwner, release: () => releaseLock(lockFile, owner.token) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }

    const existing = await readLock(lockFile);
    if (existing === undefined) continue; // released between our attempt and our read: try again
    if (!isStale(existing)) throw new JournalLockedError(journalFile, lockFile, existing.owner);
    if (await removeIfUnchanged(lockFile, existing.raw)) staleOwner = existing.owner ?? staleOwner;
  }
  // Several processes keep racing for the same lock: let this one back off rather than spin.
  throw new JournalLockedError(journalFile, lockFile, (await readLock(lockFile))?.owner);
}

interface ExistingLock {
  raw: string;
  owner: LockOwner | undefined;
  ageMs: number;
}

async function readLock(lockFile: string): Promise<ExistingLock | undefined> {
  try {
    const [raw, st] = await Promise.all([readFile(lockFile, 'utf8'), stat(lockFile)]);
    return { raw, owner: parseOwner(raw), ageMs: Date.now() - st.mtimeMs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function parseOwner(raw: string): LockOwner | undefined {
  try {
    const o = JSON.parse(raw) as Partial<LockOwner>;
    if (typeof o.pid === 'number' && Number.isInteger(o.pid) && o.pid > 0 && typeof o.hostname === 'string') {
      return { pid: o.pid, hostname: o.hostname, startedAt: String(o.startedAt ?? 'unknown'), token: String(o.token ?? '') };
    }
  } catch {
    // fall through: an unreadable lock is judged by its age
  }
  return undefined;
}

function isStale(lock: ExistingLock): boolean {
  if (lock.owner === undefined) return lock.ageMs > UNREADABLE_GRACE_MS;
  if (lock.owner.hostname !== os.hostname()) return false;
  return !isProcessAlive(lock.owner.pid);
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else, which still means alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the stale lock only if it still holds `raw`. Renaming it aside first is atomic, so two
 * processes taking over the same stale lock cannot delete each other's fresh one: whoever moved a
 * lock that turns out to be fresh puts it back.
 */
async function removeIfUnchanged(lockFile: string, raw: string): Promise<boolean> {
  const aside = `${lockFile}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await rename(lockFile, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  const moved = await readFile(aside, 'utf8');
  if (moved === raw) {
    await unlink(aside);
    return true;
  }
  try {
    await link(aside, lockFile);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  await unlink(aside);
  return false;
}

async function releaseLock(lockFile: string, token: string): Promise<void> {
  const existing = await readLock(lockFile);
  if (existing?.owner?.token !== token) return;
  try {
    await unlink(lockFile);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
