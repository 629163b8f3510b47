/**
 * `podium check`: the coherence checker outside the editor, with the workspace's own rules, so the
 * rules an engineer conducts by can also gate a pull request or a pre-commit hook.
 *
 *   podium check [PATH...]    every file of the repository (or under the folders named)
 *   podium check --staged     the changes staged for the next commit
 *   podium check --diff FILE  a unified diff (FILE, or - for standard input) over this checkout
 *
 * Options: --root DIR (default: the git work tree of the current folder), --notes GLOB (repeatable;
 * default: ARCHITECTURE.md, **\/ARCHITECTURE.md, docs/adr/*.md), --scope GLOB (repeatable: a change
 * outside warns), --json (a list of {rule, severity, from, to, line, text, kind, path}).
 *
 * Exit status: 0 when no error-level rule is broken, 1 when one is, 2 when the check itself could not
 * be made (a bad option, notes that do not parse: rules that cannot be read must not pass silently).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../coherence/check';
import { diffChange, gitRoot, stagedChange, type Change } from '../coherence/changes';
import { DEFAULT_NOTES } from '../coherence/defaults';
import { CoherenceChecker } from '../coherence/engine';
import { listFiles } from '../coherence/files';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const USAGE = `Usage: podium check [PATH...] [--staged | --diff FILE|-] [--root DIR] [--notes GLOB]... [--scope GLOB]... [--json]

Checks changes (or the whole repository) against the architecture rules in the workspace's notes
(podium-rules blocks in ARCHITECTURE.md). Exits 1 when an error-level rule is broken.`;

interface Options {
  mode: 'all' | 'staged' | 'diff';
  diff?: string;
  root?: string;
  notes: string[];
  scope: string[];
  json: boolean;
  /** Folders or files (relative to the current folder) a whole-repository check is limited to. */
  paths: string[];
}

function parseArgs(argv: readonly string[]): Options | string {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === undefined) return USAGE;
  if (command !== 'check') return `Unknown command "${command}".\n\n${USAGE}`;
  const o: Options = { mode: 'all', notes: [], scope: [], json: false, paths: [] };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    const value = () => {
      const v = rest[++i];
      if (v === undefined) throw new Error(`${a} needs a value.`);
      return v;
    };
    switch (a) {
      case '--staged':
        o.mode = 'staged';
        break;
      case '--diff':
        o.mode = 'diff';
        o.diff = value();
        break;
      case '--all':
        o.mode = 'all';
        break;
      case '--root':
        o.root = value();
        break;
      case '--notes':
        o.notes.push(value());
        break;
      case '--scope':
        o.scope.push(value());
        break;
      case '--json':
        o.json = true;
        break;
      case '--help':
      case '-h':
        return USAGE;
      default:
        if (a.startsWith('-')) return `Unknown option "${a}".\n\n${USAGE}`;
        o.paths.push(a);
    }
  }
  return o;
}

/** Runs the command line; never throws: every failure is an exit status and a sentence. */
export async function run(argv: readonly string[], io: { cwd: string; stdin?: () => Promise<string> }): Promise<CliResult> {
  let options: Options | string;
  try {
    options = parseArgs(argv);
  } catch (err) {
    return { code: 2, stdout: '', stderr: `${(err as Error).message}\n\n${USAGE}\n` };
  }
  if (typeof options === 'string') return { code: options === USAGE ? 0 : 2, stdout: options === USAGE ? `${USAGE}\n` : '', stderr: options === USAGE ? '' : `${options}\n` };
  try {
    return await check(options, io);
  } catch (err) {
    return { code: 2, stdout: '', stderr: `podium check: ${(err as Error).message}\n` };
  }
}

async function check(o: Options, io: { cwd: string; stdin?: () => Promise<string> }): Promise<CliResult> {
  const start = path.resolve(io.cwd, o.root ?? '.');
  const root = (await gitRoot(start)) ?? start;
  const notesGlobs = o.notes.length > 0 ? o.notes : [...DEFAULT_NOTES];
  // Run in the engineer's own shell, in a checkout they chose: a JavaScript dependency-cruiser
  // configuration is theirs to run, as depcruise itself would.
  const checker = new CoherenceChecker(root, { notes: notesGlobs, trusted: true });
  const { rules } = await checker.load();
  let stderr = '';
  if (rules.problems.length > 0) {
    const lines = rules.problems.map((p) => `${p.file}:${p.line}: ${p.message}`).join('\n');
    return { code: 2, stdout: '', stderr: `podium check: the architecture notes have problems, so their rules cannot be trusted:\n${lines}\n` };
  }
  if (rules.notes.length === 0) stderr += `podium check: no architecture notes matched ${notesGlobs.join(', ')} in ${root}; only the built-in sensitive paths are checked.\n`;
  let findings: Finding[];
  if (o.mode === 'all') {
    const limits = o.paths.map((p) => path.relative(root, path.resolve(io.cwd, p)).split(path.sep).join('/'));
    if (limits.some((l) => l.startsWith('..'))) throw new Error(`${o.paths.join(', ')}: outside the repository at ${root}.`);
    const all = await listFiles(root);
    const files = limits.length === 0 ? all : all.filter((f) => limits.some((l) => l === '' || f === l || f.startsWith(`${l}/`)));
    findings = await checker.checkAll(files);
  } else {
    let change: Change;
    if (o.mode === 'staged') change = await stagedChange(root);
    else {
      const text = o.diff === '-' ? await (io.stdin ?? readStdin)() : readFileSync(path.resolve(io.cwd, o.diff!), 'utf8');
      change = await diffChange(root, text);
    }
    for (const p of change.problems) stderr += `podium check: ${p}\n`;
    findings = await checker.checkChange({ files: change.files, readBase: change.readBase, readNew: change.readNew, scope: o.scope });
  }
  findings.sort((a, b) => (a.path ?? '').localeCompare(b.path ?? '') || (a.line ?? 0) - (b.line ?? 0) || a.rule.localeCompare(b.rule));
  const errors = findings.filter((f) => f.severity === 'error').length;
  const stdout = o.json ? `${JSON.stringify(findings.map(toJson), null, 2)}\n` : human(findings, rules.notes.length);
  return { code: errors > 0 ? 1 : 0, stdout, stderr };
}

function toJson(f: Finding) {
  return { rule: f.rule, severity: f.severity, kind: f.kind, path: f.path ?? null, from: f.from ?? f.path ?? null, to: f.to ?? null, line: f.line ?? null, text: f.text };
}

function human(findings: readonly Finding[], notes: number): string {
  const lines: string[] = [];
  for (const f of findings) {
    const at = f.path ? `${f.path}${f.line ? `:${f.line}` : ''}` : '(the change)';
    lines.push(`${at}  ${f.severity}  ${f.rule}  ${f.text}`);
    if (f.source) lines.push(`    rule at ${f.source.file}:${f.source.line}${f.prose ? ` — ${oneLine(f.prose)}` : ''}`);
  }
  const count = (s: string) => findings.filter((f) => f.severity === s).length;
  const n = (k: number, w: string) => `${k} ${w}${k === 1 ? '' : 's'}`;
  lines.push(findings.length === 0 ? `No rule broken (${n(notes, 'notes file')} read).` : `${n(count('error'), 'error')}, ${n(count('warning'), 'warning')}, ${n(count('info'), 'note')}.`);
  return `${lines.join('\n')}\n`;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 159)}…` : flat;
}

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (c: string) => (data += c));
    process.stdin.on('end', () => resolve(data));
    process.stdin.on('error', reject);
  });
}

// Run as a program (the bundle's entry point), not when imported by a test.
if (require.main === module) {
  void run(process.argv.slice(2), { cwd: process.cwd() }).then((r) => {
    process.stdout.write(r.stdout);
    process.stderr.write(r.stderr);
    process.exitCode = r.code;
  });
}
