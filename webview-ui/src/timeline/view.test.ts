/**
 * How the timeline and the session rows speak of time: tick labels as precise as their step needs,
 * dates where a score spans days (a task taken up days after its window died reaches from then to
 * now), and spans and durations in days once hours get long. Local time, pinned to UTC here.
 */
import assert from 'node:assert/strict';
import { duration } from '../shared/format';
import { rangeText, spanText, tickLabel, ticks } from './view';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (iso: string) => Date.parse(iso);

describe('the timeline’s words for time', () => {
  let tz: string | undefined;
  before(() => {
    tz = process.env.TZ;
    process.env.TZ = 'UTC';
  });
  after(() => {
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  });

  it('labels ticks as precisely as their step, and a day’s first tick with its date', () => {
    assert.equal(tickLabel(at('2025-03-14T09:30:05.250Z'), 250), '09:30:05.250');
    assert.equal(tickLabel(at('2025-03-14T09:30:05Z'), 5_000), '09:30:05');
    assert.equal(tickLabel(at('2025-03-14T09:30:00Z'), 300_000), '09:30');
    assert.equal(tickLabel(at('2025-03-15T00:00:00Z'), 6 * HOUR), '15 Mar');
    assert.equal(tickLabel(at('2025-03-15T00:00:00Z'), 2 * DAY), '15 Mar');
    assert.equal(tickLabel(at('2025-03-15T00:00:00Z'), 60 * DAY), '15 Mar 2025');
  });

  it('never labels every tick of a score spanning months "00:00"', () => {
    const r = { start: at('2025-03-14T09:29:28Z'), end: at('2026-11-24T06:21:32Z') };
    const grid = ticks(r, 1000);
    const labels = grid.times.map((t) => tickLabel(t, grid.step));
    assert.ok(labels.length >= 3);
    assert.ok(labels.every((l) => /^\d{1,2} [A-Z][a-z]{2}( \d{4})?$/.test(l)), labels.join(', '));
    assert.equal(new Set(labels).size, labels.length, 'each tick names a different day');
  });

  it('reads a range as times within a day, and with days and years when it spans more', () => {
    assert.equal(rangeText(at('2025-03-14T09:29:59Z'), at('2025-03-14T09:30:41Z')), '09:29:59 – 09:30:41');
    assert.equal(rangeText(at('2025-03-14T09:29:59.100Z'), at('2025-03-14T09:30:01.600Z')), '09:29:59.100 – 09:30:01.600');
    assert.equal(rangeText(at('2025-03-14T22:00:00Z'), at('2025-03-15T02:00:00Z')), '14 Mar 22:00 – 15 Mar 02:00');
    assert.equal(rangeText(at('2025-03-14T09:29:28Z'), at('2026-11-24T06:21:32Z')), '14 Mar 2025 09:29 – 24 Nov 2026 06:21');
  });

  it('says long spans and durations in days', () => {
    assert.equal(spanText(43_000), '43 s');
    assert.equal(spanText(3 * HOUR + 5 * 60_000), '3 h 5 min');
    assert.equal(spanText(47 * HOUR), '47 h');
    assert.equal(spanText(12 * DAY + 4 * HOUR + 20 * 60_000), '12 days 4 h');
    assert.equal(duration(27_000), '27s');
    assert.equal(duration(3 * HOUR + 65_000), '3h 01m');
    assert.equal(duration(619 * DAY + 21 * HOUR), '619d 21h');
  });
});
