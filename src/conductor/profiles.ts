/**
 * Agent profiles: which program plays a task, and how. They come from the `podium.agents` setting,
 * merged by id over working defaults for Claude Code, Codex, Gemini CLI and the rehearsal agent.
 *
 * A profile never becomes a shell string: `command` is the program and `args` its arguments. Values
 * in `env` may name a secret as `${secret:NAME}`; the conductor fills those from VS Code's
 * SecretStorage when it starts the agent, so keys never sit in settings.
 */

export type ProfileKind = 'acp' | 'claude' | 'codex' | 'command' | 'rehearsal';

export const PROFILE_KINDS: readonly ProfileKind[] = ['acp', 'claude', 'codex', 'command', 'rehearsal'];

export interface AgentProfile {
  id: string;
  label: string;
  kind: ProfileKind;
  /** The program (rehearsal profiles run Podium's own agent and ignore it). */
  command: string;
  args: string[];
  env: Record<string, string>;
  /** Rehearsal profiles: the script to play, a shipped name (`feature`) or a path. */
  script?: string;
  /** Command profiles: pass the prompt as the last argument (default) or on stdin. */
  promptVia?: 'arg' | 'stdin';
  /** How the program is installed, for the message shown when it is missing. */
  install?: string;
}

export const DEFAULT_PROFILE = 'rehearsal';

export const DEFAULT_PROFILES: readonly AgentProfile[] = [
  { id: 'rehearsal', label: 'Rehearsal: small feature', kind: 'rehearsal', command: 'node', args: [], env: {}, script: 'feature' },
  { id: 'rehearsal-layer-break', label: 'Rehearsal: breaks a layer rule', kind: 'rehearsal', command: 'node', args: [], env: {}, script: 'layer-break' },
  { id: 'rehearsal-conflict-a', label: 'Rehearsal: conflict A', kind: 'rehearsal', command: 'node', args: [], env: {}, script: 'conflict-a' },
  { id: 'rehearsal-conflict-b', label: 'Rehearsal: conflict B', kind: 'rehearsal', command: 'node', args: [], env: {}, script: 'conflict-b' },
  { id: 'claude', label: 'Claude Code', kind: 'claude', command: 'claude', args: [], env: {}, install: 'npm install -g @anthropic-ai/claude-code, then run `claude` once to sign in' },
  { id: 'codex', label: 'Codex', kind: 'codex', command: 'codex', args: [], env: {}, install: 'npm install -g @openai/codex, then run `codex login`' },
  { id: 'gemini', label: 'Gemini CLI', kind: 'acp', command: 'gemini', args: ['--acp'], env: {}, install: 'npm install -g @google/gemini-cli, then run `gemini` once to sign in' },
  // Claude Code over ACP: the bridge runs Claude Code and uses its sign-in (or ANTHROPIC_API_KEY).
  { id: 'claude-acp', label: 'Claude (ACP)', kind: 'acp', command: 'claude-agent-acp', args: [], env: {}, install: 'npm install -g @agentclientprotocol/claude-agent-acp, then run `claude` once to sign in' },
];

export interface ProfilesResult {
  profiles: AgentProfile[];
  /** One sentence per setting entry that was ignored, saying why. */
  problems: string[];
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Merges the `podium.agents` setting over the defaults. An entry with a known id overrides the
 * default's fields; a new id adds a profile. An invalid entry is skipped with a problem that names
 * it: the others still work.
 */
export function resolveProfiles(setting: unknown): ProfilesResult {
  const byId = new Map<string, AgentProfile>(DEFAULT_PROFILES.map((p) => [p.id, { ...p, args: [...p.args], env: { ...p.env } }]));
  const problems: string[] = [];
  if (setting !== undefined && setting !== null && !Array.isArray(setting)) {
    return { profiles: [...byId.values()], problems: ['podium.agents must be a list of agent profiles; using the defaults.'] };
  }
  for (const [i, raw] of ((setting as unknown[] | undefined) ?? []).entries()) {
    const where = `podium.agents[${i}]`;
    if (typeof raw !== 'object' || raw === null) {
      problems.push(`${where} is not an object; skipped.`);
      continue;
    }
    const r = raw as Record<string, unknown>;
    if (typeof r.id !== 'string' || !ID.test(r.id)) {
      problems.push(`${where} needs an "id" of letters, digits, '.', '_' or '-'; skipped.`);
      continue;
    }
    const base = byId.get(r.id);
    const kind = r.kind ?? base?.kind;
    if (typeof kind !== 'string' || !(PROFILE_KINDS as readonly string[]).includes(kind)) {
      problems.push(`${where} ("${r.id}") needs a "kind": one of ${PROFILE_KINDS.join(', ')}; skipped.`);
      continue;
    }
    const command = r.command ?? base?.command;
    if (typeof command !== 'string' || command.trim() === '') {
      problems.push(`${where} ("${r.id}") needs a "command" (the program to run); skipped.`);
      continue;
    }
    const args = r.args ?? base?.args ?? [];
    if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) {
      problems.push(`${where} ("${r.id}"): "args" must be a list of strings; skipped.`);
      continue;
    }
    const env = r.env ?? base?.env ?? {};
    if (typeof env !== 'object' || env === null || Array.isArray(env) || !Object.values(env).every((v) => typeof v === 'string')) {
      problems.push(`${where} ("${r.id}"): "env" must map names to strings; skipped.`);
      continue;
    }
    const promptVia = r.promptVia ?? base?.promptVia;
    if (promptVia !== undefined && promptVia !== 'arg' && promptVia !== 'stdin') {
      problems.push(`${where} ("${r.id}"): "promptVia" must be "arg" or "stdin"; skipped.`);
      continue;
    }
    byId.set(r.id, {
      id: r.id,
      label: typeof r.label === 'string' && r.label.trim() ? r.label : (base?.label ?? r.id),
      kind: kind as ProfileKind,
      command,
      args: args as string[],
      env: env as Record<string, string>,
      script: typeof r.script === 'string' ? r.script : base?.script,
      promptVia: promptVia as AgentProfile['promptVia'],
      install: typeof r.install === 'string' ? r.install : base?.install,
    });
  }
  return { profiles: [...byId.values()], problems };
}

const SECRET = /\$\{secret:([A-Za-z0-9_.-]+)\}/g;

/** The secret names a profile's env refers to. */
export function secretNames(profile: AgentProfile): string[] {
  const names = new Set<string>();
  for (const value of Object.values(profile.env)) for (const m of value.matchAll(SECRET)) names.add(m[1]!);
  return [...names];
}

/**
 * The profile's env with every `${secret:NAME}` filled in. Rejects with a message naming the secret
 * and the command that stores it when one is missing.
 */
export function fillSecrets(profile: AgentProfile, secrets: ReadonlyMap<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(profile.env)) {
    out[key] = value.replace(SECRET, (_m, name: string) => {
      const secret = secrets.get(name);
      if (secret === undefined) {
        throw new Error(`The ${profile.label} profile needs the secret "${name}": store it with "Podium: Set Agent Secret…".`);
      }
      return secret;
    });
  }
  return out;
}
