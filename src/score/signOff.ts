/**
 * The rules that decide what the engineer is asked to sign off, written once: the host, the diff
 * editor's CodeLenses, the Problems panel and the webview all call these, so "awaiting sign-off",
 * "safe for a bulk approval" and "this hunk's warnings, most urgent first" cannot mean two things.
 *
 * Also `reconcileWarnings`: how a producer of warnings (sign-off's overlaps and staleness, coherence)
 * turns what it finds now into the events that make the score say the same, without raising anything
 * twice. The score is the only record of what is raised; no producer keeps a copy of its own.
 */
import type { EventBody, WarningKind, WarningRecord, WarningSeverity } from './events';
import type { HunkState, ScoreState, WarningState } from './state';

/** Undecided: pending, or approved but not applied because it conflicted. */
export function isAwaiting(h: HunkState): boolean {
  return h.status === 'pending' || h.status === 'conflict';
}

/** Hunks waiting for the engineer's decision, in staging order. */
export function hunksAwaitingSignOff(state: Pick<ScoreState, 'hunks' | 'hunkOrder'>): HunkState[] {
  const out: HunkState[] = [];
  for (const id of state.hunkOrder) {
    const h = state.hunks[id]!;
    if (isAwaiting(h)) out.push(h);
  }
  return out;
}

/** The undecided hunks of one task, in staging order. */
export function taskHunksAwaiting(state: Pick<ScoreState, 'hunks' | 'hunkOrder'>, task: string): HunkState[] {
  return hunksAwaitingSignOff(state).filter((h) => h.task === task);
}

/** What warnings read from the score. */
export type WarningScore = Pick<ScoreState, 'hunks' | 'warnings' | 'warningOrder'>;

/** Severity first, then the kind: what blocks an approval already given, then what breaks a rule, then what only needs care. */
export const WARNING_RANK: Record<WarningKind, number> = {
  conflict: 0,
  protected: 1,
  sensitive: 2,
  layer: 3,
  cycle: 4,
  dependency: 5,
  unparsable: 6,
  overlap: 7,
  scope: 8,
  balance: 9,
  stale: 10,
};

const SEVERITY_RANK: Record<WarningSeverity, number> = { error: 0, warning: 1, info: 2 };

export function compareWarnings(a: WarningRecord, b: WarningRecord): number {
  return SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || WARNING_RANK[a.kind] - WARNING_RANK[b.kind];
}

/**
 * A hunk's warnings, most urgent first: those raised on the hunk and those on its whole file (in its
 * task). A decided hunk has none: there is nothing left to decide.
 */
export function hunkWarnings(state: WarningScore, h: HunkState): WarningState[] {
  if (!isAwaiting(h)) return [];
  const out: WarningState[] = [];
  for (const id of h.warnings) {
    const w = state.warnings[id];
    if (w) out.push(w);
  }
  for (const w of fileWarnings(state, h.task, h.hunk.path)) out.push(w);
  return out.sort(compareWarnings);
}

/** Warnings on a whole file of a task (no hunk named), most urgent first. */
export function fileWarnings(state: WarningScore, task: string, path: string): WarningState[] {
  const out: WarningState[] = [];
  for (const id of state.warningOrder) {
    const w = state.warnings[id]!;
    if (w.task === task && w.hunk === undefined && w.path === path) out.push(w);
  }
  return out.sort(compareWarnings);
}

/** Warnings on a task as a whole (neither hunk nor file named), most urgent first. */
export function taskWarnings(state: WarningScore, task: string): WarningState[] {
  const out: WarningState[] = [];
  for (const id of state.warningOrder) {
    const w = state.warnings[id]!;
    if (w.task === task && w.hunk === undefined && w.path === undefined) out.push(w);
  }
  return out.sort(compareWarnings);
}

/**
 * Every warning the engineer should see: on undecided hunks, on files that still have one, and on
 * tasks. A warning on a decided hunk is history, not something to act on.
 */
export function visibleWarnings(state: WarningScore): WarningState[] {
  const out: WarningState[] = [];
  for (const id of state.warningOrder) {
    const w = state.warnings[id]!;
    if (w.hunk !== undefined) {
      const h = state.hunks[w.hunk];
      if (!h || !isAwaiting(h)) continue;
    }
    out.push(w);
  }
  return out;
}

/** Counts of visible warnings by severity, for one task or all of them. */
export function warningCounts(state: WarningScore, task?: string): Record<WarningSeverity, number> {
  const counts: Record<WarningSeverity, number> = { error: 0, warning: 0, info: 0 };
  for (const w of visibleWarnings(state)) if (task === undefined || w.task === task) counts[w.severity] += 1;
  return counts;
}

/**
 * True when a bulk approval ("approve all without warnings", "approve file") may take the hunk:
 * pending (never a conflict) and without a single warning on it or on its file.
 */
export function isBulkSafe(state: WarningScore, h: HunkState): boolean {
  return h.status === 'pending' && hunkWarnings(state, h).length === 0;
}

/** The shortest form of a warning, for a screen reader's summary of a hunk or a CodeLens. */
export function warningShort(w: WarningRecord): string {
  switch (w.kind) {
    case 'conflict':
      return 'conflict';
    case 'overlap':
      return `overlaps “${w.other?.title ?? 'another task'}”`;
    case 'stale':
      return 'you edited this region';
    case 'unparsable':
      return 'does not parse';
    default:
      return w.rule ? `breaks ${w.rule}` : `${w.kind} warning`;
  }
}

/**
 * The events that make the score's warnings in a scope match `desired`: a warning raised where the
 * score lacks it or says something else, cleared where it is no longer desired. `inScope` says which of
 * the score's warnings this producer answers for (its kinds, its task…); warnings outside it are never
 * touched. Raising what is already raised, word for word, yields nothing, so running this again (after
 * a reload, say) changes nothing.
 */
export function reconcileWarnings(
  state: Pick<ScoreState, 'warnings' | 'warningOrder'>,
  inScope: (w: WarningRecord) => boolean,
  desired: readonly WarningRecord[],
): EventBody[] {
  const events: EventBody[] = [];
  const wanted = new Map<string, WarningRecord>();
  for (const w of desired) wanted.set(w.id, w);
  for (const id of state.warningOrder) {
    const w = state.warnings[id]!;
    if (inScope(w) && !wanted.has(id)) events.push({ type: 'warning.cleared', id, task: w.task });
  }
  for (const w of wanted.values()) {
    const existing = state.warnings[w.id];
    if (!existing || !sameWarning(existing, w)) events.push({ type: 'warning.raised', warning: w });
  }
  return events;
}

function sameWarning(a: WarningState, b: WarningRecord): boolean {
  const { session: _s, raisedTs: _t, ...raised } = a;
  return stableJson(raised) === stableJson(b);
}

function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === undefined || v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v as Record<string, unknown>).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) sorted[k] = x;
    }
    return sorted;
  });
}

/**
 * The reason a rejection gives the agent when the engineer rejects a hunk for a warning's rule: the
 * rule, where it is written, the sentence, and the notes' own words, so the agent hears the rule as
 * the team wrote it.
 */
export function ruleReason(w: WarningRecord): string {
  const where = w.source ? ` (${w.source.file}:${w.source.line})` : '';
  const rule = w.rule ? `It breaks the rule “${w.rule}”${where}: ` : '';
  const prose = w.prose ? `\nThe architecture notes say:\n${w.prose}` : '';
  return `${rule}${w.text}${prose}`;
}
