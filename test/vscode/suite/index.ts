/**
 * Entry of the integration suite, loaded by VS Code's extension host (desktop VS Code through
 * @vscode/test-electron, or code-server through test/vscode/run.ts). Runs every bundled *.test.js
 * beside this file with mocha and writes mocha's JSON report to PODIUM_TEST_RESULTS when set, since
 * the extension host's exit code does not reach a driver in code-server.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const resultsFile = process.env.PODIUM_TEST_RESULTS;
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
  for (const file of readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort()) {
    mocha.addFile(path.join(__dirname, file));
  }
  return new Promise((resolve, reject) => {
    const passes: { title: string }[] = [];
    const failures: { title: string; error: string }[] = [];
    const runner = mocha.run((failed) => {
      const report = { passes: passes.length, failures: failures.length, tests: [...passes.map((p) => ({ ...p, state: 'passed' })), ...failures.map((f) => ({ ...f, state: 'failed' }))] };
      if (resultsFile) writeFileSync(resultsFile, JSON.stringify(report, null, 2));
      if (failed > 0) reject(new Error(`${failed} integration test(s) failed`));
      else resolve();
    });
    runner.on('pass', (test) => passes.push({ title: test.fullTitle() }));
    runner.on('fail', (test, err: Error) => failures.push({ title: test.fullTitle(), error: `${err.message}\n${err.stack ?? ''}` }));
  });
}
