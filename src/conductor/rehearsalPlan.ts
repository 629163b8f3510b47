/**
 * The demo's rehearsal plan: `.podium/rehearsal.json` in a workspace lists rehearsal tasks to hand
 * out when Podium opens there (the demo workspace has one). Only rehearsal profiles are allowed: a
 * plan file in a cloned repository must never start a real agent on its own.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { z } from 'zod';
import { ensureJournalFolder, JournalLockedError, listJournals, scanJournal } from '../journal';
import { acquireLock } from '../journal/lock';
import type { AgentProfile } from './profiles';
import type { NewTask } from './conductor';

export const REHEARSAL_PLAN = '.podium/rehearsal.json';

const Plan = z.object({
  tasks: z
    .array(z.object({
      title: z.string().min(1).max(200),
      prompt: z.string().min(1).max(10_000),
      agent: z.string().min(1),
      /** Titles of earlier tasks in the plan this one waits for. */
      waitsFor: z.array(z.string()).optional(),
    }))
    .min(1)
    .max(20),
});

export interface PlannedTask extends Omit<NewTask, 'waitsFor'> {
  waitsForTitles: string[];
}

/** Reads and checks a plan; rejects with a message naming the file and what is wrong. */
export async function readRehearsalPlan(file: string, profiles: AgentProfile[]): Promise<PlannedTask[]> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file} is not readable JSON: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const parsed = Plan.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${file}: ${issue.message} at ${issue.path.join('.') || 'the top'}`);
  }
  const titles = new Set<string>();
  return parsed.data.tasks.map((t, i) => {
    const profile = profiles.find((p) => p.id === t.agent);
    if (!profile || profile.kind !== 'rehearsal') {
      throw new Error(`${file}: tasks.${i} uses "${t.agent}", but a rehearsal plan may only use rehearsal profiles.`);
    }
    for (const w of t.waitsFor ?? []) {
      if (!titles.has(w)) throw new Error(`${file}: tasks.${i} waits for "${w}", which is not an earlier task of the plan.`);
    }
    titles.add(t.title);
    return { title: t.title, prompt: t.prompt, agent: t.agent, waitsForTitles: t.waitsFor ?? [] };
  });
}

/** What `handOutPlanOnce` did. */
export type PlanOutcome =
  | { kind: 'started'; tasks: string[] }
  /** The journals already hold the plan's tasks: some window (any browser, any profile) played it. */
  | { kind: 'played' }
  /** Another window is handing the plan out right now. */
  | { kind: 'busy' };

export const PLAN_LOCK = 'rehearsal-plan.lock';

/**
 * Hands out the plan unless the journals show it was already played. The fact lives on disk, beside
 * every other fact: a VS Code for the Web window keeps `workspaceState` in the browser, so a second
 * browser (or profile) on the same workspace would see the plan as never started. Two windows
 * opening at once are kept apart by a lock in the journal folder that is held only while the
 * journals are read and the tasks created (their `task.created` is fsynced before it is released).
 */
export async function handOutPlanOnce(options: {
  planFile: string;
  journalFolder: string;
  profiles: AgentProfile[];
  handOut: (plan: PlannedTask[]) => Promise<string[]>;
}): Promise<PlanOutcome> {
  const plan = await readRehearsalPlan(options.planFile, options.profiles);
  await ensureJournalFolder(options.journalFolder);
  const lockFile = path.join(options.journalFolder, PLAN_LOCK);
  let lock: Awaited<ReturnType<typeof acquireLock>>;
  try {
    lock = await acquireLock(lockFile, lockFile);
  } catch (err) {
    if (err instanceof JournalLockedError) return { kind: 'busy' };
    throw err;
  }
  try {
    if (await journalsHoldPlan(options.journalFolder, plan)) return { kind: 'played' };
    return { kind: 'started', tasks: await options.handOut(plan) };
  } finally {
    await lock.release();
  }
}

/** Whether any journal in the folder created a task of the plan (same title, prompt and agent). */
export async function journalsHoldPlan(folder: string, plan: PlannedTask[]): Promise<boolean> {
  const planned = new Set(plan.map((t) => planKey(t.title, t.prompt, t.agent)));
  // createTask trims what it is given, so the journal holds the trimmed text.
  for (const { file } of await listJournals(folder)) {
    let found = false;
    await scanJournal(file, (events) => {
      found ||= events.some((e) => {
        const event = e as { type?: unknown; task?: { title?: unknown; prompt?: unknown; agent?: unknown } };
        return event.type === 'task.created' && planned.has(planKey(event.task?.title, event.task?.prompt, event.task?.agent));
      });
    }, { batchSize: 1024 });
    if (found) return true;
  }
  return false;
}

function planKey(title: unknown, prompt: unknown, agent: unknown): string {
  const text = (v: unknown) => (typeof v === 'string' ? v.trim() : v);
  return JSON.stringify([text(title), text(prompt), agent]);
}
