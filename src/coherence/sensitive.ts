/**
 * Paths that always deserve a second look, whatever the notes say (a workspace can add to these,
 * never remove): where a change runs code on the engineer's machine or in CI, changes what gets
 * installed, holds secrets, or changes the rules themselves.
 */
import { findNodeAtLocation, parseTree, type Node } from 'jsonc-parser';

export interface SensitiveKind {
  id: string;
  /** picomatch globs, matched against the path relative to the root, `dot` on. */
  globs: string[];
  /** Why it is sensitive, said to the engineer. */
  why: string;
}

export const BUILTIN_SENSITIVE: readonly SensitiveKind[] = [
  { id: 'sensitive/git', globs: ['.git/**', '**/.git/**', '.gitmodules'], why: 'git’s own files decide what runs and what is fetched.' },
  { id: 'sensitive/git-hooks', globs: ['.githooks/**', '.husky/**', 'lefthook.yml', 'lefthook.yaml', '.pre-commit-config.yaml'], why: 'Git hooks run on the engineer’s machine at every commit.' },
  { id: 'sensitive/editor', globs: ['.vscode/*.json', '**/.vscode/*.json', '*.code-workspace'], why: 'Editor settings and tasks can run programs when the workspace opens.' },
  { id: 'sensitive/ci', globs: ['.github/workflows/**', '.github/actions/**', '.gitlab-ci.yml', '.circleci/**', 'azure-pipelines.yml', 'Jenkinsfile', '.buildkite/**', 'bitbucket-pipelines.yml', '.travis.yml'], why: 'CI configuration runs with the repository’s secrets.' },
  { id: 'sensitive/lockfile', globs: ['**/package-lock.json', '**/npm-shrinkwrap.json', '**/yarn.lock', '**/pnpm-lock.yaml', '**/bun.lockb', '**/Cargo.lock', '**/poetry.lock', '**/uv.lock', '**/Pipfile.lock', '**/Gemfile.lock', '**/go.sum', '**/composer.lock'], why: 'A lock file decides exactly what gets installed.' },
  { id: 'sensitive/env', globs: ['**/.env', '**/.env.*', '**/.envrc'], why: 'Environment files hold secrets and settings.' },
  { id: 'sensitive/registry', globs: ['**/.npmrc', '**/.yarnrc', '**/.yarnrc.yml', '**/.pypirc', '**/pip.conf'], why: 'Registry settings decide where packages come from, and hold tokens.' },
  { id: 'sensitive/podium', globs: ['.podium/**', '**/.podium/**'], why: 'Podium’s own journals and plans.' },
  { id: 'sensitive/dependency-rules', globs: ['.dependency-cruiser.json', '.dependency-cruiser.js', '.dependency-cruiser.cjs', '.dependency-cruiser.mjs'], why: 'The dependency rules the team keeps.' },
];

/** The architecture notes themselves: a task that rewrites the rules it is checked against. */
export const NOTES_SENSITIVE = { id: 'sensitive/notes', why: 'The architecture notes are the rules every change is checked against.' };

/** The manifest keys whose change runs code at install or build time. */
const MANIFEST_KEYS = ['scripts', 'preinstall', 'install', 'postinstall', 'prepare', 'bin', 'gypfile'];
export const MANIFEST_SENSITIVE = { id: 'sensitive/manifest-scripts', why: 'A package manifest’s scripts and install hooks run on every machine that installs or builds it.' };

/**
 * The parts of a package.json that changed and run code (scripts, install hooks), with the 1-based
 * line range each has in the new text. Empty when the file is not a manifest or none of them changed.
 * A manifest that does not parse counts as changed from its first line (nothing is assumed safe).
 */
export function manifestScriptChanges(baseText: string | null, newText: string | null): { key: string; startLine: number; endLine: number }[] {
  if (newText === null) return [];
  const next = parseTree(newText);
  if (!next) return [{ key: 'package.json', startLine: 1, endLine: newText.split('\n').length }];
  const prev = baseText === null ? undefined : parseTree(baseText);
  const out: { key: string; startLine: number; endLine: number }[] = [];
  for (const key of MANIFEST_KEYS) {
    const after = findNodeAtLocation(next, [key]);
    const before = prev ? findNodeAtLocation(prev, [key]) : undefined;
    if (!after && !before) continue;
    const a = after ? newText.slice(after.offset, after.offset + after.length) : undefined;
    const b = before && baseText !== null ? baseText.slice(before.offset, before.offset + before.length) : undefined;
    if (normalize(a) === normalize(b)) continue;
    const node: Node = after?.parent ?? after ?? next;
    out.push({ key, startLine: lineOf(newText, node.offset), endLine: lineOf(newText, node.offset + node.length) });
  }
  return out;
}

function normalize(json: string | undefined): string | undefined {
  if (json === undefined) return undefined;
  try {
    return JSON.stringify(JSON.parse(json));
  } catch {
    return json;
  }
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
