/**
 * The manifest as a user meets it: the Settings UI, the keys, the walkthrough. Read the way VS Code
 * reads it, with `%key%` strings filled from package.nls.json.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

/** package.json with every `%key%` replaced by its English text, as VS Code shows it. */
export function localizedManifest(): Record<string, unknown> {
  const nlsFile = path.join(ROOT, 'package.nls.json');
  const nls = existsSync(nlsFile) ? (JSON.parse(readFileSync(nlsFile, 'utf8')) as Record<string, string>) : {};
  return JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'), (_key, value: unknown) => {
    if (typeof value !== 'string') return value;
    const m = /^%(.+)%$/.exec(value);
    if (!m) return value;
    const text = nls[m[1]!];
    if (text === undefined) throw new Error(`package.json names ${value}, which package.nls.json does not define`);
    return text;
  }) as Record<string, unknown>;
}

interface SettingGroup {
  id: string;
  title: string;
  order: number;
  properties: Record<string, { order?: number; markdownDescription?: string; description?: string }>;
}

describe('the manifest', () => {
  const manifest = localizedManifest();
  const contributes = manifest.contributes as Record<string, unknown>;

  it('groups the settings as the Settings UI shows them: agents, worktrees, coherence, journal, replay, each setting saying what it changes', () => {
    const groups = contributes.configuration as SettingGroup[];
    assert.ok(Array.isArray(groups), 'configuration is a list of titled groups');
    assert.deepEqual(
      [...groups].sort((a, b) => a.order - b.order).map((g) => g.title),
      ['Agents', 'Worktrees', 'Coherence', 'Journal', 'Replay'],
    );
    for (const group of groups) {
      const orders = Object.values(group.properties).map((p) => p.order);
      assert.ok(orders.every((o) => typeof o === 'number'), `every setting of ${group.title} has an order`);
      assert.equal(new Set(orders).size, orders.length, `no two settings of ${group.title} share an order`);
      for (const [key, setting] of Object.entries(group.properties)) {
        const text = setting.markdownDescription ?? setting.description ?? '';
        assert.ok(text.split(/\s+/).length >= 8, `${key} says what it changes (has: "${text}")`);
      }
    }
  });

  it('declares every setting the host reads', () => {
    const declared = new Set((contributes.configuration as SettingGroup[]).flatMap((g) => Object.keys(g.properties)));
    const source = readdirSync(path.join(ROOT, 'src', 'vscode')).map((f) => readFileSync(path.join(ROOT, 'src', 'vscode', f), 'utf8')).join('\n');
    const read = [...source.matchAll(/\.get<[^>]+>\('([A-Za-z.]+)'/g)].map((m) => `podium.${m[1]}`);
    assert.ok(read.length >= 10, 'the settings reads were found');
    for (const key of read) assert.ok(declared.has(key), `${key} is declared in the manifest`);
  });
});
