/** The score's sign-off parts as one memoised value, for the queue and the warnings panel. */
import { useMemo } from 'react';
import type { SignOffScore } from './signOff';
import { usePodium } from '../app/usePodium';

/**
 * Subscribes to hunks, tasks and warnings only: agent messages and tool calls (most of the traffic) replace
 * the score but not these, so the sign-off views do not re-render for them.
 */
export function useSignOffScore(): SignOffScore {
  const hunks = usePodium((s) => s.score.hunks);
  const hunkOrder = usePodium((s) => s.score.hunkOrder);
  const tasks = usePodium((s) => s.score.tasks);
  const taskOrder = usePodium((s) => s.score.taskOrder);
  const warnings = usePodium((s) => s.score.warnings);
  const warningOrder = usePodium((s) => s.score.warningOrder);
  return useMemo(() => ({ hunks, hunkOrder, tasks, taskOrder, warnings, warningOrder }), [hunks, hunkOrder, tasks, taskOrder, warnings, warningOrder]);
}
