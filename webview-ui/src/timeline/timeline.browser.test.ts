/**
 * The timeline: one lane per session on one shared time axis, drawn on a canvas. Tests find a
 * mark where the engineer would (from the axis the plot reports and the entry's time), click, zoom
 * and pan with mouse and keyboard, and check that 100k entries cost no DOM nodes.
 */
import assert from 'node:assert/strict';
import type { Locator } from 'playwright-core';
import { fold, sessionLabel, type Entry } from '../../../src/score';
import { count, eventually, openScore, recordedFixture, type ScoreView } from '../../test-harness/harness';

const fixture = recordedFixture('recorded-conductor.json');
const expected = fold(fixture.events);
const LANE = 22;

async function open(options: { theme?: 'dark' | 'light'; height?: number } = {}): Promise<ScoreView> {
  const view = await openScore({ width: 1280, height: options.height ?? 900, theme: options.theme });
  await view.post({ type: 'config', config: fixture.config });
  await view.load(fixture);
  return view;
}

const plotOf = (view: ScoreView): Locator => view.page.getByTestId('timeline-plot');

async function visibleRange(view: ScoreView): Promise<{ start: number; end: number }> {
  const plot = plotOf(view);
  return { start: Number(await plot.getAttribute('data-start')), end: Number(await plot.getAttribute('data-end')) };
}

/** The range once the plot has drawn what the last input asked for (it draws on the next frame). */
async function rangeAfterInput(view: ScoreView): Promise<{ start: number; end: number }> {
  await view.page.evaluate(() => new Promise((resolve) => (globalThis as unknown as { requestAnimationFrame(f: () => void): void }).requestAnimationFrame(() => resolve(null))));
  return visibleRange(view);
}

/** Where an entry's mark is on screen: x from its time on the plot's axis, y from its session's lane. */
async function markPosition(view: ScoreView, session: string, entry: Entry): Promise<{ x: number; y: number }> {
  const box = (await plotOf(view).boundingBox())!;
  const { start, end } = await visibleRange(view);
  const lane = expected.sessionOrder.indexOf(session);
  return { x: box.x + ((entry.ts - start) / (end - start)) * box.width, y: box.y + lane * LANE + LANE / 2 };
}

/**
 * The colour of one pixel of a canvas of the plot (a session's lane, or the `over` layer with the
 * now line and the selection), in CSS pixels from that canvas's corner.
 */
function pixel(view: ScoreView, canvas: { session: string } | 'over', x: number, y: number): Promise<[number, number, number, number]> {
  const selector = canvas === 'over' ? 'canvas[data-layer="over"]' : `canvas[data-session="${canvas.session}"]`;
  return plotOf(view)
    .locator(selector)
    .evaluate(
      (canvas, [px, py]) => {
        const c = canvas as unknown as { width: number; getBoundingClientRect(): { width: number }; getContext(k: string): { getImageData(x: number, y: number, w: number, h: number): { data: number[] } } };
        const scale = c.width / c.getBoundingClientRect().width;
        return [...c.getContext('2d').getImageData(Math.round(px! * scale), Math.round(py! * scale), 1, 1).data] as [number, number, number, number];
      },
      [x, y],
    );
}

const near = (a: number[], b: number[], tolerance = 3) => a.every((v, i) => Math.abs(v - b[i]!) <= tolerance);

describe('The timeline', () => {
  it('draws one lane per session, labelled, on one time axis spanning the whole score', async () => {
    const view = await open();
    const timeline = view.page.getByRole('region', { name: 'Timeline' });
    const lanes = timeline.locator('[data-lane]');
    assert.equal(await lanes.count(), expected.sessionOrder.length);
    assert.deepEqual(await lanes.locator('.timeline-lane-name').allInnerTexts(), expected.sessionOrder.map((id) => sessionLabel(expected, expected.sessions[id]!)));
    // A restarted task's second session says which run it is.
    assert.match(await timeline.locator('[data-lane="sess-e6"]').innerText(), /Speed up the JSON parser\s*run 2/);
    // Canvas, not DOM: a canvas per lane, one under and one over them, one for the axis,
    // however many marks.
    assert.equal(await timeline.locator('.timeline-body canvas').count(), expected.sessionOrder.length + 3);
    const { start, end } = await visibleRange(view);
    assert.ok(start <= expected.firstTs && end >= expected.lastTs, 'the fitted axis spans every event');
    assert.equal(await plotOf(view).getAttribute('aria-roledescription'), 'timeline');
    assert.match((await plotOf(view).getAttribute('aria-label'))!, /Timeline of 7 sessions/);
    assert.match(await timeline.getByTestId('timeline-range').innerText(), /09:29:59 – 09:30:41 · 43 s/);
  });

  it('selects the entry of a clicked mark, opens its detail and scrolls the list to it', async () => {
    const view = await open();
    const entry = expected.sessions['sess-a1']!.entries.find((e) => e.kind === 'command')!;
    const { x, y } = await markPosition(view, 'sess-a1', entry);
    await view.page.mouse.click(x, y);

    const detail = view.page.getByTestId('entry-detail');
    await detail.getByRole('heading', { name: entry.title }).waitFor();
    assert.match(await detail.innerText(), /Sequence\s*#\d+/);
    assert.match(await detail.innerText(), new RegExp(`Sequence\\s*#${entry.seq}\\b`));
    const lane = view.page.getByRole('listitem', { name: 'Add retry with backoff to the HTTP client' });
    const row = lane.locator('.entry[aria-selected="true"]');
    assert.equal(await row.locator('.entry-title').innerText(), entry.title);
    await eventually(async () => {
      const rowBox = (await row.boundingBox())!;
      const listBox = (await lane.locator('.lane-entries').boundingBox())!;
      assert.ok(rowBox.y >= listBox.y - 1 && rowBox.y + rowBox.height <= listBox.y + listBox.height + 1, 'the selected row is scrolled into view');
    });
    // The selection is ringed on the plot in the theme's focus colour.
    const ring = await pixel(view, 'over', x - (await plotOf(view).boundingBox())!.x - 8, 3);
    assert.ok(near(ring.slice(0, 3), [0, 120, 212], 40), `focus ring drawn, got ${ring}`);
  });

  it('zooms and pans with the buttons, the keyboard, Ctrl+wheel and dragging', async () => {
    const view = await open();
    const fit = await rangeAfterInput(view);
    const span = (r: { start: number; end: number }) => r.end - r.start;
    const readout = view.page.getByTestId('timeline-range');
    const fitText = await readout.innerText();

    await view.page.getByRole('button', { name: 'Zoom in' }).click();
    const zoomed = await rangeAfterInput(view);
    assert.ok(Math.abs(span(zoomed) - span(fit) / 1.6) < 2, `zoom in shows 1/1.6 of the span (${span(zoomed)} vs ${span(fit)})`);
    assert.notEqual(await readout.innerText(), fitText);

    await plotOf(view).focus();
    await view.page.keyboard.press('ArrowRight');
    const panned = await rangeAfterInput(view);
    assert.ok(Math.abs(panned.start - zoomed.start - span(zoomed) * 0.1) < 2, 'ArrowRight pans a tenth of the view later');
    await view.page.keyboard.press('+');
    assert.ok(span(await rangeAfterInput(view)) < span(panned) - 1, '+ zooms in');
    await view.page.keyboard.press('-');
    await view.page.keyboard.press('-');
    assert.ok(span(await rangeAfterInput(view)) > span(panned), '− zooms out');
    await view.page.keyboard.press('0');
    assert.deepEqual(await rangeAfterInput(view), fit);
    assert.equal(await plotOf(view).getAttribute('data-mode'), 'fit');

    const box = (await plotOf(view).boundingBox())!;
    await view.page.mouse.move(box.x + box.width * 0.25, box.y + 5);
    await view.page.keyboard.down('Control');
    await view.page.mouse.wheel(0, -400);
    await view.page.keyboard.up('Control');
    const pinched = await rangeAfterInput(view);
    assert.ok(span(pinched) < span(fit) * 0.6, 'Ctrl+wheel zooms in');
    // …around the pointer: the time under it stays put.
    const under = (r: { start: number; end: number }) => r.start + span(r) * 0.25;
    assert.ok(Math.abs(under(pinched) - under(fit)) < span(fit) / box.width * 2, 'the time under the pointer stays under it');

    await view.page.mouse.move(box.x + box.width * 0.6, box.y + 5);
    await view.page.mouse.down();
    await view.page.mouse.move(box.x + box.width * 0.3, box.y + 5, { steps: 5 });
    await view.page.mouse.up();
    const dragged = await rangeAfterInput(view);
    assert.ok(Math.abs(dragged.start - pinched.start - span(pinched) * 0.3) < span(pinched) * 0.02, 'dragging left moves later in time by the distance dragged');
    assert.equal(await view.page.getByTestId('entry-detail').count(), 0, 'a drag is not a click: nothing was selected');
  });

  it('steps through a session’s entries from the keyboard: ↓ picks the lane, ] and [ move, the detail follows', async () => {
    const view = await open();
    await plotOf(view).focus();
    for (let k = 0; k < 3; k++) await view.page.keyboard.press('ArrowDown'); // the fourth lane: Codex
    const session = expected.sessions[expected.sessionOrder[3]!]!;
    const { start, end } = await visibleRange(view);
    const mid = (start + end) / 2;
    // With nothing selected, ] takes the first entry at or after the middle of the view.
    const i = session.entries.findIndex((e) => e.ts >= mid);
    assert.ok(i > 0, 'the fixture has entries on both sides of the middle');
    const detail = view.page.getByTestId('entry-detail');

    await view.page.keyboard.press(']');
    await detail.getByRole('heading', { name: session.entries[i]!.title }).waitFor();
    await view.page.keyboard.press('[');
    const back = session.entries[i - 1]!;
    await detail.getByRole('heading', { name: back.title }).waitFor();
    await eventually(async () => assert.match(await view.page.getByTestId('announcer').innerText(), new RegExp(back.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))));
    assert.equal(await detail.locator('.fact').filter({ hasText: 'Sequence' }).locator('dd').innerText(), `#${back.seq}`);
  });

  it('takes its colours from the theme and redraws when the theme changes', async () => {
    const view = await open();
    // A point on the first lane's staff line while its agent ran, between two marks.
    const session = expected.sessions['sess-a1']!;
    const at = { ts: (session.entries.find((e) => e.kind === 'file')!.ts + session.entries.find((e) => e.kind === 'command')!.ts) / 2 } as Entry;
    const { x } = await markPosition(view, 'sess-a1', at);
    const box = (await plotOf(view).boundingBox())!;
    const px = x - box.x;
    const dark = await pixel(view, { session: 'sess-a1' }, px, LANE / 2 - 1);
    assert.ok(near(dark.slice(0, 3), [55, 148, 255]), `running staff in --vscode-charts-blue (dark), got ${dark}`);
    await view.setTheme('light');
    await eventually(async () => {
      const light = await pixel(view, { session: 'sess-a1' }, px, LANE / 2 - 1);
      assert.ok(near(light.slice(0, 3), [26, 133, 255]), `running staff in --vscode-charts-blue (light), got ${light}`);
    });
  });

  it('draws a streaming lane piece by piece exactly as it draws it whole', async () => {
    // While sessions stream, a lane is drawn again only from its first changed column on (often
    // not at all). This score streamed a batch per frame must end in the very pixels of the same
    // score drawn in one go: marks that crowd into ticks, ticks that turn into glyphs, tool calls
    // whose bars grow, permission requests answered long after they were asked.
    const events = streamedScore();
    const lanes = async (view: ScoreView) => {
      await view.page.evaluate(() => (globalThis as unknown as { document: { fonts: { ready: Promise<unknown> } } }).document.fonts.ready);
      await eventually(async () => assert.equal(await plotOf(view).getAttribute('data-drawn-events'), String(events.length)));
      await view.page.evaluate(() => new Promise((resolve) => (globalThis as unknown as { requestAnimationFrame(f: () => void): void }).requestAnimationFrame(() => resolve(null))));
      return plotOf(view)
        .locator('canvas[data-session]')
        .evaluateAll((canvases) =>
          canvases.map((c) => {
            const canvas = c as unknown as { dataset: { session: string }; width: number; height: number; getContext(k: string): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
            return { session: canvas.dataset.session, width: canvas.width, pixels: Array.from(canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data) };
          }),
        );
    };
    const source = { folder: '/w/.podium/journals', label: 'Workspace journals', readOnly: false };

    const streamed = await openScore({ width: 800, height: 900 });
    await streamed.post({ type: 'reset', source, total: events.length });
    // Three events a frame, each batch drawn before the next is posted.
    await streamed.page.evaluate(
      `(async (events) => {
        const plot = () => document.querySelector('[data-testid="timeline-plot"]');
        for (let i = 0; i < events.length; i += 3) {
          window.postMessage({ type: 'events', events: events.slice(i, i + 3) }, '*');
          await new Promise((r) => setTimeout(r, 0));
          const want = Math.min(events.length, i + 3);
          while (!plot() || Number(plot().dataset.drawnEvents) < want) await new Promise((r) => requestAnimationFrame(r));
        }
      })(${JSON.stringify(events)})`,
    );
    const piece = await lanes(streamed);
    await streamed.page.context().close();

    const whole = await openScore({ width: 800, height: 900 });
    await whole.post({ type: 'reset', source, total: events.length });
    await whole.post({ type: 'events', events });
    const once = await lanes(whole);

    assert.deepEqual(piece.map((l) => l.session), once.map((l) => l.session));
    assert.ok(once.every((l) => l.pixels.some((v, i) => i % 4 === 3 && v > 0)), 'every lane has something drawn');
    for (let k = 0; k < once.length; k++) {
      const a = piece[k]!.pixels;
      const b = once[k]!.pixels;
      const width = once[k]!.width;
      const columns = new Set<number>();
      for (let i = 0; i < b.length; i++) if (a[i] !== b[i]) columns.add(Math.floor(i / 4) % width);
      assert.equal(columns.size, 0, `lane ${once[k]!.session} differs in ${columns.size} columns, from x=${Math.min(...columns)} to x=${Math.max(...columns)}`);
    }
  });

  it('follows now while a session is live', async () => {
    const view = await openScore({ width: 1280, height: 800 });
    const now = Date.now();
    const events = [
      { v: 1, session: 'live-1', seq: 1, ts: now - 20_000, type: 'session.spawned', agent: { kind: 'acp', label: 'Rehearsal' }, command: ['podium-rehearsal'], cwd: '/w' },
      { v: 1, session: 'live-1', seq: 2, ts: now - 19_000, type: 'session.ready' },
      { v: 1, session: 'live-1', seq: 3, ts: now - 5_000, type: 'agent.message', entry: 'm1', text: 'Working on it' },
    ];
    await view.post({ type: 'reset', source: { folder: '/w/.podium/journals', label: 'Workspace journals', readOnly: false }, total: events.length });
    await view.post({ type: 'events', events });
    await view.page.getByTestId('event-count').filter({ hasText: '3' }).waitFor();
    const first = await visibleRange(view);
    assert.ok(first.end >= now, 'the axis reaches now, past the last event');
    await eventually(async () => assert.ok((await visibleRange(view)).end >= first.end + 1000, 'and keeps moving with it'), 4000);
    assert.equal(await view.page.getByRole('button', { name: 'Follow now' }).isEnabled(), true);
    await view.page.getByRole('button', { name: 'Zoom in' }).click(); // keeps now in view while zooming
    await eventually(async () => assert.equal(await plotOf(view).getAttribute('data-mode'), 'follow'));
    assert.match(await view.page.getByTestId('timeline-range').innerText(), /following now/);
  });
});

describe('A score of 100,000 entries in 10 sessions', () => {
  it('paints quickly and draws the timeline without a DOM node per entry', async () => {
    const view = await openScore({ width: 1280, height: 900 });
    const sessions = 10;
    const perSession = 10_000;
    // Generated and posted inside the page, so the test's wire is not what is measured; each event
    // is one entry (outputs, finished tool calls, commands with their exit code, file edits…).
    const paint = (await view.page.evaluate(generateAndTimeFirstPaint(sessions, perSession))) as { first: number; all: number };
    await view.page.getByTestId('event-count').filter({ hasText: count(sessions * perSession) }).waitFor();

    const timeline = view.page.getByRole('region', { name: 'Timeline' });
    assert.equal(await timeline.locator('[data-lane]').count(), sessions);
    const nodes = () => view.page.evaluate(() => (globalThis as unknown as { document: { getElementsByTagName(t: string): { length: number } } }).document.getElementsByTagName('*').length);
    const before = await nodes();
    assert.ok(before < 3000, `the page holds ${before} elements for 100k entries`);

    // Zooming redraws the marks; the DOM does not grow with them.
    await plotOf(view).focus();
    for (const key of ['+', '+', '+', 'ArrowRight', '-']) await view.page.keyboard.press(key);
    assert.ok((await nodes()) < before + 50, 'zooming adds no nodes');
    // The marks are really there: the first lane's pixels are not empty.
    assert.equal(await timeline.locator('.timeline-body canvas').count(), sessions + 3);
    const painted = await plotOf(view).locator('canvas[data-session="sess-0"]').evaluate((c) => {
      const canvas = c as unknown as { width: number; getContext(k: string): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
      const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, 22).data;
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
      return n;
    });
    assert.ok(painted > 500, `the first lane has marks (${painted} pixels drawn)`);
    // Development build, shared machine: logged, not judged; `npm run bench -- --only ui` measures
    // the production build.
    console.log(`      (first paint ${Math.round(paint.first)} ms, all 100,000 entries drawn ${Math.round(paint.all)} ms; ${before} elements in the page)`);
    assert.ok(paint.all < 20_000, 'painted at all within twenty seconds');
  });
});

/**
 * The recorded conductor score, interleaved with a busy session of its own: tool calls that run
 * for seconds (bars), outputs crowded into neighbouring pixels (ticks, and past a third of the
 * plot's width, shorter ticks), messages that stream in pieces, a permission request answered ten
 * seconds later. A session asleep at both ends of the recording fixes the axis, so every batch
 * after the first lands in a view that did not move.
 */
function streamedScore(): Array<Record<string, unknown> & { ts: number }> {
  const recorded = fixture.events;
  const first = recorded[0]!.ts;
  const last = recorded.at(-1)!.ts;
  const busy: Array<Record<string, unknown> & { ts: number }> = [];
  let seq = 1;
  const add = (ts: number, event: Record<string, unknown>) => busy.push({ v: 1, session: 'sess-busy', seq: seq++, ts, ...event });
  add(first + 50, { type: 'session.spawned', agent: { kind: 'acp', label: 'Rehearsal' }, command: ['podium-rehearsal'], cwd: '/w' });
  add(first + 80, { type: 'session.ready' });
  for (let t = first + 100, j = 0; t < last - 500; t += 120, j++) {
    if (j % 40 === 5) add(t, { type: 'agent.toolCall', entry: `tc-${j}`, title: `Run step ${j}`, toolKind: 'execute', status: 'in_progress' });
    else if (j % 40 === 25) add(t, { type: 'agent.toolCallUpdate', entry: `tc-${j - 20}`, status: j % 80 === 25 ? 'completed' : 'failed' });
    else if (j === 30) add(t, { type: 'permission.requested', request: 'perm-busy', title: 'Run the migration', options: [{ id: 'ok', name: 'Allow once', kind: 'allow_once' }] });
    else if (j === 130) add(t, { type: 'permission.resolved', request: 'perm-busy', optionId: 'ok', by: 'engineer' });
    else if (j % 9 === 0) add(t, { type: 'agent.message', entry: `m-${Math.floor(j / 27)}`, text: `part ${j} ` });
    else if (j % 17 === 0) add(t, { type: 'notice', level: 'warning', code: 'bench', text: `Slow step ${j}` });
    else if (j % 3 !== 1 || j > 200) add(t, { type: 'agent.output', stream: 'stdout', text: `line ${j}` });
  }
  const anchor = [
    { v: 1, session: 'sess-anchor', seq: 1, ts: first, type: 'session.spawned', agent: { kind: 'acp', label: 'Anchor' }, command: ['anchor'], cwd: '/w' },
    { v: 1, session: 'sess-anchor', seq: 2, ts: last, type: 'agent.output', stream: 'stdout', text: 'the end of the axis' },
  ];
  return [...anchor, ...[...recorded, ...busy].sort((a, b) => a.ts - b.ts)];
}

/**
 * Page code that builds `sessions` × `per` events, each one entry (outputs, finished tool calls,
 * commands with their exit code, file edits, messages, notices), posts them as the host would, and
 * resolves with the times until the first rows and marks, and until every event, were painted. Generated in the page,
 * so the test's wire is not what is measured. A string, because tsx would wrap the inner functions
 * of a page function in a helper the page does not have.
 */
function generateAndTimeFirstPaint(sessions: number, per: number): string {
  return `new Promise((resolve) => {
    const t0 = Date.UTC(2025, 2, 14, 10, 0, 0);
    const all = [];
    for (let s = 0; s < ${sessions}; s++) {
      const session = 'sess-' + s;
      for (let j = 0; j < ${per}; j++) {
        const base = { v: 1, session, seq: j + 1, ts: t0 + j * 360 + s * 37 };
        const k = j % 10;
        if (j === 0) all.push({ ...base, type: 'session.spawned', agent: { kind: s % 2 ? 'codex' : 'claude', label: s % 2 ? 'Codex' : 'Claude Code' }, command: ['agent'], cwd: '/w' });
        else if (k < 4) all.push({ ...base, type: 'agent.output', stream: 'stdout', text: 'line ' + j + ' of session ' + s });
        else if (k < 6) all.push({ ...base, type: 'agent.toolCall', entry: 't' + j, title: 'Read src/file' + (j % 97) + '.ts', toolKind: 'read', status: 'completed' });
        else if (k === 6) all.push({ ...base, type: 'agent.command', entry: 'c' + j, command: ['npm', 'test'], exitCode: j % 3 ? 0 : 1 });
        else if (k === 7) all.push({ ...base, type: 'agent.fileEdited', path: 'src/file' + (j % 97) + '.ts', via: 'Edit' });
        else if (k === 8) all.push({ ...base, type: 'agent.message', entry: 'm' + j, text: 'Message ' + j });
        else all.push({ ...base, type: 'notice', level: j % 50 === 9 ? 'warning' : 'info', code: 'n', text: 'Notice ' + j });
      }
    }
    all.sort((a, b) => a.ts - b.ts);
    postMessage({ type: 'reset', source: { folder: '/w/.podium/journals', label: 'Workspace journals', readOnly: false }, total: all.length }, '*');
    for (let i = 0; i < all.length; i += 5000) postMessage({ type: 'events', events: all.slice(i, i + 5000) }, '*');
    // Timed from here: serialising the messages is the host's work, in its own process.
    const start = performance.now();
    let first = null;
    // A check that passes in a frame means the frame before painted what it checks: first rows and
    // marks on screen, then every event drawn.
    const check = () => {
      const drawn = Number(document.querySelector('[data-testid="timeline-plot"]')?.dataset.drawnEvents ?? 0);
      const rows = document.querySelectorAll('.entry').length > 0;
      if (first === null && rows && drawn > 0) first = performance.now() - start;
      if (first !== null && drawn === ${sessions * per}) resolve({ first, all: performance.now() - start });
      else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  })`;
}
