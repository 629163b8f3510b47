import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GitError, formatGitCommand, runGit } from '../../src/stage/git';
import {
  branchSlug,
  createTaskWorktree,
  listTaskWorktrees,
  removeTaskWorktree,
  uniqueSlug,
  WorktreeError,
  type WorktreeErrorCode,
} from '../../src/stage/worktree';
import { gitSandbox, read, write } from '../fixtures/gitRepo';

// Real git in temporary folders, kept away from the machine's git configuration (see test/fixtures/gitRepo.ts).
const git = gitSandbox('podium-worktree-');
const { sh, folder, repoWith } = git;

/** Everything about the engineer's repository that creating a task worktree must not change. */
function engineerState(dir: string): Record<string, string> {
  const indexFile = path.join(dir, '.git', 'index');
  return {
    status: sh(dir, 'status', '--porcelain=v2', '--branch', '--untracked-files=all', '--ignored'),
    head: sh(dir, 'rev-parse', 'HEAD'),
    branch: sh(dir, 'symbolic-ref', 'HEAD'),
    stash: sh(dir, 'stash', 'list', '--format=%H %gs'),
    index: sh(dir, 'ls-files', '--stage'),
    unstaged: sh(dir, 'diff', '--binary'),
    indexBytes: createHash('sha256').update(fs.readFileSync(indexFile)).digest('hex'),
  };
}

async function rejects(promise: Promise<unknown>, code: WorktreeErrorCode, message?: RegExp): Promise<WorktreeError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof WorktreeError, `expected a WorktreeError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    return error;
  }
  assert.fail(`expected a WorktreeError "${code}"`);
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(fs.realpathSync(parent), fs.realpathSync(child));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

describe('stage: task worktrees', function () {
  this.timeout(60_000);

  before(() => git.setUp());
  after(() => git.tearDown());

  describe('the snapshot', () => {
    it('holds HEAD plus staged, unstaged, untracked and deleted files, and leaves ignored files out', async () => {
      const ws = repoWith({
        '.gitignore': '*.log\nnode_modules/\n',
        'staged.txt': 'old staged\n',
        'unstaged.txt': 'old unstaged\n',
        'both.txt': 'old both\n',
        'removed-staged.txt': 'bye\n',
        'removed-unstaged.txt': 'bye too\n',
        'same.txt': 'unchanged\n',
      });
      write(ws, { 'staged.txt': 'new staged\n', 'both.txt': 'staged version\n', 'added.txt': 'added and staged\n' });
      sh(ws, 'add', 'staged.txt', 'both.txt', 'added.txt');
      sh(ws, 'rm', '-q', 'removed-staged.txt');
      write(ws, { 'unstaged.txt': 'new unstaged\n', 'both.txt': 'what the engineer sees\n' });
      fs.rmSync(path.join(ws, 'removed-unstaged.txt'));
      write(ws, { 'untracked/new.txt': 'untracked\n', 'debug.log': 'ignored\n', 'node_modules/dep/index.js': 'ignored\n' });

      const task = await createTaskWorktree({ workspace: ws, storageDir: folder('storage'), taskId: 't1', title: 'Snapshot' });

      assert.equal(read(task.dir, 'staged.txt'), 'new staged\n');
      assert.equal(read(task.dir, 'unstaged.txt'), 'new unstaged\n');
      assert.equal(read(task.dir, 'both.txt'), 'what the engineer sees\n');
      assert.equal(read(task.dir, 'added.txt'), 'added and staged\n');
      assert.equal(read(task.dir, 'untracked/new.txt'), 'untracked\n');
      assert.equal(read(task.dir, 'same.txt'), 'unchanged\n');
      for (const gone of ['removed-staged.txt', 'removed-unstaged.txt', 'debug.log', 'node_modules']) {
        assert.ok(!fs.existsSync(path.join(task.dir, gone)), `${gone} should not be in the worktree`);
      }
      const tree = sh(ws, 'ls-tree', '-r', '--name-only', task.baseCommit).split('\n').filter(Boolean).sort();
      assert.deepEqual(tree, ['.gitignore', 'added.txt', 'both.txt', 'same.txt', 'staged.txt', 'unstaged.txt', 'untracked/new.txt']);
      assert.equal(sh(ws, 'rev-parse', `${task.baseCommit}^`), sh(ws, 'rev-parse', 'HEAD'));
      assert.equal(task.sourceHead, sh(ws, 'rev-parse', 'HEAD').trim());
      assert.equal(task.headCommit, task.baseCommit);
      assert.equal(sh(task.dir, 'status', '--porcelain'), '', 'the worktree starts clean against its base');
    });

    it("leaves the engineer's index, working tree, HEAD, branch and stash exactly as they were", async () => {
      const ws = repoWith({ '.gitignore': 'build/\n', 'a.txt': 'a\n', 'b.txt': 'b\n', 'c.txt': 'c\n' });
      write(ws, { 'a.txt': 'stashed\n' });
      sh(ws, 'stash', 'push', '-q', '-m', 'work in progress');
      sh(ws, 'checkout', '-q', '-b', 'feature');
      write(ws, { 'a.txt': 'staged\n', 'new.txt': 'staged new\n' });
      sh(ws, 'add', 'a.txt', 'new.txt');
      write(ws, { 'a.txt': 'staged then edited\n', 'b.txt': 'edited\n', 'loose.txt': 'untracked\n', 'build/out.js': 'ignored\n' });
      fs.rmSync(path.join(ws, 'c.txt'));
      const files = () => Object.fromEntries(['a.txt', 'b.txt', 'new.txt', 'loose.txt', 'build/out.js'].map((f) => [f, read(ws, f)]));
      const before = engineerState(ws);
      const filesBefore = files();

      await createTaskWorktree({ workspace: ws, storageDir: folder('storage'), taskId: 'untouched', title: 'Untouched' });

      assert.deepEqual(engineerState(ws), before);
      assert.deepEqual(files(), filesBefore);
      assert.ok(!fs.existsSync(path.join(ws, 'c.txt')));
    });

    it('keeps binary and large files byte for byte', async () => {
      const committed = randomBytes(64 * 1024);
      const ws = repoWith({ 'image.bin': committed });
      const edited = Buffer.concat([Buffer.from([0, 0, 255, 0, 13, 10, 26]), randomBytes(256 * 1024)]);
      const large = randomBytes(12 * 1024 * 1024);
      write(ws, { 'image.bin': edited, 'assets/large.dat': large });

      const task = await createTaskWorktree({ workspace: ws, storageDir: folder('storage'), taskId: 'bin', title: 'Binary' });

      assert.ok(fs.readFileSync(path.join(task.dir, 'image.bin')).equals(edited));
      assert.ok(fs.readFileSync(path.join(task.dir, 'assets/large.dat')).equals(large));
    });

    it('keeps files whose names have spaces and non-ASCII letters', async () => {
      const ws = repoWith({ 'docs/read me.md': 'v1\n' });
      write(ws, { 'docs/read me.md': 'v2\n', 'dossier été/naïve fichier ✓.txt': 'ünïcödé\n', 'emoji 🎻.txt': 'podium\n' });

      const task = await createTaskWorktree({ workspace: ws, storageDir: folder('storage'), taskId: 'names', title: 'Names' });

      assert.equal(read(task.dir, 'docs/read me.md'), 'v2\n');
      assert.equal(read(task.dir, 'dossier été/naïve fichier ✓.txt'), 'ünïcödé\n');
      assert.equal(read(task.dir, 'emoji 🎻.txt'), 'podium\n');
    });

    it('keeps symbolic links as links and executable bits', async function () {
      if (process.platform === 'win32') this.skip();
      const ws = repoWith({ 'target.txt': 'target\n', 'run.sh': '#!/bin/sh\n' });
      fs.symlinkSync('target.txt', path.join(ws, 'committed-link'));
      sh(ws, 'add', 'committed-link');
      sh(ws, 'commit', '-q', '-m', 'link');
      fs.symlinkSync('../outside/nowhere', path.join(ws, 'new-dangling-link'));
      fs.chmodSync(path.join(ws, 'run.sh'), 0o755);

      const task = await createTaskWorktree({ workspace: ws, storageDir: folder('storage'), taskId: 'links', title: 'Links' });

      assert.ok(fs.lstatSync(path.join(task.dir, 'committed-link')).isSymbolicLink());
      assert.equal(fs.readlinkSync(path.join(task.dir, 'committed-link')), 'target.txt');
      assert.ok(fs.lstatSync(path.join(task.dir, 'new-dangling-link')).isSymbolicLink());
      assert.equal(fs.readlinkSync(path.join(task.dir, 'new-dangling-link')), '../outside/nowhere');
      assert.ok((fs.statSync(path.join(task.dir, 'run.sh')).mode & 0o111) !== 0);
    });

    it('bases a task on HEAD itself when nothing is uncommitted', async () => {
      const ws = repoWith({ 'a.txt': 'a\n' });
      const task = await createTaskWorktree({ workspace: ws, storageDir: folder('storage'), taskId: 'clean', title: 'Clean' });
      assert.equal(task.baseCommit, sh(ws, 'rev-parse', 'HEAD').trim());
      assert.equal(task.headCommit, task.baseCommit);
    });
  });

  describe('where the worktree lives and what it is called', () => {
    it('puts the worktree under the storage folder, outside the workspace, on its own podium branch', async () => {
      const ws = repoWith({ 'a.txt': 'a\n' });
      const storage = folder('storage');
      const task = await createTaskWorktree({ workspace: ws, storageDir: storage, taskId: 'task-42', title: 'Fix the login page!' });

      assert.equal(fs.realpathSync(task.dir), fs.realpathSync(path.join(storage, 'worktrees', 'task-42')));
      assert.ok(!isInside(task.dir, ws));
      assert.equal(task.branch, 'podium/fix-the-login-page');
      assert.equal(sh(task.dir, 'symbolic-ref', '--short', 'HEAD').trim(), 'podium/fix-the-login-page');
      assert.equal(sh(ws, 'symbolic-ref', '--short', 'HEAD').trim(), 'main');
      assert.deepEqual(fs.readdirSync(path.join(storage)).sort(), ['tmp', 'worktrees']);
      assert.deepEqual(fs.readdirSync(path.join(storage, 'tmp')), [], 'the temporary index is removed');
    });

    it('maps a workspace that is a subfolder of its repository to the same subfolder of the worktree', async () => {
      const repo = repoWith({ 'packages/app/index.ts': 'export {};\n', 'README.md': 'root\n' });
      write(repo, { 'packages/app/new.ts': 'new\n', 'README.md': 'root, edited\n' });
      const ws = path.join(repo, 'packages', 'app');

      const task = await createTaskWorktree({ workspace: ws, storageDir: folder('storage'), taskId: 'sub', title: 'Sub' });

      assert.equal(task.workspaceDir, path.join(task.dir, 'packages', 'app'));
      assert.equal(read(task.workspaceDir, 'new.ts'), 'new\n');
      assert.equal(read(task.dir, 'README.md'), 'root, edited\n', 'the snapshot covers the whole repository');
    });

    it('names branches after the title: lowercase ASCII, dashes, at most 40 characters', () => {
      assert.equal(branchSlug('Fix the login page!'), 'fix-the-login-page');
      assert.equal(branchSlug('  Café crème — résumé  '), 'cafe-creme-resume');
      assert.equal(branchSlug('Refactor: src/stage/worktree.ts (again) & tests'), 'refactor-src-stage-worktree-ts-again-tes');
      assert.equal(branchSlug('一二三 ✓ !!!'), 'task');
      assert.equal(branchSlug(''), 'task');
      assert.equal(branchSlug('feature/.lock..x'), 'feature-lock-x');
      const long = branchSlug('a'.repeat(39) + ' b c');
      assert.ok(long.length <= 40 && !long.endsWith('-'), long);
      assert.equal(uniqueSlug('x'.repeat(40), (c) => c === 'x'.repeat(40)), `${'x'.repeat(38)}-2`);
      assert.equal(uniqueSlug('fix', (c) => c === 'fix' || c === 'fix-2'), 'fix-3');
    });

    it('makes the branch name unique when a branch of that name exists', async () => {
      const ws = repoWith({ 'a.txt': 'a\n' });
      sh(ws, 'branch', 'podium/add-tests');
      sh(ws, 'branch', 'podium/add-tests-3/nested');
      const storage = folder('storage');

      const first = await createTaskWorktree({ workspace: ws, storageDir: storage, taskId: 'one', title: 'Add tests' });
      const second = await createTaskWorktree({ workspace: ws, storageDir: storage, taskId: 'two', title: 'Add tests' });

      assert.equal(first.branch, 'podium/add-tests-2');
      assert.equal(second.branch, 'podium/add-tests-4', 'podium/add-tests-3 would clash with podium/add-tests-3/nested');
      const listed = await listTaskWorktrees(ws);
      assert.deepEqual(listed.map((w) => w.branch).sort(), ['podium/add-tests-2', 'podium/add-tests-4']);
      assert.ok(listed.every((w) => !w.missing && !w.locked && w.head === first.baseCommit));
    });

    it('gives tasks started at the same moment with the same title different branches', async () => {
      const ws = repoWith({ 'a.txt': 'a\n' });
      write(ws, { 'a.txt': 'dirty\n' });
      const storage = folder('storage');
      const tasks = await Promise.all(
        ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'].map((taskId) => createTaskWorktree({ workspace: ws, storageDir: storage, taskId, title: 'Same title' })),
      );
      assert.deepEqual(tasks.map((t) => t.branch).sort(), ['podium/same-title', ...[2, 3, 4, 5, 6].map((n) => `podium/same-title-${n}`)]);
      for (const t of tasks) assert.equal(read(t.dir, 'a.txt'), 'dirty\n');
    });

    it('snapshots a workspace that is itself a linked worktree from that worktree’s own index and files', async () => {
      const repo = repoWith({ 'a.txt': 'a\n' });
      const linked = path.join(folder('linked'), 'wt');
      sh(repo, 'worktree', 'add', '-q', '-b', 'side', linked);
      write(linked, { 'a.txt': 'edited in the linked worktree\n' });
      write(repo, { 'a.txt': 'edited in the main worktree\n' });

      const task = await createTaskWorktree({ workspace: linked, storageDir: folder('storage'), taskId: 'lw', title: 'Linked' });

      assert.equal(read(task.dir, 'a.txt'), 'edited in the linked worktree\n');
      assert.deepEqual((await listTaskWorktrees(repo)).map((w) => w.branch), ['podium/linked']);
    });
  });

  describe('removal', () => {
    it('removes the folder, the record and, when asked, the branch; a second removal is a no-op', async () => {
      const ws = repoWith({ 'a.txt': 'a\n' });
      const storage = folder('storage');
      const task = await createTaskWorktree({ workspace: ws, storageDir: storage, taskId: 'rm', title: 'Remove me' });
      write(task.dir, { 'agent-scratch.txt': 'uncommitted work of the agent\n', 'a.txt': 'edited\n' });

      const removed = await removeTaskWorktree({ workspace: ws, dir: task.dir, branch: task.branch, deleteBranch: true });

      assert.deepEqual(removed, { removedDir: true, branchDeleted: true });
      assert.ok(!fs.existsSync(task.dir));
      assert.equal(sh(ws, 'branch', '--list', task.branch), '');
      assert.deepEqual(await listTaskWorktrees(ws), []);
      assert.equal(read(ws, 'a.txt'), 'a\n');
      const again = await removeTaskWorktree({ workspace: ws, dir: task.dir, branch: task.branch, deleteBranch: true });
      assert.deepEqual(again, { removedDir: false, branchDeleted: false });
    });

    it('keeps the branch unless asked to delete it', async () => {
      const ws = repoWith({ 'a.txt': 'a\n' });
      const task = await createTaskWorktree({ workspace: ws, storageDir: folder('storage'), taskId: 'keep', title: 'Keep branch' });
      const removed = await removeTaskWorktree({ workspace: ws, dir: task.dir, branch: task.branch });
      assert.deepEqual(removed, { removedDir: true, branchDeleted: false });
      assert.ok(!fs.existsSync(task.dir));
      assert.equal(sh(ws, 'rev-parse', task.branch).trim(), task.baseCommit);
    });

    it('lists a worktree whose folder was deleted behind git’s back as missing, and cleans it up', async () => {
      const ws = repoWith({ 'a.txt': 'a\n' });
      const storage = folder('storage');
      const task = await createTaskWorktree({ workspace: ws, storageDir: storage, taskId: 'gone', title: 'Gone' });
      fs.rmSync(task.dir, { recursive: true, force: true });

      const [listed] = await listTaskWorktrees(ws);
      assert.equal(listed?.missing, true);
      assert.deepEqual(await removeTaskWorktree({ workspace: ws, dir: task.dir, branch: task.branch, deleteBranch: true }), {
        removedDir: true,
        branchDeleted: true,
      });
      assert.deepEqual(await listTaskWorktrees(ws), []);
      // The same task id can be used again.
      const again = await createTaskWorktree({ workspace: ws, storageDir: storage, taskId: 'gone', title: 'Gone' });
      assert.equal(again.branch, 'podium/gone');
    });

    it('refuses to delete a branch Podium did not create, or to remove the repository or the engineer’s own worktrees', async () => {
      const ws = repoWith({ 'a.txt': 'a\n' });
      await rejects(removeTaskWorktree({ workspace: ws, dir: folder('x'), branch: 'main', deleteBranch: true }), 'not-a-podium-branch');
      await rejects(removeTaskWorktree({ workspace: ws, dir: ws }), 'not-a-task-worktree');
      await rejects(removeTaskWorktree({ workspace: ws, dir: path.dirname(ws) }), 'not-a-task-worktree');
      // The engineer's own worktree, named from one of their worktrees or from the main one.
      const own = path.join(folder('own'), 'feature');
      sh(ws, 'worktree', 'add', '-q', '-b', 'feature', own);
      await rejects(removeTaskWorktree({ workspace: ws, dir: own }), 'not-a-task-worktree');
      await rejects(removeTaskWorktree({ workspace: own, dir: ws }), 'not-a-task-worktree');
      assert.ok(fs.existsSync(path.join(ws, 'a.txt')));
      assert.ok(fs.existsSync(path.join(own, 'a.txt')));
      assert.equal(sh(ws, 'rev-parse', '--verify', 'main').trim().length, 40);
    });
  });

  describe('clear refusals', () => {
    it('a folder that is not a git repository', async () => {
      const ws = folder('plain');
      write(ws, { 'a.txt': 'a\n' });
      await rejects(
        createTaskWorktree({ workspace: ws, storageDir: folder('storage'), taskId: 't', title: 't' }),
        'not-a-repository',
        /not a git repository.*run `git init` and commit once, then try again/s,
      );
    });

    it('a repository without a commit', async () => {
      const ws = folder('empty-repo');
      sh(ws, 'init', '-q');
      write(ws, { 'a.txt': 'a\n' });
      await rejects(
        createTaskWorktree({ workspace: ws, storageDir: folder('storage'), taskId: 't', title: 't' }),
        'no-commit',
        /has no commit yet.*commit once/s,
      );
    });

    it('a bare repository', async () => {
      const ws = folder('bare');
      sh(ws, 'init', '-q', '--bare');
      await rejects(createTaskWorktree({ workspace: ws, storageDir: folder('storage'), taskId: 't', title: 't' }), 'bare-repository');
    });

    it('a storage folder inside the workspace or its repository', async () => {
      const repo = repoWith({ 'sub/a.txt': 'a\n' });
      await rejects(
        createTaskWorktree({ workspace: repo, storageDir: path.join(repo, '.podium-storage'), taskId: 't', title: 't' }),
        'storage-inside-workspace',
      );
      await rejects(
        createTaskWorktree({ workspace: path.join(repo, 'sub'), storageDir: path.join(repo, 'elsewhere'), taskId: 't', title: 't' }),
        'storage-inside-workspace',
      );
      assert.ok(!fs.existsSync(path.join(repo, '.podium-storage')));
    });

    it('git that is not installed', async () => {
      const ws = repoWith({ 'a.txt': 'a\n' });
      const error = await rejects(
        createTaskWorktree({ workspace: ws, storageDir: folder('storage'), taskId: 't', title: 't', gitPath: path.join(git.root, 'no-git-here') }),
        'git-missing',
      );
      assert.match(error.message, /Install git/);
    });

    it('a task id that is not a plain folder name, and a task folder already in use', async () => {
      const ws = repoWith({ 'a.txt': 'a\n' });
      const storage = folder('storage');
      for (const taskId of ['../escape', 'a/b', '', '.hidden', 'x'.repeat(101)]) {
        await rejects(createTaskWorktree({ workspace: ws, storageDir: storage, taskId, title: 't' }), 'invalid-task-id');
      }
      write(storage, { 'worktrees/busy/something.txt': 'x' });
      await rejects(createTaskWorktree({ workspace: ws, storageDir: storage, taskId: 'busy', title: 't' }), 'worktree-exists');
      assert.equal(sh(ws, 'branch', '--list', 'podium/*'), '', 'no branch is left behind by a refused task');
    });
  });

  describe('running git', () => {
    it('reports the command, the folder, the exit code and git’s message', async () => {
      const ws = repoWith({ 'a.txt': 'a\n' });
      try {
        await runGit(['rev-parse', '--verify', 'no-such-branch'], { cwd: ws });
        assert.fail('expected a GitError');
      } catch (error) {
        assert.ok(error instanceof GitError);
        assert.equal(error.exitCode, 128);
        assert.equal(error.command, 'git rev-parse --verify no-such-branch');
        assert.match(error.message, /`git rev-parse --verify no-such-branch` in ".*" failed \(exit code 128\): fatal: /);
      }
    });

    it('stops a git command that outlives its timeout', async function () {
      if (process.platform === 'win32') this.skip();
      const ws = repoWith({ 'a.txt': 'a\n' });
      const started = Date.now();
      try {
        await runGit(['-c', 'alias.wait=!sleep 5', 'wait'], { cwd: ws, timeoutMs: 300 });
        assert.fail('expected a timeout');
      } catch (error) {
        assert.ok(error instanceof GitError);
        assert.equal(error.failure, 'timeout');
      }
      assert.ok(Date.now() - started < 4000);
    });

    it('quotes arguments in messages the way a shell would need them', () => {
      assert.equal(formatGitCommand(['add', '--all']), 'git add --all');
      assert.equal(formatGitCommand(['add', "it's a file.txt"]), `git add 'it'\\''s a file.txt'`);
    });
  });
});
