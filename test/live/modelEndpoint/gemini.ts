/**
 * Gemini's generateContent API as Gemini CLI uses it (`POST …/models/{model}:streamGenerateContent
 * ?alt=sse`): a stream of GenerateContentResponse objects, text parts as they come, a functionCall
 * part per tool call, and the last one with the finish reason and usageMetadata.
 */
import { pieces, type ModelTurn } from './script';
import type { SseStream } from './sse';

export function isMainLoop(body: Record<string, unknown>): boolean {
  return Array.isArray(body.tools) && body.tools.length > 0;
}

/**
 * The answer to a request outside the main loop: Gemini CLI asks, in JSON mode, whether the model or
 * the user speaks next (and similar checks). The user does, so the turn ends where the script says.
 */
export function sideTurn(body: Record<string, unknown>): ModelTurn {
  const config = (body.generationConfig ?? body.config ?? {}) as Record<string, unknown>;
  const schema = config.responseJsonSchema ?? config.responseSchema;
  const json = config.responseMimeType === 'application/json' || schema !== undefined;
  const said = json ? JSON.stringify(schema ? valueFor(schema, '') : { next_speaker: 'user' }) : 'Scripted side answer';
  return { label: 'side', steps: [{ text: said }], usage: { input: 0, output: 0 } };
}

/**
 * A small value that fits a JSON schema (Gemini's or JSON Schema's spelling of types): the lowest
 * score, the first choice, and "user" wherever the CLI asks who speaks next.
 */
function valueFor(schema: unknown, name: string): unknown {
  const s = (schema ?? {}) as { type?: unknown; enum?: unknown[]; properties?: Record<string, unknown>; items?: unknown };
  if (name === 'next_speaker') return 'user';
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  switch (String(s.type ?? 'object').toLowerCase()) {
    case 'string':
      return 'scripted';
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return false;
    case 'array':
      return [];
    default:
      return Object.fromEntries(Object.entries(s.properties ?? {}).map(([key, sub]) => [key, valueFor(sub, key)]));
  }
}

function usageMetadata(turn: ModelTurn): Record<string, number> {
  const usage = turn.usage ?? { input: 0, output: 0 };
  return { promptTokenCount: usage.input, candidatesTokenCount: usage.output, totalTokenCount: usage.input + usage.output };
}

export async function streamTurn(turn: ModelTurn, model: string, out: SseStream): Promise<void> {
  const chunk = (parts: unknown[], last: boolean): Record<string, unknown> => ({
    candidates: [{ content: { role: 'model', parts }, index: 0, ...(last ? { finishReason: 'STOP' } : {}) }],
    ...(last ? { usageMetadata: usageMetadata(turn) } : {}),
    modelVersion: model,
  });
  if (turn.stall) {
    await out.stall();
    return;
  }
  const steps = turn.steps;
  for (const [i, step] of steps.entries()) {
    const last = i === steps.length - 1;
    if ('text' in step) {
      const texts = pieces(step.text, turn.chunks ?? 1);
      for (const [j, piece] of texts.entries()) {
        await out.pause(turn.chunkMs ?? 0);
        out.send(chunk([{ text: piece }], last && j === texts.length - 1));
      }
    } else {
      out.send(chunk([{ functionCall: { ...(step.id ? { id: step.id } : {}), name: step.tool, args: step.input } }], last));
    }
  }
  if (steps.length === 0) out.send(chunk([{ text: '' }], true));
}

/** A whole response (for generateContent). */
export function response(turn: ModelTurn, model: string): Record<string, unknown> {
  const parts = turn.steps.map((s) => ('text' in s ? { text: s.text } : { functionCall: { name: s.tool, args: s.input } }));
  return { candidates: [{ content: { role: 'model', parts }, index: 0, finishReason: 'STOP' }], usageMetadata: usageMetadata(turn), modelVersion: model };
}
