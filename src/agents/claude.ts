/**
 * The adapter for Claude Code in headless mode: one `claude -p` process per session, speaking
 * stream-json on stdin/stdout (see claudeProtocol.ts). Prompts and follow-ups are user messages on
 * stdin; a turn ends with the CLI's `result`. Permission questions arrive as `can_use_tool` control
 * requests and go to the engineer through the sink; cancel is the CLI's own `interrupt` request.
 *
 * What a user meets first is turned into a clear state, never a wait: a missing binary fails at once
 * with the install command; "Not logged in" (Claude Code answers it within a second) and an API that
 * cannot be reached (Claude Code retries for minutes) fail the session with what to do, and stop it.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { EventBody } from '../score/events';
import type { AgentAdapter, AgentLaunch, AgentSession, AgentSink, ExitInfo, PermissionAsk } from './adapter';
import {
  CLAUDE_PROTOCOL_FLAGS,
  controlErrorLine,
  controlRequestLine,
  controlSuccessLine,
  describeTool,
  isSignInErrorKind,
  isSignInText,
  modelUsageTotal,
  PERMISSION_OPTIONS,
  permissionAnswer,
  readCanUseTool,
  toolResultText,
  turnUsage,
  userMessageLine,
} from './claudeProtocol';
import { displayPath } from './confine';
import { LineSplitter } from './lines';
import type { SupervisedProcess } from './process';
import { lastOutput, ProcessSession, readStdout, type Purpose } from './processSession';
import { Deferred, delay, MalformedLines, messageOf, num, obj, str, stripUndefined, withRequiredFlags } from './sessionKit';

export { CLAUDE_DEFAULT_ARGV } from './claudeProtocol';

export interface ClaudeAdapterOptions {
  /** Between SIGTERM and SIGKILL when stopping (default 3 s). */
  graceMs?: number;
  /**
   * How long Claude Code may take to answer its startup handshake (default 60 s). With an API key and
   * no network, Claude Code 2.1 took 19 s to answer.
   */
  startupTimeoutMs?: number;
  /**
   * How many times in one turn Claude Code may retry an API call that got no HTTP answer at all (no
   * network, a blocked proxy) before the session fails (default 3, about 4 s; the CLI itself would
   * go on for minutes). Retries after an HTTP answer (overloaded, rate limited) do not count.
   */
  maxConnectionRetries?: number;
  /** How long `stop()` gives a turn to end after the interrupt request (default 2 s). */
  cancelWaitMs?: number;
  /** Longest stdout line read as a message (default 32 MiB); longer ones are reported and skipped. */
  maxLineBytes?: number;
}

/** Runs Claude Code sessions. One adapter serves any number of sessions. */
export class ClaudeAdapter implements AgentAdapter {
  readonly kind = 'claude';

  constructor(private readonly options: ClaudeAdapterOptions = {}) {}

  /** A session for `launch` (not started). The protocol flags are added to argv if the profile lacks them. */
  create(launch: AgentLaunch, sink: AgentSink): AgentSession {
    return new ClaudeSession(launch, sink, this.options);
  }
}

const BREAKS_STREAM = new Set<EventBody['type']>([
  'agent.toolCall', 'agent.toolCallUpdate', 'agent.command', 'agent.fileEdited', 'agent.error', 'agent.plan', 'notice',
  'prompt.sent', 'session.waiting', 'session.failed', 'session.exited', 'agent.usage', 'agent.mode',
]);

interface Turn {
  no: number;
  done: Deferred<void>;
  /** Aborted when the turn is cancelled or the session ends: withdraws open permission questions. */
  abort: AbortController;
  cancelRequested: boolean;
  connectionRetries: number;
  retryNoticeShown: boolean;
  /** An API error Claude Code reported as a synthetic assistant message (`error` set). */
  apiError?: { kind: string; text: string };
}

interface ToolState {
  entry: string;
  name: string;
  /** TodoWrite calls show as the plan, not as a tool entry. */
  hidden: boolean;
  edits?: string[];
}

class ClaudeSession extends ProcessSession<Turn> {
  private readonly argv: string[];
  private readonly splitter: LineSplitter;
  private readonly malformed: MalformedLines;
  private stdoutDone: Promise<void> = Promise.resolve();
  private realRoot?: string;
  private turnNo = 0;

  private sessionId = '';
  private readonly controlPrefix = `podium-${randomUUID().slice(0, 8)}`;
  private controlCounter = 0;
  private readonly pendingControl = new Map<string, Deferred<Record<string, unknown>>>();
  /** Questions the CLI asked us, by its request id: aborting withdraws ours to the engineer. */
  private readonly openQuestions = new Map<string, AbortController>();
  private permissionCounter = 0;
  private stream?: { entry: string };
  private readonly tools = new Map<string, ToolState>();
  private anonymous = 0;
  private model?: string;
  private permissionMode?: string;
  private readonly usage = { inputTokens: 0, outputTokens: 0, costUsd: undefined as number | undefined };
  private readonly turnTokens = { inputTokens: 0, outputTokens: 0 };

  constructor(
    launch: AgentLaunch,
    sink: AgentSink,
    private readonly options: ClaudeAdapterOptions,
  ) {
    super(launch, sink, options.graceMs, 'starts Claude Code');
    this.argv = withRequiredFlags(launch.argv, CLAUDE_PROTOCOL_FLAGS);
    this.splitter = new LineSplitter(
      (text, cut) => this.readJsonLine(text, cut, this.malformed, 'a message', (msg) => this.onMessage(msg)),
      options.maxLineBytes ?? 32 * 1024 * 1024,
    );
    this.malformed = new MalformedLines(this.label, 'stream-json', (body) => this.emit(body));
  }

  async cancel(): Promise<void> {
    const turn = this.turn;
    if (!turn || turn.cancelRequested || !this.proc?.running) return;
    turn.cancelRequested = true;
    // Open permission questions are answered "deny, and stop" as they are withdrawn; those answers
    // go out before the interrupt.
    turn.abort.abort();
    await new Promise((r) => setImmediate(r));
    try {
      await Promise.race([this.request({ subtype: 'interrupt' }), delay(this.options.cancelWaitMs ?? 2000)]);
    } catch {
      // The CLI refused or is exiting; the turn still ends (stop() is the fallback).
    }
  }

  /** Records an event; anything but more text ends the message being streamed. */
  protected override emit(body: EventBody): void {
    if (BREAKS_STREAM.has(body.type)) this.stream = undefined;
    this.sink.emit(body);
  }

  // ── lifecycle ────────────────────────────────────────────────────────────────────────────────

  protected async boot(): Promise<void> {
    const { cwd } = this.launch;
    const proc = await this.spawn(this.argv);
    this.stdoutDone = readStdout(proc, (chunk) => this.splitter.push(chunk));
    void proc.exited.then((info) => this.onExit(info));
    if (this.stopping) {
      await this.terminate(this.graceMs);
      throw this.failure!;
    }
    this.realRoot = await fsp.realpath(cwd).catch(() => cwd);

    // The handshake: Claude Code answers `initialize` with its version before any prompt.
    let init: Record<string, unknown> | undefined;
    try {
      init = await this.startupStep(this.request({ subtype: 'initialize', hooks: null }));
    } catch (err) {
      if (err === this.failure) throw err;
      // An older CLI that does not know `initialize` still works without it.
      init = undefined;
    }
    this.emit(stripUndefined({ type: 'session.ready' as const, agentName: 'Claude Code', agentVersion: str(init?.claude_code_version) }));
  }

  protected async runTurn(text: string, purpose: Purpose): Promise<void> {
    if (this.failure) throw this.failure;
    const proc = this.proc!;
    this.emit({ type: 'prompt.sent', text, purpose });
    const turn: Turn = {
      no: ++this.turnNo,
      done: new Deferred<void>(),
      abort: new AbortController(),
      cancelRequested: false,
      connectionRetries: 0,
      retryNoticeShown: false,
    };
    this.turn = turn;
    proc.idle.run();
    try {
      this.write(userMessageLine(text, this.sessionId));
      await turn.done.promise;
    } finally {
      proc.idle.pause();
      turn.abort.abort();
      if (this.turn === turn) this.turn = undefined;
    }
  }

  private async startupStep<T>(request: Promise<T>): Promise<T> {
    try {
      return await this.withinStartup(request, this.options.startupTimeoutMs ?? 60_000, 'its startup handshake');
    } catch (err) {
      if (this.failure) {
        await this.exited;
        throw this.failure;
      }
      throw err;
    }
  }

  /** The turn in progress and pending requests reject with the failure; the process is stopped. */
  protected abandon(failure: Error): void {
    this.rejectWaiting(failure);
    void this.terminate(this.graceMs);
  }

  /** A hung turn is interrupted as well, so open permission questions are withdrawn. */
  protected override failHung(reason: string): void {
    void this.cancel();
    this.fail(reason);
  }

  private rejectWaiting(failure: Error): void {
    this.turn?.done.reject(failure);
    for (const pending of this.pendingControl.values()) pending.reject(failure);
    this.pendingControl.clear();
  }

  private async terminate(graceMs: number): Promise<void> {
    this.lifetime.abort();
    this.turn?.abort.abort();
    const proc = this.proc;
    if (!proc) return;
    proc.stdin.end();
    await proc.stop(graceMs);
  }

  /** The turn is interrupted, then input ends (Claude Code's own way to finish), then signals. */
  protected override async stopProcess(proc: SupervisedProcess, graceMs: number): Promise<void> {
    const turn = this.turn;
    const settle = Math.min(graceMs, this.options.cancelWaitMs ?? 2000);
    if (turn && proc.running) {
      // Give the turn a moment to end in the CLI's own way, so its last words reach the score.
      await this.cancel();
      await Promise.race([turn.done.promise.catch(() => {}), delay(settle)]);
    }
    if (proc.running) {
      // End of input is Claude Code's own way to finish (it saves the session); signals follow.
      proc.stdin.end();
      await Promise.race([proc.exited, delay(settle)]);
    }
    await this.terminate(graceMs);
  }

  private async onExit(info: ExitInfo): Promise<void> {
    // Let the last lines the CLI wrote reach the score before its exit does.
    await lastOutput(this.stdoutDone);
    this.splitter.end();
    this.judgeExit(info);
    this.rejectWaiting(this.failure ?? new Error(`${this.label} has exited.`));
    this.endSession(info);
  }

  private write(line: string): void {
    const proc = this.proc;
    if (!proc || !proc.running || proc.stdin.writableEnded) return;
    proc.stdin.write(line);
  }

  /**
   * Sends one of our control requests; resolves with the CLI's answer, rejects with its error. Once
   * the session is over (stopped or failed) only an interrupt still goes out while the CLI runs: it
   * is how Claude Code ends its turn at once and exits on its own rather than by a signal.
   */
  private request(request: Record<string, unknown>): Promise<Record<string, unknown>> {
    const interrupt = request.subtype === 'interrupt' && this.proc?.running === true;
    if (this.failure && !interrupt) return Promise.reject(this.failure);
    const id = `${this.controlPrefix}-${++this.controlCounter}`;
    const pending = new Deferred<Record<string, unknown>>();
    this.pendingControl.set(id, pending);
    this.write(controlRequestLine(id, request));
    return pending.promise;
  }

  private signInMessage(detail: string): string {
    const program = path.basename(this.launch.argv[0] ?? '');
    const command = program.startsWith('claude') ? program : 'claude';
    const said = detail.trim() ? ` (Claude Code said: ${detail.trim()})` : '';
    return `${this.label} needs you to sign in${said}: run \`${command}\` once in a terminal and sign in with /login, or put an ANTHROPIC_API_KEY in the env of the "${this.label}" profile in the podium.agents setting. Then start the task again.`;
  }

  private networkMessage(error: string | undefined, attempts: number): string {
    const why = error && error !== 'unknown' ? `: ${error}` : '';
    return `${this.label} cannot reach Anthropic's API (no answer after ${attempts} attempts${why}). Check your network connection and proxy settings (HTTPS_PROXY in the env of the "${this.label}" profile in the podium.agents setting); if you have not signed in yet, run \`claude\` in a terminal and use /login. Then start the task again.`;
  }

  // ── stdout → events ──────────────────────────────────────────────────────────────────────────

  private onMessage(msg: Record<string, unknown>): void {
    switch (msg.type) {
      case 'control_response':
        return this.onControlResponse(obj(msg.response) ?? {});
      case 'control_request':
        return this.onControlRequest(str(msg.request_id) ?? '', obj(msg.request) ?? {});
      case 'control_cancel_request':
        this.openQuestions.get(str(msg.request_id) ?? '')?.abort();
        return;
      case 'system':
        return this.onSystem(msg);
      case 'assistant':
        return this.onAssistant(msg);
      case 'user':
        return this.onUser(msg);
      case 'result':
        return this.onResult(msg);
      default:
        // stream_event (partial messages), keep_alive, tool_progress, auth_status…: nothing for the score.
        return;
    }
  }

  private onControlResponse(response: Record<string, unknown>): void {
    const id = str(response.request_id) ?? '';
    const pending = this.pendingControl.get(id);
    if (!pending) return;
    this.pendingControl.delete(id);
    if (response.subtype === 'error') pending.reject(new Error(str(response.error) ?? 'error'));
    else pending.resolve(obj(response.response) ?? {});
  }

  private onControlRequest(requestId: string, request: Record<string, unknown>): void {
    if (request.subtype === 'can_use_tool') {
      void this.onPermission(requestId, request).catch((err: unknown) => {
        this.emit({ type: 'agent.error', message: `Podium could not answer ${this.label}'s permission question: ${messageOf(err)}` });
        this.write(controlErrorLine(requestId, messageOf(err)));
      });
      return;
    }
    // Hooks and SDK MCP servers are not offered; say so rather than leave the CLI waiting.
    this.write(controlErrorLine(requestId, `Podium does not handle "${String(request.subtype)}" requests.`));
  }

  private async onPermission(requestId: string, request: Record<string, unknown>): Promise<void> {
    const ask = readCanUseTool(request);
    const view = describeTool(ask.toolName, ask.input, (p) => this.shown(p), (p) => this.exists(p));
    let tool = ask.toolUseId ? this.tools.get(ask.toolUseId) : undefined;
    if (!tool || tool.hidden) {
      // A question about a call we never saw (or a TodoWrite): give it an entry to hang on.
      tool = this.announceTool(ask.toolUseId ?? `question-${requestId}`, ask.toolName, ask.input);
    }
    const reason = ask.decisionReason ?? (ask.blockedPath ? `it touches ${this.shown(ask.blockedPath)}` : undefined);
    const question: PermissionAsk = {
      request: `perm-${++this.permissionCounter}`,
      title: reason ? `${view.title} (${reason})` : view.title,
      toolCall: tool.entry,
      options: PERMISSION_OPTIONS.map((o) => ({ ...o })),
    };
    const withdrawn = new AbortController();
    this.openQuestions.set(requestId, withdrawn);
    let chosen: string | null;
    try {
      chosen = await this.askEngineer(question, [this.lifetime.signal, withdrawn.signal, this.turn?.abort.signal]);
    } finally {
      this.openQuestions.delete(requestId);
    }
    // Withdrawn by the CLI: it no longer waits for an answer.
    if (withdrawn.signal.aborted) return;
    this.write(controlSuccessLine(requestId, permissionAnswer(ask, chosen)));
  }

  private onSystem(msg: Record<string, unknown>): void {
    if (msg.subtype === 'init') {
      this.sessionId = str(msg.session_id) ?? this.sessionId;
      const model = str(msg.model);
      if (model && model !== this.model) {
        this.model = model;
        this.emit({ type: 'notice', level: 'info', code: 'model', text: `${this.label} uses the model ${model}.` });
      }
      const mode = str(msg.permissionMode);
      if (mode && mode !== this.permissionMode) {
        this.permissionMode = mode;
        this.emit({ type: 'agent.mode', mode });
      }
      return;
    }
    if (msg.subtype === 'api_retry') this.onApiRetry(msg);
  }

  private onApiRetry(msg: Record<string, unknown>): void {
    const turn = this.turn;
    const status = num(msg.error_status);
    const error = str(msg.error);
    const attempt = num(msg.attempt);
    const max = num(msg.max_retries);
    if (status === 401 || status === 403) {
      this.fail(this.signInMessage(`HTTP ${status}${error && error !== 'unknown' ? ` ${error}` : ''}`));
      return;
    }
    const of = attempt !== undefined ? ` (attempt ${attempt}${max !== undefined ? ` of ${max}` : ''})` : '';
    if (status === undefined) {
      // No HTTP answer at all: the network or a proxy. The CLI would retry for minutes.
      const retries = turn ? ++turn.connectionRetries : 1;
      if (retries >= (this.options.maxConnectionRetries ?? 3)) {
        this.fail(this.networkMessage(error, attempt ?? retries));
        return;
      }
      if (turn && !turn.retryNoticeShown) {
        turn.retryNoticeShown = true;
        this.emit({ type: 'notice', level: 'warning', code: 'api-retry', text: `${this.label} cannot reach Anthropic's API and retries${of}.` });
      }
      return;
    }
    if (turn && !turn.retryNoticeShown) {
      turn.retryNoticeShown = true;
      this.emit({ type: 'notice', level: 'warning', code: 'api-retry', text: `Anthropic's API answered ${this.label} with HTTP ${status}${error && error !== 'unknown' ? ` (${error})` : ''}; it retries${of}.` });
    }
  }

  private onAssistant(msg: Record<string, unknown>): void {
    const message = obj(msg.message) ?? {};
    const id = str(message.id) ?? `anonymous-${++this.anonymous}`;
    const content = Array.isArray(message.content) ? message.content : [];
    const apiError = str(msg.error);
    if (apiError) {
      // A synthetic message that reports a failed API call; the turn's `result` follows and decides.
      const text = content.map((b) => str(obj(b)?.text) ?? '').filter(Boolean).join('\n');
      if (this.turn) this.turn.apiError = { kind: apiError, text };
      return;
    }
    for (const raw of content) {
      const block = obj(raw);
      if (!block) continue;
      if (block.type === 'text' || block.type === 'thinking') {
        const text = block.type === 'text' ? str(block.text) : str(block.thinking);
        if (!text) continue;
        const kind = block.type === 'text' ? 'message' : 'thought';
        const entry = `${kind}:${id}`;
        const continuing = this.stream?.entry === entry;
        this.stream = { entry };
        this.sink.emit({ type: kind === 'message' ? 'agent.message' : 'agent.thought', entry, text: continuing ? `\n\n${text}` : text });
      } else if (block.type === 'tool_use') {
        this.announceTool(str(block.id) ?? `anonymous-${++this.anonymous}`, str(block.name) ?? 'tool', obj(block.input) ?? {});
      }
    }
  }

  private announceTool(toolUseId: string, name: string, input: Record<string, unknown>): ToolState {
    const view = describeTool(name, input, (p) => this.shown(p), (p) => this.exists(p));
    if (view.plan) {
      const hidden: ToolState = { entry: `tool:${toolUseId}`, name, hidden: true };
      this.tools.set(toolUseId, hidden);
      this.emit({ type: 'agent.plan', entry: `plan:${this.turnNo}`, items: view.plan });
      return hidden;
    }
    const tool: ToolState = { entry: `tool:${toolUseId}`, name, hidden: false, edits: view.edits };
    this.tools.set(toolUseId, tool);
    this.emit(stripUndefined({
      type: 'agent.toolCall' as const,
      entry: tool.entry,
      title: view.title,
      toolKind: view.toolKind,
      status: 'pending',
      input,
      locations: view.locations,
      diffs: view.diffs,
    }));
    return tool;
  }

  private onUser(msg: Record<string, unknown>): void {
    const message = obj(msg.message) ?? {};
    if (!Array.isArray(message.content)) return; // our own prompt echoed, or a plain note
    for (const raw of message.content) {
      const block = obj(raw);
      if (!block || block.type !== 'tool_result') continue;
      const toolUseId = str(block.tool_use_id) ?? '';
      let tool = this.tools.get(toolUseId);
      if (tool?.hidden) continue;
      tool ??= this.announceTool(toolUseId, 'tool', {});
      const failed = block.is_error === true;
      const output = toolResultText(block.content);
      this.emit(stripUndefined({
        type: 'agent.toolCallUpdate' as const,
        entry: tool.entry,
        status: failed ? 'failed' : 'completed',
        output: output || undefined,
      }));
      if (!failed) {
        for (const file of tool.edits ?? []) this.emit({ type: 'agent.fileEdited', path: file, via: `claude ${tool.name}` });
      }
    }
  }

  private onResult(msg: Record<string, unknown>): void {
    this.recordUsage(msg);
    const turn = this.turn;
    if (!turn || turn.done.settled) return;
    if (this.stopping) {
      // Interrupted by stop(): the session is ending, not waiting for input.
      turn.done.reject(this.failure);
      return;
    }
    if (turn.cancelRequested) {
      this.emit({ type: 'session.waiting', reason: 'cancelled' });
      turn.done.resolve();
      return;
    }
    const subtype = str(msg.subtype) ?? 'success';
    if (msg.is_error !== true && subtype === 'success') {
      this.emit({ type: 'session.waiting' });
      turn.done.resolve();
      return;
    }
    const errors = Array.isArray(msg.errors) ? msg.errors.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))) : [];
    const said = str(msg.result) || turn.apiError?.text || errors.join('\n') || subtype;
    if ((turn.apiError && isSignInErrorKind(turn.apiError.kind)) || isSignInText(said)) {
      this.fail(this.signInMessage(said));
      return;
    }
    const message = this.resultErrorMessage(subtype, said);
    this.emit(stripUndefined({ type: 'agent.error' as const, message, detail: errors.length > 0 ? errors.join('\n') : undefined }));
    this.emit({ type: 'session.waiting', reason: 'error' });
    turn.done.reject(new Error(message));
  }

  private resultErrorMessage(subtype: string, said: string): string {
    switch (subtype) {
      case 'error_max_turns':
        return `${this.label} stopped: it reached its limit of turns for one prompt.`;
      case 'error_max_budget_usd':
        return `${this.label} stopped: it reached its spending limit (--max-budget-usd).`;
      default:
        return `${this.label} could not finish the turn: ${said}`;
    }
  }

  private recordUsage(msg: Record<string, unknown>): void {
    const turn = turnUsage(msg.usage);
    if (turn) {
      this.turnTokens.inputTokens += turn.inputTokens;
      this.turnTokens.outputTokens += turn.outputTokens;
    }
    // The per-model breakdown and the cost are running totals of the process; per-turn usage is the
    // fallback when a CLI version sends no breakdown.
    const total = modelUsageTotal(msg.modelUsage) ?? this.turnTokens;
    const cost = num(msg.total_cost_usd);
    // A turn that used nothing (refused before reaching the model) adds no usage entry.
    const changed = total.inputTokens !== this.usage.inputTokens || total.outputTokens !== this.usage.outputTokens
      || (cost !== undefined && cost !== (this.usage.costUsd ?? 0));
    if (!changed) return;
    this.usage.inputTokens = total.inputTokens;
    this.usage.outputTokens = total.outputTokens;
    if (cost !== undefined) this.usage.costUsd = cost;
    this.emit(stripUndefined({ type: 'agent.usage' as const, inputTokens: this.usage.inputTokens, outputTokens: this.usage.outputTokens, costUsd: this.usage.costUsd }));
  }

  private shown(p: string): string {
    return displayPath(this.launch.cwd, this.realRoot, path.isAbsolute(p) ? p : path.resolve(this.launch.cwd, p));
  }

  private exists(p: string): boolean {
    return existsSync(path.isAbsolute(p) ? p : path.resolve(this.launch.cwd, p));
  }
}
