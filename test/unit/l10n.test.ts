/**
 * The webview's message table (webview-ui/src/shared/l10n.ts): placeholders, plural forms chosen by
 * the language's own rules, a translation replacing English key by key; and the parts of the
 * webview moved onto it say nothing in English of their own.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { messages, t, useMessages, type MessageKey } from '../../webview-ui/src/shared/l10n';

const SRC = join(__dirname, '../../webview-ui/src');

/** Files whose words all come from the message table; a file joins this list when it is moved onto it. */
const TRANSLATED = ['warnings/WarningsPanel.tsx', 'warnings/ProblemsBanner.tsx', 'warnings/InvalidMessageBanner.tsx', 'app/Connecting.tsx', 'app/EmptyState.tsx', 'app/Header.tsx', 'app/KeyboardHelp.tsx', 'permissions/PermissionStrip.tsx', 'permissions/PermissionOptions.tsx', 'sign-off/BulkReject.tsx', 'sign-off/HunkCard.tsx', 'sign-off/DecidedList.tsx'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? sources(join(dir, d.name)) : /\.tsx?$/.test(d.name) ? [join(dir, d.name)] : []));
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

  it('leaves no English words in the components moved onto it', () => {
    for (const file of TRANSLATED) {
      // Code shown as code (a setting's name) is not words to translate.
      const text = readFileSync(join(SRC, file), 'utf8').replace(/<code>[^<]*<\/code>/g, '');
      // JSX text (a `>` that closes a tag, not an arrow or a comparison) and quoted attributes.
      const jsx = [...text.matchAll(/(?<![=\s-])>([^<>{}]*[A-Za-z]{2,}[^<>{}]*)</g)].map((m) => m[1]!.trim());
      const attributes = [...text.matchAll(/\b(?:title|aria-label|placeholder|label)="([^"]*[A-Za-z]{2,}[^"]*)"/g)].map((m) => m[1]);
      assert.deepEqual([...jsx, ...attributes], [], relative(SRC, join(SRC, file)));
    }
  });
});
