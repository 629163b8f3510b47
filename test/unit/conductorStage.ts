/**
 * A conductor on real parts for tests: a temp git repository of the demo project, real rehearsal
 * agents (bundled as they ship), real journals, and the editor's file access done with the plain file
 * system. Every stage is torn down after each test.
 */

import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { AcpAdapter } from '../../src/agents/acp';
import type { PermissionAsk } from '../../src/agents/adapter';
import { Conductor, type ConductorHost } from '../../src/conductor/conductor';
import { loadJournalFolder } from '../../src/conductor/journalLibrary';
import { DEFAULT_PROFILES, type AgentProfile } from '../../src/conductor/profiles';
import { DEFAULT_NOTES } from '../../src/coherence/defaults';
import * as coherenceEngine from '../../src/coherence';
import { ScoreFeed } from '../../src/conductor/scoreFeed';
import { type HunkState, type PodiumEvent, type SessionState } from '../../src/score';
import { eventually, FIXTURE_SCRIPTS, rehearsalEntry, SHIPPED_SCRIPTS, tempRepo, type TempRepo } from '../fixtures/agents/harness';

export interface Stage {
  repo: TempRepo;
  storage: string;
  journals: string;
  feed: ScoreFeed;
  conductor: Conductor;
  asked: { session: string; ask: PermissionAsk }[];
  host: ConductorHost;
  events(): PodiumEvent[];
  /** What the rehearsal agent of the task's first session heard (its log file). */
  rehearsalLog(task: string): string;
}

/** The file the rehearsal's feature script edits, in the test repository. */
export const TALLY = 'src/core/tally.js';

const stages: Stage[] = [];

export async function stageFor(options: { cap?: number; trusted?: boolean; profiles?: AgentProfile[]; workspace?: string; notes?: string[]; briefAgents?: boolean; noProgressSec?: number } = {}): Promise<Stage> {
  const repo = tempRepo();
  const storage = realpathSync(mkdtempSync(path.join(tmpdir(), 'podium-storage-')));
  const journals = path.join(repo.outside, 'journals');
  const feed = new ScoreFeed({ folder: journals, label: 'test', readOnly: false });
  const entry = await rehearsalEntry();
  const asked: Stage['asked'] = [];
  const extra: AgentProfile[] = [
    { id: 'permission', label: 'Rehearsal: permission', kind: 'rehearsal', command: 'node', args: [], env: {}, script: path.join(SHIPPED_SCRIPTS, 'permission.json') },
    { id: 'slow', label: 'Rehearsal: slow', kind: 'rehearsal', command: 'node', args: [], env: {}, script: path.join(FIXTURE_SCRIPTS, 'slow.json') },
    { id: 'brief', label: 'Rehearsal: brief', kind: 'rehearsal', command: 'node', args: [], env: {}, script: path.join(FIXTURE_SCRIPTS, 'brief.json') },
    { id: 'missing', label: 'Not installed', kind: 'acp', command: 'podium-no-such-agent', args: [], env: {}, install: 'npm install -g podium-no-such-agent' },
    { id: 'api-down', label: 'Rehearsal: API down', kind: 'rehearsal', command: 'node', args: [], env: {}, script: path.join(FIXTURE_SCRIPTS, 'api-down.json') },
    { id: 'hang', label: 'Rehearsal: hangs', kind: 'rehearsal', command: 'node', args: [], env: {}, script: path.join(SHIPPED_SCRIPTS, 'hang.json') },
  ];
  const host: ConductorHost = {
    workspace: () => options.workspace ?? repo.worktree,
    storageDir: () => storage,
    journalFolder: () => journals,
    flushIntervalMs: () => 20,
    maxConcurrentAgents: () => options.cap ?? 4,
    noProgressSec: () => options.noProgressSec ?? 0,
    trusted: () => options.trusted ?? true,
    profiles: () => options.profiles ?? [...DEFAULT_PROFILES, ...extra],
    rehearsal: () => ({ entry, scriptsDir: SHIPPED_SCRIPTS }),
    secrets: async () => new Map(),
    permissionAsked: (_task, session, ask) => asked.push({ session, ask }),
    // The editor's part, done with the plain file system (the VS Code version is tested end to end).
    readWorkspaceFile: async (rel) => {
      try {
        return await readFile(path.join(options.workspace ?? repo.worktree, rel), 'utf8');
      } catch {
        return null;
      }
    },
    writeWorkspaceFile: async (rel, content) => {
      const file = path.join(options.workspace ?? repo.worktree, rel);
      if (content === null) await rm(file, { force: true });
      else {
        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(file, content);
      }
    },
    log: () => undefined,
    coherence: () => ({ notes: options.notes ?? DEFAULT_NOTES, briefAgents: options.briefAgents ?? true }),
    loadCoherence: async () => coherenceEngine,
  };
  const acp = new AcpAdapter({ graceMs: 1000 });
  const conductor = new Conductor(host, feed, { acp, rehearsal: acp });
  const s: Stage = {
    repo, storage, journals, feed, conductor, asked, host,
    events: () => s.feed.history() as PodiumEvent[],
    rehearsalLog: (task) => path.join(storage, 'rehearsal-logs', `${s.feed.state.tasks[task]!.sessions[0]}.jsonl`),
  };
  stages.push(s);
  return s;
}

afterEach(async () => {
  for (const s of stages.splice(0)) {
    await s.conductor.dispose();
    s.repo.cleanup();
    rmSync(s.storage, { recursive: true, force: true });
  }
});

/**
 * The window closes and a new one opens on the same workspace: the conductor is disposed (agents
 * stopped, journals closed), a new score is read from the journal folder, and a new conductor takes
 * up the open tasks. Resolves with the ids it took up.
 */
export async function reopenWindow(s: Stage): Promise<string[]> {
  await s.conductor.dispose();
  const loaded = await loadJournalFolder(s.journals);
  s.feed = new ScoreFeed({ folder: s.journals, label: 'test', readOnly: false });
  s.feed.reset(s.feed.source, loaded.events, loaded.problems);
  const acp = new AcpAdapter({ graceMs: 1000 });
  s.conductor = new Conductor(s.host, s.feed, { acp, rehearsal: acp });
  return s.conductor.adopt();
}

export interface SecondWindow {
  feed: ScoreFeed;
  conductor: Conductor;
  /** What `taskLost` told this window. */
  lost: string[];
  /** Reads the journal folder again and takes up what it can, as the window does on load. */
  reload(): Promise<string[]>;
}

/**
 * A second window on the same workspace while the first stays open: its own score read from the
 * journal folder and its own conductor, which takes up only what no live window holds.
 */
export async function secondWindow(s: Stage): Promise<SecondWindow> {
  const acp = new AcpAdapter({ graceMs: 1000 });
  const lost: string[] = [];
  const feed = new ScoreFeed({ folder: s.journals, label: 'second window', readOnly: false });
  const conductor = new Conductor({ ...s.host, taskLost: (_task, text) => lost.push(text) }, feed, { acp, rehearsal: acp });
  const w: SecondWindow = {
    feed, conductor, lost,
    reload: async () => {
      await conductor.flush();
      const loaded = await loadJournalFolder(s.journals);
      feed.reset(feed.source, loaded.events, loaded.problems);
      return conductor.adopt();
    },
  };
  seconds.push(w);
  await w.reload();
  return w;
}

const seconds: SecondWindow[] = [];
afterEach(async () => {
  for (const w of seconds.splice(0)) await w.conductor.dispose();
});

/** Hands out a task and waits until its turn has ended and its hunks are on the score; resolves with its id. */
export async function playTurn(s: Stage, title: string, agent = 'rehearsal', prompt = 'feature'): Promise<string> {
  const id = await s.conductor.createTask({ title, prompt, agent });
  await eventually(() => taskStatus(s, id) === 'finished:done', `"${title}" to end its turn`, 30_000);
  await s.conductor.restage(id);
  return id;
}

/** The task's hunks in staging order, optionally only those with `status`. */
export function hunksOf(s: Stage, task: string, status?: HunkState['status']): HunkState[] {
  const st = s.feed.state;
  return st.hunkOrder.map((id) => st.hunks[id]!).filter((h) => h.task === task && (!status || h.status === status));
}

export function sessionOf(s: Stage, taskId: string): SessionState {
  const task = s.feed.state.tasks[taskId];
  assert.ok(task, `task ${taskId} is on the score`);
  return s.feed.state.sessions[task.sessions[task.sessions.length - 1]!]!;
}

export function taskStatus(s: Stage, taskId: string): string {
  const t = s.feed.state.tasks[taskId];
  return t ? `${t.status}${t.outcome ? `:${t.outcome}` : ''}` : 'missing';
}

