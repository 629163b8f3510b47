/**
 * OpenAI's Responses API as Codex uses it (`POST …/responses`, streamed): response.created, then per
 * step an output item (an assistant message whose text arrives as deltas, or a function call with
 * its arguments as a JSON string), each closed by response.output_item.done, and response.completed
 * with the usage.
 */
import { randomBytes } from 'node:crypto';
import { pieces, type ModelTurn } from './script';
import type { SseStream } from './sse';

const id = (prefix: string): string => `${prefix}_${randomBytes(12).toString('hex')}`;

export function isMainLoop(body: Record<string, unknown>): boolean {
  return Array.isArray(body.tools) && body.tools.length > 0;
}

/** Tools Codex offers as free-form ("custom") tools: their input is the raw text, not JSON. */
function isCustomTool(name: string, input: Record<string, unknown>): boolean {
  return name === 'apply_patch' && typeof input.input === 'string' && Object.keys(input).length === 1;
}

export async function streamTurn(turn: ModelTurn, model: string, out: SseStream): Promise<void> {
  const responseId = id('resp');
  let seq = 0;
  const send = (type: string, fields: Record<string, unknown>): void => out.send({ type, sequence_number: seq++, ...fields }, type);
  const shell = { id: responseId, object: 'response', created_at: Math.floor(Date.now() / 1000), model, status: 'in_progress', output: [] as unknown[] };
  send('response.created', { response: shell });
  if (turn.stall) return out.stall();
  const output: unknown[] = [];
  for (const [index, step] of turn.steps.entries()) {
    if ('text' in step) {
      const itemId = id('msg');
      send('response.output_item.added', { output_index: index, item: { type: 'message', id: itemId, role: 'assistant', status: 'in_progress', content: [] } });
      send('response.content_part.added', { output_index: index, item_id: itemId, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } });
      for (const piece of pieces(step.text, turn.chunks ?? 1)) {
        await out.pause(turn.chunkMs ?? 0);
        send('response.output_text.delta', { output_index: index, item_id: itemId, content_index: 0, delta: piece });
      }
      send('response.output_text.done', { output_index: index, item_id: itemId, content_index: 0, text: step.text });
      const item = { type: 'message', id: itemId, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: step.text, annotations: [] }] };
      send('response.output_item.done', { output_index: index, item });
      output.push(item);
    } else {
      const callId = step.id ?? id('call');
      const item = isCustomTool(step.tool, step.input)
        ? { type: 'custom_tool_call', id: id('ctc'), call_id: callId, name: step.tool, input: step.input.input, status: 'completed' }
        : { type: 'function_call', id: id('fc'), call_id: callId, name: step.tool, arguments: JSON.stringify(step.input), status: 'completed' };
      send('response.output_item.added', { output_index: index, item: { ...item, status: 'in_progress' } });
      send('response.output_item.done', { output_index: index, item });
      output.push(item);
    }
  }
  const usage = turn.usage ?? { input: 0, output: 0 };
  send('response.completed', {
    response: {
      ...shell, status: 'completed', output,
      usage: {
        input_tokens: usage.input, input_tokens_details: { cached_tokens: 0 },
        output_tokens: usage.output, output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: usage.input + usage.output,
      },
    },
  });
}
