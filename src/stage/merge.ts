/**
 * Three-way merge of texts with `git merge-file`, the same line merge git uses for `git merge`, so
 * what merges cleanly here merges cleanly there and a conflict looks the same.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GitError } from './git';
import { stageGit, StageError, type GitCallOptions } from './stageError';

export interface MergeOutcome {
  clean: boolean;
  /** The merge; with conflict markers (diff3 style, base included) when not clean. */
  text: string;
}

export interface MergeLabels {
  ours: string;
  base: string;
  theirs: string;
}

const DEFAULT_LABELS: MergeLabels = { ours: 'workspace', base: 'task base', theirs: 'task' };

/**
 * Merges the change from `base` to `theirs` into `ours`. The common cases where one side is `base`
 * need no git at all; otherwise the three texts go to temporary files for `git merge-file -p --diff3`.
 * A text git can't merge (it holds NUL bytes) is reported as a conflict with no merged text.
 */
export async function mergeTexts(
  ours: string,
  base: string,
  theirs: string,
  options: GitCallOptions & { labels?: MergeLabels } = {},
): Promise<MergeOutcome> {
  if (ours === base || ours === theirs) return { clean: true, text: theirs };
  if (theirs === base) return { clean: true, text: ours };
  const labels = options.labels ?? DEFAULT_LABELS;
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'podium-merge-'));
  try {
    const files = ['ours', 'base', 'theirs'].map((name) => path.join(scratch, name));
    await Promise.all([fs.writeFile(files[0]!, ours), fs.writeFile(files[1]!, base), fs.writeFile(files[2]!, theirs)]);
    // merge-file needs no repository; the ceiling keeps git from looking for one above the scratch folder.
    const out = await stageGit(
      scratch,
      ['merge-file', '-p', '--diff3', '-L', labels.ours, '-L', labels.base, '-L', labels.theirs, ...files],
      options,
      // The exit code is the number of conflicts (at most 127); a negative one, 255, is an error.
      { okExitCodes: Array.from({ length: 127 }, (_, i) => i + 1), env: { GIT_CEILING_DIRECTORIES: scratch }, maxBuffer: 4 * (ours.length + base.length + theirs.length) + 1024 * 1024 },
    ).catch((error: unknown) => {
      const cause = error instanceof StageError ? error.cause : undefined;
      if (cause instanceof GitError && cause.failure === 'exit' && /binary/i.test(cause.stderr)) return undefined;
      throw error;
    });
    if (!out) return { clean: false, text: '' };
    return { clean: out.exitCode === 0, text: out.stdout };
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}
