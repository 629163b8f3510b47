/**
 * Generated repositories for the scale benchmark: `files` source-like files of 2 to 18 KB (about
 * 10 KB each, so 100k files make about 1 GB), a hundred to a folder, committed; an ignored
 * `node_modules` of `files / 10` small files and an ignored `.env`; and the engineer's uncommitted
 * work on top (ten edited files, two new ones), so a task's snapshot has something to take.
 *
 * Building one takes minutes at 100k files, so it is built once under the ignored `.bench-cache/`
 * folder and reused while its recipe (`RECIPE`) is unchanged; `npm run bench -- --clean` removes it.
 * Content comes from a seeded generator: every machine builds the same repository.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Bump when the generated repository changes shape, so caches built by older recipes are rebuilt. */
const RECIPE = 'scale-repo-2';
export const CACHE_ROOT = path.resolve('.bench-cache');

export interface ScaleRepo {
  /** The engineer's workspace: a repository with uncommitted changes. */
  repo: string;
  files: number;
  /** Files in its ignored node_modules. */
  nodeModulesFiles: number;
  /** A tracked file to edit (one line) and a hundred spread over the repository. */
  oneFile: string;
  hundredFiles: string[];
}

const IDENTITY = { GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'bench@localhost', GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'bench@localhost' };

export async function git(cwd: string, args: string[]): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...IDENTITY };
  for (const name of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE']) delete env[name];
  return (await run('git', args, { cwd, env, maxBuffer: 256 * 1024 * 1024 })).stdout;
}

function filePath(i: number): string {
  return `packages/p${String(Math.floor(i / 1000)).padStart(3, '0')}/src/m${Math.floor(i / 100) % 10}/f${i}.ts`;
}

/** The repository of `files` files, from the cache when its recipe matches, else built now. */
export async function scaleRepo(files: number, log: (line: string) => void): Promise<ScaleRepo> {
  const home = path.join(CACHE_ROOT, `scale-${files}`);
  const repo = path.join(home, 'repo');
  const marker = path.join(home, 'ready');
  const hundred = Array.from({ length: 100 }, (_, k) => filePath(Math.floor((k * files) / 100) + 7));
  const shape: ScaleRepo = { repo, files, nodeModulesFiles: Math.floor(files / 10), oneFile: filePath(Math.floor(files / 2) + 3), hundredFiles: hundred };
  if ((await fs.readFile(marker, 'utf8').catch(() => '')) === RECIPE) {
    await restoreEngineerWork(shape);
    return shape;
  }
  log(`building a ${files.toLocaleString('en-US')}-file repository in ${path.relative(process.cwd(), home)} (once; reused by later runs)…`);
  const started = Date.now();
  await fs.rm(home, { recursive: true, force: true });
  await fs.mkdir(repo, { recursive: true });
  await git(repo, ['init', '-q', '-b', 'main']);
  await git(repo, ['config', 'core.autocrlf', 'false']);
  await fs.writeFile(path.join(repo, '.gitignore'), 'node_modules/\n.env\ndist/\n');

  const random = seeded(files);
  const words = ['const', 'let', 'value', 'result', 'items', 'config', 'handler', 'index', 'count', 'name', 'user', 'data', 'await', 'map', 'filter', 'reduce', 'length', 'error', 'Promise', 'string'];
  const word = () => words[Math.floor(random() * words.length)]!;
  for (let i = 0; i < files; i++) {
    const rel = filePath(i);
    if (i % 100 === 0) await fs.mkdir(path.join(repo, path.dirname(rel)), { recursive: true });
    const target = 2000 + Math.floor(random() * 16_000);
    const lines = [`// file ${i}`];
    let size = lines[0]!.length;
    for (let n = 0; size < target; n++) {
      const line = `export const ${word()}${n} = ${word()}(${Math.floor(random() * 1000)}, ${word()}.${word()});`;
      lines.push(line);
      size += line.length + 1;
    }
    await fs.writeFile(path.join(repo, rel), `${lines.join('\n')}\n`);
  }
  // No `git gc --auto` in the background while the benchmark measures: the repository is packed
  // now, as a real one is (without delta search, which finds nothing in unrelated generated files
  // and would take many minutes).
  await git(repo, ['config', 'gc.auto', '0']);
  await git(repo, ['add', '-A']);
  await git(repo, ['commit', '-q', '-m', `${files} generated files`]);
  await git(repo, ['repack', '-a', '-d', '-q', '--window=0']);

  // What git does not hold: installed dependencies and a secret.
  for (let i = 0; i < shape.nodeModulesFiles; i++) {
    const dir = path.join(repo, 'node_modules', `dep${Math.floor(i / 20)}`, i % 20 < 10 ? 'lib' : 'dist');
    if (i % 10 === 0) await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, `m${i}.js`), `module.exports = function m${i}(x) { return x + ${i}; };\n`.repeat(40));
  }
  await fs.writeFile(path.join(repo, '.env'), 'API_KEY=bench-secret\n');
  await restoreEngineerWork(shape);
  await fs.writeFile(marker, RECIPE);
  log(`built in ${Math.round((Date.now() - started) / 1000)} s`);
  return shape;
}

/** The engineer's uncommitted work, put back as it was (a run never changes it, but a crash might). */
async function restoreEngineerWork(shape: ScaleRepo): Promise<void> {
  const { repo, files } = shape;
  await git(repo, ['checkout', '-q', '--', '.']);
  await git(repo, ['clean', '-q', '-f', '--', 'packages']);
  for (let k = 0; k < 10; k++) {
    await fs.appendFile(path.join(repo, filePath(Math.floor((k * files) / 10) + 1)), `// the engineer's edit ${k}\n`);
  }
  await fs.writeFile(path.join(repo, 'packages', 'NOTES.md'), 'work in progress\n');
  await fs.writeFile(path.join(repo, 'packages', 'p000', 'new.ts'), 'export const fresh = 1;\n');
}

/** mulberry32: small, fast, and the same everywhere. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
