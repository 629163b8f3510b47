/**
 * `<folder>/index.json`: one summary per session, so the sessions list shows without folding every
 * journal. It is a cache, never a source of truth: any entry can be rebuilt from its journal, and a
 * missing, unreadable or stale entry (the journal's size or mtime changed) is rebuilt on load.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { SessionStatus, TaskOutcome } from '../score';
import { INDEX_FILE, listJournals, type JournalFileInfo } from './folder';
import { loadJournal } from './reader';

export const INDEX_VERSION = 2;

export interface SessionSummary {
  sessionId: string;
  /** The journal's file name, relative to the index's folder, so a copied folder stays valid. */
  file: string;
  /** Size and mtime of the journal when summarised: if either differs now, the entry is stale. */
  size: number;
  mtimeMs: number;
  /** Good records. */
  eventCount: number;
  /** Earliest and latest event time; 0 when the journal has no events. */
  firstTs: number;
  lastTs: number;
  /** The session's task (id and title), when a task was journaled. */
  task?: string;
  title?: string;
  /** The agent's label, when the session was spawned. */
  agent?: string;
  /** The session's last known status; a session whose writer crashed stays at its last status. */
  status?: SessionStatus;
  /** How the session's task ended, when it did. */
  outcome?: TaskOutcome;
  /** Decisions made in this session: hunks approved and rejected. */
  approved: number;
  rejected: number;
  /** The session's usage as its agent last reported it. */
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** Damaged records skipped when reading. */
  problems: number;
  /** The last line is torn (a crash, or a writer mid-write). */
  tornTail: boolean;
}

export interface SessionIndexResult {
  /** Every journal in the folder, most recent activity first. */
  sessions: SessionSummary[];
  /** Session ids whose entries were (re)built from their journals. */
  rebuilt: string[];
  /** Why the stored index was not used as a whole (missing, unreadable, other version), if it was not. */
  indexProblem?: string;
  /** Whether index.json was rewritten. */
  written: boolean;
}

/**
 * The summaries of every journal in `folder`, reusing the index's entries that are still current
 * and rebuilding the rest from the journals; rewrites index.json (atomically) when anything changed.
 * A missing folder has no sessions and is not created. Rejects only when the folder or a journal
 * cannot be read, or the index cannot be written.
 */
export async function loadSessionIndex(folder: string): Promise<SessionIndexResult> {
  const stored = await readIndex(folder);
  return refresh(folder, stored.entries, stored.problem);
}

/** Like loadSessionIndex, but ignores index.json and rebuilds every entry from its journal. */
export async function rebuildSessionIndex(folder: string): Promise<SessionIndexResult> {
  return refresh(folder, new Map(), undefined, true);
}

/** Summarises one journal by folding it: what its index entry holds. */
export async function summarizeJournal(info: JournalFileInfo): Promise<SessionSummary> {
  const { score, eventCount, problems, tornTail } = await loadJournal(info.file);
  // Counted from the session's own decision entries: a hunk decided here may have been staged in an
  // earlier session of its task, which this fold alone does not see.
  let approved = 0;
  let rejected = 0;
  for (const sid of score.sessionOrder) {
    for (const e of score.sessions[sid]!.entries) {
      if (e.kind !== 'decision') continue;
      if (e.status === 'approved') approved += 1;
      else if (e.status === 'rejected') rejected += 1;
      else if (e.status === 'undone') approved -= 1;
    }
  }
  const session = score.sessions[info.sessionId] ?? (score.sessionOrder[0] !== undefined ? score.sessions[score.sessionOrder[0]] : undefined);
  const task = session?.task !== undefined ? score.tasks[session.task] : undefined;
  const summary: SessionSummary = {
    sessionId: info.sessionId,
    file: path.basename(info.file),
    size: info.size,
    mtimeMs: info.mtimeMs,
    eventCount,
    firstTs: score.firstTs,
    lastTs: score.lastTs,
    approved,
    rejected,
    inputTokens: session?.usage.inputTokens ?? 0,
    outputTokens: session?.usage.outputTokens ?? 0,
    costUsd: session?.usage.costUsd ?? 0,
    problems: problems.length,
    tornTail: tornTail !== undefined,
  };
  if (task) {
    summary.task = task.spec.id;
    summary.title = task.spec.title;
  }
  if (session?.agent) summary.agent = session.agent.label;
  if (session) summary.status = session.status;
  if (task?.outcome) summary.outcome = task.outcome;
  return summary;
}

async function refresh(
  folder: string,
  stored: Map<string, SessionSummary>,
  indexProblem: string | undefined,
  force = false,
): Promise<SessionIndexResult> {
  const journals = await listJournals(folder);
  const sessions: SessionSummary[] = [];
  const rebuilt: string[] = [];
  for (const info of journals) {
    const entry = stored.get(info.sessionId);
    if (!force && entry && entry.size === info.size && entry.mtimeMs === info.mtimeMs) {
      sessions.push(entry);
      continue;
    }
    sessions.push(await summarizeJournal(info));
    rebuilt.push(info.sessionId);
  }
  sessions.sort((a, b) => b.lastTs - a.lastTs || a.sessionId.localeCompare(b.sessionId));

  // Rewrite only when something changed: two windows loading the same folder should not churn it.
  const removedAny = [...stored.keys()].some((id) => !journals.some((j) => j.sessionId === id));
  const written = journals.length > 0 && (force || indexProblem !== undefined || rebuilt.length > 0 || removedAny);
  if (written) await writeIndex(folder, sessions);
  return { sessions, rebuilt, indexProblem, written };
}

async function readIndex(folder: string): Promise<{ entries: Map<string, SessionSummary>; problem?: string }> {
  const file = path.join(folder, INDEX_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { entries: new Map(), problem: `${file} does not exist yet` };
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { entries: new Map(), problem: `${file} is not valid JSON (${(err as Error).message}); it is rebuilt from the journals` };
  }
  const doc = parsed as { version?: unknown; sessions?: unknown };
  if (typeof doc !== 'object' || doc === null || doc.version !== INDEX_VERSION || typeof doc.sessions !== 'object' || doc.sessions === null) {
    return { entries: new Map(), problem: `${file} is not a version ${INDEX_VERSION} session index; it is rebuilt from the journals` };
  }
  const entries = new Map<string, SessionSummary>();
  // An entry that does not have the expected shape is simply not reused: its journal is re-read.
  for (const [id, value] of Object.entries(doc.sessions as Record<string, unknown>)) {
    if (isSummary(value) && value.sessionId === id) entries.set(id, value);
  }
  return { entries };
}

function isSummary(value: unknown): value is SessionSummary {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Record<string, unknown>;
  return (
    typeof s.sessionId === 'string' && typeof s.file === 'string' &&
    typeof s.size === 'number' && typeof s.mtimeMs === 'number' &&
    typeof s.eventCount === 'number' && typeof s.firstTs === 'number' && typeof s.lastTs === 'number' &&
    typeof s.problems === 'number' && typeof s.tornTail === 'boolean' &&
    typeof s.approved === 'number' && typeof s.rejected === 'number' &&
    typeof s.inputTokens === 'number' && typeof s.outputTokens === 'number' && typeof s.costUsd === 'number' &&
    (s.task === undefined || typeof s.task === 'string') &&
    (s.title === undefined || typeof s.title === 'string') &&
    (s.agent === undefined || typeof s.agent === 'string') &&
    (s.status === undefined || typeof s.status === 'string') &&
    (s.outcome === undefined || typeof s.outcome === 'string')
  );
}

/**
 * Writes the index to a temporary file and renames it over index.json, so a reader never sees half
 * an index. No fsync: after a crash an empty or old index is simply rebuilt.
 */
async function writeIndex(folder: string, sessions: SessionSummary[]): Promise<void> {
  const file = path.join(folder, INDEX_FILE);
  const tmp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  const doc = { version: INDEX_VERSION, sessions: Object.fromEntries(sessions.map((s) => [s.sessionId, s])) };
  try {
    await writeFile(tmp, JSON.stringify(doc, null, 1) + '\n');
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

/** The index operations under one name: `SessionIndex.load(folder)`, `SessionIndex.rebuild(folder)`. */
export const SessionIndex = {
  load: loadSessionIndex,
  rebuild: rebuildSessionIndex,
  summarize: summarizeJournal,
} as const;
