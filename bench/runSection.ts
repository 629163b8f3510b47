/**
 * Runs one benchmark section in this process and writes its results as JSON.
 * Usage (from scripts/bench.mjs): node --expose-gc --import tsx bench/runSection.ts <section.ts> <out.json> [--quick]
 */
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { runSection, type BenchSection } from './harness';

async function main(): Promise<void> {
  const [modulePath, outFile, ...flags] = process.argv.slice(2);
  if (!modulePath || !outFile) throw new Error('usage: runSection.ts <section.ts> <out.json> [--quick]');
  const mod = (await import(pathToFileURL(path.resolve(modulePath)).href)) as { default: BenchSection | { default: BenchSection } };
  // A CommonJS-compiled module arrives wrapped once more.
  const section = 'run' in mod.default ? mod.default : mod.default.default;
  process.stdout.write(`\n${section.title}\n`);
  const results = await runSection(section, flags.includes('--quick'));
  await writeFile(outFile, JSON.stringify(results));
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
