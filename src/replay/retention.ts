/**
 * How long a closed task's files are kept for replay: its moments (refs/podium/history/<task>) are let
 * go once its newest one is older than the retention; git's garbage collection then reclaims them.
 * Journals are never touched by this.
 */
import { dropHistory, listHistories } from '../stage/history';

/**
 * Drops the kept moments of tasks that are closed and whose newest moment is older than `days`
 * (0: keep them). Resolves with the tasks whose moments were dropped.
 */
export async function applyRetention(repo: string, days: number, closedTasks: ReadonlySet<string>): Promise<string[]> {
  if (!(days > 0)) return [];
  const cutoff = Date.now() - days * 86_400_000;
  const dropped: string[] = [];
  for (const h of await listHistories(repo)) {
    if (!closedTasks.has(h.task) || h.committedMs >= cutoff) continue;
    if (await dropHistory(repo, h.task)) dropped.push(h.task);
  }
  return dropped;
}
