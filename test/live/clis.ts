/**
 * The real agent CLIs the live stage runs, each as a new user would set it up to use another model
 * endpoint (its own base-URL setting and an API key), and each one's own tools, so a script can make
 * it read, edit, create and run things the way its model would ask.
 *
 * The versions are pinned in scripts/agent-clis.json; scripts/install-agent-clis.sh installs them
 * into .agent-clis/ (or PODIUM_AGENT_CLIS), once per machine.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ProfileKind } from '../../src/conductor/profiles';
import type { Step } from './modelEndpoint/script';

export const ROOT = path.resolve(__dirname, '../..');
export const CLIS = process.env.PODIUM_AGENT_CLIS ?? path.join(ROOT, '.agent-clis');
export const BIN = path.join(CLIS, 'node_modules/.bin');

export interface Pin {
  name: string;
  package: string;
  version: string;
  bin: string;
}

export const PINS: Pin[] = (JSON.parse(readFileSync(path.join(ROOT, 'scripts/agent-clis.json'), 'utf8')) as { clis: Pin[] }).clis;

let installed: { ms: number } | undefined;

/**
 * Installs the pinned CLIs (a no-op when they are there) and says how long it took. Throws with npm's
 * last words when they cannot be installed: the live stage must fail, never pass without running.
 */
export function ensureClis(): { ms: number } {
  if (installed) return installed;
  const t0 = Date.now();
  const install = spawnSync('bash', [path.join(ROOT, 'scripts/install-agent-clis.sh')], {
    env: { ...process.env, PODIUM_AGENT_CLIS: CLIS },
    encoding: 'utf8',
    timeout: 20 * 60_000,
  });
  const missing = PINS.filter((p) => !existsSync(path.join(BIN, p.bin))).map((p) => `${p.package}@${p.version}`);
  if (install.status !== 0 || missing.length > 0) {
    const said = (install.stderr || install.error?.message || '').trim().split('\n').slice(-5).join(' | ');
    throw new Error(`The agent CLIs could not be installed (scripts/install-agent-clis.sh${missing.length ? `; missing: ${missing.join(', ')}` : ''}): ${said}`);
  }
  installed = { ms: Date.now() - t0 };
  return installed;
}

/** What a scripted model can make an agent do, in that agent's own tools. */
export interface Tools {
  read(file: string): Step;
  edit(file: string, oldText: string, newText: string): Step;
  create(file: string, content: string): Step;
  run(command: string): Step;
}

export interface Cli {
  /** Profile id and the label on the score. */
  id: string;
  label: string;
  pin: Pin;
  kind: ProfileKind;
  args: string[];
  /**
   * Writes what the CLI reads from its home (config files) and returns the environment it needs.
   * `worktrees` is the folder that holds Podium's task worktrees.
   */
  setUp(home: string, endpoint: string, worktrees: string): Record<string, string>;
  /** Its tools, for a model working in `cwd` (some want absolute paths). */
  tools(cwd: () => string): Tools;
  /** Which of its tools ask the engineer first (Codex exec never asks: its sandbox decides). */
  asks: boolean;
  /** How a rejected tool call reads in the model's next request. */
  rejection: RegExp;
  /** It reports what the turns cost (in dollars), not only tokens. */
  reportsCost: boolean;
  /** It tells its client what a command it ran printed (Gemini CLI 0.61 over ACP does not). */
  showsCommandOutput: boolean;
}

const pin = (bin: string): Pin => {
  const p = PINS.find((x) => x.bin === bin);
  if (!p) throw new Error(`scripts/agent-clis.json pins no CLI whose binary is ${bin}`);
  return p;
};

/** Claude Code's tools, by the names and inputs its model uses. */
function claudeTools(cwd: () => string): Tools {
  const abs = (f: string): string => path.join(cwd(), f);
  return {
    read: (f) => ({ tool: 'Read', input: { file_path: abs(f) } }),
    edit: (f, oldText, newText) => ({ tool: 'Edit', input: { file_path: abs(f), old_string: oldText, new_string: newText } }),
    create: (f, content) => ({ tool: 'Write', input: { file_path: abs(f), content } }),
    run: (command) => ({ tool: 'Bash', input: { command, description: 'Run a command' } }),
  };
}

function anthropicEnv(endpoint: string): Record<string, string> {
  // Not a credential: a key of the right shape for a model endpoint that checks none.
  return { ANTHROPIC_BASE_URL: endpoint, ANTHROPIC_API_KEY: 'sk-ant-podium-live-test-not-a-key' };
}

export const CLAUDE: Cli = {
  id: 'claude',
  label: 'Claude Code',
  pin: pin('claude'),
  kind: 'claude',
  args: [],
  setUp: (_home, endpoint) => anthropicEnv(endpoint),
  tools: claudeTools,
  asks: true,
  rejection: /The engineer rejected this in Podium\./,
  reportsCost: true,
  showsCommandOutput: true,
};

export const CODEX: Cli = {
  id: 'codex',
  label: 'Codex',
  pin: pin('codex'),
  kind: 'codex',
  args: [],
  setUp: (home, endpoint) => {
    // A model provider of its own speaking the Responses API, as Codex's configuration documents it.
    mkdirSync(path.join(home, '.codex'), { recursive: true });
    writeFileSync(path.join(home, '.codex', 'config.toml'), [
      'model = "gpt-5.5"',
      'model_provider = "scripted"',
      '',
      '[model_providers.scripted]',
      'name = "Scripted model endpoint"',
      `base_url = "${endpoint}/v1"`,
      'wire_api = "responses"',
      'env_key = "PODIUM_LIVE_TEST_KEY"',
      '',
    ].join('\n'));
    return { PODIUM_LIVE_TEST_KEY: 'not-a-key' };
  },
  tools: () => ({
    // Codex reads with the shell and edits with apply_patch (a free-form tool: the patch is its input).
    read: (f) => ({ tool: 'exec_command', input: { cmd: `cat ${f}` } }),
    edit: (f, oldText, newText) => ({ tool: 'apply_patch', input: { input: `*** Begin Patch\n*** Update File: ${f}\n@@\n-${oldText}\n+${newText}\n*** End Patch\n` } }),
    create: (f, content) => ({ tool: 'apply_patch', input: { input: `*** Begin Patch\n*** Add File: ${f}\n${content.replace(/\n$/, '').split('\n').map((l) => `+${l}`).join('\n')}\n*** End Patch\n` } }),
    run: (command) => ({ tool: 'exec_command', input: { cmd: command } }),
  }),
  asks: false,
  rejection: /$^/,
  reportsCost: false,
  showsCommandOutput: true,
};

export const GEMINI: Cli = {
  id: 'gemini',
  label: 'Gemini CLI',
  pin: pin('gemini'),
  kind: 'acp',
  args: ['--acp'],
  setUp: (home, endpoint, worktrees) => {
    // Gemini CLI trusts folders one by one, and refuses "Allow for this session" in one it does not
    // trust: a user trusts the folder of Podium's worktrees as they trusted their project.
    mkdirSync(path.join(home, '.gemini'), { recursive: true });
    writeFileSync(path.join(home, '.gemini', 'trustedFolders.json'), JSON.stringify({ [worktrees]: 'TRUST_FOLDER' }, null, 2));
    return { GEMINI_API_KEY: 'podium-live-test-not-a-key', GOOGLE_GEMINI_BASE_URL: endpoint };
  },
  tools: (cwd) => {
    const abs = (f: string): string => path.join(cwd(), f);
    return {
      read: (f) => ({ tool: 'read_file', input: { file_path: abs(f) } }),
      edit: (f, oldText, newText) => ({ tool: 'replace', input: { file_path: abs(f), old_string: oldText, new_string: newText, instruction: 'Change the greeting.' } }),
      create: (f, content) => ({ tool: 'write_file', input: { file_path: abs(f), content } }),
      run: (command) => ({ tool: 'run_shell_command', input: { command, description: 'Run a command' } }),
    };
  },
  asks: true,
  rejection: /was canceled by the user/,
  reportsCost: false,
  showsCommandOutput: false,
};

export const CLAUDE_ACP: Cli = {
  id: 'claude-acp',
  label: 'Claude (ACP)',
  pin: pin('claude-agent-acp'),
  kind: 'acp',
  args: [],
  setUp: (home, endpoint) => {
    // The bridge starts in "auto" mode, where a classifier answers permission questions; a user who
    // wants to be asked sets the default mode, as here.
    mkdirSync(path.join(home, '.claude'), { recursive: true });
    writeFileSync(path.join(home, '.claude', 'settings.json'), JSON.stringify({ permissions: { defaultMode: 'default' } }, null, 2));
    return anthropicEnv(endpoint);
  },
  tools: claudeTools,
  asks: true,
  rejection: /User refused permission to run tool/,
  reportsCost: true,
  showsCommandOutput: true,
};

export const ALL: Cli[] = [CLAUDE, CODEX, GEMINI, CLAUDE_ACP];
