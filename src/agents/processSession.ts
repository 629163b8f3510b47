/**
 * The life of an agent session that runs local processes, whatever protocol it speaks (ACP, Claude
 * Code, Codex, a plain command): start and the queue of turns, failing once with a reason, stopping
 * (protocol cancel, then SIGTERM, then SIGKILL) and ending once with `session.exited`. Each adapter
 * fills in its protocol through a few hooks: how the agent boots and answers its handshake
 * (`boot`), how one turn runs (`runTurn`), how a turn is cancelled (`cancel`), what still runs after
 * a failure (`abandon`), and, where it differs from signals alone, how its process is stopped.
 *
 * The events it emits itself, as `AgentSession` promises: `session.spawned` with the first process,
 * `session.failed` once (never for `stop()`), the `hung` notice, and `session.exited` once.
 */
import type { EventBody } from '../score/events';
import type { AgentLaunch, AgentSession, AgentSink, ExitInfo, PermissionAsk } from './adapter';
import { DEFAULT_GRACE_MS, spawnSupervised, type SupervisedProcess } from './process';
import { Deferred, delay, exitHow, lastLines, type MalformedLines, messageOf, parseJsonLine, untilAborted } from './sessionKit';

/** A turn (or the session) ended because `stop()` was called, not because anything failed. */
export class SessionStoppedError extends Error {
  constructor(label: string) {
    super(`Podium stopped ${label}.`);
    this.name = 'SessionStoppedError';
  }
}

export type Purpose = 'task' | 'followup' | 'feedback';

type Phase = 'new' | 'starting' | 'running' | 'ended';

/** How a session ends whose process never ran. */
export function noExit(): ExitInfo {
  return { code: null, signal: null, stderrTail: '' };
}

/** Why a turn that showed no progress for `idleSec` was stopped (the no-progress limit). */
export function hungReason(label: string, idleSec: number): string {
  return `${label} hung (no output for ${idleSec} s) and was stopped.`;
}

/** " Its last error output: …" from the end of stderr, or nothing when it wrote none. */
export function lastErrorOutput(info: ExitInfo): string {
  const last = lastLines(info.stderrTail, 3);
  return last ? ` Its last error output: ${last}` : '';
}

/** Feeds each chunk of `proc`'s stdout to `onChunk`; resolves once stdout has ended or closed. */
export function readStdout(proc: SupervisedProcess, onChunk: (chunk: Buffer) => void): Promise<void> {
  proc.stdout.on('data', onChunk);
  return new Promise<void>((resolve) => {
    proc.stdout.once('end', resolve);
    proc.stdout.once('close', resolve);
  });
}

/**
 * Waits, half a second at most, for the rest of an exited agent's output (`done`): its last words
 * reach the score before its exit does.
 */
export async function lastOutput(done: Promise<unknown>): Promise<void> {
  await Promise.race([done, delay(500)]);
}

export abstract class ProcessSession<Turn extends object = never> implements AgentSession {
  readonly exited: Promise<ExitInfo>;

  protected readonly label: string;
  protected readonly graceMs: number;
  protected phase: Phase = 'new';
  /** The agent's process; with a process per turn, the running turn's, else the last one that ran. */
  protected proc?: SupervisedProcess;
  protected turn?: Turn;
  /** Why the session is over or ending: what the turn in progress and every later call reject with. */
  protected failure?: Error;
  /** `stop()` was called. */
  protected stopping = false;
  /** Aborted when the session ends: withdraws the questions the agent asked the engineer. */
  protected readonly lifetime = new AbortController();

  private readonly exit = new Deferred<ExitInfo>();
  private exitEmitted = false;
  /** Set by start(), not when boot() spawns: a stop() right after start() must wait for the spawn. */
  private spawned?: Deferred<SupervisedProcess | undefined>;
  private chain: Promise<unknown> = Promise.resolve();
  private stopPromise?: Promise<ExitInfo>;

  /**
   * `commandShould` says what the profile's command must do, for the advice on a failed start
   * ("starts Claude Code": `Check that "claude -p" starts Claude Code (the podium.agents setting).`).
   */
  protected constructor(
    protected readonly launch: AgentLaunch,
    protected readonly sink: AgentSink,
    graceMs: number | undefined,
    private readonly commandShould = 'starts the agent',
  ) {
    this.label = launch.identity.label;
    this.graceMs = graceMs ?? DEFAULT_GRACE_MS;
    this.exited = this.exit.promise;
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  start(prompt: string): Promise<void> {
    if (this.phase !== 'new') return Promise.reject(new Error(`${this.label}: start() was already called for this session.`));
    if (this.stopping) return Promise.reject(this.failure);
    this.phase = 'starting';
    this.spawned = new Deferred();
    return this.serial(async () => {
      await this.boot(prompt);
      this.phase = 'running';
      await this.runTurn(prompt, 'task');
    });
  }

  prompt(text: string, purpose: 'followup' | 'feedback'): Promise<void> {
    if (this.phase === 'new') return Promise.reject(new Error(`${this.label}: the session has not been started.`));
    return this.serial(() => this.runTurn(text, purpose));
  }

  abstract cancel(): Promise<void>;

  stop(graceMs: number = this.graceMs): Promise<ExitInfo> {
    this.stopPromise ??= this.stopSession(graceMs);
    return this.stopPromise;
  }

  // ── what each protocol fills in ──────────────────────────────────────────────────────────────

  /**
   * Starts the agent (`spawn`) and waits until it has answered its handshake (`session.ready`).
   * `prompt` is the task's prompt, for an agent that takes it when it starts.
   */
  protected abstract boot(prompt: string): Promise<void>;

  /** Delivers one prompt (`prompt.sent`) and resolves when the agent waits again. */
  protected abstract runTurn(text: string, purpose: Purpose): Promise<void>;

  /** After a failure: rejects what waits on the agent and ends what still runs (its exit ends the session). */
  protected abstract abandon(failure: Error): void;

  /** Gives up on an agent that went silent during a turn; by default like any failure. */
  protected failHung(reason: string): void {
    this.fail(reason);
  }

  /**
   * Stops one of the agent's processes after `stop()`: by default SIGTERM, then SIGKILL after
   * `graceMs`; a protocol with a cancel of its own asks first.
   */
  protected async stopProcess(proc: SupervisedProcess, graceMs: number): Promise<void> {
    await proc.stop(graceMs);
  }

  /**
   * Ends what runs once `stop()` was called; the process's exit ends the session. This serves one
   * process per session: it waits for a spawn in progress, and ends the session at once when no
   * process ever ran.
   */
  protected async halt(graceMs: number): Promise<void> {
    const proc = await (this.spawned?.promise ?? Promise.resolve(undefined));
    if (!proc) {
      this.settleExit(noExit());
      return;
    }
    await this.stopProcess(proc, graceMs);
  }

  /** Records an event. */
  protected emit(body: EventBody): void {
    this.sink.emit(body);
  }

  // ── the shared lifecycle ─────────────────────────────────────────────────────────────────────

  /**
   * Starts a process of the agent in the task's worktree, its silence watched while a turn runs.
   * The first one is announced (`session.spawned`). One that cannot start fails the session.
   */
  protected async spawn(argv: string[], onStderr?: (chunk: Buffer) => void): Promise<SupervisedProcess> {
    const { cwd, idleSec } = this.launch;
    let proc: SupervisedProcess;
    try {
      proc = await spawnSupervised({
        argv,
        cwd,
        env: this.launch.env,
        label: this.label,
        onStderr,
        idle: idleSec && idleSec > 0 ? { ms: idleSec * 1000, onIdle: () => this.onHung(idleSec) } : undefined,
      });
    } catch (err) {
      throw this.couldNotStart(err);
    }
    const first = this.proc === undefined;
    this.proc = proc;
    this.spawned?.resolve(proc);
    if (first) this.emit({ type: 'session.spawned', agent: this.launch.identity, command: argv, cwd, pid: proc.pid });
    return proc;
  }

  /** The agent could not be started: the session fails, and ends at once if no process ever ran. */
  protected couldNotStart(err: unknown): Error {
    this.spawned?.resolve(undefined);
    const error = this.fail(messageOf(err));
    if (!this.proc) this.settleExit(noExit());
    return error;
  }

  /**
   * Gives up on the session: records why (once), emits `session.failed` (unless stopping) and
   * `abandon`s what still runs. Returns the error every waiting and later call rejects with.
   */
  protected fail(reason: string): Error {
    const failure = this.noteFailure(reason);
    this.abandon(failure);
    return failure;
  }

  /** The first half of `fail`: records why (only the first reason counts) and says so. */
  protected noteFailure(reason: string): Error {
    if (!this.failure) {
      this.failure = new Error(reason);
      if (!this.stopping) this.emit({ type: 'session.failed', reason });
    }
    return this.failure;
  }

  /**
   * For an exit nobody asked for: exit code 0 between turns only ends the session (later calls
   * reject, nothing failed); anything else is a crash and fails it.
   */
  protected judgeExit(info: ExitInfo): void {
    if (this.stopping || this.failure) return;
    const cleanBetweenTurns = this.phase === 'running' && !this.turn && info.code === 0;
    if (cleanBetweenTurns) this.failure = new Error(`${this.label} has exited.`);
    else this.fail(this.crashReason(info));
  }

  protected crashReason(info: ExitInfo): string {
    const when = this.phase === 'starting' ? ` before it finished starting. ${this.setupAdvice()}` : this.turn ? ' during its turn.' : '.';
    return this.exitedUnexpectedly(info, when);
  }

  protected exitedUnexpectedly(info: ExitInfo, when: string): string {
    return `${this.label} exited unexpectedly (${exitHow(info)})${when}${lastErrorOutput(info)}`;
  }

  /** What to check when the agent does not start as it should. */
  protected setupAdvice(): string {
    return `Check that "${this.launch.argv.join(' ')}" ${this.commandShould} (the podium.agents setting).`;
  }

  /**
   * `request`'s answer if it comes within `ms`; otherwise the session fails, saying which answer
   * (`what`) did not come and what to check.
   */
  protected async withinStartup<T>(request: Promise<T>, ms: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = Symbol('timeout');
    const timeout = new Promise<typeof timedOut>((resolve) => {
      timer = setTimeout(() => resolve(timedOut), ms);
    });
    try {
      const result = await Promise.race([request, timeout]);
      if (result === timedOut) {
        throw this.fail(`${this.label} did not answer ${what} within ${Math.round(ms / 1000)} s. ${this.setupAdvice()}`);
      }
      return result as T;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * One stdout line of a JSON-lines protocol: a line that is not a JSON object is reported through
   * `malformed`; one `read` cannot make sense of (`what`: "a message") becomes an `agent.error`.
   * The session goes on either way.
   */
  protected readJsonLine(text: string, cut: number, malformed: MalformedLines, what: string, read: (message: Record<string, unknown>) => void): void {
    const message = parseJsonLine(text, cut, malformed);
    if (!message) return;
    try {
      read(message);
    } catch (err) {
      this.emit({ type: 'agent.error', message: `${this.label} sent ${what} Podium could not read: ${messageOf(err)}`, detail: text.slice(0, 2048) });
    }
  }

  /**
   * Asks the engineer the agent's question and resolves with the chosen option id, or null when
   * the question is withdrawn first (any of `withdrawnBy` aborts: the session ending, the turn being
   * cancelled, the agent taking it back) or the answer is not one of its options. The agent waits
   * meanwhile: its silence is not hanging.
   */
  protected async askEngineer(ask: PermissionAsk, withdrawnBy: (AbortSignal | undefined)[]): Promise<string | null> {
    const signal = AbortSignal.any(withdrawnBy.filter((s): s is AbortSignal => s !== undefined));
    const release = this.proc?.idle.hold();
    let chosen: string | null;
    try {
      chosen = await untilAborted(this.sink.requestPermission(ask, signal), signal);
    } finally {
      release?.();
    }
    return chosen !== null && ask.options.some((o) => o.id === chosen) ? chosen : null;
  }

  /** Ends the session, once: `session.exited` with the (last) process's exit, then `exited` resolves. */
  protected endSession(info: ExitInfo): void {
    if (this.exitEmitted) return;
    this.exitEmitted = true;
    this.phase = 'ended';
    this.lifetime.abort();
    this.emit({ type: 'session.exited', code: info.code, signal: info.signal, stderrTail: info.stderrTail });
    this.settleExit(info);
  }

  /** Resolves `exited` (only the first time counts), without `session.exited`. */
  protected settleExit(info: ExitInfo): void {
    this.exit.resolve(info);
  }

  private onHung(idleSec: number): void {
    if (this.failure || this.stopping) return;
    this.emit({ type: 'notice', level: 'error', code: 'hung', text: `No progress from ${this.label} for ${idleSec} s (no output at all): Podium stops the turn. Raise the no-progress limit (podium.noProgressSec, or the task's idle budget) for an agent that needs longer.` });
    this.failHung(hungReason(this.label, idleSec));
  }

  private async stopSession(graceMs: number): Promise<ExitInfo> {
    this.stopping = true;
    this.failure ??= new SessionStoppedError(this.label);
    await this.halt(graceMs);
    return this.exited;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn);
    this.chain = run.catch(() => {});
    return run;
  }
}
