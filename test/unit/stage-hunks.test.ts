import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stageTask, type StageTaskOptions } from '../../src/stage/hunks';
import { findOverlaps, rangesTouch } from '../../src/stage/overlap';
import { headerPath, parsePatch } from '../../src/stage/patch';
import { StageError } from '../../src/stage/stageError';
import type { FileHunk, LineHunk, ModeHunk, RenameHunk, StagedFile } from '../../src/stage/staged';
import { createTaskWorktree, type TaskWorktree } from '../../src/stage/worktree';
import { gitSandbox, write } from '../fixtures/gitRepo';
import { editLines, numbered } from '../fixtures/textLines';

// Real git in temporary folders, kept away from the machine's git configuration (see test/fixtures/gitRepo.ts).
const git = gitSandbox('podium-hunks-');
const { sh, folder, repoWith } = git;

/** A workspace with `files` committed, and a task worktree started from it. */
async function taskOn(files: Record<string, string | Buffer>, id = 'task'): Promise<{ ws: string; task: TaskWorktree }> {
  const ws = repoWith(files);
  const task = await createTaskWorktree({ workspace: ws, storageDir: folder('storage'), taskId: id, title: id });
  return { ws, task };
}

function stage(ws: string, task: TaskWorktree, extra: Partial<StageTaskOptions> = {}) {
  return stageTask({ repo: ws, worktreeDir: task.dir, baseCommit: task.baseCommit, scope: 'task', ...extra });
}

function fileAt(files: StagedFile[], p: string): StagedFile {
  const f = files.find((x) => x.path === p);
  assert.ok(f, `expected a staged file ${p}; got ${files.map((x) => x.path).join(', ')}`);
  return f;
}

function lineHunks(file: StagedFile): LineHunk[] {
  return file.hunks.filter((h): h is LineHunk => h.kind === 'lines');
}

describe('stage: hunks', function () {
  this.timeout(60_000);

  before(() => git.setUp());
  after(() => git.tearDown());

  describe('what is staged', () => {
    it("stages edits, new, untracked, deleted and committed changes without touching the agent's index", async () => {
      const { ws, task } = await taskOn({ '.gitignore': '*.log\n', 'a.txt': numbered(10), 'gone.txt': 'bye\n', 'empty-gone.txt': '', 'kept.txt': 'same\n' });
      write(task.dir, { 'a.txt': editLines(numbered(10), { 5: 'five' }), 'new/untracked.txt': 'hello\n', 'debug.log': 'ignored\n' });
      fs.rmSync(path.join(task.dir, 'gone.txt'));
      fs.rmSync(path.join(task.dir, 'empty-gone.txt'));
      write(task.dir, { 'committed.txt': 'the agent committed this\n' });
      sh(task.dir, 'add', 'committed.txt');
      sh(task.dir, 'commit', '-q', '-m', 'agent commit');
      sh(task.dir, 'add', 'a.txt');
      const indexBefore = createHash('sha256').update(fs.readFileSync(path.join(ws, '.git', 'worktrees', 'task', 'index'))).digest('hex');
      const statusBefore = sh(task.dir, 'status', '--porcelain=v2', '--untracked-files=all');

      const { files } = await stage(ws, task);

      assert.deepEqual(files.map((f) => [f.path, f.status]), [
        ['a.txt', 'modified'],
        ['committed.txt', 'added'],
        ['empty-gone.txt', 'deleted'],
        ['gone.txt', 'deleted'],
        ['new/untracked.txt', 'added'],
      ]);
      const [hunk] = lineHunks(fileAt(files, 'a.txt'));
      assert.deepEqual(
        { oldStart: hunk!.oldStart, oldCount: hunk!.oldCount, newStart: hunk!.newStart, newCount: hunk!.newCount, oldLines: hunk!.oldLines, newLines: hunk!.newLines },
        { oldStart: 5, oldCount: 1, newStart: 5, newCount: 1, oldLines: ['line 5\n'], newLines: ['five\n'] },
      );
      assert.deepEqual(hunk!.contextBefore, ['line 2\n', 'line 3\n', 'line 4\n']);
      assert.deepEqual(hunk!.contextAfter, ['line 6\n', 'line 7\n', 'line 8\n']);
      const gone = lineHunks(fileAt(files, 'gone.txt'))[0]!;
      assert.deepEqual([gone.oldStart, gone.oldCount, gone.newCount, gone.oldLines], [1, 1, 0, ['bye\n']]);
      const emptyGone = fileAt(files, 'empty-gone.txt');
      assert.equal(emptyGone.hunks.length, 1, 'an empty file deleted still needs one decision');
      assert.deepEqual([(emptyGone.hunks[0] as LineHunk).oldLines, (emptyGone.hunks[0] as LineHunk).newLines], [[], []]);
      const added = lineHunks(fileAt(files, 'new/untracked.txt'))[0]!;
      assert.deepEqual([added.oldStart, added.oldCount, added.newStart, added.newLines], [1, 0, 1, ['hello\n']]);

      const indexAfter = createHash('sha256').update(fs.readFileSync(path.join(ws, '.git', 'worktrees', 'task', 'index'))).digest('hex');
      assert.equal(indexAfter, indexBefore, "the agent's index is byte for byte the same");
      assert.equal(sh(task.dir, 'status', '--porcelain=v2', '--untracked-files=all'), statusBefore);
    });

    it('tells renames, mode changes, binary files, links and empty files apart', async function () {
      if (process.platform === 'win32') this.skip();
      const body = numbered(40);
      const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13]), Buffer.alloc(200, 7)]);
      const { ws, task } = await taskOn({ 'old/name.ts': body, 'moved.ts': numbered(30, 100), 'run.sh': '#!/bin/sh\necho hi\n', 'img.png': png });
      fs.mkdirSync(path.join(task.dir, 'src'));
      fs.renameSync(path.join(task.dir, 'old/name.ts'), path.join(task.dir, 'src/name.ts'));
      write(task.dir, { 'src/name.ts': editLines(body, { 20: 'twenty' }) });
      fs.renameSync(path.join(task.dir, 'moved.ts'), path.join(task.dir, 'pure-move.ts'));
      fs.chmodSync(path.join(task.dir, 'run.sh'), 0o755);
      write(task.dir, { 'img.png': Buffer.concat([png, Buffer.from([0, 1, 2])]), 'empty-new.txt': '' });
      fs.symlinkSync('run.sh', path.join(task.dir, 'link'));

      const { files } = await stage(ws, task);

      const renamed = fileAt(files, 'src/name.ts');
      assert.equal(renamed.status, 'renamed');
      assert.equal(renamed.oldPath, 'old/name.ts');
      const rename = renamed.hunks[0] as RenameHunk;
      assert.deepEqual([rename.kind, rename.oldPath, rename.path], ['rename', 'old/name.ts', 'src/name.ts']);
      const [edit] = lineHunks(renamed);
      assert.deepEqual([edit!.oldLines, edit!.newLines, edit!.oldPath], [['line 20\n'], ['twenty\n'], 'old/name.ts']);

      const pure = fileAt(files, 'pure-move.ts');
      assert.deepEqual(pure.hunks.map((h) => h.kind), ['rename'], 'a pure rename is one rename hunk');

      const run = fileAt(files, 'run.sh');
      assert.deepEqual(run.hunks.map((h) => h.kind), ['mode']);
      assert.deepEqual([(run.hunks[0] as ModeHunk).oldMode, (run.hunks[0] as ModeHunk).newMode], ['100644', '100755']);

      const img = fileAt(files, 'img.png');
      assert.equal(img.fileLevel, 'binary');
      const imgHunk = img.hunks[0] as FileHunk;
      assert.deepEqual([imgHunk.kind, imgHunk.reason, imgHunk.oldSize, imgHunk.newSize], ['file', 'binary', 208, 211]);

      const link = fileAt(files, 'link');
      assert.deepEqual([link.status, link.fileLevel, link.newMode], ['added', 'symlink', '120000']);

      const empty = fileAt(files, 'empty-new.txt');
      assert.equal(empty.status, 'added');
      assert.equal(empty.hunks.length, 1, 'an empty file created still needs one decision');
      assert.deepEqual([(empty.hunks[0] as LineHunk).oldLines, (empty.hunks[0] as LineHunk).newLines], [[], []]);
    });

    it('sees a same-size edit made in the same second the worktree was checked out (racily clean files)', async () => {
      const { ws, task } = await taskOn({ 'a.txt': 'aaa\n' });
      write(task.dir, { 'a.txt': 'bbb\n' });

      const { files } = await stage(ws, task);

      assert.deepEqual(lineHunks(fileAt(files, 'a.txt'))[0]?.newLines, ['bbb\n']);
    });

    it('keeps CRLF line endings and a missing final newline in the hunk lines', async () => {
      const crlf = 'one\r\ntwo\r\nthree\r\n';
      const { ws, task } = await taskOn({ 'win.txt': crlf, 'tail.txt': 'a\nb\nc' });
      write(task.dir, { 'win.txt': 'one\r\nTWO\r\nthree\r\n', 'tail.txt': 'a\nb\nc\nd' });

      const { files } = await stage(ws, task);

      const win = lineHunks(fileAt(files, 'win.txt'))[0]!;
      assert.deepEqual([win.oldLines, win.newLines, win.contextBefore, win.contextAfter], [['two\r\n'], ['TWO\r\n'], ['one\r\n'], ['three\r\n']]);
      const tail = lineHunks(fileAt(files, 'tail.txt'))[0]!;
      assert.deepEqual([tail.oldLines, tail.newLines], [['c'], ['c\n', 'd']], 'the line without a newline has none');
    });

    it('reads names with spaces, quotes and non-ASCII letters', async function () {
      if (process.platform === 'win32') this.skip();
      const names = ['dir with space/file name.txt', 'quote"and\\slash.txt', 'été ✓.md', 'tab\there.txt'];
      const { ws, task } = await taskOn(Object.fromEntries(names.map((n) => [n, 'old\n'])));
      write(task.dir, Object.fromEntries(names.map((n) => [n, 'new\n'])));

      const { files } = await stage(ws, task);

      assert.deepEqual(files.map((f) => f.path).sort(), [...names].sort());
      for (const f of files) assert.deepEqual(lineHunks(f)[0]!.newLines, ['new\n'], f.path);
    });

    it('refuses a worktree of another repository and an unknown base, saying which', async () => {
      const { ws, task } = await taskOn({ 'a.txt': 'a\n' });
      const other = repoWith({ 'b.txt': 'b\n' });
      await assert.rejects(stageTask({ repo: other, worktreeDir: task.dir, baseCommit: task.baseCommit }), (e: unknown) => e instanceof StageError && e.code === 'not-this-repository');
      await assert.rejects(stageTask({ repo: ws, worktreeDir: task.dir, baseCommit: 'f'.repeat(40) }), (e: unknown) => e instanceof StageError && e.code === 'unknown-base');
      await assert.rejects(stageTask({ repo: ws, worktreeDir: task.dir, baseCommit: '--output=x' }), (e: unknown) => e instanceof StageError && e.code === 'unknown-base');
    });
  });

  describe('stable ids', () => {
    it('an unchanged hunk keeps its id when another hunk in the file changes and shifts it', async () => {
      const base = numbered(60);
      const { ws, task } = await taskOn({ 'f.txt': base });
      write(task.dir, { 'f.txt': editLines(base, { 10: 'ten', 40: 'forty' }) });
      const first = await stage(ws, task);
      const [early, late] = lineHunks(fileAt(first.files, 'f.txt'));
      assert.equal(late!.newStart, 40);

      // The early hunk grows by three lines, pushing the late one down.
      write(task.dir, { 'f.txt': editLines(base, { 10: 'ten\nand\nmore\nlines', 40: 'forty' }) });
      const second = await stage(ws, task, { previous: first.files });
      const [early2, late2] = lineHunks(fileAt(second.files, 'f.txt'));

      assert.equal(late2!.id, late!.id, 'the untouched hunk keeps its id');
      assert.equal(late2!.newStart, 43, 'although it moved');
      assert.notEqual(early2!.id, early!.id);
      assert.deepEqual(second.superseded, [{ id: early!.id, path: 'f.txt', by: [early2!.id] }]);
      assert.deepEqual(second.withdrawn, []);
    });

    it('a hunk the agent undid is withdrawn, not superseded', async () => {
      const base = numbered(40);
      const { ws, task } = await taskOn({ 'f.txt': base });
      write(task.dir, { 'f.txt': editLines(base, { 5: 'five', 30: 'thirty' }) });
      const first = await stage(ws, task);
      const [five, thirty] = lineHunks(fileAt(first.files, 'f.txt'));
      write(task.dir, { 'f.txt': editLines(base, { 30: 'thirty' }) });

      const second = await stage(ws, task, { previous: first.files });

      assert.deepEqual(lineHunks(fileAt(second.files, 'f.txt')).map((h) => h.id), [thirty!.id]);
      assert.deepEqual(second.superseded, []);
      assert.deepEqual(second.withdrawn, [five!.id]);
    });

    it('the same change made twice in a file, or by two tasks, gets distinct ids', async () => {
      const base = numbered(40);
      const { ws, task } = await taskOn({ 'f.txt': base.replace('line 5\n', 'x\n').replace('line 30\n', 'x\n') });
      write(task.dir, { 'f.txt': base.replace('line 5\n', 'y\n').replace('line 30\n', 'y\n') });

      const mine = await stage(ws, task, { scope: 'task-1' });
      const theirs = await stage(ws, task, { scope: 'task-2' });

      const ids = lineHunks(fileAt(mine.files, 'f.txt')).map((h) => h.id);
      assert.equal(new Set(ids).size, 2);
      const otherIds = lineHunks(fileAt(theirs.files, 'f.txt')).map((h) => h.id);
      assert.ok(!otherIds.some((id) => ids.includes(id)));
    });
  });

  describe('limits', () => {
    it('a 100k-line file with 10% of its lines changed becomes one file-level hunk', async () => {
      const lines = Array.from({ length: 100_000 }, (_, i) => `const value${i} = ${i * 7};`);
      const { ws, task } = await taskOn({ 'big.ts': `${lines.join('\n')}\n`, 'small.txt': 'a\n' });
      for (let i = 0; i < lines.length; i += 10) lines[i] = `const value${i} = ${i * 7 + 1}; // changed`;
      write(task.dir, { 'big.ts': `${lines.join('\n')}\n`, 'small.txt': 'b\n' });

      const { files } = await stage(ws, task);

      const big = fileAt(files, 'big.ts');
      assert.ok(big.fileLevel === 'too-many-lines' || big.fileLevel === 'too-many-hunks', `got ${big.fileLevel}`);
      assert.equal(big.hunks.length, 1);
      assert.equal(big.hunks[0]!.kind, 'file');
      assert.equal(lineHunks(fileAt(files, 'small.txt')).length, 1, 'other files are still hunked line by line');
    });

    it('a file over the size limit is not diffed, and a diff over its time limit gives up on the file', async () => {
      const { ws, task } = await taskOn({ 'large.txt': numbered(200), 'ok.txt': 'a\n' });
      write(task.dir, { 'large.txt': editLines(numbered(200), { 100: 'hundred' }), 'ok.txt': 'b\n' });

      const sized = await stage(ws, task, { limits: { maxFileBytes: 1000 } });
      const large = fileAt(sized.files, 'large.txt');
      assert.equal(large.fileLevel, 'too-large');
      assert.ok((large.hunks[0] as FileHunk).newSize! > 1000);
      assert.equal(lineHunks(fileAt(sized.files, 'ok.txt')).length, 1);

      if (process.platform === 'win32') return;
      // A git that hangs on every patch (as on a pathological file), and answers everything else.
      const slowGit = path.join(folder('bin'), 'git');
      const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
      fs.writeFileSync(slowGit, `#!/bin/sh\nfor a in "$@"; do [ "$a" = "-p" ] && exec sleep 30; done\nexec "${realGit}" "$@"\n`, { mode: 0o755 });
      const timed = await stage(ws, task, { gitPath: slowGit, limits: { diffTimeoutMs: 300 } });
      assert.deepEqual(timed.files.map((f) => [f.path, f.fileLevel]), [['large.txt', 'timeout'], ['ok.txt', 'timeout']]);
    });
  });

  describe('overlap between tasks', () => {
    it('flags hunks of two tasks that change the same lines, and not those that change others', async () => {
      const base = numbered(80);
      const ws = repoWith({ 'shared.txt': base, 'other.txt': 'x\n' });
      const storage = folder('storage');
      const a = await createTaskWorktree({ workspace: ws, storageDir: storage, taskId: 'a', title: 'A' });
      const b = await createTaskWorktree({ workspace: ws, storageDir: storage, taskId: 'b', title: 'B' });
      write(a.dir, { 'shared.txt': editLines(base, { 20: 'A twenty', 60: 'A sixty' }) });
      write(b.dir, { 'shared.txt': editLines(base, { 20: 'B twenty', 21: 'B twenty-one', 40: 'B forty' }), 'other.txt': 'y\n' });
      const stagedA = await stageTask({ repo: ws, worktreeDir: a.dir, baseCommit: a.baseCommit, scope: 'a' });
      const stagedB = await stageTask({ repo: ws, worktreeDir: b.dir, baseCommit: b.baseCommit, scope: 'b' });

      const overlaps = findOverlaps([
        { task: 'a', files: stagedA.files },
        { task: 'b', files: stagedB.files },
      ]);

      const a20 = lineHunks(fileAt(stagedA.files, 'shared.txt')).find((h) => h.oldStart === 20)!;
      const b20 = lineHunks(fileAt(stagedB.files, 'shared.txt')).find((h) => h.oldStart === 20)!;
      assert.deepEqual(overlaps, [{ path: 'shared.txt', a: { task: 'a', hunk: a20.id }, b: { task: 'b', hunk: b20.id } }]);
    });

    it('treats an insertion at the edge of a change as touching it, and separate ranges as not', () => {
      assert.equal(rangesTouch(10, 3, 12, 2), true);
      assert.equal(rangesTouch(10, 3, 13, 2), false);
      assert.equal(rangesTouch(10, 3, 13, 0), true, 'inserting right after the changed lines');
      assert.equal(rangesTouch(10, 0, 10, 0), true, 'two insertions at the same place');
      assert.equal(rangesTouch(10, 0, 11, 0), false);
    });
  });

  describe("reading git's output", () => {
    it('finds paths in section headers, quoted or not', () => {
      assert.equal(headerPath('a/x y.txt b/x y.txt'), 'x y.txt');
      assert.equal(headerPath('"a/tab\\there" "b/tab\\there"'), 'tab\there');
      assert.equal(headerPath('"a/\\303\\251t\\303\\251" "b/\\303\\251t\\303\\251"'), 'été');
    });

    it('never reads a content line as a header, and stops reading a file over a limit', () => {
      const patch = [
        'diff --git a/f b/f',
        '--- a/f',
        '+++ b/f',
        '@@ -1,2 +1,3 @@',
        '-diff --git a/evil b/evil',
        '+@@ -1 +1 @@',
        '+--- a/x',
        ' kept',
        '\\ No newline at end of file',
        'diff --git a/g b/g',
        '@@ -1 +1 @@',
        '-a',
        '+b',
        '@@ -5 +5 @@',
        '-c',
        '+d',
        '',
      ].join('\n');
      const [f, g] = parsePatch(patch, { maxChangedLines: 100, maxHunksPerFile: 1 });
      assert.equal(f!.path, 'f');
      assert.deepEqual(f!.hunks[0]!.lines, [
        { op: '-', text: 'diff --git a/evil b/evil\n' },
        { op: '+', text: '@@ -1 +1 @@\n' },
        { op: '+', text: '--- a/x\n' },
        { op: ' ', text: 'kept' },
      ]);
      assert.equal(g!.path, 'g');
      assert.equal(g!.overLimit, 'too-many-hunks');
      assert.deepEqual(g!.hunks, []);
    });
  });
});
