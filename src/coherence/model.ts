/**
 * The shapes the coherence pipeline hands from stage to stage, as plain data:
 *
 *   extract (a file's imports as written, by a real parser)
 *     → resolve (what each import names: a workspace file, a package, a platform module)
 *     → check (the workspace's rules × what a change added → findings).
 *
 * Paths are relative to the root being checked (a repository or a task's worktree), '/'-separated,
 * as git spells them. Nothing here does I/O.
 */

export type Language = 'js' | 'ts' | 'python' | 'go';

/**
 * How an import is written. Where dependency-cruiser has a dependency type for the form, the name is
 * the same ('import', 'export', 'dynamic-import', 'require', 'import-equals', 'triple-slash-directive').
 */
export type ImportForm =
  /** ES `import … from 'x'` and the side-effect `import 'x'`. */
  | 'import'
  /** `export … from 'x'`, `export * from 'x'`. */
  | 'export'
  /** `import('x')` with a literal. */
  | 'dynamic-import'
  /** CommonJS `require('x')` with a literal. */
  | 'require'
  /** TypeScript's `import x = require('x')`. */
  | 'import-equals'
  /** TypeScript's `/// <reference path="…" />` or `types="…"`. */
  | 'triple-slash-directive'
  /** TypeScript's `import('x').T` in a type position (always `typeOnly`); dependency-cruiser's 'type-import'. */
  | 'type-import'
  /** Python `import a.b`. */
  | 'python-import'
  /** Python `from a.b import c`, `from . import c`, `from ..pkg import c`. */
  | 'python-from'
  /** A Go import (single or in a block). */
  | 'go-import';

/** One import, as written in one file. */
export interface ImportSite {
  /** The module exactly as written: './x.js', '@/lib', 'react', 'node:fs', 'a.b', '..pkg', 'example.com/m/internal/core'. */
  specifier: string;
  form: ImportForm;
  /**
   * Written as types only: `import type`, `export type`, or every named binding marked `type`. Such an
   * import is gone after compilation; dependency-cruiser counts it only with `tsPreCompilationDeps`.
   */
  typeOnly: boolean;
  /**
   * TypeScript only: the import is dropped by the compiler's emit because none of its bindings is used
   * as a value (an unmarked import used only in type positions). Absent or false when it survives.
   */
  elided?: boolean;
  /** A triple-slash directive's kind: `/// <reference path="…" />` or `types="…"`. */
  reference?: 'path' | 'types';
  /** The names it brings in, where the form has them (`from x import a, b`; ES named imports). */
  names?: string[];
  /**
   * The local name the import is bound to, where it is written with one: Python `import a.b as c` →
   * 'c'; Go `f "fmt"` → 'f', and Go's dot and blank imports → '.' and '_'.
   */
  alias?: string;
  /** 1-based line and column of the specifier in the file. */
  line: number;
  column: number;
}

export interface ParseError {
  message: string;
  line: number;
  column: number;
}

/** A file's imports. A file that does not parse has `error` set and no imports. */
export interface Extraction {
  language: Language;
  imports: ImportSite[];
  error?: ParseError;
}

/** What an import names once resolved the way the workspace resolves it. */
export type Target =
  /**
   * A file of the root (a relative import, an alias such as tsconfig `paths`, a workspace package by
   * name resolved to its source). For a Go import, the package's folder, with `directory` set.
   */
  | { kind: 'file'; path: string; directory?: boolean }
  /** An external package by name ('react', '@scope/pkg', 'requests', 'golang.org/x/mod'); `path` where it was found, if it was. */
  | { kind: 'package'; name: string; path?: string }
  /** A platform module: Node's built-ins ('fs', 'node:fs'), Python's standard library, Go's standard library. */
  | { kind: 'core'; name: string }
  /** Nothing found by that name. */
  | { kind: 'unresolved' };

/** An import with what it resolved to. */
export interface Dependency extends ImportSite {
  target: Target;
  /**
   * dependency-cruiser's `dependencyTypes` for this dependency, as it would report them ('local',
   * 'npm', 'npm-dev', 'core', 'aliased', 'aliased-tsconfig', 'type-only', 'import', 'require'…), so its
   * rules that filter on them match the same dependencies. dependency-cruiser reads no Python or Go;
   * for those the types are 'local' (a file or folder of the root), 'core' (the standard library),
   * 'external' (a package from elsewhere) and 'unknown' (nothing found by that name).
   */
  dependencyTypes: string[];
}

/** Resolves the imports of files under one root, as that root's configuration says. */
export interface Resolver {
  resolve(fromPath: string, site: ImportSite): Promise<Dependency>;
  /**
   * For an import that names several modules at once: Python's `from pkg import a, b` where `a` and
   * `b` are submodules of `pkg` (each its own file) gives one dependency per submodule, plus one on
   * `pkg` itself for the names that are not submodules, each with `names` narrowed to the names it
   * covers. A resolver without it has one dependency per import; `resolve` gives the first of these.
   */
  resolveAll?(fromPath: string, site: ImportSite): Promise<Dependency[]>;
}
