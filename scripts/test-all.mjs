// `npm test`: every suite, in order of cost, each in its own process so one crash cannot hide
// another's results: unit (plain Node; test/unit and the webview's *.test.ts beside its code, see
// .mocharc.json), browser (the webview in Debian's Chromium; its *.browser.test.ts beside its code and
// test/browser, see test/browser/.mocharc.json), faults (see
// test/faults), integration
// (mocha inside a real VS Code extension host, code-server), end-to-end (a user clicking in a real
// VS Code) and live (the real agent CLIs, up to their sign-in). Prints one closing line "N passed, N failed" over all of them.
// `npm test -- unit browser` runs only the named stages.
import { spawn } from 'node:child_process';
import { ensureSystemPackages, NEEDS } from './system-packages.mjs';

const node = process.execPath;
const STAGES = {
  unit: [[node, ['node_modules/mocha/bin/mocha.js']]],
  browser: [[node, ['esbuild.mjs']], [node, ['node_modules/mocha/bin/mocha.js', '--config', 'test/browser/.mocharc.json']]],
  // What a tool that holds unreviewed work must survive: a fresh machine, kill -9, torn journals,
  // floods, escapes through links, hostile input, a long soak, secrets.
  faults: [[node, ['esbuild.mjs']], [node, ['node_modules/mocha/bin/mocha.js', '--config', 'test/faults/.mocharc.json']]],
  integration: [[node, ['--import', 'tsx', 'test/vscode/run.ts']]],
  e2e: [[node, ['node_modules/mocha/bin/mocha.js', '--config', 'test/e2e/.mocharc.json']]],
  // The real Claude Code, Codex, Gemini CLI and Claude ACP bridge (pinned, installed into
  // .agent-clis/): up to their sign-in, and doing scripted work against the scripted model endpoint.
  live: [[node, ['node_modules/mocha/bin/mocha.js', '--config', 'test/live/.mocharc.json']]],
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const w of wanted) {
  if (!(w in STAGES)) {
    console.error(`Unknown test stage "${w}"; stages: ${Object.keys(STAGES).join(', ')}`);
    process.exit(2);
  }
}
const stages = wanted.length ? wanted : Object.keys(STAGES);

// A fresh machine: install what is missing (as root, with apt) or stop now with the command to run,
// rather than fail test after test for want of a browser.
try {
  ensureSystemPackages(stages.every((s) => s === 'unit') ? NEEDS.test.filter((n) => n.command === 'git') : NEEDS.test);
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}

function run(cmd, args) {
  return new Promise((resolve) => {
    let out = '';
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
    child.stdout.on('data', (d) => { process.stdout.write(d); out += d; });
    child.stderr.on('data', (d) => { process.stderr.write(d); out += d; });
    child.on('exit', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), out }));
  });
}

/** Counts from mocha's spec reporter ("N passing", "N failing") or our own "N passed, N failed". */
function counts(out) {
  const num = (re) => [...out.matchAll(re)].reduce((n, m) => n + Number(m[1]), 0);
  return {
    passed: num(/^\s*(\d+) passing/gm) + num(/: (\d+) passed, \d+ failed/gm),
    failed: num(/^\s*(\d+) failing/gm) + num(/: \d+ passed, (\d+) failed/gm),
    pending: num(/^\s*(\d+) pending/gm),
  };
}

const started = Date.now();
const summary = [];
let failedStages = 0;
for (const name of stages) {
  console.log(`\n━━ ${name} ━━`);
  const t0 = Date.now();
  let result = { code: 0, out: '' };
  let out = '';
  for (const [cmd, args] of STAGES[name]) {
    result = await run(cmd, args);
    out += result.out;
    if (result.code !== 0) break;
  }
  const c = counts(out);
  const ok = result.code === 0 && c.failed === 0 && c.passed > 0;
  if (!ok) failedStages += 1;
  summary.push({ name, ...c, ok, seconds: Math.round((Date.now() - t0) / 1000), code: result.code });
}

console.log('\n━━ summary ━━');
for (const s of summary) {
  console.log(`${s.ok ? '✔' : '✘'} ${s.name.padEnd(12)} ${String(s.passed).padStart(4)} passed ${String(s.failed).padStart(3)} failed ${s.pending ? `${s.pending} pending ` : ''}(${s.seconds} s${s.ok ? '' : `, exit ${s.code}${s.passed === 0 ? ', no test ran' : ''}`})`);
}
const total = summary.reduce((t, s) => ({ passed: t.passed + s.passed, failed: t.failed + s.failed + (s.ok || s.failed ? 0 : 1) }), { passed: 0, failed: 0 });
console.log(`all stages in ${Math.round((Date.now() - started) / 1000)} s`);
console.log(`${total.passed} passed, ${total.failed} failed`);
process.exit(failedStages === 0 ? 0 : 1);
