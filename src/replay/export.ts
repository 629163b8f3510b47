/**
 * A session, exported: one `.podium.tgz` file another engineer opens with *Open Session Journal…* and
 * replays, files included, on another machine.
 *
 * It holds the journals of a task's sessions as written, and a git bundle with the files of each
 * moment the journals name (`task.snapshot` trees and the task's base) — only the files those sessions
 * touched, so exporting a session of a large repository stays small. A moment's files are then under
 * another tree id than the journal says; `trees.json` maps one to the other.
 *
 * Opening one never runs anything from it: the archive is unpacked into Podium's storage (only the
 * names Podium wrote are taken; node-tar refuses absolute paths and `..`), the bundle fetched into a
 * bare repository of its own, and the journals read like any others.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tar from 'tar';
import { journalPath, readJournal } from '../journal';
import type { PodiumEvent } from '../score';
import { pathBatches } from '../stage/blobs';
import { runGit } from '../stage/git';

export const EXPORT_EXTENSION = '.podium.tgz';
const MANIFEST = 'manifest.json';
const TREES = 'trees.json';
const BUNDLE = 'moments.bundle';
const OBJECT_ID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

export function isExportFile(file: string): boolean {
  return file.endsWith(EXPORT_EXTENSION);
}

export interface ExportManifest {
  podium: 'session-export';
  version: 1;
  exportedTs: number;
  sessions: string[];
  tasks: { id: string; title: string }[];
}

export interface ExportOptions {
  /** The journal folder the sessions are in. */
  journals: string;
  /** The sessions to export (a task's, in the order they were played). */
  sessions: readonly string[];
  /** The repository holding their moments (the workspace's). */
  repo: string;
  /** Where to write the `.podium.tgz`. */
  out: string;
}

/**
 * Writes the export; resolves with what it holds. Moments a journal names that the repository no
 * longer has (retention dropped them) are left out and counted.
 */
export async function exportSessions(options: ExportOptions): Promise<{ manifest: ExportManifest; moments: number; missing: number; bytes: number }> {
  if (!isExportFile(options.out)) throw new Error(`An exported session's file name ends in ${EXPORT_EXTENSION}.`);
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'podium-export-'));
  try {
    await mkdir(path.join(scratch, 'journals'));
    const events: PodiumEvent[] = [];
    const names: string[] = [];
    for (const session of options.sessions) {
      const file = journalPath(options.journals, session);
      const read = await readJournal(file);
      events.push(...(read.events as PodiumEvent[]));
      names.push(path.basename(file));
      await writeFile(path.join(scratch, 'journals', path.basename(file)), await readFile(file));
    }
    // What the sessions touched, and the moments they name.
    const touched = new Set<string>();
    const moments = new Set<string>();
    const tasks = new Map<string, string>();
    for (const e of events) {
      if (e.type === 'hunk.staged') {
        touched.add(e.hunk.path);
        if (e.hunk.oldPath) touched.add(e.hunk.oldPath);
      } else if (e.type === 'agent.fileEdited') touched.add(e.path);
      else if (e.type === 'task.snapshot') moments.add(e.tree);
      else if (e.type === 'task.worktree') moments.add(e.baseCommit);
      else if (e.type === 'task.created') tasks.set(e.task.id, e.task.title);
    }
    const git = (args: string[], extra: { env?: Record<string, string>; input?: string; ok?: number[] } = {}) =>
      runGit(args, { cwd: options.repo, env: extra.env, input: extra.input, okExitCodes: extra.ok });
    const trees: Record<string, string> = {};
    let missing = 0;
    let parent: string | undefined;
    const index = path.join(scratch, 'prune.index');
    const identity = { GIT_AUTHOR_NAME: 'Podium', GIT_AUTHOR_EMAIL: 'podium@localhost', GIT_COMMITTER_NAME: 'Podium', GIT_COMMITTER_EMAIL: 'podium@localhost' };
    for (const moment of moments) {
      if (!OBJECT_ID.test(moment) || (await git(['cat-file', '-e', `${moment}^{tree}`], { ok: [1, 128] })).exitCode !== 0) {
        missing += 1;
        continue;
      }
      // The moment's tree with only the touched files: read into a scratch index, written back out.
      const env = { GIT_INDEX_FILE: index };
      await git(['read-tree', '--empty'], { env });
      let info = '';
      for (const batch of pathBatches([...touched])) {
        const listed = (await git(['ls-tree', '-r', '-z', '--full-tree', moment, '--', ...batch], { env })).stdout;
        info += listed.split('\0').filter(Boolean).map((line) => `${line}\n`).join('');
      }
      if (info) await git(['update-index', '--index-info'], { env, input: info });
      const pruned = (await git(['write-tree'], { env })).stdout.trim();
      trees[moment] = pruned;
      const args = ['commit-tree', pruned, '-m', `Podium export: ${moment}`];
      if (parent) args.push('-p', parent);
      parent = (await git(args, { env: identity })).stdout.trim();
    }
    await writeFile(path.join(scratch, TREES), JSON.stringify(trees, null, 2));
    if (parent) {
      const ref = `refs/podium/export/${createHash('sha1').update(scratch).digest('hex').slice(0, 12)}`;
      await git(['update-ref', ref, parent]);
      try {
        await git(['bundle', 'create', '-q', path.join(scratch, BUNDLE), ref]);
      } finally {
        await git(['update-ref', '-d', ref]);
      }
    }
    const manifest: ExportManifest = { podium: 'session-export', version: 1, exportedTs: Date.now(), sessions: [...options.sessions], tasks: [...tasks].map(([id, title]) => ({ id, title })) };
    await writeFile(path.join(scratch, MANIFEST), JSON.stringify(manifest, null, 2));
    const entries = [MANIFEST, TREES, ...(parent ? [BUNDLE] : []), ...names.map((n) => `journals/${n}`)];
    await tar.c({ gzip: true, file: options.out, cwd: scratch, portable: true }, entries);
    return { manifest, moments: Object.keys(trees).length, missing, bytes: (await stat(options.out)).size };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

export interface OpenedExport {
  manifest: ExportManifest;
  /** The unpacked journals. */
  journals: string;
  /** A bare repository holding the moments. */
  repo: string;
  trees: Record<string, string>;
}

/**
 * Unpacks an export into `storage` (once: opening the same file again reuses it) and fetches its
 * moments into a repository of its own. Rejects, saying why, a file that is not an export Podium
 * wrote or that is damaged.
 */
export async function openExport(file: string, storage: string): Promise<OpenedExport> {
  const digest = await fileDigest(file);
  const dir = path.join(storage, 'imports', digest.slice(0, 16));
  const done = path.join(dir, '.complete');
  if (!(await exists(done))) {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const allowed = (p: string) => p === MANIFEST || p === TREES || p === BUNDLE || /^journals\/[^/]+\.jsonl$/.test(p);
    try {
      await tar.x({ file, cwd: dir, strict: true, filter: (p) => allowed(p.replace(/^\.\//, '')) });
    } catch (err) {
      throw new Error(`${path.basename(file)} is not a readable Podium export: ${(err as Error).message}`, { cause: err });
    }
    const repo = path.join(dir, 'repo.git');
    await runGit(['init', '-q', '--bare', repo], { cwd: dir });
    if (await exists(path.join(dir, BUNDLE))) {
      await runGit(['fetch', '-q', path.join(dir, BUNDLE), 'refs/podium/export/*:refs/podium/export/*'], { cwd: repo });
    }
    await writeFile(done, '');
  }
  const manifest = JSON.parse(await readFile(path.join(dir, MANIFEST), 'utf8').catch(() => '{}')) as ExportManifest;
  if (manifest.podium !== 'session-export' || manifest.version !== 1) throw new Error(`${path.basename(file)} is not a Podium export this version reads.`);
  const raw = JSON.parse(await readFile(path.join(dir, TREES), 'utf8').catch(() => '{}')) as Record<string, unknown>;
  const trees: Record<string, string> = {};
  for (const [from, to] of Object.entries(raw)) if (OBJECT_ID.test(from) && typeof to === 'string' && OBJECT_ID.test(to)) trees[from] = to;
  const journals = path.join(dir, 'journals');
  if (!(await exists(journals)) || (await readdir(journals)).length === 0) throw new Error(`${path.basename(file)} holds no journal.`);
  return { manifest, journals, repo: path.join(dir, 'repo.git'), trees };
}

async function fileDigest(file: string): Promise<string> {
  const hash = createHash('sha256');
  await new Promise<void>((resolve, reject) => {
    createReadStream(file).on('data', (c) => hash.update(c)).on('end', resolve).on('error', reject);
  });
  return hash.digest('hex');
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(() => true, () => false);
}
