/**
 * Reading objects through one long-lived `git cat-file --batch` per repository, rather than a `git
 * show` per file: sign-off reads a base text for every hunk it checks, and with many agents at once a
 * process per read is what the extension host spends its time starting (Node waits for each child to
 * start before it goes on).
 *
 * The process starts on the first read, answers reads in the order they were asked, and ends after a
 * few idle seconds (or when this process exits), so nothing lingers. A read it cannot answer (the
 * process died, a name it cannot take) falls back to `git show`, so a read never fails because of the
 * batch.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { gitEnvironment, runGit } from './git';

const IDLE_MS = 5_000;

interface Pending {
  resolve(value: Buffer | null): void;
  reject(error: Error): void;
}

class Batch {
  private readonly child: ChildProcessByStdio<Writable, Readable, null>;
  private readonly queue: Pending[] = [];
  private buffer: Buffer = Buffer.alloc(0);
  private idle: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    readonly cwd: string,
    private readonly onClose: () => void,
  ) {
    this.child = spawn('git', ['--no-pager', 'cat-file', '--batch'], {
      cwd,
      env: gitEnvironment(),
      stdio: ['pipe', 'pipe', 'ignore'],
      windowsHide: true,
    });
    // Idle, it must never keep the extension host (or a test run) alive by itself.
    this.hold(false);
    this.child.stdin.on('error', () => this.fail(new Error('git cat-file stopped reading')));
    this.child.stdout.on('data', (chunk: Buffer) => this.take(chunk));
    this.child.on('error', (error) => this.fail(error));
    this.child.on('close', () => this.fail(new Error('git cat-file exited')));
  }

  /** The object's bytes, or null when the repository has no such object. */
  read(name: string): Promise<Buffer | null> {
    if (this.closed) return Promise.reject(new Error('git cat-file is closed'));
    if (this.idle) clearTimeout(this.idle);
    this.hold(true);
    return new Promise((resolve, reject) => {
      this.queue.push({ resolve, reject });
      this.child.stdin.write(`${name}\n`);
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
    this.child.stdin.end();
    this.child.kill();
  }

  private take(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const eol = this.buffer.indexOf(10);
      if (eol === -1) return;
      const header = this.buffer.subarray(0, eol).toString('utf8');
      const missing = / (missing|ambiguous)$/.test(header);
      if (missing) {
        this.buffer = this.buffer.subarray(eol + 1);
        this.queue.shift()?.resolve(null);
      } else {
        const size = Number(/^[0-9a-f]+ \w+ (\d+)$/.exec(header)?.[1]);
        if (!Number.isFinite(size)) return this.fail(new Error(`git cat-file said "${header}"`));
        if (this.buffer.length < eol + 1 + size + 1) return; // the rest is still coming
        const body = Buffer.from(this.buffer.subarray(eol + 1, eol + 1 + size));
        this.buffer = this.buffer.subarray(eol + 1 + size + 1);
        this.queue.shift()?.resolve(body);
      }
      if (this.queue.length === 0) this.armIdle();
    }
  }

  /** Whether the process and its output keep this process alive: while an answer is awaited. */
  private hold(on: boolean): void {
    const handles = [this.child, this.child.stdout as unknown as { ref(): void; unref(): void }];
    for (const h of handles) {
      if (on) h.ref();
      else h.unref();
    }
  }

  private armIdle(): void {
    this.hold(false);
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => this.close(), IDLE_MS);
    this.idle.unref();
  }

  private fail(error: Error): void {
    if (!this.closed) this.close();
    for (const p of this.queue.splice(0)) p.reject(error);
  }
}

const batches = new Map<string, Batch>();

/**
 * The bytes of `<commit>:<path>` (a path from the repository's root), or null when the commit has no
 * such file. `cwd` is any folder of the repository.
 */
export async function readPathAtCommit(cwd: string, commit: string, relPath: string): Promise<Buffer | null> {
  // cat-file reads one name a line; a name with a line break goes the slow way.
  if (!/[\n\r]/.test(relPath) && !/\s/.test(commit)) {
    let batch = batches.get(cwd);
    if (!batch) {
      const created: Batch = new Batch(cwd, () => {
        if (batches.get(cwd) === created) batches.delete(cwd);
      });
      batch = created;
      batches.set(cwd, batch);
    }
    try {
      return await batch.read(`${commit}:${relPath}`);
    } catch {
      // The batch process is gone (killed, git missing); `git show` gives the real error, if any.
    }
  }
  const result = await runGit(['show', `${commit}:${relPath}`], { cwd, okExitCodes: [0, 128] });
  return result.exitCode === 0 ? result.stdoutBytes : null;
}
