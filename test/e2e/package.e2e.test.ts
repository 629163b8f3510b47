import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../harness/codeServer';
import { packageOutput, packageVsix } from './packagedExtension';

/**
 * What may ship: the bundles (the extension's startup and session, the rehearsal agent, the coherence engine), the parsers'
 * wasm, the webview's assets, the rehearsal scripts, the icons and the docs. Not the command line
 * (`podium check` runs from npm) and not the README's screenshots (vsce points the README at the
 * repository's copies).
 */
const ALLOWED = [
  /^dist\/(extension|session)\.js$/,
  /^dist\/rehearsal\.js$/,
  /^dist\/coherence\.js$/,
  /^dist\/grammars\/[a-z-]+\.wasm$/,
  /^dist\/rehearsal-scripts\/[a-z-]+\.json$/,
  /^dist\/webview\/(score\.js|score\.css|codicon\.css|codicon\.ttf)$/,
  /^media\/podium\.(svg|png)$/,
  /^media\/walkthrough\/[a-z-]+\.(jpg|md)$/,
  /^(package\.json|package\.nls\.json|README\.md|CHANGELOG\.md|LICENSE)$/,
];

describe('the packaged extension', function () {
  it('contains only what runs, and everything that does, in under 1 MB, packaged without a warning', function () {
    const vsix = packageVsix();
    const listing = execFileSync(process.execPath, [path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'ls', '--no-dependencies'], { cwd: ROOT, encoding: 'utf8' });
    const files = listing.split('\n').map((l) => l.trim()).filter(Boolean);
    const stray = files.filter((f) => !ALLOWED.some((re) => re.test(f)));
    assert.deepEqual(stray, [], 'nothing but the allowed files ships');
    for (const needed of ['dist/extension.js', 'dist/session.js', 'dist/rehearsal.js', 'dist/coherence.js', 'media/podium.png', 'dist/grammars/tree-sitter-python.wasm', 'dist/webview/score.js', 'dist/webview/score.css', 'dist/rehearsal-scripts/feature.json', 'package.json', 'README.md', 'LICENSE']) {
      assert.ok(files.includes(needed), `${needed} ships`);
    }
    assert.ok(!files.some((f) => f.endsWith('.map')), 'no source maps in the package');
    assert.doesNotMatch(packageOutput(), /WARNING/i, 'vsce package warns about nothing');
    assert.ok(statSync(vsix).size < 1024 * 1024, `the .vsix is under 1 MB (it is ${statSync(vsix).size} bytes)`);
    const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { icon?: string };
    assert.equal(manifest.icon, 'media/podium.png', 'the manifest names the Marketplace icon');
    const png = execFileSync('unzip', ['-p', vsix, 'extension/media/podium.png']);
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128], 'the icon is a 128×128 PNG');
    const readme = execFileSync('unzip', ['-p', vsix, 'extension/readme.md'], { encoding: 'utf8' });
    assert.doesNotMatch(readme, /\]\(media\/screenshots\//, "the README's screenshots point at the repository, not at files left out of the package");
    console.log(`      podium.vsix: ${(statSync(vsix).size / 1024).toFixed(0)} KiB, ${files.length} files`);
  });
});
