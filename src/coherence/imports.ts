/**
 * Reading imports in every language Podium knows, for one root (a repository or a task's worktree):
 * each file goes to the parser for its extension, each import to the resolver for its language. A
 * resolver is made once per root and language and kept (they cache what they read of the root's
 * configuration: go.mod, pyproject.toml, tsconfig.json…).
 */
import * as path from 'node:path';
import type { ImportReader } from './check';
import { extractGoImports } from './go/extract';
import { createGoResolver } from './go/resolve';
import { createJsResolver, extractJsImports, isJsPath } from './js';
import type { Dependency, Extraction, ImportSite, Language, Resolver } from './model';
import { extractPythonImports } from './python/extract';
import { createPythonResolver } from './python/resolve';

const BY_EXTENSION: Record<string, Language> = {
  '.py': 'python',
  '.pyi': 'python',
  '.go': 'go',
};

/** The language Podium reads a file as, by its extension; undefined for any other file. */
export function languageOf(file: string): Language | undefined {
  if (isJsPath(file)) return /\.[cm]?tsx?$/i.test(file) ? 'ts' : 'js';
  return BY_EXTENSION[path.posix.extname(file).toLowerCase()];
}

export interface RootImportReader extends ImportReader {
  /** Forgets what the resolvers read of the root's configuration (it changed). */
  invalidate(): void;
}

export function createImportReader(root: string): RootImportReader {
  const resolvers = new Map<Language, Resolver & { invalidate?(): void }>();
  const resolverFor = (language: Language): Resolver | undefined => {
    let r = resolvers.get(language);
    if (!r) {
      if (language === 'python') r = createPythonResolver(root);
      else if (language === 'go') r = createGoResolver(root);
      else r = createJsResolver(root);
      resolvers.set(language, r);
    }
    return r;
  };
  return {
    async extract(file: string, text: string): Promise<Extraction | undefined> {
      switch (languageOf(file)) {
        case 'js':
        case 'ts':
          return extractJsImports(file, text);
        case 'python':
          return extractPythonImports(file, text);
        case 'go':
          return extractGoImports(file, text);
        default:
          return undefined;
      }
    },
    async resolve(from: string, site: ImportSite): Promise<Dependency[]> {
      const language = languageOf(from);
      // JavaScript and TypeScript share one resolver (a .ts file may import a .js one and the reverse).
      const resolver = language ? resolverFor(language === 'ts' ? 'js' : language) : undefined;
      if (!resolver) return [{ ...site, target: { kind: 'unresolved' }, dependencyTypes: ['unknown'] }];
      return resolver.resolveAll ? resolver.resolveAll(from, site) : [await resolver.resolve(from, site)];
    },
    invalidate(): void {
      for (const r of resolvers.values()) r.invalidate?.();
    },
  };
}
