/**
 * `npm start`: the demo on a fresh machine. Builds and packages Podium, makes sure the local VS Code
 * (code-server 4.100.3) is installed, lays out the demo workspace (demo/workspace, a git repository
 * made from demo/template plus recorded sessions), installs the packaged extension and serves VS Code
 * on loopback. Prints the address to open; Ctrl-C stops everything.
 *
 * Options: --port N (default: PODIUM_PORT or 8765), --keep (reuse demo/workspace as it is).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { ROOT, startCodeServer } from '../test/harness/codeServer';
import { ensureSystemPackages, NEEDS } from './system-packages.mjs';
import { installPackagedExtension } from '../test/e2e/packagedExtension';

const args = process.argv.slice(2);
const portArg = args.indexOf('--port');
const port = Number(portArg >= 0 ? args[portArg + 1] : process.env.PODIUM_PORT ?? 8765);
const keep = args.includes('--keep');
const demo = path.join(ROOT, 'demo', 'workspace');

function git(...argv: string[]): void {
  execFileSync('git', argv, { cwd: demo, stdio: 'ignore' });
}

function npm(...argv: string[]): void {
  execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', argv, { cwd: demo, stdio: 'ignore', shell: process.platform === 'win32' });
}

function layOutDemo(): void {
  if (keep && existsSync(demo)) return;
  rmSync(demo, { recursive: true, force: true });
  cpSync(path.join(ROOT, 'demo', 'template'), demo, { recursive: true });
  // What the project's tests need and git does not hold, as an engineer's checkout has it: its
  // node_modules (a local package, so no network), its .env and its generated code. Task worktrees
  // get the first two carried and the third from the setup (demo/template/.vscode/settings.json).
  npm('ci', '--offline', '--no-audit', '--no-fund');
  copyFileSync(path.join(demo, '.env.example'), path.join(demo, '.env'));
  npm('run', 'generate');
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'demo@podium.invalid');
  git('config', 'user.name', 'Podium Demo');
  git('add', '-A');
  git('commit', '-q', '-m', 'Demo project');
  // The plan in .podium/rehearsal.json hands out the rehearsal tasks when Podium opens here.
}

async function main(): Promise<void> {
  // A fresh machine: what is missing is installed (as root, with apt) or named in one command.
  ensureSystemPackages(NEEDS.start);
  console.log('Podium demo: building and packaging the extension…');
  const extensionsDir = await installPackagedExtension();
  layOutDemo();
  const server = await startCodeServer({ workspace: demo, extensionsDir, port: Number.isFinite(port) ? port : undefined });
  const url = `http://${server.authority}/?folder=${encodeURIComponent(demo)}`;
  console.log(`\nPodium is running in VS Code at\n\n    ${url}\n\nOpen it in a browser: Podium opens its score with four rehearsal agents playing. Hand out more with
"Podium: New Task…" (F1), or open a recorded session with "Podium: Open Session Journal…".\nCtrl-C stops everything.\n`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping Podium demo…');
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  await server.exited;
  if (!stopping) {
    console.error(`VS Code stopped on its own:\n${server.output().slice(-4000)}`);
    process.exit(1);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
