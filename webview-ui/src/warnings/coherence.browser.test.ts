/**
 * Coherence warnings where the engineer decides, in a real browser: a recorded conductor run on the
 * demo project (its layer-breaking task and a clean one) loaded into the score as the host loads it.
 * What the card, the warnings panel, the tasks bar and the timeline show is checked against the same
 * events folded by the shared reducer and read through the shared selectors.
 */
import assert from 'node:assert/strict';
import { fold, hunkWarnings, hunksAwaitingSignOff, ruleReason } from '../../../src/score';
import { eventually, openScore, recordedFixture } from '../../test-harness/harness';

const fixture = recordedFixture('recorded-coherence.json');
const expected = fold(fixture.events);
const warned = hunksAwaitingSignOff(expected).find((h) => hunkWarnings(expected, h).some((w) => w.kind === 'layer'))!;
const layer = hunkWarnings(expected, warned).find((w) => w.kind === 'layer')!;
const brokenTask = expected.tasks[warned.task]!.spec.title;

describe('Coherence warnings on the score', function () {
  this.timeout(60_000);

  it('shows a broken rule on the hunk that breaks it: the sentence, the notes\' words, where the rule is', async () => {
    const view = await openScore({ width: 1300, height: 1000 });
    await view.load(fixture);
    const card = view.page.locator(`.so-hunk[data-hunk="${warned.hunk.id}"]`);
    const item = card.locator('.so-warning[data-warning="layer"]');
    await item.waitFor();
    assert.equal(await item.locator('.so-warning-text').innerText(), layer.text);
    assert.match(await item.locator('.so-warning-prose').innerText(), /`src\/core` is pure logic: it never imports from `src\/ui`/);
    assert.equal(await item.getByRole('button', { name: `${layer.rule} · ${layer.source!.file}:${layer.source!.line}` }).count(), 1);
    // Errors first on the card: the layer rule and the cycle it closes, then the overlap.
    assert.deepEqual(await card.locator('.so-warning').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.warning)), hunkWarnings(expected, warned).map((w) => w.kind));
    assert.ok(await card.getByText('Not in bulk approval').isVisible(), 'the card says a bulk approval leaves it out');
    assert.deepEqual(view.errors, []);
  });

  it('opens the notes at the rule, and rejects with the rule as the reason in one click', async () => {
    const view = await openScore({ width: 1300, height: 1000 });
    await view.load(fixture);
    const item = view.page.locator(`.so-hunk[data-hunk="${warned.hunk.id}"] .so-warning[data-warning="layer"]`);
    await item.getByRole('button', { name: new RegExp(`${layer.rule} · `) }).click();
    await item.getByRole('button', { name: 'Reject with this rule' }).click();
    await eventually(async () => {
      const sent = (await view.sent()).filter((m) => m.type !== 'ready');
      assert.deepEqual(sent, [
        { type: 'notes/open', file: layer.source!.file, line: layer.source!.line },
        { type: 'hunk/reject', hunk: warned.hunk.id, reason: ruleReason(layer) },
      ]);
    });
  });

  it('shows the rule\'s link and its rejection as two actions: each icon beside its words, with room between them', async () => {
    const view = await openScore({ width: 1300, height: 1000 });
    await view.load(fixture);
    const item = view.page.locator(`.so-hunk[data-hunk="${warned.hunk.id}"] .so-warning[data-warning="layer"]`);
    const links = [item.getByRole('button', { name: new RegExp(`${layer.rule} · `) }), item.getByRole('button', { name: 'Reject with this rule' })];
    const boxes = [];
    for (const link of links) {
      const icon = (await link.locator('.codicon').boundingBox())!;
      const words = (await link.locator('span:not(.codicon)').boundingBox())!;
      assert.ok(icon.x + icon.width <= words.x, `the icon (${icon.x}–${icon.x + icon.width}) ends before the words start (${words.x})`);
      boxes.push((await link.boundingBox())!);
    }
    const [rule, reject] = boxes as [NonNullable<(typeof boxes)[0]>, NonNullable<(typeof boxes)[0]>];
    assert.ok(reject.x >= rule.x + rule.width + 8 || reject.y >= rule.y + rule.height, 'the two links stand apart');
    await item.screenshot({ path: 'test-results/coherence-rule.png' });
  });

  it('counts each task\'s warnings on its row, and a click there shows the first warned hunk', async () => {
    const view = await openScore({ width: 1300, height: 1000 });
    await view.load(fixture);
    const row = view.page.locator('.task-row', { hasText: brokenTask });
    const badge = row.locator('[data-testid="task-warnings"]');
    const errors = Object.values(expected.warnings).filter((w) => w.task === warned.task && w.severity === 'error').length;
    const all = Object.values(expected.warnings).filter((w) => w.task === warned.task).length;
    assert.equal(await badge.innerText(), String(all));
    assert.match((await badge.getAttribute('aria-label')) ?? '', new RegExp(`^${errors} errors?, 1 warning on “${brokenTask}”$`));
    assert.ok((await badge.getAttribute('class'))?.includes('tone-red'), 'an error makes the count red');
    await badge.click();
    await eventually(async () => assert.equal(await view.page.evaluate(() => document.activeElement?.closest('.so-hunk')?.getAttribute('data-hunk')), warned.hunk.id));
  });

  it('lists broken rules first in the warnings panel, each naming its task', async () => {
    const view = await openScore({ width: 1300, height: 1000 });
    await view.load(fixture);
    const panel = view.page.locator('[data-testid="warnings-panel"]');
    const kinds = await panel.locator('.so-wp-item').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.warning));
    assert.deepEqual(kinds, ['layer', 'cycle', 'overlap', 'overlap']);
    assert.match(await panel.locator('.so-wp-item[data-warning="layer"]').innerText(), new RegExp(brokenTask));
    assert.equal(await view.page.locator('[data-testid="warnings-count"]').innerText(), '4');
  });

  it('puts each warning on its task\'s row as an entry, red for a broken rule', async () => {
    const view = await openScore({ width: 1300, height: 1000 });
    await view.load(fixture);
    await view.page.getByPlaceholder('Search titles and text').fill('core may not import ui');
    const entry = view.page.locator('.entry', { hasText: layer.text }).first();
    await entry.waitFor();
    assert.equal(await entry.locator('.codicon-error').count(), 1, 'an error-level warning shows as an error');
  });
});
