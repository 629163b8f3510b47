/**
 * Failures of the staging engine, as values the engineer (or the conductor on their behalf) can act
 * on, and the one way the engine runs git: through `runGit`, with git's own failures turned into them.
 */
import { GitError, GitNotFoundError, runGit, type GitResult, type GitRunOptions } from './git';

export type StageErrorCode =
  /** git can't be started. */
  | 'git-missing'
  /** The worktree folder is not in a git repository. */
  | 'not-a-repository'
  /** The worktree does not belong to the workspace's repository. */
  | 'not-this-repository'
  /** The base commit is not in the repository (a garbage-collected snapshot, a typo). */
  | 'unknown-base'
  /** A hunk does not fit the base text it was given: the caller mixed up files or bases. */
  | 'hunk-mismatch'
  /** A file-level hunk's content is needed and no repository was given to read it from. */
  | 'needs-repository'
  /** A path that would leave the worktree (`..`, absolute, through a symbolic link, into `.git`). */
  | 'unsafe-path'
  /** Any other git failure; `cause` is the `GitError`. */
  | 'git-failed';

export class StageError extends Error {
  override readonly name = 'StageError';

  constructor(
    readonly code: StageErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface GitCallOptions {
  gitPath?: string;
  signal?: AbortSignal;
}

/** Runs git, turning a missing git into `git-missing` and any other failure into `git-failed`. */
export async function stageGit(
  cwd: string,
  args: readonly string[],
  options: GitCallOptions,
  extra: Partial<GitRunOptions> = {},
): Promise<GitResult> {
  try {
    return await runGit(args, { cwd, gitPath: options.gitPath, signal: options.signal, ...extra });
  } catch (error) {
    throw asStageError(error);
  }
}

export function asStageError(error: unknown): Error {
  if (error instanceof StageError) return error;
  if (error instanceof GitNotFoundError) return new StageError('git-missing', error.message, { cause: error });
  if (error instanceof GitError) return new StageError('git-failed', error.message, { cause: error });
  return error instanceof Error ? error : new Error(String(error));
}
