/**
 * The adapter for any command: an argv run without a shell in the task's worktree, the prompt given
 * as its last argument or on stdin, every line it prints shown on the score as `agent.output`. The
 * run is the whole session: it ends when the command exits (exit code 0: done; anything else: failed).
 * A plain command cannot take follow-ups; those are refused with a clear error and recorded.
 *
 * Output is bounded so a command that floods cannot flood Podium: lines longer than a limit are cut
 * with a marker, and past a rate per second lines are counted rather than shown one by one (the last
 * few of each burst still are). Memory stays bounded either way.
 */
import type { EventBody } from '../score/events';
import type { AgentAdapter, AgentLaunch, AgentSession, AgentSink, ExitInfo } from './adapter';
import { SessionStoppedError } from './acp';
import { LineSplitter } from './lines';
import { DEFAULT_GRACE_MS, spawnSupervised, type SupervisedProcess } from './process';
import { Deferred, delay, exitHow, lastLines, messageOf } from './sessionKit';

export interface CommandAdapterOptions {
  /**
   * How the task's prompt reaches the command when the launch does not say (`AgentLaunch.promptVia`,
   * from the profile): its last argument (default), its stdin, or not at all.
   */
  promptVia?: 'arg' | 'stdin' | 'none';
  /** Between SIGTERM and SIGKILL when stopping, and between SIGINT and stopping on cancel (default 3 s). */
  graceMs?: number;
  /** Longest line shown whole (default 16 KiB); the rest of a longer line is cut with a marker. */
  maxLineBytes?: number;
  /** Lines per second and stream shown one by one (default 200); the rest are summarised. */
  maxLinesPerSecond?: number;
  /** How many of the lines beyond the rate each summary still shows (default 10). */
  keepLastLines?: number;
}

/** Runs plain commands. One adapter serves any number of sessions. */
export class CommandAdapter implements AgentAdapter {
  readonly kind = 'command';

  constructor(private readonly options: CommandAdapterOptions = {}) {}

  create(launch: AgentLaunch, sink: AgentSink): AgentSession {
    return new CommandSession(launch, sink, this.options);
  }
}

/** The text that replaces the rest of a line that was too long. */
export function cutMarker(cutBytes: number): string {
  return ` … [line cut: ${cutBytes} more bytes]`;
}

/**
 * One output stream's lines, at most `max` a second as their own events; beyond that they are
 * counted and the last few kept, and one summary event goes out when the second is over.
 */
class Throttle {
  private windowStart = 0;
  private inWindow = 0;
  private skipped = 0;
  private tail: string[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly out: (text: string) => void,
    private readonly max: number,
    private readonly keep: number,
  ) {}

  line(text: string): void {
    const now = Date.now();
    if (now - this.windowStart >= 1000) {
      this.flush();
      this.windowStart = now;
      this.inWindow = 0;
    }
    if (this.inWindow < this.max) {
      this.inWindow += 1;
      this.out(text);
      return;
    }
    this.skipped += 1;
    this.tail.push(text);
    if (this.tail.length > this.keep) this.tail.shift();
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), Math.max(1, 1000 - (now - this.windowStart)));
      this.timer.unref();
    }
  }

  /** Sends the summary of what was held back, if anything. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.skipped === 0) return;
    const hidden = this.skipped - this.tail.length;
    const head = hidden > 0 ? `[… ${hidden} lines not shown: more than ${this.max} a second]` : '';
    this.out([head, ...this.tail].filter(Boolean).join('\n'));
    this.skipped = 0;
    this.tail = [];
  }
}

type Phase = 'new' | 'running' | 'ended';

class CommandSession implements AgentSession {
  readonly exited: Promise<ExitInfo>;

  private readonly label: string;
  private readonly graceMs: number;
  private phase: Phase = 'new';
  private proc?: SupervisedProcess;
  private spawned?: Promise<SupervisedProcess | undefined>;
  private run?: Deferred<void>;
  private failure?: Error;
  private stopping = false;
  private cancelled = false;
  private stopPromise?: Promise<ExitInfo>;
  private resolveExited!: (info: ExitInfo) => void;
  private exitSettled = false;
  private readonly throttles: Record<'stdout' | 'stderr', Throttle>;
  private readonly splitters: Record<'stdout' | 'stderr', LineSplitter>;

  constructor(
    private readonly launch: AgentLaunch,
    private readonly sink: AgentSink,
    private readonly options: CommandAdapterOptions,
  ) {
    this.label = launch.identity.label;
    this.graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
    const max = options.maxLinesPerSecond ?? 200;
    const keep = options.keepLastLines ?? 10;
    const maxLine = options.maxLineBytes ?? 16 * 1024;
    const stream = (name: 'stdout' | 'stderr'): [Throttle, LineSplitter] => {
      const throttle = new Throttle((text) => this.emit({ type: 'agent.output', stream: name, text }), max, keep);
      const splitter = new LineSplitter((text, cut) => {
        // Blank lines carry no information on the score.
        if (cut === 0 && text.trim() === '') return;
        throttle.line(cut > 0 ? `${text}${cutMarker(cut)}` : text);
      }, maxLine);
      return [throttle, splitter];
    };
    const [outThrottle, outSplitter] = stream('stdout');
    const [errThrottle, errSplitter] = stream('stderr');
    this.throttles = { stdout: outThrottle, stderr: errThrottle };
    this.splitters = { stdout: outSplitter, stderr: errSplitter };
    this.exited = new Promise((resolve) => {
      this.resolveExited = resolve;
    });
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /**
   * Runs the command with the prompt. Resolves when it exits with code 0 (or after a cancel);
   * rejects when it cannot be started, exits with another code or a signal, or is stopped.
   */
  async start(prompt: string): Promise<void> {
    if (this.phase !== 'new') throw new Error(`${this.label}: start() was already called for this session.`);
    if (this.stopping) throw this.failure;
    this.phase = 'running';
    const via = this.launch.promptVia ?? this.options.promptVia ?? 'arg';
    const argv = via === 'arg' ? [...this.launch.argv, prompt] : [...this.launch.argv];
    const { cwd } = this.launch;
    let spawnedResolve!: (p: SupervisedProcess | undefined) => void;
    this.spawned = new Promise((r) => (spawnedResolve = r));
    let proc: SupervisedProcess;
    try {
      const idleSec = this.launch.idleSec;
      proc = await spawnSupervised({
        argv,
        cwd,
        env: this.launch.env,
        label: this.label,
        onStderr: (chunk) => this.splitters.stderr.push(chunk),
        idle: idleSec && idleSec > 0 ? { ms: idleSec * 1000, onIdle: () => this.onHung(idleSec) } : undefined,
      });
    } catch (err) {
      spawnedResolve(undefined);
      this.phase = 'ended';
      const error = this.fail(messageOf(err));
      this.settleExit({ code: null, signal: null, stderrTail: '' });
      throw error;
    }
    this.proc = proc;
    spawnedResolve(proc);
    const run = (this.run = new Deferred<void>());
    this.emit({ type: 'session.spawned', agent: this.launch.identity, command: argv, cwd, pid: proc.pid });
    // No handshake: a command that runs is ready.
    this.emit({ type: 'session.ready', agentName: this.label });
    this.emit({ type: 'prompt.sent', text: prompt, purpose: 'task' });
    const stdoutDone = new Promise<void>((resolve) => {
      proc.stdout.once('end', resolve);
      proc.stdout.once('close', resolve);
    });
    proc.stdout.on('data', (chunk: Buffer) => this.splitters.stdout.push(chunk));
    void proc.exited.then(async (info) => {
      await Promise.race([stdoutDone, delay(500)]);
      this.onExit(info);
    });
    // End of input either way: a command that reads stdin must not wait for more.
    if (via === 'stdin') proc.stdin.end(prompt);
    else proc.stdin.end();
    proc.idle.run();
    if (this.stopping) void proc.stop(this.graceMs);
    return run.promise;
  }

  /** Refused: a plain command takes its prompt once. The follow-up is recorded as not delivered. */
  async prompt(text: string, purpose: 'followup' | 'feedback'): Promise<void> {
    const what = purpose === 'feedback' ? 'Rejection feedback' : 'A follow-up';
    const message = `${what} cannot be sent to ${this.label}: it is a plain command, which takes its prompt once when it starts. Start a new task to give it more instructions.`;
    this.emit({ type: 'notice', level: 'warning', code: 'followup-not-delivered', text: `${message}\nNot delivered: ${text}` });
    throw new Error(message);
  }

  /** Interrupts the command as Ctrl-C would (SIGINT to its group); stops it if it is still running after the grace time. */
  async cancel(): Promise<void> {
    const proc = this.proc;
    if (!proc || !proc.running || this.cancelled) return;
    this.cancelled = true;
    proc.signal('SIGINT');
    const escalate = setTimeout(() => void proc.stop(this.graceMs), this.graceMs);
    escalate.unref();
    void proc.exited.then(() => clearTimeout(escalate));
  }

  stop(graceMs: number = this.graceMs): Promise<ExitInfo> {
    this.stopPromise ??= this.doStop(graceMs);
    return this.stopPromise;
  }

  private emit(body: EventBody): void {
    this.sink.emit(body);
  }

  private async doStop(graceMs: number): Promise<ExitInfo> {
    this.stopping = true;
    this.failure ??= new SessionStoppedError(this.label);
    const proc = await (this.spawned ?? Promise.resolve(undefined));
    if (!proc) {
      this.settleExit({ code: null, signal: null, stderrTail: '' });
      return this.exited;
    }
    await proc.stop(graceMs);
    return this.exited;
  }

  private fail(reason: string): Error {
    if (!this.failure) {
      this.failure = new Error(reason);
      if (!this.stopping) this.emit({ type: 'session.failed', reason });
    }
    if (this.proc?.running) void this.proc.stop(this.graceMs);
    return this.failure;
  }

  private onHung(idleSec: number): void {
    if (this.failure || this.stopping) return;
    this.emit({ type: 'notice', level: 'error', code: 'hung', text: `No output from ${this.label} for ${idleSec} s: Podium considers it hung and stops it.` });
    this.fail(`${this.label} hung (no output for ${idleSec} s) and was stopped.`);
  }

  private onExit(info: ExitInfo): void {
    for (const name of ['stdout', 'stderr'] as const) {
      this.splitters[name].end();
      this.throttles[name].flush();
    }
    const run = this.run!;
    if (this.failure) {
      run.reject(this.failure);
    } else if (this.cancelled || info.code === 0) {
      run.resolve();
    } else {
      const last = lastLines(info.stderrTail, 3);
      run.reject(this.fail(`${this.label} failed (${exitHow(info)}).${last ? ` Its last error output: ${last}` : ''}`));
    }
    this.phase = 'ended';
    this.emit({ type: 'session.exited', code: info.code, signal: info.signal, stderrTail: info.stderrTail });
    this.settleExit(info);
  }

  private settleExit(info: ExitInfo): void {
    if (this.exitSettled) return;
    this.exitSettled = true;
    this.resolveExited(info);
  }
}
