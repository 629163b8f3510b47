/**
 * The import graph of one root, in model types only (it lives beside the JS/TS code that feeds it
 * first, but Python or Go dependencies go in as they are): which files each
 * file imports (its resolved `Dependency` list) and, kept beside it, who imports each file.
 *
 * Built once from the whole root, then kept between checks and changed per file: `update` and
 * `remove` cost in proportion to that file's imports, never to the repository. It answers the two
 * questions a check asks: the imports of a file, and whether a new import `from → to` closes a cycle
 * (`pathBack`: the files from `to` back to `from`, shortest first).
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Dependency } from '../model';

/** Which of a file's imports a question counts (e.g. dependency-cruiser without type-only imports). */
export type EdgeFilter = (from: string, dependency: Dependency) => boolean;

/** What a file's text imports, resolved; `undefined` for a file the caller does not read. */
export type AnalyseFile = (path: string, text: string) => Dependency[] | undefined | Promise<Dependency[] | undefined>;

export interface BuildOptions {
  /** The files to read (relative to the root); by default every file git knows or would add, else a walk. */
  files?: readonly string[];
  /** Only files this accepts are read (cheap: by name). */
  accept?: (path: string) => boolean;
}

export class ImportGraph {
  private readonly out = new Map<string, readonly Dependency[]>();
  /** file → files importing it → how many of their imports name it. */
  private readonly into = new Map<string, Map<string, number>>();

  /** Reads every accepted file of `root` once and records what it imports. */
  static async build(root: string, analyse: AnalyseFile, options: BuildOptions = {}): Promise<ImportGraph> {
    const graph = new ImportGraph();
    const files = (options.files ?? (await listRootFiles(root))).filter((f) => !options.accept || options.accept(f));
    for (const file of files) {
      let text: string;
      try {
        text = await fs.readFile(path.join(root, file), 'utf8');
      } catch {
        continue; // listed but gone (deleted since): nothing to record
      }
      const deps = await analyse(file, text);
      if (deps) graph.update(file, deps);
    }
    return graph;
  }

  /** Files the graph holds (those read, not those only imported). */
  files(): IterableIterator<string> {
    return this.out.keys();
  }

  has(file: string): boolean {
    return this.out.has(file);
  }

  /** What `file` imports, as last recorded (empty for a file not in the graph). */
  edges(file: string): readonly Dependency[] {
    return this.out.get(file) ?? [];
  }

  /** The files that import `file`. */
  dependents(file: string): string[] {
    return [...(this.into.get(file)?.keys() ?? [])];
  }

  /** Records `file`'s imports, replacing what was recorded before. */
  update(file: string, deps: readonly Dependency[]): void {
    this.unlink(file);
    this.out.set(file, deps);
    for (const d of deps) {
      if (d.target.kind !== 'file') continue;
      let from = this.into.get(d.target.path);
      if (!from) this.into.set(d.target.path, (from = new Map()));
      from.set(file, (from.get(file) ?? 0) + 1);
    }
  }

  /** Forgets `file` (deleted): its imports; who imports it stays recorded on their side. */
  remove(file: string): void {
    this.unlink(file);
    this.out.delete(file);
  }

  /**
   * A path of files `[to, …, from]` along recorded imports (those `filter` counts), shortest first: a
   * new import `from → to` closes that cycle. `[from]` when `to` is `from`; `undefined` when `to`
   * does not reach `from`.
   */
  pathBack(from: string, to: string, filter?: EdgeFilter): string[] | undefined {
    if (from === to) return [from];
    const previous = new Map<string, string>([[to, to]]);
    let frontier = [to];
    while (frontier.length) {
      const next: string[] = [];
      for (const file of frontier) {
        for (const d of this.out.get(file) ?? []) {
          if (d.target.kind !== 'file' || previous.has(d.target.path)) continue;
          if (filter && !filter(file, d)) continue;
          previous.set(d.target.path, file);
          if (d.target.path === from) {
            const chain = [from];
            for (let at = file; at !== to; at = previous.get(at) as string) chain.push(at);
            chain.push(to);
            return chain.reverse();
          }
          next.push(d.target.path);
        }
      }
      frontier = next;
    }
    return undefined;
  }

  private unlink(file: string): void {
    for (const d of this.out.get(file) ?? []) {
      if (d.target.kind !== 'file') continue;
      const from = this.into.get(d.target.path);
      if (!from) continue;
      from.delete(file);
      if (from.size === 0) this.into.delete(d.target.path);
    }
  }
}

/**
 * The files of `root` (relative, '/'-separated): what git tracks or would add (`.gitignore`
 * honoured) where the root is a git repository, else every file below it but node_modules and
 * dot-folders.
 */
export async function listRootFiles(root: string): Promise<string[]> {
  const fromGit = await gitFiles(root);
  if (fromGit) return fromGit;
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(path.join(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
        await walk(child);
      } else if (e.isFile()) {
        out.push(child);
      }
    }
  };
  await walk('');
  return out.sort();
}

function gitFiles(root: string): Promise<string[] | undefined> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, GIT_OPTIONAL_LOCKS: '0' };
    for (const name of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE']) delete env[name];
    execFile(
      'git',
      ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--deduplicate'],
      { cwd: root, env, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout) => {
        if (err) return resolve(undefined);
        resolve(stdout.split('\0').filter(Boolean).sort());
      },
    );
  });
}
