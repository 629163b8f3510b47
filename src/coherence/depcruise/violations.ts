/**
 * Holding one dependency against a dependency-cruiser configuration, matching what `depcruise`
 * matches (its `doc/rules-reference.md`, and its source where the doc is silent):
 *
 * - a rule's `from.path`/`pathNot` test the importing file, `to.path`/`pathNot` what the import
 *   resolves to: a root-relative file path, `node_modules/…` for an installed package, the module's
 *   name for a built-in or for something that does not resolve. `$1`… in `to` are the groups
 *   `from.path` captured on the importing file;
 * - `dependencyTypes`/`dependencyTypesNot`, `couldNotResolve`, `circular` (with `via`/`viaOnly` on the
 *   cycle), `dynamic`, `preCompilationOnly`, `moreThanOneDependencyType`, `ancestor`;
 * - the options that change what is seen: `tsPreCompilationDeps` (false: TypeScript imports its emit
 *   drops do not exist; 'specify': they are `pre-compilation-only`), `includeOnly`, `exclude`,
 *   `doNotFollow` (a file matching it is never a source of findings);
 * - `allowed` rules: a dependency none of them matches is `not-in-allowed`, at `allowedSeverity`.
 *
 * Findings come sorted as depcruise sorts them: errors, then warnings, then infos.
 */
import type { ImportGraph } from '../js/graph';
import type { Dependency } from '../model';
import type { DepcruiseConfig, DepcruiseRule, DepcruiseSeverity, PathRestriction } from './config';

export interface DepcruiseFinding {
  /** The rule's name (`not-in-allowed` for an allowed-rules finding). */
  rule: string;
  severity: DepcruiseSeverity;
  /** The rule's comment: its prose. */
  comment?: string;
  /** Where the rule is written (root-relative file, 1-based line when known). */
  file: string;
  line?: number;
  /** What the dependency resolves to, as depcruise names it (its `to`). */
  to: string;
  /** For a cycle: the files from `to` back to the importing file. */
  cycle?: string[];
}

/** The dependency as depcruise sees it. */
interface Seen {
  resolved: string;
  dependencyTypes: string[];
  couldNotResolve: boolean;
  coreModule: boolean;
  dynamic: boolean;
  preCompilationOnly?: boolean;
  circular?: boolean;
  cycle?: string[];
}

const TS_SOURCE = /\.(d\.)?[cm]?tsx?$/;
/** The dependency types that say what kind of module is depended on (depcruise's "duplicates that matter"). */
const KIND_TYPES = new Set(['core', 'local', 'localmodule', 'npm', 'npm-bundled', 'npm-dev', 'npm-no-pkg', 'npm-optional', 'npm-peer', 'npm-unknown']);
const FORM_TYPES = new Set(['import', 'export', 'type-only', 'dynamic-import', 'require', 'import-equals', 'type-import', 'triple-slash-directive', 'triple-slash-file-reference', 'triple-slash-type-reference', 'pre-compilation-only']);

const regexCache = new Map<string, RegExp>();
function re(source: string): RegExp {
  let r = regexCache.get(source);
  if (!r) regexCache.set(source, (r = new RegExp(source)));
  return r;
}

/** What depcruise calls the module a dependency resolves to (its `resolved`, the `to` of a finding). */
export function depcruiseTarget(dep: Dependency): string {
  const t = dep.target;
  if (t.kind === 'file') return t.path;
  if (t.kind === 'package' && t.path) return t.path;
  if (t.kind === 'core') return t.name;
  // Not resolved: the name as written, loaders and the node: prefix aside.
  const name = (dep.specifier.split('!').pop() ?? dep.specifier).replace(/\?.*$/, '');
  return name.startsWith('node:') ? name.slice('node:'.length) : name;
}

/** Whether depcruise reads `file` at all under this configuration (its `includeOnly`, `exclude`, `doNotFollow`). */
export function depcruiseReads(config: DepcruiseConfig, file: string): boolean {
  const o = config.options;
  if (o.exclude !== undefined && re(o.exclude).test(file)) return false;
  if (o.doNotFollow?.path !== undefined && re(o.doNotFollow.path).test(file)) return false;
  if (o.includeOnly !== undefined && !re(o.includeOnly).test(file)) return false;
  return true;
}

/**
 * The dependency as depcruise would record it from `from`, or undefined when it would not record it
 * (dropped by TypeScript's emit without pre-compilation deps, excluded, outside includeOnly).
 */
function seen(config: DepcruiseConfig, from: string, dep: Dependency): Seen | undefined {
  const o = config.options;
  const ts = TS_SOURCE.test(from);
  let forms = dep.dependencyTypes.filter((t) => FORM_TYPES.has(t));
  const kinds = dep.dependencyTypes.filter((t) => !FORM_TYPES.has(t));
  let preCompilationOnly: boolean | undefined;
  // In CommonJS output a dynamic import is a require too.
  let commonJs = false;
  const emitsCommonJs = ts && (o.tsModuleKind === 'commonjs' || (o.tsModuleKind === 'node' && !from.endsWith('.mts')));
  const droppedByEmit = ts
    ? // ES output has no place for `import x = require()`: TypeScript drops it there.
      dep.elided === true || dep.typeOnly || (dep.form === 'import-equals' && !emitsCommonJs)
    : dep.form === 'type-import' || dep.form === 'triple-slash-directive';
  if (o.tsPreCompilationDeps === false) {
    // depcruise reads the JavaScript TypeScript emits: what the emit drops is not there.
    if (droppedByEmit) return undefined;
    if (emitsCommonJs || dep.form === 'import-equals') {
      forms = ['require'];
      commonJs = true;
    }
  } else if (o.tsPreCompilationDeps === 'specify') {
    preCompilationOnly = droppedByEmit;
    if (droppedByEmit) forms = [...forms, 'pre-compilation-only'];
  }
  const t = dep.target;
  const couldNotResolve = t.kind === 'unresolved' || (t.kind === 'package' && !t.path);
  const view: Seen = {
    resolved: depcruiseTarget(dep),
    // An unresolved dependency is only 'unknown' to depcruise.
    dependencyTypes: couldNotResolve ? ['unknown'] : [...kinds, ...forms],
    couldNotResolve,
    coreModule: t.kind === 'core',
    dynamic: dep.form === 'dynamic-import' && !commonJs,
  };
  if (preCompilationOnly !== undefined) view.preCompilationOnly = preCompilationOnly;
  if (o.exclude !== undefined && re(o.exclude).test(view.resolved)) return undefined;
  if (o.includeOnly !== undefined && !re(o.includeOnly).test(view.resolved)) return undefined;
  if (o.excludeDynamic !== undefined && o.excludeDynamic === view.dynamic) return undefined;
  return view;
}

/** The filter for `graph.pathBack` that keeps exactly the imports depcruise sees. */
export function depcruiseEdgeFilter(config: DepcruiseConfig): (from: string, dep: Dependency) => boolean {
  return (from, dep) => depcruiseReads(config, from) && seen(config, from, dep) !== undefined;
}

function hasCycleRule(config: DepcruiseConfig): boolean {
  return [...config.forbidden, ...config.allowed].some((r) => r.to.circular !== undefined);
}

function groupsOf(rule: DepcruiseRule, from: string): string[] {
  if (rule.from.path === undefined) return [];
  const m = re(rule.from.path).exec(from);
  return m && m.length > 1 ? m.filter((g): g is string => typeof g === 'string') : [];
}

function fill(source: string, groups: string[]): string {
  return groups.reduce((all, group, i) => all.replaceAll(new RegExp(`\\$${i}`, 'g'), group), source);
}

function intersects(a: readonly string[], b: readonly string[]): boolean {
  return a.some((x) => b.includes(x));
}

function matchesVia(restriction: PathRestriction | undefined, cycle: string[] | undefined, groups: string[], only: boolean, cycleTypes: string[][]): boolean {
  if (!restriction || !cycle) return true;
  let ok = true;
  if (restriction.path !== undefined) {
    const r = re(fill(restriction.path, groups));
    ok = only ? cycle.every((n) => r.test(n)) : cycle.some((n) => r.test(n));
  }
  if (restriction.pathNot !== undefined) {
    const r = re(fill(restriction.pathNot, groups));
    ok = only ? !cycle.some((n) => r.test(n)) : !cycle.every((n) => r.test(n));
  }
  if (restriction.dependencyTypes) {
    const types = restriction.dependencyTypes;
    ok &&= only ? cycleTypes.every((t) => intersects(t, types)) : cycleTypes.some((t) => intersects(t, types));
  }
  if (restriction.dependencyTypesNot) {
    const types = restriction.dependencyTypesNot;
    ok &&= only ? !cycleTypes.some((t) => intersects(t, types)) : !cycleTypes.every((t) => intersects(t, types));
  }
  return ok;
}

function ancestorOf(from: string, resolved: string): boolean {
  const dir = (p: string): string => p.split('/').slice(0, -1).join('/') + '/';
  const fromDir = dir(from);
  const toDir = dir(resolved);
  return fromDir.startsWith(toDir) && fromDir.length > toDir.length;
}

function matches(rule: DepcruiseRule, from: string, view: Seen, cycleTypes: string[][]): boolean {
  const groups = groupsOf(rule, from);
  const { to } = rule;
  if (rule.from.path !== undefined && !re(rule.from.path).test(from)) return false;
  if (rule.from.pathNot !== undefined && re(rule.from.pathNot).test(from)) return false;
  if (to.path !== undefined && !re(fill(to.path, groups)).test(view.resolved)) return false;
  if (to.pathNot !== undefined && re(fill(to.pathNot, groups)).test(view.resolved)) return false;
  if (to.dependencyTypes && !intersects(view.dependencyTypes, to.dependencyTypes)) return false;
  if (to.dependencyTypesNot && intersects(view.dependencyTypes, to.dependencyTypesNot)) return false;
  if (to.moreThanOneDependencyType !== undefined && to.moreThanOneDependencyType !== view.dependencyTypes.filter((t) => KIND_TYPES.has(t)).length > 1) return false;
  if (to.preCompilationOnly !== undefined && view.preCompilationOnly !== to.preCompilationOnly) return false;
  if (to.couldNotResolve !== undefined && view.couldNotResolve !== to.couldNotResolve) return false;
  if (to.circular !== undefined && (view.circular ?? false) !== to.circular) return false;
  if (to.dynamic !== undefined && view.dynamic !== to.dynamic) return false;
  // Podium sees no exotic requires: an exoticallyRequired: true rule never matches.
  if (to.exoticallyRequired !== undefined && to.exoticallyRequired !== false) return false;
  if (!matchesVia(to.via, view.cycle, groups, false, cycleTypes)) return false;
  if (!matchesVia(to.viaOnly, view.cycle, groups, true, cycleTypes)) return false;
  if (to.ancestor !== undefined) {
    if (view.coreModule || view.couldNotResolve) return false;
    if (ancestorOf(from, view.resolved) !== to.ancestor) return false;
  }
  return true;
}

const SEVERITY_ORDER: Record<DepcruiseSeverity, number> = { error: 1, warn: 2, info: 3 };

/**
 * What depcruise would report for the import `dep` of the file `from` (root-relative): one finding per
 * rule broken, errors first. `graph` (the root's import graph, with `dep` in it or not) is needed for
 * `circular` rules; without it no dependency is circular.
 */
export function depcruiseViolations(config: DepcruiseConfig, from: string, dep: Dependency, graph?: ImportGraph): DepcruiseFinding[] {
  if (!depcruiseReads(config, from)) return [];
  const view = seen(config, from, dep);
  if (!view) return [];
  let cycleTypes: string[][] = [];
  if (graph && dep.target.kind === 'file' && hasCycleRule(config)) {
    const filter = depcruiseEdgeFilter(config);
    const back = graph.pathBack(from, dep.target.path, filter);
    if (back) {
      view.circular = true;
      view.cycle = back;
      // Each step's types are those of the import into it, as depcruise lists a cycle.
      cycleTypes = back.map((file, i) => {
        if (i === 0) return view.dependencyTypes;
        const edge = graph.edges(back[i - 1]).find((d) => d.target.kind === 'file' && d.target.path === file);
        return (edge && seen(config, back[i - 1], edge)?.dependencyTypes) ?? [];
      });
    } else {
      view.circular = false;
    }
  }
  const findings: DepcruiseFinding[] = [];
  const finding = (rule: DepcruiseRule, severity: DepcruiseSeverity): DepcruiseFinding => {
    const f: DepcruiseFinding = { rule: rule.name, severity, file: rule.file, to: view.resolved };
    if (rule.comment !== undefined) f.comment = rule.comment;
    if (rule.line !== undefined) f.line = rule.line;
    // A finding is about a cycle when its rule is (as depcruise reports it: once per cycle).
    if (view.circular && view.cycle && rule.to.circular !== undefined) f.cycle = view.cycle;
    return f;
  };
  const dependencyRules = (rules: DepcruiseRule[]): DepcruiseRule[] => rules.filter((r) => r.from.orphan === undefined);
  const allowed = dependencyRules(config.allowed);
  if (allowed.length && !allowed.some((r) => matches(r, from, view, cycleTypes))) {
    const f: DepcruiseFinding = { rule: 'not-in-allowed', severity: config.allowedSeverity, file: config.file, to: view.resolved };
    if (view.circular && view.cycle && allowed[0].to.circular !== undefined) f.cycle = view.cycle;
    findings.push(f);
  }
  for (const rule of dependencyRules(config.forbidden)) if (matches(rule, from, view, cycleTypes)) findings.push(finding(rule, rule.severity));
  return findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}

/**
 * Module findings: `from.orphan` rules, for `file` in `graph` (a file that imports nothing depcruise
 * sees and that nothing imports).
 */
export function depcruiseModuleViolations(config: DepcruiseConfig, file: string, graph: ImportGraph): DepcruiseFinding[] {
  if (!depcruiseReads(config, file)) return [];
  const rules = config.forbidden.filter((r) => r.from.orphan !== undefined);
  if (!rules.length) return [];
  const filter = depcruiseEdgeFilter(config);
  const imports = graph.edges(file).some((d) => filter(file, d));
  const importedBy = graph.dependents(file).some((dependent) => graph.edges(dependent).some((d) => d.target.kind === 'file' && d.target.path === file && filter(dependent, d)));
  const orphan = !imports && !importedBy;
  const findings: DepcruiseFinding[] = [];
  for (const rule of rules) {
    if (rule.from.orphan !== orphan) continue;
    if (rule.from.path !== undefined && !re(rule.from.path).test(file)) continue;
    if (rule.from.pathNot !== undefined && re(rule.from.pathNot).test(file)) continue;
    const f: DepcruiseFinding = { rule: rule.name, severity: rule.severity, file: rule.file, to: file };
    if (rule.comment !== undefined) f.comment = rule.comment;
    if (rule.line !== undefined) f.line = rule.line;
    findings.push(f);
  }
  return findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}
