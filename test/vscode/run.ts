/**
 * Runs the integration suite (test/vscode/suite) inside a real VS Code extension host: code-server
 * 4.100.3 loads Podium as a development extension and the suite as its extension tests, through the
 * workbench URL's `payload`; Chromium only hosts the workbench page. The suite writes its results to
 * a file this driver waits for. Exit code 0 only when every test passed.
 *
 * Usage: node --import tsx test/vscode/run.ts   (npm run test:vscode)
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { launchBrowser, openWorkbench, ROOT, startCodeServer } from '../harness/codeServer';

const SUITE_OUT = path.join(ROOT, 'dist-test', 'vscode');

async function main(): Promise<number> {
  execFileSync('bash', [path.join(ROOT, 'scripts', 'install-vscode.sh')], { stdio: 'inherit' });
  execFileSync(process.execPath, [path.join(ROOT, 'esbuild.mjs')], { cwd: ROOT, stdio: 'inherit' });
  rmSync(SUITE_OUT, { recursive: true, force: true });
  const suiteDir = path.join(ROOT, 'test', 'vscode', 'suite');
  await esbuild.build({
    entryPoints: readdirSync(suiteDir).filter((f) => f.endsWith('.ts')).map((f) => path.join(suiteDir, f)),
    outdir: SUITE_OUT,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });

  const workspace = mkdtempSync(path.join(tmpdir(), 'podium-it-ws-'));
  cpSync(path.join(ROOT, 'test', 'fixtures', 'recorded-workspace'), workspace, { recursive: true });
  const results = path.join(mkdtempSync(path.join(tmpdir(), 'podium-it-results-')), 'results.json');
  const server = await startCodeServer({ workspace, env: { PODIUM_TEST_RESULTS: results } });
  const browser = await launchBrowser();
  let code: number;
  try {
    const page = await openWorkbench(browser, server, workspace, { extensionDevelopmentPath: ROOT, extensionTestsPath: SUITE_OUT });
    const deadline = Date.now() + 300_000;
    while (!existsSync(results) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    if (!existsSync(results)) {
      const shot = path.join(ROOT, 'test-results', 'vscode-integration-timeout.png');
      mkdirSync(path.dirname(shot), { recursive: true });
      await page.screenshot({ path: shot });
      console.error(`The integration suite wrote no results within 5 minutes (screenshot: ${shot}).\n--- code-server output ---\n${server.output()}`);
      return 1;
    }
    await new Promise((r) => setTimeout(r, 200)); // the file is written in one call; let it land
    const report = JSON.parse(readFileSync(results, 'utf8')) as { passes: number; failures: number; tests: { title: string; state: string; error?: string }[] };
    for (const t of report.tests) console.log(`  ${t.state === 'passed' ? '✔' : '✘'} ${t.title}${t.error ? `\n      ${t.error.split('\n').slice(0, 6).join('\n      ')}` : ''}`);
    console.log(`\nintegration (VS Code ${'1.100.3'} extension host): ${report.passes} passed, ${report.failures} failed`);
    if (report.failures > 0) {
      const shot = path.join(ROOT, 'test-results', 'vscode-integration-failure.png');
      mkdirSync(path.dirname(shot), { recursive: true });
      await page.screenshot({ path: shot });
    }
    code = report.failures === 0 && report.passes > 0 ? 0 : 1;
  } finally {
    await browser.close();
    await server.stop();
    rmSync(workspace, { recursive: true, force: true });
  }
  return code;
}

main().then((code) => process.exit(code), (err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
