/**
 * Tree-sitter for the languages no JavaScript parser reads (Python, Go): the `web-tree-sitter`
 * runtime and each grammar's own `.wasm`, loaded on first use and once per process.
 *
 * Nothing is read at module import: activating the extension costs nothing until a Python or Go file
 * is checked. The files are looked up beside the bundle first (`dist/grammars/`, where esbuild.mjs
 * copies them, so `dist/extension.js` and any other bundle in `dist/` find them), then in
 * node_modules (tests and scripts run from source through tsx).
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Node, Tree } from 'web-tree-sitter';
import type { ParseError } from './model';
// A require, not an ES import: esbuild resolves a package by the kind of import that names it, and
// web-tree-sitter's ES build finds itself through `import.meta.url`, which a CommonJS bundle lacks.
// eslint-disable-next-line @typescript-eslint/no-require-imports
import treeSitter = require('web-tree-sitter');

const { Language, Parser, Query } = treeSitter;
type Language = treeSitter.Language;
type Parser = treeSitter.Parser;
type Query = treeSitter.Query;

export type Grammar = 'python' | 'go';

/** The runtime's own wasm and each grammar's, with the npm package each comes from (scripts/grammars.mjs copies the same files). */
const FILES = {
  runtime: { file: 'web-tree-sitter.wasm', pkg: 'web-tree-sitter' },
  python: { file: 'tree-sitter-python.wasm', pkg: 'tree-sitter-python' },
  go: { file: 'tree-sitter-go.wasm', pkg: 'tree-sitter-go' },
} as const;

let extraFolders: string[] = [];

/**
 * Adds a folder to look in before the defaults, for a host that ships the files elsewhere than beside
 * its bundle. Takes effect for grammars not loaded yet.
 */
export function addGrammarFolder(folder: string): void {
  extraFolders = [folder, ...extraFolders.filter((f) => f !== folder)];
}

function locate(which: keyof typeof FILES): string {
  const { file, pkg } = FILES[which];
  const tried: string[] = [];
  for (const folder of [...extraFolders, path.join(__dirname, 'grammars')]) {
    const candidate = path.join(folder, file);
    if (existsSync(candidate)) return candidate;
    tried.push(candidate);
  }
  try {
    // From source, the packages themselves; inside a bundle this throws (no node_modules), which is
    // fine: the bundle's copy was looked for first.
    return require.resolve(`${pkg}/${file}`);
  } catch {
    tried.push(`${pkg}/${file} in node_modules`);
  }
  throw new Error(`Podium cannot find ${file} (the ${pkg} parser). Looked in: ${tried.join(', ')}. Reinstall the extension, or run "npm run build" in a development checkout.`);
}

let runtime: Promise<void> | undefined;
const languages = new Map<Grammar, Promise<Language>>();
const parsers = new Map<Grammar, Parser>();

function initRuntime(): Promise<void> {
  runtime ??= Parser.init({ locateFile: () => locate('runtime') }).catch((err: unknown) => {
    runtime = undefined; // a later call may try again (e.g. after the files were restored)
    throw err;
  });
  return runtime;
}

/** The grammar, loaded on the first call; later calls share the same load. */
export function loadLanguage(grammar: Grammar): Promise<Language> {
  let loading = languages.get(grammar);
  if (!loading) {
    loading = initRuntime()
      .then(() => Language.load(locate(grammar)))
      .catch((err: unknown) => {
        languages.delete(grammar);
        throw err;
      });
    languages.set(grammar, loading);
  }
  return loading;
}

/**
 * A parser for the grammar, one per process and grammar. Parsing is synchronous, so callers share it
 * safely; a `Tree` it returns must be `delete()`d (it lives in the wasm heap, not the JS one).
 */
export async function parserFor(grammar: Grammar): Promise<Parser> {
  const language = await loadLanguage(grammar);
  let parser = parsers.get(grammar);
  if (!parser) {
    parser = new Parser();
    parser.setLanguage(language);
    parsers.set(grammar, parser);
  }
  return parser;
}

const queries = new Map<string, Query>();

/** A compiled query, kept for the process (compiling one costs more than running it on a file). */
export async function queryFor(grammar: Grammar, source: string): Promise<Query> {
  const key = `${grammar}\0${source}`;
  let query = queries.get(key);
  if (!query) {
    query = new Query(await loadLanguage(grammar), source);
    queries.set(key, query);
  }
  return query;
}

/** Parses, hands the tree to `use`, and frees the tree whatever `use` does. */
export async function withTree<T>(grammar: Grammar, text: string, use: (tree: Tree) => T): Promise<T> {
  const parser = await parserFor(grammar);
  // Editors drop a byte-order mark from the text they show; without it columns match theirs.
  const tree = parser.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  if (!tree) throw new Error(`The ${grammar} parser returned no tree.`);
  try {
    return use(tree);
  } finally {
    tree.delete();
  }
}

/**
 * The first place, in reading order, where the grammar could not read the text: an ERROR node (text
 * it skipped) or a MISSING one (a token it had to invent, such as an unclosed parenthesis). Tree-sitter
 * always recovers and returns a tree; this is how a file that does not parse is told apart.
 */
export function firstSyntaxError(root: Node): ParseError | undefined {
  if (!root.hasError) return undefined;
  let node: Node = root;
  for (;;) {
    if (node.isError || node.isMissing) return describe(node);
    // Descend into the first child that holds an error; children come in source order.
    const next = node.children.find((c): c is Node => c !== null && (c.hasError || c.isMissing));
    if (!next) return describe(node);
    node = next;
  }
}

function describe(node: Node): ParseError {
  const { row, column } = node.startPosition;
  let message: string;
  if (node.isMissing) {
    message = `syntax error: missing ${JSON.stringify(node.type)}`;
  } else {
    const text = node.text.split('\n', 1)[0].trim();
    const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
    message = shown ? `syntax error: cannot read ${JSON.stringify(shown)}` : 'syntax error';
  }
  return { message, line: row + 1, column: column + 1 };
}

/** 1-based line and column of a node's start (columns count UTF-16 units, as editors do). */
export function position(node: Node): { line: number; column: number } {
  return { line: node.startPosition.row + 1, column: node.startPosition.column + 1 };
}
