/**
 * A conductor on real parts for one real agent CLI: a temp git repository, a temp HOME for the CLI
 * (so it reads no sign-in or configuration of this machine), real journals, the scripted model
 * endpoint, and the engineer's part played by the test: permission questions answered by plan, in
 * the order they come.
 */
import * as coherenceEngine from '../../src/coherence';
import { DEFAULT_NOTES } from '../../src/coherence/defaults';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { AcpAdapter } from '../../src/agents/acp';
import type { PermissionAsk } from '../../src/agents/adapter';
import { ClaudeAdapter } from '../../src/agents/claude';
import { CodexAdapter } from '../../src/agents/codex';
import { Conductor, type ConductorHost } from '../../src/conductor/conductor';
import type { AgentProfile } from '../../src/conductor/profiles';
import { ScoreFeed } from '../../src/conductor/scoreFeed';
import type { Entry, SessionState, TaskState } from '../../src/score';
import { BIN, type Cli } from './clis';
import { ModelEndpoint } from './modelEndpoint/endpoint';

/** The engineer's answer to the next question: an option kind the agent offers. */
export type Answer = 'allow_once' | 'allow_always' | 'reject_once';

export interface Asked {
  title: string;
  answer?: Answer;
}

/** The files of the test repository. */
export const FILES: Record<string, string> = {
  'notes.md': '# Notes\n\nPodium plays scripted models through real agents.\n',
  'src/greet.js': "export function greet(name) {\n  return 'Hello, ' + name;\n}\n",
};

export class LiveStage {
  readonly endpoint = new ModelEndpoint();
  readonly asked: Asked[] = [];
  readonly workspace: string;
  readonly home: string;
  readonly feed: ScoreFeed;
  readonly conductor: Conductor;
  private readonly root: string;
  private readonly storage: string;
  private answers: Answer[] = [];

  constructor(
    readonly cli: Cli,
    options: { noProgressSec?: number } = {},
  ) {
    this.root = realpathSync(mkdtempSync(path.join(tmpdir(), `podium-live-${cli.id}-`)));
    this.workspace = path.join(this.root, 'workspace');
    this.home = path.join(this.root, 'home');
    for (const dir of ['.config', '.local/share', '.local/state', '.cache']) mkdirSync(path.join(this.home, dir), { recursive: true });
    for (const [file, text] of Object.entries(FILES)) {
      mkdirSync(path.dirname(path.join(this.workspace, file)), { recursive: true });
      writeFileSync(path.join(this.workspace, file), text);
    }
    const git = (...args: string[]): void => {
      execFileSync('git', ['-c', 'user.name=Podium Test', '-c', 'user.email=test@podium.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd: this.workspace, stdio: 'ignore' });
    };
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'base');

    const journals = path.join(this.root, 'journals');
    const storage = (this.storage = path.join(this.root, 'storage'));
    mkdirSync(path.join(storage, 'worktrees'), { recursive: true });
    this.feed = new ScoreFeed({ folder: journals, label: 'live', readOnly: false });
    const host: ConductorHost = {
      workspace: () => this.workspace,
      storageDir: () => storage,
      journalFolder: () => journals,
      flushIntervalMs: () => 50,
      maxConcurrentAgents: () => 2,
      noProgressSec: () => options.noProgressSec ?? 120,
      trusted: () => true,
      profiles: () => [this.profile()],
      rehearsal: () => ({ entry: '', scriptsDir: '' }),
      secrets: async () => new Map(),
      permissionAsked: (_task, session, ask) => this.answer(session, ask),
      readWorkspaceFile: async (rel) => readFile(path.join(this.workspace, rel), 'utf8').catch(() => null),
      writeWorkspaceFile: async (rel, content) => {
        const file = path.join(this.workspace, rel);
        if (content === null) await rm(file, { force: true });
        else {
          await mkdir(path.dirname(file), { recursive: true });
          await writeFile(file, content);
        }
      },
      log: () => undefined,
      // The workspace has no architecture notes; the scripted models' prompts stay as the tests wrote them.
      coherence: () => ({ notes: DEFAULT_NOTES, briefAgents: false }),
      loadCoherence: async () => coherenceEngine,
    };
    const acp = new AcpAdapter({ graceMs: 2000 });
    this.conductor = new Conductor(host, this.feed, { acp, claude: new ClaudeAdapter({ graceMs: 2000 }), codex: new CodexAdapter({ graceMs: 2000 }) });
  }

  async start(): Promise<this> {
    await this.endpoint.start();
    return this;
  }

  /** The answers the engineer gives to the next questions, in order; any question beyond them fails the test. */
  plan(answers: Answer[]): void {
    this.answers = [...answers];
  }

  /** Hands out a task to the CLI. */
  task(title: string, prompt: string, budgets?: { idleSec?: number }): Promise<string> {
    return this.conductor.createTask({ title, prompt, agent: this.cli.id, ...(budgets ? { budgets } : {}) });
  }

  /** The agent's working folder (the task's worktree), once the task has one. */
  cwd(task: string): string {
    const dir = this.taskState(task).worktree?.workspaceDir;
    if (!dir) throw new Error(`The task ${task} has no worktree yet.`);
    return dir;
  }

  taskState(task: string): TaskState {
    const t = this.feed.state.tasks[task];
    if (!t) throw new Error(`No task ${task} on the score.`);
    return t;
  }

  session(task: string): SessionState {
    const t = this.taskState(task);
    return this.feed.state.sessions[t.sessions[t.sessions.length - 1]!]!;
  }

  entries(task: string): Entry[] {
    return this.session(task).entries;
  }

  status(task: string): string {
    const t = this.feed.state.tasks[task];
    return t ? `${t.status}${t.outcome ? `:${t.outcome}` : ''}` : 'missing';
  }

  /** Polls until `check` holds; fails naming `what` and the score's last entries. */
  async until(check: () => boolean, what: string, ms = 90_000, task?: string): Promise<void> {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) {
        const tail = task ? this.entries(task).slice(-8).map((e) => `${e.kind}: ${e.title}${e.text && e.text !== e.title ? ` — ${e.text.slice(0, 200)}` : ''}`).join('\n      ') : '';
        throw new Error(`${this.cli.label}: timed out waiting for ${what}${tail ? `; the score's last entries:\n      ${tail}` : ''}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async dispose(): Promise<void> {
    await this.conductor.dispose();
    await this.endpoint.close();
    rmSync(this.root, { recursive: true, force: true });
  }

  private profile(): AgentProfile {
    const env = { HOME: this.home, XDG_CONFIG_HOME: path.join(this.home, '.config'), XDG_DATA_HOME: path.join(this.home, '.local/share'), XDG_STATE_HOME: path.join(this.home, '.local/state'), XDG_CACHE_HOME: path.join(this.home, '.cache') };
    return {
      id: this.cli.id,
      label: this.cli.label,
      kind: this.cli.kind,
      command: path.join(BIN, this.cli.pin.bin),
      args: this.cli.args,
      env: { ...env, ...this.cli.setUp(this.home, this.endpoint.url, path.join(this.storage, 'worktrees')) },
    };
  }

  private answer(session: string, ask: PermissionAsk): void {
    const kind = this.answers.shift();
    const record: Asked = { title: ask.title };
    this.asked.push(record);
    if (!kind) return; // unplanned: left open, so the test sees it waiting
    const option = ask.options.find((o) => o.kind === kind);
    if (!option) throw new Error(`${this.cli.label} offered no "${kind}" option for "${ask.title}": ${ask.options.map((o) => o.kind).join(', ')}`);
    record.answer = kind;
    setImmediate(() => void this.conductor.answerPermission(session, ask.request, option.id));
  }
}
