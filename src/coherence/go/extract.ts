/**
 * A Go file's imports, read by tree-sitter's Go grammar: single imports and import blocks, named,
 * dot and blank imports (`f "fmt"`, `. "x"`, `_ "x"`), paths written as interpreted or raw (backquoted)
 * string literals. A string elsewhere in the file, or a comment, is never an import.
 */
import type { Node } from 'web-tree-sitter';
import type { Extraction, ImportSite } from '../model';
import { firstSyntaxError, position, queryFor, withTree } from '../treeSitter';

/**
 * The imports of one Go file, one site per import spec, `alias` set for a named, dot ('.') or blank
 * ('_') import. A file the grammar cannot read gets `error` (the first place it could not read) and no
 * imports.
 */
export async function extractGoImports(_path: string, text: string): Promise<Extraction> {
  const query = await queryFor('go', '(import_spec) @spec');
  return withTree('go', text, (tree) => {
    const error = firstSyntaxError(tree.rootNode);
    if (error) return { language: 'go', imports: [], error };
    const imports: ImportSite[] = [];
    for (const { node } of query.captures(tree.rootNode)) {
      const literal = node.childForFieldName('path');
      if (!literal) continue;
      const alias = node.childForFieldName('name')?.text;
      imports.push({
        specifier: stringValue(literal),
        form: 'go-import',
        typeOnly: false,
        ...(alias ? { alias } : {}),
        ...position(literal),
      });
    }
    return { language: 'go', imports };
  });
}

/** The value of a Go string literal: a raw one as written, an interpreted one with its escapes decoded. */
function stringValue(literal: Node): string {
  if (literal.type === 'raw_string_literal') {
    return literal.namedChildren.map((c) => c?.text ?? '').join('');
  }
  let value = '';
  for (const part of literal.namedChildren) {
    if (!part) continue;
    value += part.type === 'escape_sequence' ? unescape(part.text) : part.text;
  }
  return value;
}

const SIMPLE: Record<string, string> = {
  a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', "'": "'", '"': '"',
};

/** One Go escape sequence (`\n`, `\x41`, `\101`, `\u00e9`, `\U0001F600`) as the text it stands for. */
function unescape(sequence: string): string {
  const kind = sequence[1];
  if (kind in SIMPLE) return SIMPLE[kind];
  const digits = sequence.slice(kind === 'x' || kind === 'u' || kind === 'U' ? 2 : 1);
  const code = Number.parseInt(digits, kind === 'x' || kind === 'u' || kind === 'U' ? 16 : 8);
  return Number.isFinite(code) ? String.fromCodePoint(code) : sequence;
}
