/** Podium's settings, read in one place with their defaults and bounds. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_NOTES } from '../coherence/defaults';
import type { CoherenceSettings } from '../conductor/coherence';
import { DEFAULT_PROFILE, resolveProfiles, type AgentProfile } from '../conductor/profiles';
import { DEFAULT_SETUP_TIMEOUT_SEC, setupProblems, type WorktreePreparation } from '../conductor/setup';
import { carryRuleProblems, type CarryRule } from '../stage/carry';

export interface JournalSettings {
  /** Absolute folder of the session journals. */
  folder: string;
  flushIntervalMs: number;
}

/**
 * Resolves `podium.journal.folder`: an absolute path as given, a relative one against the first
 * workspace folder, or (no folder open) under the extension's global storage.
 */
export function journalSettings(globalStorage: vscode.Uri): JournalSettings {
  const config = vscode.workspace.getConfiguration('podium');
  const configured = config.get<string>('journal.folder', '.podium/journals').trim() || '.podium/journals';
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const folder = path.isAbsolute(configured)
    ? configured
    : root
      ? path.join(root, configured)
      : path.join(globalStorage.fsPath, 'journals');
  const flush = config.get<number>('journal.flushIntervalMs', 200);
  return { folder, flushIntervalMs: Math.min(5000, Math.max(10, Number.isFinite(flush) ? flush : 200)) };
}

export function affectsJournal(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration('podium.journal');
}

export interface AgentSettings {
  profiles: AgentProfile[];
  /** Sentences about ignored podium.agents entries. */
  problems: string[];
  defaultProfile: string;
  maxConcurrentAgents: number;
  /** `podium.noProgressSec`: seconds without output that stop a turn; 0 turns the limit off. */
  noProgressSec: number;
}

/** The no-progress limit's default: long enough for a model that thinks before it streams. */
export const DEFAULT_NO_PROGRESS_SEC = 120;

export function agentSettings(): AgentSettings {
  const config = vscode.workspace.getConfiguration('podium');
  const { profiles, problems } = resolveProfiles(config.get<unknown>('agents'));
  const wanted = config.get<string>('defaultAgent', DEFAULT_PROFILE);
  const defaultProfile = profiles.some((p) => p.id === wanted) ? wanted : DEFAULT_PROFILE;
  const cap = config.get<number>('maxConcurrentAgents', 4);
  const quiet = config.get<number>('noProgressSec', DEFAULT_NO_PROGRESS_SEC);
  return {
    profiles,
    problems,
    defaultProfile,
    maxConcurrentAgents: Math.min(32, Math.max(1, Number.isFinite(cap) ? Math.floor(cap) : 4)),
    noProgressSec: Number.isFinite(quiet) ? Math.min(24 * 3600, Math.max(0, Math.floor(quiet))) : DEFAULT_NO_PROGRESS_SEC,
  };
}

export function affectsAgents(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration('podium.agents') || e.affectsConfiguration('podium.defaultAgent') || e.affectsConfiguration('podium.maxConcurrentAgents');
}

export function worktreeSettings(): { deleteBranchOnClose: boolean } {
  return { deleteBranchOnClose: vscode.workspace.getConfiguration('podium').get<boolean>('worktrees.deleteBranchOnClose', false) === true };
}

/** Where the architecture notes are (globs relative to the workspace folder) and whether agents are briefed on them. */
export function coherenceSettings(): CoherenceSettings {
  const config = vscode.workspace.getConfiguration('podium');
  const notes = config.get<unknown>('coherence.notes');
  const globs = Array.isArray(notes) ? notes.filter((g): g is string => typeof g === 'string' && g.trim() !== '').map((g) => g.trim()) : [];
  return { notes: globs.length > 0 ? globs : DEFAULT_NOTES, briefAgents: config.get<boolean>('coherence.briefAgents', true) !== false };
}

export function affectsCoherence(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration('podium.coherence');
}

/**
 * What new task worktrees get before the agent enters: `podium.worktrees.carry`, `.setup` and
 * `.setupTimeoutSec`, read for the workspace folder tasks are made from. These are workspace
 * settings a cloned repository may bring; they are `restrictedConfigurations`, so VS Code ignores
 * the workspace's values until the workspace is trusted, and Podium runs nothing before that anyway.
 */
export function worktreePreparation(folder: vscode.Uri | undefined): { prep: WorktreePreparation; problems: string[] } {
  const config = vscode.workspace.getConfiguration('podium', folder);
  const setupValue = config.get<unknown>('worktrees.setup', []);
  const problems = setupProblems(setupValue);
  const setup = problems.length === 0 && Array.isArray(setupValue) ? (setupValue as string[][]) : [];
  const carry: CarryRule[] = [];
  for (const item of config.get<unknown[]>('worktrees.carry', []) ?? []) {
    if (typeof item === 'string') carry.push({ glob: item });
    else if (item && typeof item === 'object' && typeof (item as CarryRule).glob === 'string') {
      carry.push({ glob: (item as CarryRule).glob, readOnly: (item as CarryRule).readOnly === true });
    } else problems.push(vscode.l10n.t('{0}: {1} is neither a glob nor {2}; it is ignored.', 'podium.worktrees.carry', JSON.stringify(item), '{ "glob": …, "readOnly": … }'));
  }
  problems.push(...carryRuleProblems(carry));
  const timeout = config.get<number>('worktrees.setupTimeoutSec', DEFAULT_SETUP_TIMEOUT_SEC);
  const setupTimeoutSec = Math.min(86_400, Math.max(1, Number.isFinite(timeout) ? timeout : DEFAULT_SETUP_TIMEOUT_SEC));
  // A carry rule that leaves the workspace would fail every task; it is dropped and reported instead.
  return { prep: { setup, setupTimeoutSec, carry: carry.filter((r) => carryRuleProblems([r]).length === 0) }, problems };
}

export function affectsWorktreePreparation(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration('podium.worktrees.setup') || e.affectsConfiguration('podium.worktrees.carry') || e.affectsConfiguration('podium.worktrees.setupTimeoutSec');
}

/** How long the files of closed tasks' moments are kept for replay (days; 0 keeps them). */
export function replaySettings(): { retentionDays: number } {
  const days = vscode.workspace.getConfiguration('podium').get<number>('replay.retentionDays', 0);
  return { retentionDays: Number.isFinite(days) && days > 0 ? Math.floor(days) : 0 };
}
