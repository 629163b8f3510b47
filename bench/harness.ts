/**
 * What every benchmark section shares: the shape of a result, the context a section runs in, and
 * timing. A section is a module whose default export is a `BenchSection`; `scripts/bench.mjs` runs
 * each in its own Node process, in turn, and prints all results in one table.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * One line of the results. `ratio` says how many times better Podium does than the baseline, whatever
 * the unit: baseline/podium for times ('ms'), podium/baseline for rates ('events/s'). Podium-only
 * figures (and shares of a core, megabytes) have no baseline and no ratio.
 */
export interface BenchResult {
  name: string;
  podium: number;
  baseline: number | null;
  unit: 'ms' | 'events/s' | '%' | 'MB';
  ratio: number | null;
}

export interface BenchContext {
  /** Smaller sizes, for checking that the benchmark runs rather than for figures. */
  quick: boolean;
  /** Progress for the console; results go in the returned array. */
  log(line: string): void;
  /** A fresh temporary folder, removed when the section ends. */
  tmpdir(): Promise<string>;
}

export interface BenchSection {
  title: string;
  run(ctx: BenchContext): Promise<BenchResult[]>;
}

export function result(name: string, podium: number, baseline: number | null, unit: BenchResult['unit']): BenchResult {
  const ratio = baseline === null ? null : unit === 'ms' ? baseline / podium : podium / baseline;
  return { name, podium, baseline, unit, ratio };
}

/** Wall-clock milliseconds of `fn`, after a garbage collection when the process allows one. */
export async function time(fn: () => unknown): Promise<number> {
  collectGarbage();
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Runs a section with its context; temporary folders are removed even when it fails. */
export async function runSection(section: BenchSection, quick: boolean): Promise<BenchResult[]> {
  const folders: string[] = [];
  const ctx: BenchContext = {
    quick,
    log: (line) => process.stdout.write(`  ${line}\n`),
    tmpdir: async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'podium-bench-'));
      folders.push(dir);
      return dir;
    },
  };
  try {
    return await section.run(ctx);
  } finally {
    for (const dir of folders) await rm(dir, { recursive: true, force: true });
  }
}
