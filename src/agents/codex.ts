/**
 * The adapter for the Codex CLI in non-interactive mode. A Codex session is a series of processes:
 * the task runs as `codex exec --json -` (the prompt on stdin, then end of input), and each follow-up
 * as `codex exec --json resume <thread id> -` in the same thread. Each turn's process is supervised
 * like any agent (own process group, idle clock, SIGTERM then SIGKILL); cancel stops it.
 *
 * Codex keeps retrying when its service is out of reach ("Reconnecting... n/5", then "waiting for
 * network" for ever). Podium does not wait: a few reconnects in a row, or the wait for network, fail
 * the session with what to do; an authentication error fails it at once.
 *
 * Session-level events: `session.spawned` with the first process, `session.ready` at the first
 * `thread.started`, `session.waiting` after each turn's process has exited, and `session.exited`
 * once, when the session ends (stop or failure), with the last process's exit.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { AgentAdapter, AgentLaunch, AgentSession, AgentSink, ExitInfo } from './adapter';
import {
  accumulateUsage,
  codexArgv,
  isReconnect,
  isSignInText,
  isWaitingForNetwork,
  mcpOutput,
  readChanges,
  readTodoItems,
  readUsage,
  type CodexUsage,
} from './codexEvents';
import { displayPath } from './confine';
import { LineSplitter } from './lines';
import type { SupervisedProcess } from './process';
import { lastOutput, noExit, ProcessSession, readStdout, type Purpose } from './processSession';
import { Deferred, MalformedLines, obj, str, stripUndefined } from './sessionKit';

export { CODEX_DEFAULT_ARGV } from './codexEvents';

export interface CodexAdapterOptions {
  /** Between SIGTERM and SIGKILL when stopping a turn's process (default 3 s). */
  graceMs?: number;
  /**
   * How many "Reconnecting…" errors in a row (without any progress in between) fail the session
   * (default 4: Codex 0.169 without network reaches that in about 3 s). "Waiting for network" fails
   * it at once.
   */
  maxReconnects?: number;
  /** After `turn.completed`, how long the process may take to exit before it is stopped (default 5 s). */
  exitWaitMs?: number;
  /** Longest stdout line read as an event (default 32 MiB); longer ones are reported and skipped. */
  maxLineBytes?: number;
}

/** Runs Codex sessions. One adapter serves any number of sessions. */
export class CodexAdapter implements AgentAdapter {
  readonly kind = 'codex';

  constructor(private readonly options: CodexAdapterOptions = {}) {}

  /**
   * A session for `launch` (not started). `launch.argv` is the profile's command (`codex`, or a full
   * `codex exec …` line); the adapter completes it with `codexArgv` and appends `-` (first turn) or
   * `resume <thread id> -` (follow-ups).
   */
  create(launch: AgentLaunch, sink: AgentSink): AgentSession {
    return new CodexSession(launch, sink, this.options);
  }
}

interface Turn {
  no: number;
  proc: SupervisedProcess;
  done: Deferred<void>;
  splitter: LineSplitter;
  stdoutDone: Promise<void>;
  cancelled: boolean;
  completed: boolean;
  failedMessage?: string;
  /** `error` events not yet shown: a `turn.failed` with the same words usually follows. */
  errors: string[];
  reconnects: number;
  reconnectNoticeShown: boolean;
  /** Output already shown per command item, so updates append only what is new. */
  shownOutput: Map<string, number>;
  /** Items announced with item.started (commands, tools) by item id. */
  started: Set<string>;
  lastPlan?: string;
  exitTimer?: NodeJS.Timeout;
}

class CodexSession extends ProcessSession<Turn> {
  private readonly baseArgv: string[];
  private readonly malformed: MalformedLines;
  private lastExit?: ExitInfo;
  /** A turn's process is being started (spawned, but the turn is not set up yet). */
  private starting = false;
  private ready = false;
  private threadId?: string;
  private realRoot?: string;
  private turnNo = 0;
  private usage: CodexUsage = { inputTokens: 0, outputTokens: 0 };

  constructor(
    launch: AgentLaunch,
    sink: AgentSink,
    private readonly options: CodexAdapterOptions,
  ) {
    super(launch, sink, options.graceMs, 'runs `codex exec`');
    this.baseArgv = codexArgv(launch.argv);
    this.malformed = new MalformedLines(this.label, 'Codex JSONL', (body) => this.emit(body));
  }

  /** Codex exec has no in-band cancel: the turn's process is stopped; the thread can still be resumed. */
  async cancel(): Promise<void> {
    const turn = this.turn;
    if (!turn || turn.cancelled || !turn.proc.running) return;
    turn.cancelled = true;
    await turn.proc.stop(this.graceMs);
  }

  // ── turns ────────────────────────────────────────────────────────────────────────────────────

  private turnArgv(): string[] {
    return this.threadId ? [...this.baseArgv, 'resume', this.threadId, '-'] : [...this.baseArgv, '-'];
  }

  /** Nothing to start yet: each turn runs a process of its own (`runTurn`). */
  protected async boot(): Promise<void> {}

  protected async runTurn(text: string, purpose: Purpose): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.turnNo > 0 && !this.threadId) {
      throw this.fail(`${this.label} never said which thread it works in, so a follow-up cannot continue it. Start a new task instead.`);
    }
    const argv = this.turnArgv();
    const { cwd } = this.launch;
    const no = this.turnNo + 1;
    const first = !this.proc;
    this.starting = true;
    const proc = await this.spawn(argv);
    this.turnNo = no;
    if (first) this.realRoot = await fsp.realpath(cwd).catch(() => cwd);
    if (this.stopping) {
      this.starting = false;
      await proc.stop(this.graceMs);
      this.endSession(await proc.exited);
      throw this.failure!;
    }

    const turn: Turn = {
      no,
      proc,
      done: new Deferred<void>(),
      splitter: new LineSplitter(
        (line, cut) => this.readJsonLine(line, cut, this.malformed, 'an event', (event) => this.onEvent(turn, event)),
        this.options.maxLineBytes ?? 32 * 1024 * 1024,
      ),
      stdoutDone: readStdout(proc, (chunk) => turn.splitter.push(chunk)),
      cancelled: false,
      completed: false,
      errors: [],
      reconnects: 0,
      reconnectNoticeShown: false,
      shownOutput: new Map(),
      started: new Set(),
    };
    this.turn = turn;
    this.starting = false;
    void proc.exited.then((info) => this.onTurnExit(turn, info));

    this.emit({ type: 'prompt.sent', text, purpose });
    proc.idle.run();
    // The prompt is the whole of stdin: Codex reads to end of input before it starts.
    proc.stdin.end(text);
    try {
      await turn.done.promise;
    } finally {
      proc.idle.pause();
      clearTimeout(turn.exitTimer);
      if (this.turn === turn) this.turn = undefined;
    }
  }

  private async onTurnExit(turn: Turn, info: ExitInfo): Promise<void> {
    // Let the last lines reach the score before the turn's end does.
    await lastOutput(turn.stdoutDone);
    turn.splitter.end();
    clearTimeout(turn.exitTimer);
    this.flushErrors(turn);
    this.lastExit = info;
    if (this.stopping || this.failure) {
      turn.done.reject(this.failure);
      this.endSession(info);
      return;
    }
    if (turn.cancelled) {
      this.emit({ type: 'session.waiting', reason: 'cancelled' });
      turn.done.resolve();
      return;
    }
    if (turn.completed) {
      this.emit({ type: 'session.waiting' });
      turn.done.resolve();
      return;
    }
    if (turn.failedMessage !== undefined) {
      const message = `${this.label} could not finish the turn: ${turn.failedMessage}`;
      this.emit({ type: 'agent.error', message });
      this.emit({ type: 'session.waiting', reason: 'error' });
      turn.done.reject(new Error(message));
      return;
    }
    const error = this.fail(this.crashReason(info));
    turn.done.reject(error);
    this.endSession(info);
  }

  protected override crashReason(info: ExitInfo): string {
    return this.exitedUnexpectedly(info, this.ready ? ' during its turn.' : ` before it started. ${this.setupAdvice()}`);
  }

  /** A process that could not start for a turn leaves no turn being started. */
  protected override couldNotStart(err: unknown): Error {
    this.starting = false;
    return super.couldNotStart(err);
  }

  /** The turn's process is stopped, and its exit ends the session; with none running, it ends at once. */
  protected abandon(): void {
    const turn = this.turn;
    if (turn && turn.proc.running) {
      void turn.proc.stop(this.graceMs);
    } else if (this.proc && !turn) {
      this.endSession(this.lastExit ?? noExit());
    }
  }

  protected override async halt(graceMs: number): Promise<void> {
    // A turn whose process is being started sees `stopping` once it runs, and ends the session.
    if (this.starting) return;
    const turn = this.turn;
    if (turn) {
      // Its process's exit ends the session (see onTurnExit).
      if (turn.proc.running) await this.stopProcess(turn.proc, graceMs);
      return;
    }
    if (this.proc) this.endSession(this.lastExit ?? noExit());
    else this.settleExit(noExit());
  }

  private signInMessage(said: string): string {
    return `${this.label} needs you to sign in (Codex said: ${said.trim()}): run \`codex login\` once in a terminal, or put an OPENAI_API_KEY in the env of the "${this.label}" profile in the podium.agents setting. Then start the task again.`;
  }

  private networkMessage(said: string): string {
    return `${this.label} cannot reach OpenAI (Codex said: ${said.trim()}). Check your network connection and proxy settings (HTTPS_PROXY in the env of the "${this.label}" profile in the podium.agents setting); if you have not signed in yet, run \`codex login\` in a terminal. Then start the task again.`;
  }

  // ── stdout → events ──────────────────────────────────────────────────────────────────────────

  private onEvent(turn: Turn, event: Record<string, unknown>): void {
    switch (event.type) {
      case 'thread.started': {
        const id = str(event.thread_id);
        if (id) this.threadId = id;
        if (!this.ready) {
          this.ready = true;
          this.emit({ type: 'session.ready', agentName: 'Codex' });
        }
        return;
      }
      case 'item.started':
      case 'item.updated':
      case 'item.completed': {
        const item = obj(event.item);
        if (!item) return;
        // Any item is progress: the connection works.
        turn.reconnects = 0;
        this.onItem(turn, event.type, item);
        return;
      }
      case 'turn.completed': {
        turn.completed = true;
        const reported = readUsage(event.usage);
        if (reported) {
          this.usage = accumulateUsage(this.usage, reported);
          this.emit({ type: 'agent.usage', inputTokens: this.usage.inputTokens, outputTokens: this.usage.outputTokens });
        }
        // Codex exits right after; one that lingers is stopped, its turn is over.
        turn.exitTimer = setTimeout(() => void turn.proc.stop(this.graceMs), this.options.exitWaitMs ?? 5000);
        turn.exitTimer.unref();
        return;
      }
      case 'turn.failed': {
        const said = str(obj(event.error)?.message) ?? 'the turn failed';
        if (isSignInText(said)) {
          this.fail(this.signInMessage(said));
          return;
        }
        turn.failedMessage = said;
        return;
      }
      case 'error':
        this.onError(turn, str(event.message) ?? 'unknown error');
        return;
      default:
        // turn.started, item.plan.delta, request_user_input…: nothing for the score.
        return;
    }
  }

  private onError(turn: Turn, said: string): void {
    if (isSignInText(said)) {
      this.fail(this.signInMessage(said));
      return;
    }
    if (isReconnect(said)) {
      turn.reconnects += 1;
      if (isWaitingForNetwork(said) || turn.reconnects >= (this.options.maxReconnects ?? 4)) {
        this.fail(this.networkMessage(said));
        return;
      }
      if (!turn.reconnectNoticeShown) {
        turn.reconnectNoticeShown = true;
        this.emit({ type: 'notice', level: 'warning', code: 'reconnecting', text: `${this.label} lost its connection and retries: ${said}` });
      }
      return;
    }
    // Usually followed by turn.failed with the same words, which then says it once.
    turn.errors.push(said);
  }

  /** Shows the `error` events a `turn.failed` did not repeat. */
  private flushErrors(turn: Turn): void {
    for (const said of turn.errors.splice(0)) {
      if (said !== turn.failedMessage) this.emit({ type: 'agent.error', message: `${this.label}: ${said}` });
    }
  }

  private onItem(turn: Turn, phase: string, item: Record<string, unknown>): void {
    const id = `${turn.no}:${str(item.id) ?? 'item'}`;
    const done = phase === 'item.completed';
    switch (item.type) {
      case 'agent_message':
      case 'plan': {
        const text = str(item.text);
        if (done && text) this.emit({ type: 'agent.message', entry: `message:${id}`, text });
        return;
      }
      case 'reasoning': {
        const text = str(item.text);
        if (done && text) this.emit({ type: 'agent.thought', entry: `thought:${id}`, text });
        return;
      }
      case 'command_execution':
        this.onCommand(turn, id, done, item);
        return;
      case 'file_change': {
        if (!done) return;
        const changes = readChanges(item.changes);
        if (item.status === 'failed') {
          this.emit({ type: 'agent.error', message: `${this.label} could not apply its change to ${changes.map((c) => this.shown(c.path)).join(', ') || 'the files'}.` });
          return;
        }
        for (const change of changes) this.emit({ type: 'agent.fileEdited', path: this.shown(change.path), via: `codex ${change.kind}` });
        return;
      }
      case 'mcp_tool_call':
        this.onTool(turn, id, done, item, `${str(item.server) ?? 'mcp'}/${str(item.tool) ?? 'tool'}`, 'other', item.arguments, done ? mcpOutput(item) : undefined);
        return;
      case 'web_search':
        this.onTool(turn, id, done, item, `Search the web: ${str(item.query) ?? ''}`.trim(), 'fetch', undefined, undefined);
        return;
      case 'collab_tool_call':
        this.onTool(turn, id, done, item, `Agents: ${str(item.tool) ?? 'tool'}`, 'other', undefined, undefined);
        return;
      case 'todo_list': {
        const items = readTodoItems(item.items);
        const key = JSON.stringify(items);
        if (key === turn.lastPlan) return;
        turn.lastPlan = key;
        this.emit({ type: 'agent.plan', entry: `plan:${turn.no}`, items });
        return;
      }
      case 'error': {
        const message = str(item.message);
        if (message) this.emit({ type: 'notice', level: 'warning', code: 'agent-warning', text: `${this.label}: ${message}` });
        return;
      }
      default:
        return;
    }
  }

  private onCommand(turn: Turn, id: string, done: boolean, item: Record<string, unknown>): void {
    const entry = `command:${id}`;
    const command = [str(item.command) ?? ''];
    const output = str(item.aggregated_output) ?? '';
    const shown = turn.shownOutput.get(id) ?? 0;
    // aggregated_output is the whole output so far; the score appends, so send what is new.
    const delta = output.length >= shown ? output.slice(shown) : output;
    turn.shownOutput.set(id, output.length);
    const exitCode = typeof item.exit_code === 'number' ? item.exit_code : null;
    if (!done) {
      turn.started.add(id);
      this.emit(stripUndefined({ type: 'agent.command' as const, entry, command, output: delta || undefined }));
      return;
    }
    const declined = item.status === 'declined';
    this.emit(stripUndefined({
      type: 'agent.command' as const,
      entry,
      command,
      exitCode,
      output: declined ? `${delta}${delta ? '\n' : ''}(declined)` : delta || undefined,
    }));
  }

  private onTool(turn: Turn, id: string, done: boolean, item: Record<string, unknown>, title: string, toolKind: string, input: unknown, output: string | undefined): void {
    const entry = `tool:${id}`;
    const status = item.status === 'failed' ? 'failed' : done ? 'completed' : 'in_progress';
    if (!turn.started.has(id)) {
      turn.started.add(id);
      this.emit(stripUndefined({ type: 'agent.toolCall' as const, entry, title, toolKind, status: done ? 'in_progress' : status, input }));
      if (!done) return;
    } else if (!done) {
      return;
    }
    this.emit(stripUndefined({ type: 'agent.toolCallUpdate' as const, entry, status, output }));
  }

  private shown(p: string): string {
    return displayPath(this.launch.cwd, this.realRoot, path.isAbsolute(p) ? p : path.resolve(this.launch.cwd, p));
  }
}
