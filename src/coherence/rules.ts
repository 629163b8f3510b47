/**
 * The workspace's architecture rules, as Podium holds them: read from fenced `podium-rules` blocks
 * (YAML) in the architecture notes, validated, and placed (the file and line each rule is written
 * at, and the prose around it that the engineer reads beside a warning).
 *
 * The format (README.md, "Coherence", is the engineer's reference):
 *
 * ```podium-rules
 * layers:
 *   - name: core
 *     paths: ["src/core/**"]
 *     may-import: [core]               # the layers it may import (omitted: any)
 *     may-not-import: [ui]             # or the ones it may not
 *     may-not-use: [fs, "node:*", react]  # packages and platform modules it may not use
 *     may-use: [zod]                   # or the only ones it may
 *   - name: ui
 *     paths: ["src/ui/**"]
 * cycles: error                        # no dependency cycle between these layers
 * protected:
 *   - paths: ["src/billing/**"]
 *     why: Billing changes go through the payments team.
 * sensitive: ["deploy/**"]             # added to the built-in sensitive paths
 * balance: { max-lines: 400, max-files: 20, max-layers: 2, max-hunk-lines: 120 }
 * imports:                             # rules on the import as written
 *   - id: features-use-the-alias
 *     from: "^src/features/([^/]+)/"   # regular expressions, as dependency-cruiser's
 *     written: "^\\.\\./"
 *     to-not: "^src/features/$1/"
 *     message: Import another feature through the @/ alias.
 * ```
 *
 * Globs are picomatch globs, relative to the folder of the notes file that holds them (so one
 * ARCHITECTURE.md per package speaks of its own package). A block that does not parse or validate is
 * a problem at its line, never a crash and never a silent pass: the rest of the notes still count.
 */
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import * as z from 'zod/mini';

z.config({ jitless: true });

export type Severity = 'error' | 'warning' | 'info';

/** Where a rule is written: a notes file relative to the workspace root, and a 1-based line. */
export interface RuleSource {
  file: string;
  line: number;
}

interface RuleBase {
  /** The rule's id: the code of its diagnostics and what a rejection names. */
  id: string;
  severity: Severity;
  /** The notes' own words for the rule: its `why`, else the prose around its block. */
  prose?: string;
  source: RuleSource;
  /** The folder of the notes file, relative to the root ('' at the root): the rule's globs are relative to it. */
  base: string;
}

export interface LayerRule extends RuleBase {
  name: string;
  paths: string[];
  mayImport?: string[];
  mayNotImport?: string[];
  mayUse?: string[];
  mayNotUse?: string[];
}

/** No dependency cycle between the layers of `layers` (those of the same notes file). */
export interface CycleRule extends RuleBase {
  layers: string[];
}

export interface PathRule extends RuleBase {
  paths: string[];
}

export interface BalanceRule extends RuleBase {
  maxLines?: number;
  maxFiles?: number;
  maxLayers?: number;
  maxHunkLines?: number;
}

export interface ImportRule extends RuleBase {
  /** Regular expressions (with dependency-cruiser's `$1` group references from `from` into `to`/`toNot`). */
  from?: string;
  written?: string;
  to?: string;
  toNot?: string;
  message?: string;
}

export interface NotesProblem {
  file: string;
  line: number;
  message: string;
}

export interface RuleSet {
  layers: LayerRule[];
  cycles: CycleRule[];
  protected: PathRule[];
  sensitive: PathRule[];
  balance: BalanceRule[];
  imports: ImportRule[];
  /** The notes files read, relative to the root. */
  notes: string[];
  problems: NotesProblem[];
}

export function emptyRuleSet(): RuleSet {
  return { layers: [], cycles: [], protected: [], sensitive: [], balance: [], imports: [], notes: [], problems: [] };
}

// ── the schema ──────────────────────────────────────────────────────────────────────────────────

const name = z.string().check(z.minLength(1), z.maxLength(100));
const glob = z.string().check(z.minLength(1), z.maxLength(1000));
const globs = z.union([glob, z.array(glob).check(z.minLength(1), z.maxLength(200))]);
const names = z.union([name, z.array(name).check(z.maxLength(200))]);
const severity = z.enum(['error', 'warning', 'warn', 'info']);
const regex = z.string().check(z.minLength(1), z.maxLength(1000), z.refine(validRegex, { message: 'not a valid regular expression' }));
const limit = z.number().check(z.int(), z.positive());
const prose = z.string().check(z.maxLength(4000));

const Layer = z.strictObject({
  name,
  paths: globs,
  'may-import': z.optional(names),
  'may-not-import': z.optional(names),
  'may-use': z.optional(names),
  'may-not-use': z.optional(names),
  severity: z.optional(severity),
  why: z.optional(prose),
});
const PathEntry = z.union([
  glob,
  z.strictObject({ id: z.optional(name), paths: globs, severity: z.optional(severity), why: z.optional(prose) }),
]);
const Block = z.strictObject({
  layers: z.optional(z.array(Layer).check(z.maxLength(100))),
  cycles: z.optional(z.union([severity, z.literal('off'), z.strictObject({ severity: z.optional(severity), why: z.optional(prose) })])),
  protected: z.optional(z.array(PathEntry).check(z.maxLength(200))),
  sensitive: z.optional(z.array(PathEntry).check(z.maxLength(200))),
  balance: z.optional(z.strictObject({
    'max-lines': z.optional(limit),
    'max-files': z.optional(limit),
    'max-layers': z.optional(limit),
    'max-hunk-lines': z.optional(limit),
    severity: z.optional(severity),
    why: z.optional(prose),
  })),
  imports: z.optional(z.array(z.strictObject({
    id: name,
    from: z.optional(regex),
    written: z.optional(regex),
    to: z.optional(regex),
    'to-not': z.optional(regex),
    message: z.optional(prose),
    severity: z.optional(severity),
    why: z.optional(prose),
  })).check(z.maxLength(200))),
});
type Block = z.infer<typeof Block>;

function validRegex(source: string): boolean {
  try {
    new RegExp(source.replace(/\$\d/g, 'x'));
    return true;
  } catch {
    return false;
  }
}

function toSeverity(s: string | undefined, fallback: Severity): Severity {
  if (s === undefined) return fallback;
  return s === 'warn' ? 'warning' : (s as Severity);
}

function list(v: string | string[] | undefined): string[] | undefined {
  return v === undefined ? undefined : Array.isArray(v) ? v : [v];
}

// ── reading a block ─────────────────────────────────────────────────────────────────────────────

export interface BlockPlace {
  /** The notes file, relative to the root, and the folder its globs are relative to. */
  file: string;
  base: string;
  /** The 1-based line of the block's first YAML line in the notes file. */
  firstLine: number;
  /** The prose around the block. */
  prose?: string;
}

/**
 * Reads one `podium-rules` block into `into`. A block that does not parse or validate adds a problem
 * (with the line of the offending YAML) and no rule.
 */
export function readRulesBlock(yamlText: string, place: BlockPlace, into: RuleSet): void {
  const counter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  const lineAt = (offset: number | undefined) => place.firstLine + (offset === undefined ? 0 : counter.linePos(offset).line - 1);
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    into.problems.push({ file: place.file, line: lineAt(err.pos[0]), message: `The podium-rules block is not valid YAML: ${firstLine(err.message)}` });
    return;
  }
  const raw: unknown = doc.toJS();
  if (raw === null || raw === undefined) return; // an empty block says nothing
  const parsed = Block.safeParse(raw);
  if (!parsed.success) {
    // A misspelt key says more than the required key it left missing: report it first.
    const issues = parsed.error.issues;
    const issue = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0]!;
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    const keyPath = issue.code === 'unrecognized_keys' ? [...path, (issue as { keys: string[] }).keys[0]!] : path;
    into.problems.push({ file: place.file, line: lineAt(nodeOffset(doc, keyPath)), message: `The podium-rules block ${path.length ? `at ${path.join('.')} ` : ''}is not what Podium reads: ${describeIssue(issue, valueAt(raw, path))}` });
    return;
  }
  addRules(parsed.data, doc, place, lineAt, into);
}

function addRules(block: Block, doc: Document, place: BlockPlace, lineAt: (offset: number | undefined) => number, into: RuleSet): void {
  const at = (...path: (string | number)[]): RuleSource => ({ file: place.file, line: lineAt(nodeOffset(doc, path)) });
  const common = (id: string, sev: string | undefined, fallback: Severity, why: string | undefined, source: RuleSource) => ({
    id,
    severity: toSeverity(sev, fallback),
    prose: why ?? place.prose,
    source,
    base: place.base,
  });

  const layerNames: string[] = [];
  (block.layers ?? []).forEach((l, i) => {
    layerNames.push(l.name);
    into.layers.push({
      ...common(`layer:${l.name}`, l.severity, 'error', l.why, at('layers', i)),
      name: l.name,
      paths: list(l.paths)!,
      mayImport: list(l['may-import']),
      mayNotImport: list(l['may-not-import']),
      mayUse: list(l['may-use']),
      mayNotUse: list(l['may-not-use']),
    });
  });
  const cycles = block.cycles;
  if (cycles !== undefined && cycles !== 'off') {
    const sev = typeof cycles === 'string' ? cycles : cycles.severity;
    const why = typeof cycles === 'string' ? undefined : cycles.why;
    if (layerNames.length === 0) {
      into.problems.push({ file: place.file, line: at('cycles').line, message: 'The podium-rules block forbids cycles but declares no layers to find them between.' });
    } else {
      into.cycles.push({ ...common('cycles', sev, 'error', why, at('cycles')), layers: layerNames });
    }
  }
  for (const kind of ['protected', 'sensitive'] as const) {
    (block[kind] ?? []).forEach((entry, i) => {
      const e = typeof entry === 'string' ? { paths: entry } : entry;
      const paths = list(e.paths)!;
      const id = ('id' in e && e.id) || `${kind}:${paths[0]}`;
      into[kind].push({ ...common(id, e.severity, kind === 'protected' ? 'error' : 'warning', e.why, at(kind, i)), paths });
    });
  }
  if (block.balance) {
    const b = block.balance;
    into.balance.push({
      ...common('balance', b.severity, 'warning', b.why, at('balance')),
      maxLines: b['max-lines'],
      maxFiles: b['max-files'],
      maxLayers: b['max-layers'],
      maxHunkLines: b['max-hunk-lines'],
    });
  }
  (block.imports ?? []).forEach((r, i) => {
    into.imports.push({ ...common(r.id, r.severity, 'warning', r.why, at('imports', i)), from: r.from, written: r.written, to: r.to, toNot: r['to-not'], message: r.message });
  });
}

/** The offset of the YAML node at `path` (or of its nearest ancestor that exists). */
function nodeOffset(doc: Document, path: (string | number)[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (node && typeof node === 'object' && 'range' in node && Array.isArray((node as { range?: unknown }).range)) {
      // A key's value is found; for a map entry point at the key, which is where a reader looks.
      if (n > 0 && typeof path[n - 1] === 'string') {
        const parent = n === 1 ? doc.contents : doc.getIn(path.slice(0, n - 1), true);
        if (isMap(parent)) {
          const pair = parent.items.find((p) => (p.key as { value?: unknown } | null)?.value === path[n - 1]);
          const key = pair?.key as { range?: [number, number, number] } | undefined;
          if (key?.range) return key.range[0];
        }
      }
      if (isSeq(node) || isMap(node) || 'range' in node) return (node as { range: [number, number, number] }).range[0];
    }
  }
  return undefined;
}

/** What is wrong, in words: zod's own messages say only "Invalid input". */
function describeIssue(issue: z.core.$ZodIssue, value: unknown): string {
  switch (issue.code) {
    case 'unrecognized_keys': {
      const keys = (issue as { keys: string[] }).keys;
      return `${keys.length === 1 ? 'unknown key' : 'unknown keys'} ${keys.map((k) => `"${k}"`).join(', ')}${keys.length === 1 && KNOWN_KEYS.has(nearest(keys[0]!)) ? ` (did you mean "${nearest(keys[0]!)}"?)` : ''}`;
    }
    case 'invalid_type':
      return value === undefined ? `"${String(issue.path.at(-1))}" is missing` : `expected ${(issue as { expected: string }).expected}, found ${Array.isArray(value) ? 'a list' : typeof value}`;
    case 'invalid_union':
      return value === undefined ? `"${String(issue.path.at(-1))}" is missing` : 'not one of the forms it may take (see the README\'s podium-rules reference)';
    case 'invalid_value':
      return `expected one of ${((issue as { values: unknown[] }).values ?? []).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
      return 'too small or too short';
    case 'too_big':
      return 'too large or too long';
    default:
      return issue.message === 'Invalid input' ? 'not valid here' : issue.message;
  }
}

const KNOWN_KEYS = new Set(['layers', 'cycles', 'protected', 'sensitive', 'balance', 'imports', 'name', 'paths', 'may-import', 'may-not-import', 'may-use', 'may-not-use', 'severity', 'why', 'id', 'max-lines', 'max-files', 'max-layers', 'max-hunk-lines', 'from', 'written', 'to', 'to-not', 'message']);

/** The known key closest to a misspelt one (fewest edits). */
function nearest(key: string): string {
  let best = '';
  let bestCost = Infinity;
  for (const k of KNOWN_KEYS) {
    const cost = editDistance(key, k);
    if (cost < bestCost) [best, bestCost] = [k, cost];
  }
  return bestCost <= 2 ? best : '';
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v = raw;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim();
}
