/**
 * Budgets: what a task may spend (wall-clock time, tokens, cost) and the words that stop it when it
 * goes past. The conductor arms the timer and stops the agent; this says when and why.
 */
import type { EventBody, TaskSpec } from '../score';

/** When the task's wall-clock budget runs out, counted from its first entry; undefined without one. */
export function wallClock(spec: TaskSpec, firstStart: number, now: number): { inMs: number; what: string } | undefined {
  const limit = spec.budgets?.wallClockSec;
  if (!limit) return undefined;
  return { inMs: Math.max(0, limit * 1000 - (now - firstStart)), what: `ran past its wall-clock budget of ${limit} s` };
}

/** What a usage report puts past the task's token or cost budget, in words; undefined when within. */
export function overUsage(spec: TaskSpec, body: EventBody): string | undefined {
  if (body.type !== 'agent.usage') return undefined;
  const budgets = spec.budgets;
  const tokens = body.inputTokens + body.outputTokens;
  if (budgets?.tokens && tokens > budgets.tokens) return `used ${tokens} tokens, past its budget of ${budgets.tokens}`;
  if (budgets?.costUsd && (body.costUsd ?? 0) > budgets.costUsd) return `cost $${body.costUsd?.toFixed(4)}, past its budget of $${budgets.costUsd}`;
  return undefined;
}
