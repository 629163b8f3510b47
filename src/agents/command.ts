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
import type { AgentAdapter, AgentLaunch, AgentSession, AgentSink, ExitInfo } from './adapter';
import { LineSplitter } from './lines';
import { lastErrorOutput, lastOutput, ProcessSession, readStdout, type Purpose } from './processSession';
import { Deferred, exitHow } from './sessionKit';

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

/**
 * The command's run is the session's one turn: `start` runs the command with the prompt and
 * resolves when it exits with code 0 (or after a cancel); it rejects when the command cannot be
 * started, exits with another code or a signal, or is stopped.
 */
class CommandSession extends ProcessSession {
  private readonly via: 'arg' | 'stdin' | 'none';
  private run?: Deferred<void>;
  private cancelled = false;
  private readonly throttles: Record<'stdout' | 'stderr', Throttle>;
  private readonly splitters: Record<'stdout' | 'stderr', LineSplitter>;

  constructor(launch: AgentLaunch, sink: AgentSink, options: CommandAdapterOptions) {
    super(launch, sink, options.graceMs);
    this.via = launch.promptVia ?? options.promptVia ?? 'arg';
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
  }

  /** Refused: a plain command takes its prompt once. The follow-up is recorded as not delivered. */
  override async prompt(text: string, purpose: 'followup' | 'feedback'): Promise<void> {
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

  protected async boot(prompt: string): Promise<void> {
    const argv = this.via === 'arg' ? [...this.launch.argv, prompt] : [...this.launch.argv];
    await this.spawn(argv, (chunk) => this.splitters.stderr.push(chunk));
    this.run = new Deferred<void>();
    // No handshake: a command that runs is ready.
    this.emit({ type: 'session.ready', agentName: this.label });
  }

  protected runTurn(text: string, purpose: Purpose): Promise<void> {
    const proc = this.proc!;
    this.emit({ type: 'prompt.sent', text, purpose });
    const stdoutDone = readStdout(proc, (chunk) => this.splitters.stdout.push(chunk));
    void proc.exited.then(async (info) => {
      await lastOutput(stdoutDone);
      this.onExit(info);
    });
    // End of input either way: a command that reads stdin must not wait for more.
    if (this.via === 'stdin') proc.stdin.end(text);
    else proc.stdin.end();
    proc.idle.run();
    if (this.stopping) void proc.stop(this.graceMs);
    return this.run!.promise;
  }

  protected abandon(): void {
    if (this.proc?.running) void this.proc.stop(this.graceMs);
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
      run.reject(this.fail(`${this.label} failed (${exitHow(info)}).${lastErrorOutput(info)}`));
    }
    this.endSession(info);
  }
}
