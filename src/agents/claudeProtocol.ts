/**
 * Claude Code's headless protocol (`claude -p --input-format stream-json --output-format stream-json
 * --verbose --permission-prompt-tool stdio`), as of Claude Code 2.1: newline-delimited JSON both ways.
 *
 * On stdout: `system` messages (`init` at the start of each turn with the model and permission mode,
 * `api_retry` while the API does not answer), `assistant` messages (one content block each: text,
 * thinking or tool_use, blocks of one model message sharing `message.id`), `user` messages carrying
 * tool results, a `result` at the end of each turn (usage, cumulative cost, `is_error`), and the
 * control protocol: `control_request` (the CLI asks: `can_use_tool`), `control_response` (answers to
 * ours), `control_cancel_request` (the CLI withdraws a question).
 *
 * On stdin: `user` messages (the prompts), `control_request` (ours: `initialize`, `interrupt`) and
 * `control_response` (our answers to `can_use_tool`: allow with the input, or deny with a message).
 *
 * This file holds the shapes and the pure mappings; the session lives in claude.ts.
 */
import type { InlineDiff, PermissionOption, PlanItem, ToolLocation } from '../score/events';
import { num, obj, str } from './sessionKit';

/** Flags without which the CLI does not speak this protocol (appended when a profile lacks them). */
export const CLAUDE_PROTOCOL_FLAGS: { flag: string[]; aliases?: string[] }[] = [
  { flag: ['-p'], aliases: ['--print'] },
  { flag: ['--output-format', 'stream-json'] },
  { flag: ['--input-format', 'stream-json'] },
  // stream-json output requires --verbose in print mode.
  { flag: ['--verbose'] },
  // Permission questions come to us as control requests instead of being denied.
  { flag: ['--permission-prompt-tool', 'stdio'] },
  // The model's answer as it streams (stream_event lines): a long answer or a large file being
  // written is output as it comes, so the no-progress limit sees progress and not minutes of silence.
  { flag: ['--include-partial-messages'] },
];

/** The argv of the default Claude Code profile. */
export const CLAUDE_DEFAULT_ARGV = ['claude', ...CLAUDE_PROTOCOL_FLAGS.flatMap((g) => g.flag)];

// ── what we write ────────────────────────────────────────────────────────────────────────────────

export function userMessageLine(text: string, sessionId: string): string {
  return line({ type: 'user', message: { role: 'user', content: text }, parent_tool_use_id: null, session_id: sessionId });
}

export function controlRequestLine(requestId: string, request: Record<string, unknown>): string {
  return line({ type: 'control_request', request_id: requestId, request });
}

export function controlSuccessLine(requestId: string, response: Record<string, unknown>): string {
  return line({ type: 'control_response', response: { subtype: 'success', request_id: requestId, response } });
}

export function controlErrorLine(requestId: string, error: string): string {
  return line({ type: 'control_response', response: { subtype: 'error', request_id: requestId, error } });
}

function line(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

// ── permission questions ─────────────────────────────────────────────────────────────────────────

export const PERMISSION_OPTIONS: PermissionOption[] = [
  { id: 'allow', name: 'Allow', kind: 'allow_once' },
  { id: 'allow_always', name: 'Allow for this session', kind: 'allow_always' },
  { id: 'reject', name: 'Reject', kind: 'reject_once' },
];

export interface CanUseTool {
  toolName: string;
  input: Record<string, unknown>;
  toolUseId?: string;
  suggestions?: unknown[];
  blockedPath?: string;
  decisionReason?: string;
  description?: string;
}

export function readCanUseTool(request: Record<string, unknown>): CanUseTool {
  return {
    toolName: str(request.tool_name) ?? 'tool',
    input: obj(request.input) ?? {},
    toolUseId: str(request.tool_use_id),
    suggestions: Array.isArray(request.permission_suggestions) ? request.permission_suggestions : undefined,
    blockedPath: str(request.blocked_path),
    decisionReason: str(request.decision_reason),
    description: str(request.description),
  };
}

/**
 * The answer to `can_use_tool` for the option chosen (null: cancelled). "Allow for this session"
 * passes back the CLI's own suggestions, which is how the CLI is told to stop asking; when it made
 * none, a session rule for the whole tool stands in.
 */
export function permissionAnswer(ask: CanUseTool, optionId: string | null): Record<string, unknown> {
  if (optionId === 'allow') return { behavior: 'allow', updatedInput: ask.input };
  if (optionId === 'allow_always') {
    const updatedPermissions = ask.suggestions && ask.suggestions.length > 0
      ? ask.suggestions
      : [{ type: 'addRules', rules: [{ toolName: ask.toolName }], behavior: 'allow', destination: 'session' }];
    return { behavior: 'allow', updatedInput: ask.input, updatedPermissions };
  }
  if (optionId === null) return { behavior: 'deny', message: 'The question was withdrawn in Podium (the turn is being cancelled).', interrupt: true };
  return { behavior: 'deny', message: 'The engineer rejected this in Podium.' };
}

// ── tool calls → score ───────────────────────────────────────────────────────────────────────────

export interface ToolView {
  title: string;
  toolKind: string;
  locations?: ToolLocation[];
  diffs?: InlineDiff[];
  /** Files this tool writes when it succeeds (shown paths). */
  edits?: string[];
  /** A TodoWrite: the plan it sets, instead of a tool entry. */
  plan?: PlanItem[];
}

const KINDS: Record<string, string> = {
  Read: 'read',
  Edit: 'edit',
  MultiEdit: 'edit',
  Write: 'edit',
  NotebookEdit: 'edit',
  Bash: 'execute',
  BashOutput: 'execute',
  KillShell: 'execute',
  KillBash: 'execute',
  Grep: 'search',
  Glob: 'search',
  LS: 'search',
  WebFetch: 'fetch',
  WebSearch: 'fetch',
  Task: 'think',
  Agent: 'think',
  ExitPlanMode: 'switch_mode',
  EnterPlanMode: 'switch_mode',
};

/**
 * How a tool call reads on the score: a title from the tool's name and its key input (a file, a
 * command, a pattern), its ACP-style kind, the files it names, and for edits the change itself.
 * `shown` turns an absolute path into what the score shows; `exists` says whether a file is there
 * (a Write to a new file is a diff from nothing).
 */
export function describeTool(name: string, input: Record<string, unknown>, shown: (p: string) => string, exists: (p: string) => boolean): ToolView {
  const toolKind = KINDS[name] ?? 'other';
  const file = str(input.file_path) ?? str(input.notebook_path);
  const filePath = file ? shown(file) : undefined;
  const view: ToolView = { title: name, toolKind };
  const key = filePath
    ?? firstLine(str(input.command))
    ?? str(input.pattern)
    ?? str(input.url)
    ?? str(input.query)
    ?? str(input.description)
    ?? (str(input.path) ? shown(str(input.path)!) : undefined);
  if (key) view.title = `${toolTitleName(name)} ${key}`;
  else view.title = toolTitleName(name);

  if (file) {
    const line = num(input.offset);
    view.locations = [line !== undefined && name === 'Read' ? { path: filePath!, line } : { path: filePath! }];
  } else if (str(input.path) && (name === 'Grep' || name === 'Glob' || name === 'LS')) {
    view.locations = [{ path: shown(str(input.path)!) }];
  }

  if (file && (name === 'Edit' || name === 'MultiEdit' || name === 'Write' || name === 'NotebookEdit')) {
    view.edits = [filePath!];
  }
  if (file && name === 'Edit' && typeof input.old_string === 'string' && typeof input.new_string === 'string') {
    view.diffs = [{ path: filePath!, oldText: input.old_string, newText: input.new_string }];
  } else if (file && name === 'MultiEdit' && Array.isArray(input.edits)) {
    const diffs = input.edits.flatMap((e) => {
      const edit = obj(e);
      return edit && typeof edit.old_string === 'string' && typeof edit.new_string === 'string'
        ? [{ path: filePath!, oldText: edit.old_string, newText: edit.new_string }]
        : [];
    });
    if (diffs.length > 0) view.diffs = diffs;
  } else if (file && name === 'Write' && typeof input.content === 'string' && !exists(file)) {
    // Overwriting an existing file: its old text is not in the call; the staged diff will show it.
    view.diffs = [{ path: filePath!, oldText: null, newText: input.content }];
  }

  if (name === 'TodoWrite' && Array.isArray(input.todos)) {
    view.plan = input.todos.flatMap((t) => {
      const todo = obj(t);
      const content = todo && str(todo.content);
      if (!content) return [];
      const status = todo.status === 'completed' || todo.status === 'in_progress' ? todo.status : 'pending';
      return [{ content, status } satisfies PlanItem];
    });
  }
  return view;
}

function toolTitleName(name: string): string {
  // mcp__server__tool reads better as server/tool.
  const mcp = /^mcp__(.+?)__(.+)$/.exec(name);
  return mcp ? `${mcp[1]}/${mcp[2]}` : name;
}

function firstLine(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const first = text.trim().split('\n')[0] ?? '';
  return first.length > 160 ? `${first.slice(0, 159)}…` : first;
}

/** The text of a tool_result's content (a string, or text blocks; images are named, not shown). */
export function toolResultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((block) => {
      const b = obj(block);
      if (!b) return '';
      if (b.type === 'text') return str(b.text) ?? '';
      if (b.type === 'image') return '[image]';
      return '';
    })
    .filter(Boolean)
    .join('\n');
}

// ── usage ────────────────────────────────────────────────────────────────────────────────────────

export interface TokenCount {
  inputTokens: number;
  outputTokens: number;
}

/**
 * Tokens from a `result`'s per-model breakdown, which (like `total_cost_usd`) is the running total of
 * the process. Input counts cache reads and writes too: they are input the model processed, and
 * `input_tokens` alone is a handful per turn once the prompt is cached.
 */
export function modelUsageTotal(modelUsage: unknown): TokenCount | undefined {
  const models = obj(modelUsage);
  if (!models) return undefined;
  let inputTokens = 0;
  let outputTokens = 0;
  let any = false;
  for (const value of Object.values(models)) {
    const m = obj(value);
    if (!m) continue;
    any = true;
    inputTokens += (num(m.inputTokens) ?? 0) + (num(m.cacheReadInputTokens) ?? 0) + (num(m.cacheCreationInputTokens) ?? 0);
    outputTokens += num(m.outputTokens) ?? 0;
  }
  return any ? { inputTokens, outputTokens } : undefined;
}

/** Tokens of one turn from a `result`'s `usage` (per turn), counted the same way. */
export function turnUsage(usage: unknown): TokenCount | undefined {
  const u = obj(usage);
  if (!u) return undefined;
  const input = num(u.input_tokens);
  const output = num(u.output_tokens);
  if (input === undefined && output === undefined) return undefined;
  return {
    inputTokens: (input ?? 0) + (num(u.cache_read_input_tokens) ?? 0) + (num(u.cache_creation_input_tokens) ?? 0),
    outputTokens: output ?? 0,
  };
}

// ── failures a user must act on ──────────────────────────────────────────────────────────────────

/** Claude Code's words when it has no usable sign-in (no login, an expired one, a bad API key). */
export function isSignInText(text: string): boolean {
  return /not logged in|please run \/login|\/login\b|invalid api key|invalid x-api-key|authentication[_ ](error|failed)|oauth token (has )?expired|token (has )?expired|unauthori[sz]ed/i.test(text);
}

/** An `assistant` message's `error` kinds that mean "sign in again". */
export function isSignInErrorKind(kind: string | undefined): boolean {
  return kind === 'authentication_failed' || kind === 'oauth_org_not_allowed';
}
