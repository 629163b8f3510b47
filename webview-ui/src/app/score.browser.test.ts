/**
 * The score webview in a real browser, fed the way the extension host feeds it: `reset`, then
 * `events` batches through window.postMessage. Expectations come from folding the same recorded
 * events with the shared reducer, so the tests check what the engineer sees against the contract.
 */
import assert from 'node:assert/strict';
import type { Locator } from 'playwright-core';
import { fold, sessionsInOrder, sessionLabel } from '../../../src/score';
import { count, eventually, openScore, recordedSessions, type ScoreView } from '../../test-harness/harness';

const fixture = recordedSessions();
const expected = fold(fixture.events);
const [retryTask, flakyTask] = sessionsInOrder(expected).map((s) => sessionLabel(expected, s));

function lane(view: ScoreView, label: string): Locator {
  return view.page.getByRole('listitem', { name: label, exact: true });
}

async function rowTexts(l: Locator): Promise<Array<{ time: string; kind: string; title: string }>> {
  return l.locator('.entry').evaluateAll((rows) =>
    rows.map((r) => ({
      time: r.querySelector('.entry-time')?.textContent ?? '',
      kind: r.querySelector('.entry-kind-label')?.textContent ?? '',
      title: r.querySelector('.entry-title')?.textContent ?? '',
    })),
  );
}

const utcClock = (ts: number) => new Date(ts).toISOString().slice(11, 19);
const kindLabel = (kind: string) => kind.charAt(0).toUpperCase() + kind.slice(1);

describe('The score webview', () => {
  it('tells the host it is ready, with the protocol version, as soon as it loads', async () => {
    const view = await openScore();
    await eventually(async () => assert.deepEqual(await view.sent(), [{ type: 'ready', protocol: 1 }]));
  });

  it('says it is reading the journals until the host answers, then shows how to get a first session', async () => {
    const view = await openScore();
    await view.page.getByText('Reading the session journals…').waitFor();

    await view.post({ type: 'reset', source: { folder: '/w/.podium/journals', label: 'Workspace journals', readOnly: false }, total: 0 });
    const empty = view.page.getByTestId('empty-state');
    await empty.getByRole('heading', { name: 'No sessions yet' }).waitFor();
    assert.match(await empty.innerText(), /podium\.journal\.folder/);

    await empty.getByText('Open Session Journal…').click();
    await eventually(async () => assert.deepEqual((await view.sent()).at(-1), { type: 'openJournal' }));
  });

  it('shows one row per session, labelled with its task, status and agent', async () => {
    const view = await openScore();
    await view.load();
    const rows = view.page.getByRole('list', { name: 'Sessions' }).getByRole('listitem');
    assert.equal(await rows.count(), 2);

    const retry = lane(view, retryTask!);
    assert.match(await retry.locator('.lane-header').innerText(), /Add retry with backoff to the HTTP client\s*Exited\s*Claude Code/);
    const flaky = lane(view, flakyTask!);
    assert.match(await flaky.locator('.lane-header').innerText(), /Fix the flaky upload test\s*Running\s*Codex\s*1 request waiting/);
  });

  it('shows the header with the source, the event count and the total tokens and cost', async () => {
    const view = await openScore();
    await view.load();
    const header = await view.page.locator('header').innerText();
    assert.match(header, /Workspace journals/);
    assert.match(header, /\/home\/dev\/projects\/http-kit\/\.podium\/journals/);
    assert.match(header, new RegExp(`Events\\s*${count(fixture.events.length)}`, 'i'));
    assert.match(header, /Tokens\s*25,761/i); // 13,020 + 3,411 + 8,210 + 1,120
    assert.match(header, /Cost\s*\$0\.1343/i);
    assert.doesNotMatch(header, /Read-only/);

    await view.post({ type: 'reset', source: { ...fixture.source, readOnly: true }, total: 0 });
    await view.page.locator('header').getByText('Read-only').waitFor();
  });

  it('lists each session’s entries in journal order with their kind, time and title', async () => {
    const view = await openScore({ height: 1600 }); // tall enough that no row is windowed away
    await view.load();
    for (const session of sessionsInOrder(expected)) {
      const shown = await rowTexts(lane(view, sessionLabel(expected, session)));
      assert.deepEqual(
        shown,
        session.entries.map((e) => ({ time: utcClock(e.ts), kind: kindLabel(e.kind), title: e.title })),
      );
    }
    const first = (await rowTexts(lane(view, retryTask!)))[0];
    assert.deepEqual(first, { time: '09:12:03', kind: 'Lifecycle', title: 'Task created: Add retry with backoff to the HTTP client' });
  });

  it('shows a message streamed in chunks as one entry holding the whole text', async () => {
    const view = await openScore({ height: 1600 });
    await view.load();
    const messages = lane(view, retryTask!).locator('.entry[data-kind="message"]');
    assert.equal(await messages.count(), 2, 'three chunks of msg-1 make one entry, msg-2 another');

    await messages.first().click();
    const text = await view.page.getByTestId('entry-text').innerText();
    assert.equal(
      text,
      "I'll wrap `request()` in a retry loop with exponential backoff and full jitter, retrying only idempotent methods on 5xx responses and network errors.\n\nThe new `retry` parameter is optional, so existing callers keep working.",
    );
  });

  it('opens the detail of a clicked entry: tool input, location and diff; command and exit code; plan; permission options', async () => {
    const view = await openScore({ height: 1600 });
    await view.load();
    const retry = lane(view, retryTask!);
    const detail = view.page.getByTestId('entry-detail');

    await retry.getByRole('option', { name: /Tool\s*Edit src\/http\/client\.ts/ }).click();
    await detail.getByRole('heading', { name: 'Edit src/http/client.ts' }).waitFor();
    const toolText = await detail.innerText();
    assert.match(toolText, /Tool kind\s*edit/i);
    assert.match(toolText, /Location\s*src\/http\/client\.ts:12/i);
    // The raw input sits behind a disclosure when a diff already shows the change.
    await detail.getByText('Input', { exact: true }).click();
    assert.match(await detail.locator('.input-fields').innerText(), /file_path\s*src\/http\/client\.ts\s*old_string\s*export async function request/);
    const added = detail.locator('.diff-add');
    assert.ok((await added.count()) > 10, 'the diff shows the added lines');
    assert.match(await added.first().innerText(), /IDEMPOTENT/);
    assert.ok((await detail.locator('.diff-del').count()) >= 1, 'and the removed ones');

    await retry.getByRole('option', { name: /Command\s*\$ npm test/ }).click();
    await detail.getByRole('heading', { name: '$ npm test -- --grep retr' }).waitFor();
    const commandText = await detail.innerText();
    assert.match(commandText, /Exit code\s*0/);
    assert.match(commandText, /\$ npm test -- --grep retr/);
    assert.match(commandText, /Tests {2}2 passed \(2\)/);

    await retry.getByRole('option', { name: /Plan\s*Plan: 3\/3 done/ }).click();
    await detail.getByRole('heading', { name: 'Plan: 3/3 done' }).waitFor();
    assert.equal(await detail.locator('.plan-item.plan-completed').count(), 3);

    await retry.getByRole('option', { name: /Permission\s*Edit src\/http\/client\.ts/ }).click();
    await detail.getByText('Answer: Allow once (engineer)').waitFor();
    assert.deepEqual(await detail.locator('.options .option-name').allInnerTexts(), ['Allow once', 'Always allow edits', 'Reject']);

    await detail.getByRole('button', { name: 'Close detail' }).click();
    await detail.waitFor({ state: 'detached' });
  });

  it('narrows the entries of every session with the kind filter and the search box', async () => {
    const view = await openScore({ height: 1600 });
    await view.load();
    const retry = lane(view, retryTask!);
    const flaky = lane(view, flakyTask!);

    // The kind filter, used as an engineer would: open the dropdown, pick "Command".
    await view.page.locator('vscode-single-select.kind-filter').click();
    await view.page.locator('vscode-single-select.kind-filter').getByRole('option', { name: 'Command' }).click();
    await eventually(async () => assert.deepEqual((await rowTexts(retry)).map((r) => r.kind), ['Command']));
    assert.deepEqual((await rowTexts(flaky)).map((r) => r.title), ['$ npx vitest run test/upload.test.ts --repeat 20']);
    assert.equal(await retry.getByTestId('lane-count').innerText(), '1 of 21 entries');

    await view.page.getByRole('button', { name: 'Clear filters' }).click();
    await eventually(async () => assert.equal((await rowTexts(retry)).length, 21));

    // Search matches titles and full text: ECONNRESET is in the flaky task's prompt, a thought and
    // a command's output, and nowhere in the retry task.
    await view.page.locator('vscode-textfield.search input').fill('ECONNRESET');
    await eventually(async () => assert.deepEqual((await rowTexts(flaky)).map((r) => r.kind), ['Lifecycle', 'Prompt', 'Thought', 'Command']));
    await retry.getByText('No entries match the filter.').waitFor();
  });

  it('moves between entries with the arrow keys, opens one with Enter and closes it with Escape', async () => {
    const view = await openScore({ height: 1600 });
    await view.load();
    const retry = lane(view, retryTask!);
    const entries = expected.sessions[expected.sessionOrder[0]!]!.entries;

    // The tasks bar, the filters and the timeline come first in the tab order; start at the first
    // session's collapse button, the tab stop just before its entries.
    await retry.getByRole('button', { name: `Collapse ${retryTask}` }).focus();
    await view.page.keyboard.press('Tab'); // its entries: the first one holds the tab stop
    const focused = view.page.locator('.entry:focus');
    assert.equal(await focused.locator('.entry-title').innerText(), entries[0]!.title);

    await view.page.keyboard.press('ArrowDown');
    await view.page.keyboard.press('ArrowDown');
    await view.page.keyboard.press('ArrowUp');
    await view.page.keyboard.press('ArrowDown');
    await view.page.keyboard.press('ArrowDown');
    assert.equal(await focused.locator('.entry-title').innerText(), entries[3]!.title);

    // The focus ring is drawn in the theme's focus colour.
    const outline = await focused.evaluate((el) => {
      const s = (globalThis as unknown as { getComputedStyle(e: unknown): { outlineStyle: string; outlineColor: string } }).getComputedStyle(el);
      return `${s.outlineStyle} ${s.outlineColor}`;
    });
    assert.equal(outline, 'solid rgb(0, 120, 212)');

    await view.page.keyboard.press('Enter');
    const detail = view.page.getByTestId('entry-detail');
    await detail.getByRole('heading', { name: entries[3]!.title }).waitFor();
    assert.equal(await retry.locator('.entry[aria-selected="true"] .entry-title').innerText(), entries[3]!.title);

    await view.page.keyboard.press('End');
    assert.equal(await focused.locator('.entry-title').innerText(), entries.at(-1)!.title);
    await view.page.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached' });
  });

  it('announces a new permission request in the live region', async () => {
    const view = await openScore();
    const live = view.page.locator('[aria-live]');
    assert.equal(await live.count(), 1);
    await view.load();
    await eventually(async () => assert.equal(await live.innerText(), 'Fix the flaky upload test asks permission: Run rm -rf test/.tmp-uploads'));

    const last = fixture.events.filter((e) => e.session === 'sess-b91e04').at(-1)!;
    await view.post({
      type: 'events',
      events: [{ v: 1, session: 'sess-b91e04', seq: last.seq + 1, ts: last.ts + 1000, type: 'permission.requested', request: 'perm-2', title: 'Edit test/upload.test.ts', options: [{ id: 'a', name: 'Allow', kind: 'allow_once' }] }],
    });
    await eventually(async () => assert.equal(await live.innerText(), 'Fix the flaky upload test asks permission: Edit test/upload.test.ts'));
    await lane(view, flakyTask!).getByText('2 requests waiting').waitFor();
  });

  it('shows an event of an unknown type as an "unreadable" entry and keeps working', async () => {
    const view = await openScore({ height: 1600 });
    await view.load();
    const last = fixture.events.filter((e) => e.session === 'sess-b91e04').at(-1)!;
    await view.post({ type: 'events', events: [{ v: 1, session: 'sess-b91e04', seq: last.seq + 1, ts: last.ts + 500, type: 'agent.hologram', shape: 'cube' }] });

    const flaky = lane(view, flakyTask!);
    const unreadable = flaky.locator('.entry[data-kind="unreadable"]');
    await unreadable.waitFor();
    assert.match(await unreadable.innerText(), /Unreadable\s*Unreadable event #\d+/);
    await unreadable.click();
    assert.match(await view.page.getByTestId('entry-text').innerText(), /unknown event type "agent\.hologram"/);

    // Still alive: the next event lands as usual, and nothing was reported as a crash.
    await view.post({ type: 'events', events: [{ v: 1, session: 'sess-b91e04', seq: last.seq + 2, ts: last.ts + 900, type: 'notice', level: 'info', code: 'x', text: 'Still here' }] });
    await flaky.getByText('Still here').waitFor();
    assert.deepEqual((await view.sent()).filter((m) => m.type === 'reportError'), []);
    assert.deepEqual(view.errors, []);
  });

  it('changes nothing when the same batch is delivered twice', async () => {
    const view = await openScore({ height: 1600 });
    await view.load();
    const before = {
      header: await view.page.locator('header').innerText(),
      retry: await rowTexts(lane(view, retryTask!)),
      flaky: await rowTexts(lane(view, flakyTask!)),
    };
    await view.post({ type: 'events', events: fixture.events });
    await view.post({ type: 'events', events: fixture.events.slice(10, 30) });
    // A marker event after the duplicates: once it shows, the duplicates have been applied too.
    const last = fixture.events.filter((e) => e.session === 'sess-7f3a2c').at(-1)!;
    await view.post({ type: 'events', events: [{ v: 1, session: 'sess-7f3a2c', seq: last.seq + 1, ts: last.ts + 1, type: 'notice', level: 'info', code: 'marker', text: 'Marker' }] });
    await lane(view, retryTask!).getByText('Marker').waitFor();

    assert.equal(await view.page.getByTestId('event-count').innerText(), count(fixture.events.length + 1));
    assert.deepEqual((await rowTexts(lane(view, retryTask!))).slice(0, -1), before.retry);
    assert.deepEqual(await rowTexts(lane(view, flakyTask!)), before.flaky);
    assert.equal((await view.page.locator('header').innerText()).replace(count(fixture.events.length + 1), 'N'), before.header.replace(count(fixture.events.length), 'N'));
  });

  it('shows problems reading the source in a banner', async () => {
    const view = await openScore();
    await view.load();
    assert.equal(await view.page.getByRole('status', { name: 'Problems' }).count(), 0);
    await view.post({ type: 'problems', problems: ['sess-0c1d.jsonl: line 12 is not valid JSON and was skipped.'] });
    await view.post({ type: 'events', events: [{ type: 'agent.message', text: 'no envelope' }] });
    const banner = view.page.getByRole('status', { name: 'Problems' });
    await banner.getByText('sess-0c1d.jsonl: line 12 is not valid JSON and was skipped.').waitFor();
    await banner.getByText(/Unreadable event without a session/).waitFor();
    assert.match(await banner.innerText(), /Podium met 2 problems reading these sessions/);
  });

  it('shows a host message that does not validate as an error, logs and reports it, and keeps the score', async () => {
    const view = await openScore({ height: 1600 }); // every row in view, above and below the banner
    await view.load();
    const before = { header: await view.page.locator('header').innerText(), retry: await rowTexts(lane(view, retryTask!)) };
    const alert = view.page.getByRole('alert', { name: 'Message ignored' });
    assert.equal(await alert.count(), 0);

    const invalid: Array<[unknown, RegExp]> = [
      [{ type: 'reset', source: { folder: 3, label: 'Workspace journals', readOnly: false }, total: 0 }, /"reset".*at source\.folder/],
      [{ type: 'events', events: 'not a list' }, /"events".*at events/],
      [{ type: 'config', config: { profiles: [], defaultProfile: '', trusted: 'yes', maxConcurrentAgents: 1 } }, /"config".*at config\.trusted/],
      [{ type: 'deleteEverything' }, /"deleteEverything"/],
      ['reset', /without a type/],
    ];
    for (const [message, error] of invalid) {
      await view.post(message);
      await eventually(async () => assert.match(await alert.innerText(), error));
      assert.match(await alert.innerText(), /The score view ignored a message it could not read/);
    }
    // Nothing the invalid messages said was applied: the same sessions, rows and header.
    assert.equal(await view.page.locator('header').innerText(), before.header);
    assert.deepEqual(await rowTexts(lane(view, retryTask!)), before.retry);
    // Logged in the page's console and reported to the host, once each.
    assert.equal(view.errors.filter((e) => e.startsWith("Podium's score view ignored a message")).length, invalid.length);
    const reported = (await view.sent()).filter((m) => m.type === 'reportError');
    assert.equal(reported.length, invalid.length);
    assert.match(String(reported[0]!.message), /"reset".*at source\.folder/);

    // The page still works, and the next reset (the whole score again) clears the banner.
    await lane(view, retryTask!).getByRole('option').first().click();
    await view.page.getByTestId('entry-detail').waitFor();
    await view.load();
    await eventually(async () => assert.equal(await alert.count(), 0));
  });

  it('keeps the selected entry and the search after the webview reloads', async () => {
    const view = await openScore({ height: 1600 });
    await view.load();
    await lane(view, retryTask!).getByRole('option', { name: /Command\s*\$ npm test/ }).click();
    await view.page.locator('vscode-textfield.search input').fill('npm');
    await eventually(async () => assert.equal(await lane(view, flakyTask!).locator('.entry').count(), 1));

    await view.page.reload();
    await view.load(); // the host answers the new `ready` with the same journals
    await view.page.getByTestId('entry-detail').getByRole('heading', { name: '$ npm test -- --grep retr' }).waitFor();
    assert.equal(await view.page.locator('vscode-textfield.search').evaluate((el) => (el as unknown as { value: string }).value), 'npm');
    assert.equal(await lane(view, flakyTask!).locator('.entry').count(), 1);
  });

  it('needs nothing the webview Content-Security-Policy forbids and logs no errors', async () => {
    const view = await openScore();
    await view.load();
    await lane(view, retryTask!).getByRole('option', { name: /Tool\s*Edit src\/http\/client\.ts/ }).click();
    await view.page.locator('vscode-single-select.kind-filter').click();
    await view.page.keyboard.press('Escape');
    await view.page.getByTestId('entry-detail').locator('.diff').waitFor();
    // The codicon font is used, not a fallback box.
    await eventually(async () => {
      const loaded = await view.page.evaluate(() =>
        [...(globalThis as unknown as { document: { fonts: Iterable<{ family: string; status: string }> } }).document.fonts].some(
          (f) => f.family.replace(/"/g, '') === 'codicon' && f.status === 'loaded',
        ),
      );
      assert.equal(loaded, true);
    });
    assert.deepEqual(await view.cspViolations(), []);
    assert.deepEqual(view.errors, []);
  });
});
