/**
 * Where journals live: one `<sessionId>.jsonl` per session in a folder the engineer can find, copy
 * and replay elsewhere, plus the lock files and the index beside them.
 */
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

export const JOURNAL_EXTENSION = '.jsonl';
export const LOCK_SUFFIX = '.lock';
export const INDEX_FILE = 'index.json';

/** Session ids become file names, so they are held to a portable, path-free alphabet. */
const SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Throws a RangeError for an id that cannot safely name a file (empty, a path, odd characters). */
export function assertSessionId(sessionId: string): void {
  if (!SESSION_ID.test(sessionId) || sessionId.includes('..')) {
    throw new RangeError(
      `Session id ${JSON.stringify(sessionId)} cannot name a journal file: use 1–128 letters, digits, '.', '_' or '-', starting with a letter or digit.`,
    );
  }
}

export function journalPath(folder: string, sessionId: string): string {
  assertSessionId(sessionId);
  return path.join(folder, sessionId + JOURNAL_EXTENSION);
}

export function lockPath(journalFile: string): string {
  return journalFile + LOCK_SUFFIX;
}

/**
 * Creates `folder` (and its parents) if missing. If the folder is a `.podium` folder or lies inside
 * one, writes `.podium/.gitignore` containing `*` when there is none, so journals never show in the
 * user's git status; an existing .gitignore is left as the user made it.
 */
export async function ensureJournalFolder(folder: string): Promise<void> {
  await mkdir(folder, { recursive: true });
  const podium = enclosingPodiumFolder(path.resolve(folder));
  if (podium === undefined) return;
  try {
    await writeFile(path.join(podium, '.gitignore'), '*\n', { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

function enclosingPodiumFolder(folder: string): string | undefined {
  for (let dir = folder; ; ) {
    if (path.basename(dir) === '.podium') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export interface JournalFileInfo {
  sessionId: string;
  file: string;
  size: number;
  mtimeMs: number;
}

/**
 * The journals in `folder`, sorted by session id. A missing folder has none (no error); files that
 * are not `<sessionId>.jsonl` (locks, the index, temporary files) are ignored.
 */
export async function listJournals(folder: string): Promise<JournalFileInfo[]> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const infos: JournalFileInfo[] = [];
  for (const name of names.sort()) {
    if (!name.endsWith(JOURNAL_EXTENSION)) continue;
    const sessionId = name.slice(0, -JOURNAL_EXTENSION.length);
    if (!SESSION_ID.test(sessionId)) continue;
    const file = path.join(folder, name);
    try {
      const st = await stat(file);
      if (st.isFile()) infos.push({ sessionId, file, size: st.size, mtimeMs: st.mtimeMs });
    } catch (err) {
      // Deleted between readdir and stat: it is simply not there any more.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return infos;
}
