/**
 * The JSONL events of `codex exec --json` (Codex CLI 0.1xx, codex-rs/exec/src/exec_events.rs): one
 * object per line with a `type` tag.
 *
 *   thread.started {thread_id}          first line; the id `codex exec resume <id>` takes
 *   turn.started {}
 *   item.started / item.updated / item.completed {item: {id, type, …}}
 *   turn.completed {usage: {input_tokens, cached_input_tokens, output_tokens}}
 *   turn.failed {error: {message}}
 *   error {message}                     also "Reconnecting... n/5 (…)" while the service is unreachable
 *
 * Item types: agent_message {text}, reasoning {text}, command_execution {command, aggregated_output,
 * exit_code, status}, file_change {changes: [{path, kind}], status}, mcp_tool_call {server, tool,
 * arguments, result, error, status}, web_search {query}, todo_list {items: [{text, completed}]},
 * plan {text}, collab_tool_call {tool, status}, error {message}. Item ids (`item_0`, …) restart with
 * every process, so every `codex exec` run is its own namespace.
 *
 * This file holds the shapes and the pure readings; the session lives in codex.ts.
 */
import type { PlanItem } from '../score/events';
import { num, obj, str } from './sessionKit';

/**
 * The argv of the default Codex profile: `codex exec` never asks for approval, so the sandbox is what
 * lets it write in the task's worktree (and nowhere else).
 */
export const CODEX_DEFAULT_ARGV = ['codex', 'exec', '--json', '--sandbox', 'workspace-write'];

const SANDBOX_FLAGS = ['-s', '--sandbox', '--full-auto', '--dangerously-bypass-approvals-and-sandbox', '--approve-for-me'];

/**
 * A profile's argv made into a `codex exec --json` command line, to which a turn appends `-` or
 * `resume <id> -`. Adds what is missing: the `exec` subcommand (a profile may name just `codex`, or a
 * wrapper such as `npx @openai/codex`), `--json`, and a workspace-write sandbox unless the profile
 * chose a sandbox itself (`-s`, `--sandbox`, `-c sandbox_mode=…`, a bypass flag).
 */
export function codexArgv(argv: readonly string[]): string[] {
  const out = [...argv];
  const rest = out.slice(1);
  if (!rest.includes('exec') && !rest.includes('e')) out.push('exec');
  if (!rest.some((a) => a === '--json' || a === '--experimental-json')) out.push('--json');
  const choseSandbox = rest.some((a, i) => SANDBOX_FLAGS.some((f) => a === f || a.startsWith(`${f}=`))
    || ((a === '-c' || a === '--config') && /^sandbox_mode\s*=/.test(rest[i + 1] ?? ''))
    || /^(-c|--config)=?sandbox_mode\s*=/.test(a));
  if (!choseSandbox) out.push('--sandbox', 'workspace-write');
  return out;
}

export interface CodexUsage {
  inputTokens: number;
  outputTokens: number;
}

/** `turn.completed`'s usage. Cached input is part of `input_tokens`, so it is not added again. */
export function readUsage(value: unknown): CodexUsage | undefined {
  const u = obj(value);
  if (!u) return undefined;
  const input = num(u.input_tokens);
  const output = num(u.output_tokens);
  if (input === undefined && output === undefined) return undefined;
  return { inputTokens: input ?? 0, outputTokens: output ?? 0 };
}

/**
 * The session's usage after a turn reported `reported`. Codex reports the thread's running total
 * (restored when a thread is resumed), so a report that is not below what we have replaces it; a
 * smaller one can only be a per-process count (older Codex versions) and is added.
 */
export function accumulateUsage(total: CodexUsage, reported: CodexUsage): CodexUsage {
  if (reported.inputTokens >= total.inputTokens && reported.outputTokens >= total.outputTokens) return { ...reported };
  return { inputTokens: total.inputTokens + reported.inputTokens, outputTokens: total.outputTokens + reported.outputTokens };
}

export function readTodoItems(value: unknown): PlanItem[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((raw) => {
    const item = obj(raw);
    const content = item && str(item.text);
    // Codex's to-do items only say done or not.
    return content ? [{ content, status: item.completed === true ? 'completed' : 'pending' } satisfies PlanItem] : [];
  });
}

export interface FileChange {
  path: string;
  kind: string;
}

export function readChanges(value: unknown): FileChange[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((raw) => {
    const change = obj(raw);
    const p = change && str(change.path);
    return p ? [{ path: p, kind: str(change.kind) ?? 'update' }] : [];
  });
}

/** The text of an MCP tool call's result (its text content blocks) or its error. */
export function mcpOutput(item: Record<string, unknown>): string | undefined {
  const error = str(obj(item.error)?.message);
  if (error) return error;
  const content = obj(item.result)?.content;
  if (!Array.isArray(content)) return undefined;
  const text = content.map((c) => str(obj(c)?.text) ?? '').filter(Boolean).join('\n');
  return text || undefined;
}

/** Codex's words when it has no usable sign-in. */
export function isSignInText(text: string): boolean {
  return /\b401\b|unauthori[sz]ed|not logged in|codex login|missing bearer|invalid[_ ]api[_ ]key|incorrect api key|authentication (failed|required)|refresh token|token (has )?expired|sign in again/i.test(text);
}

/** An `error` event that says Codex is retrying its connection. */
export function isReconnect(text: string): boolean {
  return /^reconnecting\b/i.test(text.trim());
}

/** A reconnect that has given up on quick retries and waits for the network indefinitely. */
export function isWaitingForNetwork(text: string): boolean {
  return /waiting for network/i.test(text);
}
