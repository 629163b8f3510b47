/**
 * Path confinement: every path an agent names (a file it reads or writes through ACP, the folder a
 * command runs in) is resolved against the task's worktree, symlinks included, and refused if it
 * leaves it. The worktree is the only place an agent may touch through Podium.
 *
 * Resolution: a relative path is taken from the worktree root, `..` is applied to the text, then the
 * deepest part of the path that exists is resolved with realpath; a symlink that points nowhere
 * (dangling) is followed by hand, because writing through it would create its target. Callers must
 * use the returned path, not the one they were given: the check holds for that path only.
 *
 * Limit: a check and the use that follows are not atomic. An agent that swaps a folder for a symlink
 * between the two could still escape; writers narrow that window by opening with O_NOFOLLOW.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

/** How many symlinks one path may go through before it is refused as a loop. */
const MAX_LINKS = 40;

export type RefusalReason = 'outside' | 'invalid' | 'loop';

/** A path an agent named was refused. The message names the path and why. */
export class PathEscapeError extends Error {
  readonly code = 'path-escape';

  constructor(
    readonly requested: string,
    readonly reason: RefusalReason,
    readonly root: string,
    readonly resolved?: string,
  ) {
    super(refusalMessage(requested, reason, root, resolved));
    this.name = 'PathEscapeError';
  }
}

function refusalMessage(requested: string, reason: RefusalReason, root: string, resolved?: string): string {
  const shown = JSON.stringify(requested);
  switch (reason) {
    case 'invalid':
      return `Refused path ${shown}: it is not a usable file path.`;
    case 'loop':
      return `Refused path ${shown}: it goes through too many symbolic links (a loop?).`;
    case 'outside':
      return resolved && resolved !== requested
        ? `Refused path ${shown}: it resolves to ${resolved}, outside the task's worktree ${root}.`
        : `Refused path ${shown}: it is outside the task's worktree ${root}.`;
  }
}

/**
 * Resolves `requested` (relative to `root`, or absolute) to a real absolute path inside `root`.
 * Promises: the result is `root` itself or lies under realpath(root), after every symlink on the way,
 * dangling ones included. Refuses with PathEscapeError: an empty path or one with a NUL byte
 * ('invalid'), a symlink loop ('loop'), anything that lands outside ('outside'). Rejects with the
 * file system's error when `root` itself does not exist.
 */
export async function confine(root: string, requested: string): Promise<string> {
  if (typeof requested !== 'string' || requested.length === 0 || requested.includes('\0')) {
    throw new PathEscapeError(String(requested), 'invalid', root);
  }
  const realRoot = await fsp.realpath(root);
  const lexical = path.resolve(root, requested);
  const real = await resolveReal(lexical, { links: 0 }, requested, root);
  if (!isInside(realRoot, real)) throw new PathEscapeError(requested, 'outside', root, real);
  return real;
}

/** True when `candidate` is `root` or lies under it (both absolute, already resolved). */
export function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}

/**
 * How a path is shown on the score: relative to the worktree (with `/`) when it lies inside it,
 * as given otherwise. Paths on the score must survive a replay on another machine.
 */
export function displayPath(root: string, realRoot: string | undefined, absolute: string): string {
  if (!path.isAbsolute(absolute)) return absolute.split(path.sep).join('/');
  for (const base of [root, realRoot]) {
    if (base && isInside(base, absolute)) {
      const rel = path.relative(base, absolute);
      return rel === '' ? '.' : rel.split(path.sep).join('/');
    }
  }
  return absolute;
}

async function resolveReal(p: string, budget: { links: number }, requested: string, root: string): Promise<string> {
  try {
    return await fsp.realpath(p);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new PathEscapeError(requested, 'loop', root);
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
  }
  const parent = path.dirname(p);
  if (parent === p) return p;
  const realParent = await resolveReal(parent, budget, requested, root);
  const here = path.join(realParent, path.basename(p));
  let isLink = false;
  try {
    isLink = (await fsp.lstat(here)).isSymbolicLink();
  } catch {
    // Does not exist: the rest of the path would be created under realParent.
  }
  if (!isLink) return here;
  // A symlink whose target does not exist: follow it by hand, since writing through it creates the target.
  budget.links += 1;
  if (budget.links > MAX_LINKS) throw new PathEscapeError(requested, 'loop', root);
  const target = await fsp.readlink(here);
  return resolveReal(path.resolve(realParent, target), budget, requested, root);
}
