/**
 * The checker: holds a change (files, each split into hunks, with their text before and after)
 * against the workspace's rules and says where it breaks them.
 *
 * Only what the change adds is its fault: an import that was there before is not reported, a file that
 * did not parse before is not reported as unparsable, a layer edge that existed before does not close
 * a "new" cycle. Every finding is placed: on the hunk that holds the offending line where there is
 * one, else on its file, else on the change as a whole.
 *
 * Cost: the files of the change are parsed (before and after), each added import resolved; nothing
 * else is read, except that a cycle rule asks for the repository's import graph, built once by the
 * caller and kept between checks (see `GraphView`).
 */
import * as path from 'node:path';
import picomatch from 'picomatch';
import type { FileStatus, Hunk, WarningKind } from '../score';
import type { Dependency, Extraction, ImportSite, Target } from './model';
import type { BalanceRule, ImportRule, LayerRule, RuleSet, RuleSource, Severity } from './rules';
import { BUILTIN_SENSITIVE, MANIFEST_SENSITIVE, manifestScriptChanges, NOTES_SENSITIVE } from './sensitive';

export interface ChangedFile {
  /** The new path (for a deleted file, the path it had). */
  path: string;
  oldPath?: string;
  status: FileStatus;
  hunks: readonly Hunk[];
}

/** Reads and resolves imports; absent, only the path rules (protected, sensitive, balance, scope) are checked. */
export interface ImportReader {
  /** The file's imports, or undefined when it is not in a language Podium reads. */
  extract(path: string, text: string): Promise<Extraction | undefined>;
  /**
   * Resolves an import of `from` in the new version of the root: usually one dependency, several for
   * an import that names several modules (Python's `from pkg import a, b` of two submodules).
   */
  resolve(from: string, site: ImportSite): Promise<Dependency[]>;
}

/** The repository's import graph between its own files (before the change), for cycle rules. */
export interface GraphView {
  /** Every file the graph holds. */
  files(): Iterable<string>;
  /** The files `path` imports (workspace files only). */
  dependencies(path: string): Iterable<string>;
}

/** A dependency rule kept elsewhere (dependency-cruiser's): what it says about one added dependency. */
export interface ExternalRuleHit {
  rule: string;
  severity: Severity;
  text: string;
  prose?: string;
  source?: RuleSource;
  kind?: 'dependency' | 'cycle';
  /** What makes it distinct on its import (a cycle's files); by default the rule and the import. */
  detail?: string;
}

export interface CheckInput {
  rules: RuleSet;
  files: readonly ChangedFile[];
  /** The file as it was before the change (the task's base), null where it did not exist. */
  readBase(path: string): Promise<string | null>;
  /** The file as the change has it, null where it was deleted. */
  readNew(path: string): Promise<string | null>;
  imports?: ImportReader;
  /** The graph before the change; asked for only when a cycle rule needs it. */
  graph?: () => Promise<GraphView>;
  /** The paths (globs, relative to the root) the task was handed; a change outside them warns. */
  scope?: readonly string[];
  /** Further rules on the dependencies the change adds (dependency-cruiser's); see `DependencyRules`. */
  dependencyRules?: DependencyRules;
}

/**
 * Rules kept elsewhere, held against the dependencies a change adds, all at once: `added` are those
 * dependencies, `changed` every changed file's dependencies after the change (null: deleted), so a
 * rule that follows the graph (a cycle) sees the change whole. Returns the hits of each added one.
 */
export type DependencyRules = (added: readonly { from: string; dep: Dependency }[], changed: ReadonlyMap<string, readonly Dependency[] | null>) => ExternalRuleHit[][];

export interface Finding {
  kind: Exclude<WarningKind, 'conflict' | 'overlap' | 'stale'>;
  severity: Severity;
  rule: string;
  /** One sentence the engineer can act on. */
  text: string;
  prose?: string;
  source?: RuleSource;
  /** The file it is on (undefined: the change as a whole). */
  path?: string;
  /** The hunk it is on, where one holds the offending line. */
  hunk?: string;
  /** 1-based line in the new version. */
  line?: number;
  /** For an import: the importing file and what it imports (resolved path, package or module as written). */
  from?: string;
  to?: string;
  /** What makes this finding distinct from others of its rule on the same place (for a stable id). */
  detail: string;
}

export async function checkChange(input: CheckInput): Promise<Finding[]> {
  const findings: Finding[] = [];
  const { rules } = input;
  const layers = new LayerMap(rules.layers);
  checkPaths(input, layers, findings);
  await checkManifests(input, findings);
  if (input.imports) await checkImports(input, input.imports, layers, findings);
  return dedupe(findings);
}

// ── paths: protected, sensitive, scope, balance ─────────────────────────────────────────────────

function checkPaths(input: CheckInput, layers: LayerMap, out: Finding[]): void {
  const { rules, files } = input;
  const protectedRules = rules.protected.map((r) => ({ r, match: under(r.base, r.paths) }));
  const sensitiveRules = [
    ...BUILTIN_SENSITIVE.map((k) => ({ id: k.id, severity: 'warning' as Severity, text: k.why, prose: undefined as string | undefined, source: undefined as RuleSource | undefined, match: globMatcher(k.globs) })),
    ...rules.sensitive.map((r) => ({ id: r.id, severity: r.severity, text: 'The architecture notes mark this path as sensitive.', prose: r.prose, source: r.source, match: under(r.base, r.paths) })),
  ];
  const notes = new Set(rules.notes);
  const inScope = input.scope && input.scope.length > 0 ? globMatcher(input.scope) : undefined;

  for (const file of files) {
    const paths = file.oldPath && file.oldPath !== file.path ? [file.path, file.oldPath] : [file.path];
    for (const { r, match } of protectedRules) {
      if (!paths.some(match)) continue;
      for (const h of file.hunks) {
        out.push({ kind: 'protected', severity: r.severity, rule: r.id, text: `${file.path} is protected by the architecture notes: a change here needs the engineer’s own judgement.`, prose: r.prose, source: r.source, path: file.path, hunk: h.id, line: firstLine(h), detail: 'protected' });
      }
    }
    for (const s of sensitiveRules) {
      if (!paths.some(s.match)) continue;
      for (const h of file.hunks) out.push({ kind: 'sensitive', severity: s.severity, rule: s.id, text: `${file.path} is sensitive: ${s.text}`, prose: s.prose, source: s.source, path: file.path, hunk: h.id, line: firstLine(h), detail: 'sensitive' });
    }
    if (paths.some((p) => notes.has(p))) {
      for (const h of file.hunks) out.push({ kind: 'sensitive', severity: 'warning', rule: NOTES_SENSITIVE.id, text: `${file.path} holds architecture rules: ${NOTES_SENSITIVE.why}`, path: file.path, hunk: h.id, line: firstLine(h), detail: 'notes' });
    }
    if (inScope && !paths.some(inScope)) {
      for (const h of file.hunks) out.push({ kind: 'scope', severity: 'warning', rule: 'scope', text: `${file.path} is outside the paths this task was handed (${input.scope!.join(', ')}).`, path: file.path, hunk: h.id, line: firstLine(h), detail: 'scope' });
    }
  }

  for (const b of rules.balance) checkBalance(b, files, layers, out);
}

/** A package manifest whose scripts or install hooks changed: the hunks that touch them. */
async function checkManifests(input: CheckInput, out: Finding[]): Promise<void> {
  for (const file of input.files) {
    if (path.posix.basename(file.path) !== 'package.json' || file.status === 'deleted') continue;
    const after = await input.readNew(file.path);
    const before = file.status === 'added' ? null : await input.readBase(file.oldPath ?? file.path);
    for (const change of manifestScriptChanges(before, after)) {
      const hit = file.hunks.filter((h) => h.kind !== 'lines' || (h.newStart <= change.endLine && h.newStart + Math.max(1, h.newCount) > change.startLine));
      for (const h of hit.length > 0 ? hit : file.hunks) {
        out.push({ kind: 'sensitive', severity: 'warning', rule: MANIFEST_SENSITIVE.id, text: `${file.path} changes its “${change.key}”: ${MANIFEST_SENSITIVE.why}`, path: file.path, hunk: h.id, line: change.startLine, detail: change.key });
      }
    }
  }
}

function checkBalance(b: BalanceRule, files: readonly ChangedFile[], layers: LayerMap, out: Finding[]): void {
  const scoped = files.filter((f) => isUnder(b.base, f.path));
  let lines = 0;
  const touched = new Set<string>();
  for (const f of scoped) {
    const layer = layers.of(f.path);
    if (layer) touched.add(layer.name);
    for (const h of f.hunks) {
      const n = changedLines(h);
      lines += n;
      if (b.maxHunkLines !== undefined && n > b.maxHunkLines) {
        out.push({ kind: 'balance', severity: b.severity, rule: b.id, text: `This hunk changes ${n} lines; the notes keep one change under ${b.maxHunkLines}. Ask for it in smaller steps.`, prose: b.prose, source: b.source, path: f.path, hunk: h.id, line: firstLine(h), detail: 'max-hunk-lines' });
      }
    }
  }
  const task = (detail: string, text: string) => out.push({ kind: 'balance', severity: b.severity, rule: b.id, text, prose: b.prose, source: b.source, detail });
  if (b.maxLines !== undefined && lines > b.maxLines) task('max-lines', `The task changes ${lines} lines; the notes keep one task under ${b.maxLines}, so no part outweighs the rest.`);
  if (b.maxFiles !== undefined && scoped.length > b.maxFiles) task('max-files', `The task changes ${scoped.length} files; the notes keep one task under ${b.maxFiles}.`);
  if (b.maxLayers !== undefined && touched.size > b.maxLayers) task('max-layers', `The task changes ${touched.size} layers (${[...touched].join(', ')}); the notes keep one task to ${b.maxLayers}.`);
}

/** Lines a hunk adds or removes (the unchanged lines inside its region do not count). */
export function changedLines(h: Hunk): number {
  if (h.kind !== 'lines') return 0;
  const left = new Map<string, number>();
  for (const l of h.oldLines) left.set(l, (left.get(l) ?? 0) + 1);
  let same = 0;
  for (const l of h.newLines) {
    const n = left.get(l) ?? 0;
    if (n > 0) {
      left.set(l, n - 1);
      same += 1;
    }
  }
  return h.oldLines.length - same + (h.newLines.length - same);
}

// ── imports: layers, written forms, dependency rules, cycles, parsing ──────────────────────────

interface Added {
  file: ChangedFile;
  dep: Dependency;
  hunk?: string;
}

async function checkImports(input: CheckInput, reader: ImportReader, layers: LayerMap, out: Finding[]): Promise<void> {
  const added: Added[] = [];
  const newDeps = new Map<string, string[]>();
  /** What the changed files imported before the change (resolved in the new root: near enough for layers). */
  const baseDeps = new Map<string, string[]>();
  const changedDeps = new Map<string, Dependency[] | null>();
  for (const file of input.files) {
    if (file.status === 'deleted') {
      changedDeps.set(file.path, null);
      continue;
    }
    if (file.oldPath && file.oldPath !== file.path) changedDeps.set(file.oldPath, null);
    const text = await input.readNew(file.path);
    if (text === null) continue;
    const after = await reader.extract(file.path, text);
    if (!after) continue;
    const basePathOf = file.oldPath ?? file.path;
    const baseText = file.status === 'added' ? null : await input.readBase(basePathOf);
    const before = baseText === null ? undefined : await reader.extract(basePathOf, baseText);
    if (after.error) {
      if (!before || !before.error) {
        out.push({ kind: 'unparsable', severity: 'warning', rule: 'unparsable', text: `${file.path} does not parse (${after.error.message}, line ${after.error.line}); Podium cannot check its imports.`, path: file.path, line: after.error.line, detail: 'parse' });
      }
      continue;
    }
    // A file that moved to another layer makes each of its imports a new one.
    const movedLayer = file.oldPath !== undefined && layers.of(file.oldPath)?.name !== layers.of(file.path)?.name;
    const fresh = movedLayer || !before || before.error ? after.imports : addedImports(before.imports, after.imports);
    if (before && !before.error && input.rules.cycles.length > 0) {
      const was: string[] = [];
      for (const site of before.imports) for (const d of await reader.resolve(basePathOf, site)) if (d.target.kind === 'file') was.push(d.target.path);
      baseDeps.set(basePathOf, was);
    }
    const all: Dependency[] = [];
    for (const site of after.imports) {
      for (const dep of await reader.resolve(file.path, site)) {
        all.push(dep);
        if (fresh.includes(site)) added.push({ file, dep, hunk: hunkAt(file.hunks, site.line) });
      }
    }
    newDeps.set(file.path, all.filter((d) => d.target.kind === 'file').map((d) => (d.target as { path: string }).path));
    changedDeps.set(file.path, all);
  }

  for (const a of added) {
    checkLayer(a, layers, out);
    for (const r of input.rules.imports) checkImportRule(r, a, out);
  }
  if (input.dependencyRules && added.length > 0) {
    const hits = input.dependencyRules(added.map((a) => ({ from: a.file.path, dep: a.dep })), changedDeps);
    added.forEach((a, i) => {
      for (const hit of hits[i] ?? []) out.push(hitFinding(hit, a));
    });
  }

  if (input.rules.cycles.length > 0 && input.graph && added.some((a) => a.dep.target.kind === 'file')) {
    const graph = await input.graph();
    checkCycles(input, graph, layers, added, newDeps, baseDeps, out);
  }
}

/** The imports of `after` that `before` did not have, counted as written (a second identical import is new too). */
function addedImports(before: readonly ImportSite[], after: readonly ImportSite[]): ImportSite[] {
  const key = (s: ImportSite) => `${s.form}\0${s.specifier}\0${s.typeOnly}`;
  const had = new Map<string, number>();
  for (const s of before) had.set(key(s), (had.get(key(s)) ?? 0) + 1);
  const out: ImportSite[] = [];
  for (const s of after) {
    const n = had.get(key(s)) ?? 0;
    if (n > 0) had.set(key(s), n - 1);
    else out.push(s);
  }
  return out;
}

function checkLayer(a: Added, layers: LayerMap, out: Finding[]): void {
  const from = layers.of(a.file.path);
  if (!from) return;
  const t = a.dep.target;
  const place = { path: a.file.path, hunk: a.hunk, line: a.dep.line, from: a.file.path, to: targetName(a.dep) };
  const common = { kind: 'layer' as const, severity: from.severity, rule: from.id, prose: from.prose, source: from.source };
  if (t.kind === 'file') {
    const to = layers.of(t.path, t.directory);
    if (!to || to.name === from.name) return;
    const allowed = (from.mayImport === undefined || from.mayImport.includes(to.name)) && !(from.mayNotImport ?? []).includes(to.name);
    if (!allowed) {
      out.push({ ...common, ...place, text: `${a.file.path} (${from.name}) imports ${a.dep.specifier} (${to.name}): ${from.name} may not import ${to.name}.`, detail: `${a.dep.specifier}` });
    }
    return;
  }
  if (t.kind === 'package' || t.kind === 'core') {
    const names = moduleNames(a.dep, t);
    const banned = from.mayNotUse?.find((p) => names.some((n) => picomatch.isMatch(n, p)));
    const outside = from.mayUse !== undefined && !from.mayUse.some((p) => names.some((n) => picomatch.isMatch(n, p)));
    const what = t.kind === 'core' ? 'platform module' : 'package';
    if (banned) out.push({ ...common, ...place, text: `${a.file.path} (${from.name}) uses the ${what} ${t.name}: ${from.name} may not use ${banned}.`, detail: a.dep.specifier });
    else if (outside) out.push({ ...common, ...place, text: `${a.file.path} (${from.name}) uses the ${what} ${t.name}, which is not among those ${from.name} may use (${from.mayUse!.join(', ')}).`, detail: a.dep.specifier });
  }
}

/** The names a package or platform module answers to in `may-use`/`may-not-use`: 'fs' and 'node:fs', 'os' and 'python:os'… */
function moduleNames(dep: Dependency, t: Extract<Target, { kind: 'package' | 'core' }>): string[] {
  if (t.kind === 'package') return [t.name];
  const bare = t.name.replace(/^node:/, '');
  const prefix = dep.form.startsWith('python') ? 'python' : dep.form === 'go-import' ? 'go' : 'node';
  return [bare, `${prefix}:${bare}`];
}

function checkImportRule(r: ImportRule, a: Added, out: Finding[]): void {
  if (!isUnder(r.base, a.file.path)) return;
  const rel = relativeTo(r.base, a.file.path);
  let groups: string[] = [];
  if (r.from !== undefined) {
    const m = new RegExp(r.from).exec(rel);
    if (!m) return;
    groups = [...m];
  }
  if (r.written !== undefined && !new RegExp(r.written).test(a.dep.specifier)) return;
  const t = a.dep.target;
  const to = t.kind === 'file' ? relativeTo(r.base, t.path) : t.kind === 'unresolved' ? a.dep.specifier : t.name;
  const withGroups = (re: string) => new RegExp(re.replace(/\$(\d)/g, (_m, n: string) => escapeRegex(groups[Number(n)] ?? '')));
  if (r.to !== undefined && !withGroups(r.to).test(to)) return;
  if (r.toNot !== undefined && withGroups(r.toNot).test(to)) return;
  out.push({
    kind: 'dependency',
    severity: r.severity,
    rule: r.id,
    text: `${a.file.path} imports ${a.dep.specifier}${r.message ? `: ${r.message}` : `, which the rule “${r.id}” forbids.`}`,
    prose: r.prose,
    source: r.source,
    path: a.file.path,
    hunk: a.hunk,
    line: a.dep.line,
    from: a.file.path,
    to: targetName(a.dep),
    detail: a.dep.specifier,
  });
}

/**
 * New cycles between layers: a layer edge the change adds (none existed between those layers before)
 * whose target layer already reaches its source. Each new cycle is reported once, on the added import
 * that closes it.
 */
function checkCycles(input: CheckInput, graph: GraphView, layers: LayerMap, added: readonly Added[], newDeps: ReadonlyMap<string, string[]>, baseDeps: ReadonlyMap<string, string[]>, out: Finding[]): void {
  const changed = new Set<string>();
  for (const f of input.files) {
    changed.add(f.path);
    if (f.oldPath) changed.add(f.oldPath);
  }
  // The graph may hold either side of the changed files (a task's base, or a checkout of the new side
  // on the command line): both sides are laid over it from what the change itself says.
  const beforeFiles = new Set([...graph.files(), ...baseDeps.keys()]);
  for (const f of input.files) if (f.status === 'added') beforeFiles.delete(f.path);
  const before = layerEdges(layers, beforeFiles, (f) => (changed.has(f) ? (baseDeps.get(f) ?? []) : graph.dependencies(f)));
  const afterFiles = new Set([...graph.files(), ...newDeps.keys()]);
  for (const f of input.files) if (f.status === 'deleted') afterFiles.delete(f.path);
  const after = layerEdges(layers, afterFiles, (f) => (changed.has(f) ? (newDeps.get(f) ?? []) : graph.dependencies(f)));
  const reported = new Set<string>();
  for (const rule of input.rules.cycles) {
    const inRule = new Set(rule.layers);
    for (const a of added) {
      if (a.dep.target.kind !== 'file') continue;
      const x = layers.of(a.file.path)?.name;
      const y = layers.of(a.dep.target.path, a.dep.target.directory)?.name;
      if (!x || !y || x === y || !inRule.has(x) || !inRule.has(y)) continue;
      if (before.get(x)?.has(y)) continue; // that layer edge is old: any cycle through it is too
      const back = layerPath(after, y, x);
      if (!back) continue;
      const cycle = [x, ...back];
      const key = [...new Set(cycle)].sort().join('|');
      if (reported.has(key)) continue;
      reported.add(key);
      out.push({
        kind: 'cycle',
        severity: rule.severity,
        rule: rule.id,
        text: `${a.file.path} imports ${a.dep.specifier}, closing a dependency cycle between layers: ${cycle.join(' → ')}.`,
        prose: rule.prose,
        source: rule.source,
        path: a.file.path,
        hunk: a.hunk,
        line: a.dep.line,
        from: a.file.path,
        to: targetName(a.dep),
        detail: key,
      });
    }
  }
}

/** The strongly connected components of a small graph (Tarjan), each in discovery order. */
function stronglyConnected(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.unshift(w);
      } while (w !== v);
      out.push(component);
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

function layerEdges(layers: LayerMap, files: Iterable<string>, deps: (f: string) => Iterable<string>): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  for (const f of files) {
    const x = layers.of(f)?.name;
    if (!x) continue;
    for (const d of deps(f)) {
      const y = layers.of(d)?.name;
      if (!y || y === x) continue;
      let set = edges.get(x);
      if (!set) edges.set(x, (set = new Set()));
      set.add(y);
    }
  }
  return edges;
}

/** A path of layers from `from` to `to` (both included), breadth first; undefined when none. */
function layerPath(edges: ReadonlyMap<string, Set<string>>, from: string, to: string): string[] | undefined {
  const prev = new Map<string, string | null>([[from, null]]);
  const queue = [from];
  while (queue.length > 0) {
    const at = queue.shift()!;
    if (at === to) {
      const out: string[] = [];
      for (let n: string | null = at; n !== null; n = prev.get(n)!) out.unshift(n);
      return out;
    }
    for (const next of edges.get(at) ?? []) {
      if (!prev.has(next)) {
        prev.set(next, at);
        queue.push(next);
      }
    }
  }
  return undefined;
}

// ── layers and globs ────────────────────────────────────────────────────────────────────────────

/** Which layer a path is in: the first declared whose globs match (relative to its notes' folder). */
export class LayerMap {
  private readonly matchers: { layer: LayerRule; match: (p: string) => boolean }[];
  private readonly cache = new Map<string, LayerRule | null>();

  constructor(layers: readonly LayerRule[]) {
    this.matchers = layers.map((layer) => ({ layer, match: under(layer.base, layer.paths) }));
  }

  of(p: string, directory = false): LayerRule | undefined {
    const key = directory ? `${p}/` : p;
    let hit = this.cache.get(key);
    if (hit === undefined) {
      // A folder (a Go package) is in a layer when a file in it would be.
      const probe = directory ? `${p}/_` : p;
      hit = this.matchers.find((m) => m.match(probe))?.layer ?? null;
      this.cache.set(key, hit);
    }
    return hit ?? undefined;
  }
}

/** A matcher of paths against globs (dot files included: `.env` is a file like any other). */
function globMatcher(globs: readonly string[]): (p: string) => boolean {
  const match = picomatch([...globs], { dot: true });
  return (p) => match(p);
}

/** A matcher of root-relative paths against globs written relative to `base`. */
function under(base: string, globs: readonly string[]): (p: string) => boolean {
  const match = globMatcher(globs);
  return (p) => isUnder(base, p) && match(relativeTo(base, p));
}

function isUnder(base: string, p: string): boolean {
  return base === '' || p === base || p.startsWith(`${base}/`);
}

function relativeTo(base: string, p: string): string {
  return base === '' ? p : path.posix.relative(base, p);
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The hunk of the new version that holds `line`, if any. */
function hunkAt(hunks: readonly Hunk[], line: number): string | undefined {
  for (const h of hunks) {
    if (h.kind === 'lines' && line >= h.newStart && line < h.newStart + Math.max(1, h.newCount)) return h.id;
  }
  // A new file, or a whole-file hunk: the file's one hunk holds every line.
  const whole = hunks.find((h) => h.kind === 'file' || (h.kind === 'lines' && h.status === 'added'));
  return whole?.id;
}

function firstLine(h: Hunk): number | undefined {
  return h.kind === 'lines' ? h.newStart : undefined;
}

function targetName(dep: Dependency): string {
  const t = dep.target;
  return t.kind === 'file' ? t.path : t.kind === 'unresolved' ? dep.specifier : t.name;
}

function hitFinding(hit: ExternalRuleHit, a: Added): Finding {
  return {
    kind: hit.kind ?? 'dependency',
    severity: hit.severity,
    rule: hit.rule,
    text: hit.text,
    prose: hit.prose,
    source: hit.source,
    path: a.file.path,
    hunk: a.hunk,
    line: a.dep.line,
    from: a.file.path,
    to: targetName(a.dep),
    detail: hit.detail ?? `${hit.rule}:${a.dep.specifier}`,
  };
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.kind}|${f.rule}|${f.hunk ?? f.path ?? ''}|${f.detail}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export type { Severity };

// ── a whole repository ──────────────────────────────────────────────────────────────────────────

export interface RepositoryInput {
  rules: RuleSet;
  /** Every file to read (relative to the root), e.g. git's tracked and untracked-but-not-ignored files. */
  files: readonly string[];
  read(path: string): Promise<string | null>;
  imports: ImportReader;
  dependencyRules?: DependencyRules;
}

/**
 * Every import of every file held against the rules, as if the whole repository were one new change:
 * layers, import rules, dependency rules, files that do not parse, and each cycle between layers once,
 * on one of the imports that make it. Path rules (protected, sensitive, balance, scope) are about
 * changes, so they are not checked here.
 */
export async function checkRepository(input: RepositoryInput): Promise<Finding[]> {
  const out: Finding[] = [];
  const layers = new LayerMap(input.rules.layers);
  const edges = new Map<string, Map<string, Added>>();
  const every: Added[] = [];
  for (const file of input.files) {
    const text = await input.read(file);
    if (text === null) continue;
    const extraction = await input.imports.extract(file, text);
    if (!extraction) continue;
    const changed: ChangedFile = { path: file, status: 'added', hunks: [] };
    if (extraction.error) {
      out.push({ kind: 'unparsable', severity: 'warning', rule: 'unparsable', text: `${file} does not parse (${extraction.error.message}, line ${extraction.error.line}); Podium cannot check its imports.`, path: file, line: extraction.error.line, detail: 'parse' });
      continue;
    }
    for (const site of extraction.imports) {
      for (const dep of await input.imports.resolve(file, site)) {
        const a: Added = { file: changed, dep };
        every.push(a);
        checkLayer(a, layers, out);
        for (const r of input.rules.imports) checkImportRule(r, a, out);
        if (dep.target.kind === 'file') {
          const x = layers.of(file)?.name;
          const y = layers.of(dep.target.path, dep.target.directory)?.name;
          if (x && y && x !== y) {
            let m = edges.get(x);
            if (!m) edges.set(x, (m = new Map()));
            if (!m.has(y)) m.set(y, a);
          }
        }
      }
    }
  }
  if (input.dependencyRules && every.length > 0) {
    const hits = input.dependencyRules(every.map((a) => ({ from: a.file.path, dep: a.dep })), new Map());
    every.forEach((a, i) => {
      for (const hit of hits[i] ?? []) out.push(hitFinding(hit, a));
    });
  }
  // Each knot of layers that reach one another is one finding, on one of the imports that tie it.
  for (const rule of input.rules.cycles) {
    const inRule = new Set(rule.layers);
    const graph = new Map<string, Set<string>>();
    for (const [x, m] of edges) if (inRule.has(x)) graph.set(x, new Set([...m.keys()].filter((y) => inRule.has(y))));
    for (const knot of stronglyConnected(graph)) {
      if (knot.length < 2) continue;
      const members = new Set(knot);
      const x = knot[0]!;
      const y = [...graph.get(x)!].find((l) => members.has(l))!;
      const a = edges.get(x)!.get(y)!;
      const cycle = [x, ...layerPath(graph, y, x)!];
      out.push({ kind: 'cycle', severity: rule.severity, rule: rule.id, text: `${a.file.path} imports ${a.dep.specifier}, one edge of a dependency cycle between layers: ${cycle.join(' → ')}${knot.length > cycle.length - 1 ? ` (the layers ${knot.join(', ')} all reach one another)` : ''}.`, prose: rule.prose, source: rule.source, path: a.file.path, line: a.dep.line, from: a.file.path, to: targetName(a.dep), detail: [...knot].sort().join('|') });
    }
  }
  return dedupe(out);
}
