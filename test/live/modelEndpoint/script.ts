/**
 * What a scripted model says: a list of turns, each played in answer to one request of the agent's
 * main loop, in whichever wire format the agent speaks. A turn is API-neutral: text, tool calls in the
 * agent's own tool names, the usage to report, and how to stream it (in chunks, slowly, or stalling).
 */

export type Step =
  | { text: string }
  | { tool: string; input: Record<string, unknown>; id?: string };

export interface ModelTurn {
  /** Named in failure messages and in the request log. */
  label: string;
  steps: Step[];
  /** Tokens the turn reports (the agent's ledger must show exactly these). */
  usage?: { input: number; output: number };
  /** Each text step is streamed in this many pieces (default 1)… */
  chunks?: number;
  /** …this many milliseconds apart (default 0). */
  chunkMs?: number;
  /** Start the answer, then send nothing more until the agent hangs up. */
  stall?: boolean;
}

export const text = (t: string): Step => ({ text: t });
export const tool = (name: string, input: Record<string, unknown>, id?: string): Step => (id ? { tool: name, input, id } : { tool: name, input });

/** The text of a step split into `n` pieces of about equal length (never an empty piece). */
export function pieces(t: string, n: number): string[] {
  const count = Math.max(1, Math.min(n, t.length));
  const size = Math.ceil(t.length / count);
  const out: string[] = [];
  for (let i = 0; i < t.length; i += size) out.push(t.slice(i, i + size));
  return out.length > 0 ? out : [''];
}
