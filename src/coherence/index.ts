/**
 * The coherence engine, as the conductor and the command line load it: a separate bundle
 * (dist/coherence.js), loaded on first use, so the parsers cost nothing until a change is checked.
 */
export { rulesDigest } from './brief';
export { checkChange, type ChangedFile, type CheckInput, type Finding, type GraphView, type ImportReader } from './check';
export { DEFAULT_NOTES, findNotes, loadRules } from './notes';
export { emptyRuleSet, type NotesProblem, type RuleSet } from './rules';
export { createImportReader, languageOf, type RootImportReader } from './imports';
export { CoherenceChecker, type ChangeToCheck, type CheckerOptions } from './engine';
