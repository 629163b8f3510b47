/**
 * The extension's own words (notifications, quick picks, input boxes, status bar, tree items, code
 * actions, errors the engineer reads) go through `vscode.l10n.t`, so a language pack translates
 * them. A cheap check: a string in src/vscode that reads like an English sentence is either the
 * message of a `vscode.l10n.t` call or on a line that writes the log (kept in English for bug reports).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const DIR = join(__dirname, '../../src/vscode');

describe('the extension’s words', () => {
  it('go through vscode.l10n.t, except what only the log reads', () => {
    const found: string[] = [];
    for (const file of readdirSync(DIR).filter((f) => f.endsWith('.ts'))) {
      const code = readFileSync(join(DIR, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '');
      code.split('\n').forEach((line, i) => {
        if (/\blog(?:\.(?:info|warn|error|debug|trace))?\(|\.log\(/.test(line)) return;
        const rest = line.replace(/l10n\.t\((['"`])(?:(?!\1)[^\\]|\\.)*\1/g, '');
        // Starts like a sentence ("Open a folder first.") or is an action in words ("start the task").
        for (const m of rest.matchAll(/(['"`])((?:[A-Z][a-z]*|[a-z]{3,}) (?:the|a|an|[a-z]{3,})\b[^'"`]*)\1/g)) found.push(`${file}:${i + 1}: ${m[2]}`);
      });
    }
    assert.deepEqual(found, []);
  });
});
