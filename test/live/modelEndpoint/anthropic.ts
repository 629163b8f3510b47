/**
 * Anthropic's Messages API as Claude Code uses it (`POST /v1/messages`, streamed): message_start,
 * one content block per step (text deltas, or a tool_use whose input arrives as JSON deltas),
 * message_delta with the stop reason and usage, message_stop. Usage goes in message_start (input)
 * and message_delta (output), as the real API reports it.
 */
import { randomBytes } from 'node:crypto';
import { pieces, type ModelTurn } from './script';
import type { SseStream } from './sse';

const id = (prefix: string): string => `${prefix}_${randomBytes(12).toString('hex')}`;

/**
 * A request of the agent loop: it offers tools, and is not one of Claude Code's side questions that
 * reuse the loop's tools (the "suggest what the user types next" request starts "[SUGGESTION MODE").
 */
export function isMainLoop(body: Record<string, unknown>): boolean {
  if (!Array.isArray(body.tools) || body.tools.length === 0) return false;
  const messages = Array.isArray(body.messages) ? (body.messages as { role?: string; content?: unknown }[]) : [];
  const last = messages[messages.length - 1];
  const said = typeof last?.content === 'string' ? last.content : Array.isArray(last?.content) ? String((last.content[0] as { text?: unknown } | undefined)?.text ?? '') : '';
  return !/^\[SUGGESTION MODE/.test(said);
}

export async function streamTurn(turn: ModelTurn, model: string, out: SseStream): Promise<void> {
  const usage = turn.usage ?? { input: 0, output: 0 };
  out.send({
    type: 'message_start',
    message: {
      id: id('msg'), type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null,
      usage: { input_tokens: usage.input, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    },
  }, 'message_start');
  if (turn.stall) return out.stall();
  let index = 0;
  let usedTool = false;
  for (const step of turn.steps) {
    if ('text' in step) {
      out.send({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } }, 'content_block_start');
      for (const piece of pieces(step.text, turn.chunks ?? 1)) {
        await out.pause(turn.chunkMs ?? 0);
        out.send({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } }, 'content_block_delta');
      }
    } else {
      usedTool = true;
      out.send({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: step.id ?? id('toolu'), name: step.tool, input: {} } }, 'content_block_start');
      out.send({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(step.input) } }, 'content_block_delta');
    }
    out.send({ type: 'content_block_stop', index }, 'content_block_stop');
    index += 1;
  }
  out.send({ type: 'message_delta', delta: { stop_reason: usedTool ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: usage.output } }, 'message_delta');
  out.send({ type: 'message_stop' }, 'message_stop');
}

/** A whole message (for a request that did not ask to stream). */
export function message(turn: ModelTurn, model: string): Record<string, unknown> {
  const usage = turn.usage ?? { input: 0, output: 0 };
  const content = turn.steps.map((s) => ('text' in s ? { type: 'text', text: s.text } : { type: 'tool_use', id: s.id ?? id('toolu'), name: s.tool, input: s.input }));
  return {
    id: id('msg'), type: 'message', role: 'assistant', model, content,
    stop_reason: content.some((c) => c.type === 'tool_use') ? 'tool_use' : 'end_turn', stop_sequence: null,
    usage: { input_tokens: usage.input, output_tokens: usage.output, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  };
}
