/**
 * Finding and reading the architecture notes: markdown files (ARCHITECTURE.md by default; any globs
 * the `podium.coherence.notes` setting names) whose fenced `podium-rules` blocks hold the rules, and
 * whose prose around each block is what the engineer reads beside a warning.
 *
 * Markdown is read only as far as the rules need: fenced code blocks (``` or ~~~, CommonMark's rules
 * for opening and closing them) and ATX headings. Everything else is prose.
 */
import { execFile } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import * as path from 'node:path';
import picomatch from 'picomatch';
import { DEFAULT_NOTES } from './defaults';
import { emptyRuleSet, readRulesBlock, type RuleSet } from './rules';

export { DEFAULT_NOTES };

/** The info string that marks a block of rules. */
export const RULES_FENCE = 'podium-rules';

/** The most notes files read, and the largest one; past these a problem says so. */
const MAX_NOTES = 200;
const MAX_NOTES_BYTES = 2 * 1024 * 1024;

export interface FencedBlock {
  info: string;
  /** 1-based line of the first content line (the line after the opening fence). */
  firstLine: number;
  text: string;
  /** Prose around the block: the section it sits in (from its heading), else what follows it. */
  prose?: string;
  closed: boolean;
}

/** The fenced blocks of a markdown text, with the prose of the section each sits in. */
export function fencedBlocks(markdown: string): FencedBlock[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: FencedBlock[] = [];
  // Prose paragraphs of the current section (since the last heading), and the pending blocks that
  // still want prose after them (when none came before).
  let section: string[] = [];
  let waiting: FencedBlock[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const open = /^( {0,3})(`{3,}|~{3,})[ \t]*([^\s`]*)[^`]*$/.exec(line);
    if (open) {
      const fence = open[2]!;
      const info = open[3] ?? '';
      const body: string[] = [];
      let j = i + 1;
      let closed = false;
      for (; j < lines.length; j++) {
        const close = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(lines[j]!);
        if (close && close[1]![0] === fence[0] && close[1]!.length >= fence.length) {
          closed = true;
          break;
        }
        body.push(stripIndent(lines[j]!, open[1]!.length));
      }
      const block: FencedBlock = { info, firstLine: i + 2, text: body.join('\n'), closed };
      const before = proseOf(section);
      if (before) block.prose = before;
      else waiting.push(block);
      blocks.push(block);
      i = j + 1;
      continue;
    }
    if (/^ {0,3}#{1,6}(\s|$)/.test(line)) {
      settle(waiting, section);
      waiting = [];
      section = [];
    } else {
      section.push(line);
      // Prose after a block with none before it becomes its prose, up to the next block or heading.
      if (waiting.length > 0 && line.trim() === '' && proseOf(section)) {
        settle(waiting, section);
        waiting = [];
      }
    }
    i += 1;
  }
  settle(waiting, section);
  return blocks;
}

function settle(waiting: FencedBlock[], section: string[]): void {
  const prose = proseOf(section);
  if (prose) for (const b of waiting) b.prose = prose;
}

/** Paragraph text without markdown's line breaks inside paragraphs, HTML comments or tables. */
function proseOf(lines: string[]): string | undefined {
  const text = lines
    .filter((l) => !/^\s*\|/.test(l))
    .join('\n')
    .replace(/<!--[\s\S]*?-->/g, '')
    .split(/\n\s*\n/)
    .map((p) => p.split('\n').map((l) => l.trim()).filter(Boolean).join(' '))
    .filter(Boolean)
    .join('\n\n')
    .trim();
  if (!text) return undefined;
  return text.length > 1200 ? `${text.slice(0, 1199)}…` : text;
}

function stripIndent(line: string, n: number): string {
  let k = 0;
  while (k < n && line[k] === ' ') k++;
  return line.slice(k);
}

/**
 * Reads one notes file's rules into `into`. `file` is relative to the root. An unclosed rules block is
 * a problem (the rules after it would silently be prose otherwise).
 */
export function readNotesText(file: string, markdown: string, into: RuleSet): void {
  const base = path.posix.dirname(file) === '.' ? '' : path.posix.dirname(file);
  for (const block of fencedBlocks(markdown)) {
    if (block.info !== RULES_FENCE) continue;
    if (!block.closed) {
      into.problems.push({ file, line: block.firstLine - 1, message: 'This podium-rules block is never closed; close it with a fence of the same kind.' });
      continue;
    }
    readRulesBlock(block.text, { file, base, firstLine: block.firstLine, prose: block.prose }, into);
  }
}

/**
 * Finds the notes under `root` matching `globs` (relative to the root) and reads their rules. Files git
 * ignores are skipped where the root is a git repository. Never throws for a bad notes file: each
 * problem is in `problems`.
 */
export async function loadRules(root: string, globs: readonly string[] = DEFAULT_NOTES): Promise<RuleSet> {
  const rules = emptyRuleSet();
  const files = await findNotes(root, globs);
  if (files.length > MAX_NOTES) {
    rules.problems.push({ file: files[MAX_NOTES]!, line: 1, message: `Podium reads at most ${MAX_NOTES} notes files; narrow the podium.coherence.notes setting.` });
  }
  for (const file of files.slice(0, MAX_NOTES)) {
    let text: string;
    try {
      const bytes = await readFile(path.join(root, file));
      if (bytes.length > MAX_NOTES_BYTES) {
        rules.problems.push({ file, line: 1, message: `This notes file is larger than ${MAX_NOTES_BYTES / 1024 / 1024} MB; Podium did not read its rules.` });
        continue;
      }
      text = bytes.toString('utf8');
    } catch (err) {
      rules.problems.push({ file, line: 1, message: `Podium could not read this notes file: ${(err as Error).message}` });
      continue;
    }
    rules.notes.push(file);
    readNotesText(file, text, rules);
  }
  return rules;
}

/** Notes files under the root, relative and sorted (so rules read in a stable order). */
export async function findNotes(root: string, globs: readonly string[]): Promise<string[]> {
  const match = picomatch([...globs], { dot: false });
  const listed = await gitFiles(root);
  const candidates = listed ?? (await walk(root));
  return candidates.filter((f) => match(f)).sort();
}

/** Tracked and untracked-but-not-ignored files, or undefined when the root is not a git work tree. */
function gitFiles(root: string): Promise<string[] | undefined> {
  return new Promise((resolve) => {
    execFile('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z', '--', '*.md'], { cwd: root, maxBuffer: 256 * 1024 * 1024 }, (err, stdout) => {
      if (err) resolve(undefined);
      else resolve([...new Set(stdout.split('\0').filter(Boolean))]);
    });
  });
}

const SKIP = new Set(['node_modules', '.git', '.podium', 'dist', 'out', 'build', '.venv', 'venv', '__pycache__']);

async function walk(root: string, dir = '', out: string[] = [], budget = { left: 20_000 }): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(path.join(root, dir), { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    if (budget.left-- <= 0) return out;
    const rel = dir ? `${dir}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (!SKIP.has(e.name)) await walk(root, rel, out, budget);
    } else if (e.isFile() && e.name.endsWith('.md')) out.push(rel);
  }
  return out;
}
