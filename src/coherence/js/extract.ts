/**
 * A JavaScript or TypeScript file's imports, read by a real parser (@babel/parser 7), never by
 * regular expressions, so comments and strings never count.
 *
 * Found: static `import` (and the side-effect `import 'x'`), `import type`, `export … from`,
 * `import('x')` with a literal (or a template literal without expressions), `require('x')` with a
 * literal when `require` is Node's own (a local function or variable named `require` is not, unless
 * it is made by `createRequire`), `import x = require('x')`, `import('x').T` in a type position, and the
 * triple-slash `/// <reference path|types="…" />` at the top of a file.
 *
 * For TypeScript each import also says whether the compiler's emit keeps it (`elided`): an import
 * none of whose bindings is used as a value is dropped, as `typescript.transpileModule` drops it with
 * default options. What counts as a value use is worked out by walking the syntax tree with scopes,
 * so a parameter that shadows an imported name is not a use of it. Not modelled (the import is then
 * taken as kept or dropped by the default rules): `verbatimModuleSyntax` / `preserveValueImports`,
 * `emitDecoratorMetadata` (types of decorated members become values), and JSX factories other than
 * `React` (a file with JSX is taken to use `React`, as `jsx: "react"` does).
 *
 * Nothing here does I/O; a file that does not parse gets `error` with where the parser stopped.
 */
import { parse, type ParserOptions, type ParserPlugin } from '@babel/parser';
import type * as t from '@babel/types';
import type { Extraction, ImportForm, ImportSite, Language } from '../model';

/** Extensions this extractor reads. */
export const JS_EXTENSIONS: readonly string[] = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

/** Whether `path` names a file `extractJsImports` reads (declaration files included). */
export function isJsPath(path: string): boolean {
  return JS_EXTENSIONS.some((ext) => path.endsWith(ext));
}

function extensionOf(path: string): string {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  return dot > slash ? path.slice(dot).toLowerCase() : '';
}

function isTypeScriptPath(ext: string): boolean {
  return ext === '.ts' || ext === '.tsx' || ext === '.mts' || ext === '.cts';
}

/**
 * `decorators`: TypeScript's experimentalDecorators (parameter decorators, Angular and NestJS style)
 * read as 'legacy'; the standard ones (`export @dec class`) as 'modern', tried when legacy fails.
 */
function parserOptions(ext: string, decorators: 'legacy' | 'modern' = 'legacy'): ParserOptions {
  const plugins: ParserPlugin[] = [decorators === 'legacy' ? 'decorators-legacy' : ['decorators', {}], 'decoratorAutoAccessors', 'explicitResourceManagement'];
  // `.ts` without jsx, so `<T>x` casts parse; `.tsx` with it. JavaScript files get jsx always: React
  // projects write JSX in plain `.js`.
  if (isTypeScriptPath(ext)) plugins.push('typescript');
  if (ext !== '.ts' && ext !== '.mts' && ext !== '.cts') plugins.push('jsx');
  const module = ext === '.mjs' || ext === '.mts';
  return {
    sourceType: module ? 'module' : 'unambiguous',
    plugins,
    attachComment: false,
    errorRecovery: false,
    // CommonJS allows a top-level `return`; scripts with top-level await still have imports worth reading.
    allowReturnOutsideFunction: !module,
    allowAwaitOutsideFunction: true,
  };
}

function parseEitherDecorators(text: string, ext: string): t.File {
  try {
    return parse(text, parserOptions(ext, 'legacy'));
  } catch (legacyError) {
    // Only a file with decorators can parse the other way; the first error is the one to report.
    if (!text.includes('@')) throw legacyError;
    try {
      return parse(text, parserOptions(ext, 'modern'));
    } catch {
      throw legacyError;
    }
  }
}

interface BabelSyntaxError {
  message: string;
  loc?: { line: number; column: number };
}

/**
 * The imports of the file at `path` (its extension picks the grammar) whose text is `text`. A file
 * that does not parse gets `error` (1-based line and column) and no imports.
 */
export function extractJsImports(path: string, text: string): Extraction {
  const ext = extensionOf(path);
  const language: Language = isTypeScriptPath(ext) ? 'ts' : 'js';
  let file: t.File;
  try {
    file = parseEitherDecorators(text, ext);
  } catch (err) {
    const e = err as BabelSyntaxError;
    const line = e.loc?.line ?? 1;
    const column = (e.loc?.column ?? 0) + 1;
    const message = String(e.message ?? err).replace(/\s*\(\d+:\d+\)$/, '');
    return { language, imports: [], error: { message, line, column } };
  }
  const declarationFile = /\.d\.[cm]?ts$/i.test(path);
  return { language, imports: new Walker(text, language === 'ts', declarationFile).run(file) };
}

// ---------------------------------------------------------------------------------------------
// The walk

/** One import declaration whose survival depends on how its bindings are used. */
interface Pending {
  site: ImportSite;
  bindings: string[];
  /** `export import x = require()` and side-effect imports always survive. */
  kept: boolean;
}

/** Names a scope declares, and whether its `require` (if any) is a real one made by `createRequire`. */
interface Scope {
  names: Set<string>;
  realRequire: boolean;
}

type AnyNode = t.Node & Record<string, unknown>;

/** Keys that hold type annotations (or type arguments) rather than values. */
const TYPE_KEYS = new Set([
  'typeAnnotation',
  'returnType',
  'typeParameters',
  'superTypeParameters',
  'typeArguments',
  'implements',
  'predicate',
]);

/** Keys of a node that are never children worth walking. */
const SKIP_KEYS = new Set(['type', 'start', 'end', 'loc', 'range', 'extra', 'leadingComments', 'trailingComments', 'innerComments']);

function isFunctionNode(node: t.Node): node is t.Function {
  switch (node.type) {
    case 'FunctionDeclaration':
    case 'FunctionExpression':
    case 'ArrowFunctionExpression':
    case 'ObjectMethod':
    case 'ClassMethod':
    case 'ClassPrivateMethod':
      return true;
    default:
      return false;
  }
}

/** The names a binding pattern (`a`, `{ a, b: [c] }`, `...d`, `e = 1`) declares. */
function patternNames(node: t.Node | null | undefined, out: string[] = []): string[] {
  if (!node) return out;
  switch (node.type) {
    case 'Identifier':
      out.push(node.name);
      break;
    case 'ObjectPattern':
      for (const p of node.properties) patternNames(p.type === 'RestElement' ? p : (p.value as t.Node), out);
      break;
    case 'ArrayPattern':
      for (const e of node.elements) patternNames(e, out);
      break;
    case 'RestElement':
      patternNames(node.argument, out);
      break;
    case 'AssignmentPattern':
      patternNames(node.left, out);
      break;
    case 'TSParameterProperty':
      patternNames(node.parameter, out);
      break;
    default:
      break;
  }
  return out;
}

/** `createRequire(…)` or `module.createRequire(…)`: the result is a real `require`. */
function isCreateRequireCall(node: t.Node | null | undefined): boolean {
  if (!node || node.type !== 'CallExpression') return false;
  const callee = node.callee;
  if (callee.type === 'Identifier') return callee.name === 'createRequire';
  return callee.type === 'MemberExpression' && !callee.computed && callee.property.type === 'Identifier' && callee.property.name === 'createRequire';
}

/** An ambient declaration (`declare …`) that exists only for the type checker. */
function isAmbient(node: t.Node): boolean {
  return (node as { declare?: boolean | null }).declare === true;
}

/** The literal text of `x` in `f(x)` when it is a string or a template literal without expressions. */
function literalArgument(node: t.Node | undefined): t.StringLiteral | t.TemplateLiteral | undefined {
  if (!node) return undefined;
  if (node.type === 'StringLiteral') return node;
  if (node.type === 'TemplateLiteral' && node.expressions.length === 0 && node.quasis.length === 1) return node;
  return undefined;
}

function literalText(node: t.StringLiteral | t.TemplateLiteral): string {
  return node.type === 'StringLiteral' ? node.value : (node.quasis[0].value.cooked ?? node.quasis[0].value.raw);
}

const TRIPLE_SLASH = /^\/\s*<reference\s+(path|types)\s*=\s*(["'])(.*?)\2\s*\/>\s*$/;

class Walker {
  private readonly sites: ImportSite[] = [];
  private readonly pending: Pending[] = [];
  /** Import binding name → how many value uses reach it (not shadowed). */
  private readonly valueUses = new Map<string, number>();
  private readonly scopes: Scope[] = [];
  private usesJsx = false;

  constructor(
    private readonly text: string,
    private readonly typescript: boolean,
    private readonly declarationFile: boolean,
  ) {}

  run(file: t.File): ImportSite[] {
    this.tripleSlash(file);
    const program = file.program;
    for (const statement of program.body) this.topLevel(statement);
    this.withScope(this.blockScope(program.body, true), () => {
      for (const statement of program.body) this.visit(statement, false);
    });
    // The classic JSX transform turns `<A />` into `React.createElement(A)`: JSX uses `React`.
    if (this.usesJsx) this.valueUses.set('React', (this.valueUses.get('React') ?? 0) + 1);
    if (this.typescript) {
      // An import none of whose bindings is used as a value is dropped by the emit; so is anything
      // written as types only, and everything in a declaration file (it emits nothing).
      for (const p of this.pending) {
        if (!p.kept && !p.bindings.some((name) => (this.valueUses.get(name) ?? 0) > 0)) p.site.elided = true;
      }
      for (const s of this.sites) if (this.declarationFile || s.typeOnly) s.elided = true;
    }
    return this.sites.sort((a, b) => a.line - b.line || a.column - b.column);
  }

  // --- the sites ---------------------------------------------------------------------------

  private add(literal: { loc?: t.SourceLocation | null }, specifier: string, form: ImportForm, typeOnly: boolean, names?: string[]): ImportSite {
    const site: ImportSite = {
      specifier,
      form,
      typeOnly,
      line: literal.loc?.start.line ?? 1,
      column: (literal.loc?.start.column ?? 0) + 1,
    };
    if (names && names.length) site.names = names;
    this.sites.push(site);
    return site;
  }

  private tripleSlash(file: t.File): void {
    // TypeScript reads these directives only above the first statement.
    const firstStatement = file.program.body[0]?.start ?? Number.POSITIVE_INFINITY;
    for (const comment of file.comments ?? []) {
      if ((comment.start ?? 0) >= firstStatement) break;
      if (comment.type !== 'CommentLine') continue;
      const m = TRIPLE_SLASH.exec(comment.value);
      if (!m) continue;
      const site = this.add(comment, m[3], 'triple-slash-directive', true, undefined);
      site.reference = m[1] === 'types' ? 'types' : 'path';
      // Point at the value, not at the `///`.
      const offset = comment.value.indexOf(m[2] + m[3]) + 3;
      site.column += offset;
    }
  }

  /** Import and export declarations: TypeScript (and ES) allow them only at the top level. */
  private topLevel(node: t.Statement): void {
    switch (node.type) {
      case 'ImportDeclaration': {
        const specifiers = node.specifiers;
        const named = specifiers.filter((s): s is t.ImportSpecifier => s.type === 'ImportSpecifier');
        const typeOnly =
          node.importKind === 'type' ||
          node.importKind === 'typeof' ||
          // `import { type A, type B } from` (and `import {} from`, as dependency-cruiser reads it)
          (specifiers.length === named.length && this.hasBraces(node) && named.every((s) => s.importKind === 'type'));
        const names = specifiers.map((s) =>
          s.type === 'ImportDefaultSpecifier' ? 'default' : s.type === 'ImportNamespaceSpecifier' ? '*' : s.imported.type === 'Identifier' ? s.imported.name : s.imported.value,
        );
        const site = this.add(node.source, node.source.value, 'import', typeOnly, names);
        const bindings = specifiers.filter((s) => !(s.type === 'ImportSpecifier' && s.importKind === 'type')).map((s) => s.local.name);
        this.pending.push({ site, bindings, kept: specifiers.length === 0 && !this.hasBraces(node) });
        break;
      }
      case 'ExportNamedDeclaration': {
        if (!node.source) return;
        const specs = node.specifiers;
        const typeOnly =
          node.exportKind === 'type' || specs.every((s) => s.type === 'ExportSpecifier' && s.exportKind === 'type');
        const names = specs.map((s) =>
          s.type === 'ExportSpecifier' ? s.local.name : s.type === 'ExportNamespaceSpecifier' ? '*' : 'default',
        );
        this.add(node.source, node.source.value, 'export', typeOnly, names);
        break;
      }
      case 'ExportAllDeclaration':
        this.add(node.source, node.source.value, 'export', node.exportKind === 'type', ['*']);
        break;
      case 'TSImportEqualsDeclaration': {
        const ref = node.moduleReference;
        if (ref.type !== 'TSExternalModuleReference') return;
        const site = this.add(ref.expression, ref.expression.value, 'import-equals', node.importKind === 'type');
        this.pending.push({ site, bindings: [node.id.name], kept: node.isExport === true });
        break;
      }
      default:
        break;
    }
  }

  /** `import {} from 'x'` has braces; `import 'x'` has none. Babel gives both no specifiers. */
  private hasBraces(node: t.ImportDeclaration): boolean {
    if (node.specifiers.length > 0) return node.specifiers.some((s) => s.type === 'ImportSpecifier');
    // The text between `import` and the source is what tells them apart; the parser keeps positions.
    return this.text.slice(node.start ?? 0, node.source.start ?? 0).includes('{');
  }

  // --- scopes ------------------------------------------------------------------------------

  private withScope(scope: Scope, body: () => void): void {
    this.scopes.push(scope);
    try {
      body();
    } finally {
      this.scopes.pop();
    }
  }

  /** Whether `name` at this point means something declared in the file other than an import. */
  private shadowed(name: string): boolean {
    for (let i = this.scopes.length - 1; i >= 0; i--) if (this.scopes[i].names.has(name)) return true;
    return false;
  }

  /** Whether `require` here is Node's (nothing local declares it, or what does was made by createRequire). */
  private realRequire(): boolean {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const s = this.scopes[i];
      if (s.names.has('require')) return s.realRequire;
    }
    return true;
  }

  /** The lexical declarations of a block (and, for a function body or the program, its hoisted ones). */
  private blockScope(statements: readonly t.Node[], hoisting: boolean, extra: string[] = []): Scope {
    const scope: Scope = { names: new Set(extra), realRequire: false };
    const declare = (name: string, init?: t.Node | null): void => {
      scope.names.add(name);
      if (name === 'require' && isCreateRequireCall(init)) scope.realRequire = true;
    };
    for (const raw of statements) {
      const s = raw.type === 'ExportNamedDeclaration' || raw.type === 'ExportDefaultDeclaration' ? raw.declaration : raw;
      if (!s || isAmbient(s)) continue;
      if (s.type === 'VariableDeclaration' && s.kind !== 'var') for (const d of s.declarations) for (const n of patternNames(d.id)) declare(n, d.init);
      if ((s.type === 'ClassDeclaration' || s.type === 'FunctionDeclaration') && s.id) declare(s.id.name);
      if (s.type === 'TSEnumDeclaration' || (s.type === 'TSModuleDeclaration' && s.id.type === 'Identifier')) declare((s.id as t.Identifier).name);
    }
    if (hoisting) for (const s of statements) this.hoistVars(s, declare);
    return scope;
  }

  /** `var` declarations anywhere in a function body, not crossing into nested functions. */
  private hoistVars(node: t.Node | null | undefined, declare: (name: string, init?: t.Node | null) => void): void {
    if (!node || isFunctionNode(node) || node.type === 'ClassDeclaration' || node.type === 'ClassExpression') return;
    if (node.type === 'VariableDeclaration') {
      if (node.kind === 'var' && !isAmbient(node)) for (const d of node.declarations) for (const n of patternNames(d.id)) declare(n, d.init);
      return;
    }
    if (node.type.endsWith('Expression') || node.type.startsWith('TS')) return;
    for (const key of Object.keys(node)) {
      if (SKIP_KEYS.has(key)) continue;
      const value = (node as AnyNode)[key];
      if (Array.isArray(value)) {
        for (const v of value) if (v && typeof v === 'object' && 'type' in v) this.hoistVars(v as t.Node, declare);
      } else if (value && typeof value === 'object' && 'type' in value) {
        this.hoistVars(value as t.Node, declare);
      }
    }
  }

  // --- values ------------------------------------------------------------------------------

  private use(name: string): void {
    if (this.shadowed(name)) return;
    this.valueUses.set(name, (this.valueUses.get(name) ?? 0) + 1);
  }

  /** Walks `node` in a value position (`inType` false) or a type position (true). */
  private visit(node: t.Node | null | undefined, inType: boolean): void {
    if (!node) return;
    switch (node.type) {
      case 'ImportDeclaration':
      case 'TSImportEqualsDeclaration':
        if (node.type === 'TSImportEqualsDeclaration' && node.moduleReference.type !== 'TSExternalModuleReference') {
          // `import x = A.b` uses A as a value (when x survives; taken as surviving).
          this.visitEntity(node.moduleReference, inType);
        }
        return;
      case 'Identifier':
        if (!inType) this.use(node.name);
        return;
      case 'CallExpression':
        this.call(node, inType);
        return;
      case 'ImportExpression':
        this.dynamicImport(node.source, inType);
        this.visit((node as AnyNode).options as t.Node | null | undefined, inType);
        return;
      case 'TSImportType': {
        // `import('./x').T` in a type: a dependency only the compiler sees.
        const arg = (node as unknown as { argument: t.Node }).argument;
        const literal = arg.type === 'TSLiteralType' ? literalArgument(arg.literal) : literalArgument(arg);
        if (literal) this.add(literal, literalText(literal), 'type-import', true);
        this.visitChildren(node, true);
        return;
      }
      case 'MemberExpression':
      case 'OptionalMemberExpression':
        this.visit(node.object, inType);
        if (node.computed) this.visit(node.property, inType);
        return;
      case 'ObjectProperty':
        if (node.computed) this.visit(node.key, inType);
        this.visit(node.value, inType);
        return;
      case 'ClassProperty':
      case 'ClassPrivateProperty':
      case 'ClassAccessorProperty':
        if (isAmbient(node)) return;
        if ('computed' in node && node.computed) this.visit(node.key as t.Node, inType);
        this.visitAll(node.decorators, inType);
        this.visit(node.value, inType);
        return;
      case 'LabeledStatement':
        this.visit(node.body, inType);
        return;
      case 'BreakStatement':
      case 'ContinueStatement':
      case 'MetaProperty':
      case 'PrivateName':
        return;
      case 'ExportSpecifier':
        // Re-exporting an imported name keeps its import: the compiler cannot tell it is a type.
        if (node.exportKind !== 'type' && node.local.type === 'Identifier') this.use(node.local.name);
        return;
      case 'ExportNamedDeclaration':
        if (node.exportKind === 'type' || node.source) return;
        if (node.declaration) this.visit(node.declaration, inType);
        this.visitAll(node.specifiers, inType);
        return;
      case 'ExportDefaultDeclaration':
        this.visit(node.declaration, inType);
        return;
      case 'TSExportAssignment':
        this.visit(node.expression, inType);
        return;
      case 'JSXElement':
      case 'JSXFragment':
        this.usesJsx = true;
        this.visitChildren(node, inType);
        return;
      case 'JSXOpeningElement':
        this.jsxName(node.name, inType);
        this.visitAll(node.attributes, inType);
        this.visit(((node as AnyNode).typeArguments ?? (node as AnyNode).typeParameters) as t.Node | null | undefined, true);
        return;
      case 'JSXClosingElement':
      case 'JSXAttribute':
        if (node.type === 'JSXAttribute') this.visit(node.value, inType);
        return;
      case 'TSQualifiedName':
        this.visitEntity(node, inType);
        return;
      case 'TSInterfaceDeclaration':
      case 'TSTypeAliasDeclaration':
      case 'TSDeclareFunction':
      case 'TSDeclareMethod':
      case 'TSIndexSignature':
        this.visitChildren(node, true);
        return;
      case 'TSTypeQuery':
        // `typeof A` in a type refers to the value's type only: no value use.
        this.visitChildren(node, true);
        return;
      case 'VariableDeclaration':
        for (const d of node.declarations) {
          this.pattern(d.id, inType || isAmbient(node));
          this.visit(d.init, inType || isAmbient(node));
        }
        return;
      case 'ClassDeclaration':
      case 'ClassExpression':
        this.visitAll(node.decorators, inType || isAmbient(node));
        this.visit(node.superClass, inType || isAmbient(node));
        this.visit(node.superTypeParameters, true);
        this.visitAll(node.implements as t.Node[] | null | undefined, true);
        this.visit(node.typeParameters, true);
        this.visit(node.body, inType || isAmbient(node));
        return;
      case 'TSEnumDeclaration':
      case 'TSModuleDeclaration':
        if (isAmbient(node) || (node.type === 'TSEnumDeclaration' && node.const)) {
          this.visitChildren(node, true);
          return;
        }
        if (node.type === 'TSModuleDeclaration') {
          const body = node.body;
          if (body.type === 'TSModuleBlock') this.withScope(this.blockScope(body.body, true), () => this.visitAll(body.body, inType));
          else this.visit(body, inType);
          return;
        }
        for (const m of node.members) this.visit(m.initializer, inType);
        return;
      case 'CatchClause':
        this.withScope({ names: new Set(patternNames(node.param)), realRequire: false }, () => {
          this.pattern(node.param, inType);
          this.visit(node.body, inType);
        });
        return;
      case 'BlockStatement':
      case 'StaticBlock':
        this.withScope(this.blockScope(node.body, false), () => this.visitAll(node.body, inType));
        return;
      case 'ForStatement':
      case 'ForInStatement':
      case 'ForOfStatement': {
        const init = node.type === 'ForStatement' ? node.init : node.left;
        const names = init && init.type === 'VariableDeclaration' && init.kind !== 'var' ? init.declarations.flatMap((d) => patternNames(d.id)) : [];
        this.withScope({ names: new Set(names), realRequire: false }, () => this.visitChildren(node, inType));
        return;
      }
      case 'SwitchStatement':
        this.visit(node.discriminant, inType);
        this.withScope(this.blockScope(node.cases.flatMap((c) => c.consequent), false), () => this.visitAll(node.cases, inType));
        return;
      default:
        break;
    }
    if (isFunctionNode(node)) {
      this.fn(node, inType);
      return;
    }
    this.visitChildren(node, inType);
  }

  /** A qualified name `A.B.C` in an `import x = A.B.C` or a type: only its leftmost part is a reference. */
  private visitEntity(node: t.Node, inType: boolean): void {
    let left: t.Node = node;
    while (left.type === 'TSQualifiedName') left = left.left;
    if (left.type === 'Identifier' && !inType) this.use(left.name);
  }

  private jsxName(name: t.Node, inType: boolean): void {
    if (name.type === 'JSXIdentifier') {
      // TypeScript keeps an import named like an intrinsic element (`<div>`) too; only `<my-tag>` is no name.
      if (!inType && !name.name.includes('-')) this.use(name.name);
    } else if (name.type === 'JSXMemberExpression') {
      let object: t.Node = name;
      while (object.type === 'JSXMemberExpression') object = object.object;
      if (object.type === 'JSXIdentifier' && !inType) this.use(object.name);
    }
  }

  /** A binding pattern: only default values and computed keys are read. */
  private pattern(node: t.Node | null | undefined, inType: boolean): void {
    if (!node) return;
    switch (node.type) {
      case 'ObjectPattern':
        for (const p of node.properties) {
          if (p.type === 'RestElement') this.pattern(p.argument, inType);
          else {
            if (p.computed) this.visit(p.key, inType);
            this.pattern(p.value as t.Node, inType);
          }
        }
        this.visit(node.typeAnnotation, true);
        return;
      case 'ArrayPattern':
        for (const e of node.elements) this.pattern(e, inType);
        this.visit(node.typeAnnotation, true);
        return;
      case 'AssignmentPattern':
        this.pattern(node.left, inType);
        this.visit(node.right, inType);
        return;
      case 'RestElement':
        this.pattern(node.argument, inType);
        this.visit(node.typeAnnotation, true);
        return;
      case 'TSParameterProperty':
        this.visitAll(node.decorators, inType);
        this.pattern(node.parameter, inType);
        return;
      case 'Identifier':
        this.visitAll(node.decorators, inType);
        this.visit(node.typeAnnotation, true);
        return;
      default:
        // An assignment target such as `a.b` in `[a.b] = x`.
        this.visit(node, inType);
    }
  }

  private fn(node: t.Function, inType: boolean): void {
    const params = node.params.flatMap((p) => patternNames(p));
    // A named function expression sees its own name; arguments too.
    if (node.type === 'FunctionExpression' && node.id) params.push(node.id.name);
    if ('decorators' in node) this.visitAll(node.decorators as t.Node[] | null | undefined, inType);
    if ('key' in node && node.computed) this.visit(node.key as t.Node, inType);
    this.visit(node.typeParameters, true);
    this.visit(node.returnType, true);
    const body = node.body;
    const statements = body.type === 'BlockStatement' ? body.body : [];
    const scope = this.blockScope(statements, true, params);
    // A parameter named `require` is never Node's.
    this.withScope(scope, () => {
      for (const p of node.params) this.pattern(p, inType);
      if (body.type === 'BlockStatement') this.visitAll(body.body, inType);
      else this.visit(body, inType);
    });
  }

  private call(node: t.CallExpression, inType: boolean): void {
    const callee = node.callee;
    if (callee.type === 'Import') {
      this.dynamicImport(node.arguments[0], inType);
      this.visitAll(node.arguments.slice(1), inType);
      return;
    }
    if (callee.type === 'Identifier' && callee.name === 'require' && !inType) {
      const literal = literalArgument(node.arguments[0]);
      if (literal && this.realRequire()) {
        this.add(literal, literalText(literal), 'require', false);
        this.visitAll(node.arguments.slice(1), inType);
        return;
      }
    }
    this.visitChildren(node, inType);
  }

  private dynamicImport(arg: t.Node | undefined, inType: boolean): void {
    const literal = literalArgument(arg);
    if (literal) this.add(literal, literalText(literal), 'dynamic-import', false);
    else this.visit(arg, inType);
  }

  private visitAll(nodes: readonly (t.Node | null | undefined)[] | null | undefined, inType: boolean): void {
    if (!nodes) return;
    for (const n of nodes) this.visit(n, inType);
  }

  private visitChildren(node: t.Node, inType: boolean): void {
    for (const key of Object.keys(node)) {
      if (SKIP_KEYS.has(key)) continue;
      const value = (node as AnyNode)[key];
      const childInType = inType || TYPE_KEYS.has(key) || (node.type.startsWith('TS') && isTypeNode(node));
      if (Array.isArray(value)) {
        for (const v of value) if (v && typeof v === 'object' && typeof (v as { type?: unknown }).type === 'string') this.visit(v as t.Node, childInType);
      } else if (value && typeof value === 'object' && typeof (value as { type?: unknown }).type === 'string') {
        this.visit(value as t.Node, childInType);
      }
    }
  }
}

/** TypeScript nodes that carry values inside them; every other `TS…` node is a type. */
const TS_VALUE_NODES = new Set([
  'TSAsExpression',
  'TSSatisfiesExpression',
  'TSNonNullExpression',
  'TSTypeAssertion',
  'TSInstantiationExpression',
  'TSParameterProperty',
  'TSExportAssignment',
  'TSEnumDeclaration',
  'TSEnumMember',
  'TSModuleDeclaration',
  'TSModuleBlock',
  'TSDeclareFunction',
  'TSExpressionWithTypeArguments',
  'TSClassImplements',
  'TSInterfaceHeritage',
]);

function isTypeNode(node: t.Node): boolean {
  return !TS_VALUE_NODES.has(node.type);
}
