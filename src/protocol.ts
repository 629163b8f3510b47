/**
 * The host ⇄ webview protocol: every message is declared once here, with a zod schema, and shared by
 * both sides. The host validates every message that arrives from the webview (`parseFromWebview`) and
 * answers a message that does not validate with an `error` message, never by acting on it. The
 * webview never changes its state except by reducing the events the host posts.
 *
 * This file imports nothing but zod, so the webview bundle can import it.
 */
import { z } from 'zod';

export const PROTOCOL_VERSION = 1;

// ── webview → host ──────────────────────────────────────────────────────────────────────────────
const Ready = z.object({ type: z.literal('ready'), protocol: z.number().int() }).strict();
const OpenJournal = z.object({ type: z.literal('openJournal') }).strict();
const RevealJournalFolder = z.object({ type: z.literal('revealJournalFolder') }).strict();
const ReportError = z
  .object({ type: z.literal('reportError'), message: z.string().max(10_000), stack: z.string().max(20_000).optional() })
  .strict();

export const FromWebview = z.discriminatedUnion('type', [Ready, OpenJournal, RevealJournalFolder, ReportError]);
export type FromWebview = z.infer<typeof FromWebview>;

// ── host → webview ──────────────────────────────────────────────────────────────────────────────
/** Where the events shown come from, for the header. */
export interface SourceInfo {
  /** Folder the sessions were read from. */
  folder: string;
  /** Human label: "Workspace journals" or the name of an opened journal. */
  label: string;
  /** True when this window may not write the journals (another window holds the writer lock). */
  readOnly: boolean;
}

export type ToWebview =
  /** Forget everything shown: a new source follows. `total` events will arrive in `events` batches. */
  | { type: 'reset'; source: SourceInfo; total: number }
  /** Events to reduce, in journal order per session. */
  | { type: 'events'; events: unknown[] }
  /** Problems the host met reading the source (a torn or corrupt journal…), shown as a banner. */
  | { type: 'problems'; problems: string[] }
  /** A message the webview sent did not validate or failed. */
  | { type: 'error'; message: string };

export type ParseResult = { ok: true; message: FromWebview } | { ok: false; error: string };

/** Validates a message from the webview; the error says which field was wrong. */
export function parseFromWebview(raw: unknown): ParseResult {
  const result = FromWebview.safeParse(raw);
  if (result.success) return { ok: true, message: result.data };
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  const type = typeof raw === 'object' && raw !== null && 'type' in raw ? JSON.stringify((raw as { type: unknown }).type) : 'without a type';
  return { ok: false, error: `Podium ignored a webview message ${type}: ${issue?.message ?? 'invalid'}${where}` };
}
