import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../harness/codeServer';
import { packageVsix } from './packagedExtension';

/** What may ship: the bundles (the extension, the rehearsal agent, the coherence engine and its command line), the parsers' wasm, the webview's assets, the rehearsal scripts, media and the docs. */
const ALLOWED = [
  /^dist\/extension\.js$/,
  /^dist\/rehearsal\.js$/,
  /^dist\/(coherence|cli)\.js$/,
  /^dist\/grammars\/[a-z-]+\.wasm$/,
  /^dist\/rehearsal-scripts\/[a-z-]+\.json$/,
  /^dist\/webview\/(score\.js|score\.css|codicon\.css|codicon\.ttf)$/,
  /^media\/podium\.(svg|png)$/,
  /^media\/screenshots\/[a-z-]+\.png$/,
  /^(package\.json|README\.md|CHANGELOG\.md|LICENSE)$/,
];

describe('the packaged extension', function () {
  it('contains only what runs, and everything that does', function () {
    const vsix = packageVsix();
    const listing = execFileSync(process.execPath, [path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'ls', '--no-dependencies'], { cwd: ROOT, encoding: 'utf8' });
    const files = listing.split('\n').map((l) => l.trim()).filter(Boolean);
    const stray = files.filter((f) => !ALLOWED.some((re) => re.test(f)));
    assert.deepEqual(stray, [], 'nothing but the allowed files ships');
    for (const needed of ['dist/extension.js', 'dist/rehearsal.js', 'dist/coherence.js', 'dist/cli.js', 'dist/grammars/tree-sitter-python.wasm', 'dist/webview/score.js', 'dist/webview/score.css', 'dist/rehearsal-scripts/feature.json', 'package.json', 'README.md', 'LICENSE']) {
      assert.ok(files.includes(needed), `${needed} ships`);
    }
    assert.ok(!files.some((f) => f.endsWith('.map')), 'no source maps in the package');
    console.log(`      podium.vsix: ${(statSync(vsix).size / 1024).toFixed(0)} KiB, ${files.length} files`);
  });
});
