import assert from 'node:assert/strict';
import { readFileAtCommit } from '../../src/stage/blobs';
import { readPathAtCommit } from '../../src/stage/catFile';
import { gitSandbox } from '../fixtures/gitRepo';

// Real git in temporary folders, kept away from the machine's git configuration (see test/fixtures/gitRepo.ts).
const git = gitSandbox('podium-catfile-');

describe('stage: reading files at a commit through one git cat-file', function () {
  this.timeout(30_000);

  before(() => git.setUp());
  after(() => git.tearDown());

  it('answers many reads at once, each with its own file, byte for byte', async () => {
    const files: Record<string, string | Buffer> = { 'bin.dat': Buffer.from([0, 10, 255, 13, 10, 0]), 'with space.txt': 'spaced\n', 'empty.txt': '' };
    for (let i = 0; i < 50; i++) files[`src/f${i}.js`] = `export const v = ${i};\n`.repeat(i + 1);
    const repo = git.repoWith(files);
    const head = git.sh(repo, 'rev-parse', 'HEAD').trim();
    const texts = await Promise.all(Array.from({ length: 50 }, (_, i) => readFileAtCommit(repo, head, `src/f${i}.js`)));
    texts.forEach((t, i) => assert.equal(t, `export const v = ${i};\n`.repeat(i + 1)));
    assert.deepEqual(await readPathAtCommit(repo, head, 'bin.dat'), Buffer.from([0, 10, 255, 13, 10, 0]));
    assert.equal(await readFileAtCommit(repo, head, 'with space.txt'), 'spaced\n');
    assert.equal(await readFileAtCommit(repo, head, 'empty.txt'), '');
  });

  it('says null for a path or a commit the repository does not have, and goes on answering', async () => {
    const repo = git.repoWith({ 'a.txt': 'a\n' });
    const head = git.sh(repo, 'rev-parse', 'HEAD').trim();
    assert.equal(await readFileAtCommit(repo, head, 'missing.txt'), null);
    assert.equal(await readFileAtCommit(repo, '0123456789012345678901234567890123456789', 'a.txt'), null);
    assert.equal(await readFileAtCommit(repo, head, 'a.txt'), 'a\n');
  });

  it('reads a path with a line break in it too', async () => {
    const repo = git.repoWith({ 'odd\nname.txt': 'odd\n' });
    const head = git.sh(repo, 'rev-parse', 'HEAD').trim();
    assert.equal(await readFileAtCommit(repo, head, 'odd\nname.txt'), 'odd\n');
  });
});
