/**
 * Where a score comes from, as one thing: the live workspace's journals, a journal folder or file
 * from elsewhere, or an exported session (`.podium.tgz`, see export.ts). Each yields its events merged
 * by time and the problems met reading them, and says where the files of its moments can be read
 * (a git repository holding the tasks' `task.snapshot` trees), so replay shows files too.
 *
 * Replay never starts an agent and never writes the workspace: a source is read-only but for the live
 * workspace, whose conductor writes its journals.
 */
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { loadJournalFile, loadJournalFolder, type LoadedJournals } from '../conductor/journalLibrary';
import { isExportFile, openExport } from './export';

export type SourceKind = 'workspace' | 'journals' | 'export';

export interface MomentStore {
  /** A git repository (or a folder of one) holding the moments' trees and blobs. */
  repo: string;
  /** Tree ids as journaled → the ids that hold the same files here (an export keeps only the files its sessions touched). */
  trees?: Readonly<Record<string, string>>;
}

export interface ScoreSource {
  kind: SourceKind;
  /** What the header shows: "Workspace journals", a folder's or file's name. */
  label: string;
  /** The journal folder (or the folder of a journal file). */
  folder: string;
  /** True for anything but the live workspace: nothing there is decided or started. */
  readOnly: boolean;
  /** Where the files of its moments are, if anywhere. */
  moments?: MomentStore;
  load(): Promise<LoadedJournals>;
}

/** The live workspace: its journal folder, and its own repository for the files of moments. */
export function workspaceSource(folder: string, repo: string | undefined): ScoreSource {
  return { kind: 'workspace', label: 'Workspace journals', folder, readOnly: false, moments: repo ? { repo } : undefined, load: () => loadJournalFolder(folder) };
}

/**
 * A journal folder, a journal file, or an exported session, from anywhere. `repo` is where moments
 * may be found for plain journals (the workspace's repository, if the journals came from it); an
 * export brings its own. `storage` is where an export is unpacked (the extension's storage).
 */
export async function sourceAt(target: string, options: { repo?: string; storage: string }): Promise<ScoreSource> {
  if (isExportFile(target)) {
    const opened = await openExport(target, options.storage);
    return {
      kind: 'export',
      label: path.basename(target),
      folder: opened.journals,
      readOnly: true,
      moments: { repo: opened.repo, trees: opened.trees },
      load: () => loadJournalFolder(opened.journals),
    };
  }
  const isFile = (await stat(target)).isFile();
  return {
    kind: 'journals',
    label: path.basename(target),
    folder: isFile ? path.dirname(target) : target,
    readOnly: true,
    moments: options.repo ? { repo: options.repo } : undefined,
    load: () => (isFile ? loadJournalFile(target) : loadJournalFolder(target)),
  };
}
