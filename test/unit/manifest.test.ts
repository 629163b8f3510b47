/**
 * The manifest as a user meets it: the Settings UI, the keys, the walkthrough. Read the way VS Code
 * reads it, with `%key%` strings filled from package.nls.json.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

type KeyList = ReadonlyArray<[keys: string[], what: string]>;
// The score's `?` help (a .tsx module of the webview, which this test project does not type-check:
// it has no JSX settings), loaded as the webview bundles it.
const KEYBOARD_HELP = path.join(__dirname, '..', '..', 'webview-ui', 'src', 'app', 'KeyboardHelp.tsx');
// Each list names its words by key in the webview's message table (shared/l10n.ts); `t` gives the English.
let SIGN_OFF_KEYS: KeyList = [];
let EDITOR_KEYS: KeyList = [];
before(async () => {
  const help = (await import(KEYBOARD_HELP)) as { SIGN_OFF_KEYS: KeyList; EDITOR_KEYS: KeyList };
  const { t } = (await import(path.join(__dirname, '..', '..', 'webview-ui', 'src', 'shared', 'l10n.ts'))) as { t(key: string): string };
  const english = (list: KeyList): KeyList => list.map(([keys, what]) => [keys, t(what)]);
  SIGN_OFF_KEYS = english(help.SIGN_OFF_KEYS);
  EDITOR_KEYS = english(help.EDITOR_KEYS);
});

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

  it('takes every word a user reads from package.nls.json, so a translation is a file: every key used, none missing', () => {
    const raw = readFileSync(path.join(ROOT, 'package.json'), 'utf8');
    const used = new Set([...raw.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]!));
    const nls = Object.keys(JSON.parse(readFileSync(path.join(ROOT, 'package.nls.json'), 'utf8')) as Record<string, string>);
    assert.deepEqual(nls.filter((k) => !used.has(k)), [], 'no unused message');
    assert.ok(used.size >= 60, `the manifest's strings are keys (${used.size})`);
    const commands = (JSON.parse(raw) as { contributes: { commands: { title: string }[] } }).contributes.commands;
    assert.deepEqual(commands.filter((c) => !/^%.+%$/.test(c.title)), [], 'every command title is a key');
  });

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

  describe('keys', () => {
    interface Binding { command: string; key: string; mac?: string; when?: string }
    const bindings = contributes.keybindings as Binding[];
    const commands = new Set((contributes.commands as { command: string }[]).map((c) => c.command));
    const label = (key: string) => key.split('+').map((part) => (part.length === 1 ? part.toUpperCase() : part[0]!.toUpperCase() + part.slice(1))).join('+');

    it('binds next change, approve, reject, open the score and new task, each to a command Podium declares', () => {
      for (const b of bindings) assert.ok(commands.has(b.command), `${b.command} is declared`);
      for (const c of ['podium.nextChange', 'podium.approveCurrentChange', 'podium.rejectCurrentChange', 'podium.openScore', 'podium.newTask']) {
        assert.ok(bindings.some((b) => b.command === c), `${c} has a key`);
      }
    });

    it('a key without a modifier acts only in a Podium diff editor whose focused side cannot be typed in, so it never shadows typing', () => {
      for (const b of bindings.filter((x) => !x.key.includes('+'))) {
        for (const clause of ['editorTextFocus', 'editorReadonly', 'resourceScheme == podium']) {
          assert.ok((b.when ?? '').split('&&').map((w) => w.trim()).includes(clause), `${b.key} (${b.command}) is bound only when ${clause}`);
        }
      }
    });

    it("the editor's letters are the score's letters for the same act", () => {
      const webviewKey = (what: RegExp) => SIGN_OFF_KEYS.find(([, w]) => what.test(w))![0][0]!;
      const editorKey = (command: string) => label(bindings.find((b) => b.command === command && !b.key.includes('+'))!.key);
      assert.equal(editorKey('podium.approveCurrentChange'), webviewKey(/^Approve/));
      assert.equal(editorKey('podium.rejectCurrentChange'), webviewKey(/^Reject/));
      assert.equal(editorKey('podium.nextChange'), webviewKey(/^Next hunk/));
    });

    it("the score's ? help lists exactly the editor's keys", () => {
      assert.deepEqual(EDITOR_KEYS.map(([keys]) => keys[0]).sort(), bindings.map((b) => label(b.key)).sort());
      for (const b of bindings.filter((x) => x.mac)) {
        const [, what] = EDITOR_KEYS.find(([keys]) => keys[0] === label(b.key))!;
        const mac = b.mac!.replace('cmd+', '⌘').replace('alt+', '⌥').toUpperCase();
        assert.ok(what.includes(mac), `the help gives ${b.key}'s Mac key ${mac}`);
      }
    });
  });
});

describe("the host's words", () => {
  it('every message the host shows is written through vscode.l10n.t, so a translation is a file', () => {
    const dir = path.join(ROOT, 'src', 'vscode');
    const untranslated: string[] = [];
    for (const file of readdirSync(dir)) {
      const text = readFileSync(path.join(dir, file), 'utf8');
      for (const m of text.matchAll(/show(?:Information|Warning|Error)Message\(\s*(['`])/g)) {
        const line = text.slice(0, m.index).split('\n').length;
        // A message that is only the agent's own words (a permission question) has nothing to translate.
        if (!/\$\{task\.title\}: \$\{ask\.title\}/.test(text.split('\n')[line - 1]!)) untranslated.push(`${file}:${line}`);
      }
    }
    assert.deepEqual(untranslated, []);
  });
});
