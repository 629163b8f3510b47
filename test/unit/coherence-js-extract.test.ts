import assert from 'node:assert/strict';
import ts from 'typescript';
import { extractJsImports } from '../../src/coherence/js/extract';
import type { ImportSite } from '../../src/coherence/model';

/** The imports as `form specifier` lines, in file order, with the flags that are set. */
function summary(path: string, text: string): string[] {
  const { imports, error } = extractJsImports(path, text);
  assert.equal(error, undefined, error && `${error.message} at ${error.line}:${error.column}`);
  return imports.map((s) => `${s.form} ${s.specifier}${s.typeOnly ? ' type-only' : ''}${s.elided ? ' elided' : ''}`);
}

/**
 * What TypeScript's own emit keeps: the module specifiers its own pre-processor finds in the output of
 * `transpileModule` (`jsx: react` for .tsx, as dependency-cruiser transpiles; CommonJS output, the one
 * in which `import x = require()` survives too).
 */
function survivingInEmit(path: string, text: string): string[] {
  const output = ts.transpileModule(text, {
    fileName: path,
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, jsx: ts.JsxEmit.React },
  }).outputText;
  return [...new Set(ts.preProcessFile(output, true, true).importedFiles.map((f) => f.fileName))].sort();
}

function keptByPodium(path: string, text: string): string[] {
  const { imports } = extractJsImports(path, text);
  return [...new Set(imports.filter((s: ImportSite) => !s.elided).map((s) => s.specifier))].sort();
}

describe('coherence: JavaScript and TypeScript imports are read by a real parser', () => {
  it('finds every form of import a TypeScript file can write, where it is written', () => {
    const text = [
      '/// <reference path="./globals.d.ts" />',
      '/// <reference types="node" />',
      "import type { T } from './types';",
      "import { a } from './a';",
      "import './side-effect';",
      "export { b } from './b';",
      "export * from './star';",
      "import e = require('./e');",
      'export const x = [a, e];',
      "const lazy = () => import('./lazy');",
      'const lazier = () => import(`./template`);',
      "const r = require('./required');",
      "let q: import('./in-a-type').Q;",
    ].join('\n');
    assert.deepEqual(summary('src/x.ts', text), [
      'triple-slash-directive ./globals.d.ts type-only elided',
      'triple-slash-directive node type-only elided',
      'import ./types type-only elided',
      'import ./a',
      'import ./side-effect',
      'export ./b',
      'export ./star',
      'import-equals ./e',
      'dynamic-import ./lazy',
      'dynamic-import ./template',
      'require ./required',
      'type-import ./in-a-type type-only elided',
    ]);
    const a = extractJsImports('src/x.ts', text).imports.find((s) => s.specifier === './a');
    assert.deepEqual({ line: a?.line, column: a?.column, names: a?.names }, { line: 4, column: 19, names: ['a'] });
  });

  it('never counts an import written in a comment, a string or a template with expressions', () => {
    const text = [
      "// import x from './in-a-line-comment';",
      "/* require('./in-a-block-comment') */",
      'const s = "import y from \'./in-a-string\'";',
      "const t = `require('./in-a-template')`;",
      'const dyn = (name) => import(`./pages/${name}`);',
      "const notALiteral = require('./a' + suffix);",
      "import real from './real';",
    ].join('\n');
    assert.deepEqual(summary('src/x.js', text), ['import ./real']);
  });

  it("counts Node's require, not a local function or parameter named require, but one made by createRequire", () => {
    const local = [
      "function require(name) { return name; }",
      "require('./local-function');",
      "function g(require) { return require('./parameter'); }",
      "module.exports = require;",
    ].join('\n');
    assert.deepEqual(summary('src/local.cjs', local), []);

    const global = ["const a = require('./a');", "function h() { return require(`./b`); }", "require.resolve('./not-a-load');"].join('\n');
    assert.deepEqual(summary('src/global.cjs', global), ['require ./a', 'require ./b']);

    const created = ["import { createRequire } from 'node:module';", 'const require = createRequire(import.meta.url);', "const c = require('./c.cjs');"].join('\n');
    assert.deepEqual(summary('src/esm.mjs', created), ['import node:module', 'require ./c.cjs']);
  });

  it('reads JSX in .jsx and .js, TypeScript casts in .ts and TSX in .tsx', () => {
    assert.deepEqual(summary('src/App.jsx', "import Button from './Button';\nexport const App = () => <Button label=\"x\" />;"), ['import ./Button']);
    assert.deepEqual(summary('src/App.js', "import Button from './Button';\nexport const App = () => <Button />;"), ['import ./Button']);
    assert.deepEqual(summary('src/cast.ts', "import { A } from './a';\nexport const v = <A>(null as unknown);"), ['import ./a elided']);
    assert.deepEqual(summary('src/App.tsx', "import React from 'react';\nimport { Button } from './Button';\nexport const App = () => <Button />;"), [
      'import react',
      'import ./Button',
    ]);
  });

  it('marks type-only imports: import type, every binding marked type, export type', () => {
    const text = [
      "import type A from './a';",
      "import { type B, type C } from './bc';",
      "import { type D, e } from './de';",
      "export type { F } from './f';",
      "export { type G } from './g';",
      "export type * from './h';",
      'export const v = e;',
    ].join('\n');
    assert.deepEqual(summary('src/x.ts', text), [
      'import ./a type-only elided',
      'import ./bc type-only elided',
      'import ./de',
      'export ./f type-only elided',
      'export ./g type-only elided',
      'export ./h type-only elided',
    ]);
  });

  it('reads the syntax current code is written in', () => {
    const files: Record<string, string> = {
      'accessor.ts': "import { v } from './v';\nclass A { accessor x = v; }\nexport { A };",
      'using.ts': "import { open } from './open';\nusing r = open();\nawait using s = open();\nexport {};",
      'satisfies.ts': "import { v } from './v';\nexport const x = v satisfies object;\nexport const enum E { A }\nabstract class K { abstract f(): void }",
      'legacy-decorators.ts': "import { Inject } from './di';\nexport class C { constructor(@Inject() x: number) {} }",
      'standard-decorators.ts': "import { dec } from './dec';\nexport @dec class B {}",
      'attributes.mjs': "import json from './x.json' with { type: 'json' };\nconsole.log(import.meta.url, json);\nawait 1;",
      'top-level-await.ts': "const r = await import('./lazy');\n",
      'generic-arrow.tsx': "import { T } from './t';\nexport const f = <X,>(x: X): T => x as T;\nexport const C = () => <></>;",
      'return.cjs': "if (done) return;\nrequire('./x');",
      'sloppy.js': "import './side';\nconst b = 1;",
      'module.cts': "import x = require('./x');\nexport = x;",
    };
    for (const [file, text] of Object.entries(files)) {
      const { error, imports } = extractJsImports(`src/${file}`, text);
      assert.equal(error, undefined, `${file}: ${error?.message}`);
      assert.ok(imports.length > 0, `${file} has an import`);
    }
  });

  it('a file that does not parse is an error with the line and column where the parser stopped, and no imports', () => {
    const result = extractJsImports('src/broken.ts', "import { a } from './a';\n\nconst x = ;\n");
    assert.deepEqual(result.imports, []);
    assert.equal(result.error?.line, 3);
    assert.equal(result.error?.column, 11);
    assert.match(result.error?.message ?? '', /Unexpected token/);
    assert.equal(extractJsImports('src/generic.ts', 'const x = <T,>(y: T) => y;').error, undefined);
    assert.ok(extractJsImports('src/jsx-in-ts.ts', 'const x = <div />;').error, 'JSX is not TypeScript without the x');
  });

  describe('an import TypeScript drops from its output is elided, exactly as transpileModule drops it', () => {
    const cases: Record<string, string> = {
      'used only as a type': "import { A } from './a';\nexport let x: A;",
      'used as a value': "import { A } from './a';\nexport const x = A;",
      'typeof in a type position is no value use': "import { A } from './a';\nexport let x: typeof A;",
      'a parameter that shadows the import': "import { A } from './a';\nexport function f(A: number) { return A; }",
      'a local const that shadows it in a block': "import { A } from './a';\nexport function f() { { const A = 1; return A; } }",
      'a class extends a value, implements a type': "import { Base } from './base';\nimport { Shape } from './shape';\nexport class C extends Base implements Shape {}",
      'a namespace import used for a type only': "import * as ns from './ns';\nexport let x: ns.T;",
      'a namespace import used for a value': "import * as ns from './ns';\nexport const x = ns.make();",
      'a default import in a generic argument only': "import D from './d';\nexport const x = make<D>();",
      're-exporting an imported name keeps it': "import { A } from './a';\nexport { A };",
      're-exporting it as a type drops it': "import { A } from './a';\nexport type { A };",
      'a type-only re-export from elsewhere': "export type { T } from './t';\nexport { V } from './v';",
      'import = require, type use and value use': "import t = require('./t');\nimport v = require('./v');\nexport let a: t.T;\nexport const b = v.x;",
      'side-effect imports always stay': "import './polyfill';\nimport {} from './empty-braces';",
      'a decorator is a value': "import { dec } from './dec';\n@dec\nexport class C {}",
      'an enum initializer is a value': "import { K } from './k';\nexport enum E { A = K }",
      'a declare const is ambient': "import { A } from './a';\ndeclare const x: A;\nexport { x };",
      'object shorthand and default parameter values': "import { a } from './a';\nimport { b } from './b';\nexport const o = { a };\nexport function f(x = b) { return x; }",
      'a property name is not a use': "import { a } from './a';\nexport const o = { a: 1 };\nexport const p = o.a;",
      'as and satisfies keep the value, drop the type': "import { V } from './v';\nimport { T } from './t';\nexport const x = V as T;\nexport const y = V satisfies T;",
      'a type alias and an interface use types only': "import { A } from './a';\nimport { B } from './b';\nexport type X = A;\nexport interface I extends B {}",
      'a mixed import with one value binding used': "import { A, B } from './ab';\nexport let x: A;\nexport const y = B;",
    };
    for (const [name, text] of Object.entries(cases)) {
      it(name, () => {
        assert.deepEqual(keptByPodium('src/case.ts', text), survivingInEmit('src/case.ts', text));
      });
    }

    const tsxCases: Record<string, string> = {
      'JSX uses React and the component': "import React from 'react';\nimport { Button } from './Button';\nimport { Props } from './props';\nexport const App = (p: Props) => <Button {...p} />;",
      'an element named like an import uses it, even lower-case': "import React from 'react';\nimport { div } from './div';\nexport const App = () => <div />;",
      'a member expression component': "import React from 'react';\nimport * as UI from './ui';\nexport const App = () => <UI.Button />;",
    };
    for (const [name, text] of Object.entries(tsxCases)) {
      it(`(tsx) ${name}`, () => {
        assert.deepEqual(keptByPodium('src/App.tsx', text), survivingInEmit('src/App.tsx', text));
      });
    }

    it('a declaration file keeps nothing', () => {
      const text = "import { A } from './a';\nexport declare const x: A;\nexport { B } from './b';";
      assert.deepEqual(keptByPodium('src/types.d.ts', text), []);
    });

    it('plain JavaScript keeps every import (nothing is elided)', () => {
      const text = "import { A } from './a';\nimport B from './b';\nexport const x = 1;";
      assert.deepEqual(keptByPodium('src/plain.js', text), ['./a', './b']);
    });
  });
});
