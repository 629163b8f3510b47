// What the project's tests need besides its sources: the .env, node_modules and generated code.
// In a Podium task worktree they come from podium.worktrees.carry and podium.worktrees.setup.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sampleNotes } from 'tally-fixtures';
import { tally } from '../src/core/tally.js';
import { STOPWORDS } from '../src/generated/stopwords.js';

test('runs with the project .env', () => {
  assert.equal(process.env.TALLY_ENV, 'test');
});

test('tallies the sample notes from node_modules', () => {
  assert.deepEqual(tally(sampleNotes), { notes: 3, words: 14 });
});

test('has the generated stopword list', () => {
  assert.ok(STOPWORDS.has('the'));
});
