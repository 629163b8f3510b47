/**
 * Coherence in the conductor: each task's staged change held against the workspace's architecture
 * notes, its findings turned into warnings on the score (the same warnings model as overlaps), the
 * rules read again when the notes change, and a digest of them in each new task's first prompt.
 *
 * The rules are the engineer's: they are read from the workspace folder, never from a task's worktree
 * (an agent that edits the notes does not loosen the rules its own change is checked against; editing
 * them is a sensitive change of its own). The engine (src/coherence, with its parsers) is loaded on
 * first use through `load`, so a window that never checks a change never loads it.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type * as Engine from '../coherence';
import type { ChangedFile, Finding, ImportReader } from '../coherence';
import type { TaskSpec, WarningRecord } from '../score';
import { readFileAtCommit } from '../stage/blobs';
import { runGit } from '../stage/git';
import type { StagedFile } from '../stage/staged';
import type { TaskWorktree } from '../stage/worktree';

export type CoherenceEngine = typeof Engine;

export interface CoherenceSettings {
  /** Globs of the architecture notes, relative to the workspace folder. */
  notes: readonly string[];
  /** Whether a new task's first prompt carries a digest of the rules. */
  briefAgents: boolean;
}

export interface CoherenceDeps {
  workspace(): string | undefined;
  settings(): CoherenceSettings;
  load(): Promise<CoherenceEngine>;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

export class Coherence {
  private engine?: Promise<CoherenceEngine>;
  private rules?: Promise<{ rules: Engine.RuleSet; prefix: string }>;
  private readonly readers = new Map<string, ImportReader | undefined>();

  constructor(private readonly deps: CoherenceDeps) {}

  private load(): Promise<CoherenceEngine> {
    this.engine ??= this.deps.load();
    return this.engine;
  }

  /**
   * The workspace's rules, read once and kept until the notes change. Globs in them are made relative
   * to the repository root (where hunk paths are), while each rule's `source` stays relative to the
   * workspace folder, where the engineer opens it.
   */
  current(): Promise<{ rules: Engine.RuleSet; prefix: string }> {
    this.rules ??= (async () => {
      const workspace = this.deps.workspace();
      const engine = await this.load();
      if (!workspace) return { rules: engine.emptyRuleSet(), prefix: '' };
      const rules = await engine.loadRules(workspace, this.deps.settings().notes);
      const prefix = await repoPrefix(workspace);
      if (prefix) {
        const shift = (base: string) => (base ? `${prefix}/${base}` : prefix);
        for (const list of [rules.layers, rules.cycles, rules.protected, rules.sensitive, rules.balance, rules.imports]) {
          for (const r of list) r.base = shift(r.base);
        }
        rules.notes = rules.notes.map((n) => `${prefix}/${n}`);
      }
      return { rules, prefix };
    })();
    const loading = this.rules;
    loading.catch(() => {
      if (this.rules === loading) this.rules = undefined;
    });
    return loading;
  }

  /** Forgets the rules (the notes or the setting changed); the next check reads them again. */
  invalidate(): void {
    this.rules = undefined;
    this.readers.clear();
  }

  /** Problems in the notes (a block that is not YAML or not the format), relative to the workspace folder. */
  async problems(): Promise<Engine.NotesProblem[]> {
    return (await this.current()).rules.problems;
  }

  /** The digest a new task's first prompt carries, or undefined (none wanted, or no rule). */
  async brief(): Promise<string | undefined> {
    if (!this.deps.settings().briefAgents) return undefined;
    try {
      const engine = await this.load();
      return engine.rulesDigest((await this.current()).rules);
    } catch (err) {
      this.deps.log('warn', `Podium could not read the architecture notes for the agent's brief: ${(err as Error).message}`);
      return undefined;
    }
  }

  /** The warnings the rules raise on a task's staged change. */
  async check(spec: TaskSpec, worktree: TaskWorktree, files: readonly StagedFile[]): Promise<WarningRecord[]> {
    const workspace = this.deps.workspace();
    if (!workspace || files.length === 0) return [];
    const engine = await this.load();
    const { rules } = await this.current();
    if (!this.readers.has(worktree.dir)) this.readers.set(worktree.dir, engine.createImportReader(worktree.dir));
    const changed: ChangedFile[] = files.map((f) => ({ path: f.path, oldPath: f.oldPath, status: f.status, hunks: f.hunks }));
    const findings = await engine.checkChange({
      rules,
      files: changed,
      readBase: (p) => readFileAtCommit(workspace, worktree.baseCommit, p),
      readNew: async (p) => {
        try {
          return await readFile(path.join(worktree.dir, ...p.split('/')), 'utf8');
        } catch {
          return null;
        }
      },
      imports: this.readers.get(worktree.dir),
      scope: spec.scope,
    });
    return findings.map((f) => toWarning(spec.id, f));
  }

  /** Forgets what it kept for a worktree that is gone. */
  forget(worktreeDir: string): void {
    this.readers.delete(worktreeDir);
  }
}

/** A finding as a warning on the score, with an id that stays the same while the finding does. */
export function toWarning(task: string, f: Finding): WarningRecord {
  const on = f.hunk ?? f.path ?? '-';
  const w: WarningRecord = {
    id: `${f.kind}:${task}:${on}:${f.rule}:${f.detail}`,
    kind: f.kind,
    severity: f.severity,
    task,
    rule: f.rule,
    text: f.text,
  };
  if (f.hunk !== undefined) w.hunk = f.hunk;
  if (f.path !== undefined) w.path = f.path;
  if (f.prose !== undefined) w.prose = f.prose;
  if (f.source !== undefined) w.source = f.source;
  if (f.line !== undefined) w.line = f.line;
  return w;
}

/** The workspace folder relative to its repository's root ('' when it is the root). */
async function repoPrefix(workspace: string): Promise<string> {
  const result = await runGit(['rev-parse', '--show-prefix'], { cwd: workspace, okExitCodes: [0, 128] }).catch(() => undefined);
  return result && result.exitCode === 0 ? result.stdout.trim().replace(/\/$/, '') : '';
}
