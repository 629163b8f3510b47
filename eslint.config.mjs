// Lint: typescript-eslint's recommended rules, plus the module boundaries DESIGN.md draws (the
// coherence checker will police them too, once it lands): only src/vscode imports 'vscode', and
// the score core imports neither 'vscode' nor Node built-ins, so the webview can import it.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['fs', 'path', 'os', 'child_process', 'crypto', 'zlib', 'stream', 'util', 'events', 'net', 'http'];
const browserSafe = 'The score core and the webview run in the browser too: no Node built-ins.';

export default tseslint.config(
  { ignores: ['dist/**', 'dist-test/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'demo/workspace/**', 'test-results/**', '.bench-cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', __dirname: 'readonly', URL: 'readonly', fetch: 'readonly', window: 'readonly', document: 'readonly', performance: 'readonly', globalThis: 'readonly', structuredClone: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', queueMicrotask: 'readonly', setImmediate: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/vscode/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: "Only src/vscode may import 'vscode' (see ARCHITECTURE.md)." }] }] },
  },
  {
    files: ['src/score/**/*.ts', 'src/protocol.ts', 'webview-ui/**/*.ts', 'webview-ui/**/*.tsx'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          { name: 'vscode', message: 'The score core and the webview never import vscode.' },
          ...nodeBuiltins.map((name) => ({ name, message: browserSafe })),
        ],
        patterns: [{ group: ['node:*'], message: browserSafe }],
      }],
    },
  },
  {
    // Tests run under mocha in Node, including the webview's own beside the code they test
    // (webview-ui/src/**/*.test.ts, *.browser.test.ts) and their browser harness: they may use Node
    // and mocha's globals, and still never import 'vscode'.
    files: ['test/**/*.ts', 'webview-ui/src/**/*.test.ts', 'webview-ui/test-harness/**/*.ts'],
    languageOptions: { globals: { describe: 'readonly', it: 'readonly', before: 'readonly', after: 'readonly', beforeEach: 'readonly', afterEach: 'readonly', Mocha: 'readonly' } },
  },
  {
    files: ['webview-ui/src/**/*.test.ts', 'webview-ui/test-harness/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'The webview\'s tests never import vscode.' }] }] },
  },
);
