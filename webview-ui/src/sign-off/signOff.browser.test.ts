/**
 * Sign-off in a real browser: the queue and the warnings panel on their own page
 * (signOff.harness.tsx, bundled here with esbuild), fed a recorded session the way the host feeds
 * the app, with the intents they send read back from window.__podiumSent. The pure rules behind
 * them (grouping, order, what a bulk approval may take) are checked first, without a browser.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { build } from 'esbuild';
import type { Locator, Page } from 'playwright-core';
import { fold, isBulkSafe, reduceAll, type WarningRecord } from '../../../src/score';
import { allWarnings, diffRows, hunkLabel, hunkRange, signOffQueue } from './signOff';
import { eventually, openScore, recordedFixture, repoPath, type Fixture, type Theme } from '../../test-harness/harness';

const fixture = recordedFixture('recorded-signoff.json');
const expected = fold(fixture.events);
const HYPHEN = 'Count hyphenated words once';
const REGEX = 'Regex words';
/** The queue's order for the fixture: tasks as created, files by path, hunks top to bottom. */
const ORDER = ['h-a4', 'h-a5', 'h-a1', 'h-a2', 'h-a3', 'h-b2', 'h-b6', 'h-b1', 'h-b3'];

// ── the rules, without a browser ────────────────────────────────────────────────────────────────

describe('Sign-off rules (signOff.ts)', () => {
  it('groups undecided hunks by task in creation order, then by file path, leaving out superseded ones', () => {
    const q = signOffQueue(expected);
    assert.deepEqual(
      q.tasks.map((t) => [t.title, t.files.map((f) => [f.path, f.hunks.map((h) => h.hunk.id)])]),
      [
        [HYPHEN, [['README.md', ['h-a4']], ['bin/tally', ['h-a5']], ['src/core/tally.js', ['h-a1', 'h-a2']], ['test/tally.test.js', ['h-a3']]]],
        [REGEX, [['src/cli.js', ['h-b2']], ['src/core/tally.js', ['h-b6', 'h-b1']], ['src/core/words.js', ['h-b3']]]],
      ],
    );
    assert.deepEqual(q.order.map((h) => h.hunk.id), ORDER);
    assert.deepEqual(q.tasks[0]!.decided.map((h) => h.hunk.id), ['h-a7', 'h-a6'], 'latest decision first');
    assert.ok(!q.tasks.some((t) => t.decided.some((h) => h.hunk.id === 'h-b4')), 'a superseded hunk is neither queued nor decided');
  });

  it('never lets a bulk approval take a hunk with a conflict or any warning on it or on its file', () => {
    const q = signOffQueue(expected);
    assert.deepEqual(q.tasks.map((t) => t.bulkSafe.map((h) => h.hunk.id)), [['h-a5', 'h-a2', 'h-a3'], ['h-b6', 'h-b3']]);
    assert.deepEqual(q.tasks.map((t) => t.warned.map((h) => h.hunk.id)), [['h-a4', 'h-a1'], ['h-b2', 'h-b1']]);
    // Every hunk, pending or conflicted, with a warning of each kind on it, on its file, or on another
    // file: bulk-safe only when pending with none on it or its file.
    let seq = 1000;
    const raise = (w: Omit<WarningRecord, 'id' | 'severity' | 'text'>) => ({ v: 1, session: 'sess-hy1', seq: seq++, ts: expected.lastTs + seq, type: 'warning.raised', warning: { id: `w${seq}`, severity: 'warning', text: 'Look twice.', ...w } });
    for (const h of Object.values(expected.hunks)) {
      for (const status of ['pending', 'conflict'] as const) {
        for (const where of ['none', 'hunk', 'file', 'other file'] as const) {
          for (const kind of ['layer', 'sensitive', 'stale', 'overlap', 'balance'] as const) {
            const warned =
              where === 'hunk' ? [raise({ kind, task: h.task, hunk: h.hunk.id, path: h.hunk.path })]
              : where === 'file' ? [raise({ kind, task: h.task, path: h.hunk.path })]
              : where === 'other file' ? [raise({ kind, task: h.task, path: `${h.hunk.path}.other` })]
              : [];
            const state = reduceAll({ ...expected, hunks: { ...expected.hunks, [h.hunk.id]: { ...h, status, warnings: [] } }, warnings: {}, warningOrder: [] }, warned);
            const variant = state.hunks[h.hunk.id]!;
            assert.equal(isBulkSafe(state, variant), status === 'pending' && (where === 'none' || where === 'other file'), JSON.stringify({ id: h.hunk.id, status, where, kind }));
          }
        }
      }
    }
  });

  it('lists warnings conflict first, then overlaps, then edited regions, each naming its hunk', () => {
    assert.deepEqual(
      allWarnings(expected).map((w) => [w.kind, w.hunk, w.severity]),
      [
        ['conflict', 'h-b2', 'error'],
        ['overlap', 'h-a1', 'warning'],
        ['overlap', 'h-b1', 'warning'],
        ['stale', 'h-a4', 'info'],
      ],
    );
  });

  it('numbers context, removed and added lines from oldStart and newStart, without line endings', () => {
    const rows = diffRows(expected.hunks['h-a1']!.hunk);
    assert.deepEqual(
      rows.map((r) => `${r.op}${r.oldNo ?? '_'}/${r.newNo ?? '_'}`),
      [' 11/11', ' 12/12', ' 13/13', ' 14/14', '-15/_', '+_/15', ' 16/16', ' 17/17', '+_/18', ' 18/19', ' 19/20', ' 20/21'],
    );
    assert.ok(rows.every((r) => !r.text.endsWith('\n')));
    assert.equal(rows[4]!.text, '    if (/\\s|-/.test(ch)) {');
  });

  it('names a hunk the way a screen reader should announce it', () => {
    const q = signOffQueue(expected);
    const at = ORDER.indexOf('h-a1');
    assert.equal(hunkLabel(expected, q.order[at]!, at, q.order.length), 'Hunk 3 of 9, src/core/tally.js lines 14–18, overlaps “Regex words”');
    assert.equal(hunkRange(expected.hunks['h-b1']!.hunk), 'line 13');
    assert.equal(hunkRange(expected.hunks['h-a5']!.hunk), 'file mode');
  });

  it('drops a hunk from the queue once an event decides it', () => {
    const later = reduceAll(expected, [{ v: 1, session: 'sess-hy1', seq: 100, ts: expected.lastTs + 1, type: 'hunk.decided', task: 't-hyphen', hunk: 'h-a2', decision: 'approved' }]);
    assert.deepEqual(signOffQueue(later).order.map((h) => h.hunk.id), ORDER.filter((id) => id !== 'h-a2'));
  });
});

// ── the views, in a browser ─────────────────────────────────────────────────────────────────────

const ORIGIN = 'http://signoff.test';
const CSP = "default-src 'none'; img-src 'self' data:; style-src 'self' 'nonce-signoff'; font-src 'self'; script-src 'nonce-signoff'";
const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta http-equiv="Content-Security-Policy" content="${CSP}" />
    <link rel="stylesheet" href="/codicon.css" id="vscode-codicon-stylesheet" />
    <link rel="stylesheet" href="/signoff.css" />
    <title>Podium sign-off (test harness)</title>
  </head>
  <body>
    <script nonce="signoff" src="/harness-theme.js"></script>
    <div id="root"></div>
    <script nonce="signoff" src="/signoff.js"></script>
  </body>
</html>`;
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.html': 'text/html' };

let bundle = '';

interface SignOffView {
  page: Page;
  errors: string[];
  post(message: unknown): Promise<void>;
  load(f?: Fixture): Promise<void>;
  sent(): Promise<Array<Record<string, unknown>>>;
  card(id: string): Locator;
  queueIds(): Promise<string[]>;
}

/** A page from the shared harness browser, pointed at the sign-off bundle (served by routing, not a second server). */
async function openSignOff(theme: Theme = 'dark', size = { width: 1100, height: 900 }): Promise<SignOffView> {
  const score = await openScore({ theme, ...size });
  const { page, errors } = score;
  await page.route(`${ORIGIN}/**`, async (route) => {
    const path = new URL(route.request().url()).pathname;
    const file =
      path === '/'
        ? null
        : path === '/harness-theme.js'
          ? repoPath('webview-ui/test-harness/harness-theme.js')
          : path.startsWith('/codicon.')
            ? repoPath('dist/webview', path.slice(1))
            : join(bundle, path.slice(1));
    if (file === null) return route.fulfill({ status: 200, contentType: 'text/html', body: PAGE });
    try {
      await route.fulfill({ status: 200, contentType: TYPES[extname(file)] ?? 'application/octet-stream', body: readFileSync(file) });
    } catch {
      await route.fulfill({ status: 404, body: '' });
    }
  });
  await page.goto(`${ORIGIN}/?theme=${theme}`);
  errors.length = 0; // the main harness page it came from is not under test here
  const view: SignOffView = {
    page,
    errors,
    post: (message) => page.evaluate((m) => window.postMessage(m, '*'), message),
    async load(f = fixture) {
      await view.post({ type: 'reset', source: f.source, total: f.events.length });
      await view.post({ type: 'events', events: f.events });
      await page.locator('[data-testid="event-count"]').filter({ hasText: String(f.events.length) }).waitFor({ state: 'attached' });
      await page.locator('.so-hunk').first().waitFor();
    },
    sent: () => page.evaluate(() => (window.__podiumSent ?? []).slice() as unknown as Array<Record<string, unknown>>),
    card: (id) => page.locator(`.so-hunk[data-hunk="${id}"]`),
    queueIds: () => page.locator('.so-hunk').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.hunk ?? '')),
  };
  return view;
}

async function focused(page: Page): Promise<string | null> {
  return page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? null);
}

let nextSeq = 1000;
function event(session: string, type: string, body: Record<string, unknown>) {
  return { v: 1, session, seq: nextSeq++, ts: expected.lastTs + nextSeq, type, ...body };
}

describe('The sign-off queue', function () {
  this.timeout(60_000);

  before(async function () {
    this.timeout(60_000);
    bundle = mkdtempSync(join(tmpdir(), 'podium-signoff-'));
    await build({
      entryPoints: { signoff: repoPath('webview-ui/src/sign-off/signOff.harness.tsx') },
      outdir: bundle,
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      jsx: 'automatic',
      loader: { '.ttf': 'file' },
      define: { 'process.env.NODE_ENV': '"development"' },
      logLevel: 'silent',
    });
  });

  after(() => {
    if (bundle) rmSync(bundle, { recursive: true, force: true });
  });

  it('groups the waiting hunks by task and then by file, with counts', async () => {
    const view = await openSignOff();
    await view.load();
    const tasks = view.page.locator('.so-task');
    assert.deepEqual(await tasks.locator('.so-task-title').allTextContents(), [HYPHEN, REGEX]);
    assert.deepEqual(await tasks.locator('.so-task-count').allTextContents(), ['5 hunks in 4 files', '4 hunks in 3 files']);
    assert.deepEqual(await view.page.getByTestId('signoff-count').textContent(), '9');
    const files = await view.page.locator('.so-file').evaluateAll((els) =>
      els.map((e) => `${e.closest('.so-task')!.getAttribute('data-task')} ${e.getAttribute('data-path')} ${e.querySelector('.so-file-count')!.textContent}`),
    );
    assert.deepEqual(files, [
      't-hyphen README.md 1 hunk',
      't-hyphen bin/tally 1 hunk',
      't-hyphen src/core/tally.js 2 hunks',
      't-hyphen test/tally.test.js 1 hunk',
      't-regex src/cli.js 1 hunk',
      't-regex src/core/tally.js 2 hunks',
      't-regex src/core/words.js 1 hunk',
    ]);
    assert.deepEqual(await view.queueIds(), ORDER);
    assert.deepEqual(view.errors, []);
  });

  it('a task another window holds shows who since when and Take Over in place of its decisions, which it refuses; Take Over is enabled once that window is gone', async () => {
    const view = await openSignOff();
    await view.load();
    const since = '2026-11-24T10:15:00.000Z';
    await view.post({ type: 'holders', holders: { 't-regex': { pid: 4242, hostname: 'other-host', since, stale: false, why: 'its heartbeat is recent' } } });
    const regex = view.page.locator('.so-task[data-task="t-regex"]');
    const held = regex.getByTestId('held-by');
    await held.waitFor();
    assert.match((await held.textContent()) ?? '', /^Held by another window since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Take Over$/);
    assert.equal(await regex.getByTestId('approve-clean').count(), 0, 'no bulk approval is offered');
    assert.equal(await regex.getByTestId('take-over').isDisabled(), true, 'the holder still responds');
    assert.equal(await view.card('h-b6').getByRole('button', { name: /^Approve/ }).isDisabled(), true);
    // The keyboard is refused too: a on a held task's hunk sends nothing.
    const before = (await view.sent()).length;
    await view.card('h-b6').click();
    await view.page.keyboard.press('a');
    assert.equal((await view.sent()).length, before);
    // The other task is this window's: untouched.
    assert.equal(await view.page.locator('.so-task[data-task="t-hyphen"]').getByTestId('held-by').count(), 0);
    assert.equal(await view.card('h-a2').getByRole('button', { name: /^Approve/ }).isDisabled(), false);

    await view.post({ type: 'holders', holders: { 't-regex': { pid: 4242, hostname: 'other-host', since, stale: true, why: 'no heartbeat for 16 s' } } });
    await eventually(async () => assert.equal(await regex.getByTestId('take-over').isDisabled(), false));
    await regex.getByTestId('take-over').click();
    assert.deepEqual((await view.sent()).at(-1), { type: 'task/takeOver', task: 't-regex' });
    await view.post({ type: 'holders', holders: {} });
    await held.waitFor({ state: 'detached' });
    assert.equal(await view.card('h-b6').getByRole('button', { name: /^Approve/ }).isDisabled(), false);
    assert.deepEqual(view.errors, []);
  });

  it('shows a hunk’s removed and added lines with both line numbers, and a mode change in words', async () => {
    const view = await openSignOff();
    await view.load();
    const lines = await view.card('h-a1').locator('.so-line').evaluateAll((els) =>
      els.map((e) => {
        const kind = e.classList.contains('so-del') ? 'del' : e.classList.contains('so-add') ? 'add' : 'ctx';
        const [oldNo, newNo] = Array.from(e.querySelectorAll('.so-no'), (c) => c.textContent);
        return `${kind} ${oldNo}|${newNo} ${e.querySelector('.so-text')!.textContent}`;
      }),
    );
    const show = lines.join('\n');
    assert.ok(lines.includes('ctx 11|11 export function splitWords(text) {'), show);
    assert.ok(lines.includes('del 15|     if (/\\s|-/.test(ch)) {'), show);
    assert.ok(lines.includes('add |15     if (/\\s/.test(ch)) {'), show);
    assert.ok(lines.includes("add |18     } else if (ch === '-' && !word) {"), show);
    assert.ok(lines.includes('ctx 20|21     }'), show);
    await view.card('h-a5').getByText('Changes the file mode from 100644 to 100755: the file becomes executable.').waitFor();
    // Colour is not the only signal: each changed line says what it is to a screen reader.
    assert.equal(await view.card('h-a1').locator('.so-del .sr-only').first().textContent(), 'removed: ');
  });

  it('names each hunk for a screen reader: its place in the queue, where it lands, its warnings', async () => {
    const view = await openSignOff();
    await view.load();
    assert.equal(await view.card('h-a1').getAttribute('aria-label'), 'Hunk 3 of 9, src/core/tally.js lines 14–18, overlaps “Regex words”');
    assert.equal(await view.card('h-a4').getAttribute('aria-label'), 'Hunk 1 of 9, README.md line 20, you edited this region');
    assert.equal(await view.card('h-b2').getAttribute('aria-label'), 'Hunk 6 of 9, src/cli.js lines 40–41, conflict');
    await view.card('h-b2').getByText('Approved but not applied: src/cli.js changed at line 41 since the task started', { exact: false }).waitFor();
  });

  it('posts approve, reject with the typed reason, open and undo for the hunk they belong to', async () => {
    const view = await openSignOff();
    await view.load();
    await view.card('h-a2').getByRole('button', { name: 'Approve' }).click();
    await view.card('h-a3').getByRole('button', { name: 'Open in diff editor' }).click();
    await view.card('h-b3').getByRole('button', { name: 'Reject' }).click();
    const reason = view.card('h-b3').getByLabel('Why reject it? The agent is told (optional).');
    await eventually(async () => assert.equal(await reason.evaluate((e) => e === document.activeElement), true));
    await reason.fill('Keep the splitter in tally.js for now');
    await reason.press('Enter');
    await view.page.locator('.so-decided-row[data-hunk="h-a6"]').getByRole('button', { name: /Undo the approval/ }).click();
    await eventually(async () =>
      assert.deepEqual(await view.sent(), [
        { type: 'hunk/approve', hunk: 'h-a2' },
        { type: 'hunk/open', hunk: 'h-a3' },
        { type: 'hunk/reject', hunk: 'h-b3', reason: 'Keep the splitter in tally.js for now' },
        { type: 'hunk/undo', hunk: 'h-a6' },
      ]),
    );
    // Until the host answers, a second press cannot send a second intent.
    assert.equal(await view.card('h-a2').getByRole('button', { name: 'Approve' }).isDisabled(), true);
  });

  it('gives the buttons back when the host refuses what was sent, each time it does', async () => {
    const view = await openSignOff();
    await view.load();
    const approve = view.card('h-a2').getByRole('button', { name: 'Approve' });
    for (const round of [1, 2]) {
      await approve.click();
      await eventually(async () => assert.equal((await view.sent()).filter((m) => m.type === 'hunk/approve').length, round));
      assert.equal(await approve.isDisabled(), true);
      // The same refusal twice: the second must free the buttons as the first did.
      await view.post({ type: 'error', message: 'Podium could not apply the hunk: src/core/tally.js is open with unsaved changes.' });
      await eventually(async () => assert.equal(await approve.isEnabled(), true));
    }
  });

  it('offers “approve all without warnings” and visibly leaves the warned hunks out of it', async () => {
    const view = await openSignOff();
    await view.load();
    const task = view.page.locator('.so-task[data-task="t-hyphen"]');
    const bulk = task.getByTestId('approve-clean');
    assert.equal((await bulk.textContent())?.trim(), 'Approve 3 without warnings');
    await task.getByText('Never includes the 2 hunks with warnings').waitFor();
    const excluded = await view.page.locator('.so-hunk:has(.so-excluded)').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.hunk));
    assert.deepEqual(excluded, ['h-a4', 'h-a1', 'h-b2', 'h-b1']);
    await bulk.click();
    await eventually(async () => assert.deepEqual(await view.sent(), [{ type: 'task/approveClean', task: 't-hyphen' }]));
    // The hunks it takes wait for the host; the warned ones stay fully decidable.
    for (const id of ['h-a5', 'h-a2', 'h-a3']) assert.equal(await view.card(id).getAttribute('aria-busy'), 'true', id);
    for (const id of ['h-a4', 'h-a1']) assert.equal(await view.card(id).getByRole('button', { name: 'Approve' }).isEnabled(), true, id);
    assert.equal(await bulk.isDisabled(), true);
  });

  it('approves a whole file without its warned hunks, and rejects a file or a whole task with one reason', async () => {
    const view = await openSignOff();
    await view.load();
    const task = view.page.locator('.so-task[data-task="t-hyphen"]');
    const files = task.locator('.so-file');
    const enabled = await files.getByTestId('approve-file').evaluateAll((els) => els.map((e) => !(e as HTMLButtonElement).disabled));
    assert.ok(enabled.includes(false), 'a file whose hunks all have warnings cannot be approved in bulk');
    const safeFile = files.nth(enabled.indexOf(true));
    const safePath = await safeFile.getAttribute('data-path');
    await safeFile.getByTestId('approve-file').click();
    await eventually(async () => assert.deepEqual(await view.sent(), [{ type: 'file/approve', task: 't-hyphen', path: safePath }]));
    const lastFile = files.last();
    const lastPath = await lastFile.getAttribute('data-path');
    await lastFile.getByTestId('reject-file').click();
    await lastFile.getByPlaceholder('Why? The agent is told (optional)').fill('Wrong file to touch.');
    await view.page.keyboard.press('Enter');
    await eventually(async () => assert.deepEqual((await view.sent()).slice(1), [{ type: 'file/reject', task: 't-hyphen', path: lastPath, reason: 'Wrong file to touch.' }]));
    await task.getByTestId('reject-all').click();
    await task.locator('.so-task-head').getByPlaceholder('Why? The agent is told (optional)').fill('Start over.');
    await view.page.keyboard.press('Enter');
    await eventually(async () => assert.deepEqual((await view.sent()).slice(2), [{ type: 'task/rejectAll', task: 't-hyphen', reason: 'Start over.' }]));
  });

  it('is driven by the keyboard: j/k move, a approves, r takes a reason, o opens, u undoes, ? lists the keys', async () => {
    const view = await openSignOff();
    await view.load();
    const { page } = view;
    // Tab reaches the queue: past the warnings, the section toggle and the help button, onto the selected hunk.
    await view.card('h-a4').focus();
    assert.equal(await focused(page), 'Hunk 1 of 9, README.md line 20, you edited this region');
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    assert.equal(await focused(page), 'Hunk 3 of 9, src/core/tally.js lines 14–18, overlaps “Regex words”');
    await page.keyboard.press('k');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.match((await focused(page)) ?? '', /^Hunk 4 of 9, src\/core\/tally\.js lines 32–33$/);
    await page.keyboard.press('a'); // approves h-a2 and moves on to h-a3
    assert.match((await focused(page)) ?? '', /^Hunk 5 of 9, test\/tally\.test\.js/);
    await page.keyboard.press('o');
    await page.keyboard.press('r');
    await page.keyboard.type('Test the CLI, not tally()');
    await page.keyboard.press('Enter');
    // The rejection moved the keys on to the next hunk, the first of "Regex words": u undoes that
    // task's latest approval.
    await page.keyboard.press('u');
    await eventually(async () =>
      assert.deepEqual(await view.sent(), [
        { type: 'hunk/approve', hunk: 'h-a2' },
        { type: 'hunk/open', hunk: 'h-a3' },
        { type: 'hunk/reject', hunk: 'h-a3', reason: 'Test the CLI, not tally()' },
        { type: 'hunk/undo', hunk: 'h-b5' },
      ]),
    );

    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Sign-off keys' });
    await help.waitFor();
    for (const what of ['Next hunk', 'Previous hunk', 'Open the hunk in the diff editor']) await help.getByText(what).waitFor();
    await page.keyboard.press('a'); // swallowed by the dialog: nothing is approved behind it
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    assert.equal((await view.sent()).length, 4);
    assert.match((await focused(page)) ?? '', /^Hunk \d of 9/, 'focus returns to the queue');
  });

  it('reaches every control with Tab, with a visible focus ring', async () => {
    const view = await openSignOff();
    await view.load();
    const { page } = view;
    const seen: string[] = [];
    // Tab on until the first card's controls have been reached (bounded: the header and the file and
    // task actions come first).
    for (let i = 0; i < 30 && !seen.includes('Open in diff editor'); i++) {
      await page.keyboard.press('Tab');
      seen.push(
        await page.evaluate(() => {
          let e = document.activeElement as HTMLElement;
          // A toolbar button's focus is on the button inside it, which has the name and the ring.
          while (e.shadowRoot?.activeElement) e = e.shadowRoot.activeElement as HTMLElement;
          // VS Code's own buttons draw their ring on the part inside them.
          const drawn = (e.shadowRoot?.querySelector('[part~="base"]') as HTMLElement | null) ?? e;
          const ring = getComputedStyle(drawn).outlineStyle !== 'none' || getComputedStyle(drawn).boxShadow !== 'none';
          return `${e.getAttribute('aria-label') ?? e.textContent?.trim()}${ring ? '' : ' (no ring)'}`;
        }),
      );
    }
    assert.ok(seen.includes('Hunk 1 of 9, README.md line 20, you edited this region'), seen.join('\n'));
    assert.ok(seen.includes('Approve'), seen.join('\n'));
    assert.ok(seen.includes('Open in diff editor'), seen.join('\n'));
    assert.ok(!seen.some((s) => s.endsWith('(no ring)')), seen.join('\n'));
  });

  it('lists warnings by severity in the warnings panel, and a click selects the hunk in the queue', async () => {
    const view = await openSignOff();
    await view.load();
    const items = view.page.locator('.so-wp-item');
    assert.deepEqual(
      await items.evaluateAll((els) => els.map((e) => `${(e as HTMLElement).dataset.warning} ${(e as HTMLElement).dataset.hunk}`)),
      ['conflict h-b2', 'overlap h-a1', 'overlap h-b1', 'stale h-a4'],
    );
    assert.deepEqual(await view.page.locator('.so-wp-heading').allTextContents(), ['Conflicts 1', 'Overlaps between tasks 2', 'Regions you edited 1']);
    await items.filter({ hasText: 'Overlaps “Count hyphenated words once”' }).click();
    await eventually(async () => assert.equal(await focused(view.page), 'Hunk 8 of 9, src/core/tally.js line 13, overlaps “Count hyphenated words once”'));
    assert.match((await view.card('h-b1').getAttribute('class')) ?? '', /\bselected\b/);
    await view.page.keyboard.press('a');
    await eventually(async () => assert.deepEqual(await view.sent(), [{ type: 'hunk/approve', hunk: 'h-b1' }]));
  });

  it('takes a hunk out of the queue when an event decides it, and keeps the keyboard on the next one', async () => {
    const view = await openSignOff();
    await view.load();
    await view.card('h-a1').focus();
    await view.post({
      type: 'events',
      events: [
        event('sess-hy1', 'hunk.decided', { task: 't-hyphen', hunk: 'h-a1', decision: 'approved' }),
        event('sess-hy1', 'hunk.applied', { task: 't-hyphen', hunk: 'h-a1', how: 'direct' }),
        // Deciding one side of an overlap clears it on the other.
        event('sess-rx2', 'overlap.cleared', { task: 't-regex', hunk: 'h-b1', other: { task: 't-hyphen', hunk: 'h-a1' } }),
      ],
    });
    await view.card('h-a1').waitFor({ state: 'detached' });
    assert.deepEqual(await view.queueIds(), ORDER.filter((id) => id !== 'h-a1'));
    assert.equal(await view.page.getByTestId('signoff-count').textContent(), '8');
    await eventually(async () => assert.equal(await focused(view.page), 'Hunk 3 of 8, src/core/tally.js lines 32–33'));
    const decided = view.page.locator('.so-decided-row[data-hunk="h-a1"]');
    await decided.getByText('Applied').waitFor();
    assert.equal(await decided.getByRole('button', { name: /Undo/ }).isEnabled(), true);
    assert.deepEqual(await view.page.locator('.so-wp-item').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.hunk)), ['h-b2', 'h-a4']);
  });

  it('keeps 2,000 waiting hunks to a window of cards, and j/k/End still reach, show and focus any of them', async () => {
    const HUNKS = 2_000;
    const session = 'sess-big';
    let seq = 1;
    const ts = Date.UTC(2026, 0, 5, 9);
    const events: Fixture['events'] = [
      { v: 1, session, seq: seq++, ts, type: 'task.created', task: { id: 't-big', title: 'Rename the handlers', prompt: 'Rename every handler.', agent: 'rehearsal' } },
    ];
    for (let i = 0; i < HUNKS; i++) {
      const file = `src/handlers/h${String(Math.floor(i / 4)).padStart(3, '0')}.ts`;
      const line = 10 + (i % 4) * 20;
      events.push({
        v: 1,
        session,
        seq: seq++,
        ts: ts + i,
        type: 'hunk.staged',
        task: 't-big',
        hunk: {
          id: `hb-${i}`, path: file, status: 'modified', kind: 'lines',
          oldStart: line, oldCount: 1, newStart: line, newCount: 1,
          oldLines: [`export function handler${i}() {\n`], newLines: [`export function onEvent${i}() {\n`],
          contextBefore: ['// handlers\n'], contextAfter: ['  return true;\n'],
        },
      });
    }
    const view = await openSignOff();
    await view.load({ source: fixture.source, events });
    const { page } = view;
    assert.equal(await page.getByTestId('signoff-count').textContent(), String(HUNKS));
    const rendered = await page.locator('.so-hunk').count();
    assert.ok(rendered > 0 && rendered < 100, `only a window of cards is in the page, not all ${HUNKS} (found ${rendered})`);

    const first = view.card('hb-0');
    await first.focus();
    assert.equal(await focused(page), 'Hunk 1 of 2000, src/handlers/h000.ts line 10');
    // End goes to the last hunk, far outside the window: it is rendered, scrolled into view and focused.
    await page.keyboard.press('End');
    await eventually(async () => assert.equal(await focused(page), 'Hunk 2000 of 2000, src/handlers/h499.ts line 70'));
    await view.card('hb-1999').evaluate((card) => {
      const box = card.getBoundingClientRect();
      const body = card.closest('.so-body')!.getBoundingClientRect();
      if (box.top < body.top - 1 || box.bottom > body.bottom + 1) throw new Error(`card at ${box.top}–${box.bottom}, view ${body.top}–${body.bottom}`);
    });
    assert.equal(await first.count(), 0, 'the first card has left the page');
    // k and j walk from there, card by card, the focus on the hunk the keys act on.
    await page.keyboard.press('k');
    await page.keyboard.press('k');
    await eventually(async () => assert.equal(await focused(page), 'Hunk 1998 of 2000, src/handlers/h499.ts line 30'));
    await page.keyboard.press('j');
    await eventually(async () => assert.equal(await focused(page), 'Hunk 1999 of 2000, src/handlers/h499.ts line 50'));
    // Home goes all the way back, and the file and task the card belongs to are still named around it.
    await page.keyboard.press('Home');
    await eventually(async () => assert.equal(await focused(page), 'Hunk 1 of 2000, src/handlers/h000.ts line 10'));
    assert.equal(await first.evaluate((card) => card.closest('.so-file')?.getAttribute('aria-label')), 'src/handlers/h000.ts, 4 hunks');
    assert.equal(await first.evaluate((card) => card.closest('.so-task')?.getAttribute('aria-label')), 'Rename the handlers');
    assert.ok((await page.locator('.so-hunk').count()) < 100);
    await page.keyboard.press('a');
    await eventually(async () => assert.deepEqual(await view.sent(), [{ type: 'hunk/approve', hunk: 'hb-0' }]));
    assert.deepEqual(view.errors, []);
  });

  it('needs nothing the webview’s Content Security Policy forbids, in dark and light themes', async () => {
    for (const theme of ['dark', 'light'] as const) {
      const view = await openSignOff(theme);
      await view.load();
      const violations = await view.page.evaluate(() => (globalThis as unknown as { podiumHarness: { cspViolations: string[] } }).podiumHarness.cspViolations.slice());
      assert.deepEqual(violations, []);
      assert.deepEqual(view.errors, []);
      if (process.env.PODIUM_SCREENSHOTS) {
        // For a human to look at (both themes, a few states); not compared against anything.
        mkdirSync(repoPath('test-results'), { recursive: true });
        const shot = (name: string) => view.page.screenshot({ path: repoPath(`test-results/signoff-${theme}-${name}.png`) });
        await shot('top');
        await view.card('h-a4').focus();
        await view.page.keyboard.press('j');
        await view.page.keyboard.press('j');
        await view.page.keyboard.press('r');
        await shot('reject');
        await view.page.keyboard.press('Escape');
        await view.card('h-b2').focus();
        await shot('conflict');
        await view.page.keyboard.press('?');
        await shot('help');
        await view.page.keyboard.press('Escape');
        await view.page.setViewportSize({ width: 420, height: 900 });
        await view.card('h-a1').focus();
        await shot('narrow');
      }
      await view.page.context().close();
    }
  });
});

// Only the page functions above use these; the test project is Node-only.
declare global {
  interface Window {
    __podiumSent?: unknown[];
  }
}
