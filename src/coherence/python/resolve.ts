/**
 * What a Python import names, the way Python's import system would find it when the project runs
 * from its own folder (or is installed from it):
 *
 * - a relative import (`from . import x`, `from ..pkg.mod import y`) against the importing file's
 *   package folder: one dot is the file's folder, each further dot one folder up;
 * - an absolute one first among the project's own modules: `a/b.py`, the package `a/b/__init__.py`,
 *   or the namespace package `a/b/` (a folder without `__init__.py`), looked up from each Python project
 *   folder above the file (one holding pyproject.toml, setup.cfg or setup.py, nearest first, then the
 *   root) and from its `src/` layout and the folders its pyproject.toml or setup.cfg name
 *   (setuptools `package-dir` and `packages.find.where`, Poetry `packages.from`, Hatch wheel
 *   `packages`);
 * - then the standard library (`core`), then anything else: an external `package` by its top name.
 *
 * As in Python, a regular module or package of the project shadows the standard library, and a
 * namespace folder does not. dependency-cruiser has no Python, so the dependency types are 'local',
 * 'core', 'external' and 'unknown' (a relative import, or one into the project's own package, that
 * names nothing there), plus 'type-only' for an import under `if TYPE_CHECKING:`.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { Dependency, ImportSite, Resolver, Target } from '../model';
import { PYTHON_STDLIB } from './stdlib';

export interface PythonResolver extends Resolver {
  resolveAll(fromPath: string, site: ImportSite): Promise<Dependency[]>;
  /** Forgets what was read of pyproject.toml / setup.cfg and which `src/` folders exist. */
  invalidate(): void;
}

/** A module found in the tree: a `.py` file, a package's `__init__.py`, or a namespace folder. */
interface Found {
  path: string;
  namespace: boolean;
  /** The folder submodules are looked up in (a package's or namespace's own folder). */
  packageDir?: string;
}

const PROJECT_FILES = ['pyproject.toml', 'setup.cfg', 'setup.py'];

/** A resolver for the Python files under `root` (an absolute folder; paths are relative to it). */
export function createPythonResolver(root: string): PythonResolver {
  const abs = (rel: string) => path.join(root, ...rel.split('/'));
  const kind = async (rel: string): Promise<'file' | 'dir' | undefined> => {
    try {
      const s = await stat(abs(rel));
      return s.isDirectory() ? 'dir' : s.isFile() ? 'file' : undefined;
    } catch {
      return undefined;
    }
  };

  /** Python's own order inside one folder: a package, then a module file, then a namespace folder. */
  const findIn = async (base: string, parts: string[]): Promise<Found | undefined> => {
    let found: Found | undefined;
    let dir = base;
    for (const [i, part] of parts.entries()) {
      const here = join(dir, part);
      const last = i === parts.length - 1;
      if (await kind(join(here, '__init__.py')) === 'file') {
        found = { path: join(here, '__init__.py'), namespace: false, packageDir: here };
      } else if (await kind(`${here}.py`) === 'file') {
        if (!last) return undefined; // a module has no submodules
        found = { path: `${here}.py`, namespace: false };
      } else if (await kind(here) === 'dir') {
        found = { path: here, namespace: true, packageDir: here };
      } else {
        return undefined;
      }
      dir = here;
    }
    return found;
  };

  const searchRoots = new Map<string, Promise<string[]>>();
  /** The folders absolute imports are looked up from, for a file in `dir`: nearest project first. */
  const rootsFor = (dir: string): Promise<string[]> => {
    let roots = searchRoots.get(dir);
    if (!roots) {
      roots = (async () => {
        const own = (await Promise.all(PROJECT_FILES.map((f) => kind(join(dir, f))))).some((k) => k === 'file');
        const here = dir === '' || own ? await projectRoots(dir) : [];
        const above = dir === '' ? [] : await rootsFor(parent(dir));
        return [...new Set([...here, ...above])];
      })();
      searchRoots.set(dir, roots);
    }
    return roots;
  };

  const projectRoots = async (dir: string): Promise<string[]> => {
    const roots = [dir];
    if (await kind(join(dir, 'src')) === 'dir') roots.push(join(dir, 'src'));
    for (const folder of await configuredFolders(dir)) {
      const rel = join(dir, folder);
      if (!rel.startsWith('..') && await kind(rel) === 'dir') roots.push(rel);
    }
    return roots;
  };

  const configuredFolders = async (dir: string): Promise<string[]> => {
    const folders: string[] = [];
    const pyproject = await readFile(abs(join(dir, 'pyproject.toml')), 'utf8').catch(() => undefined);
    if (pyproject !== undefined) folders.push(...await pyprojectFolders(pyproject));
    const setupCfg = await readFile(abs(join(dir, 'setup.cfg')), 'utf8').catch(() => undefined);
    if (setupCfg !== undefined) folders.push(...setupCfgFolders(setupCfg));
    return folders;
  };

  const absolute = async (fromDir: string, parts: string[]): Promise<Found | Target> => {
    const roots = await rootsFor(fromDir);
    let namespaceTop = false;
    for (const r of roots) {
      const top = await findIn(r, parts.slice(0, 1));
      if (!top) continue;
      if (!top.namespace) return (await findIn(r, parts)) ?? { kind: 'unresolved' };
      namespaceTop = true;
    }
    if (PYTHON_STDLIB.has(parts[0])) return { kind: 'core', name: parts[0] };
    if (namespaceTop) {
      // A namespace folder only counts where it leads to Python code: a folder of the same name as a
      // package installed elsewhere (docs, fixtures) would lose to that package in Python.
      for (const r of roots) {
        const found = await findIn(r, parts);
        if (found && (!found.namespace || parts.length > 1 || await holdsPython(found.path))) return found;
      }
    }
    return { kind: 'package', name: parts[0] };
  };

  const holdsPython = async (dir: string): Promise<boolean> => {
    const entries = await readdir(abs(dir)).catch(() => [] as string[]);
    return entries.some((e) => e.endsWith('.py'));
  };

  /** The module a site names (before any `from … import` names are taken as submodules). */
  const moduleOf = async (fromPath: string, site: ImportSite): Promise<Found | Target> => {
    const fromDir = parent(fromPath);
    const spec = site.specifier;
    let level = 0;
    while (spec[level] === '.') level++;
    const parts = spec.slice(level).split('.').filter(Boolean);
    if (level === 0) return parts.length ? absolute(fromDir, parts) : { kind: 'unresolved' };
    let base = fromDir;
    for (let up = 1; up < level; up++) {
      if (base === '') return { kind: 'unresolved' }; // climbs out of the root
      base = parent(base);
    }
    if (!parts.length) {
      const init = join(base, '__init__.py');
      return await kind(init) === 'file'
        ? { path: init, namespace: false, packageDir: base }
        : { path: base, namespace: true, packageDir: base };
    }
    return (await findIn(base, parts)) ?? { kind: 'unresolved' };
  };

  const resolveAll = async (fromPath: string, site: ImportSite): Promise<Dependency[]> => {
    const module = await moduleOf(fromPath, site);
    if (!isFound(module)) return [dependency(site, module)];
    const names = site.form === 'python-from' ? site.names ?? [] : [];
    if (!module.packageDir || names.includes('*')) return [dependency(site, fileTarget(module))];
    // `from pkg import a, b`: a name that is a submodule of pkg is an import of that module's file.
    const own: string[] = [];
    const deps: Dependency[] = [];
    let ownAt = -1;
    for (const name of names) {
      const sub = await findIn(module.packageDir, name.split('.'));
      if (sub) deps.push(dependency({ ...site, names: [name] }, fileTarget(sub)));
      else {
        if (ownAt < 0) ownAt = deps.length;
        own.push(name);
      }
    }
    if (own.length || !deps.length) {
      deps.splice(Math.max(ownAt, 0), 0, dependency(names.length ? { ...site, names: own } : site, fileTarget(module)));
    }
    return deps;
  };

  return {
    resolveAll,
    async resolve(fromPath, site) {
      return (await resolveAll(fromPath, site))[0];
    },
    invalidate() {
      searchRoots.clear();
    },
  };
}

function isFound(m: Found | Target): m is Found {
  return 'namespace' in m;
}

function fileTarget(found: Found): Target {
  return found.namespace ? { kind: 'file', path: found.path, directory: true } : { kind: 'file', path: found.path };
}

const TYPES: Record<Target['kind'], string> = { file: 'local', core: 'core', package: 'external', unresolved: 'unknown' };

function dependency(site: ImportSite, target: Target): Dependency {
  // 'type-only' as dependency-cruiser marks a TypeScript `import type`: here, under `if TYPE_CHECKING:`.
  return { ...site, target, dependencyTypes: site.typeOnly ? [TYPES[target.kind], 'type-only'] : [TYPES[target.kind]] };
}

/** '/'-separated relative paths; '' is the root. */
function join(dir: string, name: string): string {
  return path.posix.normalize(dir === '' ? name : `${dir}/${name}`);
}

function parent(rel: string): string {
  const up = path.posix.dirname(rel);
  return up === '.' ? '' : up;
}

type Table = Record<string, unknown>;
const table = (v: unknown): Table => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Table) : {});
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : typeof v === 'string' ? [v] : []);

/**
 * The folders a pyproject.toml puts packages in. A file that is not valid TOML names none (the
 * project's own tools will say what is wrong with it; imports still resolve from the folder and src/).
 */
export async function pyprojectFolders(text: string): Promise<string[]> {
  // smol-toml ships as an ES module (TypeScript will not let this CommonJS file `require` it), and is
  // only needed once a pyproject.toml is met.
  const { parse } = await import('smol-toml');
  let doc: Table;
  try {
    doc = parse(text) as Table;
  } catch {
    return [];
  }
  const tool = table(doc.tool);
  const setuptools = table(tool.setuptools);
  const folders: string[] = [];
  // setuptools: package-dir = { "" = "lib" } maps the root package; packages.find.where lists folders.
  const packageDir = table(setuptools['package-dir']);
  folders.push(...strings(packageDir['']));
  folders.push(...strings(table(table(setuptools.packages).find).where));
  // Poetry: packages = [{ include = "pkg", from = "lib" }].
  for (const entry of Array.isArray(table(tool.poetry).packages) ? (table(tool.poetry).packages as unknown[]) : []) {
    folders.push(...strings(table(entry).from));
  }
  // Hatch: [tool.hatch.build.targets.wheel] packages = ["lib/pkg"]: the package's parent folder.
  const wheel = table(table(table(table(tool.hatch).build).targets).wheel);
  for (const pkg of strings(wheel.packages)) folders.push(path.posix.dirname(pkg));
  return [...new Set(folders.map((f) => path.posix.normalize(f)).filter((f) => f !== '.'))];
}

/**
 * The folders a setup.cfg puts packages in: `[options] package_dir` (its root entry, `=lib`) and
 * `[options.packages.find] where`. setup.cfg is read by Python's configparser, whose format (values
 * continued on indented lines) no npm INI reader follows, so the two keys are read here.
 */
export function setupCfgFolders(text: string): string[] {
  const values = new Map<string, string>();
  let section = '';
  let key = '';
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    if (line[0] === ' ' || line[0] === '\t') {
      if (key) values.set(key, `${values.get(key) ?? ''}\n${trimmed}`);
      continue;
    }
    if (trimmed.startsWith('[') && trimmed.endsWith(']')) {
      section = trimmed.slice(1, -1).trim();
      key = '';
      continue;
    }
    const eq = [trimmed.indexOf('='), trimmed.indexOf(':')].filter((i) => i > 0).reduce((a, b) => Math.min(a, b), Infinity);
    if (eq === Infinity) continue;
    key = `${section}\0${trimmed.slice(0, eq).trim()}`;
    values.set(key, trimmed.slice(eq + 1).trim());
  }
  const folders: string[] = [];
  for (const entry of (values.get('options\0package_dir') ?? '').split('\n')) {
    const eq = entry.indexOf('=');
    if (eq >= 0 && entry.slice(0, eq).trim() === '') folders.push(entry.slice(eq + 1).trim());
  }
  for (const where of (values.get('options.packages.find\0where') ?? '').split('\n')) {
    if (where.trim()) folders.push(where.trim());
  }
  return [...new Set(folders.filter(Boolean).map((f) => path.posix.normalize(f)).filter((f) => f !== '.'))];
}
