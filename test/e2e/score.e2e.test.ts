import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { readJournal } from '../../src/journal';
import { fold, sessionLabel } from '../../src/score';
import { assertNothingWentWrong, launchBrowser, openWorkbench, ROOT, runCommand, startCodeServer, type CodeServer } from '../harness/codeServer';
import { RESULTS, scoreFrame } from './demo';
import { installPackagedExtension } from './packagedExtension';

const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'recorded-workspace');

describe('end to end: a recorded session in the Podium panel of a real VS Code', function () {
  let server: CodeServer;
  let browser: Browser;
  let page: Page;
  let workspace: string;

  before(async function () {
    const extensionsDir = await installPackagedExtension();
    workspace = mkdtempSync(path.join(tmpdir(), 'podium-e2e-ws-'));
    cpSync(FIXTURE, workspace, { recursive: true });
    server = await startCodeServer({ workspace, extensionsDir, settings: { 'workbench.colorTheme': 'Default Dark Modern' } });
    browser = await launchBrowser();
    page = await openWorkbench(browser, server, workspace);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) {
      mkdirSync(RESULTS, { recursive: true });
      const name = this.currentTest.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 80);
      await page.screenshot({ path: path.join(RESULTS, `e2e-${name}.png`) }).catch(() => undefined);
    }
  });

  after(async function () {
    await browser?.close();
    await server?.stop();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  it('shows the recorded session\'s entries after "Podium: Open Score"', async function () {
    const journalDir = path.join(FIXTURE, '.podium', 'journals');
    const { readdirSync } = await import('node:fs');
    const file = readdirSync(journalDir).find((f) => f.endsWith('.jsonl'));
    assert.ok(file, 'the fixture holds a recorded journal');
    const { events } = await readJournal(path.join(journalDir, file));
    const state = fold(events);
    const session = state.sessions[state.sessionOrder[0]!]!;
    const label = sessionLabel(state, session);

    await runCommand(page, 'Podium: Open Score');
    const frame = scoreFrame(page);
    await frame.getByText(label).first().waitFor({ state: 'visible', timeout: 60_000 });
    for (const entry of session.entries.slice(0, 4)) {
      await frame.getByText(entry.title, { exact: false }).first().waitFor({ state: 'visible', timeout: 10_000 });
    }
    mkdirSync(RESULTS, { recursive: true });
    const shot = path.join(RESULTS, 'e2e-score-dark.png');
    await page.screenshot({ path: shot });
    if (process.env.PODIUM_UPDATE_SCREENSHOTS) {
      mkdirSync(path.join(ROOT, 'media', 'screenshots'), { recursive: true });
      copyFileSync(shot, path.join(ROOT, 'media', 'screenshots', 'vscode-score.png'));
    }
    await assertNothingWentWrong(page);
  });

  it('restores the score panel, with its entries, after the window reloads', async function () {
    const journalDir = path.join(FIXTURE, '.podium', 'journals');
    const { readdirSync } = await import('node:fs');
    const { events } = await readJournal(path.join(journalDir, readdirSync(journalDir).find((f) => f.endsWith('.jsonl'))!));
    const state = fold(events);
    const session = state.sessions[state.sessionOrder[0]!]!;
    await scoreFrame(page).getByText(sessionLabel(state, session)).first().waitFor({ state: 'visible', timeout: 30_000 });
    await runCommand(page, 'Developer: Reload Window');
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    // No command this time: VS Code brings the panel back and Podium refills it.
    const frame = scoreFrame(page);
    await frame.getByText(sessionLabel(state, session)).first().waitFor({ state: 'visible', timeout: 60_000 });
    await frame.getByText(session.entries[0]!.title).first().waitFor({ state: 'visible', timeout: 10_000 });
    await assertNothingWentWrong(page);
  });
});
