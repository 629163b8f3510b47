/**
 * Hostile webview messages: messages generated from the protocol's own zod schemas (so every kind
 * the host accepts is covered, and a new one is covered the day it is added), then mutated the ways a
 * compromised or buggy page could: a field dropped, added, of the wrong type, too long, a prototype
 * key, a number that is not one. Each mutated message is refused with a reason that says what was
 * wrong; each valid one is carried out by a real conductor or refused with a sentence, and the host
 * lives on to play a task afterwards.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { z } from 'zod';
import { FromWebview, parseFromWebview } from '../../src/protocol';
import { eventually } from '../fixtures/agents/harness';
import { stageFor, taskStatus, type Stage } from '../unit/conductorStage';

type AnySchema = z.core.$ZodType;
interface Check { check: string; minimum?: number; maximum?: number; value?: number; inclusive?: boolean; format?: string; pattern?: RegExp }

function defOf(schema: AnySchema): Record<string, unknown> & { type: string } {
  return (schema as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
}
function checksOf(def: Record<string, unknown>): Check[] {
  return ((def.checks as { _zod: { def: Check } }[] | undefined) ?? []).map((c) => c._zod.def);
}

/** A fast-check arbitrary of values the schema accepts, read from the schema itself. */
function arbitraryOf(schema: AnySchema): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  const checks = checksOf(def);
  const min = checks.find((c) => c.check === 'min_length')?.minimum ?? 0;
  const max = checks.find((c) => c.check === 'max_length')?.maximum;
  switch (def.type) {
    case 'literal':
      return fc.constantFrom(...(def.values as unknown[]));
    case 'string': {
      // A string with a pattern (a commit id, say) is drawn from the pattern itself.
      const pattern = checks.find((c) => c.format === 'regex')?.pattern;
      if (pattern) return fc.stringMatching(pattern);
      // Mostly short, sometimes right at the limit; any code points, quotes, NULs and newlines.
      return fc.oneof(
        { weight: 5, arbitrary: fc.string({ minLength: min, maxLength: Math.min(max ?? 64, 64), unit: 'binary' }) },
        { weight: 1, arbitrary: fc.constant('x'.repeat(max ?? 1000)) },
      );
    }
    case 'number': {
      const int = checks.some((c) => c.check === 'number_format');
      const gt = checks.find((c) => c.check === 'greater_than');
      const lt = checks.find((c) => c.check === 'less_than');
      const lo = gt ? gt.value! + (gt.inclusive ? 0 : int ? 1 : Number.EPSILON * 1e6) : int ? -1e6 : -1e9;
      const hi = lt ? lt.value! : int ? 1e9 : 1e9;
      return int ? fc.integer({ min: Math.ceil(lo), max: Math.floor(hi) }) : fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true });
    }
    case 'optional':
      return fc.option(arbitraryOf(def.innerType as AnySchema), { nil: undefined });
    case 'array':
      return fc.array(arbitraryOf(def.element as AnySchema), { minLength: min, maxLength: Math.min(max ?? 5, 5) });
    case 'object': {
      const shape = def.shape as Record<string, AnySchema>;
      return fc.record(Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, arbitraryOf(v)]))).map((o) => {
        for (const k of Object.keys(o)) if ((o as Record<string, unknown>)[k] === undefined) delete (o as Record<string, unknown>)[k];
        return o;
      });
    }
    case 'union':
      return fc.oneof(...(def.options as AnySchema[]).map(arbitraryOf));
    default:
      throw new Error(`The test cannot yet generate a zod ${def.type}: teach arbitraryOf about it.`);
  }
}

const validMessage = arbitraryOf(FromWebview as unknown as AnySchema) as fc.Arbitrary<Record<string, unknown>>;

/** Ways to spoil a valid message, each one the schema must refuse. */
const spoiled = fc.tuple(validMessage, fc.nat(), fc.constantFrom('drop-type', 'unknown-type', 'extra-key', 'proto-key', 'wrong-type', 'too-long', 'not-a-number', 'not-an-object')).map(([m, pick, how]) => {
  const keys = Object.keys(m).filter((k) => k !== 'type');
  const key = keys.length ? keys[pick % keys.length]! : undefined;
  const copy: Record<string, unknown> = { ...m };
  switch (how) {
    case 'drop-type': delete copy.type; return copy;
    case 'unknown-type': return { ...copy, type: `${String(m.type)}/../../rm` };
    case 'extra-key': return { ...copy, deleteEverything: '/etc/passwd' };
    case 'proto-key': return JSON.parse(`{"type":${JSON.stringify(m.type)},"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}`) as unknown;
    case 'wrong-type': return key ? { ...copy, [key]: typeof copy[key] === 'string' ? 42 : 'forty-two' } : { ...copy, extra: 1 };
    case 'too-long': return key && typeof copy[key] === 'string' ? { ...copy, [key]: 'y'.repeat(100_001) } : { ...copy, huge: 'y'.repeat(100_001) };
    case 'not-a-number': return { ...copy, type: 'ready', protocol: Number.NaN };
    case 'not-an-object': return [m];
  }
  return copy;
});

/** Carries a valid intent out on the conductor, as the extension's intent handler does. */
async function carryOut(s: Stage, m: Record<string, unknown>): Promise<void> {
  const c = s.conductor;
  const str = (k: string) => String(m[k]);
  switch (m.type) {
    case 'task/stop': return c.stop(str('task'));
    case 'task/cancel': return c.cancel(str('task'));
    case 'task/restart': return c.restart(str('task'));
    case 'task/followUp': return c.followUp(str('task'), str('text'));
    case 'task/close': return c.close(str('task'), { deleteBranch: false });
    case 'permission/answer': return c.answerPermission(str('session'), str('request'), str('optionId'));
    case 'hunk/approve': await c.approve(str('hunk')); return;
    case 'hunk/reject': return c.reject(str('hunk'), m.reason as string | undefined);
    case 'hunk/undo': return c.undoApproval(str('hunk'));
    case 'task/approveClean': await c.approveClean(str('task')); return;
    case 'file/approve': await c.approveClean(str('task'), str('path')); return;
    case 'file/reject': await c.rejectAll(str('task'), m.reason as string | undefined, str('path')); return;
    case 'task/rejectAll': await c.rejectAll(str('task'), m.reason as string | undefined); return;
    default: return; // ready, openJournal, reportError… touch only the page and the log
  }
}

describe('faults: hostile webview messages', function () {
  this.timeout(120_000);

  it('every message the schemas describe is accepted, and every spoiled one refused with a reason', () => {
    fc.assert(fc.property(validMessage, (m) => {
      const r = parseFromWebview(m);
      assert.ok(r.ok, `a valid ${String(m.type)} was refused: ${r.ok ? '' : r.error}`);
    }), { numRuns: 2000 });
    fc.assert(fc.property(spoiled, (m) => {
      const r = parseFromWebview(m);
      assert.equal(r.ok, false, `accepted ${JSON.stringify(m).slice(0, 200)}`);
      if (!r.ok) assert.match(r.error, /^Podium ignored a webview message .+: .+/);
    }), { numRuns: 2000 });
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype was polluted');
  });

  it('valid intents naming things that do not exist are refused with a sentence, and the host plays on', async () => {
    const s = await stageFor();
    const task = await s.conductor.createTask({ title: 'Still here', prompt: 'x', agent: 'brief' });
    const intents = fc.sample(validMessage.filter((m) => String(m.type).includes('/') && m.type !== 'task/create'), 400);
    let refused = 0;
    for (const m of intents) {
      try {
        await carryOut(s, m);
      } catch (err) {
        refused += 1;
        assert.ok(err instanceof Error && err.message.length > 10, `a refusal says why: ${String(err)}`);
      }
    }
    assert.ok(refused > 0);
    // The host lives on: the task handed out before plays to its end, and a new one plays too.
    await eventually(() => taskStatus(s, task) === 'finished:done', 'the earlier task to finish', 30_000);
    const after = await s.conductor.createTask({ title: 'After the storm', prompt: 'y', agent: 'brief' });
    await eventually(() => taskStatus(s, after) === 'finished:done', 'a new task to play', 30_000);
    console.log(`      ${intents.length} generated intents carried out by a real conductor: ${refused} refused with a reason, none crashed it`);
  });
});
