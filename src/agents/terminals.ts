/**
 * The commands an ACP agent asks its client to run (`terminal/*`): each runs without a shell, in the
 * worktree (its folder confined like any other path), in a supervised process group, with its output
 * captured up to a limit. Each shows on the score as a command entry: one event when it starts, one
 * with its exit code and output when it ends.
 */
import type { EventBody } from '../score/events';
import { MAX_ENTRY_TEXT } from '../score/state';
import { confine, displayPath } from './confine';
import { ProcessStartError, spawnSupervised, type SupervisedProcess } from './process';

/** Output kept per command when the agent does not ask for less. */
export const DEFAULT_OUTPUT_LIMIT = 1024 * 1024;
/** Output kept per command however much the agent asks for. */
export const MAX_OUTPUT_LIMIT = 8 * 1024 * 1024;

export interface TerminalHost {
  /** The worktree. */
  root: string;
  realRoot: string;
  /** The agent's own environment (base plus the profile's env); a request's env is merged over it. */
  env: Record<string, string>;
  emit(body: EventBody): void;
}

export interface TerminalRequest {
  command: string;
  args?: string[];
  env?: { name: string; value: string }[];
  cwd?: string | null;
  outputByteLimit?: number | null;
}

export interface TerminalExit {
  exitCode: number | null;
  signal: string | null;
}

/** An unknown or released terminal id. */
export class UnknownTerminalError extends Error {
  constructor(readonly terminalId: string) {
    super(`No terminal ${JSON.stringify(terminalId)} (never created, or already released).`);
    this.name = 'UnknownTerminalError';
  }
}

/** Output that keeps its last `limit` bytes, cut at a character boundary when read. */
class OutputBuffer {
  private chunks: Buffer[] = [];
  private bytes = 0;
  truncated = false;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    while (this.bytes > this.limit && this.chunks.length > 0) {
      const first = this.chunks[0]!;
      const excess = this.bytes - this.limit;
      this.truncated = true;
      if (first.length <= excess) {
        this.chunks.shift();
        this.bytes -= first.length;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.bytes -= excess;
      }
    }
  }

  text(): string {
    const all = Buffer.concat(this.chunks);
    let start = 0;
    while (this.truncated && start < all.length && start < 4 && (all[start]! & 0xc0) === 0x80) start += 1;
    return all.subarray(start).toString('utf8');
  }
}

interface Terminal {
  id: string;
  entry: string;
  command: string[];
  proc: SupervisedProcess;
  output: OutputBuffer;
  exit?: TerminalExit;
  ended: Promise<TerminalExit>;
}

export class Terminals {
  private readonly terminals = new Map<string, Terminal>();
  private next = 1;

  constructor(private readonly host: TerminalHost) {}

  /**
   * Starts a command and returns its terminal id. Refuses a folder outside the worktree
   * (PathEscapeError) and a program that cannot start (ProcessStartError); either way the score shows
   * the attempt as a failed command.
   */
  async create(request: TerminalRequest): Promise<string> {
    const id = `term-${this.next++}`;
    const entry = `command:${id}`;
    const command = [request.command, ...(request.args ?? [])];
    let cwd: string;
    try {
      cwd = await confine(this.host.root, request.cwd ?? this.host.root);
    } catch (err) {
      this.host.emit({ type: 'agent.command', entry, command, cwd: request.cwd ?? undefined, exitCode: null, output: errorText(err) });
      throw err;
    }
    const shownCwd = displayPath(this.host.root, this.host.realRoot, cwd);
    const limit = Math.min(MAX_OUTPUT_LIMIT, Math.max(1, request.outputByteLimit ?? DEFAULT_OUTPUT_LIMIT));
    const output = new OutputBuffer(limit);
    const env = { ...this.host.env };
    for (const { name, value } of request.env ?? []) env[name] = value;
    let proc: SupervisedProcess;
    try {
      proc = await spawnSupervised({ argv: command, cwd, env, onStderr: (chunk) => output.push(chunk) });
    } catch (err) {
      // Said to the agent and shown on the score; the podium.agents advice of a failed agent start
      // does not apply to a command the agent chose.
      const reason = err instanceof ProcessStartError && err.reason === 'not-found'
        ? `Command not found: "${request.command}" is not on the PATH.`
        : err instanceof ProcessStartError && err.reason === 'not-executable'
          ? `Command not executable: "${request.command}".`
          : `Command "${request.command}" could not start: ${errorText(err)}`;
      this.host.emit({ type: 'agent.command', entry, command, cwd: shownCwd, exitCode: null, output: reason });
      throw new Error(reason, { cause: err });
    }
    // Commands get no input: one that waits for it would otherwise hang the agent.
    proc.stdin.end();
    proc.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    this.host.emit({ type: 'agent.command', entry, command, cwd: shownCwd });
    const terminal: Terminal = {
      id,
      entry,
      command,
      proc,
      output,
      ended: proc.exited.then((info) => {
        const exit = { exitCode: info.signal ? null : info.code, signal: info.signal };
        terminal.exit = exit;
        const text = output.text();
        const shown = text.length > MAX_ENTRY_TEXT ? `… [earlier output dropped]\n${text.slice(-MAX_ENTRY_TEXT)}` : text;
        this.host.emit({ type: 'agent.command', entry, command, exitCode: exit.exitCode, output: info.signal ? `${shown}\n[ended by ${info.signal}]` : shown });
        return exit;
      }),
    };
    this.terminals.set(id, terminal);
    return id;
  }

  /** The output so far (the last `outputByteLimit` bytes) and the exit status once there is one. */
  output(id: string): { output: string; truncated: boolean; exitStatus?: TerminalExit } {
    const t = this.get(id);
    return { output: t.output.text(), truncated: t.output.truncated, ...(t.exit ? { exitStatus: t.exit } : {}) };
  }

  /** Resolves when the command has exited (and its process group is gone). */
  waitForExit(id: string): Promise<TerminalExit> {
    return this.get(id).ended;
  }

  /** Kills the command's process group; the terminal stays readable until released. */
  async kill(id: string, graceMs = 1000): Promise<void> {
    const t = this.get(id);
    await t.proc.stop(graceMs);
  }

  /** Kills the command if it still runs and forgets the terminal. */
  async release(id: string): Promise<void> {
    const t = this.get(id);
    this.terminals.delete(id);
    await t.proc.stop(1000);
  }

  /** Kills every command still running (the agent is going away). */
  async disposeAll(graceMs = 1000): Promise<void> {
    const all = [...this.terminals.values()];
    this.terminals.clear();
    await Promise.all(all.map((t) => t.proc.stop(graceMs)));
  }

  private get(id: string): Terminal {
    const t = this.terminals.get(id);
    if (!t) throw new UnknownTerminalError(id);
    return t;
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
