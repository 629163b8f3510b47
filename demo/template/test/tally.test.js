import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countWords, tally } from '../src/core/tally.js';

test('counts words', () => {
  assert.equal(countWords('one two  three'), 3);
});

test('tallies notes', () => {
  assert.deepEqual(tally([{ body: 'a b' }, { body: 'c' }]), { notes: 2, words: 3 });
});
