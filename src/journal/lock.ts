/**
 * One writer per journal. The writer holds `<journal>.lock`, created exclusively, naming its process
 * (pid, host, start time) and carrying a heartbeat: the holder rewrites its timestamp every few
 * seconds. A second VS Code window on the same workspace finds the lock, gets a JournalLockedError
 * and opens the session read-only. A lock is stale, and is taken over and reported, when its
 * heartbeat is older than a few beats (whatever its pid says: the holder may be on another host, in
 * another container, or frozen), or at once when its holder is a dead process on this host. A holder
 * whose lock was taken over notices it at its next beat and stops writing (`onLost`).
 */
import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import * as os from 'node:os';

export interface LockOwner {
  pid: number;
  hostname: string;
  /** When the lock was taken (ISO 8601). */
  startedAt: string;
  /** Distinguishes this holder from a later one that happens to reuse the pid. */
  token: string;
  /** The holder's last beat (ms since the epoch); absent in locks of Podium versions without one. */
  heartbeatAt?: number;
  /** How often the holder beats, in ms. */
  heartbeatMs?: number;
}

/** A lock's holder as another process sees it. */
export interface LockHolder {
  owner: LockOwner;
  /** True when the holder is gone or unresponsive: the lock may be taken over. */
  stale: boolean;
  /** Why it is judged stale (or live), in words for the engineer. */
  why: string;
}

export interface LockOptions {
  /** How often the holder rewrites its heartbeat. Default 5 s. */
  heartbeatMs?: number;
  /** Called once when this holder finds, at a beat, that its lock was taken over (or removed). */
  onLost?: (by: LockOwner | undefined) => void;
}

export const DEFAULT_HEARTBEAT_MS = 5_000;
/** A heartbeat older than this many beats makes the lock stale. */
export const STALE_AFTER_BEATS = 3;

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
  /** True once another holder took the lock over (found at a beat); nothing may be written then. */
  readonly lost: boolean;
  /** Beats now: rewrites the heartbeat, or finds the lock lost. Resolves false when it is lost. */
  beat(): Promise<boolean>;
  /** Stops the heartbeat and removes the lock file if it is still ours; never removes another holder's lock. */
  release(): Promise<void>;
}

/** A lock file this young with no readable owner is probably being written by its creator right now. */
const UNREADABLE_GRACE_MS = 10_000;
const MAX_ATTEMPTS = 5;

/**
 * Takes the lock for `journalFile` and keeps its heartbeat while held. Rejects with JournalLockedError
 * when the holder is live (a recent heartbeat, or a live process on this host for a lock without one),
 * when the holder is on another host without a heartbeat (its pid cannot be checked from here), or
 * when the lock is being created right now. A stale lock is taken over and named in `staleOwner`.
 */
export async function acquireLock(journalFile: string, lockFile: string, options: LockOptions = {}): Promise<HeldLock> {
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const now = Date.now();
  const owner: LockOwner = {
    pid: process.pid,
    hostname: os.hostname(),
    startedAt: new Date(now).toISOString(),
    token: randomBytes(8).toString('hex'),
    heartbeatAt: now,
    heartbeatMs,
  };
  let staleOwner: LockOwner | undefined;

  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    try {
      const fh = await open(lockFile, 'wx');
      try {
        await fh.writeFile(JSON.stringify(owner));
      } finally {
        await fh.close();
      }
      return new Heartbeat(lockFile, owner, staleOwner, options.onLost);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }

    const existing = await readLock(lockFile);
    if (existing === undefined) continue; // released between our attempt and our read: try again
    if (!judge(existing).stale) throw new JournalLockedError(journalFile, lockFile, existing.owner);
    if (await removeIfUnchanged(lockFile, existing.raw)) staleOwner = existing.owner ?? staleOwner;
  }
  // Several processes keep racing for the same lock: let this one back off rather than spin.
  throw new JournalLockedError(journalFile, lockFile, (await readLock(lockFile))?.owner);
}

/** Who holds the lock and whether it may be taken over; undefined when nobody does (or it cannot be read yet). */
export async function readLockHolder(lockFile: string): Promise<LockHolder | undefined> {
  const existing = await readLock(lockFile);
  if (!existing?.owner) return undefined;
  return { owner: existing.owner, ...judge(existing) };
}

/** A held lock whose timestamp is rewritten every `heartbeatMs` until it is released or lost. */
class Heartbeat implements HeldLock {
  lost = false;
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<boolean> | undefined;

  constructor(
    readonly lockFile: string,
    readonly owner: LockOwner,
    readonly staleOwner: LockOwner | undefined,
    private readonly onLost: ((by: LockOwner | undefined) => void) | undefined,
  ) {
    this.timer = setInterval(() => void this.beat().catch(() => undefined), owner.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
    // A forgotten lock must not keep the process alive; a process that exits stops beating, which is the point.
    this.timer.unref();
  }

  beat(): Promise<boolean> {
    return (this.beating ??= this.beatOnce().finally(() => (this.beating = undefined)));
  }

  private async beatOnce(): Promise<boolean> {
    if (this.lost) return false;
    const existing = await readLock(this.lockFile);
    if (existing?.owner?.token !== this.owner.token) {
      // Taken over while this process was away (frozen, suspended, cut off): it must stop writing.
      this.lost = true;
      this.stop();
      this.onLost?.(existing?.owner);
      return false;
    }
    this.owner.heartbeatAt = Date.now();
    // Written aside and renamed over: a reader never sees a half-written lock.
    const next = `${this.lockFile}.beat-${this.owner.token}`;
    await writeFile(next, JSON.stringify(this.owner));
    await rename(next, this.lockFile);
    return true;
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  async release(): Promise<void> {
    this.stop();
    await this.beating?.catch(() => undefined);
    if (!this.lost) await releaseLock(this.lockFile, this.owner.token);
  }
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
      const owner: LockOwner = { pid: o.pid, hostname: o.hostname, startedAt: String(o.startedAt ?? 'unknown'), token: String(o.token ?? '') };
      if (typeof o.heartbeatAt === 'number' && Number.isFinite(o.heartbeatAt)) owner.heartbeatAt = o.heartbeatAt;
      if (typeof o.heartbeatMs === 'number' && o.heartbeatMs > 0 && Number.isFinite(o.heartbeatMs)) owner.heartbeatMs = o.heartbeatMs;
      return owner;
    }
  } catch {
    // fall through: an unreadable lock is judged by its age
  }
  return undefined;
}

/**
 * Stale: a dead holder on this host (at once), or a heartbeat older than STALE_AFTER_BEATS beats,
 * whatever the pid says (another host or container, a frozen process, a reused pid). A lock without a
 * heartbeat (an older Podium) is judged by its pid on this host and is never stale from another host.
 */
function judge(lock: ExistingLock): { stale: boolean; why: string } {
  const owner = lock.owner;
  if (owner === undefined) return { stale: lock.ageMs > UNREADABLE_GRACE_MS, why: 'the lock file cannot be read' };
  const sameHost = owner.hostname === os.hostname();
  if (sameHost && !isProcessAlive(owner.pid)) return { stale: true, why: `process ${owner.pid} is no longer running` };
  if (owner.heartbeatAt !== undefined) {
    const beat = owner.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    const silent = Date.now() - owner.heartbeatAt;
    if (silent > STALE_AFTER_BEATS * beat) return { stale: true, why: `no heartbeat for ${Math.round(silent / 1000)} s` };
    return { stale: false, why: 'its heartbeat is recent' };
  }
  if (!sameHost) return { stale: false, why: `it is on ${owner.hostname}, whose processes cannot be checked from here` };
  return { stale: false, why: `process ${owner.pid} is running` };
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
