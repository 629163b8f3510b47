/**
 * Resolving JavaScript and TypeScript imports the way the workspace resolves them, with well-kept
 * resolvers rather than a home-made one:
 *
 * - enhanced-resolve (webpack's resolver, the one dependency-cruiser uses) for files: extensions and
 *   index files, package.json `exports` and `imports` (`#internal`), `main`, node_modules, aliases;
 * - get-tsconfig for tsconfig.json (`extends` followed) and its `paths`/`baseUrl` matcher;
 * - resolve.exports for the `exports` map of a workspace package read by name;
 * - `yaml` for pnpm-workspace.yaml, picomatch for workspace globs.
 *
 * On top of them, what the workspace means and dependency-cruiser cannot see: a package of the
 * workspace (npm/yarn `workspaces`, `pnpm-workspace.yaml`) imported by name resolves to its SOURCE
 * before anything is installed or built. Its `exports`/`main`/`types` pointing into `dist/` (or `lib/`,
 * `build/`…) map back to `src/` when that source exists, else to the package folder's index.
 *
 * A `.js` written for a `.ts` file resolves to the `.ts` (as TypeScript allows); a TypeScript file
 * prefers `x.ts` over `x.js` when both exist, a JavaScript file the reverse.
 *
 * Caches: file system lookups are cached for a short while (a bulk graph build reads each folder
 * once, yet a file created a few seconds later is seen); tsconfig files, package manifests and the
 * workspace's package list are kept until `invalidate()`, which the caller calls when one changes.
 */
import { CachedInputFileSystem, ResolverFactory, type Resolver as EnhancedResolver } from 'enhanced-resolve';
import { getTsconfig, createPathsMatcher, parseTsconfig, type TsConfigResult } from 'get-tsconfig';
import * as fs from 'node:fs';
import { isBuiltin } from 'node:module';
import * as path from 'node:path';
import picomatch from 'picomatch';
import { exports as packageExports, imports as packageImports } from 'resolve.exports';
import { parse as parseYaml } from 'yaml';
import type { Dependency, ImportSite, Resolver, Target } from '../model';

export interface JsResolverOptions {
  /**
   * One tsconfig (path relative to the root) for every file, as dependency-cruiser's
   * `options.tsConfig.fileName` says. By default each file gets the nearest tsconfig.json above it
   * (inside the root), as `tsc` picks it.
   */
  tsconfig?: string;
  /** Aliases (webpack's `resolve.alias`): a prefix → a path (absolute, or relative to the root). */
  alias?: Record<string, string>;
  /** `exports`/`imports` conditions; default import, require, node, default. */
  conditionNames?: string[];
  /** package.json fields naming a package's entry in node_modules; default `main`. */
  mainFields?: string[];
  /** package.json fields holding export maps; default `exports` (dependency-cruiser's default is none). */
  exportsFields?: string[];
  /** How long file-system lookups are cached, in ms (default 4000, as dependency-cruiser). */
  cacheDurationMs?: number;
  /**
   * Type npm dependencies by every package.json from the importing file's folder up to the root,
   * merged (dependency-cruiser's `combinedDependencies`), not only the nearest.
   */
  combinedDependencies?: boolean;
}

/** A resolver for one root, reused across checks. */
export interface JsResolver extends Resolver {
  readonly root: string;
  /** `resolve`, without the promise (for building a graph of thousands of files). */
  resolveSync(fromPath: string, site: ImportSite): Dependency;
  /**
   * Forgets what is cached: everything (a tsconfig, a package.json or the workspace list changed),
   * or, given paths relative to the root, what is known of those files (created or deleted).
   */
  invalidate(paths?: readonly string[]): void;
  /** The workspace's own packages: name → folder (relative to the root). */
  workspacePackages(): ReadonlyMap<string, string>;
}

const TS_EXTENSIONS = ['.ts', '.tsx', '.d.ts', '.mts', '.d.mts', '.cts', '.d.cts', '.js', '.jsx', '.mjs', '.cjs', '.json'];
const JS_EXTENSIONS = ['.js', '.cjs', '.mjs', '.jsx', '.ts', '.tsx', '.d.ts', '.cts', '.d.cts', '.mts', '.d.mts', '.json'];
/** A `.js` written in an import may name the TypeScript file it is compiled from. */
const JS_TO_TS: Record<string, string[]> = {
  '.js': ['.ts', '.tsx', '.d.ts'],
  '.jsx': ['.ts', '.tsx', '.d.ts'],
  '.mjs': ['.mts', '.d.mts'],
  '.cjs': ['.cts', '.d.cts'],
};
/** Folders a build writes into: a package entry there has its source elsewhere. */
const BUILD_DIRS = new Set(['dist', 'lib', 'build', 'out', 'esm', 'cjs', 'umd', 'types', 'typings']);
/** Built-ins that exist only with their `node:` prefix; dependency-cruiser keeps the prefix on those. */
const PREFIX_ONLY_BUILTINS = new Set(['node:sea', 'node:sqlite', 'node:test', 'node:test/reporters']);

const TS_FILE = /\.[cm]?tsx?$/;

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

function isRelative(specifier: string): boolean {
  return specifier === '.' || specifier === '..' || specifier.startsWith('./') || specifier.startsWith('../');
}

/** The package a bare specifier names: 'lodash/fp' → 'lodash', '@scope/x/deep' → '@scope/x'. */
export function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The name of a Node built-in as dependency-cruiser reports it: 'node:fs' → 'fs', 'node:test' stays. */
function coreName(specifier: string): string {
  if (specifier.startsWith('node:') && !PREFIX_ONLY_BUILTINS.has(specifier)) return specifier.slice('node:'.length);
  return specifier;
}

/** dependency-cruiser's dependency types for how an import is written. */
function formTypes(site: ImportSite): string[] {
  switch (site.form) {
    case 'import':
    case 'export':
      return site.typeOnly ? ['type-only', site.form] : [site.form];
    case 'triple-slash-directive':
      return ['triple-slash-directive', site.reference === 'types' ? 'triple-slash-type-reference' : 'triple-slash-file-reference'];
    default:
      return [site.form];
  }
}

interface Manifest {
  name?: string;
  main?: string;
  module?: string;
  types?: string;
  typings?: string;
  exports?: unknown;
  imports?: Record<string, unknown>;
  workspaces?: string[] | { packages?: string[] };
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  bundledDependencies?: string[];
  bundleDependencies?: string[];
}

const NPM_FIELDS: [keyof Manifest, string][] = [
  ['dependencies', 'npm'],
  ['devDependencies', 'npm-dev'],
  ['optionalDependencies', 'npm-optional'],
  ['peerDependencies', 'npm-peer'],
];

/** How a resolution came about, for dependency-cruiser's `aliased-*` types. */
type Via = 'relative' | 'tsconfig-paths' | 'tsconfig-base-url' | 'subpath-import' | 'workspace' | 'webpack' | 'module';

export function createJsResolver(root: string, options: JsResolverOptions = {}): JsResolver {
  const absRoot = path.resolve(root);
  const cachedFs = new CachedInputFileSystem(fs, options.cacheDurationMs ?? 4000);
  const alias = Object.fromEntries(
    Object.entries(options.alias ?? {}).map(([k, v]) => [k, path.isAbsolute(v) ? v : path.join(absRoot, v)]),
  );
  const common = {
    fileSystem: cachedFs,
    useSyncFileSystemCalls: true as const,
    conditionNames: options.conditionNames ?? ['import', 'require', 'node', 'default'],
    exportsFields: options.exportsFields ?? ['exports'],
    importsFields: ['imports'],
    mainFields: options.mainFields ?? ['main'],
    mainFiles: ['index'],
    // As TypeScript (and depcruise) find a package's types when it has no code: `vscode` is @types/vscode.
    modules: ['node_modules', 'node_modules/@types'],
    symlinks: true,
  };
  const tsResolver = ResolverFactory.createResolver({ ...common, extensions: TS_EXTENSIONS });
  const jsResolver = ResolverFactory.createResolver({ ...common, extensions: JS_EXTENSIONS });
  const tsAliasResolver = Object.keys(alias).length ? ResolverFactory.createResolver({ ...common, extensions: TS_EXTENSIONS, alias }) : undefined;
  const jsAliasResolver = Object.keys(alias).length ? ResolverFactory.createResolver({ ...common, extensions: JS_EXTENSIONS, alias }) : undefined;

  let tsconfigCache = new Map<string, unknown>();
  let tsconfigByDir = new Map<string, { config: TsConfigResult; matcher: ((s: string) => string[]) | null } | null>();
  let manifests = new Map<string, Manifest | null>();
  let nearestManifestByDir = new Map<string, Manifest | null>();
  let workspaces: Map<string, string> | undefined;

  function tryResolve(resolver: EnhancedResolver, dir: string, request: string): string | undefined {
    try {
      const result = resolver.resolveSync({}, dir, request);
      return result === false ? undefined : result;
    } catch {
      return undefined;
    }
  }

  /** A file path or a request relative to `dir`, with the `.js`-for-`.ts` rule. */
  function resolveFileLike(dir: string, request: string, tsFirst: boolean, resolvers = { ts: tsResolver, js: jsResolver }): string | undefined {
    const resolver = tsFirst ? resolvers.ts : resolvers.js;
    const ext = path.posix.extname(request);
    const tsVariants = JS_TO_TS[ext];
    if (tsVariants) {
      const stem = request.slice(0, -ext.length);
      const asTs = (): string | undefined => {
        for (const tsExt of tsVariants) {
          const found = tryResolve(resolver, dir, stem + tsExt);
          if (found) return found;
        }
        return undefined;
      };
      if (tsFirst) return asTs() ?? tryResolve(resolver, dir, request);
      return tryResolve(resolver, dir, request) ?? asTs();
    }
    return tryResolve(resolver, dir, request);
  }

  function readManifest(dir: string): Manifest | null {
    if (manifests.has(dir)) return manifests.get(dir) ?? null;
    let manifest: Manifest | null;
    try {
      manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;
    } catch {
      manifest = null;
    }
    manifests.set(dir, manifest);
    return manifest;
  }

  /** The package.json nearest above `dir`, as dependency-cruiser finds it to type npm dependencies. */
  function nearestManifest(dir: string): Manifest | null {
    if (nearestManifestByDir.has(dir)) return nearestManifestByDir.get(dir) ?? null;
    const own = fs.existsSync(path.join(dir, 'package.json')) ? readManifest(dir) : undefined;
    const parent = path.dirname(dir);
    const found = own !== undefined ? own : parent === dir ? null : nearestManifest(parent);
    nearestManifestByDir.set(dir, found);
    return found;
  }

  function tsconfigFor(dir: string): { config: TsConfigResult; matcher: ((s: string) => string[]) | null } | null {
    if (tsconfigByDir.has(dir)) return tsconfigByDir.get(dir) ?? null;
    let entry: { config: TsConfigResult; matcher: ((s: string) => string[]) | null } | null = null;
    try {
      const named = options.tsconfig ? path.resolve(absRoot, options.tsconfig) : undefined;
      const config = named
        ? { path: named, config: parseTsconfig(named, tsconfigCache as Map<string, string>) }
        : (getTsconfig(dir, 'tsconfig.json', tsconfigCache) ?? getTsconfig(dir, 'jsconfig.json', tsconfigCache));
      // A tsconfig above the root belongs to something else.
      if (config && (config.path === absRoot || config.path.startsWith(absRoot + path.sep))) {
        entry = { config, matcher: createPathsMatcher(config) };
      }
    } catch {
      entry = null;
    }
    tsconfigByDir.set(dir, entry);
    return entry;
  }

  function loadWorkspaces(): Map<string, string> {
    if (workspaces) return workspaces;
    const patterns: string[] = [];
    const rootManifest = readManifest(absRoot);
    const declared = rootManifest?.workspaces;
    if (Array.isArray(declared)) patterns.push(...declared);
    else if (declared && Array.isArray(declared.packages)) patterns.push(...declared.packages);
    try {
      const pnpm = parseYaml(fs.readFileSync(path.join(absRoot, 'pnpm-workspace.yaml'), 'utf8')) as { packages?: unknown } | null;
      if (pnpm && Array.isArray(pnpm.packages)) patterns.push(...pnpm.packages.filter((p): p is string => typeof p === 'string'));
    } catch {
      // no pnpm workspace
    }
    const found = new Map<string, string>();
    const negative = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1).replace(/^\.\//, '').replace(/\/$/, ''));
    const excluded = negative.length ? picomatch(negative) : () => false;
    for (const raw of patterns) {
      if (raw.startsWith('!')) continue;
      const pattern = raw.replace(/^\.\//, '').replace(/\/$/, '');
      const isMatch = picomatch(pattern);
      const scan = picomatch.scan(pattern);
      const base = scan.isGlob ? scan.base : pattern;
      const maxDepth = pattern.includes('**') ? 8 : pattern.split('/').length - (base ? base.split('/').length : 0);
      const visit = (rel: string, depth: number): void => {
        if (rel && isMatch(rel) && !excluded(rel)) {
          const manifest = readManifest(path.join(absRoot, rel));
          if (manifest?.name && !found.has(manifest.name)) found.set(manifest.name, rel);
        }
        if (depth >= maxDepth) return;
        let entries: fs.Dirent[];
        try {
          entries = fs.readdirSync(path.join(absRoot, rel), { withFileTypes: true });
        } catch {
          return;
        }
        for (const e of entries) {
          if (!e.isDirectory() || e.name === 'node_modules' || e.name.startsWith('.')) continue;
          visit(rel ? `${rel}/${e.name}` : e.name, depth + 1);
        }
      };
      if (scan.isGlob) visit(base, 0);
      else visit(pattern, maxDepth);
    }
    workspaces = found;
    return found;
  }

  /** Candidate source paths (relative to the package, no extension) for a built entry such as `./dist/esm/index.js`. */
  function sourceCandidates(pkgDir: string, entry: string): string[] {
    const rel = entry.replace(/^\.\//, '');
    const stem = rel.replace(/\.d\.[cm]?ts$/, '').replace(/\.[cm]?[jt]sx?$/, '');
    const parts = stem.split('/');
    const out: string[] = [];
    const pkgTsconfig = tsconfigFor(pkgDir);
    const outDir = pkgTsconfig?.config.config.compilerOptions?.outDir;
    const rootDir = pkgTsconfig?.config.config.compilerOptions?.rootDir;
    if (outDir && rootDir) {
      const from = toPosix(path.relative(pkgDir, path.resolve(path.dirname(pkgTsconfig.config.path), outDir)));
      const to = toPosix(path.relative(pkgDir, path.resolve(path.dirname(pkgTsconfig.config.path), rootDir)));
      if (stem.startsWith(from + '/')) out.push(path.posix.join(to, stem.slice(from.length + 1)));
    }
    let strip = 0;
    while (strip < parts.length - 1 && BUILD_DIRS.has(parts[strip])) strip++;
    if (strip > 0) {
      out.push(['src', ...parts.slice(strip)].join('/'));
      if (strip > 1) out.push(['src', ...parts.slice(1)].join('/'));
    }
    return out;
  }

  /** The file a workspace package's name (plus `subpath`) means; its folder when it has no file to show. */
  function resolveWorkspacePackage(pkgRel: string, subpath: string, tsFirst: boolean): string {
    const pkgDir = path.join(absRoot, pkgRel);
    const manifest = readManifest(pkgDir) ?? {};
    const entries: string[] = [];
    if (manifest.exports !== undefined) {
      const conditions = [tsFirst ? 'types' : 'default', 'import', 'require', 'node', 'default', 'source'];
      try {
        entries.push(...(packageExports(manifest as Parameters<typeof packageExports>[0], '.' + subpath, { conditions, unsafe: true }) ?? []));
      } catch {
        // not exported under that subpath: fall through to the path itself
      }
    }
    if (subpath) entries.push('.' + subpath);
    else entries.push(...[manifest.types, manifest.typings, manifest.module, manifest.main].filter((e): e is string => typeof e === 'string'));
    for (const entry of entries) {
      for (const candidate of sourceCandidates(pkgDir, entry)) {
        const found = resolveFileLike(pkgDir, './' + candidate, tsFirst);
        if (found) return found;
      }
    }
    for (const entry of entries) {
      const firstDir = entry.replace(/^\.\//, '').split('/')[0];
      if (BUILD_DIRS.has(firstDir) && entry.includes('/')) continue;
      const found = resolveFileLike(pkgDir, './' + entry.replace(/^\.\//, ''), tsFirst);
      if (found) return found;
    }
    return resolveFileLike(pkgDir, './index', tsFirst) ?? resolveFileLike(pkgDir, './src/index', tsFirst) ?? pkgDir;
  }

  /** The package.json files from `dir` up to the root merged, the nearer one winning (combinedDependencies). */
  function combinedManifest(dir: string): Manifest | null {
    const chain: Manifest[] = [];
    for (let at = dir; ; at = path.dirname(at)) {
      const m = fs.existsSync(path.join(at, 'package.json')) ? readManifest(at) : null;
      if (m) chain.push(m);
      if (at === absRoot || path.dirname(at) === at || !at.startsWith(absRoot)) break;
    }
    if (!chain.length) return null;
    const merged: Manifest = {};
    for (const m of chain.reverse()) {
      for (const [field] of NPM_FIELDS) {
        const deps = m[field] as Record<string, string> | undefined;
        if (deps) (merged as Record<string, unknown>)[field] = { ...((merged[field] as Record<string, string> | undefined) ?? {}), ...deps };
      }
      const bundled = m.bundledDependencies ?? m.bundleDependencies;
      if (Array.isArray(bundled)) merged.bundledDependencies = [...new Set([...bundled, ...(merged.bundledDependencies ?? [])])];
    }
    return merged;
  }

  function npmTypes(fromDir: string, name: string): string[] {
    const manifest = options.combinedDependencies ? combinedManifest(fromDir) : nearestManifest(fromDir);
    if (!manifest) return ['npm-unknown'];
    const find = (n: string): string[] =>
      NPM_FIELDS.filter(([field]) => Object.hasOwn((manifest[field] as Record<string, string> | undefined) ?? {}, n)).map(([, type]) => type);
    let types = find(name);
    if (types.length === 0) types = find(`@types/${name}`);
    if (types.length === 0) types = ['npm-no-pkg'];
    const bundled = manifest.bundledDependencies ?? manifest.bundleDependencies;
    if (Array.isArray(bundled) && bundled.includes(name)) types.push('npm-bundled');
    return types;
  }

  function relativeToRoot(abs: string): string {
    return toPosix(path.relative(absRoot, abs));
  }

  function resolved(site: ImportSite, target: Target, types: string[]): Dependency {
    return { ...site, target, dependencyTypes: types };
  }

  function fileOrPackage(site: ImportSite, fromDir: string, abs: string, via: Via, specifier: string): Dependency {
    const rel = relativeToRoot(abs);
    const aliasTypes: Record<Via, string[]> = {
      relative: [],
      module: [],
      'tsconfig-paths': ['aliased', 'aliased-tsconfig', 'aliased-tsconfig-paths'],
      'tsconfig-base-url': ['aliased', 'aliased-tsconfig', 'aliased-tsconfig-base-url'],
      'subpath-import': ['aliased', 'aliased-subpath-import'],
      workspace: ['aliased', 'aliased-workspace'],
      webpack: ['aliased', 'aliased-webpack'],
    };
    const inModules = rel.split('/').includes('node_modules');
    if (inModules) {
      const name = packageNameOf(specifier);
      return resolved(site, { kind: 'package', name, path: rel }, [...aliasTypes[via], ...npmTypes(fromDir, name), ...formTypes(site)]);
    }
    // Only a workspace package with no file to show resolves to its folder.
    const isDirectory = via === 'workspace' && !path.extname(abs) && fs.statSync(abs, { throwIfNoEntry: false })?.isDirectory() === true;
    const target: Target = isDirectory ? { kind: 'file', path: rel, directory: true } : { kind: 'file', path: rel };
    return resolved(site, target, [...aliasTypes[via], via === 'module' ? 'localmodule' : 'local', ...formTypes(site)]);
  }

  function resolveSync(fromPath: string, site: ImportSite): Dependency {
    const fromAbs = path.join(absRoot, fromPath);
    const fromDir = path.dirname(fromAbs);
    const tsFirst = TS_FILE.test(fromPath);
    // webpack loaders (`style-loader!./x.css`) and queries (`./x?raw`) are not part of the file.
    const specifier = (site.specifier.split('!').pop() ?? '').replace(/\?.*$/, '');
    const unresolved = (): Dependency => resolved(site, { kind: 'unresolved' }, ['unknown']);
    if (!specifier) return unresolved();

    if (site.form === 'triple-slash-directive') {
      if (site.reference === 'types') {
        const found = tryResolve(tsResolver, fromDir, `@types/${specifier}`) ?? tryResolve(tsResolver, fromDir, specifier);
        return found ? fileOrPackage(site, fromDir, found, 'relative', specifier) : resolved(site, { kind: 'package', name: packageNameOf(specifier) }, ['unknown']);
      }
      // `path=` is always relative to the file, with or without `./`.
      const request = isRelative(specifier) || path.isAbsolute(specifier) ? specifier : `./${specifier}`;
      const found = resolveFileLike(fromDir, request, true);
      return found ? fileOrPackage(site, fromDir, found, 'relative', specifier) : unresolved();
    }

    if (isBuiltin(specifier) || specifier.startsWith('bun:')) {
      return resolved(site, { kind: 'core', name: coreName(specifier) }, [...aliasTypesByName(specifier, fromDir), 'core', ...formTypes(site)]);
    }

    if (isRelative(specifier) || path.isAbsolute(specifier)) {
      const found = resolveFileLike(fromDir, specifier, tsFirst);
      return found ? fileOrPackage(site, fromDir, found, 'relative', specifier) : unresolved();
    }

    if (specifier.startsWith('#')) {
      const found = tryResolve(tsFirst ? tsResolver : jsResolver, fromDir, specifier) ?? subpathImportSource(fromDir, specifier, tsFirst);
      if (found) return fileOrPackage(site, fromDir, mapJsToTs(found, tsFirst), 'subpath-import', specifier);
      return unresolved();
    }

    if (tsAliasResolver && jsAliasResolver && Object.keys(alias).some((key) => specifier === key.replace(/\$$/, '') || specifier.startsWith(key.endsWith('/') ? key : `${key}/`))) {
      const found = resolveFileLike(fromDir, specifier, tsFirst, { ts: tsAliasResolver, js: jsAliasResolver });
      if (found) return fileOrPackage(site, fromDir, found, 'webpack', specifier);
    }

    const tsconfig = tsconfigFor(fromDir);
    if (tsconfig?.matcher) {
      const paths = tsconfig.config.config.compilerOptions?.paths ?? {};
      const viaPaths = Object.keys(paths).some((key) => new RegExp(`^${escapeRegExp(key).replace('\\*', '.+')}$`).test(specifier));
      for (const candidate of tsconfig.matcher(specifier)) {
        const found = resolveFileLike(path.dirname(candidate), './' + path.basename(candidate), tsFirst);
        if (found && !relativeToRoot(found).split('/').includes('node_modules')) {
          return fileOrPackage(site, fromDir, found, viaPaths ? 'tsconfig-paths' : 'tsconfig-base-url', specifier);
        }
      }
    }

    const name = packageNameOf(specifier);
    const workspace = loadWorkspaces().get(name);
    if (workspace !== undefined) {
      const found = resolveWorkspacePackage(workspace, specifier.slice(name.length), tsFirst);
      return fileOrPackage(site, fromDir, found, 'workspace', specifier);
    }

    const found = tryResolve(tsFirst ? tsResolver : jsResolver, fromDir, specifier);
    if (found) return fileOrPackage(site, fromDir, found, 'module', specifier);
    return resolved(site, { kind: 'package', name }, ['unknown']);
  }

  /**
   * `#x` whose `imports` target names the compiled `.js` of a `.ts` source that has not been built (as
   * TypeScript reads it): the target, with the `.js`-for-`.ts` rule, in the package that declares it.
   */
  function subpathImportSource(fromDir: string, specifier: string, tsFirst: boolean): string | undefined {
    let dir = fromDir;
    while (!fs.existsSync(path.join(dir, 'package.json'))) {
      const parent = path.dirname(dir);
      if (parent === dir) return undefined;
      dir = parent;
    }
    const manifest = readManifest(dir);
    if (!manifest?.imports) return undefined;
    let candidates: string[];
    try {
      candidates = packageImports(manifest as Parameters<typeof packageImports>[0], specifier, { conditions: [...common.conditionNames], unsafe: true }) ?? [];
    } catch {
      return undefined;
    }
    for (const candidate of candidates) {
      if (!candidate.startsWith('./')) continue;
      const found = resolveFileLike(dir, candidate, tsFirst);
      if (found) return found;
    }
    return undefined;
  }

  /** An `imports` target written as `./src/x.js` for a `./src/x.ts` source. */
  function mapJsToTs(found: string, tsFirst: boolean): string {
    if (!tsFirst) return found;
    const ext = path.extname(found);
    const variants = JS_TO_TS[ext];
    if (!variants) return found;
    for (const v of variants) {
      const candidate = found.slice(0, -ext.length) + v;
      if (fs.existsSync(candidate)) return candidate;
    }
    return found;
  }

  /**
   * The `aliased-*` types dependency-cruiser gives a name even when it resolves to a built-in (its
   * checks look at the name: a tsconfig `paths` key such as `*` matches `fs` too).
   */
  function aliasTypesByName(specifier: string, fromDir: string): string[] {
    if (Object.keys(alias).some((key) => specifier.startsWith(key))) return ['aliased', 'aliased-webpack'];
    const paths = tsconfigFor(fromDir)?.config.config.compilerOptions?.paths ?? {};
    if (Object.keys(paths).some((key) => new RegExp(`^${escapeRegExp(key).replace('\\*', '.+')}$`).test(specifier))) {
      return ['aliased', 'aliased-tsconfig', 'aliased-tsconfig-paths'];
    }
    return [];
  }

  return {
    root: absRoot,
    resolveSync,
    async resolve(fromPath: string, site: ImportSite): Promise<Dependency> {
      return resolveSync(fromPath, site);
    },
    invalidate(paths?: readonly string[]): void {
      if (paths) {
        const abs = paths.flatMap((p) => {
          const file = path.join(absRoot, p);
          return [file, path.dirname(file)];
        });
        cachedFs.purge(abs);
        if (!paths.some((p) => /(^|\/)(package\.json|tsconfig[^/]*\.json|jsconfig\.json|pnpm-workspace\.yaml)$/.test(p))) return;
      } else {
        cachedFs.purge();
      }
      tsconfigCache = new Map();
      tsconfigByDir = new Map();
      manifests = new Map();
      nearestManifestByDir = new Map();
      workspaces = undefined;
    },
    workspacePackages(): ReadonlyMap<string, string> {
      return loadWorkspaces();
    },
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
