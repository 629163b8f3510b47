/**
 * A Python file's imports, read by tree-sitter's Python grammar: `import a.b [as c]`,
 * `from a.b import c, d`, relative `from . import x` / `from ..pkg.mod import y`, `from x import *`,
 * and `from __future__ import …`, wherever they stand (inside functions, `try:` and `if` blocks count:
 * they run). Strings, docstrings and comments are not statements, so an import written in one never
 * counts. An import under `if TYPE_CHECKING:` runs only for type checkers: it is `typeOnly`, as a
 * TypeScript `import type` is.
 */
import type { Node } from 'web-tree-sitter';
import type { Extraction, ImportSite } from '../model';
import { firstSyntaxError, position, queryFor, withTree } from '../treeSitter';

const IMPORTS = '[(import_statement) (import_from_statement) (future_import_statement)] @import';

/**
 * The imports of one Python file. `import a, b` gives one site per module; a `from` import gives one
 * site with every name it brings in (`['*']` for a wildcard). A file the grammar cannot read gets
 * `error` (the first place it could not read) and no imports: half a file's imports would let a
 * broken rule pass unseen.
 */
export async function extractPythonImports(_path: string, text: string): Promise<Extraction> {
  const query = await queryFor('python', IMPORTS);
  return withTree('python', text, (tree) => {
    const error = firstSyntaxError(tree.rootNode);
    if (error) return { language: 'python', imports: [], error };
    const imports: ImportSite[] = [];
    for (const { node } of query.captures(tree.rootNode)) {
      const sites = node.type === 'import_statement' ? plainImport(node) : [fromImport(node)];
      const typeOnly = underTypeChecking(node);
      for (const site of sites) imports.push({ ...site, typeOnly });
    }
    imports.sort((a, b) => a.line - b.line || a.column - b.column);
    return { language: 'python', imports };
  });
}

function plainImport(statement: Node): ImportSite[] {
  return statement.childrenForFieldName('name').flatMap((child) => {
    const aliased = child.type === 'aliased_import';
    const name = aliased ? child.childForFieldName('name') : child;
    if (!name) return [];
    const alias = aliased ? child.childForFieldName('alias')?.text : undefined;
    return [{
      specifier: dotted(name),
      form: 'python-import' as const,
      typeOnly: false,
      ...(alias ? { alias } : {}),
      ...position(name),
    }];
  });
}

function fromImport(statement: Node): ImportSite {
  // `from __future__ import x` is its own node type, with no module field: the module is the keyword.
  const module = statement.type === 'future_import_statement'
    ? statement.children.find((c) => c?.type === '__future__') ?? statement
    : statement.childForFieldName('module_name') ?? statement;
  const specifier = statement.type === 'future_import_statement' ? '__future__' : moduleName(module);
  const wildcard = statement.children.some((c) => c?.type === 'wildcard_import');
  const names = wildcard
    ? ['*']
    : statement.childrenForFieldName('name').map((child) =>
        dotted(child.type === 'aliased_import' ? child.childForFieldName('name') ?? child : child));
  return { specifier, form: 'python-from', typeOnly: false, names, ...position(module) };
}

/** Inside the body (not an `else`) of `if TYPE_CHECKING:` or `if typing.TYPE_CHECKING:`. */
function underTypeChecking(statement: Node): boolean {
  for (let node: Node | null = statement; node?.parent; node = node.parent) {
    const parent: Node = node.parent;
    if (parent.type !== 'if_statement' || parent.childForFieldName('consequence')?.id !== node.id) continue;
    const condition = parent.childForFieldName('condition');
    const name = condition?.type === 'attribute' ? condition.childForFieldName('attribute') : condition;
    if (name?.type === 'identifier' && name.text === 'TYPE_CHECKING') return true;
  }
  return false;
}

/** `a . b` is legal Python for `a.b`: the name is its identifiers, whatever the spacing. */
function dotted(node: Node): string {
  if (node.type !== 'dotted_name') return node.text;
  return node.namedChildren.filter((c) => c?.type === 'identifier').map((c) => c!.text).join('.');
}

/** '..pkg.mod' for a relative module (its dots may be written apart, `from . . import x`). */
function moduleName(node: Node): string {
  if (node.type !== 'relative_import') return dotted(node);
  let dots = '';
  let rest = '';
  for (const child of node.namedChildren) {
    if (child?.type === 'import_prefix') dots = '.'.repeat([...child.text].filter((ch) => ch === '.').length);
    else if (child?.type === 'dotted_name') rest = dotted(child);
  }
  return dots + rest;
}
