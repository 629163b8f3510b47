/**
 * Process supervision for agents and the commands they run: spawn without a shell in a process group
 * of its own, keep the tail of stderr, watch for silence, and make sure that once a process has
 * stopped or crashed nothing of its group is left behind (agents start language servers, test
 * watchers and shells that would otherwise outlive them).
 *
 * Group handling is POSIX: the child is spawned `detached`, so it leads a new process group whose id
 * is its pid, and signals go to the whole group. On Windows there are no process groups; the child
 * is killed on its own there (its descendants may survive).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Transform, type Readable, type Writable } from 'node:stream';
import type { ExitInfo } from './adapter';

/** How long a process gets between SIGTERM and SIGKILL unless the caller says otherwise. */
export const DEFAULT_GRACE_MS = 3000;
/** How much of stderr is kept for the score. */
export const STDERR_TAIL_BYTES = 8 * 1024;

const IS_WINDOWS = process.platform === 'win32';

/** Environment variables an agent gets from the extension host; everything else must be asked for. */
const BASE_ENV_KEYS = [
  'PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LANGUAGE', 'LC_ALL', 'LC_CTYPE', 'LC_MESSAGES',
  'TERM', 'TMPDIR', 'TZ',
  // Agents keep their sign-in and config under these.
  'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_STATE_HOME', 'XDG_CACHE_HOME', 'XDG_RUNTIME_DIR',
  // Agents talk to their model over the network: corporate proxies and CAs must carry over.
  'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy', 'ALL_PROXY', 'all_proxy',
  'NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR',
  // Windows needs these to start almost anything.
  'SystemRoot', 'SYSTEMROOT', 'ComSpec', 'PATHEXT', 'USERPROFILE', 'APPDATA', 'LOCALAPPDATA', 'TEMP', 'TMP',
  'HOMEDRIVE', 'HOMEPATH', 'ProgramData', 'ProgramFiles', 'WINDIR',
];

/**
 * The environment a spawned agent sees: a small base taken from this process (PATH, HOME, locale,
 * terminal, proxies…) with `extra` merged over it. Secrets reach an agent only through `extra`.
 */
export function minimalEnv(extra: Record<string, string> = {}, from: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of BASE_ENV_KEYS) {
    const value = from[key];
    if (value !== undefined) env[key] = value;
  }
  return { ...env, ...extra };
}

export type StartFailure = 'not-found' | 'not-executable' | 'no-cwd' | 'bad-command' | 'spawn-failed';

/** The program could not be started at all; the message says what to do about it. */
export class ProcessStartError extends Error {
  constructor(
    readonly reason: StartFailure,
    message: string,
    readonly program: string,
  ) {
    super(message);
    this.name = 'ProcessStartError';
  }
}

// Install hints for the agents Podium ships profiles for; anything else gets the generic advice.
const INSTALL_HINTS: Record<string, string> = {
  gemini: 'npm install -g @google/gemini-cli',
  codex: 'npm install -g @openai/codex',
  claude: 'npm install -g @anthropic-ai/claude-code',
  'claude-agent-acp': 'npm install -g @agentclientprotocol/claude-agent-acp',
  // The bridge's former name; its package moved.
  'claude-code-acp': 'npm install -g @agentclientprotocol/claude-agent-acp, and use the command claude-agent-acp',
};

/** The message for a program that is not there (or not runnable): what failed and how to fix it. */
export function missingProgramMessage(program: string, label: string, reason: 'not-found' | 'not-executable'): string {
  const base = path.basename(program).replace(/\.(exe|cmd|bat)$/i, '');
  const where = program.includes('/') || program.includes('\\') ? `at ${program}` : 'on the PATH';
  if (reason === 'not-executable') {
    return `Podium could not start ${label}: "${program}" exists but is not executable. Make it executable (chmod +x) or change the command of the "${label}" profile in the podium.agents setting.`;
  }
  const hint = INSTALL_HINTS[base];
  const install = hint ? `Install it (${hint})` : `Install ${base}`;
  return `Podium could not start ${label}: the program "${program}" was not found ${where}. ${install} or change the command of the "${label}" profile in the podium.agents setting.`;
}

export interface SpawnSpec {
  /** argv[0] is the program, run directly: never through a shell. */
  argv: string[];
  cwd: string;
  /** Merged over `minimalEnv()`. */
  env?: Record<string, string>;
  /** The agent profile's label, for error messages. Defaults to the program's name. */
  label?: string;
  stderrTailBytes?: number;
  /** Sees every stderr chunk (the tail is kept regardless). */
  onStderr?: (chunk: Buffer) => void;
  /** Silence watch: `onIdle` runs once when no output came for `ms` while the clock runs. */
  idle?: { ms: number; onIdle: () => void };
  /** After the leader exits on its own, how long the rest of its group gets between SIGTERM and SIGKILL. */
  orphanGraceMs?: number;
}

/**
 * A clock of silence. It only counts while running (an agent owes output: a turn is in progress) and
 * while nothing holds it (the agent is waiting for us: a permission question, a command it asked us to
 * run). Output resets it. It fires at most once.
 */
export class IdleClock {
  private last = Date.now();
  private running = false;
  private holds = 0;
  private timer: NodeJS.Timeout | undefined;
  private fired = false;
  private disposed = false;

  constructor(
    readonly ms: number,
    private readonly onIdle: () => void,
  ) {}

  /** Output arrived. Cheap: called for every chunk, it only records the time. */
  touch(): void {
    this.last = Date.now();
  }

  /** Starts counting silence from now. */
  run(): void {
    this.running = true;
    this.last = Date.now();
    this.schedule();
  }

  /** Stops counting (the agent owes nothing). */
  pause(): void {
    this.running = false;
    this.clear();
  }

  /** Stops counting until the returned release is called; holds nest. */
  hold(): () => void {
    this.holds += 1;
    this.clear();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds -= 1;
      this.last = Date.now();
      this.schedule();
    };
  }

  dispose(): void {
    this.disposed = true;
    this.clear();
  }

  private schedule(): void {
    if (!this.running || this.holds > 0 || this.fired || this.disposed || this.timer || !Number.isFinite(this.ms)) return;
    this.timer = setTimeout(() => this.check(), Math.max(1, this.ms - (Date.now() - this.last)));
    this.timer.unref();
  }

  private check(): void {
    this.timer = undefined;
    if (!this.running || this.holds > 0 || this.fired || this.disposed) return;
    const quiet = Date.now() - this.last;
    if (quiet >= this.ms) {
      this.fired = true;
      this.onIdle();
    } else {
      this.schedule();
    }
  }

  private clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

const live = new Set<SupervisedProcess>();
let exitHookInstalled = false;

/**
 * A running process and its group. Promises: `exited` resolves once the leader has exited, the rest
 * of its group is gone (SIGTERM, then SIGKILL) and its output streams are closed; it never rejects.
 */
export class SupervisedProcess {
  readonly pid: number;
  readonly stdin: Writable;
  /** The child's stdout (each chunk counts as activity for the idle clock). */
  readonly stdout: Readable;
  readonly idle: IdleClock;
  readonly exited: Promise<ExitInfo>;
  readonly label: string;

  private readonly tail: Buffer[] = [];
  private tailBytes = 0;
  private readonly tailLimit: number;
  private leaderExited = false;
  private done = false;
  private stopDeadline: number | undefined;
  private killTimer: NodeJS.Timeout | undefined;

  /** @internal use `spawnSupervised` */
  constructor(
    private readonly child: ChildProcess,
    spec: SpawnSpec,
  ) {
    this.pid = child.pid!;
    this.label = spec.label ?? path.basename(spec.argv[0]!);
    this.tailLimit = spec.stderrTailBytes ?? STDERR_TAIL_BYTES;
    this.idle = spec.idle ? new IdleClock(spec.idle.ms, spec.idle.onIdle) : new IdleClock(Infinity, () => {});
    this.stdin = child.stdin!;
    // An agent that dies mid-write makes stdin fail with EPIPE; that is reported through `exited`.
    this.stdin.on('error', () => {});
    const idle = this.idle;
    const through = new Transform({
      transform(chunk: Buffer, _enc, callback) {
        idle.touch();
        callback(null, chunk);
      },
    });
    child.stdout!.on('error', () => {});
    child.stdout!.pipe(through);
    this.stdout = through;
    child.stderr!.on('data', (chunk: Buffer) => {
      idle.touch();
      this.keepTail(chunk);
      spec.onStderr?.(chunk);
    });
    child.stderr!.on('error', () => {});

    const orphanGrace = spec.orphanGraceMs ?? 1000;
    this.exited = new Promise<ExitInfo>((resolve) => {
      child.once('exit', (code, signal) => {
        this.leaderExited = true;
        void this.finish(code, signal, orphanGrace).then(resolve);
      });
    });
    live.add(this);
  }

  /** True until the leader has exited. */
  get running(): boolean {
    return !this.leaderExited;
  }

  /** The last few KB of stderr, decoded (a character cut at the start is dropped). */
  stderrTail(): string {
    return decodeTail(Buffer.concat(this.tail).subarray(-this.tailLimit));
  }

  /**
   * Stops the process and its whole group: SIGTERM now, SIGKILL after `graceMs`. Protocol-level
   * cancel is the caller's job and comes first. Resolves like `exited`; calling it again is harmless.
   */
  stop(graceMs: number = DEFAULT_GRACE_MS): Promise<ExitInfo> {
    if (this.done) return this.exited;
    const deadline = Date.now() + Math.max(0, graceMs);
    if (this.stopDeadline === undefined || deadline < this.stopDeadline) {
      this.stopDeadline = deadline;
      this.signal('SIGTERM');
      if (this.killTimer) clearTimeout(this.killTimer);
      this.killTimer = setTimeout(() => this.signal('SIGKILL'), Math.max(0, graceMs));
      this.killTimer.unref();
    }
    return this.exited;
  }

  /** Sends a signal to the whole group (on Windows, to the child). Never throws. */
  signal(sig: NodeJS.Signals): void {
    try {
      if (IS_WINDOWS) this.child.kill(sig);
      else process.kill(-this.pid, sig);
    } catch {
      // ESRCH: nothing left to signal.
    }
  }

  private keepTail(chunk: Buffer): void {
    const piece = chunk.length > this.tailLimit ? Buffer.from(chunk.subarray(-this.tailLimit)) : chunk;
    this.tail.push(piece);
    this.tailBytes += piece.length;
    // Keep at least `tailLimit` bytes and at most one chunk more.
    while (this.tail.length > 1 && this.tailBytes - this.tail[0]!.length >= this.tailLimit) {
      this.tailBytes -= this.tail.shift()!.length;
    }
  }

  private async finish(code: number | null, signal: NodeJS.Signals | null, orphanGrace: number): Promise<ExitInfo> {
    this.idle.dispose();
    if (!IS_WINDOWS) await this.sweepGroup(orphanGrace);
    if (this.killTimer) clearTimeout(this.killTimer);
    await this.streamsClosed(1000);
    this.done = true;
    live.delete(this);
    const tail = Buffer.concat(this.tail).subarray(-this.tailLimit);
    return { code, signal, stderrTail: decodeTail(tail) };
  }

  /** The leader is gone; whatever it left in its group gets SIGTERM, then SIGKILL at the deadline. */
  private async sweepGroup(orphanGrace: number): Promise<void> {
    if (!groupAlive(this.pid)) return;
    this.signal('SIGTERM');
    const deadline = Math.min(this.stopDeadline ?? Infinity, Date.now() + orphanGrace);
    if (await waitGroupGone(this.pid, deadline)) return;
    this.signal('SIGKILL');
    await waitGroupGone(this.pid, Date.now() + 2000);
  }

  private streamsClosed(ms: number): Promise<void> {
    const streams = [this.child.stdout, this.child.stderr].filter((s): s is Readable => !!s && !s.closed);
    if (streams.length === 0) return Promise.resolve();
    return new Promise((resolve) => {
      let pending = streams.length;
      const timer = setTimeout(() => {
        // A descendant that left the group still holds the pipe: stop reading it.
        for (const s of streams) s.destroy();
        resolve();
      }, ms);
      for (const s of streams) {
        s.once('close', () => {
          pending -= 1;
          if (pending === 0) {
            clearTimeout(timer);
            resolve();
          }
        });
      }
    });
  }
}

/**
 * Starts `spec.argv` without a shell, in a process group of its own, and resolves once it runs.
 * Refuses (rejects with a ProcessStartError whose message says what to do) an empty argv, a missing
 * working folder, a program that is not found or not executable.
 */
export function spawnSupervised(spec: SpawnSpec): Promise<SupervisedProcess> {
  const program = spec.argv[0];
  const label = spec.label ?? (program ? path.basename(program) : 'the agent');
  if (!program) {
    return Promise.reject(new ProcessStartError('bad-command', `Podium could not start ${label}: its command is empty. Set the command of the "${label}" profile in the podium.agents setting.`, ''));
  }
  try {
    if (!fs.statSync(spec.cwd).isDirectory()) throw new Error('not a folder');
  } catch {
    return Promise.reject(new ProcessStartError('no-cwd', `Podium could not start ${label}: its working folder ${spec.cwd} does not exist.`, program));
  }
  installExitHook();
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(program, spec.argv.slice(1), {
        cwd: spec.cwd,
        env: minimalEnv(spec.env),
        shell: false,
        detached: !IS_WINDOWS,
        windowsHide: true,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
    } catch (err) {
      reject(startError(err, program, label));
      return;
    }
    // Kept for the child's lifetime: a later 'error' (a failed kill) must not go unhandled.
    child.on('error', (err) => {
      if (child.pid === undefined) reject(startError(err, program, label));
    });
    child.once('spawn', () => resolve(new SupervisedProcess(child, { ...spec, label })));
  });
}

function startError(err: unknown, program: string, label: string): ProcessStartError {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return new ProcessStartError('not-found', missingProgramMessage(program, label, 'not-found'), program);
  if (code === 'EACCES') return new ProcessStartError('not-executable', missingProgramMessage(program, label, 'not-executable'), program);
  const detail = err instanceof Error ? err.message : String(err);
  return new ProcessStartError('spawn-failed', `Podium could not start ${label} ("${program}"): ${detail}. Check the command of the "${label}" profile in the podium.agents setting.`, program);
}

/**
 * Stops every process Podium started (agents and the commands they run), SIGTERM then SIGKILL after
 * `graceMs`, and resolves when they are gone. For extension deactivation.
 */
export async function stopAllProcesses(graceMs = 1000): Promise<void> {
  await Promise.all([...live].map((p) => p.stop(graceMs)));
}

/** How many supervised processes are still alive (for tests and the status bar). */
export function liveProcessCount(): number {
  return live.size;
}

// If the extension host goes away without deactivating, detached groups would outlive it: kill them.
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const p of live) p.signal('SIGKILL');
  });
}

/** True while any process of group `pgid` is alive (zombies awaiting their reaper do not count). */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (process.platform !== 'linux') return true;
  // kill(-pgid, 0) also succeeds for zombies; /proc tells the living from the dead.
  try {
    for (const name of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      const stat = readStat(Number(name));
      if (stat && stat.pgrp === pgid && stat.state !== 'Z' && stat.state !== 'X') return true;
    }
    return false;
  } catch {
    return true;
  }
}

/** True while `pid` is a live process (a zombie is not). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (process.platform !== 'linux') return true;
  const stat = readStat(pid);
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
}

function readStat(pid: number): { state: string; pgrp: number } | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses: fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0]!, pgrp: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

async function waitGroupGone(pgid: number, deadline: number): Promise<boolean> {
  for (;;) {
    if (!groupAlive(pgid)) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, Math.min(50, Math.max(1, deadline - Date.now()))));
  }
}

function decodeTail(bytes: Buffer): string {
  let start = 0;
  // Skip UTF-8 continuation bytes left over from a character cut in half.
  while (start < bytes.length && start < 4 && (bytes[start]! & 0xc0) === 0x80) start += 1;
  return bytes.subarray(start).toString('utf8');
}
