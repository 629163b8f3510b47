/**
 * The rehearsal script: what the rehearsal agent plays, turn by turn. A script is JSON:
 *
 * ```json
 * {
 *   "name": "feature",
 *   "agent": { "name": "rehearsal", "version": "1.0.0" },
 *   "turns": [
 *     { "steps": [ { "do": "message", "text": "Adding the function…" }, { "do": "write", "path": "src/a.ts", "content": "…" } ] },
 *     { "steps": [ { "do": "echo", "prefix": "Understood: " } ] }
 *   ]
 * }
 * ```
 *
 * Each prompt plays the next turn; once the turns run out, `afterTurns` says what a further prompt
 * gets ('echo', the default: a message repeating it; 'end': an empty turn). Every prompt the agent
 * hears is written to the log (see main.ts), so tests can check it heard a rejection's reason.
 *
 * Paths in steps are relative to the session's folder unless absolute; the agent sends them to the
 * client as absolute paths, as ACP requires, unless the step says `"raw": true` (then exactly as
 * written, to play a careless agent).
 *
 * Steps (`do`):
 * - `message` / `thought` `{text}`: streamed in chunks of `chunkSize` characters.
 * - `plan` `{items: [{content, status, priority?}]}`: the whole current plan.
 * - `tool` `{id, title, kind?, status?, locations?, diff?, input?}`: announces a tool call.
 * - `toolUpdate` `{id, status?, title?, output?, diff?}`: updates it (`output` is its text content).
 * - `permission` `{title, toolCall?, options?, allowed?, rejected?, cancelled?}`: asks the client; then
 *   plays the steps of the branch the answer falls in (allow_* → allowed, reject_* → rejected).
 * - `read` `{path, raw?}`: `fs/read_text_file`.
 * - `write` `{path, content, raw?}`: `fs/write_text_file`.
 * - `edit` `{path, find, replace, raw?}`: reads through the client, replaces the first `find`, writes back.
 * - `diskWrite` `{path, content}`: writes straight to disk, behind the client's back.
 * - `symlink` `{path, target}`: makes a symbolic link on disk (`target` as written), behind its back too.
 * - `run` `{command, args?, cwd?, raw?}`: runs a command in a client terminal and waits for it.
 * - `background` `{command, args?}`: starts a child process of its own and leaves it running.
 * - `pause` `{ms}`; `mode` `{mode}`; `usage` `{costUsd?, used?, size?}`; `stderr` `{text}`.
 * - `echo` `{prefix?}`: a message repeating the prompt it is answering.
 * - on cue: `crash` `{code?, stderr?}` (exits), `hang` (never answers again, ignores cancel),
 *   `flood` `{kb?, lines?, to?}` (a mass of output), `malformed` `{text}` (a raw non-JSON line on stdout).
 *
 * A script may set `chunkSize`, `chunkDelayMs` and `stampChunks` (each chunk then starts with the time
 * it was sent, `[sent:<ms>]`, so a benchmark can measure how long it took to reach the journal).
 * A turn may set `stopReason` (default "end_turn") and `usage` `{inputTokens, outputTokens}`, or
 * `error` `{code?, message}`: the prompt is then answered with that error (a turn the agent gives up on).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export interface PlanItemSpec {
  content: string;
  status: 'pending' | 'in_progress' | 'completed';
  priority?: 'high' | 'medium' | 'low';
}
export interface LocationSpec { path: string; line?: number }
export interface DiffSpec { path: string; oldText?: string | null; newText: string }
export interface OptionSpec { id: string; name: string; kind: 'allow_once' | 'allow_always' | 'reject_once' | 'reject_always' }

export type Step =
  | { do: 'message'; text: string }
  | { do: 'thought'; text: string }
  | { do: 'plan'; items: PlanItemSpec[] }
  | { do: 'tool'; id: string; title: string; kind?: ToolKind; status?: ToolStatus; locations?: LocationSpec[]; diff?: DiffSpec; input?: unknown }
  | { do: 'toolUpdate'; id: string; status?: ToolStatus; title?: string; output?: string; diff?: DiffSpec }
  | { do: 'permission'; title: string; toolCall?: string; options?: OptionSpec[]; allowed?: Step[]; rejected?: Step[]; cancelled?: Step[] }
  | { do: 'read'; path: string; raw?: boolean }
  | { do: 'write'; path: string; content: string; raw?: boolean }
  | { do: 'edit'; path: string; find: string; replace: string; raw?: boolean }
  | { do: 'diskWrite'; path: string; content: string }
  | { do: 'symlink'; path: string; target: string }
  | { do: 'run'; command: string; args?: string[]; cwd?: string; raw?: boolean }
  | { do: 'background'; command: string; args?: string[] }
  | { do: 'pause'; ms: number }
  | { do: 'mode'; mode: string }
  | { do: 'usage'; costUsd?: number; used?: number; size?: number }
  | { do: 'stderr'; text: string }
  | { do: 'echo'; prefix?: string }
  | { do: 'crash'; code?: number; stderr?: string }
  | { do: 'hang' }
  | { do: 'flood'; kb?: number; lines?: number; to?: 'message' | 'stderr' }
  | { do: 'malformed'; text: string };

export type ToolKind = 'read' | 'edit' | 'delete' | 'move' | 'search' | 'execute' | 'think' | 'fetch' | 'switch_mode' | 'other';
export type ToolStatus = 'pending' | 'in_progress' | 'completed' | 'failed';
export type StopReason = 'end_turn' | 'max_tokens' | 'max_turn_requests' | 'refusal' | 'cancelled';

export interface Turn {
  steps: Step[];
  stopReason?: StopReason;
  usage?: { inputTokens: number; outputTokens: number };
  /** Answers the prompt with this error once the steps are played (an agent whose API call failed). */
  error?: { code?: number; message: string };
}

export interface Script {
  name: string;
  description?: string;
  agent?: { name?: string; title?: string; version?: string };
  /** Characters per streamed chunk (default 24). */
  chunkSize?: number;
  /** Pause between chunks (default 0). */
  chunkDelayMs?: number;
  /** Each streamed chunk starts with `[sent:<ms since the epoch>]`, the moment it was sent: for measuring latency. */
  stampChunks?: boolean;
  /** When set, `session/new` is refused with ACP's auth_required error, like an agent nobody signed in to. */
  auth?: 'required';
  turns: Turn[];
  afterTurns?: 'echo' | 'end';
}

const text = z.string();
const nonEmpty = z.string().min(1, 'must not be empty');
const toolKind = z.enum(['read', 'edit', 'delete', 'move', 'search', 'execute', 'think', 'fetch', 'switch_mode', 'other']);
const toolStatus = z.enum(['pending', 'in_progress', 'completed', 'failed']);
const location = z.object({ path: nonEmpty, line: z.number().int().min(1).optional() }).strict();
const diff = z.object({ path: nonEmpty, oldText: z.string().nullable().optional(), newText: text }).strict();
const option = z.object({ id: nonEmpty, name: nonEmpty, kind: z.enum(['allow_once', 'allow_always', 'reject_once', 'reject_always']) }).strict();
const planItem = z.object({
  content: nonEmpty,
  status: z.enum(['pending', 'in_progress', 'completed']),
  priority: z.enum(['high', 'medium', 'low']).optional(),
}).strict();

const STEP_KINDS = [
  'message', 'thought', 'plan', 'tool', 'toolUpdate', 'permission', 'read', 'write', 'edit', 'diskWrite', 'symlink', 'run',
  'background', 'pause', 'mode', 'usage', 'stderr', 'echo', 'crash', 'hang', 'flood', 'malformed',
] as const;

const step: z.ZodType<Step> = z.lazy(() =>
  z.discriminatedUnion('do', [
    z.object({ do: z.literal('message'), text: nonEmpty }).strict(),
    z.object({ do: z.literal('thought'), text: nonEmpty }).strict(),
    z.object({ do: z.literal('plan'), items: z.array(planItem) }).strict(),
    z.object({ do: z.literal('tool'), id: nonEmpty, title: nonEmpty, kind: toolKind.optional(), status: toolStatus.optional(), locations: z.array(location).optional(), diff: diff.optional(), input: z.unknown().optional() }).strict(),
    z.object({ do: z.literal('toolUpdate'), id: nonEmpty, status: toolStatus.optional(), title: nonEmpty.optional(), output: text.optional(), diff: diff.optional() }).strict(),
    z.object({ do: z.literal('permission'), title: nonEmpty, toolCall: nonEmpty.optional(), options: z.array(option).min(1).optional(), allowed: z.array(step).optional(), rejected: z.array(step).optional(), cancelled: z.array(step).optional() }).strict(),
    z.object({ do: z.literal('read'), path: nonEmpty, raw: z.boolean().optional() }).strict(),
    z.object({ do: z.literal('write'), path: nonEmpty, content: text, raw: z.boolean().optional() }).strict(),
    z.object({ do: z.literal('edit'), path: nonEmpty, find: nonEmpty, replace: text, raw: z.boolean().optional() }).strict(),
    z.object({ do: z.literal('diskWrite'), path: nonEmpty, content: text }).strict(),
    z.object({ do: z.literal('symlink'), path: nonEmpty, target: nonEmpty }).strict(),
    z.object({ do: z.literal('run'), command: nonEmpty, args: z.array(text).optional(), cwd: nonEmpty.optional(), raw: z.boolean().optional() }).strict(),
    z.object({ do: z.literal('background'), command: nonEmpty, args: z.array(text).optional() }).strict(),
    z.object({ do: z.literal('pause'), ms: z.number().int().min(0).max(600_000) }).strict(),
    z.object({ do: z.literal('mode'), mode: nonEmpty }).strict(),
    z.object({ do: z.literal('usage'), costUsd: z.number().min(0).optional(), used: z.number().int().min(0).optional(), size: z.number().int().min(0).optional() }).strict(),
    z.object({ do: z.literal('stderr'), text: nonEmpty }).strict(),
    z.object({ do: z.literal('echo'), prefix: text.optional() }).strict(),
    z.object({ do: z.literal('crash'), code: z.number().int().min(0).max(255).optional(), stderr: text.optional() }).strict(),
    z.object({ do: z.literal('hang') }).strict(),
    z.object({ do: z.literal('flood'), kb: z.number().int().min(1).max(512 * 1024).optional(), lines: z.number().int().min(1).max(10_000_000).optional(), to: z.enum(['message', 'stderr']).optional() }).strict(),
    z.object({ do: z.literal('malformed'), text: nonEmpty }).strict(),
  ]),
);

const turn = z.object({
  steps: z.array(step),
  stopReason: z.enum(['end_turn', 'max_tokens', 'max_turn_requests', 'refusal', 'cancelled']).optional(),
  usage: z.object({ inputTokens: z.number().int().min(0), outputTokens: z.number().int().min(0) }).strict().optional(),
  error: z.object({ code: z.number().int().optional(), message: nonEmpty }).strict().optional(),
}).strict();

const script = z.object({
  name: nonEmpty,
  description: text.optional(),
  agent: z.object({ name: nonEmpty.optional(), title: nonEmpty.optional(), version: nonEmpty.optional() }).strict().optional(),
  chunkSize: z.number().int().min(1).max(1_000_000).optional(),
  chunkDelayMs: z.number().int().min(0).max(10_000).optional(),
  stampChunks: z.boolean().optional(),
  auth: z.literal('required').optional(),
  turns: z.array(turn),
  afterTurns: z.enum(['echo', 'end']).optional(),
}).strict();

/** A script that cannot be played; the message names the file (if any), the place and the fix. */
export class ScriptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScriptError';
  }
}

/**
 * Checks `value` against the script format. Promises a Script whose every step is well-formed;
 * refuses with a ScriptError listing up to five problems, each with its place
 * (`turns[0].steps[2].text: …`).
 */
export function parseScript(value: unknown, source = 'the script'): Script {
  const result = script.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.slice(0, 5).map((issue) => `  ${place(issue.path)}: ${describe(issue, value)}`);
  const more = result.error.issues.length > 5 ? `\n  … and ${result.error.issues.length - 5} more` : '';
  throw new ScriptError(`Rehearsal script ${source} is not valid:\n${problems.join('\n')}${more}`);
}

/** Reads and checks a script file; refuses with a ScriptError for a missing file, bad JSON or a bad script. */
export function loadScript(file: string): Script {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ScriptError(`Rehearsal script ${file} cannot be read: ${(err as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    throw new ScriptError(`Rehearsal script ${file} is not JSON: ${(err as Error).message}`);
  }
  return parseScript(value, file);
}

function place(path: PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

function describe(issue: z.core.$ZodIssue, input: unknown): string {
  if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator === 'do') {
    const got = valueAt(input, issue.path);
    const shown = got === undefined ? 'nothing' : JSON.stringify(got);
    return `a step needs "do" set to one of ${STEP_KINDS.join(', ')} (got ${shown})`;
  }
  if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
  return issue.message;
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let v: unknown = input;
  for (const key of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}
