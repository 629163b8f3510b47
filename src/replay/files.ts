/**
 * The files of a moment: a task's files as a staging recorded them (a `task.snapshot` tree) or as its
 * base had them, read from the source's repository. Read-only, always: replay never writes anywhere.
 */
import { filesAtMoment, readAtMoment } from '../stage/history';
import type { MomentStore } from './source';

/** The text of `file` at a moment (a tree or commit id as journaled); null when the moment has no such file or the store no longer has the moment. */
export async function readMomentFile(store: MomentStore, treeish: string, file: string): Promise<Buffer | null> {
  const id = store.trees ? store.trees[treeish] : treeish;
  if (!id) return null;
  try {
    return await readAtMoment(store.repo, id, file);
  } catch {
    return null;
  }
}

/** The files a moment holds (for an export, only those its sessions touched). */
export async function momentFiles(store: MomentStore, treeish: string): Promise<string[]> {
  const id = store.trees ? store.trees[treeish] : treeish;
  return id ? filesAtMoment(store.repo, id) : [];
}
