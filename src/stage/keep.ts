/**
 * Content Podium must be able to read back later, even after a reload: the file text an approval
 * left (what undoing it needs), and the new content of a whole-file hunk (what approving it needs).
 * It goes into the repository's object store as a blob, byte for byte (no filters, no line-ending
 * conversion), and a ref under `refs/podium/kept/<task>/` keeps it from `git gc`. The refs of a task
 * go when the task is closed.
 *
 * Refs may point at blobs; nothing shows them in `git log` or `git branch`, and `git gc` treats them
 * as roots like any other ref.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FileContent } from './apply';
import { stageGit, type GitCallOptions } from './stageError';

export const KEPT_REF_PREFIX = 'refs/podium/kept/';

/** The ref that keeps `name` of `task`; both must be plain ref components (task ids and hunk ids are). */
export function keptRef(task: string, name: string): string {
  for (const part of [task, name]) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(part) || part.includes('..') || part.endsWith('.lock') || part.endsWith('.')) {
      throw new Error(`"${part}" cannot name a kept ref.`);
    }
  }
  return `${KEPT_REF_PREFIX}${task}/${name}`;
}

/**
 * Stores `content` as a blob kept by `ref`; resolves with the blob id, or null for null content
 * (nothing to keep: the file did not exist). `repo` is any folder of the repository.
 */
export async function keepContent(repo: string, ref: string, content: FileContent, options: GitCallOptions = {}): Promise<string | null> {
  if (content === null) return null;
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'podium-keep-'));
  try {
    const file = path.join(scratch, 'content');
    await fs.writeFile(file, content);
    const blob = (await stageGit(repo, ['hash-object', '-w', '--no-filters', '--', file], options)).stdout.trim();
    await keepBlob(repo, ref, blob, options);
    return blob;
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}

/** Keeps a blob already in the repository (a staged file's content) by `ref`. */
export async function keepBlob(repo: string, ref: string, blob: string, options: GitCallOptions = {}): Promise<void> {
  await stageGit(repo, ['update-ref', ref, blob], options);
}

/** A kept blob, byte for byte. Rejects (with git's words) when the repository no longer has it. */
export async function readKept(repo: string, blob: string, options: GitCallOptions = {}): Promise<Buffer> {
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(blob)) throw new Error(`"${blob}" is not a git object id.`);
  return (await stageGit(repo, ['cat-file', 'blob', blob], options)).stdoutBytes;
}

/** Deletes every ref that keeps content of `task`; resolves with how many there were. */
export async function releaseKept(repo: string, task: string, options: GitCallOptions = {}): Promise<number> {
  const prefix = keptRef(task, 'x').slice(0, -1);
  const refs = (await stageGit(repo, ['for-each-ref', '--format=%(refname)', prefix], options)).stdout.split('\n').filter(Boolean);
  for (const ref of refs) await stageGit(repo, ['update-ref', '-d', ref], options);
  return refs.length;
}
