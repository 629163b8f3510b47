/**
 * Small pieces the CLI adapters (Claude Code, Codex, plain command) share: a promise that can be
 * settled from outside, abort-aware waiting, argv flags an adapter cannot work without, bounded
 * reporting of lines that are not protocol messages, and the words for how a process ended.
 */
import type { EventBody } from '../score/events';
import type { ExitInfo } from './adapter';

/** A promise with its settle functions, for results that arrive on another code path. */
export class Deferred<T> {
  readonly promise: Promise<T>;
  resolve!: (value: T) => void;
  reject!: (reason: unknown) => void;
  settled = false;

  constructor() {
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolve = (v) => {
        if (this.settled) return;
        this.settled = true;
        resolve(v);
      };
      this.reject = (e) => {
        if (this.settled) return;
        this.settled = true;
        reject(e);
      };
    });
    // A rejection nobody awaits yet (a turn nobody is waiting on) must not crash the host.
    this.promise.catch(() => {});
  }
}

/** The promise's value, or null as soon as `signal` aborts. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | null> {
  if (signal.aborted) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => resolve(null);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string') {
    return (err as { message: string }).message;
  }
  return String(err);
}

export function lastLines(text: string, n: number): string {
  return text.trim().split('\n').slice(-n).join('\n').trim();
}

export function stripUndefined<T extends object>(o: T): T {
  const out = {} as T;
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/** "exit code 3" or "killed by SIGTERM". */
export function exitHow(info: Pick<ExitInfo, 'code' | 'signal'>): string {
  return info.signal ? `killed by ${info.signal}` : `exit code ${info.code}`;
}

/**
 * `argv` with every flag group of `required` that it lacks appended (a group is a flag and its value,
 * or a flag alone; `aliases` lists other spellings that count as present). The profile may give its
 * own flags; these are the ones without which the adapter cannot speak to the program at all.
 */
export function withRequiredFlags(argv: readonly string[], required: readonly { flag: string[]; aliases?: string[] }[]): string[] {
  const out = [...argv];
  for (const group of required) {
    const name = group.flag[0]!;
    const spellings = [name, ...(group.aliases ?? [])];
    const present = out.some((a, i) => i > 0 && spellings.some((s) => a === s || a.startsWith(`${s}=`)));
    if (!present) out.push(...group.flag);
  }
  return out;
}

/** After this many malformed lines, further ones are counted, not shown one by one. */
export const MAX_MALFORMED_SHOWN = 20;

/**
 * Reports lines on an agent's protocol stream that are not protocol messages: each as an `agent.error`
 * (with the line as detail), then, past a limit, a single notice. The session goes on either way.
 */
export class MalformedLines {
  private count = 0;

  constructor(
    private readonly label: string,
    private readonly protocol: string,
    private readonly emit: (body: EventBody) => void,
  ) {}

  report(text: string, why: 'not-json' | 'not-an-object' | 'too-long'): void {
    this.count += 1;
    if (this.count > MAX_MALFORMED_SHOWN) {
      if (this.count === MAX_MALFORMED_SHOWN + 1) {
        this.emit({ type: 'notice', level: 'warning', code: 'malformed-flood', text: `${this.label} keeps writing lines that are not ${this.protocol} messages; Podium stops showing them one by one.` });
      }
      return;
    }
    const what = why === 'too-long' ? `a line too long to be a ${this.protocol} message` : `a line that is not a ${this.protocol} message`;
    this.emit({ type: 'agent.error', message: `${this.label} wrote ${what} on its output`, detail: clip(text, 2048) });
  }

  get total(): number {
    return this.count;
  }
}

/** Parses one protocol line; a line that is not a JSON object is reported and yields undefined. */
export function parseJsonLine(text: string, cutBytes: number, malformed: MalformedLines): Record<string, unknown> | undefined {
  if (cutBytes > 0) {
    malformed.report(text.slice(0, 4096), 'too-long');
    return undefined;
  }
  const trimmed = text.trim();
  if (trimmed.length === 0) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    malformed.report(trimmed, 'not-json');
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    malformed.report(trimmed, 'not-an-object');
    return undefined;
  }
  return value as Record<string, unknown>;
}

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/** A string field of an untyped protocol object, or undefined. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A finite number field of an untyped protocol object, or undefined. */
export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function obj(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
