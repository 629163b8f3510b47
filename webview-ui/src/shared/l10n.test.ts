/**
 * The webview's message table (webview-ui/src/shared/l10n.ts): placeholders, plural forms chosen by
 * the language's own rules, a translation replacing English key by key; and every component
 * of the webview says nothing in English of its own.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { messages, t, useMessages, type MessageKey } from './l10n';

const SRC = join(__dirname, '..');

/**
 * Components that may keep English of their own, each with why. Every other .tsx file under
 * webview-ui/src takes all its words from the message table.
 */
const UNTRANSLATED: Record<string, string> = {};

/**
 * English sentences in string literals that never reach the screen, by file, each with why. The
 * check that uses this list sees quoted and template strings in .ts and .tsx files alike.
 */
const NOT_SHOWN: Record<string, { text: string; why: string }[]> = {
  'app/main.tsx': [{ text: 'Score view error', why: 'reported to the extension\'s log, not shown' }],
  'app/ErrorBoundary.tsx': [{ text: 'Score view crashed', why: 'reported to the extension\'s log, not shown' }],
  'entries/kinds.ts': [{ text: 'Task created', why: 'matches the title the score gives a task\'s first entry' }],
  'timeline/lane.ts': [
    { text: 'Session failed', why: 'matches the title the score gives an entry' },
    { text: 'Waiting for input', why: 'matches the title the score gives an entry' },
    { text: 'Task created', why: 'matches the title the score gives an entry' },
  ],
};

/** The tests beside the code (this file too) and a test's own page: never shown in the webview. */
const TEST_FILE = /\.test\.tsx?$|\.harness\.tsx$/;

/** The webview's own sources under `dir`: what ships in the bundle, not its tests. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? sources(join(dir, d.name)) : /\.tsx?$/.test(d.name) && !TEST_FILE.test(d.name) ? [join(dir, d.name)] : [],
  );
}

describe('the webview’s message table', () => {
  afterEach(() => useMessages({}, 'en'));

  it('fills placeholders, numbers formatted, and leaves a missing one visible', () => {
    assert.equal(t('warnings.group', { heading: 'Conflicts', count: 1234 }), 'Conflicts: 1,234');
    assert.equal(t('warnings.showInQueue', { where: 'src/cli.js' }), 'Show it in the sign-off queue: src/cli.js {place}');
  });

  it('picks the plural form for the count by the language’s rules', () => {
    assert.equal(t('problems.title', { count: 1 }), 'Podium met a problem reading these sessions');
    assert.equal(t('problems.title', { count: 3 }), 'Podium met 3 problems reading these sessions');
    assert.equal(t('warnings.errorsFirst', { count: 0 }), '0 errors to look at first');
    // Polish has a form for 2-4 ("few") and one for 5+ ("many"); a translation gives them and the
    // rules of its locale choose.
    useMessages({ 'warnings.errorsFirst': { one: '{count} błąd', few: '{count} błędy', many: '{count} błędów', other: '{count} błędu' } }, 'pl');
    assert.deepEqual([1, 2, 5, 22].map((count) => t('warnings.errorsFirst', { count })), ['1 błąd', '2 błędy', '5 błędów', '22 błędy']);
  });

  it('takes a translation key by key, keeping English where it has none', () => {
    useMessages({ 'warnings.heading': 'Warnungen' }, 'de');
    assert.equal(t('warnings.heading'), 'Warnungen');
    assert.equal(t('warnings.oneByOne'), 'decide these hunks one by one');
  });

  it('holds no string nothing uses', () => {
    const code = sources(SRC)
      .filter((f) => !f.endsWith('l10n.ts'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    // `warnings.kind.<kind>` keys are built from the warning's kind.
    const unused = (Object.keys(messages) as MessageKey[]).filter((k) => !code.includes(`'${k}'`) && !k.startsWith('warnings.kind.'));
    assert.deepEqual(unused, []);
  });

  it('leaves no English words in the components', () => {
    const components = sources(SRC)
      .filter((f) => f.endsWith('.tsx'))
      .map((f) => relative(SRC, f).split(sep).join('/'))
      .filter((f) => !(f in UNTRANSLATED));
    assert.ok(components.length > 30, 'finds the components');
    for (const file of components) {
      // Code shown as code (a setting's name) is not words to translate.
      const text = readFileSync(join(SRC, file), 'utf8').replace(/<code>[^<]*<\/code>/g, '');
      // JSX text (after a `>` that closes an opening tag: not an arrow, a comparison, a self-closing
      // tag, a type argument or a closing tag followed by code) and quoted attributes.
      const jsx = [...text.matchAll(/(?<![=\s/-])>(?!\s*[();,])([^<>{}]*[A-Za-z]{2,}[^<>{}]*)</g)].map((m) => m[1]!.trim());
      const attributes = [...text.matchAll(/\b(?:title|aria-label|placeholder|label)="([^"]*[A-Za-z]{2,}[^"]*)"/g)].map((m) => m[1]);
      assert.deepEqual([...jsx, ...attributes], [], file);
    }
  });

  it('builds no English sentence in code, in a component or not', () => {
    // A quoted or template string that starts like a sentence ("Show the timeline", `Stop ${x}`):
    // class names, test ids, codicons and key names are lower case or one word, so they pass.
    const found: string[] = [];
    for (const path of sources(SRC).filter((f) => !f.endsWith('l10n.ts'))) {
      const file = relative(SRC, path).split(sep).join('/');
      const code = readFileSync(path, 'utf8').replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '');
      const allowed = (NOT_SHOWN[file] ?? []).map((a) => a.text);
      for (const m of code.matchAll(/(['"`])([A-Z][a-z]+ [a-z][^'"`]*)\1?/g)) {
        if (!allowed.some((a) => m[2]!.startsWith(a))) found.push(`${file}: ${m[2]}`);
      }
    }
    assert.deepEqual(found, []);
  });
});
