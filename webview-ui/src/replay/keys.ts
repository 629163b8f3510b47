/**
 * The scrubber's keys, in one table: the handler, the `?` help and the scrubber's own description
 * all read it, so what is documented is what runs.
 */
import type { StepKind } from '../../../src/score';
import type { MessageKey } from '../shared/l10n';
import type { ReplayActions, Speed } from './slice';

export interface ReplayKey {
  /** As the help shows it (key names, not words). */
  keys: string;
  /** What the keys do, as a key of the message table. */
  what: MessageKey;
}

export const REPLAY_KEYS: readonly ReplayKey[] = [
  { keys: 'Space', what: 'replay.key.play' },
  { keys: '1 / 2 / 3', what: 'replay.key.speed' },
  { keys: '← / →', what: 'replay.key.entry' },
  { keys: 'D / Shift+D', what: 'replay.key.decision' },
  { keys: 'W / Shift+W', what: 'replay.key.warning' },
  { keys: 'S / Shift+S', what: 'replay.key.staging' },
  { keys: 'Home / End', what: 'replay.key.edges' },
  { keys: 'M', what: 'replay.key.mark' },
  { keys: 'Escape', what: 'replay.key.live' },
];

const STEP_KEYS: Record<string, StepKind> = { d: 'decision', w: 'warning', s: 'staging' };
const SPEED_KEYS: Record<string, Speed> = { '1': 1, '2': 10, '3': 100 };

/**
 * Carries out the replay command a key names; true when it was one (the caller then prevents the
 * default). Keys with Ctrl, Alt or Meta are never the scrubber's.
 */
export function handleReplayKey(e: { key: string; shiftKey: boolean; ctrlKey: boolean; altKey: boolean; metaKey: boolean }, actions: ReplayActions): boolean {
  if (e.ctrlKey || e.altKey || e.metaKey) return false;
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (key === ' ') return actions.togglePlay(), true;
  if (key in SPEED_KEYS) {
    actions.setSpeed(SPEED_KEYS[key]!);
    return true;
  }
  if (key === 'ArrowRight' || key === 'ArrowLeft') return actions.step('entry', key === 'ArrowRight' ? 1 : -1), true;
  if (key in STEP_KEYS) return actions.step(STEP_KEYS[key]!, e.shiftKey ? -1 : 1), true;
  if (key === 'Home' || key === 'End') return actions.seekEdge(key === 'Home' ? 'start' : 'end'), true;
  if (key === 'm') return actions.toggleMark(), true;
  if (key === 'Escape') return actions.goLive(), true;
  return false;
}
