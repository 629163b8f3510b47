/**
 * Changes to check outside the editor: the staged changes of a git repository, or a unified diff
 * (from `git diff`, a pull request, a patch file) over a checkout of its new side. Each becomes the
 * files, hunks and before/after texts the checker takes, the same shape a task's staged change has.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { applyPatch, parsePatch, reversePatch, type StructuredPatch } from 'diff';
import type { FileStatus, Hunk, LineHunk } from '../score';
import type { ChangedFile } from './check';

export interface Change {
  files: ChangedFile[];
  readBase(path: string): Promise<string | null>;
  readNew(path: string): Promise<string | null>;
  /** Files of the diff that could not be taken as they are (their new side differs on disk…), in words. */
  problems: string[];
}

function git(root: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd: root, maxBuffer: 512 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** The root of the git work tree holding `dir`, or undefined. */
export async function gitRoot(dir: string): Promise<string | undefined> {
  const r = await git(dir, ['rev-parse', '--show-toplevel']);
  return r.code === 0 ? r.stdout.trim() : undefined;
}

/** The changes staged for the next commit: index against HEAD (against nothing in a repository without a commit). */
export async function stagedChange(root: string): Promise<Change> {
  const head = (await git(root, ['rev-parse', '--verify', '-q', 'HEAD'])).code === 0;
  const diff = await git(root, ['diff', '--cached', '-M', '--no-color', '--no-ext-diff', '--src-prefix=a/', '--dst-prefix=b/', '-U3']);
  if (diff.code !== 0) throw new Error(`git could not list the staged changes in ${root}: ${diff.stderr.trim()}`);
  const show = async (spec: string) => {
    const r = await git(root, ['show', spec]);
    return r.code === 0 ? r.stdout : null;
  };
  return {
    files: filesOf(parsePatch(diff.stdout)),
    readBase: (p) => (head ? show(`HEAD:${p}`) : Promise.resolve(null)),
    readNew: (p) => show(`:${p}`),
    problems: [],
  };
}

/**
 * A unified diff over the checkout at `root`, which holds its new side: each file's old side is the
 * new one with the diff taken back out. A file whose text on disk is not the diff's new side is left
 * out with a problem saying so (checking the wrong text would report the wrong lines).
 */
export async function diffChange(root: string, diffText: string): Promise<Change> {
  const patches = parsePatch(diffText);
  const files: ChangedFile[] = [];
  const before = new Map<string, string | null>();
  const after = new Map<string, string | null>();
  const problems: string[] = [];
  const patchOf = new Map<string, StructuredPatch>();
  for (const p of patches) {
    const f = fileOf(p);
    if (f) patchOf.set(f.path, p);
  }
  for (const file of filesOf(patches)) {
    const newText = file.status === 'deleted' ? null : await readFile(path.join(root, ...file.path.split('/')), 'utf8').catch(() => undefined);
    if (newText === undefined) {
      problems.push(`${file.path}: not in ${root}; run the check in a checkout of the diff's new side.`);
      continue;
    }
    let oldText: string | null = null;
    if (file.status !== 'added' && newText !== null) {
      const undone = applyPatch(newText, reversePatch(patchOf.get(file.path)!));
      if (undone === false) {
        problems.push(`${file.path}: the file on disk is not the diff's new side; run the check in the checkout the diff was made from.`);
        continue;
      }
      oldText = undone;
    }
    after.set(file.path, newText);
    before.set(file.oldPath ?? file.path, oldText);
    files.push(file);
  }
  return {
    files,
    readBase: async (p) => before.get(p) ?? null,
    readNew: async (p) => after.get(p) ?? null,
    problems,
  };
}

function filesOf(patches: StructuredPatch[]): ChangedFile[] {
  const out: ChangedFile[] = [];
  for (const p of patches) {
    const f = fileOf(p);
    if (f) out.push(f);
  }
  return out;
}

function stripPrefix(name: string | undefined): string | undefined {
  if (!name || name === '/dev/null') return undefined;
  return name.replace(/^[ab]\//, '');
}

function fileOf(p: StructuredPatch): ChangedFile | undefined {
  const oldPath = stripPrefix(p.oldFileName);
  const newPath = stripPrefix(p.newFileName);
  const filePath = newPath ?? oldPath;
  if (!filePath) return undefined;
  const status: FileStatus = !oldPath ? 'added' : !newPath ? 'deleted' : oldPath !== newPath ? 'renamed' : 'modified';
  const hunks: Hunk[] = p.hunks.map((h, i) => lineHunk(`${filePath}#${i + 1}`, filePath, status, h));
  if (status === 'renamed') hunks.unshift({ id: `${filePath}#rename`, kind: 'rename', path: filePath, oldPath: oldPath!, status, similarity: 100 });
  const file: ChangedFile = { path: filePath, status, hunks };
  if (status === 'renamed') file.oldPath = oldPath;
  return file;
}

/** A diff hunk as the stage shapes one: the region from its first change to its last, context apart. */
function lineHunk(id: string, filePath: string, status: FileStatus, h: StructuredPatch['hunks'][number]): LineHunk {
  let oldNo = h.oldStart;
  let newNo = h.newStart;
  const rows: { op: string; text: string; oldNo: number; newNo: number }[] = [];
  for (const line of h.lines) {
    const op = line[0] ?? ' ';
    if (op === '\\') continue; // "\ No newline at end of file"
    rows.push({ op, text: `${line.slice(1)}\n`, oldNo, newNo });
    if (op !== '+') oldNo++;
    if (op !== '-') newNo++;
  }
  const first = rows.findIndex((r) => r.op !== ' ');
  let last = rows.length - 1;
  while (last >= 0 && rows[last]!.op === ' ') last--;
  const region = first === -1 ? [] : rows.slice(first, last + 1);
  const start = region[0] ?? rows[0];
  const oldLines = region.filter((r) => r.op !== '+').map((r) => r.text);
  const newLines = region.filter((r) => r.op !== '-').map((r) => r.text);
  return {
    id,
    path: filePath,
    status,
    kind: 'lines',
    oldStart: start?.oldNo ?? h.oldStart,
    oldCount: oldLines.length,
    newStart: start?.newNo ?? h.newStart,
    newCount: newLines.length,
    oldLines,
    newLines,
    contextBefore: rows.slice(0, Math.max(0, first)).map((r) => r.text),
    contextAfter: rows.slice(last + 1).map((r) => r.text),
  };
}
