/**
 * Which sessions the view shows. The agent filter works on whole sessions (a session has one
 * agent), before the kind and text filters narrow each session's entries; the list and the
 * timeline both ask here, so they always show the same sessions.
 */
import type { ScoreState } from '../../../src/score';
import { filterEntries, type FilterMemo, type FilterSpec } from './entryFilter';

/** The distinct agent labels, in the order their sessions appeared. */
export function agentLabels(score: ScoreState): string[] {
  const seen = new Set<string>();
  for (const id of score.sessionOrder) {
    const label = score.sessions[id]!.agent?.label;
    if (label !== undefined) seen.add(label);
  }
  return [...seen];
}

export function visibleSessionIds(score: ScoreState, agent: string | 'all'): string[] {
  if (agent === 'all') return score.sessionOrder;
  return score.sessionOrder.filter((id) => score.sessions[id]!.agent?.label === agent);
}

/**
 * One filter memo per session, shared by the session's row and its timeline lane: the second to
 * ask after a batch gets the first one's result for a pointer comparison.
 */
const memos = new Map<string, FilterMemo>();

export function sessionFilter(session: string, entries: FilterMemo['entries'], spec: FilterSpec): FilterMemo {
  const memo = filterEntries(memos.get(session), entries, spec);
  memos.set(session, memo);
  return memo;
}

/** Lets go of sessions no longer in the score (after a reset), so their entries can be collected. */
export function forgetSessionsExcept(keep: readonly string[]): void {
  if (memos.size <= keep.length) return;
  const live = new Set(keep);
  for (const id of memos.keys()) if (!live.has(id)) memos.delete(id);
}
