/**
 * Starts a real VS Code (code-server 4.100.3: the VS Code 1.100.3 workbench and Node extension host)
 * on loopback and opens it in Debian's Chromium through playwright-core. Used by the integration
 * suite (mocha inside the extension host) and the end-to-end tests (clicking in the workbench).
 *
 * Each server gets a fresh user-data folder and a free port, and is stopped (its whole process group)
 * by `stop()`. Install code-server first with scripts/install-vscode.sh.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const ROOT = path.resolve(__dirname, '..', '..');
export const CODE_SERVER_VERSION = '4.100.3';
export const CODE_SERVER_ENTRY = path.join(ROOT, '.vscode-test', `code-server-${CODE_SERVER_VERSION}`, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const CHROMIUM = process.env.PODIUM_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface CodeServerOptions {
  workspace: string;
  /** Settings written to the fresh user-data folder. */
  settings?: Record<string, unknown>;
  /** Extra environment for the server (and so the extension host). */
  env?: Record<string, string>;
  /** Folder of installed extensions; a fresh empty one by default. */
  extensionsDir?: string;
  /** A fixed port (the demo); a free one by default. */
  port?: number;
  /** Reuse this user-data folder (a restart after a crash); a fresh one by default. */
  userDataDir?: string;
}

export interface CodeServer {
  port: number;
  authority: string;
  userDataDir: string;
  extensionsDir: string;
  /** Everything the server printed, for diagnosing a failure. */
  output(): string;
  /** Resolves when the server process has exited. */
  exited: Promise<void>;
  stop(): Promise<void>;
  /** SIGKILL to the server and everything in its process group (the extension host included): a crash. */
  kill(): Promise<void>;
}

export function assertCodeServerInstalled(): void {
  if (!existsSync(CODE_SERVER_ENTRY)) {
    throw new Error(`code-server ${CODE_SERVER_VERSION} is not installed: run 'bash scripts/install-vscode.sh' (npm test does this for you).`);
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Runs a code-server process; extra CLI arguments (e.g. --install-extension) run it as a one-shot. */
export function codeServerCli(args: string[], env: Record<string, string> = {}): Promise<string> {
  assertCodeServerInstalled();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CODE_SERVER_ENTRY, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`code-server ${args.join(' ')} exited ${code}:\n${out}`))));
  });
}

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  assertCodeServerInstalled();
  const base = mkdtempSync(path.join(tmpdir(), 'podium-vscode-'));
  const userDataDir = options.userDataDir ?? path.join(base, 'user-data');
  const extensionsDir = options.extensionsDir ?? path.join(base, 'extensions');
  mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({
      'security.workspace.trust.enabled': false,
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'workbench.enableExperiments': false,
      'extensions.autoCheckUpdates': false,
      'update.mode': 'none',
      'telemetry.telemetryLevel': 'off',
      ...options.settings,
    }, null, 2),
  );
  const port = options.port ?? (await freePort());
  const child: ChildProcess = spawn(
    process.execPath,
    [CODE_SERVER_ENTRY, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check',
      '--disable-workspace-trust', '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, options.workspace],
    { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 5000);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited early (${child.exitCode}):\n${output}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer on port ${port} within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      return;
    }
    await exited;
  };
  return { port, authority: `127.0.0.1:${port}`, userDataDir, extensionsDir, output: () => output, exited, stop, kill };
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}: apt-get install -y chromium`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/** Opens the workbench on `folder`, optionally with a development extension and a test suite. */
export async function openWorkbench(
  browser: Browser,
  server: CodeServer,
  folder: string,
  payload?: { extensionDevelopmentPath?: string; extensionTestsPath?: string },
  viewport = { width: 1400, height: 900 },
): Promise<Page> {
  const page = await browser.newPage({ viewport });
  await watchWorkbench(page);
  let url = `http://${server.authority}/?folder=${encodeURIComponent(folder)}`;
  if (payload) {
    const entries: [string, string][] = [];
    if (payload.extensionDevelopmentPath) entries.push(['extensionDevelopmentPath', `vscode-remote://${server.authority}${payload.extensionDevelopmentPath}`]);
    if (payload.extensionTestsPath) entries.push(['extensionTestsPath', `vscode-remote://${server.authority}${payload.extensionTestsPath}`]);
    url += `&payload=${encodeURIComponent(JSON.stringify(entries))}`;
  }
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  return page;
}

/**
 * Runs a command from the palette by its title, as a user would. Right after the workbench loads the
 * extension host may not have registered every contribution yet, so the palette is reopened until
 * the command shows (up to `timeoutMs`).
 */
export async function runCommand(page: Page, title: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    // Each step has a short timeout and the whole sequence is retried: an editor that finishes
    // opening after the palette did takes the focus back and closes the palette.
    try {
      await input.waitFor({ state: 'visible', timeout: 5000 });
      await input.fill(`>${title}`, { timeout: 3000 });
      await row.waitFor({ state: 'visible', timeout: 3000 });
      await row.click({ timeout: 3000 });
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`The command palette never offered "${title}"`, { cause: err });
    }
  }
}

/**
 * What a user would have seen go wrong, recorded from the first moment a workbench page exists: every
 * error notification VS Code showed (toasts come and go, so they are collected as they appear), and
 * every Content-Security-Policy violation any frame reported (Chromium logs each one to the console,
 * webviews included).
 */
export interface WorkbenchTrouble {
  errorNotifications: string[];
  cspViolations: string[];
}

const trouble = new WeakMap<Page, WorkbenchTrouble>();

async function watchWorkbench(page: Page): Promise<void> {
  const seen: WorkbenchTrouble = { errorNotifications: [], cspViolations: [] };
  trouble.set(page, seen);
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) seen.cspViolations.push(`${msg.location().url}: ${msg.text()}`);
  });
  await page.exposeFunction('__podiumErrorNotification', (text: string) => {
    if (!seen.errorNotifications.includes(text)) seen.errorNotifications.push(text);
  });
  await page.addInitScript(() => {
    if (window.top !== window) return;
    const w = window as unknown as { __podiumErrorNotification(text: string): void };
    setInterval(() => {
      for (const item of Array.from(document.querySelectorAll('.notification-list-item'))) {
        if (!item.querySelector('.codicon-error')) continue;
        const text = item.querySelector('.notification-list-item-message')?.textContent?.trim();
        if (text) w.__podiumErrorNotification(text);
      }
    }, 200);
  });
}

/** What went wrong so far on a workbench page opened by `openWorkbench`. */
export function workbenchTrouble(page: Page): WorkbenchTrouble {
  const seen = trouble.get(page);
  if (!seen) throw new Error('This page was not opened by openWorkbench, so nothing watched it.');
  return seen;
}

/**
 * Fails when VS Code showed an error notification the test did not expect (`expected` matches the
 * ones it did), or a frame reported a Content-Security-Policy violation. A new user must see no
 * error that is not theirs.
 */
export async function assertNothingWentWrong(page: Page, expected: RegExp[] = []): Promise<void> {
  await new Promise((r) => setTimeout(r, 400)); // one more look at the notifications
  const seen = workbenchTrouble(page);
  const unexpected = seen.errorNotifications.filter((t) => !expected.some((re) => re.test(t)));
  if (unexpected.length || seen.cspViolations.length) {
    throw new Error(`A user would have seen:\n${[...unexpected.map((t) => `  error notification: ${t}`), ...seen.cspViolations.map((t) => `  CSP violation: ${t}`)].join('\n')}`);
  }
}

/**
 * Checks the score's webview as the browser runs it: its policy carries a nonce and allows no inline
 * script, every script on the page is the nonce'd bundle, and an inline script injected into it is
 * refused and reported (which shows the watch for violations is live). The injected one's report is
 * then forgotten; any other violation stays for `assertNothingWentWrong`.
 */
export async function checkScoreCsp(page: Page): Promise<{ policy: string }> {
  const seen = workbenchTrouble(page);
  for (const frame of page.frames()) {
    const found = await frame.evaluate(() => {
      const meta = document.querySelector('meta[http-equiv="Content-Security-Policy"]');
      // VS Code's own acquireVsCodeApi script goes in ahead of the page's policy; it is not the page's.
      const scripts = Array.from(document.querySelectorAll<HTMLScriptElement>('script:not(#_vscodeApiScript)')).map((s) => ({ src: s.getAttribute('src') ?? '', nonce: s.nonce || s.getAttribute('nonce') || '', inline: !s.getAttribute('src') }));
      return meta && scripts.some((s) => s.src.includes('score.js')) ? { policy: meta.getAttribute('content') ?? '', scripts } : undefined;
    }).catch(() => undefined);
    if (!found) continue;
    const scriptSrc = found.policy.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src')) ?? '';
    const nonce = /'nonce-([A-Za-z0-9+/=_-]{16,})'/.exec(scriptSrc)?.[1];
    if (!nonce) throw new Error(`The score's script-src carries no nonce: ${found.policy}`);
    if (/unsafe-inline|unsafe-eval|\*/.test(scriptSrc)) throw new Error(`The score's script-src lets more than its bundle run: ${scriptSrc}`);
    if (!/default-src 'none'/.test(found.policy)) throw new Error(`The score's policy does not start from default-src 'none': ${found.policy}`);
    for (const s of found.scripts) {
      if (s.inline) throw new Error('The score page holds an inline script.');
      if (s.nonce !== nonce) throw new Error(`The score's script ${s.src} does not carry the policy's nonce.`);
    }
    const before = seen.cspViolations.length;
    const ran = await frame.evaluate(() => {
      const w = window as unknown as { __podiumInlineRan?: boolean };
      const probe = document.createElement('script');
      probe.textContent = 'window.__podiumInlineRan = true;';
      document.body.appendChild(probe);
      probe.remove();
      return w.__podiumInlineRan === true;
    });
    if (ran) throw new Error('An inline script ran inside the score webview.');
    for (let i = 0; i < 50 && seen.cspViolations.length === before; i++) await new Promise((r) => setTimeout(r, 100));
    if (seen.cspViolations.length === before) throw new Error('The refused inline script was never reported: the CSP watch is blind.');
    seen.cspViolations.splice(before, seen.cspViolations.length - before, ...seen.cspViolations.slice(before).filter((v) => !/inline script/i.test(v)));
    return { policy: found.policy };
  }
  throw new Error('No frame holds the score webview.');
}
