import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CarryError, carryIgnored, carryRuleProblems } from '../../src/stage/carry';
import { stageTask } from '../../src/stage/hunks';
import { createTaskWorktree, type TaskWorktree } from '../../src/stage/worktree';
import { gitSandbox, write } from '../fixtures/gitRepo';

// Real git in temporary folders, kept away from the machine's git configuration (see test/fixtures/gitRepo.ts).
const git = gitSandbox('podium-carry-');
const { sh, folder, repoWith } = git;

/** A project whose tests need what git does not hold: dependencies, a secret, generated code. */
function project(): string {
  const ws = repoWith({
    '.gitignore': 'node_modules/\n.env\n*.log\ngenerated/\n.venv/\n',
    'package.json': '{ "name": "p" }\n',
    'src/index.js': 'export const x = 1;\n',
    'vendor/keep.txt': 'tracked\n',
  });
  write(ws, {
    'node_modules/left-pad/index.js': 'module.exports = (s) => s;\n',
    'node_modules/left-pad/package.json': '{ "name": "left-pad" }\n',
    '.env': 'API_KEY=sk-secret-123\n',
    'debug.log': 'noise\n',
    'generated/api.js': 'export const api = 1;\n',
    'packages/a/node_modules/dep/index.js': 'dep\n',
    'packages/a/src.js': 'untracked, not ignored\n',
    '.venv/bin/python': '#!/bin/sh\n',
  });
  fs.symlinkSync('../left-pad/index.js', path.join(ws, 'node_modules', 'left-pad', 'alias.js'));
  fs.chmodSync(path.join(ws, '.venv', 'bin', 'python'), 0o755);
  return ws;
}

async function worktreeOf(ws: string, id = 't1'): Promise<TaskWorktree> {
  return createTaskWorktree({ workspace: ws, storageDir: folder('storage'), taskId: id, title: 'Carry test' });
}

describe('stage: carrying ignored files into a task worktree', function () {
  this.timeout(60_000);

  before(() => git.setUp());
  after(() => git.tearDown());

  it('copies the ignored paths the rules name, links read-only folders, and leaves the rest out', async () => {
    const ws = project();
    const wt = await worktreeOf(ws);
    assert.equal(fs.existsSync(path.join(wt.dir, 'node_modules')), false, 'git alone does not bring node_modules');

    const result = await carryIgnored({
      workspace: ws,
      workspaceDir: wt.workspaceDir,
      rules: [{ glob: 'node_modules' }, { glob: '.env' }, { glob: '.venv', readOnly: true }, { glob: 'coverage' }],
    });

    const byPath = Object.fromEntries(result.carried.map((c) => [c.path, c]));
    assert.deepEqual(Object.keys(byPath).sort(), ['.env', '.venv', 'node_modules']);
    assert.equal(fs.readFileSync(path.join(wt.dir, 'node_modules/left-pad/index.js'), 'utf8'), 'module.exports = (s) => s;\n');
    assert.equal(fs.readlinkSync(path.join(wt.dir, 'node_modules/left-pad/alias.js')), '../left-pad/index.js', 'a link inside stays a link');
    assert.equal(byPath['node_modules']!.files, 3);
    assert.match(byPath['node_modules']!.means, /^(clone|copy)$/);
    assert.equal(fs.readFileSync(path.join(wt.dir, '.env'), 'utf8'), 'API_KEY=sk-secret-123\n');
    assert.equal(byPath['.venv']!.means, 'link');
    assert.equal(fs.realpathSync(path.join(wt.dir, '.venv')), fs.realpathSync(path.join(ws, '.venv')));
    assert.equal(fs.existsSync(path.join(wt.dir, 'debug.log')), false, 'an ignored file no rule names stays behind');
    assert.deepEqual(result.unmatched, ['coverage']);
    // A copy is the agent's own: changing it leaves the workspace's alone.
    fs.writeFileSync(path.join(wt.dir, 'node_modules/left-pad/index.js'), 'changed\n');
    assert.equal(fs.readFileSync(path.join(ws, 'node_modules/left-pad/index.js'), 'utf8'), 'module.exports = (s) => s;\n');
  });

  it('keeps the executable bit of a copied file', async () => {
    const ws = project();
    const wt = await worktreeOf(ws);
    await carryIgnored({ workspace: ws, workspaceDir: wt.workspaceDir, rules: [{ glob: '.venv' }] });
    assert.equal(fs.statSync(path.join(wt.dir, '.venv/bin/python')).mode & 0o111, 0o111);
  });

  it('matches globs at any depth, and never carries what git tracks or would snapshot anyway', async () => {
    const ws = project();
    write(ws, { 'vendor/extra.txt': 'untracked\n' });
    const wt = await worktreeOf(ws);
    const result = await carryIgnored({
      workspace: ws,
      workspaceDir: wt.workspaceDir,
      rules: [{ glob: '**/node_modules' }, { glob: 'packages/*' }, { glob: 'vendor' }, { glob: 'generated/api.js' }],
    });
    assert.deepEqual(result.carried.map((c) => c.path).sort(), ['generated/api.js', 'node_modules', 'packages/a/node_modules']);
    assert.equal(fs.readFileSync(path.join(wt.dir, 'packages/a/node_modules/dep/index.js'), 'utf8'), 'dep\n');
    assert.equal(fs.readFileSync(path.join(wt.dir, 'generated/api.js'), 'utf8'), 'export const api = 1;\n');
    // packages/a/src.js is untracked but not ignored: the snapshot brought it, carry did not touch it.
    assert.equal(fs.readFileSync(path.join(wt.dir, 'packages/a/src.js'), 'utf8'), 'untracked, not ignored\n');
    assert.deepEqual(result.unmatched.sort(), ['packages/*', 'vendor']);
  });

  it('works from a workspace that is a folder inside its repository', async () => {
    const repo = repoWith({ '.gitignore': 'node_modules/\n', 'app/index.js': 'x\n', 'other/y.js': 'y\n' });
    write(repo, { 'app/node_modules/a/index.js': 'a\n', 'node_modules/root/index.js': 'root\n' });
    const ws = path.join(repo, 'app');
    const wt = await createTaskWorktree({ workspace: ws, storageDir: folder('storage'), taskId: 'sub', title: 'Sub' });
    const result = await carryIgnored({ workspace: ws, workspaceDir: wt.workspaceDir, rules: [{ glob: 'node_modules' }] });
    assert.deepEqual(result.carried.map((c) => c.path), ['node_modules']);
    assert.equal(fs.readFileSync(path.join(wt.dir, 'app/node_modules/a/index.js'), 'utf8'), 'a\n');
    assert.equal(fs.existsSync(path.join(wt.dir, 'node_modules')), false);
    await fs.promises.writeFile(path.join(wt.dir, 'app/node_modules/a/index.js'), 'edited\n');
    const staged = await stageTask({ repo: ws, worktreeDir: wt.dir, baseCommit: wt.baseCommit });
    assert.deepEqual(staged.files.map((f) => f.path), []);
  });

  it('refuses rules that leave the workspace folder, before anything is copied', async () => {
    assert.deepEqual(carryRuleProblems([{ glob: 'node_modules' }, { glob: '**/.env' }]), []);
    assert.equal(carryRuleProblems([{ glob: '../secrets' }, { glob: '/etc' }, { glob: '.git/config' }, { glob: ' ' }]).length, 4);
    const ws = project();
    const wt = await worktreeOf(ws);
    await assert.rejects(
      carryIgnored({ workspace: ws, workspaceDir: wt.workspaceDir, rules: [{ glob: 'node_modules' }, { glob: '../other/node_modules' }] }),
      (error: unknown) => error instanceof CarryError && /leaves the workspace folder/.test(error.message),
    );
    assert.equal(fs.existsSync(path.join(wt.dir, 'node_modules')), false);
  });

  describe('what is carried is never the agent\'s change', () => {
    it('is not staged, even when the agent edits it, un-ignores it and force-adds it', async () => {
      const ws = project();
      const wt = await worktreeOf(ws);
      await carryIgnored({ workspace: ws, workspaceDir: wt.workspaceDir, rules: [{ glob: 'node_modules' }, { glob: '.env' }, { glob: '.venv', readOnly: true }] });
      const stage = () => stageTask({ repo: ws, worktreeDir: wt.dir, baseCommit: wt.baseCommit, scope: 't1' });
      assert.deepEqual((await stage()).files, [], 'a fresh worktree with its carried files has no change');

      // The agent does its work, and also everything it should not to the carried files.
      fs.writeFileSync(path.join(wt.dir, 'src/index.js'), 'export const x = 2;\n');
      fs.writeFileSync(path.join(wt.dir, '.env'), 'API_KEY=sk-secret-456\n');
      fs.writeFileSync(path.join(wt.dir, 'node_modules/left-pad/index.js'), 'patched\n');
      fs.writeFileSync(path.join(wt.dir, '.gitignore'), '*.log\n');
      sh(wt.dir, 'add', '-f', '.env', 'node_modules', '.venv');

      const staged = await stage();
      assert.deepEqual(staged.files.map((f) => f.path).sort(), ['.gitignore', 'src/index.js']);
      const everything = JSON.stringify(staged);
      assert.doesNotMatch(everything, /sk-secret/, 'no hunk shows the secret');
      assert.doesNotMatch(everything, /patched/);
    });

    it('is not staged when the agent commits it in the worktree either', async () => {
      const ws = project();
      const wt = await worktreeOf(ws);
      await carryIgnored({ workspace: ws, workspaceDir: wt.workspaceDir, rules: [{ glob: '.env' }] });
      sh(wt.dir, 'add', '-f', '.env');
      sh(wt.dir, '-c', 'user.name=Agent', '-c', 'user.email=agent@example.invalid', 'commit', '-q', '-m', 'oops');
      fs.writeFileSync(path.join(wt.dir, 'src/index.js'), 'export const x = 3;\n');
      const staged = await stageTask({ repo: ws, worktreeDir: wt.dir, baseCommit: wt.baseCommit });
      assert.deepEqual(staged.files.map((f) => f.path), ['src/index.js']);
      assert.doesNotMatch(JSON.stringify(staged), /sk-secret/);
    });
  });
});
