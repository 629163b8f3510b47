/**
 * kill -9 of VS Code itself: code-server and its extension host, SIGKILLed as a group while the
 * demo's agents have played, hunks wait, one approval has landed and another was clicked the moment
 * before. VS Code is started again on the same workspace and user data: every task and decision is
 * there, the demo plan is not handed out again, nothing is applied twice, and the approval that was
 * cut off is complete, or visibly not (waiting again, or a conflict) — never "approved" but not applied.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { loadJournalFolder } from '../../src/conductor/journalLibrary';
import { fold, type PodiumEvent, type ScoreState } from '../../src/score';
import { assertNothingWentWrong, launchBrowser, openWorkbench, ROOT, runCommand, startCodeServer, type CodeServer } from '../harness/codeServer';
import { installPackagedExtension } from '../e2e/packagedExtension';

const TITLES = ['Average words per note', 'Show the summary in the core', 'Ignore punctuation in word counts', 'Count words with a regular expression'];

function scoreFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').first().frameLocator('iframe#active-frame');
}

function demoRepo(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'podium-kill9-demo-'));
  cpSync(path.join(ROOT, 'demo', 'template'), dir, { recursive: true });
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=E2E', '-c', 'user.email=e2e@podium.invalid', ...args], { cwd: dir, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'demo');
  return dir;
}

async function scoreOnDisk(journals: string): Promise<{ state: ScoreState; events: PodiumEvent[]; problems: string[] }> {
  const loaded = await loadJournalFolder(journals);
  return { state: fold(loaded.events), events: loaded.events as PodiumEvent[], problems: loaded.problems };
}

describe('faults: kill -9 of VS Code (code-server and its extension host)', function () {
  this.timeout(300_000);
  let servers: CodeServer[] = [];
  let browser: Browser | undefined;
  let workspace: string | undefined;
  let page: Page | undefined;

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) {
      mkdirSync(path.join(ROOT, 'test-results'), { recursive: true });
      await page.screenshot({ path: path.join(ROOT, 'test-results', 'faults-kill9-vscode.png') }).catch(() => undefined);
    }
    await browser?.close();
    for (const s of servers) await s.stop();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
    servers = [];
    browser = undefined;
  });

  it('started again, shows every task and decision, hands out nothing twice and leaves no approval half done', async () => {
    const extensionsDir = await installPackagedExtension();
    workspace = demoRepo();
    const journals = path.join(workspace, '.podium', 'journals');
    const first = await startCodeServer({ workspace, extensionsDir });
    servers.push(first);
    browser = await launchBrowser();
    page = await openWorkbench(browser, first, workspace);
    const frame = scoreFrame(page);
    for (const title of TITLES) await frame.getByText(title).first().waitFor({ state: 'visible', timeout: 90_000 });

    // One approval lands (the feature's new test file)…
    const feature = frame.locator('.so-task', { has: frame.getByRole('heading', { name: 'Average words per note' }) });
    const newFile = path.join(workspace, 'test', 'average.test.js');
    await feature.locator('[data-path="test/average.test.js"] article[data-hunk]').first().getByRole('button', { name: /^Approve/ }).click();
    for (let i = 0; i < 100 && !existsSync(newFile); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(existsSync(newFile));
    const applied = readFileSync(newFile, 'utf8');
    // …and the next is clicked the moment before VS Code dies with everything in it.
    const layer = frame.locator('.so-task', { has: frame.getByRole('heading', { name: 'Show the summary in the core' }) });
    const cutCard = layer.locator('[data-path="src/core/tally.js"] article[data-hunk]').first();
    const cutHunk = await cutCard.getAttribute('data-hunk');
    await cutCard.getByRole('button', { name: /^Approve/ }).click();
    await first.kill();
    const atKill = await scoreOnDisk(journals);

    // VS Code again, same workspace and user data; Podium wakes for the workspace's .podium.
    const restarted = Date.now();
    const second = await startCodeServer({ workspace, extensionsDir, userDataDir: first.userDataDir });
    servers.push(second);
    page = await openWorkbench(browser, second, workspace);
    await runCommand(page, 'Podium: Open Score');
    const frame2 = scoreFrame(page);
    for (const title of TITLES) await frame2.getByText(title).first().waitFor({ state: 'visible', timeout: 90_000 });
    const shownAfter = (Date.now() - restarted) / 1000;
    // The new window takes up the open tasks: the ones the dead window was playing end "interrupted",
    // and the approval it left half done is finished. Wait until the journals say so.
    let after = await scoreOnDisk(journals);
    for (let i = 0; i < 300; i++) {
      const settled = after.state.taskOrder.every((id) => after.state.tasks[id]!.status === 'finished')
        && !Object.values(after.state.hunks).some((h) => h.status === 'approved');
      if (settled) break;
      await new Promise((r) => setTimeout(r, 200));
      after = await scoreOnDisk(journals);
    }
    const recovered = (Date.now() - restarted) / 1000;

    const created = after.events.filter((e) => e.type === 'task.created').map((e) => (e as Extract<PodiumEvent, { type: 'task.created' }>).task.title).sort();
    assert.deepEqual(created, [...TITLES].sort(), 'every task is there once: the plan was not handed out again');
    assert.deepEqual(Object.keys(after.state.sessions).sort(), Object.keys(atKill.state.sessions).sort(), 'every session is there');
    for (const [id, h] of Object.entries(atKill.state.hunks)) {
      if (h.status === 'applied' || h.status === 'rejected') assert.equal(after.state.hunks[id]!.status, h.status, `decided hunk ${h.hunk.path} stays decided`);
    }
    assert.equal(readFileSync(newFile, 'utf8'), applied, 'the landed approval is in the file once, unchanged');
    const cut = after.state.hunks[cutHunk!]!;
    assert.ok(['applied', 'conflict', 'pending'].includes(cut.status), `the approval cut off by the kill is ${cut.status}: complete, or visibly not`);
    if (cut.status === 'applied') {
      const added = (cut.hunk as { newLines: string[] }).newLines.find((l) => !readFileSync(path.join(ROOT, 'demo/template/src/core/tally.js'), 'utf8').includes(l) && l.trim().length > 10)!;
      assert.equal(readFileSync(path.join(workspace, 'src/core/tally.js'), 'utf8').split(added).length - 1, 1, 'applied once');
    }
    const torn = after.problems.filter((p) => /incomplete/.test(p)).length;
    console.log(`      after kill -9: score shown ${shownAfter.toFixed(1)} s after the restart, open tasks taken up and settled in ${recovered.toFixed(1)} s; ${after.events.length} events, ${torn} torn tail(s); the cut-off approval is ${cut.status} (it was ${atKill.state.hunks[cutHunk!]?.status} on disk at the kill)`);
    await assertNothingWentWrong(page);
  });
});
