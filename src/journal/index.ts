/** Append-only JSONL journals, one per session: writing, reading, crash recovery, locking and the session index. */
export { ensureJournalFolder, journalPath, listJournals, assertSessionId, type JournalFileInfo } from './folder';
export { JournalLockedError, type LockOwner } from './lock';
export type { JournalProblem, JournalProblemKind, TornTail } from './problems';
export { loadJournal, readJournal, scanJournal, type JournalReadResult, type JournalScan, type ScanOptions } from './reader';
export { loadSessionIndex, rebuildSessionIndex, summarizeJournal, SessionIndex, INDEX_VERSION, type SessionIndexResult, type SessionSummary } from './sessionIndex';
export { JournalWriteError, JournalWriter, type JournalWriterOptions, type RecoveryReport, type WriterStats } from './writer';
