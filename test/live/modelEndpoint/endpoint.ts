/**
 * The scripted model endpoint: a real HTTP server on 127.0.0.1 that speaks Anthropic's Messages API,
 * OpenAI's Responses API and Gemini's generateContent / streamGenerateContent, streaming as the real
 * services do. Each request of an agent's main loop (one that offers tools) is answered with the next
 * turn of the test's script; what else a CLI asks for on the side (a title for the session, a
 * "who speaks next" check, token counts, start-up look-ups) gets a plain answer that uses no turn.
 * Every request is recorded, so a test can assert what reached the model.
 *
 * Test tooling only: nothing here ships with the extension.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as anthropic from './anthropic';
import * as gemini from './gemini';
import * as openai from './openai';
import type { ModelTurn } from './script';
import { SseStream } from './sse';

export type Api = 'anthropic' | 'openai' | 'gemini' | 'other';

export interface RecordedRequest {
  no: number;
  api: Api;
  method: string;
  path: string;
  body: Record<string, unknown>;
  /** A request of the agent's main loop (it offered tools), answered with a turn of the script. */
  main: boolean;
  /** The script's turn that answered it. */
  turn?: string;
  /** The agent hung up before the answer was complete. */
  aborted: boolean;
  /** The answer was sent to its end. */
  finished: boolean;
}

export class ModelEndpoint {
  readonly requests: RecordedRequest[] = [];
  private server?: Server;
  private turns: (ModelTurn | (() => ModelTurn))[] = [];
  private readonly waiters: (() => void)[] = [];
  private readonly open = new Set<ServerResponse>();

  /** Starts listening on a free port of 127.0.0.1. */
  async start(): Promise<this> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    return this;
  }

  /** http://127.0.0.1:PORT */
  get url(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('The model endpoint is not listening.');
    return `http://127.0.0.1:${address.port}`;
  }

  /**
   * Replaces the script: the next main-loop requests are answered with these turns, in order. A
   * function is called when its turn comes (for what is known only then, such as the agent's folder).
   */
  play(turns: (ModelTurn | (() => ModelTurn))[]): void {
    this.turns = [...turns];
  }

  /** How many turns of the script are not played yet. */
  get unplayed(): number {
    return this.turns.length;
  }

  mainRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.main);
  }

  /** Resolves once a recorded request satisfies `check` (rejects after `ms`). */
  async until(check: (r: RecordedRequest) => boolean, what: string, ms = 60_000): Promise<RecordedRequest> {
    const deadline = Date.now() + ms;
    for (;;) {
      const hit = this.requests.find(check);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`timed out waiting for the model endpoint to see ${what}; it saw: ${this.requests.map((r) => `${r.method} ${r.path}${r.turn ? ` (${r.turn})` : ''}`).join(', ')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async close(): Promise<void> {
    for (const res of this.open) res.destroy();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private changed(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.open.add(res);
    res.once('close', () => this.open.delete(res));
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const raw = await readBody(req);
    let body: Record<string, unknown> = {};
    try {
      const parsed: unknown = raw ? JSON.parse(raw) : {};
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
    } catch {
      body = { unparsed: raw.slice(0, 2000) };
    }
    const record: RecordedRequest = { no: this.requests.length + 1, api: 'other', method: req.method ?? 'GET', path: url.pathname, body, main: false, aborted: false, finished: false };
    this.requests.push(record);
    this.changed();
    try {
      await this.answer(record, url, req, res);
    } finally {
      this.changed();
    }
  }

  private async answer(record: RecordedRequest, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { body } = record;
    const p = url.pathname;
    if (record.method === 'POST' && /\/v1\/messages$/.test(p)) {
      record.api = 'anthropic';
      const model = typeof body.model === 'string' ? body.model : 'claude-scripted';
      record.main = anthropic.isMainLoop(body);
      const turn = record.main ? this.nextTurn(record) : sideTurn('Scripted side answer');
      if (body.stream === true) return this.stream(record, req, res, (out) => anthropic.streamTurn(turn, model, out));
      return this.json(record, res, anthropic.message(turn, model));
    }
    if (record.method === 'POST' && /\/v1\/messages\/count_tokens$/.test(p)) {
      record.api = 'anthropic';
      return this.json(record, res, { input_tokens: 100 });
    }
    if (record.method === 'POST' && /\/responses$/.test(p)) {
      record.api = 'openai';
      const model = typeof body.model === 'string' ? body.model : 'gpt-scripted';
      record.main = openai.isMainLoop(body);
      const turn = record.main ? this.nextTurn(record) : sideTurn('Scripted side answer');
      return this.stream(record, req, res, (out) => openai.streamTurn(turn, model, out));
    }
    const g = /\/models\/([^/:]+):(streamGenerateContent|generateContent|countTokens)$/.exec(p);
    if (record.method === 'POST' && g) {
      record.api = 'gemini';
      const [, model, method] = g as unknown as [string, string, string];
      if (method === 'countTokens') return this.json(record, res, { totalTokens: 100 });
      record.main = gemini.isMainLoop(body);
      const turn = record.main ? this.nextTurn(record) : gemini.sideTurn(body);
      if (method === 'streamGenerateContent') return this.stream(record, req, res, (out) => gemini.streamTurn(turn, model, out));
      return this.json(record, res, gemini.response(turn, model));
    }
    // Anything else a CLI looks up on start-up (model lists, feature flags…): nothing here.
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: `The scripted model endpoint has nothing at ${record.method} ${p}.` } }));
    record.finished = true;
  }

  private nextTurn(record: RecordedRequest): ModelTurn {
    const next = this.turns.shift();
    const turn = (typeof next === 'function' ? next() : next) ?? sideTurn('(The script has no more turns.)', 'unscripted');
    record.turn = turn.label;
    return turn;
  }

  private async stream(record: RecordedRequest, req: IncomingMessage, res: ServerResponse, play: (out: SseStream) => Promise<void>): Promise<void> {
    const out = new SseStream(req, res);
    try {
      await play(out);
    } finally {
      record.aborted = out.aborted;
      record.finished = !out.aborted;
      out.end();
    }
  }

  private json(record: RecordedRequest, res: ServerResponse, value: unknown): void {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(value));
    record.finished = true;
  }
}

function sideTurn(said: string, label = 'side'): ModelTurn {
  return { label, steps: [{ text: said }], usage: { input: 0, output: 0 } };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}
