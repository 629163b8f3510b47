// The tree-sitter runtime and grammars Podium ships (src/coherence/treeSitter.ts loads them): copied
// beside the bundle into dist/grammars/ by esbuild.mjs, so an installed extension finds them without
// node_modules. `node scripts/grammars.mjs <folder>` copies them into <folder>/grammars (tests use it).
import { cpSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

/** [package, file]: the runtime's wasm, then each grammar's own build. */
export const GRAMMARS = [
  ['web-tree-sitter', 'web-tree-sitter.wasm'],
  ['tree-sitter-python', 'tree-sitter-python.wasm'],
  ['tree-sitter-go', 'tree-sitter-go.wasm'],
];

export function copyGrammars(outdir) {
  const dest = path.join(outdir, 'grammars');
  mkdirSync(dest, { recursive: true });
  for (const [pkg, file] of GRAMMARS) cpSync(require.resolve(`${pkg}/${file}`), path.join(dest, file));
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) copyGrammars(process.argv[2] ?? 'dist');
