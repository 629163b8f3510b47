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
}

export interface ExitInfo {
  code: number | null;
  signal: string | null;
  /** The last few KB of stderr, for the score. */
  stderrTail: string;
}

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
