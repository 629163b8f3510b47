/**
 * Podium's key bindings in a real VS Code: each key runs its command, as the user sees it, and the
 * review letters type as usual in an ordinary editor.
 */
import assert from 'node:assert/strict';
import { assertNothingWentWrong, runCommand } from '../harness/codeServer';
import { answerNewTask, demoSuite } from './demo';

describe('end to end: the key bindings in a real VS Code', function () {
  const demo = demoSuite('keys');

  it('Ctrl+Alt+U opens the score, Ctrl+Alt+N hands out a task, Ctrl+Alt+J opens its next change, and J, A, R in the diff editor move, approve and reject', async function () {
    const { page: p } = await demo.open({ settings: { 'files.autoSave': 'off' } });
    const activeTab = () => p.locator('.tab.active').textContent().then((t) => t ?? '');
    // The workbench takes keys once an editor area has focus; give it one, as a user's click would.
    await p.locator('.monaco-workbench .part.editor').click();

    // Ctrl+Alt+U: the score opens (Podium wakes for the key alone: nothing else started it).
    const scoreTab = p.locator('.tab', { hasText: 'Podium Score' });
    for (let i = 0; i < 60 && !(await scoreTab.count()); i++) {
      await p.keyboard.press('Control+Alt+U');
      await scoreTab.first().waitFor({ timeout: 1000 }).catch(() => undefined);
    }
    await scoreTab.first().waitFor();

    // Ctrl+Alt+N: New Task asks for the title; the task is handed out to the rehearsal agent.
    // (The score's page takes the keys while it loads, and hands them on once it has: press again until it does.)
    const firstQuestion = p.locator('.quick-input-widget .quick-input-title', { hasText: '1/4' });
    for (let i = 0; i < 20 && !(await firstQuestion.isVisible()); i++) {
      await p.keyboard.press('Control+Alt+N');
      await firstQuestion.waitFor({ timeout: 1000 }).catch(() => undefined);
    }
    await answerNewTask(p, { title: 'Average words per note', agent: 'small feature' });
    const status = p.locator('.statusbar-item', { has: p.locator('.codicon-git-pull-request-draft') });
    await status.first().waitFor({ state: 'visible', timeout: 60_000 });
    const count = async () => Number((await status.first().textContent())?.match(/\d+/)?.[0]);
    // The count shows while changes wait; with none left it hides.
    const countIs = (n: number) => (n > 0 ? status.filter({ hasText: String(n) }).first().waitFor({ timeout: 30_000 }) : status.first().waitFor({ state: 'hidden', timeout: 30_000 }));
    // Wait for the agent's turn to be staged whole: the count holds still.
    let settled = await count();
    for (let i = 0; i < 20; i++) {
      await new Promise((r) => setTimeout(r, 500));
      const now = await count();
      if (now === settled && i >= 4) break;
      settled = now;
    }
    assert.ok(settled >= 2, `the feature task left changes to review (${settled})`);

    // In an ordinary editor the same letters type, and nothing is decided.
    await runCommand(p, 'Go to File...');
    await p.locator('.quick-input-widget input').fill('render.js');
    await p.locator('.quick-input-list .monaco-list-row', { hasText: 'render.js' }).first().click();
    await p.locator('.tab.active', { hasText: 'render.js' }).waitFor();
    await p.locator('.editor-instance .monaco-editor').first().click({ position: { x: 200, y: 10 } });
    await p.keyboard.press('Control+Home');
    await p.keyboard.type('jar');
    await p.locator('.tab.dirty', { hasText: 'render.js' }).waitFor();
    await p.locator('.editor-instance .view-lines').first().getByText('jar', { exact: false }).first().waitFor();
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await count(), settled, 'typing j, a, r in a file decides nothing');

    // Ctrl+Alt+J: the next change opens in the diff editor, the cursor on it.
    await p.keyboard.press('Control+Alt+J');
    await p.locator('.tab.active', { hasText: '↔' }).waitFor();
    const diff = p.locator('.editor-instance .monaco-diff-editor .editor.modified');
    await diff.waitFor();
    const where = async () => `${await activeTab()} ${(await p.locator('.statusbar-item[id="status.editor.selection"]').textContent()) ?? ''}`;
    // Keys go where the focus is: wait until the agent's side of the new diff editor has it.
    const focusedDiff = p.locator('.monaco-diff-editor .editor.modified .monaco-editor.focused');
    await focusedDiff.waitFor();
    const first = await where();

    // J in the diff editor: the next change (another file, or another place in this one).
    await p.keyboard.press('j');
    for (let i = 0; i < 50 && (await where()) === first; i++) await new Promise((r) => setTimeout(r, 100));
    assert.notEqual(await where(), first, 'J moved to the next change');
    await new Promise((r) => setTimeout(r, 300)); // the old diff editor hands over to the new one
    await focusedDiff.waitFor();

    // A: the change is approved (the count drops), from the keyboard alone.
    await p.keyboard.press('a');
    await countIs(settled - 1);

    // R: the reason is asked for; Enter sends it; the change is rejected.
    await p.keyboard.press('Control+Alt+J');
    await p.locator('.tab.active', { hasText: '↔' }).waitFor();
    await new Promise((r) => setTimeout(r, 300));
    await focusedDiff.waitFor();
    await p.keyboard.press('r');
    await p.locator('.quick-input-widget input[placeholder="Reason for the agent"]').waitFor();
    await p.keyboard.type('Not now');
    await p.keyboard.press('Enter');
    await countIs(settled - 2);

    await assertNothingWentWrong(p);
  });
});
