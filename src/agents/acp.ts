/**
 * The adapter for any Agent Client Protocol agent (Gemini CLI, Claude Code through its ACP bridge,
 * the rehearsal agent…), over stdio with @agentclientprotocol/sdk 2.x, stable ACP v1.
 *
 * Podium is the ACP client: it starts the agent in the task's worktree, advertises file reading and
 * writing and terminals, and serves those inside the worktree only. Every session update becomes a
 * Podium event; permission questions go to the engineer through the sink.
 *
 * The SDK is ESM-only and this package is CommonJS, so it is loaded with a dynamic import (esbuild
 * inlines it into the bundle).
 */
import type * as Acp from '@agentclientprotocol/sdk' with { 'resolution-mode': 'import' };
import { randomUUID } from 'node:crypto';
import { constants as fsConstants, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import type { EventBody, InlineDiff, ToolLocation } from '../score/events';
import type { AgentAdapter, AgentLaunch, AgentSession, AgentSink, ExitInfo, PermissionAsk } from './adapter';
import { confine, displayPath, PathEscapeError } from './confine';
import { filterJsonLines } from './jsonLines';
import { minimalEnv, type SupervisedProcess } from './process';
import { lastOutput, ProcessSession, type Purpose } from './processSession';
import { delay, MAX_MALFORMED_SHOWN, messageOf, stripUndefined } from './sessionKit';
import { Terminals, UnknownTerminalError } from './terminals';

export { SessionStoppedError } from './processSession';

type Sdk = typeof Acp;

let sdkModule: Promise<Sdk> | undefined;
function loadSdk(): Promise<Sdk> {
  return (sdkModule ??= import('@agentclientprotocol/sdk'));
}

/** Session update kinds the stable v1 schema knows; others would fail its validation and vanish. */
const KNOWN_UPDATES = new Set([
  'user_message_chunk', 'agent_message_chunk', 'agent_thought_chunk', 'tool_call', 'tool_call_update', 'plan',
  'available_commands_update', 'current_mode_update', 'config_option_update', 'session_info_update',
  'usage_update', 'notice', 'compaction_update', 'compaction_summary_chunk',
]);

const BREAKS_STREAM = new Set<EventBody['type']>([
  'agent.toolCall', 'agent.toolCallUpdate', 'agent.command', 'agent.fileEdited', 'agent.error', 'notice',
  'prompt.sent', 'session.waiting', 'session.failed', 'session.exited',
]);

/** How long an agent gets to exit on its own once its input has ended, before signals. */
const END_OF_INPUT_WAIT_MS = 500;

/** Where a malformed stdout line travels in-band, so it lands on the score in stream order. */
const MALFORMED_MARK = 'podium/malformedLine';

export interface AcpAdapterOptions {
  /** Reported to the agent in `initialize`. */
  clientVersion?: string;
  /** Between SIGTERM and SIGKILL when stopping. */
  graceMs?: number;
  /** How long `initialize` and `session/new` may each take (default 120 s: a first run through npx downloads). */
  startupTimeoutMs?: number;
  /** How long `stop()` waits for the agent to end its turn after a protocol cancel (default 1 s). */
  cancelWaitMs?: number;
  /** Adapter kind reported by `kind` (the rehearsal agent reuses this adapter as 'rehearsal'). */
  kind?: string;
}

/** Runs ACP agents. One adapter serves any number of sessions. */
export class AcpAdapter implements AgentAdapter {
  readonly kind: string;

  constructor(private readonly options: AcpAdapterOptions = {}) {
    this.kind = options.kind ?? 'acp';
  }

  create(launch: AgentLaunch, sink: AgentSink): AgentSession {
    return new AcpSession(launch, sink, this.options);
  }
}

interface Turn {
  abort: AbortController;
  ended: Promise<void>;
}

interface ToolState {
  entry: string;
  title: string;
  shownOutput: string;
  /** ACP's tool kind ('edit', 'read', 'execute'…) as last announced. */
  kind?: string;
  /** Files the call changes (its diffs), shown paths. */
  edits: Set<string>;
  done?: boolean;
}

class AcpSession extends ProcessSession<Turn> {
  private readonly markToken = randomUUID();
  private sdk?: Sdk;
  private conn?: Acp.ClientConnection;
  private sessionId?: string;
  private realRoot?: string;
  private terminals?: Terminals;
  private turnNo = 0;

  // Entry bookkeeping: consecutive chunks of one message share an entry id.
  private stream?: { kind: 'message' | 'thought'; entry: string; messageId?: string | null };
  private entryCounter = 0;
  private readonly tools = new Map<string, ToolState>();
  private permissionCounter = 0;
  private usage = { inputTokens: 0, outputTokens: 0, costUsd: undefined as number | undefined };
  /** Token counts arrived (a cost alone is held back until they do, so no "0 tokens" entry shows). */
  private tokensKnown = false;
  /** Files written through fs/write_text_file and not yet claimed by the edit tool call that wrote them. */
  private readonly writtenViaFs = new Set<string>();
  private malformed = 0;
  private readonly unknownKinds = new Set<string>();
  private authMethods: string[] = [];
  /** The agent's name from its `initialize` answer. */
  private agentName?: string;

  constructor(
    launch: AgentLaunch,
    sink: AgentSink,
    private readonly options: AcpAdapterOptions,
  ) {
    super(launch, sink, options.graceMs, 'starts an ACP agent');
  }

  async cancel(): Promise<void> {
    const turn = this.turn;
    if (!turn) return;
    // ACP: after a cancel the client answers its pending permission questions as cancelled.
    turn.abort.abort();
    await this.sendCancel();
  }

  /**
   * Records an event. Anything that shows as its own entry between two chunks of the agent's text
   * (a tool call, a command, a file edit, a notice, an error) ends the message being streamed, so
   * what the agent says next reads below it on the score.
   */
  protected override emit(body: EventBody): void {
    if (BREAKS_STREAM.has(body.type)) this.stream = undefined;
    this.sink.emit(body);
  }

  // ── lifecycle ────────────────────────────────────────────────────────────────────────────────

  protected async boot(): Promise<void> {
    const { argv, cwd } = this.launch;
    let sdk: Sdk;
    try {
      sdk = this.sdk = await loadSdk();
    } catch (err) {
      throw this.couldNotStart(err);
    }
    const proc = await this.spawn(argv);
    void proc.exited.then((info) => this.onExit(info));
    if (this.stopping) {
      await this.terminate(this.graceMs);
      throw this.failure!;
    }

    this.realRoot = await fsp.realpath(cwd).catch(() => cwd);
    this.terminals = new Terminals({
      root: cwd,
      realRoot: this.realRoot,
      env: minimalEnv(this.launch.env),
      emit: (body) => this.emit(body),
    });

    const input = filterJsonLines(proc.stdout, {
      onMalformed: (text, reason) => this.malformedLine(text, reason),
      accept: (message) => this.acceptMessage(message),
    });
    const output = Writable.toWeb(proc.stdin) as WritableStream<Uint8Array>;
    const conn = (this.conn = this.clientApp(sdk).connect(sdk.ndJsonStream(output, input)));
    conn.signal.addEventListener('abort', () => {
      // Usually the agent is exiting and its exit will say why; if it lives on with its side of the
      // connection closed, it can no longer be driven.
      void Promise.race([proc.exited, delay(1000)]).then(() => {
        if (proc.running && !this.stopping && !this.failure) this.fail(`${this.label} closed its ACP connection.`);
      });
    });

    // Startup has its own time limit (first runs through npx can be slow and silent); the idle
    // clock runs only during turns.
    const init = await this.startupStep('initialize', conn.agent.request(sdk.methods.agent.initialize, {
      protocolVersion: sdk.PROTOCOL_VERSION,
      clientCapabilities: { fs: { readTextFile: true, writeTextFile: true }, terminal: true },
      clientInfo: { name: 'podium', title: 'Podium', version: this.options.clientVersion ?? '0.0.0' },
    }));
    if (init.protocolVersion !== sdk.PROTOCOL_VERSION) {
      throw this.fail(`${this.label} speaks ACP version ${init.protocolVersion}; Podium speaks version ${sdk.PROTOCOL_VERSION}. Update the agent or Podium.`);
    }
    this.authMethods = (init.authMethods ?? []).map((m) => m.name).filter(Boolean);
    const info = init.agentInfo;
    this.agentName = info?.name;
    this.emit({ type: 'session.ready', agentName: info ? (info.title ?? info.name) : undefined, agentVersion: info?.version });

    const created = await this.startupStep('session/new', conn.agent.request(sdk.methods.agent.session.new, { cwd, mcpServers: [] }));
    this.sessionId = created.sessionId;
    if (created.modes?.currentModeId) this.emit({ type: 'agent.mode', mode: created.modes.currentModeId });
  }

  protected async runTurn(text: string, purpose: Purpose): Promise<void> {
    if (this.failure) throw this.failure;
    const sdk = this.sdk!;
    const conn = this.conn!;
    const proc = this.proc!;
    this.emit({ type: 'prompt.sent', text, purpose });
    this.stream = undefined;
    this.turnNo += 1;
    let endTurn!: () => void;
    const turn: Turn = { abort: new AbortController(), ended: new Promise((r) => (endTurn = r)) };
    this.turn = turn;
    proc.idle.run();
    try {
      let response: Acp.PromptResponse;
      try {
        response = await conn.agent.request(sdk.methods.agent.session.prompt, {
          sessionId: this.sessionId!,
          prompt: [{ type: 'text', text }],
        });
      } catch (err) {
        throw await this.turnError(err);
      }
      // Updates sent just before the response may still be on their way through the SDK's handlers.
      await nextMacrotask();
      if (this.failure) throw this.failure;
      this.stream = undefined;
      this.recordTurnUsage(response);
      const reason = response.stopReason;
      if (reason !== 'end_turn' && reason !== 'cancelled') {
        this.emit({ type: 'notice', level: 'warning', code: `stop-${reason}`, text: stopReasonText(this.label, reason) });
      }
      this.emit({ type: 'session.waiting', ...(reason === 'end_turn' ? {} : { reason }) });
    } finally {
      proc.idle.pause();
      if (this.turn === turn) this.turn = undefined;
      endTurn();
    }
  }

  /** Why a prompt request failed, turned into what the user should see; fails the session if needed. */
  private async turnError(err: unknown): Promise<Error> {
    if (this.failure || !this.proc!.running || this.conn!.signal.aborted) {
      // The process died or is being stopped: its exit explains more than "connection closed".
      await this.exited;
      return this.failure ?? new Error(`${this.label} stopped answering: ${messageOf(err)}`);
    }
    if (isAuthError(err)) return this.fail(this.signInMessage(err));
    const message = `${this.label} could not finish the turn: ${messageOf(err)}`;
    this.emit({ type: 'agent.error', message, detail: errorDetail(err) });
    this.emit({ type: 'session.waiting', reason: 'error' });
    return new Error(message);
  }

  private async startupStep<T>(phase: string, request: Promise<T>): Promise<T> {
    try {
      return await this.withinStartup(request, this.options.startupTimeoutMs ?? 120_000, `ACP ${phase}`);
    } catch (err) {
      if (err === this.failure) throw err;
      if (this.failure || !this.proc!.running || this.conn!.signal.aborted) {
        await this.exited;
        throw this.failure ?? new Error(`${this.label} stopped answering during ACP ${phase}: ${messageOf(err)}`);
      }
      if (isAuthError(err)) throw this.fail(this.signInMessage(err));
      throw this.fail(`${this.label} refused ACP ${phase}: ${messageOf(err)}`);
    }
  }

  /**
   * What to do when the agent wants a sign-in, with the agent's own words. The Claude ACP bridge has
   * no sign-in of its own: it runs Claude Code, whose sign-in (or API key) it uses.
   */
  private signInMessage(err: unknown): string {
    const said = messageOf(err).trim();
    const words = said ? ` (${this.label} said: ${said})` : '';
    if (isClaudeBridge(this.agentName, this.launch.argv[0])) {
      return `${this.label} needs you to sign in to Claude Code${words}: run \`claude\` once in a terminal and sign in with /login, or put an ANTHROPIC_API_KEY in the env of the "${this.label}" profile in the podium.agents setting. Then start the task again.`;
    }
    const argv = this.launch.argv.filter((a) => !/^--(experimental-)?acp$/.test(a));
    const command = [path.basename(argv[0] ?? ''), ...argv.slice(1)].join(' ');
    const offers = this.authMethods.length > 0 ? ` (it offers: ${this.authMethods.join('; ')})` : '';
    return `${this.label} needs you to sign in${words}: run \`${command}\` once in a terminal and complete its sign-in${offers}, or put its API key in the env of the "${this.label}" profile in the podium.agents setting. Then start the task again.`;
  }


  protected abandon(): void {
    void this.terminate(this.graceMs);
  }

  /** A hung turn is still in progress: it gets a protocol cancel (and a moment to end) first. */
  protected override failHung(reason: string): void {
    this.noteFailure(reason);
    void this.shutdown(this.graceMs);
  }

  protected override stopProcess(_proc: SupervisedProcess, graceMs: number): Promise<void> {
    return this.shutdown(graceMs);
  }

  /** Protocol cancel first (a turn in progress gets a moment to end), then signals. */
  private async shutdown(graceMs: number): Promise<void> {
    const turn = this.turn;
    if (turn && this.proc?.running && this.conn && !this.conn.signal.aborted) {
      turn.abort.abort();
      await this.sendCancel();
      await Promise.race([turn.ended, delay(Math.min(graceMs, this.options.cancelWaitMs ?? 1000))]);
    }
    await this.terminate(graceMs);
  }

  /**
   * Ends the agent: first its input (an ACP agent over stdio exits on its own when its client goes:
   * the Claude bridge then takes ~0.2 s where SIGTERM takes over a second), then signals.
   */
  private async terminate(graceMs: number): Promise<void> {
    this.lifetime.abort();
    this.turn?.abort.abort();
    await this.terminals?.disposeAll(Math.min(graceMs, 1000));
    const proc = this.proc;
    if (!proc) return;
    if (proc.running) {
      proc.stdin.end();
      await Promise.race([proc.exited, delay(Math.min(graceMs, END_OF_INPUT_WAIT_MS))]);
    }
    await proc.stop(graceMs);
  }

  private async onExit(info: ExitInfo): Promise<void> {
    // Let the last messages the agent wrote reach the score before its exit does.
    await lastOutput(this.conn?.closed ?? Promise.resolve());
    await nextMacrotask();
    this.judgeExit(info);
    this.phase = 'ended';
    this.lifetime.abort();
    await this.terminals?.disposeAll(1000);
    this.endSession(info);
  }

  private async sendCancel(): Promise<void> {
    if (!this.conn || !this.sessionId || this.conn.signal.aborted) return;
    try {
      await this.conn.agent.notify(this.sdk!.methods.agent.session.cancel, { sessionId: this.sessionId });
    } catch {
      // The connection is closing; stop() goes on with signals.
    }
  }

  // ── the client app: what the agent may ask of Podium ───────────────────────────────────────────

  private clientApp(sdk: Sdk): Acp.ClientApp {
    const m = sdk.methods.client;
    return sdk
      .client({ name: 'podium' })
      .onNotification(m.session.update, (ctx) => this.onUpdate(ctx.params))
      .onRequest(m.session.requestPermission, (ctx) => this.onPermission(ctx.params, ctx.signal))
      .onRequest(m.fs.readTextFile, (ctx) => this.guard(() => this.onRead(ctx.params)))
      .onRequest(m.fs.writeTextFile, (ctx) => this.guard(() => this.onWrite(ctx.params)))
      .onRequest(m.terminal.create, (ctx) =>
        this.guard(async () => ({ terminalId: await this.terminals!.create(ctx.params) }), 'run a command in'))
      .onRequest(m.terminal.output, (ctx) => this.guard(async () => this.terminals!.output(ctx.params.terminalId)))
      .onRequest(m.terminal.waitForExit, (ctx) =>
        this.guard(async () => {
          // The agent is waiting on a command it asked for: that silence is not the agent hanging.
          const release = this.proc!.idle.hold();
          try {
            return await this.terminals!.waitForExit(ctx.params.terminalId);
          } finally {
            release();
          }
        }))
      .onRequest(m.terminal.kill, (ctx) => this.guard(async () => { await this.terminals!.kill(ctx.params.terminalId); return {}; }))
      .onRequest(m.terminal.release, (ctx) => this.guard(async () => { await this.terminals!.release(ctx.params.terminalId); return {}; }));
  }

  /** Runs a request handler; turns what it throws into a protocol error the agent can read. */
  private async guard<T>(fn: () => Promise<T>, verb = 'use'): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw this.protocolError(err, verb);
    }
  }

  private protocolError(err: unknown, verb: string): Error {
    const { RequestError } = this.sdk!;
    if (err instanceof RequestError) return err;
    if (err instanceof PathEscapeError) {
      this.emit({ type: 'notice', level: 'warning', code: 'path-escape', text: `${this.label} tried to ${verb} a path outside its worktree. ${err.message}` });
      return new RequestError(-32602, err.message, { path: err.requested, reason: err.reason });
    }
    if (err instanceof UnknownTerminalError) return new RequestError(-32602, err.message);
    const code = (err as NodeJS.ErrnoException)?.code;
    // ACP's own shape for a missing file ("Resource not found: <path>", code -32002).
    if (code === 'ENOENT') return RequestError.resourceNotFound((err as NodeJS.ErrnoException).path ?? messageOf(err));
    if (code === 'EISDIR') return new RequestError(-32602, `Is a folder, not a file: ${(err as NodeJS.ErrnoException).path ?? ''}`);
    return new RequestError(-32603, messageOf(err));
  }

  private async onRead(params: Acp.ReadTextFileRequest): Promise<Acp.ReadTextFileResponse> {
    const file = await this.confined(params.path, 'read');
    let content: string;
    try {
      content = await fsp.readFile(file, 'utf8');
    } catch (err) {
      // Gemini CLI reads a file before write_file creates it, and takes no error answer as "no such
      // file": its ACP connection hands on the JSON-RPC error object, which its check turns into
      // "[object Object]" (gemini-cli #17588, #9280), so a new file could never be created. To it
      // alone a missing file reads as empty; every other agent gets ACP's "Resource not found".
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && isGeminiCli(this.agentName, this.launch.argv[0])) return { content: '' };
      throw err;
    }
    if (params.line != null || params.limit != null) {
      const lines = content.split('\n');
      const from = Math.max(0, (params.line ?? 1) - 1);
      content = lines.slice(from, params.limit != null ? from + params.limit : undefined).join('\n');
    }
    return { content };
  }

  private async onWrite(params: Acp.WriteTextFileRequest): Promise<Acp.WriteTextFileResponse> {
    const file = await this.confined(params.path, 'write');
    await fsp.mkdir(path.dirname(file), { recursive: true });
    // O_NOFOLLOW: a symlink planted after the check must not redirect the write.
    const flags = fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_TRUNC | (fsConstants.O_NOFOLLOW ?? 0);
    let handle: fsp.FileHandle;
    try {
      handle = await fsp.open(file, flags, 0o644);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw new PathEscapeError(params.path, 'outside', this.launch.cwd, file);
      throw err;
    }
    try {
      await handle.writeFile(params.content, 'utf8');
    } finally {
      await handle.close();
    }
    const shown = this.shown(file);
    this.writtenViaFs.add(shown);
    this.emit({ type: 'agent.fileEdited', path: shown, via: 'acp fs' });
    return {};
  }

  private async confined(requested: string, verb: 'read' | 'write'): Promise<string> {
    try {
      return await confine(this.launch.cwd, requested);
    } catch (err) {
      if (err instanceof PathEscapeError) throw this.protocolError(err, verb);
      throw err;
    }
  }

  private async onPermission(params: Acp.RequestPermissionRequest, requestSignal: AbortSignal): Promise<Acp.RequestPermissionResponse> {
    const call = params.toolCall;
    const tool = this.toolFor(call.toolCallId, call.title ?? undefined, call);
    const ask: PermissionAsk = {
      request: `perm-${++this.permissionCounter}`,
      title: call.title ?? tool.title,
      toolCall: tool.entry,
      options: params.options.map((o) => ({ id: o.optionId, name: o.name, kind: o.kind })),
    };
    const chosen = await this.askEngineer(ask, [requestSignal, this.lifetime.signal, this.turn?.abort.signal]);
    if (chosen === null) return { outcome: { outcome: 'cancelled' } };
    return { outcome: { outcome: 'selected', optionId: chosen } };
  }

  // ── session updates → events ──────────────────────────────────────────────────────────────────

  private onUpdate(params: Acp.SessionNotification): void {
    if (this.sessionId && params.sessionId !== this.sessionId && params.sessionId !== '') return;
    const u = params.update;
    switch (u.sessionUpdate) {
      case 'agent_message_chunk':
      case 'agent_thought_chunk': {
        const kind = u.sessionUpdate === 'agent_message_chunk' ? 'message' : 'thought';
        const text = contentText(u.content);
        if (!text) return;
        const entry = this.streamEntry(kind, u.messageId);
        this.emit({ type: kind === 'message' ? 'agent.message' : 'agent.thought', entry, text });
        return;
      }
      case 'tool_call': {
        this.stream = undefined;
        const tool = this.toolFor(u.toolCallId, u.title, undefined);
        tool.title = u.title;
        this.noteTool(tool, u.kind, u.content);
        this.emit(stripUndefined({
          type: 'agent.toolCall' as const,
          entry: tool.entry,
          title: u.title,
          toolKind: u.kind,
          status: u.status,
          input: u.rawInput,
          locations: this.locations(u.locations),
          diffs: this.diffs(u.content),
        }));
        this.toolOutput(tool, u.content, u.rawOutput, undefined);
        if (u.status === 'completed') this.editsDone(tool);
        return;
      }
      case 'tool_call_update': {
        this.stream = undefined;
        const known = this.tools.get(u.toolCallId);
        const tool = this.toolFor(u.toolCallId, u.title ?? undefined, known ? undefined : u);
        if (u.title) tool.title = u.title;
        this.noteTool(tool, u.kind, u.content);
        if (known) {
          const output = this.outputDelta(tool, u.content, u.rawOutput);
          this.emit(stripUndefined({
            type: 'agent.toolCallUpdate' as const,
            entry: tool.entry,
            title: u.title ?? undefined,
            status: u.status ?? undefined,
            locations: this.locations(u.locations),
            diffs: this.diffs(u.content),
            output,
          }));
        } else {
          this.toolOutput(tool, u.content, u.rawOutput, u.status ?? undefined);
        }
        if (u.status === 'completed') this.editsDone(tool);
        return;
      }
      case 'plan':
        this.emit({
          type: 'agent.plan',
          entry: `plan:${this.turnNo}`,
          items: u.entries.map((e) => stripUndefined({ content: e.content, status: e.status, priority: e.priority })),
        });
        return;
      case 'usage_update':
        // `used`/`size` are the context window's fill, not what the session consumed: only the
        // cost is usage. It shows with the token counts, which come with the turn's end.
        if (u.cost && u.cost.currency.toUpperCase() === 'USD' && u.cost.amount !== this.usage.costUsd) {
          this.usage.costUsd = u.cost.amount;
          if (this.tokensKnown) this.emitUsage();
        }
        return;
      case 'current_mode_update':
        this.emit({ type: 'agent.mode', mode: u.currentModeId });
        return;
      case 'notice': {
        const mark = u._meta?.[MALFORMED_MARK] as { token?: string; text?: string; reason?: string } | undefined;
        if (mark && mark.token === this.markToken) {
          this.reportMalformed(mark.text ?? '', mark.reason ?? 'not-json');
          return;
        }
        const level = u.severity === 'error' || u.severity === 'warning' ? u.severity : 'info';
        this.emit({ type: 'notice', level, code: 'agent-notice', text: [u.title, u.description].filter(Boolean).join(': ') });
        return;
      }
      default:
        // user_message_chunk echoes our own prompt; commands, config options, titles and compaction
        // progress have no place on the score yet.
        return;
    }
  }

  private streamEntry(kind: 'message' | 'thought', messageId: string | null | undefined): string {
    const s = this.stream;
    if (s && s.kind === kind && (messageId == null || s.messageId == null || s.messageId === messageId)) {
      if (messageId != null) s.messageId = messageId;
      return s.entry;
    }
    const entry = `${kind}:${++this.entryCounter}`;
    this.stream = { kind, entry, messageId };
    return entry;
  }

  /** Remembers a tool call's kind and the files its diffs change. */
  private noteTool(tool: ToolState, kind: string | null | undefined, content: Acp.ToolCallContent[] | null | undefined): void {
    if (kind) tool.kind = kind;
    for (const c of content ?? []) if (c.type === 'diff') tool.edits.add(this.shown(c.path));
  }

  /**
   * An edit tool call completed. The files it changed through fs/write_text_file are on the score
   * already; those the agent wrote itself (the Claude ACP bridge edits with Claude Code's own
   * tools) are said here, so every edit shows as "Edited", however it was written.
   */
  private editsDone(tool: ToolState): void {
    if (tool.done) return;
    tool.done = true;
    if (tool.kind !== 'edit') return;
    for (const file of tool.edits) {
      if (this.writtenViaFs.delete(file)) continue;
      this.emit({ type: 'agent.fileEdited', path: file, via: 'acp agent' });
    }
  }

  /** The tool call's state, announcing it first when the agent never did (a bare permission ask). */
  private toolFor(toolCallId: string, title: string | undefined, announce: Acp.ToolCallUpdate | undefined): ToolState {
    let tool = this.tools.get(toolCallId);
    if (!tool) {
      tool = { entry: `tool:${toolCallId}`, title: title ?? `Tool call ${toolCallId}`, shownOutput: '', edits: new Set() };
      this.tools.set(toolCallId, tool);
      if (announce) {
        this.emit(stripUndefined({
          type: 'agent.toolCall' as const,
          entry: tool.entry,
          title: tool.title,
          toolKind: announce.kind ?? undefined,
          status: announce.status ?? undefined,
          input: announce.rawInput,
          locations: this.locations(announce.locations),
          diffs: this.diffs(announce.content),
        }));
      }
    }
    return tool;
  }

  private toolOutput(tool: ToolState, content: Acp.ToolCallContent[] | null | undefined, rawOutput: unknown, status: string | undefined): void {
    const output = this.outputDelta(tool, content, rawOutput);
    if (output !== undefined || status !== undefined) {
      this.emit(stripUndefined({ type: 'agent.toolCallUpdate' as const, entry: tool.entry, output, status }));
    }
  }

  /**
   * ACP sends a tool call's whole content with every update; the score appends output. Send only
   * what is new when the new content extends the old, the whole text otherwise.
   */
  private outputDelta(tool: ToolState, content: Acp.ToolCallContent[] | null | undefined, rawOutput: unknown): string | undefined {
    let text = (content ?? [])
      .map((c) => (c.type === 'content' ? contentText(c.content) : ''))
      .filter(Boolean)
      .join('\n');
    if (!text && (content ?? []).length === 0 && typeof rawOutput === 'string') text = rawOutput;
    if (!text) return undefined;
    const delta = text.startsWith(tool.shownOutput) ? text.slice(tool.shownOutput.length).replace(/^\n/, '') : text;
    tool.shownOutput = text;
    return delta || undefined;
  }

  private locations(locations: Acp.ToolCallLocation[] | null | undefined): ToolLocation[] | undefined {
    if (!locations || locations.length === 0) return undefined;
    return locations.map((l) => stripUndefined({ path: this.shown(l.path), line: l.line ?? undefined }));
  }

  private diffs(content: Acp.ToolCallContent[] | null | undefined): InlineDiff[] | undefined {
    const diffs = (content ?? []).flatMap((c) =>
      c.type === 'diff' ? [{ path: this.shown(c.path), oldText: c.oldText ?? null, newText: c.newText }] : []);
    return diffs.length > 0 ? diffs : undefined;
  }

  private shown(p: string): string {
    return displayPath(this.launch.cwd, this.realRoot, p);
  }

  /**
   * The turn's tokens, added to the session's. Shown once per turn, with the cost the agent reported
   * meanwhile; a turn that reports a cost but no tokens shows that cost.
   */
  private recordTurnUsage(response: Acp.PromptResponse): void {
    const tokens = turnTokens(response);
    const shownCost = this.shownCost;
    if (tokens) {
      this.tokensKnown = true;
      this.usage.inputTokens += tokens.inputTokens;
      this.usage.outputTokens += tokens.outputTokens;
    }
    if (tokens || this.usage.costUsd !== shownCost) this.emitUsage();
  }

  private shownCost: number | undefined;

  private emitUsage(): void {
    const { inputTokens, outputTokens, costUsd } = this.usage;
    this.shownCost = costUsd;
    this.emit(stripUndefined({ type: 'agent.usage' as const, inputTokens, outputTokens, costUsd }));
  }

  // ── what comes before the SDK sees a line ─────────────────────────────────────────────────────

  /** Replaces a malformed line with an in-band marker, so its error lands on the score in order. */
  private malformedLine(text: string, reason: string): Record<string, unknown> {
    return {
      jsonrpc: '2.0',
      method: 'session/update',
      params: {
        sessionId: this.sessionId ?? '',
        update: { sessionUpdate: 'notice', severity: 'error', title: 'malformed line', _meta: { [MALFORMED_MARK]: { token: this.markToken, text, reason } } },
      },
    };
  }

  private reportMalformed(text: string, reason: string): void {
    this.malformed += 1;
    if (this.malformed > MAX_MALFORMED_SHOWN) {
      if (this.malformed === MAX_MALFORMED_SHOWN + 1) {
        this.emit({ type: 'notice', level: 'warning', code: 'malformed-flood', text: `${this.label} keeps writing lines that are not ACP messages; Podium stops showing them one by one.` });
      }
      return;
    }
    const what = reason === 'too-long' ? 'a line too long to be an ACP message' : 'a line that is not an ACP message';
    this.emit({ type: 'agent.error', message: `${this.label} wrote ${what} on its output`, detail: text });
  }

  private acceptMessage(message: Record<string, unknown>): boolean {
    if (message.method !== 'session/update') return true;
    const update = (message.params as { update?: { sessionUpdate?: unknown } } | undefined)?.update;
    const kind = update?.sessionUpdate;
    if (typeof kind !== 'string' || KNOWN_UPDATES.has(kind)) return true;
    if (!this.unknownKinds.has(kind)) {
      this.unknownKinds.add(kind);
      this.emit({ type: 'notice', level: 'info', code: 'acp-unknown-update', text: `${this.label} sends "${kind}" updates, which this Podium does not show.` });
    }
    return false;
  }
}

// ── helpers ─────────────────────────────────────────────────────────────────────────────────────

function contentText(block: Acp.ContentBlock): string {
  switch (block.type) {
    case 'text':
      return block.text;
    case 'resource_link':
      return `[${block.title ?? block.name}](${block.uri})`;
    case 'resource':
      return 'text' in block.resource ? block.resource.text : `[${block.resource.uri}]`;
    case 'image':
      return '[image]';
    case 'audio':
      return '[audio]';
    default:
      return '';
  }
}

function stopReasonText(label: string, reason: string): string {
  switch (reason) {
    case 'max_tokens':
      return `${label} ended its turn early: it reached its token limit.`;
    case 'max_turn_requests':
      return `${label} ended its turn early: it reached its limit of model requests per turn.`;
    case 'refusal':
      return `${label} refused to continue.`;
    default:
      return `${label} ended its turn (${reason}).`;
  }
}

/**
 * A turn's token counts from its prompt response: ACP's (unstable) `usage`, or Gemini CLI's
 * `_meta.quota.token_count`; undefined when the agent reports neither.
 */
export function turnTokens(response: unknown): { inputTokens: number; outputTokens: number } | undefined {
  const r = response as { usage?: { inputTokens?: unknown; outputTokens?: unknown }; _meta?: { quota?: { token_count?: { input_tokens?: unknown; output_tokens?: unknown } } } } | undefined;
  const usage = r?.usage;
  if (usage && typeof usage.inputTokens === 'number' && typeof usage.outputTokens === 'number') {
    return { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens };
  }
  const quota = r?._meta?.quota?.token_count;
  if (quota && typeof quota.input_tokens === 'number' && typeof quota.output_tokens === 'number') {
    return { inputTokens: quota.input_tokens, outputTokens: quota.output_tokens };
  }
  return undefined;
}

/** Gemini CLI (`gemini --acp`), by the name it gives in `initialize` or its program. */
function isGeminiCli(agentName: string | undefined, program: string | undefined): boolean {
  return agentName === 'gemini-cli' || /^gemini(\.cmd|\.exe)?$/i.test(path.basename(program ?? ''));
}

/** The Claude ACP bridge (@agentclientprotocol/claude-agent-acp, formerly @zed-industries/claude-code-acp). */
function isClaudeBridge(agentName: string | undefined, program: string | undefined): boolean {
  const base = path.basename(program ?? '').replace(/\.(cmd|exe)$/i, '');
  return /claude-(agent|code)-acp/.test(agentName ?? '') || base === 'claude-agent-acp' || base === 'claude-code-acp';
}

function isAuthError(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  if (e?.code === -32000) return true;
  return typeof e?.message === 'string' && /\b(auth(entication|orization)? required|not (signed|logged) in|sign[ -]?in|log[ -]?in required|unauthori[sz]ed|api[ _-]?key)\b/i.test(e.message);
}

function errorDetail(err: unknown): string | undefined {
  const data = (err as { data?: unknown })?.data;
  if (data === undefined) return undefined;
  try {
    return typeof data === 'string' ? data : JSON.stringify(data);
  } catch {
    return undefined;
  }
}

function nextMacrotask(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}
