/**
 * What every agent adapter (ACP, Claude Code, Codex, plain command, the rehearsal agent over ACP)
 * promises the conductor. An adapter turns one agent process's own protocol into Podium events and
 * the conductor's intents (prompt, cancel, stop, permission answers) into that protocol.
 *
 * Adapters never touch the journal, the editor or the score directly: they emit event bodies into an
 * `AgentSink`, and the conductor journals, reduces and forwards them.
 */
import type { AgentIdentity, EventBody, PermissionOption } from '../score/events';

export interface PermissionAsk {
  /** Unique within the session. */
  request: string;
  title: string;
  toolCall?: string;
  options: PermissionOption[];
}

export interface AgentSink {
  /** Records one event (the conductor assigns session, seq, ts and schema version). */
  emit(body: EventBody): void;
  /**
   * Asks the engineer (or a remembered answer) and resolves with the chosen option id, or null when
   * the request is cancelled (session stopping). The adapter emits nothing for it: the conductor
   * journals `permission.requested` / `permission.resolved`.
   */
  requestPermission(ask: PermissionAsk, signal: AbortSignal): Promise<string | null>;
}

export interface AgentLaunch {
  /** argv[0] is the program; never run through a shell. */
  argv: string[];
  /** The task's worktree: the agent's cwd and the only place it may read or write. */
  cwd: string;
  /** Extra environment (secrets from SecretStorage among them), merged over a minimal base. */
  env?: Record<string, string>;
  identity: AgentIdentity;
  /**
   * The no-progress limit (the task's idle budget, else the podium.noProgressSec setting): while a
   * turn is running, this many seconds without any output from the agent mark it
   * hung (a `notice` with code 'hung', then `session.failed`) and stop it. Time the agent spends
   * waiting on Podium (a permission question, a command it asked Podium to run) does not count.
   */
  idleSec?: number;
  /**
   * Command agents only: how the task's prompt reaches the program, as its last argument (`arg`, the
   * default) or as the whole of its stdin (`stdin`). The profile's `promptVia`; other adapters ignore it.
   */
  promptVia?: 'arg' | 'stdin';
}

export interface ExitInfo {
  code: number | null;
  signal: string | null;
  /** The last few KB of stderr, for the score. */
  stderrTail: string;
}

/**
 * Which events an adapter emits itself, so the conductor neither misses nor doubles them:
 * `session.spawned` (once the process runs; no `task` field), `session.ready` (the agent answered its
 * handshake), `prompt.sent` (before each prompt it delivers), the agent's entries, `session.waiting`
 * (each turn end), `session.failed` (once, when it gives up on the session for a reason other than
 * `stop()`; `start`/`prompt` then reject with the same reason) and `session.exited` (once the process
 * and its group are gone). A turn the agent itself refuses (an error answer to the prompt) rejects
 * after `agent.error` and `session.waiting`, and the session stays usable. The conductor emits the
 * `task.*` events and journals permission questions (see `AgentSink.requestPermission`).
 */
export interface AgentSession {
  readonly pid: number | undefined;
  /**
   * Starts the agent and sends the task's prompt. Resolves when the first turn ends (the agent is
   * waiting for input); rejects with an Error whose message a user can act on (missing binary, not
   * signed in, protocol failure).
   */
  start(prompt: string): Promise<void>;
  /** A follow-up or rejection feedback in the agent's own protocol; resolves when that turn ends. */
  prompt(text: string, purpose: 'followup' | 'feedback'): Promise<void>;
  /** Asks the agent to stop its current turn (protocol cancel where it has one). */
  cancel(): Promise<void>;
  /** Stops the agent: protocol cancel, then SIGTERM, then SIGKILL after `graceMs`; no process remains. */
  stop(graceMs?: number): Promise<ExitInfo>;
  /** Resolves once the process has exited, however it ended. */
  readonly exited: Promise<ExitInfo>;
}

export interface AgentAdapter {
  readonly kind: string;
  create(launch: AgentLaunch, sink: AgentSink): AgentSession;
}
