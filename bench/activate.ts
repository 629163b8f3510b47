/**
 * Activation: the time from loading the extension's startup bundle to the end of `activate`, in a
 * fresh Node process each time (nothing cached, as when VS Code starts), against an empty
 * extension's bundle doing the least any extension does (one command registered). Both are built
 * here the way the production build builds them (esbuild, minified, `vscode` external) and given the
 * same stand-in `vscode` module, so what differs is Podium's own code. Also shown, without a
 * baseline: loading the session bundle, which a session pays the first time it is needed (the first
 * command, the panel restored, the Sessions view shown, or right after activation in a workspace with a
 * `.podium` folder), off activation's path.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { result, type BenchSection } from './harness';

/** Runs in a fresh Node: a stand-in `vscode`, then times require(bundle) + activate(context). */
const PROBE = `
const Module = require('node:module');
const path = require('node:path');
const [bundle, manifest, extensionPath, mode, apiNames] = process.argv.slice(2);
class EventEmitter { constructor() { this.event = () => ({ dispose() {} }); } fire() {} dispose() {} }
const disposable = () => ({ dispose() {} });
const anything = new Proxy(function () {}, { get: (t, k) => (k === 'then' ? undefined : anything), apply: () => anything, construct: () => anything });
const vscode = {
  EventEmitter,
  commands: { registerCommand: disposable, executeCommand: async () => undefined },
  window: { createTreeView: () => ({ dispose() {} }), registerWebviewPanelSerializer: disposable },
  workspace: { workspaceFolders: undefined },
};
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'vscode') return mode === 'session' ? { ...Object.fromEntries(apiNames.split(',').map((n) => [n, anything])), ...vscode } : vscode;
  return load.call(this, request, ...rest);
};
const packageJSON = JSON.parse(require('node:fs').readFileSync(manifest, 'utf8'));
const context = { subscriptions: [], extensionPath, extension: { packageJSON } };
const t0 = process.hrtime.bigint();
const ext = require(bundle);
if (mode !== 'session') ext.activate(context);
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
process.stdout.write(String(ms));
`;

const EMPTY_EXTENSION = `import * as vscode from 'vscode';
export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.commands.registerCommand('empty.hello', () => vscode.window.showInformationMessage('Hello')));
}
`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const section: BenchSection = {
  title: 'Activation: load the startup bundle and run activate, fresh Node each time (vs an empty extension)',
  async run(ctx) {
    const dir = await ctx.tmpdir();
    const root = path.resolve('.');
    const { zodEnglishOnly } = await import('../scripts/zodEnglishOnly.mjs');
    const options: esbuild.BuildOptions = { bundle: true, minify: true, format: 'cjs', platform: 'node', target: 'node20', external: ['vscode'], mainFields: ['module', 'main'], plugins: [zodEnglishOnly], logLevel: 'silent', outdir: path.join(dir, 'dist') };
    await esbuild.build({ ...options, entryPoints: { extension: 'src/vscode/extension.ts', session: 'src/vscode/session.ts' } });
    writeFileSync(path.join(dir, 'empty.ts'), EMPTY_EXTENSION);
    await esbuild.build({ ...options, entryPoints: { empty: path.join(dir, 'empty.ts') } });
    writeFileSync(path.join(dir, 'probe.cjs'), PROBE);
    const manifest = path.join(root, 'package.json');
    // Every name the real API exports, so the session bundle's top level finds what it reads there.
    const apiNames = [...new Set([...readFileSync(path.join(root, 'node_modules', '@types', 'vscode', 'index.d.ts'), 'utf8').matchAll(/^\s+export (?:class|enum|namespace|const|function) (\w+)/gm)].map((m) => m[1]!))].join(',');
    const runs = ctx.quick ? 3 : 15;
    const measure = (bundle: string, mode: string): number[] => {
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const r = spawnSync(process.execPath, [path.join(dir, 'probe.cjs'), bundle, manifest, dir, mode, apiNames], { encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`the activation probe failed: ${r.stderr}`);
        times.push(Number(r.stdout));
      }
      return times;
    };
    // Interleaved, so a busy moment of the machine falls on both alike.
    const podium: number[] = [];
    const empty: number[] = [];
    for (let i = 0; i < 2; i++) {
      empty.push(...measure(path.join(dir, 'dist', 'empty.js'), 'activate'));
      podium.push(...measure(path.join(dir, 'dist', 'extension.js'), 'activate'));
    }
    const session = measure(path.join(dir, 'dist', 'session.js'), 'session');
    const kb = (f: string) => (readFileSync(path.join(dir, 'dist', f)).length / 1024).toFixed(1);
    ctx.log(`startup bundle ${kb('extension.js')} KB, empty extension ${kb('empty.js')} KB, session bundle ${kb('session.js')} KB`);
    ctx.log(`activate p50 ${median(podium).toFixed(2)} ms (empty ${median(empty).toFixed(2)} ms); session bundle load p50 ${median(session).toFixed(1)} ms`);
    return [
      result('activate: load the startup bundle to the end of activate, p50, Podium vs an empty extension', median(podium), median(empty), 'ms'),
      result('activate: the session bundle loaded on first use (off activation), p50', median(session), null, 'ms'),
    ];
  },
};

export default section;
