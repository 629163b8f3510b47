/**
 * One workspace's coherence checker: its rules (the notes' podium-rules blocks and a
 * dependency-cruiser configuration, if it keeps one), the import readers of each root it checks (the
 * workspace, each task's worktree), and the import graph of the workspace, built on first need and
 * kept between checks. The conductor and `podium check` both go through it.
 *
 * Incremental by construction: a change costs its own files (parsed before and after, each added
 * import resolved); the graph is read once, only when a rule follows it (a cycle rule), and is then
 * updated file by file.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { checkChange, checkRepository, type ChangedFile, type DependencyRules, type ExternalRuleHit, type Finding, type GraphView } from './check';
import { DEFAULT_NOTES } from './defaults';
import { depcruiseViolations, loadDepcruiseConfig, type DepcruiseConfig, type DepcruiseFinding } from './depcruise';
import { createImportReader, type RootImportReader } from './imports';
import { createJsResolver, ImportGraph, isJsPath, type JsResolver } from './js';
import type { Dependency } from './model';
import { loadRules } from './notes';
import type { NotesProblem, RuleSet } from './rules';

export interface CheckerOptions {
  /** Globs of the architecture notes, relative to the root. */
  notes?: readonly string[];
  /** Whether JavaScript configurations (a .dependency-cruiser.js, a webpack config) may be run. */
  trusted: boolean;
}

export interface ChangeToCheck {
  files: readonly ChangedFile[];
  readBase(path: string): Promise<string | null>;
  readNew(path: string): Promise<string | null>;
  /** Where the new side lives on disk (imports resolve there); the workspace root by default. */
  newRoot?: string;
  scope?: readonly string[];
}

interface Loaded {
  rules: RuleSet;
  depcruise?: DepcruiseConfig;
}

export class CoherenceChecker {
  private loaded?: Promise<Loaded>;
  private readonly readers = new Map<string, RootImportReader>();
  private readonly depResolvers = new Map<string, JsResolver>();
  private graph?: Promise<ImportGraph>;
  private depGraph?: Promise<ImportGraph>;

  constructor(
    readonly root: string,
    private readonly options: CheckerOptions,
  ) {}

  /** The rules, read once until `invalidate`. Problems of a dependency-cruiser configuration join the notes' problems. */
  load(): Promise<Loaded> {
    this.loaded ??= (async () => {
      const rules = await loadRules(this.root, this.options.notes ?? DEFAULT_NOTES);
      const { config, problems } = await loadDepcruiseConfig(this.root, { trusted: this.options.trusted });
      for (const p of problems) rules.problems.push({ file: p.file, line: p.line ?? 1, message: p.message });
      if (config) rules.notes.push(config.file);
      return { rules, depcruise: config };
    })();
    const loading = this.loaded;
    loading.catch(() => {
      if (this.loaded === loading) this.loaded = undefined;
    });
    return loading;
  }

  async problems(): Promise<NotesProblem[]> {
    return (await this.load()).rules.problems;
  }

  /** Forgets the rules and everything read under them (the notes, a configuration or the trust changed). */
  invalidate(): void {
    this.loaded = undefined;
    this.graph = undefined;
    this.depGraph = undefined;
    for (const r of this.readers.values()) r.invalidate();
    this.readers.clear();
    this.depResolvers.clear();
  }

  /** Forgets what was kept for a root that is gone (a closed task's worktree). */
  forgetRoot(root: string): void {
    this.readers.delete(root);
    this.depResolvers.delete(root);
  }

  /**
   * A file of the root changed on disk (the engineer saved, or an approval wrote it): the graphs, if
   * built, take its new imports. Costs that one file.
   */
  async fileChanged(file: string): Promise<void> {
    const text = await readFile(path.join(this.root, ...file.split('/')), 'utf8').catch(() => null);
    const apply = async (graph: Promise<ImportGraph> | undefined, analyse: (f: string, t: string) => Promise<Dependency[] | undefined>) => {
      if (!graph) return;
      const g = await graph;
      if (text === null) g.remove(file);
      else {
        const deps = await analyse(file, text);
        if (deps) g.update(file, deps);
      }
    };
    await apply(this.graph, (f, t) => this.analyse(this.root, f, t));
    const { depcruise } = await this.load();
    if (depcruise) await apply(this.depGraph, async (f, t) => this.depcruiseAnalyse(depcruise, this.root, f, t));
  }

  private reader(root: string): RootImportReader {
    let r = this.readers.get(root);
    if (!r) this.readers.set(root, (r = createImportReader(root)));
    return r;
  }

  private async analyse(root: string, file: string, text: string): Promise<Dependency[] | undefined> {
    const reader = this.reader(root);
    const extraction = await reader.extract(file, text);
    if (!extraction || extraction.error) return undefined;
    const deps: Dependency[] = [];
    for (const site of extraction.imports) deps.push(...(await reader.resolve(file, site)));
    return deps;
  }

  private depResolver(config: DepcruiseConfig, root: string): JsResolver {
    let r = this.depResolvers.get(root);
    if (!r) this.depResolvers.set(root, (r = createJsResolver(root, config.resolverOptions)));
    return r;
  }

  private async depcruiseAnalyse(config: DepcruiseConfig, root: string, file: string, text: string): Promise<Dependency[] | undefined> {
    if (!isJsPath(file)) return undefined;
    const extraction = await this.reader(root).extract(file, text);
    if (!extraction || extraction.error) return undefined;
    const resolver = this.depResolver(config, root);
    return extraction.imports.map((site) => resolver.resolveSync(file, site));
  }

  /** The workspace's import graph, every language, read once on first need. */
  private workspaceGraph(): Promise<ImportGraph> {
    this.graph ??= ImportGraph.build(this.root, (f, t) => this.analyse(this.root, f, t));
    return this.graph;
  }

  /** The graph as dependency-cruiser sees it (its resolver, JS and TS only), for its cycle rules. */
  private depcruiseGraph(config: DepcruiseConfig): Promise<ImportGraph> {
    this.depGraph ??= ImportGraph.build(this.root, (f, t) => this.depcruiseAnalyse(config, this.root, f, t), { accept: isJsPath });
    return this.depGraph;
  }

  /** Holds a change against the rules. */
  async checkChange(change: ChangeToCheck): Promise<Finding[]> {
    const { rules, depcruise } = await this.load();
    const newRoot = change.newRoot ?? this.root;
    const dependencyRules = depcruise ? await this.depcruiseRules(depcruise, newRoot) : undefined;
    return checkChange({
      rules,
      files: change.files,
      readBase: change.readBase,
      readNew: change.readNew,
      imports: this.reader(newRoot),
      graph: async () => graphView(await this.workspaceGraph()),
      scope: change.scope,
      dependencyRules,
    });
  }

  /** Holds every import of the given files (all of the root by default) against the rules. */
  async checkAll(files: readonly string[]): Promise<Finding[]> {
    const { rules, depcruise } = await this.load();
    return checkRepository({
      rules,
      files,
      read: (p) => readFile(path.join(this.root, ...p.split('/')), 'utf8').catch(() => null),
      imports: this.reader(this.root),
      dependencyRules: depcruise ? await this.depcruiseRules(depcruise, this.root) : undefined,
    });
  }

  /**
   * dependency-cruiser's rules on the added dependencies, as it would see them: each import resolved
   * again with its resolver; its cycle rules on its graph with the change laid over it (every changed
   * file's imports as they are after the change), so a cycle two new imports make together is seen.
   * Each new cycle is reported once, on the first added import on it.
   */
  private async depcruiseRules(config: DepcruiseConfig, newRoot: string): Promise<DependencyRules> {
    const hasCycles = [...config.forbidden, ...config.allowed].some((r) => r.to.circular !== undefined);
    const graph = hasCycles ? await this.depcruiseGraph(config) : undefined;
    const resolver = this.depResolver(config, newRoot);
    const asDepcruise = (from: string, dep: Dependency): Dependency => (isJsPath(from) ? resolver.resolveSync(from, dep) : dep);
    return (added, changed) => {
      const saved = new Map<string, readonly Dependency[] | undefined>();
      if (graph) {
        for (const [file, deps] of changed) {
          saved.set(file, graph.has(file) ? graph.edges(file) : undefined);
          if (deps === null) graph.remove(file);
          else if (isJsPath(file)) graph.update(file, deps.map((d) => asDepcruise(file, d)));
        }
      }
      try {
        const cycles = new Set<string>();
        return added.map(({ from, dep }) => {
          if (!isJsPath(from)) return [];
          const hits: ExternalRuleHit[] = [];
          for (const f of depcruiseViolations(config, from, asDepcruise(from, dep), graph)) {
            if (f.cycle) {
              const key = [...new Set([from, ...f.cycle])].sort().join('|');
              if (cycles.has(`${f.rule}|${key}`)) continue;
              cycles.add(`${f.rule}|${key}`);
            }
            hits.push(depcruiseHit(config, from, dep, f));
          }
          return hits;
        });
      } finally {
        if (graph) {
          for (const [file, deps] of saved) {
            if (deps === undefined) graph.remove(file);
            else graph.update(file, deps);
          }
        }
      }
    };
  }
}

function depcruiseHit(config: DepcruiseConfig, from: string, dep: Dependency, f: DepcruiseFinding): ExternalRuleHit {
  const severity = f.severity === 'warn' ? 'warning' : f.severity === 'error' ? 'error' : 'info';
  const text = f.cycle
    ? `${from} imports ${dep.specifier}, closing a dependency cycle: ${[from, ...f.cycle].join(' → ')} (dependency-cruiser rule “${f.rule}”).`
    : `${from} imports ${dep.specifier} (${f.to}), which the dependency-cruiser rule “${f.rule}” forbids.`;
  return {
    rule: f.rule,
    severity,
    text,
    prose: f.comment,
    source: { file: f.file || config.file, line: f.line ?? 1 },
    kind: f.cycle ? 'cycle' : 'dependency',
    detail: f.cycle ? `${f.rule}:${[...new Set([from, ...f.cycle])].sort().join('|')}` : undefined,
  };
}

function graphView(g: ImportGraph): GraphView {
  return {
    files: () => g.files(),
    dependencies: function* (file: string) {
      for (const d of g.edges(file)) if (d.target.kind === 'file') yield d.target.path;
    },
  };
}
