/**
 * Whole files out of git's object store, byte for byte, and the ids git would give a file.
 *
 * `runGit` hands back text, which would mangle a binary file; so a blob is written to disk by git
 * itself: it goes into a private, one-entry index (`GIT_INDEX_FILE`) and `git checkout-index` writes
 * it out. That also applies what a checkout applies (line-ending conversion, smudge filters such as
 * Git LFS, the executable bit, symbolic links), so a restored file is what `git checkout` would give.
 * No one's real index is read or written.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readPathAtCommit } from './catFile';
import { stageGit, type GitCallOptions } from './stageError';

/**
 * The content of `blob` as a checkout of `filePath` with `mode` would write it: a Buffer, or for a
 * symbolic link (mode 120000) the link's target. `cwd` is any folder of the repository.
 */
export async function readBlob(cwd: string, blob: string, filePath: string, mode: string, options: GitCallOptions): Promise<Buffer> {
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'podium-blob-'));
  try {
    const out = path.join(scratch, 'out');
    await fs.mkdir(out);
    await withPrivateEntry(cwd, scratch, blob, filePath, mode, options, (env) =>
      stageGit(cwd, ['--literal-pathspecs', 'checkout-index', '-f', `--prefix=${out}${path.sep}`, '--', filePath], options, { env }),
    );
    const written = path.join(out, ...filePath.split('/'));
    const stat = await fs.lstat(written);
    return stat.isSymbolicLink() ? Buffer.from(await fs.readlink(written), 'utf8') : await fs.readFile(written);
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}

/**
 * Writes `blob` to `filePath` in the working tree at `root`, replacing what is there, as
 * `git checkout` would (mode, link, filters) but leaving that working tree's index alone.
 */
export async function checkoutBlob(root: string, blob: string, filePath: string, mode: string, options: GitCallOptions): Promise<void> {
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'podium-blob-'));
  try {
    await withPrivateEntry(root, scratch, blob, filePath, mode, options, (env) =>
      stageGit(root, ['--literal-pathspecs', 'checkout-index', '-f', '--', filePath], options, { env }),
    );
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}

async function withPrivateEntry<T>(
  cwd: string,
  scratch: string,
  blob: string,
  filePath: string,
  mode: string,
  options: GitCallOptions,
  fn: (env: Record<string, string>) => Promise<T>,
): Promise<T> {
  const env = { GIT_INDEX_FILE: path.join(scratch, `entry-${randomBytes(4).toString('hex')}.index`) };
  await stageGit(cwd, ['update-index', '--add', '--cacheinfo', `${mode},${blob},${filePath}`], options, { env });
  return fn(env);
}

/**
 * The object id git would store for the file at `filePath` (relative to `root`), clean filters and
 * line-ending conversion included, so it compares with the ids in a staged hunk. A symbolic link is
 * hashed as git stores it: its target.
 */
export async function hashWorktreeFile(root: string, filePath: string, idLength: number, options: GitCallOptions): Promise<string> {
  const absolute = path.join(root, ...filePath.split('/'));
  const stat = await fs.lstat(absolute);
  if (stat.isSymbolicLink()) return hashBlobContent(Buffer.from(await fs.readlink(absolute), 'utf8'), idLength);
  const out = await stageGit(root, ['--literal-pathspecs', 'hash-object', '--', filePath], options);
  return out.stdout.trim();
}

/** git's blob id of `content` (SHA-1, or SHA-256 for repositories that use it). */
export function hashBlobContent(content: Buffer, idLength: number): string {
  const hash = createHash(idLength === 64 ? 'sha256' : 'sha1');
  hash.update(`blob ${content.length}\0`);
  hash.update(content);
  return hash.digest('hex');
}

/**
 * The stored sizes of `paths` in `treeish` (a commit or tree), from `git ls-tree -l`. Paths go in
 * small batches so no command line grows past what any platform allows.
 */
export async function treeSizes(cwd: string, treeish: string, paths: readonly string[], options: GitCallOptions): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  for (const batch of pathBatches(paths)) {
    const out = await stageGit(cwd, ['--literal-pathspecs', 'ls-tree', '-l', '-z', '--full-tree', treeish, '--', ...batch], options);
    for (const record of out.stdout.split('\0')) {
      const m = /^\d{6} \w+ [0-9a-f]+ +(\d+|-)\t([\s\S]*)$/.exec(record);
      if (m && m[1] !== '-') sizes.set(m[2]!, Number(m[1]));
    }
  }
  return sizes;
}

/**
 * `paths` cut into groups short enough for one command line: Windows allows 32k characters in all,
 * so a group stays well under that whatever the path lengths.
 */
export function pathBatches(paths: readonly string[], maxCount = 100, maxChars = 8_000): string[][] {
  const batches: string[][] = [];
  let current: string[] = [];
  let chars = 0;
  for (const p of paths) {
    if (current.length > 0 && (current.length >= maxCount || chars + p.length + 1 > maxChars)) {
      batches.push(current);
      current = [];
      chars = 0;
    }
    current.push(p);
    chars += p.length + 1;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * A file's text at a commit (for example a task's base), or null when the commit has no such file.
 * Read through the repository's long-lived `git cat-file --batch` (catFile.ts).
 */
export async function readFileAtCommit(repo: string, commit: string, relPath: string): Promise<string | null> {
  const bytes = await readPathAtCommit(repo, commit, relPath);
  return bytes === null ? null : bytes.toString('utf8');
}
