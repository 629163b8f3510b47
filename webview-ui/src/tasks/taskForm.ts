/**
 * The new-task form's fields and their validation, kept apart from the component so the rules
 * read in one place. The limits mirror the `task/create` schema in src/protocol.ts: the host would
 * refuse anything outside them, so the form says so before sending rather than after.
 */
import type { FromWebview } from '../../../src/protocol';
import { t } from '../shared/l10n';

export interface TaskFields {
  title: string;
  prompt: string;
  agent: string;
  waitsFor: string[];
  /** Paths the task is meant to touch, as typed: globs separated by commas or new lines. */
  scope: string;
  /** Budgets as typed; empty means no limit. Times are asked in minutes, sent in seconds. */
  wallClockMin: string;
  tokens: string;
  costUsd: string;
  idleMin: string;
}

export type FieldErrors = Partial<Record<keyof TaskFields, string>>;

type CreateTask = Extract<FromWebview, { type: 'task/create' }>;

const TITLE_MAX = 200;
const PROMPT_MAX = 100_000;
const WAITS_MAX = 50;
const SCOPE_MAX = 100;

/** The globs typed in the scope field: separated by commas or new lines, blanks dropped. */
export function scopeGlobs(text: string): string[] {
  return [...new Set(text.split(/[,\n]/).map((g) => g.trim()).filter(Boolean))];
}

/** The message to post, or what is wrong with each field. */
export function buildCreateTask(f: TaskFields, profiles: ReadonlySet<string>): { message: CreateTask } | { errors: FieldErrors } {
  const errors: FieldErrors = {};
  const title = f.title.trim();
  const prompt = f.prompt.trim();
  if (title === '') errors.title = t('taskForm.error.title');
  else if (title.length > TITLE_MAX) errors.title = t('taskForm.error.maxChars', { count: TITLE_MAX });
  if (prompt === '') errors.prompt = t('taskForm.error.prompt');
  else if (prompt.length > PROMPT_MAX) errors.prompt = t('taskForm.error.maxChars', { count: PROMPT_MAX });
  if (!profiles.has(f.agent)) errors.agent = t('taskForm.error.agent');
  if (f.waitsFor.length > WAITS_MAX) errors.waitsFor = t('taskForm.error.waits', { count: WAITS_MAX });
  const scope = scopeGlobs(f.scope);
  if (scope.length > SCOPE_MAX) errors.scope = t('taskForm.error.maxPaths', { count: SCOPE_MAX });
  else if (scope.some((g) => g.length > 1000)) errors.scope = t('taskForm.error.pathLength', { count: 1000 });
  else if (scope.some((g) => g.startsWith('/') || g.split('/').includes('..'))) errors.scope = t('taskForm.error.relative');

  const wallClockMin = budget(f.wallClockMin, 'wallClockMin', errors, { max: 7 * 24 * 60, maxText: () => t('taskForm.error.maxWallClock', { days: 7, minutes: 7 * 24 * 60 }) });
  const tokens = budget(f.tokens, 'tokens', errors, { integer: true });
  const costUsd = budget(f.costUsd, 'costUsd', errors, { max: 10_000, maxText: () => t('taskForm.error.maxCost', { usd: 10_000 }) });
  const idleMin = budget(f.idleMin, 'idleMin', errors, { max: 24 * 60, maxText: () => t('taskForm.error.maxIdle', { hours: 24, minutes: 24 * 60 }) });
  if (Object.keys(errors).length > 0) return { errors };

  const budgets: NonNullable<CreateTask['budgets']> = {};
  if (wallClockMin !== undefined) budgets.wallClockSec = Math.max(1, Math.round(wallClockMin * 60));
  if (tokens !== undefined) budgets.tokens = tokens;
  if (costUsd !== undefined) budgets.costUsd = costUsd;
  if (idleMin !== undefined) budgets.idleSec = Math.max(1, Math.round(idleMin * 60));

  const message: CreateTask = { type: 'task/create', title, prompt, agent: f.agent };
  if (f.waitsFor.length > 0) message.waitsFor = [...f.waitsFor];
  if (scope.length > 0) message.scope = scope;
  if (Object.keys(budgets).length > 0) message.budgets = budgets;
  return { message };
}

function budget(
  raw: string,
  field: keyof TaskFields,
  errors: FieldErrors,
  limits: { max?: number; maxText?: () => string; integer?: boolean },
): number | undefined {
  const text = raw.trim().replace(/[,_\s]/g, '').replace(/^\$/, '');
  if (text === '') return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) {
    errors[field] = t('taskForm.error.positive');
    return undefined;
  }
  if (limits.integer && !Number.isInteger(n)) {
    errors[field] = t('taskForm.error.wholeTokens');
    return undefined;
  }
  if (limits.max !== undefined && n > limits.max) {
    errors[field] = t('taskForm.error.atMost', { max: limits.maxText?.() ?? limits.max });
    return undefined;
  }
  return n;
}
