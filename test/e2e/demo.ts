/**
 * What the end-to-end tests share: the demo project in a fresh git repository, the packaged Podium
 * in a real VS Code (code-server) opened in a real browser, all taken down after each test (with a
 * screenshot first when the test failed), the score's frame, and New Task… answered from the
 * palette as a user answers it.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { launchBrowser, openWorkbench, ROOT, runCommand, startCodeServer, type CodeServer } from '../harness/codeServer';
import { installPackagedExtension } from './packagedExtension';

export const RESULTS = path.join(ROOT, 'test-results');

/** Runs git in a repository, as the test's own author; returns what it printed. */
export type Git = (...args: string[]) => string;

export interface DemoOptions {
  /** Keep the demo's `.podium/` (its rehearsal plan, which plays by itself when the window opens). */
  plan?: boolean;
  /** Lay it out as `npm start` does: its node_modules installed and a `.env`. */
  install?: boolean;
}

/** A copy of the demo in a new temporary git repository (branch main, one commit). */
export function demoWorkspace(name: string, options: DemoOptions = {}): { dir: string; git: Git } {
  const dir = mkdtempSync(path.join(tmpdir(), `podium-e2e-${name}-`));
  cpSync(path.join(ROOT, 'demo', 'template'), dir, { recursive: true });
  if (!options.plan) rmSync(path.join(dir, '.podium'), { recursive: true, force: true });
  if (options.install) {
    execFileSync('npm', ['ci', '--offline', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'ignore' });
    copyFileSync(path.join(dir, '.env.example'), path.join(dir, '.env'));
  }
  const git: Git = (...args) => execFileSync('git', ['-c', 'user.name=E2E', '-c', 'user.email=e2e@podium.invalid', ...args], { cwd: dir, encoding: 'utf8' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'demo');
  return { dir, git };
}

export interface Workbench {
  server: CodeServer;
  browser: Browser;
  /** The first window opened on the workspace. */
  page: Page;
  workspace: string;
  git: Git;
}

export interface OpenOptions extends DemoOptions {
  /** VS Code user settings for the run. */
  settings?: Record<string, unknown>;
  viewport?: { width: number; height: number };
}

/**
 * For a `describe` of end-to-end tests on the demo: `open()` makes the workspace, starts VS Code on it
 * with the packaged Podium and opens it in a browser; after each test, whatever was opened is closed
 * and removed (with `e2e-<name>-failure.png` when the test failed). `remove()` adds folders to remove.
 */
export function demoSuite(name: string): { open(options?: OpenOptions): Promise<Workbench>; remove(dir: string): string } {
  let opened: Partial<Workbench> = {};
  const dirs: string[] = [];
  afterEach(async function () {
    const { page, browser, server } = opened;
    if (this.currentTest?.state === 'failed' && page) {
      mkdirSync(RESULTS, { recursive: true });
      const which = this.currentTest.parent?.tests.length === 1 ? '' : `-${this.currentTest.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`;
      await page.screenshot({ path: path.join(RESULTS, `e2e-${name}${which}-failure.png`) }).catch(() => undefined);
    }
    await browser?.close();
    await server?.stop();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    opened = {};
  });
  return {
    async open(options = {}) {
      const extensionsDir = await installPackagedExtension();
      const { dir: workspace, git } = demoWorkspace(name, options);
      dirs.push(workspace);
      opened = { workspace, git };
      opened.server = await startCodeServer({ workspace, extensionsDir, ...(options.settings ? { settings: options.settings } : {}) });
      opened.browser = await launchBrowser();
      opened.page = await openWorkbench(opened.browser, opened.server, workspace, undefined, options.viewport);
      return opened as Workbench;
    },
    remove(dir) {
      dirs.push(dir);
      return dir;
    },
  };
}

/** The score's page inside its webview. */
export function scoreFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').first().frameLocator('iframe#active-frame');
}

export interface TaskAnswers {
  title: string;
  /** The prompt; the title is kept as the prompt when left out. */
  prompt?: string;
  /** Typed to filter the agents, e.g. `small feature`. */
  agent: string;
  /** The agent row to click (its text); the first row the filter leaves when left out. */
  row?: string;
}

/** Answers New Task…'s four questions (the first already showing); scope: anywhere. */
export async function answerNewTask(p: Page, task: TaskAnswers): Promise<void> {
  const title = (step: string) => p.locator('.quick-input-widget .quick-input-title', { hasText: step });
  const input = p.locator('.quick-input-widget input');
  await title('1/4').waitFor();
  await input.fill(task.title);
  await p.keyboard.press('Enter');
  await title('2/4').waitFor();
  if (task.prompt !== undefined) await input.fill(task.prompt);
  await p.keyboard.press('Enter');
  await title('3/4').waitFor();
  await input.fill(task.agent);
  await p.locator('.quick-input-list .monaco-list-row', { hasText: task.row ?? task.agent }).first().click();
  await title('4/4').waitFor();
  await p.keyboard.press('Enter');
}

/** Hands out a task from the palette: Podium: New Task…, answered. */
export async function newTask(p: Page, task: TaskAnswers): Promise<void> {
  await runCommand(p, 'Podium: New Task…');
  await answerNewTask(p, task);
}
