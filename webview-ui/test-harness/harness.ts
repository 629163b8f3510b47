/**
 * The browser test harness: one headless Chromium (Debian's, never a downloaded one) and one local
 * server for the whole run, a fresh browser context per test, and a screenshot in test-results/
 * when a test fails. Loaded by mocha as a root-hook plugin (see test/browser/.mocharc.json), for the
 * browser tests beside the webview's code (`*.browser.test.ts` in its feature folders) and those in
 * test/browser.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startServer, type HarnessServer } from './server';

const REPO = join(__dirname, '..', '..');
const CHROMIUM = '/usr/bin/chromium';
const RESULTS = join(REPO, 'test-results');

let browser: Browser | undefined;
let server: HarnessServer | undefined;
let current: { context: BrowserContext; page: Page } | undefined;

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(120_000);
    if (!existsSync(join(REPO, 'dist/webview/score.js')) || !existsSync(join(REPO, 'dist/webview/score.css'))) {
      throw new Error('dist/webview/score.js or score.css is missing: run `node esbuild.mjs` before the browser tests.');
    }
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium).`);
    server = await startServer();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  },

  async afterEach(this: Mocha.Context) {
    const open = current;
    current = undefined;
    if (!open) return;
    if (this.currentTest?.state === 'failed') {
      mkdirSync(RESULTS, { recursive: true });
      const name = (this.currentTest.fullTitle() || 'failure').replace(/[^a-z0-9]+/gi, '-').slice(0, 120);
      await open.page.screenshot({ path: join(RESULTS, `${name}.png`) }).catch(() => undefined);
    }
    await open.context.close();
  },

  async afterAll() {
    await browser?.close();
    await server?.close();
  },
};

export type Theme = 'dark' | 'light';

export interface Fixture {
  source: { folder: string; label: string; readOnly: boolean };
  /** The host's `config` message for the fixture, when it has one. */
  config?: Record<string, unknown> & { trusted: boolean };
  events: Array<Record<string, unknown> & { session: string; seq: number; ts: number; type: string }>;
}

export function recordedSessions(): Fixture {
  return recordedFixture('recorded-session.json');
}

/** A recorded fixture from test/fixtures by file name (recorded-conductor.json…). */
export function recordedFixture(name: string): Fixture {
  return JSON.parse(readFileSync(join(REPO, 'test/fixtures', name), 'utf8')) as Fixture;
}

/** What a test drives: the page, and the messages both ways. */
export interface ScoreView {
  page: Page;
  /** Console errors and uncaught exceptions the page produced. */
  errors: string[];
  /** Posts a host → webview message exactly as the extension host will. */
  post(message: unknown): Promise<void>;
  /** Sends `reset` and then the fixture's events in batches, like the host reading journals. */
  load(fixture?: Fixture, batchSize?: number): Promise<void>;
  /** Messages the app sent to the host. */
  sent(): Promise<Array<Record<string, unknown>>>;
  cspViolations(): Promise<string[]>;
  setTheme(theme: Theme): Promise<void>;
}

export async function openScore(options: { theme?: Theme; width?: number; height?: number } = {}): Promise<ScoreView> {
  if (!browser || !server) throw new Error('the browser harness did not start (see the root hook)');
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
    deviceScaleFactor: 1,
    locale: 'en-US',
    timezoneId: 'UTC', // the fixture's times read 09:12:03… in UTC
    colorScheme: options.theme === 'light' ? 'light' : 'dark',
  });
  const page = await context.newPage();
  current = { context, page };
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}?theme=${options.theme ?? 'dark'}`);

  const view: ScoreView = {
    page,
    errors,
    post: (message) => page.evaluate((m) => (globalThis as unknown as Window).postMessage(m, '*'), message),
    async load(fixture = recordedSessions(), batchSize = 20) {
      await view.post({ type: 'reset', source: fixture.source, total: fixture.events.length });
      for (let i = 0; i < fixture.events.length; i += batchSize) {
        await view.post({ type: 'events', events: fixture.events.slice(i, i + batchSize) });
      }
      await page.locator('[data-testid="event-count"]').filter({ hasText: count(fixture.events.length) }).waitFor();
    },
    sent: () => page.evaluate(() => ((globalThis as unknown as { __podiumSent?: Array<Record<string, unknown>> }).__podiumSent ?? []).slice()),
    cspViolations: () => page.evaluate(() => (globalThis as unknown as { podiumHarness: { cspViolations: string[] } }).podiumHarness.cspViolations.slice()),
    setTheme: (theme) => page.evaluate((t) => (globalThis as unknown as { podiumHarness: { setTheme(t: string): void } }).podiumHarness.setTheme(t), theme),
  };
  return view;
}

/** Numbers as the header shows them. */
export function count(n: number): string {
  return new Intl.NumberFormat('en-US').format(n);
}

/** Waits until `check` passes, retrying; for conditions no locator can express. */
export async function eventually(check: () => Promise<void> | void, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

export const repoPath = (...parts: string[]) => join(REPO, ...parts);

// `Window` is not in this tsconfig's libs (the test project is Node-only); the page functions above
// only need postMessage from it.
interface Window {
  postMessage(message: unknown, targetOrigin: string): void;
}
