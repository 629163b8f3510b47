import { tally } from '../core/tally.js';

export function renderSummary(notes) {
  const { notes: count, words } = tally(notes);
  return `${count} notes, ${words} words`;
}
