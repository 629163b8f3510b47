/**
 * Commits: what the engineer's approvals of a task changed in the workspace, and committing exactly
 * those files, only ever on the engineer's request.
 */
import type { ScoreState, TaskSpec } from '../score';
import { runGit } from '../stage/git';

/** The workspace files approvals of the task changed, and a commit message drafted from the task. */
export function approvedChanges(state: ScoreState, spec: TaskSpec): { paths: string[]; message: string } {
  const paths = [...new Set(state.hunkOrder.map((id) => state.hunks[id]!).filter((h) => h.task === spec.id && h.status === 'applied').map((h) => h.hunk.path))];
  const message = `${spec.title}\n\n${spec.prompt}\n\nSigned off hunk by hunk in Podium (task ${spec.id}).`;
  return { paths, message };
}

/**
 * Commits the given workspace files (and only them) with the message in the engineer's repository;
 * resolves with the new commit's short id. Rejects without a workspace, without paths, or with git's
 * own words when git refuses (nothing staged, a hook…).
 */
export async function commitApproved(workspace: string | undefined, paths: string[], message: string): Promise<string> {
  if (!workspace) throw new Error('No workspace folder is open.');
  if (paths.length === 0) throw new Error('No approved change to commit.');
  await runGit(['add', '--', ...paths], { cwd: workspace });
  await runGit(['commit', '--only', '-m', message, '--', ...paths], { cwd: workspace });
  return (await runGit(['rev-parse', '--short', 'HEAD'], { cwd: workspace })).stdout.trim();
}
