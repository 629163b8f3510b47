/**
 * Builds the production .vsix once per test run and installs it into a fresh extensions folder with
 * code-server's own `--install-extension`, so the end-to-end tests exercise exactly what users install.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { codeServerCli, ROOT } from '../harness/codeServer';

let packaged: string | undefined;
let packagingOutput = '';

/** What `vsce package` printed (both streams) when the .vsix of this run was built. */
export function packageOutput(): string {
  return packagingOutput;
}

export function packageVsix(): string {
  if (packaged && existsSync(packaged)) return packaged;
  execFileSync('bash', [path.join(ROOT, 'scripts', 'install-vscode.sh')], { stdio: 'inherit' });
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'podium-vsix-')), 'podium.vsix');
  execFileSync(process.execPath, [path.join(ROOT, 'esbuild.mjs'), '--production'], { cwd: ROOT, stdio: 'inherit' });
  const vsce = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--out', out], { cwd: ROOT, encoding: 'utf8' });
  packagingOutput = `${vsce.stdout}${vsce.stderr}`;
  if (vsce.status !== 0) throw new Error(`vsce package failed (exit ${vsce.status}):\n${packagingOutput}`);
  return (packaged = out);
}

/** A fresh extensions folder with the packaged Podium installed in it. */
export async function installPackagedExtension(): Promise<string> {
  const vsix = packageVsix();
  const extensionsDir = mkdtempSync(path.join(tmpdir(), 'podium-extensions-'));
  await codeServerCli(['--extensions-dir', extensionsDir, '--install-extension', vsix]);
  return extensionsDir;
}
