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
import type { ChangedFile, Finding } from '../coherence';
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
  /** Whether JavaScript configurations (a .dependency-cruiser.js) may be run to read their rules. */
  trusted(): boolean;
  load(): Promise<CoherenceEngine>;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

interface Ready {
  checker: Engine.CoherenceChecker;
  /** The workspace folder relative to its repository's root ('' when it is the root). */
  prefix: string;
}

export class Coherence {
  private engine?: Promise<CoherenceEngine>;
  private ready?: Promise<Ready>;

  constructor(private readonly deps: CoherenceDeps) {}

  private load(): Promise<CoherenceEngine> {
    this.engine ??= this.deps.load();
    return this.engine;
  }

  /**
   * The checker of the workspace's repository. Hunk paths are relative to the repository's root, so
   * it checks from there; the notes are looked for in the workspace folder, and each rule's `source`
   * is given relative to it, where the engineer opens it.
   */
  private current(): Promise<Ready> {
    this.ready ??= (async () => {
      const workspace = this.deps.workspace();
      if (!workspace) throw new Error('No workspace folder is open.');
      const engine = await this.load();
      const prefix = await repoPrefix(workspace);
      const root = prefix ? path.resolve(workspace, ...prefix.split('/').map(() => '..')) : workspace;
      const notes = this.deps.settings().notes.map((g) => (prefix ? `${prefix}/${g}` : g));
      return { checker: new engine.CoherenceChecker(root, { notes, trusted: this.deps.trusted() }), prefix };
    })();
    const loading = this.ready;
    loading.catch(() => {
      if (this.ready === loading) this.ready = undefined;
    });
    return loading;
  }

  /** Forgets the rules (the notes, the setting or the trust changed); the next check reads them again. */
  invalidate(): void {
    void this.ready?.then((r) => r.checker.invalidate(), () => undefined);
    this.ready = undefined;
  }

  /** Problems in the notes (a block that is not YAML or not the format), relative to the workspace folder. */
  async problems(): Promise<Engine.NotesProblem[]> {
    if (!this.deps.workspace()) return [];
    const { checker, prefix } = await this.current();
    return (await checker.problems()).map((p) => ({ ...p, file: unprefix(prefix, p.file) }));
  }

  /** The digest a new task's first prompt carries, or undefined (none wanted, or no rule). */
  async brief(): Promise<string | undefined> {
    if (!this.deps.settings().briefAgents || !this.deps.workspace()) return undefined;
    try {
      const engine = await this.load();
      const { checker } = await this.current();
      return engine.rulesDigest((await checker.load()).rules);
    } catch (err) {
      this.deps.log('warn', `Podium could not read the architecture notes for the agent's brief: ${(err as Error).message}`);
      return undefined;
    }
  }

  /** The warnings the rules raise on a task's staged change. */
  async check(spec: TaskSpec, worktree: TaskWorktree, files: readonly StagedFile[]): Promise<WarningRecord[]> {
    const workspace = this.deps.workspace();
    if (!workspace || files.length === 0) return [];
    const { checker, prefix } = await this.current();
    const changed: ChangedFile[] = files.map((f) => ({ path: f.path, oldPath: f.oldPath, status: f.status, hunks: f.hunks }));
    const findings = await checker.checkChange({
      files: changed,
      readBase: (p) => readFileAtCommit(workspace, worktree.baseCommit, p),
      readNew: async (p) => {
        try {
          return await readFile(path.join(worktree.dir, ...p.split('/')), 'utf8');
        } catch {
          return null;
        }
      },
      newRoot: worktree.dir,
      scope: spec.scope,
    });
    return findings.map((f) => toWarning(spec.id, f.source ? { ...f, source: { ...f.source, file: unprefix(prefix, f.source.file) } } : f));
  }

  /** A file of the workspace changed on disk (repository-relative): the import graph, if built, follows. */
  async fileChanged(repoPath: string): Promise<void> {
    if (!this.ready) return;
    const { checker } = await this.current();
    await checker.fileChanged(repoPath);
  }

  /** Forgets what it kept for a worktree that is gone. */
  forget(worktreeDir: string): void {
    void this.ready?.then((r) => r.checker.forgetRoot(worktreeDir), () => undefined);
  }
}

function unprefix(prefix: string, file: string): string {
  return prefix && file.startsWith(`${prefix}/`) ? file.slice(prefix.length + 1) : file;
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
