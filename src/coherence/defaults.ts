/** What the editor needs of coherence before the engine loads: where the notes are looked for by default. */
export const DEFAULT_NOTES: readonly string[] = ['ARCHITECTURE.md', '**/ARCHITECTURE.md', 'docs/adr/*.md'];
