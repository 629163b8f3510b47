/**
 * What a Go import names, as the go command would find it:
 *
 * - under the module path of the nearest go.mod above the importing file → that package's folder
 *   (`{ kind: 'file', path, directory: true }`; a Go import names a folder, not a file);
 * - under a module that go.mod's `replace` points to a local folder, or a module of the go.work
 *   workspace above the file (`use ./other`) → the folder in that module;
 * - the standard library (an import path whose first element has no dot, as Go reserves them) →
 *   `core`, named by the full import path ('net/http');
 * - anything else → an external `package` named by its module path: the longest module go.mod
 *   `require`s that holds the import, else the path's repository root on the common hosts, else the
 *   import path itself; with `path` when the module's `vendor/` folder holds it.
 *
 * A path under a local module whose folder does not exist is 'unresolved'. A local replacement
 * outside the root is a `package` (the code is not the root's). dependency-cruiser has no Go; the
 * dependency types are 'local', 'core', 'external' and 'unknown'.
 */
import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { Dependency, ImportSite, Resolver, Target } from '../model';
import { parseModFile, type ModFile } from './modfile';

export interface GoResolver extends Resolver {
  /** Forgets every go.mod and go.work read (call it when one changes). */
  invalidate(): void;
}

/** Where the code of a module path lives, as far as this root is concerned. */
interface Mapping {
  prefix: string;
  /** Folder relative to the root, or undefined when it lies outside it. */
  dir?: string;
}

interface Context {
  mappings: Mapping[];
  requires: string[];
  /** The folder of the go.mod, for vendor/. */
  moduleDir?: string;
}

export function createGoResolver(root: string): GoResolver {
  const abs = (rel: string) => path.join(root, ...rel.split('/').filter(Boolean));
  const isDir = async (rel: string) => (await stat(abs(rel)).catch(() => undefined))?.isDirectory() ?? false;

  const files = new Map<string, Promise<ModFile | undefined>>();
  const read = (rel: string): Promise<ModFile | undefined> => {
    let parsed = files.get(rel);
    if (!parsed) {
      parsed = readFile(abs(rel), 'utf8').then(parseModFile, () => undefined);
      files.set(rel, parsed);
    }
    return parsed;
  };

  /** The nearest folder at or above `dir` holding `name`, with its parsed file. */
  const nearest = async (dir: string, name: string): Promise<{ dir: string; file: ModFile } | undefined> => {
    for (let d = dir; ; d = parent(d)) {
      const file = await read(join(d, name));
      if (file) return { dir: d, file };
      if (d === '') return undefined;
    }
  };

  const contexts = new Map<string, Promise<Context>>();
  const contextFor = (dir: string): Promise<Context> => {
    let context = contexts.get(dir);
    if (!context) {
      context = (async () => {
        const mappings: Mapping[] = [];
        const local = (base: string, to: string) => {
          const rel = join(base, to);
          return rel === '..' || rel.startsWith('../') || path.posix.isAbsolute(to) ? undefined : rel;
        };
        const mod = await nearest(dir, 'go.mod');
        const work = await nearest(dir, 'go.work');
        if (mod?.file.module) mappings.push({ prefix: mod.file.module, dir: mod.dir });
        for (const r of mod?.file.replaces ?? []) if (r.local) mappings.push({ prefix: r.from, dir: local(mod!.dir, r.to) });
        if (work) {
          for (const use of work.file.uses) {
            const folder = local(work.dir, use);
            const used = folder === undefined ? undefined : await read(join(folder, 'go.mod'));
            if (used?.module) mappings.push({ prefix: used.module, dir: folder });
          }
          for (const r of work.file.replaces) if (r.local) mappings.push({ prefix: r.from, dir: local(work.dir, r.to) });
        }
        return { mappings, requires: mod?.file.requires ?? [], moduleDir: mod?.dir };
      })();
      contexts.set(dir, context);
    }
    return context;
  };

  const target = async (fromPath: string, importPath: string): Promise<Target> => {
    const context = await contextFor(parent(fromPath));
    const mapping = longest(context.mappings, importPath);
    if (mapping) {
      if (mapping.dir === undefined) return { kind: 'package', name: mapping.prefix };
      const rest = importPath.slice(mapping.prefix.length + 1); // '' for the module's root package
      const dir = rest ? join(mapping.dir, rest) : mapping.dir;
      if (!await isDir(dir)) return { kind: 'unresolved' };
      return { kind: 'file', path: dir === '' ? '.' : dir, directory: true };
    }
    const first = importPath.split('/', 1)[0];
    if (!first.includes('.')) return { kind: 'core', name: importPath };
    const name = longest(context.requires.map((prefix) => ({ prefix })), importPath)?.prefix ?? repositoryRoot(importPath);
    if (context.moduleDir !== undefined) {
      const vendored = join(context.moduleDir, `vendor/${importPath}`);
      if (await isDir(vendored)) return { kind: 'package', name, path: vendored };
    }
    return { kind: 'package', name };
  };

  return {
    async resolve(fromPath: string, site: ImportSite): Promise<Dependency> {
      const t = await target(fromPath, site.specifier);
      return { ...site, target: t, dependencyTypes: [TYPES[t.kind]] };
    },
    invalidate() {
      files.clear();
      contexts.clear();
    },
  };
}

const TYPES: Record<Target['kind'], string> = { file: 'local', core: 'core', package: 'external', unresolved: 'unknown' };

function longest<T extends { prefix: string }>(candidates: T[], importPath: string): T | undefined {
  let best: T | undefined;
  for (const c of candidates) {
    const under = importPath === c.prefix || importPath.startsWith(`${c.prefix}/`);
    if (under && (!best || c.prefix.length > best.prefix.length)) best = c;
  }
  return best;
}

/** The module path of an import nothing in go.mod names: the repository on hosts whose layout is known. */
function repositoryRoot(importPath: string): string {
  const parts = importPath.split('/');
  const host = parts[0];
  const depth = host === 'github.com' || host === 'gitlab.com' || host === 'bitbucket.org' || (host === 'golang.org' && parts[1] === 'x') ? 3 : host === 'gopkg.in' ? 2 : parts.length;
  return parts.slice(0, depth).join('/');
}

function join(dir: string, name: string): string {
  return path.posix.normalize(dir === '' ? name : `${dir}/${name}`);
}

function parent(rel: string): string {
  const up = path.posix.dirname(rel);
  return up === '.' ? '' : up;
}
