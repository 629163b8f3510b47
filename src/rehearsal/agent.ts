/**
 * The rehearsal agent: a real ACP agent (the SDK's agent app) that plays a script instead of asking a
 * model. It is Podium's demo agent and the peer its tests talk to, so it does what real agents do,
 * through the same protocol: stream messages, call tools, ask permission, read and write files
 * through the client, run commands in client terminals, and misbehave on cue.
 */
import type * as Acp from '@agentclientprotocol/sdk' with { 'resolution-mode': 'import' };
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { DiffSpec, Script, Step, Turn } from './script';

type Sdk = typeof Acp;

/** What the agent writes to its log, one JSON object per line, so tests can see what it heard. */
export type LogEntry = Record<string, unknown> & { type: string };

export interface RehearsalOptions {
  script: Script;
  /** Called for every entry worth checking (prompts heard, answers received, pids started…). */
  log?: (entry: LogEntry) => void;
}

/** Appends log entries to `file` as JSON lines (synchronously, so they survive a crash on cue). */
export function fileLog(file: string): (entry: LogEntry) => void {
  return (entry) => appendFileSync(file, `${JSON.stringify({ ...entry, pid: process.pid })}\n`);
}

interface SessionState {
  id: string;
  cwd: string;
  turnIndex: number;
  cancelled: boolean;
  /** Messages sent so far, for their ids. */
  messages: number;
  /** Wakes a pause early when the turn is cancelled. */
  wake?: () => void;
}

const DEFAULT_OPTIONS: Acp.PermissionOption[] = [
  { optionId: 'allow', name: 'Allow', kind: 'allow_once' },
  { optionId: 'reject', name: 'Reject', kind: 'reject_once' },
];

/** Builds the agent app that plays `options.script`; connect it to a stream to serve a client. */
export function rehearsalAgent(sdk: Sdk, options: RehearsalOptions): Acp.AgentApp {
  const { script } = options;
  const log = options.log ?? (() => {});
  const sessions = new Map<string, SessionState>();
  let nextSession = 1;
  const name = script.agent?.name ?? 'rehearsal';

  return sdk
    .agent({ name })
    .onRequest(sdk.methods.agent.initialize, (ctx) => {
      log({ type: 'initialize', client: ctx.params.clientInfo?.name ?? null, capabilities: ctx.params.clientCapabilities ?? null });
      return {
        protocolVersion: sdk.PROTOCOL_VERSION,
        agentCapabilities: { loadSession: false },
        agentInfo: { name, title: script.agent?.title ?? `Rehearsal: ${script.name}`, version: script.agent?.version ?? '1.0.0' },
        authMethods: script.auth ? [{ id: 'rehearsal-sign-in', name: 'Rehearsal sign-in', description: 'Pretend to sign in' }] : [],
      };
    })
    .onRequest(sdk.methods.agent.authenticate, () => ({}))
    .onRequest(sdk.methods.agent.session.new, (ctx) => {
      if (script.auth === 'required') throw sdk.RequestError.authRequired(undefined, 'sign in to the rehearsal agent first');
      const id = `rehearsal-${process.pid}-${nextSession++}`;
      sessions.set(id, { id, cwd: ctx.params.cwd, turnIndex: 0, cancelled: false, messages: 0 });
      log({ type: 'session', id, cwd: ctx.params.cwd });
      return { sessionId: id };
    })
    .onNotification(sdk.methods.agent.session.cancel, (ctx) => {
      const session = sessions.get(ctx.params.sessionId);
      log({ type: 'cancel', session: ctx.params.sessionId });
      if (!session) return;
      session.cancelled = true;
      session.wake?.();
    })
    .onRequest(sdk.methods.agent.session.prompt, async (ctx) => {
      const session = sessions.get(ctx.params.sessionId);
      if (!session) throw sdk.RequestError.sessionNotFound(ctx.params.sessionId);
      const promptText = ctx.params.prompt.map((b) => (b.type === 'text' ? b.text : '')).join('');
      const index = session.turnIndex++;
      log({ type: 'prompt', turn: index, text: promptText });
      session.cancelled = false;
      const turn: Turn = script.turns[index] ?? { steps: script.afterTurns === 'end' ? [] : [{ do: 'echo' }] };
      const player = new Player(sdk, ctx.client, session, script, log, promptText);
      const finished = await player.play(turn.steps);
      const stopReason = session.cancelled || !finished ? 'cancelled' : (turn.stopReason ?? 'end_turn');
      log({ type: 'turn-end', turn: index, stopReason });
      if (turn.error && finished && !session.cancelled) throw new sdk.RequestError(turn.error.code ?? -32603, turn.error.message);
      // `usage` is an unstable ACP field on the prompt response; the stable types do not list it.
      const usage = turn.usage ? { usage: { ...turn.usage, totalTokens: turn.usage.inputTokens + turn.usage.outputTokens } } : {};
      return { stopReason, ...usage } as Acp.PromptResponse;
    });
}

class Player {
  private permissionCount = 0;

  constructor(
    private readonly sdk: Sdk,
    private readonly client: Acp.AgentContext,
    private readonly session: SessionState,
    private readonly script: Script,
    private readonly log: (entry: LogEntry) => void,
    private readonly promptText: string,
  ) {}

  /** Plays steps in order; false when the turn was cancelled on the way. */
  async play(steps: Step[]): Promise<boolean> {
    for (const step of steps) {
      if (this.session.cancelled) return false;
      const goOn = await this.step(step);
      if (goOn === false) return false;
    }
    return !this.session.cancelled;
  }

  private async step(step: Step): Promise<boolean | void> {
    switch (step.do) {
      case 'message':
        return this.stream('agent_message_chunk', step.text);
      case 'thought':
        return this.stream('agent_thought_chunk', step.text);
      case 'echo':
        return this.stream('agent_message_chunk', `${step.prefix ?? 'You said: '}${this.promptText}`);
      case 'plan':
        return this.update({ sessionUpdate: 'plan', entries: step.items.map((i) => ({ content: i.content, status: i.status, priority: i.priority ?? 'medium' })) });
      case 'tool':
        return this.update({
          sessionUpdate: 'tool_call',
          toolCallId: step.id,
          title: step.title,
          kind: step.kind,
          status: step.status ?? 'pending',
          locations: step.locations?.map((l) => ({ path: this.abs(l.path), line: l.line })),
          content: step.diff ? [this.diff(step.diff)] : undefined,
          rawInput: step.input,
        });
      case 'toolUpdate': {
        const content: Acp.ToolCallContent[] = [];
        if (step.output !== undefined) content.push({ type: 'content', content: { type: 'text', text: step.output } });
        if (step.diff) content.push(this.diff(step.diff));
        return this.update({
          sessionUpdate: 'tool_call_update',
          toolCallId: step.id,
          status: step.status,
          title: step.title,
          content: content.length > 0 ? content : undefined,
        });
      }
      case 'permission':
        return this.permission(step);
      case 'read':
        await this.read(step.path, step.raw);
        return;
      case 'write':
        // A refused write is the agent's problem to report, not the end of its turn.
        await this.write(step.path, step.content, step.raw);
        return;
      case 'edit':
        return this.edit(step);
      case 'diskWrite': {
        const file = path.resolve(this.session.cwd, step.path);
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, step.content);
        this.log({ type: 'diskWrite', path: step.path });
        return;
      }
      case 'symlink': {
        const link = path.resolve(this.session.cwd, step.path);
        mkdirSync(path.dirname(link), { recursive: true });
        symlinkSync(step.target, link);
        this.log({ type: 'symlink', path: step.path, target: step.target });
        return;
      }
      case 'run':
        return this.run(step);
      case 'background': {
        // Same process group as the agent: Podium must clean it up when the agent goes.
        const child = spawn(step.command, step.args ?? [], { cwd: this.session.cwd, stdio: 'ignore' });
        child.on('error', (err) => this.log({ type: 'background-error', message: err.message }));
        child.unref();
        this.log({ type: 'background', childPid: child.pid ?? null });
        return;
      }
      case 'pause':
        return this.pause(step.ms);
      case 'mode':
        return this.update({ sessionUpdate: 'current_mode_update', currentModeId: step.mode });
      case 'usage':
        return this.update({
          sessionUpdate: 'usage_update',
          used: step.used ?? 0,
          size: step.size ?? 0,
          cost: step.costUsd !== undefined ? { amount: step.costUsd, currency: 'USD' } : undefined,
        });
      case 'stderr':
        process.stderr.write(`${step.text}\n`);
        return;
      case 'crash':
        if (step.stderr) process.stderr.write(`${step.stderr}\n`);
        this.log({ type: 'crash', code: step.code ?? 1 });
        process.exit(step.code ?? 1);
        break; // not reached: keeps linters from seeing a fall-through
      case 'hang':
        this.log({ type: 'hang' });
        // Never answers again, cancel or not; only a signal ends it.
        await new Promise<never>(() => {});
        return;
      case 'flood':
        return this.flood(step.kb, step.lines, step.to ?? 'message');
      case 'malformed':
        // Straight onto stdout, between protocol messages: pipes are written synchronously.
        process.stdout.write(`${step.text}\n`);
        return;
    }
  }

  private async stream(kind: 'agent_message_chunk' | 'agent_thought_chunk', text: string): Promise<boolean> {
    const size = this.script.chunkSize ?? 24;
    // Each step is its own message: ACP tells messages apart by id.
    const messageId = `${this.session.id}-m${++this.session.messages}`;
    for (let i = 0; i < text.length; i += size) {
      if (this.session.cancelled) return false;
      const piece = text.slice(i, i + size);
      await this.update({ sessionUpdate: kind, messageId, content: { type: 'text', text: this.script.stampChunks ? `[sent:${Date.now()}]${piece}` : piece } });
      if (this.script.chunkDelayMs) await this.pause(this.script.chunkDelayMs);
    }
    return true;
  }

  private update(update: Acp.SessionUpdate): Promise<void> {
    return this.client.notify(this.sdk.methods.client.session.update, { sessionId: this.session.id, update: dropUndefined(update) });
  }

  private async permission(step: Extract<Step, { do: 'permission' }>): Promise<boolean> {
    const options: Acp.PermissionOption[] = step.options?.map((o) => ({ optionId: o.id, name: o.name, kind: o.kind })) ?? DEFAULT_OPTIONS;
    const toolCallId = step.toolCall ?? `permission-${++this.permissionCount}`;
    const response = await this.client.request(this.sdk.methods.client.session.requestPermission, {
      sessionId: this.session.id,
      toolCall: { toolCallId, title: step.title },
      options,
    });
    const outcome = response.outcome;
    if (outcome.outcome === 'selected') {
      const kind = options.find((o) => o.optionId === outcome.optionId)?.kind;
      const allowed = kind === 'allow_once' || kind === 'allow_always';
      this.log({ type: 'permission', title: step.title, outcome: allowed ? 'allowed' : 'rejected', optionId: outcome.optionId });
      return this.play((allowed ? step.allowed : step.rejected) ?? []);
    }
    this.log({ type: 'permission', title: step.title, outcome: 'cancelled', optionId: null });
    if (!step.cancelled) {
      // ACP: a cancelled permission means the turn is being cancelled.
      this.session.cancelled = true;
      return false;
    }
    return this.play(step.cancelled);
  }

  private async read(file: string, raw?: boolean): Promise<string | undefined> {
    try {
      const { content } = await this.client.request(this.sdk.methods.client.fs.readTextFile, { sessionId: this.session.id, path: raw ? file : this.abs(file) });
      this.log({ type: 'read', path: file, ok: true, bytes: content.length });
      return content;
    } catch (err) {
      await this.refused('read', file, err);
      return undefined;
    }
  }

  private async write(file: string, content: string, raw?: boolean): Promise<boolean> {
    try {
      await this.client.request(this.sdk.methods.client.fs.writeTextFile, { sessionId: this.session.id, path: raw ? file : this.abs(file), content });
      this.log({ type: 'write', path: file, ok: true });
      return true;
    } catch (err) {
      await this.refused('write', file, err);
      return false;
    }
  }

  private async edit(step: Extract<Step, { do: 'edit' }>): Promise<void> {
    const before = await this.read(step.path, step.raw);
    if (before === undefined) return;
    const at = before.indexOf(step.find);
    if (at === -1) {
      this.log({ type: 'edit', path: step.path, ok: false, error: 'text to replace not found' });
      await this.stream('agent_message_chunk', `I could not find the text to change in ${step.path}.`);
      return;
    }
    await this.write(step.path, before.slice(0, at) + step.replace + before.slice(at + step.find.length), step.raw);
  }

  private async run(step: Extract<Step, { do: 'run' }>): Promise<void> {
    try {
      const terminal = await this.client.createTerminal({
        sessionId: this.session.id,
        command: step.command,
        args: step.args ?? [],
        cwd: step.cwd === undefined ? this.session.cwd : step.raw ? step.cwd : this.abs(step.cwd),
      });
      try {
        const exit = await terminal.waitForExit();
        const { output } = await terminal.currentOutput();
        this.log({ type: 'run', command: step.command, ok: true, exitCode: exit.exitCode ?? null, signal: exit.signal ?? null, output });
      } finally {
        await terminal.release();
      }
    } catch (err) {
      await this.refused('run', step.command, err);
    }
  }

  /** The client refused a request: note it, and say so the way an agent would. */
  private async refused(what: string, target: string, err: unknown): Promise<void> {
    const e = err as { code?: unknown; message?: unknown };
    const message = typeof e?.message === 'string' ? e.message : String(err);
    this.log({ type: what, path: target, ok: false, code: typeof e?.code === 'number' ? e.code : null, error: message });
    await this.stream('agent_message_chunk', `I could not ${what} ${target}: ${message}`);
  }

  private async flood(kb: number | undefined, lines: number | undefined, to: 'message' | 'stderr'): Promise<void> {
    const limitBytes = kb !== undefined ? kb * 1024 : lines === undefined ? 256 * 1024 : Infinity;
    const limitLines = lines ?? Infinity;
    const filler = 'the quick brown fox jumps over the lazy dog '.repeat(2);
    let bytes = 0;
    let n = 0;
    while (bytes < limitBytes && n < limitLines) {
      let batch = '';
      while (batch.length < 4096 && bytes + batch.length < limitBytes && n < limitLines) batch += `flood ${++n}: ${filler}\n`;
      bytes += batch.length;
      if (to === 'stderr') process.stderr.write(batch);
      else await this.update({ sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: batch } });
    }
    this.log({ type: 'flood', lines: n, bytes });
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.session.wake = done;
    });
  }

  private diff(d: DiffSpec): Acp.ToolCallContent {
    return { type: 'diff', path: this.abs(d.path), oldText: d.oldText ?? null, newText: d.newText };
  }

  private abs(p: string): string {
    return path.resolve(this.session.cwd, p);
  }
}

function dropUndefined<T extends object>(o: T): T {
  const out = {} as T;
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
