import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { loadJournalFolder } from '../../src/conductor/journalLibrary';
import type { PodiumEvent } from '../../src/score';
import { assertNothingWentWrong, checkScoreCsp, openWorkbench, ROOT, runCommand, type CodeServer } from '../harness/codeServer';
import { demoSuite, newTask, RESULTS, scoreFrame, type Workbench } from './demo';

describe('end to end: rehearsal agents playing in a real VS Code', function () {
  const demo = demoSuite('demo');
  let opened: Workbench;

  /** The demo as `npm start` lays it out (node_modules installed, a .env); its rehearsal plan only when asked. */
  async function open(withPlan: boolean): Promise<Page> {
    opened = await demo.open({ plan: withPlan, install: true, settings: { 'workbench.colorTheme': 'Default Dark Modern' } });
    return opened.page;
  }

  it('starts a rehearsal task from the command palette and shows its entries as they arrive', async function () {
    const p = await open(false);
    await newTask(p, { title: 'Average words per note', prompt: 'Add averageWords(notes) to src/core/tally.js', agent: 'small feature' });

    await runCommand(p, 'Podium: Open Score');
    const frame = scoreFrame(p);
    await frame.getByText('Average words per note').first().waitFor({ state: 'visible', timeout: 60_000 });
    // The agent's own entries, streamed live from its process: its plan, a tool call, a file it wrote.
    // The sign-off queue fills the top of the panel, so each is found as a user would: by searching.
    const search = frame.getByPlaceholder('Search titles and text');
    for (const [query, shown] of [['Plan:', /^Plan: /], ['Read src/core', /Read src\/core\/tally\.js/], ['Edited src/core', /Edited src\/core\/tally\.js/]] as const) {
      await search.fill(query);
      await frame.locator('[role="row"], li, div').getByText(shown).first().waitFor({ state: 'visible', timeout: 30_000 });
    }
    await search.fill('');
    mkdirSync(RESULTS, { recursive: true });
    await p.screenshot({ path: path.join(RESULTS, 'e2e-task-from-palette.png') });
    await assertNothingWentWrong(p);
  });

  it('opens the demo with its rehearsal tasks playing; worktrees are set up, overlaps are flagged, an approval lands, a rejection is heard', async function () {
    const p = await open(true);
    // Opening the workspace activates Podium (workspaceContains:.podium), which hands
    // out the plan's four tasks and opens the score by itself.
    const frame = scoreFrame(p);
    for (const title of ['Average words per note', 'Show the summary in the core', 'Ignore punctuation in word counts', 'Count words with a regular expression']) {
      await frame.getByText(title).first().waitFor({ state: 'visible', timeout: 90_000 });
    }
    // The two tasks that change the same lines of tally.js are flagged before anything is decided.
    await frame.getByText(/Overlaps “(Ignore punctuation in word counts|Count words with a regular expression)”/).first().waitFor({ state: 'visible', timeout: 60_000 });

    // Each worktree got the demo's node_modules and .env carried and its setup run (the workspace's
    // .vscode/settings.json), so the feature's agent ran the project's tests there, and they passed.
    const search = frame.locator('vscode-textfield.search input');
    await search.fill('Carried into the worktree: .env');
    await frame.locator('.lane-entries .entry', { hasText: 'node_modules (' }).first().waitFor({ state: 'visible', timeout: 60_000 });
    await search.fill('Generated src/generated/stopwords.js');
    await frame.locator('.lane-entries .entry', { hasText: 'npm run generate' }).first().waitFor({ state: 'visible', timeout: 60_000 });
    await search.fill('# pass 7');
    await frame.locator('.lane-entries .entry', { hasText: 'npm test' }).first().waitFor({ state: 'visible', timeout: 60_000 });
    await search.fill('');

    // Approve the feature's new test file from the sign-off queue: it appears in the workspace.
    const feature = frame.locator('.so-task', { has: frame.getByRole('heading', { name: 'Average words per note' }) });
    const newFile = path.join(opened.workspace, 'test', 'average.test.js');
    assert.equal(existsSync(newFile), false);
    await feature.locator('[data-path="test/average.test.js"] article[data-hunk]').first().getByRole('button', { name: /^Approve/ }).click();
    for (let i = 0; i < 100 && !existsSync(newFile); i++) await new Promise((r) => setTimeout(r, 200));
    assert.ok(existsSync(newFile), 'the approved new file is in the workspace');

    // Reject the feature's change to tally.js with a reason: the agent's next turn shows it heard.
    const tallyCard = feature.locator('[data-path="src/core/tally.js"] article[data-hunk]').first();
    await tallyCard.getByRole('button', { name: /^Reject/ }).click();
    await feature.locator('.so-reject input, .so-reject textarea').first().fill('Keep averages out of the core for now.');
    await p.keyboard.press('Enter');
    // Find the agent's answer the way an engineer would in a long score: search the entries.
    await frame.locator('vscode-textfield.search input').fill('take this into account');
    await frame.locator('.lane-entries .entry', { hasText: 'I will take this into account' }).first().waitFor({ state: 'visible', timeout: 60_000 });

    // Approving a change to a JavaScript file opens it in the editor, which wakes VS Code's built-in
    // JavaScript/TypeScript features: the local VS Code build must have what they need (tsserver),
    // or the user sees an error toast that is not theirs.
    const tally = path.join(opened.workspace, 'src', 'core', 'tally.js');
    const before = readFileSync(tally, 'utf8');
    const layer = frame.locator('.so-task', { has: frame.getByRole('heading', { name: 'Show the summary in the core' }) });
    await layer.locator('[data-path="src/core/tally.js"] article[data-hunk]').first().getByRole('button', { name: /^Approve/ }).click();
    for (let i = 0; i < 100 && readFileSync(tally, 'utf8') === before; i++) await new Promise((r) => setTimeout(r, 200));
    assert.notEqual(readFileSync(tally, 'utf8'), before, 'the approved change to tally.js is in the workspace');

    mkdirSync(RESULTS, { recursive: true });
    const shot = path.join(RESULTS, 'e2e-demo-rehearsal.png');
    await p.screenshot({ path: shot });
    if (process.env.PODIUM_UPDATE_SCREENSHOTS) copyFileSync(shot, path.join(ROOT, 'media', 'screenshots', 'vscode-demo.png'));
    // The webview as the browser ran it: a nonce'd policy, no inline script, no violation reported.
    await checkScoreCsp(p);
    await assertNothingWentWrong(p);
  });

  it('plays the demo once: a second browser profile on the same workspace starts nothing again', async function () {
    const p = await open(true);
    const titles = ['Average words per note', 'Show the summary in the core', 'Ignore punctuation in word counts', 'Count words with a regular expression'];
    const frame = scoreFrame(p);
    for (const title of titles) await frame.getByText(title).first().waitFor({ state: 'visible', timeout: 90_000 });
    const journals = path.join(opened.workspace, '.podium', 'journals');
    const created = async () => {
      const counts: Record<string, number> = {};
      for (const e of (await loadJournalFolder(journals)).events as PodiumEvent[]) if (e.type === 'task.created') counts[e.task.title] = (counts[e.task.title] ?? 0) + 1;
      return counts;
    };
    const once = Object.fromEntries(titles.map((t) => [t, 1]));
    assert.deepEqual(await created(), once);
    // The tab closes; the same workspace opens in a new browser profile (its own browser storage,
    // where VS Code for the Web keeps workspaceState), so only the journals can say the plan played.
    await p.close();
    const second = await openWorkbench(opened.browser, opened.server, opened.workspace);
    opened.page = second;
    await waitForLog(opened.server, /already played here/, 90_000);
    assert.deepEqual(await created(), once, 'no task of the plan was created a second time');
    await runCommand(second, 'Podium: Open Score');
    const frame2 = scoreFrame(second);
    for (const title of titles) await frame2.getByText(title).first().waitFor({ state: 'visible', timeout: 60_000 });
    await assertNothingWentWrong(second);
  });
});

/** Waits until Podium's output channel, in any window of the server, has logged a line matching `re`. */
async function waitForLog(server: CodeServer, re: RegExp, timeoutMs: number): Promise<void> {
  const logs = path.join(server.userDataDir, 'logs');
  const files = (dir: string): string[] => {
    let out: string[] = [];
    for (const name of existsSync(dir) ? readdirSync(dir) : []) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) out = out.concat(files(full));
      else if (name.endsWith('Podium.log')) out.push(full);
    }
    return out;
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (files(logs).some((f) => re.test(readFileSync(f, 'utf8')))) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Podium never logged ${re} (logs under ${logs}: ${files(logs).join(', ') || 'none'})`);
}
