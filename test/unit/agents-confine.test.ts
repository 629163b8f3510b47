import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { confine, displayPath, PathEscapeError } from '../../src/agents/confine';

describe('agents: path confinement to the worktree', () => {
  let outside: string;
  let root: string;

  beforeEach(() => {
    outside = realpathSync(mkdtempSync(path.join(tmpdir(), 'podium-confine-')));
    root = path.join(outside, 'work');
    mkdirSync(path.join(root, 'src'), { recursive: true });
    writeFileSync(path.join(root, 'src', 'a.ts'), 'a');
    writeFileSync(path.join(outside, 'secret.txt'), 'secret');
    mkdirSync(path.join(outside, 'elsewhere'));
  });

  afterEach(() => rmSync(outside, { recursive: true, force: true }));

  async function refused(requested: string, reason: 'outside' | 'invalid' | 'loop' = 'outside'): Promise<PathEscapeError> {
    const err = await confine(root, requested).then(
      () => assert.fail(`${requested} should have been refused`),
      (e: unknown) => e,
    );
    assert.ok(err instanceof PathEscapeError, `expected a PathEscapeError, got ${String(err)}`);
    assert.equal(err.reason, reason);
    assert.equal(err.code, 'path-escape');
    if (reason !== 'invalid') assert.ok(err.message.includes(JSON.stringify(requested)), `the message names the path: ${err.message}`);
    return err;
  }

  it('accepts relative and absolute paths inside, existing or not, and the root itself', async () => {
    assert.equal(await confine(root, 'src/a.ts'), path.join(root, 'src/a.ts'));
    assert.equal(await confine(root, path.join(root, 'src/a.ts')), path.join(root, 'src/a.ts'));
    assert.equal(await confine(root, 'new/dir/file.ts'), path.join(root, 'new/dir/file.ts'));
    assert.equal(await confine(root, 'src/../src/./a.ts'), path.join(root, 'src/a.ts'));
    assert.equal(await confine(root, '.'), root);
    assert.equal(await confine(root, root), root);
  });

  it('refuses .. that climbs out, however it is spelled', async () => {
    await refused('../secret.txt');
    await refused('src/../../secret.txt');
    await refused('..');
    await refused('new/../../../elsewhere/x');
  });

  it('refuses absolute paths outside, and names where they go', async () => {
    const err = await refused(path.join(outside, 'secret.txt'));
    assert.match(err.message, /outside the task's worktree/);
    await refused('/etc/passwd');
  });

  it('refuses a symlink that leads out, for the link itself and for paths through it', async () => {
    symlinkSync(outside, path.join(root, 'up'));
    symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'secret-link'));
    await refused('up/secret.txt');
    await refused('up/new-file.txt');
    const err = await refused('secret-link');
    assert.ok(err.resolved === path.join(outside, 'secret.txt'), `resolved to the target: ${err.resolved}`);
  });

  it('refuses a dangling symlink that points out (a write would create its target outside)', async () => {
    symlinkSync(path.join(outside, 'not-yet.txt'), path.join(root, 'dangling'));
    symlinkSync('../missing-dir', path.join(root, 'dangling-dir'));
    await refused('dangling');
    await refused('dangling-dir/file.txt');
  });

  it('follows symlinks that stay inside, dangling ones included, to their real target', async () => {
    symlinkSync('src', path.join(root, 'source'));
    symlinkSync('src/later.ts', path.join(root, 'later-link'));
    assert.equal(await confine(root, 'source/a.ts'), path.join(root, 'src/a.ts'));
    assert.equal(await confine(root, 'later-link'), path.join(root, 'src/later.ts'));
  });

  it('refuses symlink loops and unusable paths', async () => {
    symlinkSync('loop-b', path.join(root, 'loop-a'));
    symlinkSync('loop-a', path.join(root, 'loop-b'));
    await refused('loop-a/x', 'loop');
    await refused('', 'invalid');
    await refused('src/a\0.ts', 'invalid');
  });

  it('works when the worktree itself is reached through a symlink', async () => {
    const alias = path.join(outside, 'alias');
    symlinkSync(root, alias);
    assert.equal(await confine(alias, 'src/a.ts'), path.join(root, 'src/a.ts'));
    assert.equal(await confine(alias, path.join(alias, 'src/a.ts')), path.join(root, 'src/a.ts'));
    await confine(alias, '../secret.txt').then(() => assert.fail('escaped'), (e: unknown) => assert.ok(e instanceof PathEscapeError));
  });

  it('shows paths inside the worktree relative to it, with forward slashes', () => {
    assert.equal(displayPath(root, root, path.join(root, 'src/a.ts')), 'src/a.ts');
    assert.equal(displayPath(root, root, root), '.');
    assert.equal(displayPath('/alias/work', root, path.join(root, 'x')), 'x');
    assert.equal(displayPath(root, root, '/etc/passwd'), '/etc/passwd');
  });
});
