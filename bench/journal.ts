/**
 * The journal's benchmark: what appending costs against the way Cline and Roo Code persist task
 * history (the whole history rewritten as one JSON array file on every message), and what loading
 * a session costs against the least any JSONL loader must do (JSON.parse of each line).
 */
import { open, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { JournalWriter, loadJournal, scanJournal } from '../src/journal';
import type { EventBody, PodiumEvent } from '../src/score';
import { sessionBodies, sessionEvents } from './events';
import { result, time, type BenchContext, type BenchResult, type BenchSection } from './harness';

/** Appends arrive in bursts in a live session; yielding this often lets timed and early flushes run. */
const BURST = 500;

async function appendWithPodium(ctx: BenchContext, bodies: EventBody[]): Promise<number> {
  const folder = await ctx.tmpdir();
  return time(async () => {
    const writer = await JournalWriter.open(folder, 'bench', { flushIntervalMs: 200 });
    let ts = 1_750_000_000_000;
    for (let i = 0; i < bodies.length; i++) {
      writer.append(bodies[i]!, ts++);
      if (i % BURST === BURST - 1) await new Promise((r) => setImmediate(r));
    }
    await writer.close();
  });
}

/** Cline/Roo style: keep the history in memory and rewrite the whole file after every message. */
async function appendRewritingWholeFile(ctx: BenchContext, events: PodiumEvent[]): Promise<number> {
  const file = path.join(await ctx.tmpdir(), 'history.json');
  return time(async () => {
    const history: PodiumEvent[] = [];
    for (const event of events) {
      history.push(event);
      await writeFile(file, JSON.stringify(history));
    }
  });
}

/** The floor for loading a JSONL journal: read it in chunks and JSON.parse every line, nothing else. */
async function parseLines(file: string): Promise<number> {
  const fh = await open(file, 'r');
  let buf = Buffer.allocUnsafe(1 << 20);
  let filled = 0;
  let position = 0;
  let parsed = 0;
  try {
    for (;;) {
      if (filled === buf.length) buf = Buffer.concat([buf, Buffer.allocUnsafe(buf.length)]);
      const { bytesRead } = await fh.read(buf, filled, buf.length - filled, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      filled += bytesRead;
      const view = buf.subarray(0, filled);
      let start = 0;
      for (let nl = view.indexOf(10, start); nl !== -1; nl = view.indexOf(10, start)) {
        if (JSON.parse(buf.toString('utf8', start, nl)) !== null) parsed++;
        start = nl + 1;
      }
      buf.copy(buf, 0, start, filled);
      filled -= start;
    }
  } finally {
    await fh.close();
  }
  return parsed;
}

async function writeJournal(ctx: BenchContext, count: number, stepsPerTurn?: number): Promise<string> {
  const folder = await ctx.tmpdir();
  const writer = await JournalWriter.open(folder, 'big', { flushIntervalMs: 200 });
  let ts = 1_750_000_000_000;
  let i = 0;
  for (const body of sessionBodies(count, 7, stepsPerTurn)) {
    writer.append(body, ts++);
    if (++i % 10_000 === 0) await writer.flush();
  }
  await writer.close();
  return writer.file;
}

const rate = (events: number, ms: number): number => (events / ms) * 1000;
const fmt = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: n < 10 ? 2 : 0 });

const section: BenchSection = {
  title: 'Journal: appending events, and loading + reducing a session',
  async run(ctx) {
    const results: BenchResult[] = [];

    for (const n of ctx.quick ? [1_000] : [1_000, 5_000, 10_000]) {
      const bodies = [...sessionBodies(n)];
      const events = [...sessionEvents(n, 'bench')];
      const podium = await appendWithPodium(ctx, bodies);
      const baseline = await appendRewritingWholeFile(ctx, events);
      const r = result(`append ${n} events: journal vs whole-file JSON rewrite per event`, podium, baseline, 'ms');
      ctx.log(`append ${fmt(n)}: Podium ${fmt(podium)} ms, whole-file rewrite ${fmt(baseline)} ms → ${fmt(r.ratio!)}× faster`);
      results.push(r);
    }

    const alone = ctx.quick ? 20_000 : 100_000;
    const aloneMs = await appendWithPodium(ctx, [...sessionBodies(alone)]);
    ctx.log(`append ${fmt(alone)}: Podium ${fmt(aloneMs)} ms (${fmt(rate(alone, aloneMs))} events/s)`);
    results.push(result(`append ${alone} events: journal alone`, aloneMs, null, 'ms'));

    const loadN = ctx.quick ? 50_000 : 1_000_000;
    const file = await writeJournal(ctx, loadN);
    const bytes = (await stat(file)).size;
    ctx.log(`wrote a ${fmt(loadN)}-event journal: ${fmt(bytes / 1e6)} MB, ${fmt(bytes / loadN)} bytes per line`);

    // Best of two, alternating, so neither side is measured with a colder JIT or page cache.
    let floorMs = Infinity;
    let readMs = Infinity;
    let loadMs = Infinity;
    let entries = 0;
    for (let round = 0; round < 2; round++) {
      floorMs = Math.min(floorMs, await time(() => parseLines(file)));
      readMs = Math.min(readMs, await time(() => scanJournal(file, () => undefined)));
      loadMs = Math.min(loadMs, await time(async () => {
        const { score } = await loadJournal(file);
        entries = score.sessions.big?.entries.length ?? 0;
      }));
    }
    ctx.log(`JSON.parse of every line:       ${fmt(floorMs)} ms (${fmt(rate(loadN, floorMs))} events/s)`);
    ctx.log(`reader (layout + crc + parse):  ${fmt(readMs)} ms (${fmt(rate(loadN, readMs))} events/s)`);
    ctx.log(`reader + fold:                  ${fmt(loadMs)} ms (${fmt(rate(loadN, loadMs))} events/s), ${fmt(entries)} entries; fold alone ≈ ${fmt(loadMs - readMs)} ms`);
    results.push(result(`load + reduce ${loadN} events: reader + fold vs bare JSON.parse of the lines`, rate(loadN, loadMs), rate(loadN, floorMs), 'events/s'));
    results.push(result(`read + verify ${loadN} events (no fold) vs bare JSON.parse of the lines`, rate(loadN, readMs), rate(loadN, floorMs), 'events/s'));

    // One long autonomous turn: every message and thought entry stays open until the turn ends, and
    // the reducer's cost per closed tool call grows with the number of open entries. Kept small
    // because it is quadratic; it is here so a fix shows in the figures.
    const turnN = ctx.quick ? 5_000 : 20_000;
    const turnFile = await writeJournal(ctx, turnN, Infinity);
    const turnFloorMs = await time(() => parseLines(turnFile));
    const turnLoadMs = await time(() => loadJournal(turnFile));
    ctx.log(`one unbroken turn of ${fmt(turnN)} events: reader + fold ${fmt(turnLoadMs)} ms, JSON.parse ${fmt(turnFloorMs)} ms`);
    results.push(result(`load + reduce ${turnN} events in one unbroken turn vs bare JSON.parse`, rate(turnN, turnLoadMs), rate(turnN, turnFloorMs), 'events/s'));
    return results;
  },
};

export default section;
