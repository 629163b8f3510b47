import assert from 'node:assert/strict';
import { fold } from '../../src/score';
describe('smoke', () => { it('folds nothing into an empty score', () => { assert.equal(fold([]).eventCount, 0); }); });
