/**
 * The parts of `go.mod` and `go.work` that decide where an import lives: the module path, the
 * required modules, local `replace` directives and a workspace's `use` folders.
 *
 * Both files share one small syntax (golang.org/x/mod/modfile): a directive per line, or a verb
 * followed by `(` and one entry per line up to `)`; `//` comments; tokens separated by spaces, quoted
 * as Go strings where they need it. No npm package reads it, so this does, token by token.
 */

export interface ModFile {
  /** `module example.com/m` (go.mod only). */
  module?: string;
  /** Module paths named by `require`. */
  requires: string[];
  /** `replace old [v] => new [v]`; `local` when `new` is a folder (`./x`, `../x`, `/abs`). */
  replaces: { from: string; to: string; local: boolean }[];
  /** `use ./folder` (go.work only). */
  uses: string[];
  /** Lines that could not be read, with why; what could be read is still used. */
  problems: { line: number; message: string }[];
}

export function parseModFile(text: string): ModFile {
  const mod: ModFile = { requires: [], replaces: [], uses: [], problems: [] };
  let block: string | undefined;
  const lines = text.split('\n');
  for (const [i, line] of lines.entries()) {
    let tokens: string[];
    try {
      tokens = tokenize(line);
    } catch (err) {
      mod.problems.push({ line: i + 1, message: (err as Error).message });
      continue;
    }
    if (!tokens.length) continue;
    if (block !== undefined) {
      if (tokens.length === 1 && tokens[0] === ')') block = undefined;
      else directive(mod, block, tokens, i + 1);
    } else if (tokens.length === 2 && tokens[1] === '(') {
      block = tokens[0];
    } else {
      directive(mod, tokens[0], tokens.slice(1), i + 1);
    }
  }
  return mod;
}

function directive(mod: ModFile, verb: string, args: string[], line: number): void {
  switch (verb) {
    case 'module':
      if (args[0]) mod.module = args[0];
      break;
    case 'require':
      if (args[0]) mod.requires.push(args[0]);
      break;
    case 'use':
      if (args[0]) mod.uses.push(args[0]);
      break;
    case 'replace': {
      const arrow = args.indexOf('=>');
      const to = args[arrow + 1];
      if (arrow < 1 || !to) {
        mod.problems.push({ line, message: 'a replace directive reads `replace old [version] => new [version]`' });
        break;
      }
      mod.replaces.push({ from: args[0], to, local: isLocalPath(to) });
      break;
    }
    default:
      // go, toolchain, exclude, retract, godebug, tool, ignore: nothing to do with where code lives.
      break;
  }
}

/** As the go command decides it: a replacement that starts with ./ or ../ or is absolute is a folder. */
function isLocalPath(p: string): boolean {
  return p.startsWith('./') || p.startsWith('../') || p.startsWith('/') || p === '.' || p === '..'
    || p.startsWith('.\\') || p.startsWith('..\\') || (p.length > 2 && p[1] === ':' && (p[2] === '\\' || p[2] === '/'));
}

/** One line's tokens: bare words, "interpreted" and `raw` strings; a `//` comment ends the line. */
function tokenize(line: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === '/' && line[i + 1] === '/') {
      break;
    } else if (c === '"') {
      let j = i + 1;
      while (j < line.length && line[j] !== '"') j += line[j] === '\\' ? 2 : 1;
      if (j >= line.length) throw new Error('unterminated quoted string');
      tokens.push(JSON.parse(line.slice(i, j + 1)) as string);
      i = j + 1;
    } else if (c === '`') {
      const j = line.indexOf('`', i + 1);
      if (j < 0) throw new Error('unterminated raw string');
      tokens.push(line.slice(i + 1, j));
      i = j + 1;
    } else {
      let j = i;
      while (j < line.length && line[j] !== ' ' && line[j] !== '\t' && line[j] !== '\r' && !(line[j] === '/' && line[j + 1] === '/')) j++;
      tokens.push(line.slice(i, j));
      i = j;
    }
  }
  return tokens;
}
