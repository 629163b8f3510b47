// Counts words in notes. Pure: no I/O.

export function countWords(text) {
  return text.split(/\s+/).filter(Boolean).length;
}

export function tally(notes) {
  let total = 0;
  for (const note of notes) {
    total += countWords(note.body);
  }
  return { notes: notes.length, words: total };
}
