/**
 * A fresh machine: `npm start` and `npm test` set up what they need. When a Debian package is missing
 * and apt can be used (root) it is installed and said so; otherwise they stop at once with the one
 * command to run. Real processes with a PATH that lacks the programs, a real unprivileged user, and a
 * real apt-get installing a real (tiny) package.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ROOT } from '../harness/codeServer';

/** A PATH holding node and nothing else: no git, no ripgrep, no chromium, no apt-get. */
function bareBin(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'podium-bare-path-'));
  chmodSync(dir, 0o755);
  symlinkSync(process.execPath, path.join(dir, 'node'));
  return dir;
}

/** Runs a command as the unprivileged user `nobody` (who cannot use apt), with `PATH`. */
function asNobody(pathVar: string, argv: string[]) {
  return spawnSync('runuser', ['-u', 'nobody', '--', '/usr/bin/env', '-i', `PATH=${pathVar}`, 'HOME=/tmp', ...argv], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
}

function installed(pkg: string): boolean {
  return spawnSync('dpkg-query', ['-W', '-f', '${Status}', pkg], { encoding: 'utf8' }).stdout.includes('install ok installed');
}

describe('a fresh machine', function () {
  let bin: string;
  beforeEach(() => {
    bin = bareBin();
  });
  afterEach(() => rmSync(bin, { recursive: true, force: true }));

  it('npm test without chromium or ripgrep, where apt cannot be used, stops at once with the one command to run', () => {
    const r = asNobody(bin, ['node', 'scripts/test-all.mjs', 'browser']);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    const lines = r.stderr.trim().split('\n').filter((l) => /apt-get/.test(l));
    assert.equal(lines.length, 1, `one command to run:\n${r.stderr}`);
    const command = lines[0]!.trim();
    assert.match(command, /^sudo apt-get install -y /);
    for (const pkg of ['chromium', 'ripgrep', 'git']) assert.ok(command.split(' ').includes(pkg), `${pkg} is in "${command}"`);
    assert.doesNotMatch(r.stdout, /━━ browser/, 'no test stage started');
  });

  it('npm start without ripgrep, where apt cannot be used, stops before building anything, naming the command', () => {
    const r = asNobody(bin, ['node', '--import', 'tsx', 'scripts/start.ts', '--port', '1']);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /sudo apt-get install -y .*ripgrep/);
    assert.doesNotMatch(r.stderr, /chromium/, 'the demo itself needs no browser of ours');
    assert.doesNotMatch(r.stdout, /building and packaging/, 'it stopped at once');
  });

  it('as root with apt, a missing package is installed and said so', async function () {
    this.timeout(600_000);
    const { ensureSystemPackages } = await import('../../scripts/system-packages.mjs');
    assert.equal(process.getuid?.(), 0, 'this path is the root one (CI and these machines run as root)');
    // GNU hello: a tiny real Debian package that nothing here needs, so it can be put back as it was.
    const had = installed('hello');
    if (had) execFileSync('apt-get', ['remove', '-y', '-qq', 'hello'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    const said: string[] = [];
    try {
      const env = { ...process.env, PATH: `${bin}${path.delimiter}/usr/bin${path.delimiter}/bin` };
      const got = ensureSystemPackages([{ command: 'hello', package: 'hello' }], { env, log: (l) => said.push(l) });
      assert.deepEqual(got, ['hello']);
      assert.match(said.join('\n'), /needs hello .*installing with apt-get/);
      assert.match(said.join('\n'), /Installed hello\./);
      assert.match(execFileSync('hello', [], { env, encoding: 'utf8' }), /Hello, world!/);
      // Nothing missing: nothing said, nothing installed.
      said.length = 0;
      assert.deepEqual(ensureSystemPackages([{ command: 'hello', package: 'hello' }], { env, log: (l) => said.push(l) }), []);
      assert.deepEqual(said, []);
    } finally {
      if (!had) execFileSync('apt-get', ['remove', '-y', '-qq', 'hello'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    }
  });
});
