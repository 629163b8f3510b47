/**
 * Reading recorded sessions for the score: every journal of a folder, or one journal file, with the
 * problems met as sentences the engineer can act on. Never throws for a damaged journal (that is a
 * problem in the result); only a folder that cannot be read at all rejects.
 */
import { listJournals, readJournal, SessionIndex } from '../journal';
import { mergeByTime } from '../score';

export interface LoadedJournals {
  events: unknown[];
  problems: string[];
  sessions: number;
}

export async function loadJournalFolder(folder: string): Promise<LoadedJournals> {
  const files = await listJournals(folder);
  // A few at a time: each reader may hold one record of up to MAX_RECORD_BYTES, and a folder from
  // elsewhere (a cloned repository's) may hold any number of huge, damaged files.
  const loaded: LoadedJournals[] = new Array(files.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < files.length; i = next++) loaded[i] = await loadJournalFile(files[i]!.file);
  };
  await Promise.all([worker(), worker()]);
  // Sessions in the order they started, so rows appear in the order they were played; their events
  // merged by time, as the live score saw them (a task's events in several sessions, overlaps and
  // decisions across tasks, fold as they happened, not one session after another).
  loaded.sort((a, b) => firstTs(a.events) - firstTs(b.events));
  return {
    events: mergeByTime(loaded.map((l) => l.events)),
    problems: loaded.flatMap((l) => l.problems),
    sessions: loaded.filter((l) => l.events.length > 0).length,
  };
}

export async function loadJournalFile(file: string): Promise<LoadedJournals> {
  const result = await readJournal(file);
  const problems = result.problems.map((p) => p.text);
  if (result.tornTail) problems.push(result.tornTail.text);
  return { events: result.events, problems, sessions: result.events.length > 0 ? 1 : 0 };
}

/** Rebuilds the folder's session index from its journal files; resolves with the session count. */
export async function rebuildJournalIndex(folder: string): Promise<number> {
  const index = await SessionIndex.rebuild(folder);
  return index.sessions.length;
}

function firstTs(events: unknown[]): number {
  const e = events[0] as { ts?: unknown } | undefined;
  return typeof e?.ts === 'number' ? e.ts : Number.MAX_SAFE_INTEGER;
}
