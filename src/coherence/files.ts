/**
 * The files of a root to check: git's own list where the root is a git work tree (tracked files, and
 * untracked ones it does not ignore), else a walk that skips what no one checks in (node_modules,
 * build output, virtual environments).
 */
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import * as path from 'node:path';

const SKIP = new Set(['node_modules', '.git', '.podium', 'dist', 'out', 'build', '.venv', 'venv', '__pycache__', '.vscode-test']);

export async function listFiles(root: string): Promise<string[]> {
  const listed = await new Promise<string[] | undefined>((resolve) => {
    execFile('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: root, maxBuffer: 1024 * 1024 * 1024 }, (err, stdout) => {
      resolve(err ? undefined : [...new Set(stdout.split('\0').filter(Boolean))]);
    });
  });
  return (listed ?? (await walk(root))).sort();
}

async function walk(root: string, dir = '', out: string[] = []): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(path.join(root, dir), { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const rel = dir ? `${dir}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (!SKIP.has(e.name)) await walk(root, rel, out);
    } else if (e.isFile()) out.push(rel);
  }
  return out;
}
