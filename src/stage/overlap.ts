/**
 * When two hunks are about the same part of the same base file: used to say which new hunk supersedes
 * a vanished one on a re-diff, and to flag two tasks changing the same region as it happens.
 *
 * Hunks are compared on their OLD side (base path, base line range): that is the one thing two
 * re-diffs of a task, or two tasks started from the same snapshot, have in common.
 */
import { basePath, type Hunk, type LineHunk, type StagedFile } from './staged';

/**
 * Whether two hunks touch the same part of the same base file:
 * - line regions that overlap; an empty region (a pure insertion) touches a region it sits in or at
 *   either edge of, because where the inserted lines go relative to the other change is then ambiguous;
 * - a file-level hunk, or a line hunk that adds or deletes the whole file, touches every hunk of that path;
 * - a mode change touches mode changes, a rename touches renames; neither touches line edits.
 */
export function hunksTouch(a: Hunk, b: Hunk): boolean {
  if (basePath(a) !== basePath(b)) return false;
  if (coversWholeFile(a) || coversWholeFile(b)) return true;
  if (a.kind === 'lines' && b.kind === 'lines') return rangesTouch(a.oldStart, a.oldCount, b.oldStart, b.oldCount);
  return a.kind === b.kind;
}

function coversWholeFile(h: Hunk): boolean {
  return h.kind === 'file' || (h.kind === 'lines' && (h.status === 'added' || h.status === 'deleted'));
}

/** Half-open 1-based ranges [s, s + c); see `hunksTouch` for empty ones. */
export function rangesTouch(s1: number, c1: number, s2: number, c2: number): boolean {
  const e1 = s1 + c1;
  const e2 = s2 + c2;
  if (c1 > 0 && c2 > 0) return s1 < e2 && s2 < e1;
  return s1 <= e2 && s2 <= e1;
}

export interface OverlapSide {
  task: string;
  hunk: string;
}

export interface Overlap {
  /** The base path both hunks change. */
  path: string;
  a: OverlapSide;
  b: OverlapSide;
}

/**
 * Every pair of hunks, from two different tasks, that touch the same part of the same file (see
 * `hunksTouch`). Pass only the hunks still waiting for a decision. Each pair is reported once, with
 * `a` from the task listed first.
 *
 * Both sides are compared by their base line numbers. Tasks started from the same snapshot share one
 * base, and the comparison is exact. Tasks started at different moments have different snapshots,
 * and the same line number may then name different lines. They are compared the same way anyway:
 * between snapshots the engineer's edits move lines by a little, and a missed overlap costs more than
 * a warning that turns out to be about neighbouring lines.
 */
export function findOverlaps(tasks: readonly { task: string; files: readonly StagedFile[] }[]): Overlap[] {
  interface Entry {
    order: number;
    task: string;
    hunk: Hunk;
  }
  const byPath = new Map<string, Entry[]>();
  tasks.forEach(({ task, files }, order) => {
    for (const file of files) {
      for (const hunk of file.hunks) {
        const key = basePath(hunk);
        let list = byPath.get(key);
        if (!list) byPath.set(key, (list = []));
        list.push({ order, task, hunk });
      }
    }
  });

  const overlaps: Overlap[] = [];
  const report = (x: Entry, y: Entry, path: string) => {
    if (x.task === y.task) return;
    const [a, b] = x.order <= y.order ? [x, y] : [y, x];
    overlaps.push({ path, a: { task: a.task, hunk: a.hunk.id }, b: { task: b.task, hunk: b.hunk.id } });
  };

  for (const [path, entries] of byPath) {
    // Line edits are swept in order of their start, so a file with many hunks in both tasks costs
    // a sort, not every pair; the few other hunks are checked against everything.
    const edits = entries
      .filter((e): e is Entry & { hunk: LineHunk } => e.hunk.kind === 'lines' && !coversWholeFile(e.hunk))
      .sort((x, y) => x.hunk.oldStart - y.hunk.oldStart);
    const others = entries.filter((e) => !(e.hunk.kind === 'lines' && !coversWholeFile(e.hunk)));

    for (let i = 0; i < edits.length; i++) {
      const x = edits[i]!;
      const end = x.hunk.oldStart + x.hunk.oldCount;
      for (let j = i + 1; j < edits.length; j++) {
        const y = edits[j]!;
        if (y.hunk.oldStart > end) break;
        if (hunksTouch(x.hunk, y.hunk)) report(x, y, path);
      }
    }
    for (let i = 0; i < others.length; i++) {
      const x = others[i]!;
      for (let j = i + 1; j < others.length; j++) if (hunksTouch(x.hunk, others[j]!.hunk)) report(x, others[j]!, path);
      for (const y of edits) if (hunksTouch(x.hunk, y.hunk)) report(x, y, path);
    }
  }
  return overlaps;
}
