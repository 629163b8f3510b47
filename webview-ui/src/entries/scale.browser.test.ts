/**
 * A long session stays usable: the list is windowed, so the DOM holds a screenful of rows however
 * many entries the session has.
 */
import assert from 'node:assert/strict';
import { count, openScore } from '../../test-harness/harness';

const ENTRIES = 20_000;

describe('A session with 20,000 entries', () => {
  it('renders only a window of rows, and still reaches the last entry from the keyboard', async () => {
    const view = await openScore();
    await view.post({ type: 'reset', source: { folder: '/w/.podium/journals', label: 'Workspace journals', readOnly: false }, total: ENTRIES });
    // Generated in the page (the payload would otherwise cross the test's wire twice), then posted
    // in host-sized batches.
    const started = Date.now();
    await view.page.evaluate((n) => {
      const t0 = Date.UTC(2025, 2, 14, 10, 0, 0);
      const batch = 2000;
      for (let from = 0; from < n; from += batch) {
        const events = [];
        for (let i = from; i < Math.min(n, from + batch); i++) {
          events.push({ v: 1, session: 'sess-long', seq: i + 1, ts: t0 + i * 250, type: 'agent.output', stream: 'stdout', text: `line ${i + 1} of the build log` });
        }
        (globalThis as unknown as { postMessage(m: unknown, o: string): void }).postMessage({ type: 'events', events }, '*');
      }
    }, ENTRIES);
    await view.page.getByTestId('event-count').filter({ hasText: count(ENTRIES) }).waitFor();
    const loadMs = Date.now() - started;

    const rows = view.page.locator('.entry');
    const rendered = await rows.count();
    assert.ok(rendered > 10 && rendered < 100, `expected a window of rows, found ${rendered}`);
    assert.equal(await view.page.getByTestId('lane-count').innerText(), '20,000 entries');

    // Keyboard: End jumps to the last entry, which is rendered on demand and focused.
    await rows.first().click();
    await view.page.keyboard.press('End');
    const focused = view.page.locator('.entry:focus');
    await focused.getByText(`line ${ENTRIES} of the build log`).waitFor();
    assert.equal(await focused.getAttribute('aria-posinset'), String(ENTRIES));
    assert.equal(await focused.getAttribute('aria-setsize'), String(ENTRIES));
    assert.ok((await rows.count()) < 100, 'still only a window after scrolling to the end');

    // Filtering the whole session stays a windowed list too.
    await view.page.locator('vscode-textfield.search input').fill('line 1999');
    await view.page.getByTestId('lane-count').filter({ hasText: '11 of 20,000 entries' }).waitFor();
    console.log(`      (loaded ${count(ENTRIES)} events in ${loadMs} ms, ${rendered} rows in the DOM)`);
  });
});
