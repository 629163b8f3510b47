import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { applyHunk, isStale, unapplyHunk, type ApplyResult } from '../../src/stage/apply';
import { stageTask } from '../../src/stage/hunks';
import { revertHunk } from '../../src/stage/revert';
import { StageError } from '../../src/stage/stageError';
import type { FileHunk, Hunk, LineHunk, StagedFile } from '../../src/stage/staged';
import { createTaskWorktree, type TaskWorktree } from '../../src/stage/worktree';
import { gitSandbox, read, write } from '../fixtures/gitRepo';
import { editLines, numbered } from '../fixtures/textLines';

// Real git in temporary folders, kept away from the machine's git configuration (see test/fixtures/gitRepo.ts).
const git = gitSandbox('podium-apply-');
const { sh, folder, repoWith } = git;

interface Fixture {
  ws: string;
  task: TaskWorktree;
  /** Stages the task as its worktree is now. */
  stage(): Promise<StagedFile[]>;
}

/** A workspace with `files` committed, and a task worktree started from it. */
async function taskOn(files: Record<string, string | Buffer>, modes: Record<string, number> = {}): Promise<Fixture> {
  const ws = repoWith(files, modes);
  const task = await createTaskWorktree({ workspace: ws, storageDir: folder('storage'), taskId: 'task', title: 'Task' });
  return { ws, task, stage: async () => (await stageTask({ repo: ws, worktreeDir: task.dir, baseCommit: task.baseCommit, scope: 'task' })).files };
}

function hunksOf(files: StagedFile[], p: string): Hunk[] {
  const f = files.find((x) => x.path === p);
  assert.ok(f, `expected a staged file ${p}`);
  return f.hunks;
}

function lineHunkAt(files: StagedFile[], p: string, oldStart: number): LineHunk {
  const h = hunksOf(files, p).find((x): x is LineHunk => x.kind === 'lines' && x.oldStart === oldStart);
  assert.ok(h, `expected a line hunk of ${p} at line ${oldStart}`);
  return h;
}

function ok(result: ApplyResult): Extract<ApplyResult, { ok: true }> {
  assert.ok(result.ok, `expected the hunk to apply; got ${JSON.stringify(!result.ok && result.conflict.message)}`);
  return result;
}

function conflicted(result: ApplyResult): Extract<ApplyResult, { ok: false }>['conflict'] {
  assert.ok(!result.ok, 'expected a conflict');
  return result.conflict;
}

describe('stage: approve, reject, undo', function () {
  this.timeout(60_000);

  before(() => git.setUp());
  after(() => git.tearDown());

  const base = numbered(60);

  describe('approving a hunk', () => {
    it('puts just that hunk into an untouched workspace file', async () => {
      const fx = await taskOn({ 'f.txt': base });
      write(fx.task.dir, { 'f.txt': editLines(base, { 10: 'ten', 40: 'forty' }) });
      const files = await fx.stage();

      const result = ok(await applyHunk({ hunk: lineHunkAt(files, 'f.txt', 40), baseText: base, currentText: base }));

      assert.equal(result.how, 'direct');
      assert.equal(result.text, editLines(base, { 40: 'forty' }));
    });

    it("merges with the engineer's unsaved edits elsewhere in the file, even when they move the hunk", async () => {
      const fx = await taskOn({ 'f.txt': base });
      write(fx.task.dir, { 'f.txt': editLines(base, { 40: 'forty' }) });
      const [hunk] = (await fx.stage())[0]!.hunks;
      const engineer = `// a header the engineer added\n// over two lines\n${editLines(base, { 2: 'engineer two' })}`;

      const result = ok(await applyHunk({ hunk: hunk!, baseText: base, currentText: engineer }));

      assert.equal(result.how, 'merged');
      assert.equal(result.text, `// a header the engineer added\n// over two lines\n${editLines(base, { 2: 'engineer two', 40: 'forty' })}`);
    });

    it("is a conflict when the engineer changed the same lines, and leaves the engineer's text as it was", async () => {
      const fx = await taskOn({ 'f.txt': base });
      write(fx.task.dir, { 'f.txt': editLines(base, { 40: 'forty by the agent' }) });
      const [hunk] = (await fx.stage())[0]!.hunks;
      const engineer = editLines(base, { 40: 'forty by the engineer' });

      const c = conflicted(await applyHunk({ hunk: hunk!, baseText: base, currentText: engineer }));

      assert.equal(c.reason, 'region-changed');
      assert.equal(c.ours, engineer, 'nothing of the engineer is lost');
      assert.equal(c.theirs, editLines(base, { 40: 'forty by the agent' }));
      assert.match(c.merged!, /<<<<<<< workspace\nforty by the engineer\n\|\|\|\|\|\|\| task base\nline 40\n=======\nforty by the agent\n>>>>>>> task\n/);
    });

    it('creates an added file (with its executable bit) and refuses to overwrite a different one', async function () {
      const fx = await taskOn({ 'keep.txt': 'k\n' });
      write(fx.task.dir, { 'bin/tool.sh': '#!/bin/sh\necho new\n' });
      if (process.platform !== 'win32') fs.chmodSync(path.join(fx.task.dir, 'bin/tool.sh'), 0o755);
      const [hunk] = hunksOf(await fx.stage(), 'bin/tool.sh');

      const created = ok(await applyHunk({ hunk: hunk!, baseText: null, currentText: null }));
      assert.equal(created.text, '#!/bin/sh\necho new\n');
      if (process.platform !== 'win32') assert.equal(created.mode, '100755');

      const c = conflicted(await applyHunk({ hunk: hunk!, baseText: null, currentText: 'the engineer wrote this\n' }));
      assert.equal(c.reason, 'file-exists');
      assert.equal(c.ours, 'the engineer wrote this\n');
    });

    it('deletes a deleted file only while the engineer still has it as it was', async () => {
      const fx = await taskOn({ 'old.txt': 'old\ncontent\n' });
      fs.rmSync(path.join(fx.task.dir, 'old.txt'));
      const [hunk] = hunksOf(await fx.stage(), 'old.txt');

      assert.equal(ok(await applyHunk({ hunk: hunk!, baseText: 'old\ncontent\n', currentText: 'old\ncontent\n' })).text, null);
      const c = conflicted(await applyHunk({ hunk: hunk!, baseText: 'old\ncontent\n', currentText: 'old\ncontent\nmore\n' }));
      assert.equal(c.reason, 'file-changed');
      assert.equal(c.ours, 'old\ncontent\nmore\n');
    });

    it('replaces a binary file whole, only over the base content', async () => {
      const before = Buffer.from([0, 1, 2, 3, 255, 13, 10, 0]);
      const after = Buffer.from([0, 9, 9, 9, 255, 13, 10, 0, 7]);
      const fx = await taskOn({ 'blob.bin': before });
      write(fx.task.dir, { 'blob.bin': after });
      const [hunk] = hunksOf(await fx.stage(), 'blob.bin');
      assert.equal(hunk!.kind, 'file');

      const result = ok(await applyHunk({ hunk: hunk!, baseText: before, currentText: before, repo: fx.ws }));
      assert.ok(Buffer.isBuffer(result.text) && result.text.equals(after), 'the new bytes, exactly');

      const c = conflicted(await applyHunk({ hunk: hunk!, baseText: before, currentText: Buffer.from('edited'), repo: fx.ws }));
      assert.equal(c.reason, 'file-changed');
      await assert.rejects(applyHunk({ hunk: hunk!, baseText: before, currentText: before }), (e: unknown) => e instanceof StageError && e.code === 'needs-repository');
    });

    it('keeps CRLF files CRLF, also when git stores them with LF', async () => {
      const crlf = numbered(20).replace(/\n/g, '\r\n');
      const fx = await taskOn({ 'win.txt': crlf, 'unix.txt': numbered(20) });
      write(fx.task.dir, { 'win.txt': editLines(crlf, { 10: 'ten\r' }), 'unix.txt': editLines(numbered(20), { 10: 'ten' }) });
      const files = await fx.stage();

      const engineerCrlf = editLines(crlf, { 1: 'engineer one\r' });
      const merged = ok(await applyHunk({ hunk: hunksOf(files, 'win.txt')[0]!, baseText: crlf, currentText: engineerCrlf }));
      assert.equal(merged.text, editLines(crlf, { 1: 'engineer one\r', 10: 'ten\r' }));

      // As with core.autocrlf: git's hunk and base have LF, the engineer's file has CRLF.
      const checkedOut = numbered(20).replace(/\n/g, '\r\n');
      const converted = ok(await applyHunk({ hunk: hunksOf(files, 'unix.txt')[0]!, baseText: numbered(20), currentText: checkedOut }));
      assert.equal(converted.text, editLines(checkedOut, { 10: 'ten\r' }));
    });

    it('adds and removes a final newline exactly', async () => {
      const fx = await taskOn({ 'tail.txt': 'a\nb\nc', 'ends.txt': 'x\ny\n' });
      write(fx.task.dir, { 'tail.txt': 'a\nb\nc\nd', 'ends.txt': 'x\ny' });
      const files = await fx.stage();

      assert.equal(ok(await applyHunk({ hunk: hunksOf(files, 'tail.txt')[0]!, baseText: 'a\nb\nc', currentText: 'a\nb\nc' })).text, 'a\nb\nc\nd');
      assert.equal(ok(await applyHunk({ hunk: hunksOf(files, 'ends.txt')[0]!, baseText: 'x\ny\n', currentText: 'x\ny\n' })).text, 'x\ny');
    });

    it('refuses a hunk that does not fit the base text it is given', async () => {
      const fx = await taskOn({ 'f.txt': base });
      write(fx.task.dir, { 'f.txt': editLines(base, { 40: 'forty' }) });
      const [hunk] = (await fx.stage())[0]!.hunks;
      await assert.rejects(applyHunk({ hunk: hunk!, baseText: numbered(10), currentText: base }), (e: unknown) => e instanceof StageError && e.code === 'hunk-mismatch');
    });
  });

  describe('stale hunks', () => {
    it('a hunk is stale once the engineer changed its lines or the lines around them, not when they moved', async () => {
      const fx = await taskOn({ 'f.txt': base, 'gone.txt': 'g\n' });
      write(fx.task.dir, { 'f.txt': editLines(base, { 30: 'thirty' }) });
      fs.rmSync(path.join(fx.task.dir, 'gone.txt'));
      const files = await fx.stage();
      const hunk = hunksOf(files, 'f.txt')[0]!;
      const gone = hunksOf(files, 'gone.txt')[0]!;

      assert.equal(isStale({ hunk, baseText: base, currentText: base }), false);
      assert.equal(isStale({ hunk, baseText: base, currentText: `new first line\n${editLines(base, { 5: 'five' })}` }), false, 'moved and edited elsewhere');
      assert.equal(isStale({ hunk, baseText: base, currentText: editLines(base, { 30: 'thirty by the engineer' }) }), true);
      assert.equal(isStale({ hunk, baseText: base, currentText: editLines(base, { 28: 'next to it' }) }), true);
      assert.equal(isStale({ hunk, baseText: base, currentText: null }), true);
      assert.equal(isStale({ hunk: gone, baseText: 'g\n', currentText: 'g\n' }), false);
      assert.equal(isStale({ hunk: gone, baseText: 'g\n', currentText: 'g edited\n' }), true);
    });
  });

  describe('undoing an approval', () => {
    it("takes the hunk back out and keeps the engineer's later edits elsewhere", async () => {
      const fx = await taskOn({ 'f.txt': base });
      write(fx.task.dir, { 'f.txt': editLines(base, { 40: 'forty' }) });
      const [hunk] = (await fx.stage())[0]!.hunks;
      const beforeApproval = editLines(base, { 3: 'engineer three' });
      const applied = ok(await applyHunk({ hunk: hunk!, baseText: base, currentText: beforeApproval })).text as string;

      const straight = ok(await unapplyHunk({ hunk: hunk!, appliedText: applied, currentText: applied, baseText: base }));
      assert.equal(straight.text, beforeApproval);

      const later = `${applied}line appended later\n`;
      const merged = ok(await unapplyHunk({ hunk: hunk!, appliedText: applied, currentText: later, baseText: base }));
      assert.equal(merged.text, `${beforeApproval}line appended later\n`);
    });

    it('is a conflict when the engineer changed the approved lines since', async () => {
      const fx = await taskOn({ 'f.txt': base });
      write(fx.task.dir, { 'f.txt': editLines(base, { 40: 'forty' }) });
      const [hunk] = (await fx.stage())[0]!.hunks;
      const applied = ok(await applyHunk({ hunk: hunk!, baseText: base, currentText: base })).text as string;
      const touched = editLines(applied, { 40: 'forty, then edited' });

      const c = conflicted(await unapplyHunk({ hunk: hunk!, appliedText: applied, currentText: touched, baseText: base }));
      assert.equal(c.reason, 'region-changed');
      assert.equal(c.ours, touched);
    });

    it('removes a created file and brings back a deleted one, while untouched', async () => {
      const fx = await taskOn({ 'old.txt': 'old\n' });
      fs.rmSync(path.join(fx.task.dir, 'old.txt'));
      write(fx.task.dir, { 'new.txt': 'new\n' });
      const files = await fx.stage();
      const created = hunksOf(files, 'new.txt')[0]!;
      const deleted = hunksOf(files, 'old.txt')[0]!;

      assert.equal(ok(await unapplyHunk({ hunk: created, appliedText: 'new\n', currentText: 'new\n', baseText: null })).text, null);
      assert.equal(conflicted(await unapplyHunk({ hunk: created, appliedText: 'new\n', currentText: 'new, edited\n', baseText: null })).reason, 'file-changed');
      assert.equal(ok(await unapplyHunk({ hunk: deleted, appliedText: null, currentText: null, baseText: 'old\n' })).text, 'old\n');
      assert.equal(conflicted(await unapplyHunk({ hunk: deleted, appliedText: null, currentText: 'someone else\n', baseText: 'old\n' })).reason, 'file-exists');
    });
  });

  describe('every hunk, in any order', () => {
    it("approving them all gives the agent's file; rejecting them all gives the base back", async () => {
      const fx = await taskOn({ 'f.txt': base });
      // An edit at a line: replace it with some lines (none deletes it), or insert before it.
      const edit = fc.record({
        line: fc.integer({ min: 1, max: 60 }),
        insert: fc.boolean(),
        with: fc.array(fc.constantFrom('alpha', 'beta', 'line 7', ''), { maxLength: 3 }),
      });
      await fc.assert(
        fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 6 }), fc.infiniteStream(fc.nat()), async (edits, order) => {
          const lines = base.split('\n').slice(0, -1).map((l) => [`${l}\n`]);
          for (const e of edits) {
            const added = e.with.map((w) => `${w}\n`);
            lines[e.line - 1] = e.insert ? [...added, ...lines[e.line - 1]!] : added;
          }
          const agent = lines.flat().join('');
          write(fx.task.dir, { 'f.txt': agent });
          const hunks = (await fx.stage()).find((f) => f.path === 'f.txt')?.hunks ?? [];
          const shuffled = (list: Hunk[]) => {
            const rest = [...list];
            const it = order[Symbol.iterator]();
            return list.map(() => rest.splice(it.next().value % rest.length, 1)[0]!);
          };

          let text: string = base;
          for (const hunk of shuffled(hunks)) text = ok(await applyHunk({ hunk, baseText: base, currentText: text })).text as string;
          assert.equal(text, agent);

          for (const hunk of shuffled(hunks)) assert.equal((await revertHunk({ worktreeDir: fx.task.dir, hunk })).ok, true);
          assert.equal(read(fx.task.dir, 'f.txt'), base);
        }),
        { numRuns: 25 },
      );
    });
  });

  describe('rejecting a hunk', () => {
    it('reverts only that hunk in the worktree; the other keeps its id', async () => {
      const fx = await taskOn({ 'f.txt': base });
      write(fx.task.dir, { 'f.txt': editLines(base, { 10: 'ten\nplus one', 40: 'forty' }) });
      const files = await fx.stage();
      const ten = lineHunkAt(files, 'f.txt', 10);
      const forty = lineHunkAt(files, 'f.txt', 40);

      const result = await revertHunk({ worktreeDir: fx.task.dir, hunk: ten });

      assert.deepEqual(result, { ok: true, action: 'lines-reverted', path: 'f.txt' });
      assert.equal(read(fx.task.dir, 'f.txt'), editLines(base, { 40: 'forty' }));
      assert.deepEqual(hunksOf(await fx.stage(), 'f.txt').map((h) => h.id), [forty.id]);
      assert.deepEqual(await revertHunk({ worktreeDir: fx.task.dir, hunk: ten }), { ok: true, action: 'lines-reverted', path: 'f.txt', already: true });
    });

    it('reports, and changes nothing, when the agent changed the region again', async () => {
      const fx = await taskOn({ 'f.txt': base });
      write(fx.task.dir, { 'f.txt': editLines(base, { 40: 'forty' }) });
      const [hunk] = (await fx.stage())[0]!.hunks;
      const again = editLines(base, { 40: 'forty, second try' });
      write(fx.task.dir, { 'f.txt': again });

      const result = await revertHunk({ worktreeDir: fx.task.dir, hunk: hunk! });

      assert.equal(result.ok, false);
      assert.equal(!result.ok && result.reason, 'region-changed');
      assert.equal(read(fx.task.dir, 'f.txt'), again);
    });

    it('deletes a created file and restores a deleted one, leaving the index alone', async () => {
      const fx = await taskOn({ 'docs/old.md': '# old\n', 'keep.txt': 'k\n' });
      fs.rmSync(path.join(fx.task.dir, 'docs/old.md'));
      write(fx.task.dir, { 'new/deep/file.ts': 'export {};\n' });
      const files = await fx.stage();
      const indexBefore = sh(fx.task.dir, 'ls-files', '--stage');

      assert.deepEqual(await revertHunk({ worktreeDir: fx.task.dir, hunk: hunksOf(files, 'new/deep/file.ts')[0]! }), { ok: true, action: 'file-deleted', path: 'new/deep/file.ts' });
      assert.ok(!fs.existsSync(path.join(fx.task.dir, 'new')), 'the folders it leaves empty go too');
      assert.deepEqual(await revertHunk({ worktreeDir: fx.task.dir, hunk: hunksOf(files, 'docs/old.md')[0]! }), { ok: true, action: 'file-restored', path: 'docs/old.md' });
      assert.equal(read(fx.task.dir, 'docs/old.md'), '# old\n');
      assert.equal(sh(fx.task.dir, 'ls-files', '--stage'), indexBefore);
      assert.equal(sh(fx.task.dir, 'status', '--porcelain'), '', 'the worktree is back to its base');
    });

    it('restores a binary file, a mode and a rename', async function () {
      if (process.platform === 'win32') this.skip();
      const bytes = Buffer.from([0, 1, 2, 3, 0, 5]);
      const fx = await taskOn({ 'img.bin': bytes, 'run.sh': 'echo\n', 'from/here.txt': numbered(20) });
      write(fx.task.dir, { 'img.bin': Buffer.from([0, 0, 0]) });
      fs.chmodSync(path.join(fx.task.dir, 'run.sh'), 0o755);
      fs.mkdirSync(path.join(fx.task.dir, 'to'));
      fs.renameSync(path.join(fx.task.dir, 'from/here.txt'), path.join(fx.task.dir, 'to/there.txt'));
      const files = await fx.stage();

      const img = hunksOf(files, 'img.bin')[0] as FileHunk;
      assert.deepEqual(await revertHunk({ worktreeDir: fx.task.dir, hunk: img }), { ok: true, action: 'file-restored', path: 'img.bin' });
      assert.ok(fs.readFileSync(path.join(fx.task.dir, 'img.bin')).equals(bytes));
      assert.deepEqual(await revertHunk({ worktreeDir: fx.task.dir, hunk: hunksOf(files, 'run.sh')[0]! }), { ok: true, action: 'mode-restored', path: 'run.sh' });
      assert.equal(fs.statSync(path.join(fx.task.dir, 'run.sh')).mode & 0o111, 0);
      assert.deepEqual(await revertHunk({ worktreeDir: fx.task.dir, hunk: hunksOf(files, 'to/there.txt')[0]! }), { ok: true, action: 'rename-undone', path: 'from/here.txt' });
      assert.equal(sh(fx.task.dir, 'status', '--porcelain'), '');
    });

    it('refuses paths that leave the worktree', async function () {
      const fx = await taskOn({ 'f.txt': base });
      write(fx.task.dir, { 'f.txt': editLines(base, { 40: 'forty' }) });
      const [hunk] = (await fx.stage())[0]!.hunks;
      const isUnsafe = (e: unknown) => e instanceof StageError && e.code === 'unsafe-path';

      await assert.rejects(revertHunk({ worktreeDir: fx.task.dir, hunk: { ...hunk!, path: '../f.txt' } }), isUnsafe);
      await assert.rejects(revertHunk({ worktreeDir: fx.task.dir, hunk: { ...hunk!, path: '.git/config' } }), isUnsafe);
      if (process.platform === 'win32') return;
      const outside = folder('outside');
      fs.writeFileSync(path.join(outside, 'f.txt'), editLines(base, { 40: 'forty' }));
      fs.symlinkSync(outside, path.join(fx.task.dir, 'escape'));
      await assert.rejects(revertHunk({ worktreeDir: fx.task.dir, hunk: { ...hunk!, path: 'escape/f.txt' } }), isUnsafe);
      assert.equal(read(outside, 'f.txt'), editLines(base, { 40: 'forty' }), 'nothing outside was touched');
    });
  });
});
