/**
 * The conductor's desk in a real browser: the tasks bar (new-task form, per-task intents, the
 * ledger), permission requests answered in place, and the agent filter. Fed the recorded
 * conductor fixture exactly as the host feeds it; every intent is read back from what the page
 * sent and checked against the protocol's own validation.
 */
import assert from 'node:assert/strict';
import type { Locator } from 'playwright-core';
import { parseFromWebview } from '../../src/protocol';
import { fold, sessionLabel, totalUsage, type ScoreState } from '../../src/score';
import { count, eventually, openScore, recordedFixture, type ScoreView } from '../../webview-ui/test-harness/harness';

const fixture = recordedFixture('recorded-conductor.json');
const expected = fold(fixture.events);
const config = fixture.config!;

async function open(options: { config?: unknown; width?: number; height?: number } = {}): Promise<ScoreView> {
  const view = await openScore({ width: options.width ?? 1280, height: options.height ?? 900 });
  if (options.config !== null) await view.post({ type: 'config', config: options.config ?? config });
  await view.load(fixture);
  return view;
}

const lastSent = async (view: ScoreView) => (await view.sent()).at(-1);
const taskRow = (view: ScoreView, id: string): Locator => view.page.locator(`tr.task-row[data-task="${id}"]`);
const usd = (n: number) => `$${n < 10 ? n.toFixed(4) : n.toFixed(2)}`;

/** Usage per task as the contract defines it: the sum over the task's sessions (listed or naming it). */
function usageOf(state: ScoreState, task: string) {
  let inputTokens = 0;
  let outputTokens = 0;
  let costUsd = 0;
  for (const id of state.sessionOrder) {
    const s = state.sessions[id]!;
    if (s.task !== task && !state.tasks[task]!.sessions.includes(id)) continue;
    inputTokens += s.usage.inputTokens;
    outputTokens += s.usage.outputTokens;
    costUsd += s.usage.costUsd;
  }
  return { tokens: inputTokens + outputTokens, costUsd };
}

async function fillField(form: Locator, name: string, value: string) {
  await form.locator(`[data-field="${name}"]`).locator('input, textarea').fill(value);
}

describe('The tasks bar', () => {
  it('hands out a new task: the form posts a task/create the host accepts, with waits-for and budgets', async () => {
    const view = await open();
    await view.page.getByRole('button', { name: 'New Task' }).click();
    const form = view.page.getByRole('form', { name: 'New task' });
    await form.waitFor();

    // Nothing typed yet: the form says what is missing and sends nothing.
    const before = (await view.sent()).length;
    await form.getByRole('button', { name: 'Start Task' }).click();
    await form.getByText('Give the task a title').waitFor();
    await form.getByText('Tell the agent what to do.').waitFor();
    assert.equal((await view.sent()).length, before);

    await fillField(form, 'title', 'Add request timeouts');
    await fillField(form, 'prompt', 'Give request() a timeout option, default 30 s, and test it.');
    await form.locator('vscode-single-select[data-field="agent"]').click();
    await form.locator('vscode-single-select[data-field="agent"]').getByRole('option', { name: /Codex/ }).click();
    await form.locator('vscode-checkbox[data-task="t-flaky"]').click();
    await form.getByText('Budgets', { exact: true }).click();
    await fillField(form, 'wallClockMin', '30');
    await fillField(form, 'tokens', '50,000');
    await fillField(form, 'costUsd', '2.5');
    await fillField(form, 'idleMin', '5');
    await form.getByRole('button', { name: 'Start Task' }).click();

    const sent = await lastSent(view);
    assert.deepEqual(sent, {
      type: 'task/create',
      title: 'Add request timeouts',
      prompt: 'Give request() a timeout option, default 30 s, and test it.',
      agent: 'codex',
      waitsFor: ['t-flaky'],
      budgets: { wallClockSec: 1800, tokens: 50_000, costUsd: 2.5, idleSec: 300 },
    });
    assert.deepEqual(parseFromWebview(sent), { ok: true, message: sent });
    await form.waitFor({ state: 'detached' }); // sent: the task will appear when the host's events say so
    // Focus returns to where the engineer started, and nothing needed what the CSP forbids.
    await eventually(async () => assert.equal(await view.page.locator(':focus').innerText(), 'New Task'));
    assert.deepEqual(await view.cspViolations(), []);
  });

  it('refuses a budget the host would refuse, and says which', async () => {
    const view = await open();
    await view.page.getByRole('button', { name: 'New Task' }).click();
    const form = view.page.getByRole('form', { name: 'New task' });
    await fillField(form, 'title', 'T');
    await fillField(form, 'prompt', 'P');
    await form.getByText('Budgets', { exact: true }).click();
    await fillField(form, 'tokens', '1.5');
    await fillField(form, 'wallClockMin', '20000');
    const before = (await view.sent()).length;
    await view.page.keyboard.press('Control+Enter');
    await form.getByText('A whole number of tokens.').waitFor();
    await form.getByText('At most 7 days (10,080 minutes).').waitFor();
    assert.equal((await view.sent()).length, before);
    await view.page.keyboard.press('Escape');
    await form.waitFor({ state: 'detached' });
  });

  it('cannot start agents in an untrusted workspace, or before the host sent its settings, and says why', async () => {
    const view = await open({ config: null });
    const newTask = view.page.getByRole('button', { name: 'New Task' });
    assert.equal(await newTask.isDisabled(), true);
    assert.match(await view.page.getByTestId('task-gate').innerText(), /Waiting for the extension to send the agent settings/);

    await view.post({ type: 'config', config: { ...config, trusted: false } });
    await view.page.getByTestId('task-gate').getByText(/This workspace is not trusted, so Podium starts no agents here/).waitFor();
    assert.equal(await newTask.isDisabled(), true);
    // The reason is the button's description, for a screen reader as much as for the eye.
    const described = await newTask.getAttribute('aria-describedby');
    assert.equal(await view.page.locator(`[id="${described}"]`).innerText(), await view.page.getByTestId('task-gate').innerText());
    // Restart and follow-up would start an agent: refused too. Stop and cancel only end work.
    assert.equal(await taskRow(view, 't-retry').getByRole('button', { name: /^Restart/ }).isDisabled(), true);
    assert.equal(await taskRow(view, 't-types').locator('vscode-textfield').evaluate((el) => (el as unknown as { disabled: boolean }).disabled), true);
    assert.equal(await taskRow(view, 't-flaky').getByRole('button', { name: /^Stop/ }).isEnabled(), true);

    await view.post({ type: 'config', config });
    await eventually(async () => assert.equal(await newTask.isEnabled(), true));
    assert.equal(await view.page.getByTestId('task-gate').count(), 0);
  });

  it('shows each task’s state, and offers stop, cancel, restart and follow-up only where they apply', async () => {
    const view = await open();
    const states: Record<string, [string, { stop: boolean; cancel: boolean; restart: boolean; followUp: boolean }]> = {
      't-retry': ['Done', { stop: false, cancel: false, restart: true, followUp: false }],
      't-parser': ['Stopped by budget', { stop: false, cancel: false, restart: true, followUp: false }],
      't-lint': ['Stopped', { stop: false, cancel: false, restart: true, followUp: false }],
      't-flaky': ['Needs permission', { stop: true, cancel: true, restart: false, followUp: false }],
      't-types': ['Waiting for input', { stop: true, cancel: false, restart: false, followUp: true }],
      't-docs': ['Queued', { stop: false, cancel: true, restart: false, followUp: false }],
    };
    assert.equal(await view.page.locator('tr.task-row[data-task]').count(), expected.taskOrder.length);
    for (const [id, [state, allowed]] of Object.entries(states)) {
      const row = taskRow(view, id);
      assert.equal(await row.locator('.task-state').innerText(), state, `${id} state`);
      const enabled = {
        stop: await row.getByRole('button', { name: /^Stop/ }).isEnabled(),
        cancel: await row.getByRole('button', { name: /^Cancel/ }).isEnabled(),
        restart: await row.getByRole('button', { name: /^Restart/ }).isEnabled(),
        followUp: !(await row.locator('vscode-textfield').evaluate((el) => (el as unknown as { disabled: boolean }).disabled)),
      };
      assert.deepEqual(enabled, allowed, `${id} actions`);
    }
    assert.match(await taskRow(view, 't-docs').innerText(), /after Fix the flaky upload test/);

    await taskRow(view, 't-flaky').getByRole('button', { name: 'Stop Fix the flaky upload test' }).click();
    assert.deepEqual(await lastSent(view), { type: 'task/stop', task: 't-flaky' });
    await taskRow(view, 't-docs').getByRole('button', { name: /^Cancel/ }).click();
    assert.deepEqual(await lastSent(view), { type: 'task/cancel', task: 't-docs' });
    await taskRow(view, 't-parser').getByRole('button', { name: /^Restart/ }).click();
    assert.deepEqual(await lastSent(view), { type: 'task/restart', task: 't-parser' });

    const followUp = taskRow(view, 't-types').locator('vscode-textfield input');
    await followUp.fill('Yes, narrow ApiError.code to a union as well.');
    await followUp.press('Enter');
    assert.deepEqual(await lastSent(view), { type: 'task/followUp', task: 't-types', text: 'Yes, narrow ApiError.code to a union as well.' });
    assert.equal(await followUp.inputValue(), '');
    for (const m of (await view.sent()).slice(1)) assert.equal(parseFromWebview(m).ok, true, JSON.stringify(m));

    // The host answers with events: the follow-up is sent, the agent works again, and cancel
    // becomes possible while the follow-up stays shut.
    const last = fixture.events.filter((e) => e.session === 'sess-d4').at(-1)!;
    await view.post({ type: 'events', events: [{ v: 1, session: 'sess-d4', seq: last.seq + 1, ts: last.ts + 2000, type: 'prompt.sent', text: 'Yes, narrow ApiError.code to a union as well.', purpose: 'followup' }] });
    const types = taskRow(view, 't-types');
    await types.locator('.task-state').getByText('Running').waitFor();
    assert.equal(await types.getByRole('button', { name: /^Cancel/ }).isEnabled(), true);
    assert.equal(await types.locator('vscode-textfield').evaluate((el) => (el as unknown as { disabled: boolean }).disabled), true);
  });

  it('draws a task’s actions as VS Code’s toolbar buttons: found by name, and a disabled one is skipped by Tab and does nothing on a click, Enter or Space', async () => {
    const view = await open();
    const { page } = view;
    const row = taskRow(view, 't-retry'); // done: stop and cancel are off, restart is on
    const stop = row.getByRole('button', { name: /^Stop/ });
    const restart = row.getByRole('button', { name: /^Restart/ });
    // The name is on the button inside the element's shadow root; the element says it is disabled.
    assert.equal(await stop.evaluate((b) => (b.getRootNode() as ShadowRoot).host.localName), 'vscode-toolbar-button');
    assert.equal(await stop.isDisabled(), true);
    assert.equal(await row.locator('.task-actions vscode-toolbar-button[aria-disabled="true"]').count(), 2);
    const deepFocus = () =>
      page.evaluate(() => {
        let e = document.activeElement;
        while (e?.shadowRoot?.activeElement) e = e.shadowRoot.activeElement;
        return e?.getAttribute('aria-label') ?? null;
      });

    const before = (await view.sent()).length;
    const box = (await stop.boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await row.locator('.task-actions vscode-toolbar-button[aria-disabled="true"]').first().evaluate((host) => (host as HTMLElement).click());
    await stop.evaluate((b) => (b as HTMLElement).focus());
    assert.doesNotMatch((await deepFocus()) ?? '', /^Stop/, 'a disabled one takes no focus');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Space');
    assert.equal((await view.sent()).length, before, 'nothing was sent');

    // Tab goes from the one enabled action backwards past the two disabled ones, and comes back to it.
    await restart.focus();
    await page.keyboard.press('Shift+Tab');
    assert.doesNotMatch((await deepFocus()) ?? '', /^(Stop|Cancel)/);
    await page.keyboard.press('Tab');
    assert.match((await deepFocus()) ?? '', /^Restart/);
    await page.keyboard.press('Enter');
    assert.deepEqual(await lastSent(view), { type: 'task/restart', task: 't-retry' });
    await page.keyboard.press('Space');
    assert.equal((await view.sent()).filter((m) => m.type === 'task/restart').length, 2);
  });

  it('keeps one ledger across agent kinds: tokens and cost per task over its sessions, and in total, as `fold` computes them', async () => {
    const view = await open();
    for (const id of expected.taskOrder) {
      const want = usageOf(expected, id);
      const cells = await taskRow(view, id).locator('td.num').allInnerTexts();
      assert.equal(cells[0]!.split(' / ')[0], count(want.tokens), `${id} tokens`);
      assert.equal(cells[1]!.split(' / ')[0], usd(want.costUsd), `${id} cost`);
    }
    // The restarted task sums both its runs.
    const parser = usageOf(expected, 't-parser');
    assert.equal(parser.tokens, 4_700 + 30_400);
    const total = totalUsage(expected);
    const footer = await view.page.getByTestId('ledger-total').locator('td.num').allInnerTexts();
    assert.deepEqual(footer, [count(total.inputTokens + total.outputTokens), usd(total.costUsd)]);
    assert.match(await view.page.getByTestId('ledger-total').innerText(), /Claude Code \$0\.2688\s*·?\s*Codex \$0\.0412/);
    // The header's totals are the same ledger.
    assert.match(await view.page.locator('header').innerText(), new RegExp(`Tokens\\s*${count(total.inputTokens + total.outputTokens)}`, 'i'));

    // A panel under 1080 px drops the agent and cost columns (the cost moves into the tokens'
    // tooltip), so every task's title keeps room to be read; widened again, they come back.
    const headers = () => view.page.getByRole('table', { name: 'Tasks and what they cost' }).getByRole('columnheader').allTextContents();
    const titleWidth = async () => (await taskRow(view, 't-parser').locator('th').boundingBox())!.width;
    assert.deepEqual((await headers()).slice(0, 5), ['Task', 'State', 'Agent', 'Tokens', 'Cost']);
    assert.ok((await titleWidth()) > 250, `the title has ${await titleWidth()} px at 1280 px`);
    // Under 560 px (a side bar) the follow-up column leaves too: only the task waiting for input
    // has a follow-up box, on a line of its own.
    const sendTypes = view.page.getByRole('button', { name: `Send follow-up to ${expected.tasks['t-types']!.spec.title}` });
    for (const width of [1000, 800, 600, 420]) {
      await view.page.setViewportSize({ width, height: 900 });
      const columns = width > 560 ? ['Task', 'State', 'Tokens', 'Actions', 'Follow-up'] : ['Task', 'State', 'Tokens', 'Actions'];
      await eventually(async () => assert.deepEqual(await headers(), columns));
      assert.equal(await taskRow(view, 't-parser').locator('td.num').count(), 1);
      assert.ok((await titleWidth()) > 140, `the title has ${await titleWidth()} px at ${width} px`);
      assert.match(await taskRow(view, 't-parser').locator('th').innerText(), /Speed up/);
      const send = (await sendTypes.boundingBox())!;
      assert.ok(send.x + send.width <= width, `the follow-up's send button ends at ${send.x + send.width} px, inside ${width} px`);
      assert.equal(await view.page.getByRole('button', { name: /Send follow-up/ }).count(), width > 560 ? expected.taskOrder.length : 1);
    }
    const box = view.page.getByRole('textbox', { name: /Follow-up for Tighten the types/ });
    await box.fill('Also cover the 404 case.');
    await sendTypes.click();
    assert.deepEqual(await lastSent(view), { type: 'task/followUp', task: 't-types', text: 'Also cover the 404 case.' });
    await view.page.setViewportSize({ width: 1280, height: 900 });
    await eventually(async () => assert.deepEqual((await headers()).slice(0, 5), ['Task', 'State', 'Agent', 'Tokens', 'Cost']));
  });
});

describe('Permission requests', () => {
  it('stand out at the top and in their row, and are answered in place with one button per option', async () => {
    const view = await open();
    const strip = view.page.getByTestId('permission-strip');
    assert.match(await strip.innerText(), /An agent asks for permission\s*Fix the flaky upload test\s*Run rm -rf test\/\.tmp-uploads/);
    assert.deepEqual(await strip.getByRole('group', { name: /^Answer:/ }).first().getByRole('button').allInnerTexts(), ['Allow', 'Deny']);
    const flaky = view.page.getByRole('listitem', { name: 'Fix the flaky upload test' });
    const row = flaky.locator('.entry.pending');
    assert.match(await row.innerText(), /Permission\s*Run rm -rf test\/\.tmp-uploads\s*Awaiting answer/);

    await strip.getByRole('button', { name: 'Deny: Run rm -rf test/.tmp-uploads' }).click();
    assert.deepEqual(await lastSent(view), { type: 'permission/answer', session: 'sess-b2', request: 'perm-1', optionId: 'deny' });
    assert.equal(parseFromWebview(await lastSent(view)).ok, true);
    // Held until the host confirms, so a second click cannot send a second answer.
    assert.equal(await strip.getByRole('button', { name: /^Allow:/ }).isDisabled(), true);

    const last = fixture.events.filter((e) => e.session === 'sess-b2').at(-1)!;
    await view.post({ type: 'events', events: [{ v: 1, session: 'sess-b2', seq: last.seq + 1, ts: last.ts + 3000, type: 'permission.resolved', request: 'perm-1', optionId: 'deny', by: 'engineer' }] });
    await strip.waitFor({ state: 'detached' });
    assert.match(await flaky.locator('.entry[data-kind="permission"]').innerText(), /Rejected/);
    assert.equal(await flaky.locator('.entry.pending').count(), 0);
  });

  it('are the first thing the keyboard reaches, and answer from the keyboard; the detail answers too', async () => {
    const view = await open();
    await view.page.keyboard.press('Tab');
    const focused = view.page.locator(':focus');
    assert.equal(await focused.getAttribute('aria-label'), 'Allow: Run rm -rf test/.tmp-uploads');
    await view.page.keyboard.press('Enter');
    assert.deepEqual(await lastSent(view), { type: 'permission/answer', session: 'sess-b2', request: 'perm-1', optionId: 'allow' });

    // A second request arrives: announced, and answerable from its entry's detail as well.
    const last = fixture.events.filter((e) => e.session === 'sess-a1').at(-1)!;
    await view.post({
      type: 'events',
      events: [{ v: 1, session: 'sess-d4', seq: 14, ts: last.ts + 5000, type: 'permission.requested', request: 'p-9', title: 'Write src/http/errors.ts', options: [{ id: 'ok', name: 'Allow once', kind: 'allow_once' }, { id: 'always', name: 'Always allow writes', kind: 'allow_always' }, { id: 'no', name: 'Reject', kind: 'reject_once' }] }],
    });
    await eventually(async () => assert.equal(await view.page.getByTestId('announcer').innerText(), 'Tighten the types in src/http/errors.ts asks permission: Write src/http/errors.ts'));
    await view.page.getByRole('listitem', { name: 'Tighten the types in src/http/errors.ts' }).locator('.entry.pending').click();
    const detail = view.page.getByTestId('entry-detail');
    await detail.getByRole('button', { name: 'Always allow writes: Write src/http/errors.ts' }).click();
    assert.deepEqual(await lastSent(view), { type: 'permission/answer', session: 'sess-d4', request: 'p-9', optionId: 'always' });
  });
});

describe('The agent filter', () => {
  it('narrows the sessions, their rows and the timeline to one agent, and clears with the other filters', async () => {
    const view = await open();
    const sessions = view.page.getByRole('list', { name: 'Sessions' }).getByRole('listitem');
    assert.equal(await sessions.count(), expected.sessionOrder.length);

    await view.page.locator('vscode-single-select.agent-filter').click();
    const options = await view.page.locator('vscode-single-select.agent-filter').getByRole('option').allInnerTexts();
    assert.deepEqual(options.map((o) => o.trim()), ['All agents', 'Claude Code', 'ESLint --fix', 'Codex', 'Gemini CLI']);
    await view.page.locator('vscode-single-select.agent-filter').getByRole('option', { name: 'Codex' }).click();

    await eventually(async () => assert.equal(await sessions.count(), 1));
    const codex = expected.sessionOrder.filter((id) => expected.sessions[id]!.agent?.label === 'Codex');
    assert.deepEqual(await sessions.locator('.lane-label').allInnerTexts(), codex.map((id) => sessionLabel(expected, expected.sessions[id]!)));
    assert.equal(await sessions.locator('.entry').count(), expected.sessions[codex[0]!]!.entries.length);
    assert.equal(await view.page.getByTestId('timeline').locator('[data-lane]').count(), 1);

    // With the kind filter on top: Codex's commands only.
    await view.page.locator('vscode-single-select.kind-filter').click();
    await view.page.locator('vscode-single-select.kind-filter').getByRole('option', { name: 'Command' }).click();
    await eventually(async () => assert.deepEqual(await sessions.locator('.entry .entry-title').allInnerTexts(), ['$ npx vitest run test/upload.test.ts --repeat 20']));

    await view.page.getByRole('button', { name: 'Clear filters' }).click();
    await eventually(async () => assert.equal(await sessions.count(), expected.sessionOrder.length));
  });
});
