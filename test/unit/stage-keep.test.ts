/**
 * Kept content: what undoing an approval needs survives a reload and `git gc --prune=now`, byte for
 * byte, and goes when the task is closed.
 */
import assert from 'node:assert/strict';
import { keepContent, keptRef, readKept, releaseKept } from '../../src/stage/keep';
import { gitSandbox } from '../fixtures/gitRepo';

const git = gitSandbox('podium-keep-');

describe('kept content', () => {
  before(() => git.setUp());
  after(() => git.tearDown());

  it('reads back text and bytes exactly as kept, even after git gc prunes everything unreferenced', async () => {
    const repo = git.repoWith({ 'a.txt': 'a\n', '.gitattributes': '* text=auto eol=crlf\n' });
    const text = 'line one\r\nline two\nno final newline';
    const bytes = Buffer.from([0, 1, 2, 255, 13, 10, 0x80]);
    const t = await keepContent(repo, keptRef('task-1', 'h1'), text);
    const b = await keepContent(repo, keptRef('task-1', 'h2'), bytes);
    assert.equal(await keepContent(repo, keptRef('task-1', 'h3'), null), null, 'nothing to keep for a deleted file');
    git.sh(repo, 'gc', '--quiet', '--prune=now');
    assert.equal((await readKept(repo, t!)).toString('utf8'), text, 'no line-ending conversion, whatever .gitattributes says');
    assert.deepEqual(await readKept(repo, b!), bytes);
  });

  it('drops every ref of a task on release, and only that task\'s', async () => {
    const repo = git.repoWith({ 'a.txt': 'a\n' });
    await keepContent(repo, keptRef('task-1', 'h1'), 'one');
    await keepContent(repo, keptRef('task-1', 'h2'), 'two');
    await keepContent(repo, keptRef('task-10', 'h1'), 'other task');
    assert.equal(await releaseKept(repo, 'task-1'), 2);
    assert.deepEqual(git.sh(repo, 'for-each-ref', '--format=%(refname)', 'refs/podium/').trim().split('\n'), ['refs/podium/kept/task-10/h1']);
    assert.equal(await releaseKept(repo, 'task-1'), 0);
  });

  it('refuses names that are not plain ref parts, and ids that are not object ids', async () => {
    assert.throws(() => keptRef('../x', 'h'), /cannot name a kept ref/);
    assert.throws(() => keptRef('t', 'a/b'), /cannot name a kept ref/);
    const repo = git.repoWith({ 'a.txt': 'a\n' });
    await assert.rejects(readKept(repo, 'HEAD'), /not a git object id/);
    await assert.rejects(readKept(repo, 'f'.repeat(40)), /git/);
  });
});
