/**
 * The view takes every colour from the VS Code theme: switching the theme's variables recolours it
 * with no reload. Also writes the screenshots in media/screenshots/ from the recorded sessions.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { openScore, repoPath, type ScoreView } from '../../test-harness/harness';

async function colours(view: ScoreView) {
  // No named helpers inside: the page function is serialised as written, and tsx would wrap a
  // named one in a helper the page does not have.
  return view.page.evaluate((selectors) => {
    const doc = (globalThis as unknown as { document: { querySelector(s: string): unknown } }).document;
    const computed = (globalThis as unknown as { getComputedStyle(el: unknown): Record<string, string> }).getComputedStyle;
    return Object.fromEntries(
      Object.entries(selectors).map(([name, [selector, property]]) => {
        const el = doc.querySelector(selector);
        if (!el) throw new Error(`nothing matches ${selector}`);
        return [name, computed(el)[property]];
      }),
    );
  }, COLOURED);
}

const COLOURED: Record<string, [string, string]> = {
  background: ['body', 'backgroundColor'],
  text: ['.entry[data-kind="message"] .entry-title', 'color'],
  laneHeader: ['.lane-header', 'backgroundColor'],
  toolIcon: ['.entry[data-kind="tool"] .entry-kind .codicon', 'color'],
};

async function showRecordedSessions(view: ScoreView) {
  await view.load();
  // Open the edit the agent made, so the screenshot shows the detail with its diff.
  await view.page.getByRole('option', { name: /Tool\s*Edit src\/http\/client\.ts/ }).click();
  await view.page.getByTestId('entry-detail').locator('.diff').waitFor();
  await view.page.mouse.move(0, 0); // no hover highlight in the picture
  await view.page.evaluate(() => (globalThis as unknown as { document: { fonts: { ready: Promise<unknown> } } }).document.fonts.ready);
}

describe('Theme', () => {
  it('follows the VS Code theme: dark and light colours differ and switch live', async () => {
    const view = await openScore({ theme: 'dark' });
    await view.load();
    const dark = await colours(view);
    assert.deepEqual(dark, {
      background: 'rgb(31, 31, 31)', // --vscode-editor-background
      text: 'rgb(204, 204, 204)', // --vscode-foreground
      laneHeader: 'rgb(24, 24, 24)', // --vscode-sideBarSectionHeader-background
      toolIcon: 'rgb(209, 134, 22)', // --vscode-charts-orange
    });

    await view.setTheme('light');
    const light = await colours(view);
    assert.equal(light.background, 'rgb(255, 255, 255)');
    assert.equal(light.text, 'rgb(59, 59, 59)');
    assert.notDeepEqual(light, dark);
  });

  // Screenshots go to test-results/; PODIUM_UPDATE_SCREENSHOTS=1 also refreshes the README's copies.
  it('renders the recorded sessions in both themes, with different backgrounds (screenshots in test-results/)', async () => {
    mkdirSync(repoPath('test-results'), { recursive: true });
    const backgrounds: string[] = [];
    for (const theme of ['dark', 'light'] as const) {
      const view = await openScore({ theme, width: 1280, height: 760 });
      await showRecordedSessions(view);
      backgrounds.push(await view.page.evaluate(() => getComputedStyle(document.body).backgroundColor));
      const shot = repoPath(`test-results/score-${theme}.png`);
      await view.page.screenshot({ path: shot });
      if (process.env.PODIUM_UPDATE_SCREENSHOTS) {
        mkdirSync(repoPath('media/screenshots'), { recursive: true });
        copyFileSync(shot, repoPath(`media/screenshots/score-${theme}.png`));
      }
      await view.page.context().close();
    }
    assert.notEqual(backgrounds[0], backgrounds[1]);
  });
});
