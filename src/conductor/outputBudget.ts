/**
 * How much text one session may put on the score and into its journal. An agent that streams without
 * end (a runaway loop printing a log, 200 MB of "message") would otherwise grow the journal, the
 * writer's buffer and every score that loads it without bound. Past the budget its text events are
 * dropped and one notice says so; everything else (tool calls, files, permissions, its end) goes on.
 */
import type { EventBody } from '../score';

/** Text bytes one session keeps (messages, thoughts and output together). */
export const SESSION_TEXT_BUDGET = 16 * 1024 * 1024;

export class OutputBudget {
  private used = 0;
  private clipped = false;

  constructor(private readonly budget = SESSION_TEXT_BUDGET) {}

  /**
   * What to journal for `body`: the body itself, nothing (past the budget), or, the first time the
   * budget runs out, the notice that says so.
   */
  admit(body: EventBody): EventBody | undefined {
    if (body.type !== 'agent.message' && body.type !== 'agent.thought' && body.type !== 'agent.output') return body;
    if (this.clipped) return undefined;
    // UTF-16 length is within a factor of three of the bytes, and far cheaper on a flood.
    this.used += body.text.length;
    if (this.used <= this.budget) return body;
    this.clipped = true;
    const mb = Math.round(this.budget / (1024 * 1024));
    return {
      type: 'notice',
      level: 'warning',
      code: 'output-clipped',
      text: `Output clipped: the agent sent more than ${mb} MB of text in this session. Podium keeps the first ${mb} MB on the score and in the journal and drops the rest; the agent plays on.`,
    };
  }
}
