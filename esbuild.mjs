// One build script for both bundles: the extension (Node, CommonJS, `vscode` external) and the
// webview (browser, IIFE). `--production` minifies and drops sourcemaps; `--watch` rebuilds on change
// and prints start/finish lines a VS Code background task can follow.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { copyGrammars } from './scripts/grammars.mjs';
import { buildIcon } from './scripts/icon.mjs';
import { zodEnglishOnly } from './scripts/zodEnglishOnly.mjs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Prints build start/end so a problem matcher (and a human) can follow watch mode. */
const reporter = (name) => ({
  name: 'reporter',
  setup(build) {
    build.onStart(() => console.log(`[watch] ${name} build started`));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log(`[watch] ${name} build finished`);
    });
  },
});

/**
 * The webview's tests live beside its code (`*.test.ts`, `*.browser.test.ts`, a test's page
 * `*.harness.tsx`); a bundle that reaches one fails to build rather than ship it.
 */
const noTests = {
  name: 'no-tests',
  setup(build) {
    build.onLoad({ filter: /\.test\.tsx?$|\.harness\.tsx$/ }, (args) => ({ errors: [{ text: `${args.path} is a test file: no bundle may import it` }] }));
  },
};

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'silent',
  legalComments: 'none',
};

const builds = [
  {
    ...common,
    entryPoints: {
      // Activation only: stand-ins for the commands, the panel's restorer, the Sessions view.
      extension: 'src/vscode/extension.ts',
      // Everything a session needs (conductor, agents, staging, webview host, replay), loaded on first use.
      session: 'src/vscode/session.ts',
      // The rehearsal agent: a separate Node program the extension spawns (demo default, test peer).
      rehearsal: 'src/rehearsal/main.ts',
      // The coherence engine and its parsers, loaded by the extension when a change is first checked.
      coherence: 'src/coherence/index.ts',
    },
    outdir: 'dist',
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: ['vscode'],
    // jsonc-parser's UMD build requires its parts at run time; its ES build bundles.
    mainFields: ['module', 'main'],
    plugins: [zodEnglishOnly, reporter('extension')],
  },
  {
    // `podium check`: the coherence checker on the command line (package.json "bin").
    ...common,
    entryPoints: { cli: 'src/cli/main.ts' },
    outdir: 'dist',
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    // jsonc-parser's UMD build requires its parts at run time; its ES build bundles.
    mainFields: ['module', 'main'],
    plugins: [zodEnglishOnly, reporter('cli')],
  },
  {
    ...common,
    entryPoints: { 'webview/score': 'webview-ui/src/app/main.tsx' },
    outdir: 'dist',
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    loader: { '.ttf': 'file' },
    define: { 'process.env.NODE_ENV': production ? '"production"' : '"development"' },
    plugins: [zodEnglishOnly, noTests, reporter('webview')],
  },
];

function copyAssets() {
  mkdirSync('dist/webview', { recursive: true });
  for (const f of ['codicon.css', 'codicon.ttf']) {
    cpSync(`node_modules/@vscode/codicons/dist/${f}`, `dist/webview/${f}`);
  }
  // The rehearsal agent's scripts ship beside it.
  cpSync('src/rehearsal/scripts', 'dist/rehearsal-scripts', { recursive: true });
  // The Python and Go parsers (tree-sitter's wasm runtime and grammars), loaded on first use.
  copyGrammars('dist');
  // The Marketplace icon, drawn from the activity bar's SVG (vsce reads it from media/).
  buildIcon();
}

// A production build starts from nothing, so no development leftovers (source maps) can ship.
if (production) rmSync('dist', { recursive: true, force: true });
copyAssets();
if (watch) {
  for (const options of builds) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  }
} else {
  const results = await Promise.allSettled(builds.map((b) => esbuild.build(b)));
  const failed = results.filter((r) => r.status === 'rejected');
  if (failed.length) process.exit(1);
}
