/**
 * Replay as a new user meets it in the demo: the layer-breaking task plays; the engineer replays its
 * session at 10×, stops where the import was added, opens src/core/tally.js as it was then (a
 * read-only podium-replay: document), diffs it with a later moment, forks a new task from the moment
 * before the break, exports the session to a file outside the workspace, and opens the export: its
 * score and its files come back.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { assertNothingWentWrong, runCommand } from '../harness/codeServer';
import { demoSuite, newTask, RESULTS, scoreFrame } from './demo';

const IMPORT = "import { renderSummary } from '../ui/render.js';";

/** The text of the active editor (or of both sides of a diff), as Monaco renders it. */
async function editorText(page: Page, selector = '.editor-instance .monaco-editor .view-lines'): Promise<string> {
  return (await page.locator(selector).first().innerText()).replace(/\u00a0/g, ' ');
}

async function answerQuickInput(p: Page, title: RegExp, value?: string): Promise<void> {
  await p.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor({ timeout: 30_000 });
  if (value !== undefined) await p.locator('.quick-input-widget input').fill(value);
  await p.keyboard.press('Enter');
}

/**
 * Answers VS Code's own file dialog (the web's simple dialog, titled `title`) with `file`, and accepts
 * it with its primary button (OK, or the dialog's own label).
 */
async function answerFileDialog(p: Page, title: RegExp, file: string): Promise<void> {
  await p.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor({ timeout: 30_000 });
  const input = p.locator('.quick-input-widget input');
  const widget = p.locator('.quick-input-widget');
  // The dialog puts in its starting path a moment after it shows, over anything typed before: type
  // until the path stays, then accept, until the dialog has gone.
  for (let i = 0; i < 20 && (await widget.isVisible()); i++) {
    if ((await input.inputValue()) !== file) await input.fill(file);
    await p.waitForTimeout(500);
    if ((await input.inputValue()) !== file) continue;
    // The dialog may be on its way out from the last press (accepting takes a moment under load):
    // a press that finds it gone is not retried for long; the loop looks again.
    await p.locator('.quick-input-widget .quick-input-action .monaco-button').first().click({ timeout: 2_000 }).catch(() => undefined);
    await p.waitForTimeout(500);
  }
  assert.equal(await widget.isVisible(), false, `the file dialog took ${file}`);
}

describe('end to end: replay in the demo', function () {
  const demo = demoSuite('replay');

  it('replays the layer-breaking session, opens and diffs its file at two moments, forks from before the break, exports it and opens the export', async function () {
    const { page: p, git } = await demo.open();
    const outside = demo.remove(mkdtempSync(path.join(tmpdir(), 'podium-e2e-export-')));

    // The layer-breaking task plays to its end.
    await newTask(p, { title: 'Show the summary in the core', agent: 'layer', row: 'Rehearsal' });
    await runCommand(p, 'Podium: Open Score');
    const frame = scoreFrame(p);
    await frame.locator('article[data-hunk] .so-warning[data-warning="layer"]').first().waitFor({ state: 'visible', timeout: 90_000 });
    await frame.locator('.task-row', { hasText: 'Show the summary in the core' }).getByText('Done').waitFor({ timeout: 60_000 });

    // Replay at 10× from the start, then stop where the import was added: the first warning.
    await frame.getByTestId('replay-enter').click();
    const track = frame.getByTestId('replay-track');
    await track.focus();
    await p.keyboard.press('2');
    await p.keyboard.press(' ');
    // It plays: the playhead moves on by itself.
    for (let i = 0; i < 100 && Number(await track.getAttribute('aria-valuenow')) === 0; i++) await p.waitForTimeout(100);
    assert.ok(Number(await track.getAttribute('aria-valuenow')) > 0, 'the playhead moves while playing');
    if ((await frame.getByTestId('replay-play').getAttribute('aria-label')) === 'Pause') await p.keyboard.press(' ');
    await p.keyboard.press('Home');
    await p.keyboard.press('w');
    const files = frame.getByTestId('replay-files');
    const task = files.locator('.replay-task', { hasText: 'Show the summary in the core' });
    const tally = task.locator('.replay-file[data-path="src/core/tally.js"]');
    await tally.waitFor({ timeout: 30_000 });
    assert.match(await tally.innerText(), /1 waiting/);
    // The card as it stood then: the broken rule on the hunk.
    await frame.locator('article[data-hunk] .so-warning[data-warning="layer"]').first().waitFor();
    mkdirSync(RESULTS, { recursive: true });
    await p.screenshot({ path: path.join(RESULTS, 'e2e-replay-scrubbed.png') });

    // Open the file as it was then: the import is there, the helper that uses it is not yet.
    await tally.getByRole('button', { name: 'Open' }).click();
    await p.locator('.tab.active', { hasText: 'tally.js' }).waitFor({ timeout: 30_000 });
    const then = await editorText(p);
    assert.ok(then.includes(IMPORT), `the file at the warning has the import:\n${then}`);
    assert.ok(!then.includes('export function describe'), 'and not yet the helper added later');

    // Mark this moment, go to the end, and diff the two moments.
    await track.focus();
    await p.keyboard.press('m');
    await p.keyboard.press('End');
    await tally.getByRole('button', { name: 'Diff with Mark' }).click();
    await p.locator('.tab.active', { hasText: '↔' }).waitFor({ timeout: 30_000 });
    const modified = await editorText(p, '.editor-instance .monaco-diff-editor .editor.modified .view-lines');
    assert.ok(modified.includes('export function describe'), `the later moment has the helper:\n${modified}`);
    await p.screenshot({ path: path.join(RESULTS, 'e2e-replay-diff.png') });

    // Fork a new task from the moment before the break (its base): it plays on a new row.
    await track.focus();
    await p.keyboard.press('Home');
    // Entry by entry to the moment its worktree exists and nothing is staged yet.
    for (let i = 0; i < 40 && !(await task.filter({ hasText: 'no staging yet' }).isVisible()); i++) await p.keyboard.press('ArrowRight');
    await task.filter({ hasText: 'no staging yet' }).waitFor();
    await task.getByRole('button', { name: 'New Task from Here' }).click();
    await answerQuickInput(p, /New Task from Here \(1\/3\)/, 'The road not taken');
    await answerQuickInput(p, /New Task from Here \(2\/3\)/, 'feature');
    await p.locator('.quick-input-widget .quick-input-title', { hasText: '3/3' }).waitFor();
    await p.locator('.quick-input-list .monaco-list-row', { hasText: 'Rehearsal' }).first().click();
    await track.focus();
    await p.keyboard.press('Escape');
    await frame.locator('.task-row', { hasText: 'The road not taken' }).waitFor({ timeout: 60_000 });
    // Its worktree holds the files of the moment it was forked from: the base, without the import.
    const worktrees = () => git('worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree ')).map((l) => l.slice(9)).slice(1);
    for (let i = 0; i < 120 && worktrees().length < 2; i++) await p.waitForTimeout(500);
    assert.equal(worktrees().length, 2, 'the fork has its own worktree beside the first task\'s');

    // Export the layer-breaking session to a file outside the workspace.
    const out = path.join(outside, 'layer-break.podium.tgz');
    await track.focus();
    await p.keyboard.press('End');
    await task.getByRole('button', { name: 'Export Session…' }).click();
    await answerFileDialog(p, /Export “Show the summary in the core”/, out);
    await p.locator('.notification-list-item-message', { hasText: /Podium exported “Show the summary in the core”/ }).waitFor({ timeout: 60_000 });
    assert.ok(existsSync(out), 'the export is written where the engineer said');

    // Open the export: its score, and its files at a moment, come back from the one file.
    await runCommand(p, 'Podium: Open Session Journal…');
    await answerFileDialog(p, /Open a Podium session journal/, out);
    await runCommand(p, 'Podium: Open Score');
    await frame.locator('.header', { hasText: 'layer-break.podium.tgz' }).waitFor({ timeout: 60_000 });
    await frame.getByTestId('replay-enter').click();
    await track.focus();
    await p.keyboard.press('w');
    const again = frame.getByTestId('replay-files').locator('.replay-file[data-path="src/core/tally.js"]');
    await again.getByRole('button', { name: 'Open' }).click();
    await p.waitForTimeout(500);
    await p.locator('.tab.active', { hasText: 'tally.js' }).waitFor({ timeout: 30_000 });
    assert.ok((await editorText(p)).includes(IMPORT), 'the exported moment opens with its files');
    await p.screenshot({ path: path.join(RESULTS, 'e2e-replay-export.png') });
    await assertNothingWentWrong(p);
  });
});
