/**
 * The demo's rehearsal plan: `.podium/rehearsal.json` in a workspace lists rehearsal tasks to hand
 * out when Podium opens there (the demo workspace has one). Only rehearsal profiles are allowed: a
 * plan file in a cloned repository must never start a real agent on its own.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
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
