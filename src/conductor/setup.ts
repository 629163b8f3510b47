/**
 * Making a task worktree ready to work in, before its agent enters: ignored files carried over from
 * the workspace (`podium.worktrees.carry`), then the workspace's setup commands
 * (`podium.worktrees.setup`) run in the worktree.
 *
 * Setup commands are argv arrays run without a shell, one after the other, each in its own process
 * group with a time limit; their output streams onto the task's row as command entries, and the first
 * failure stops the task with the reason. Nothing here runs unless the conductor was asked to start a
 * task, which it refuses in an untrusted workspace.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { ProcessStartError, spawnSupervised } from '../agents/process';
import type { EventBody } from '../score';
import { carryIgnored, type CarryResult, type CarryRule } from '../stage/carry';
import { runGit } from '../stage/git';

/** What a workspace asks of its task worktrees (from settings). */
export interface WorktreePreparation {
  /** Commands, each an argv array, run in order in the worktree's workspace folder. */
  setup: string[][];
  /** How long each setup command may run. */
  setupTimeoutSec: number;
  carry: CarryRule[];
}

export const DEFAULT_SETUP_TIMEOUT_SEC = 600;

/** A failure of the preparation; `message` is the reason shown on the task's row. */
export class PreparationError extends Error {
  override readonly name = 'PreparationError';
}

// Output is posted to the score in pieces at most this often, so a chatty `npm ci` costs a few events
// a second rather than one per line.
const OUTPUT_INTERVAL_MS = 250;
// What one command may put on the score; the rest is counted, and the tail kept for a failure's reason.
const MAX_SHOWN_OUTPUT = 256 * 1024;
const FAILURE_TAIL_CHARS = 2000;

/** Markers, beside a worktree's git files, that its carry and its setup ran to the end. */
const CARRY_DONE_FILE = 'podium-carry-done';
const SETUP_DONE_FILE = 'podium-setup-done';

export interface PrepareOptions {
  prep: WorktreePreparation;
  /** The engineer's workspace folder (carry's source). */
  workspace: string;
  /** The worktree's folder that mirrors the workspace: carry's target and the commands' folder. */
  workspaceDir: string;
  /** A worktree just made: carry into it. One kept from an earlier run has what was carried, unless that failed. */
  fresh: boolean;
  /** Run the setup even though it completed in this worktree before (a restart that asks for it). */
  rerunSetup: boolean;
  emit(body: EventBody): void;
  signal: AbortSignal;
}

/**
 * Carries and sets up. Resolves when the worktree is ready; rejects with a PreparationError saying
 * what failed, or with the signal's reason once aborted (the task was stopped).
 */
export async function prepareWorktree(options: PrepareOptions): Promise<void> {
  const { prep, emit } = options;
  const gitDir = await worktreeGitDir(options.workspaceDir);
  const carryMarker = path.join(gitDir, CARRY_DONE_FILE);
  // A worktree kept from an earlier run has what was carried, unless carrying failed there.
  if (prep.carry.length > 0 && (options.fresh || !(await exists(carryMarker)))) {
    let carried: CarryResult;
    try {
      carried = await carryIgnored({ workspace: options.workspace, workspaceDir: options.workspaceDir, rules: prep.carry, signal: options.signal });
    } catch (error) {
      options.signal.throwIfAborted();
      throw new PreparationError((error as Error).message, { cause: error });
    }
    await fs.writeFile(carryMarker, `${JSON.stringify(prep.carry)}\n`);
    emit({ type: 'notice', level: 'info', code: 'worktree-carry', text: describeCarry(carried) });
  }
  if (prep.setup.length === 0) return;
  const marker = path.join(gitDir, SETUP_DONE_FILE);
  if ((await exists(marker)) && !options.rerunSetup) return;
  await fs.rm(marker, { force: true });
  emit({ type: 'notice', level: 'info', code: 'worktree-setup', text: `Setting up the worktree: ${prep.setup.length === 1 ? 'one command' : `${prep.setup.length} commands`} from podium.worktrees.setup.` });
  for (const [i, argv] of prep.setup.entries()) {
    await runSetupCommand(argv, `setup-${i + 1}-${Date.now().toString(36)}`, options);
  }
  await fs.writeFile(marker, `${JSON.stringify(prep.setup)}\n`);
}

/** Sentences about a setting's value that cannot run; empty when it is fine. */
export function setupProblems(setup: unknown): string[] {
  if (setup === undefined || setup === null) return [];
  if (!Array.isArray(setup)) return ['podium.worktrees.setup must be a list of commands, each a list of words such as ["npm", "ci"].'];
  const problems: string[] = [];
  for (const command of setup) {
    if (!Array.isArray(command) || command.length === 0 || !command.every((w) => typeof w === 'string') || !command[0]) {
      problems.push(
        `podium.worktrees.setup: ${JSON.stringify(command)} is not a command. Write each as a list of words, the program first, such as ["npm", "ci"]; ` +
          'it is run without a shell, so write ["sh", "-c", "…"] for shell syntax.',
      );
    }
  }
  return problems;
}

async function runSetupCommand(argv: string[], entry: string, options: PrepareOptions): Promise<void> {
  const { emit, signal, workspaceDir: cwd } = options;
  const timeoutSec = options.prep.setupTimeoutSec;
  const shown = argv.map(quoteWord).join(' ');
  signal.throwIfAborted();
  emit({ type: 'agent.command', entry, command: argv, cwd });

  const decoder = new StringDecoder('utf8');
  let pending = '';
  let shownChars = 0;
  let hidden = 0;
  let tail = '';
  const take = (chunk: Buffer) => {
    const text = decoder.write(chunk);
    tail = (tail + text).slice(-FAILURE_TAIL_CHARS);
    if (shownChars + text.length <= MAX_SHOWN_OUTPUT) {
      pending += text;
      shownChars += text.length;
    } else hidden += text.length;
  };
  const flush = () => {
    if (!pending) return;
    emit({ type: 'agent.command', entry, command: argv, output: pending });
    pending = '';
  };
  let proc;
  try {
    // stdout and stderr are one stream on the row, as in a terminal.
    proc = await spawnSupervised({ argv, cwd, label: argv[0], onStderr: take });
  } catch (error) {
    const why = error instanceof ProcessStartError && error.reason === 'not-found'
      ? `the program "${argv[0]}" was not found on the PATH`
      : error instanceof ProcessStartError && error.reason === 'not-executable'
        ? `"${argv[0]}" is not executable`
        : (error as Error).message;
    emit({ type: 'agent.command', entry, command: argv, exitCode: null, output: `Could not start: ${why}.\n` });
    throw new PreparationError(`Setup could not start \`${shown}\`: ${why}. Fix podium.worktrees.setup, then restart the task.`);
  }
  proc.stdin.end();

  const ticker = setInterval(flush, OUTPUT_INTERVAL_MS);
  proc.stdout.on('data', take);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void proc.stop(3000);
  }, timeoutSec * 1000);
  const onAbort = () => void proc.stop(3000);
  signal.addEventListener('abort', onAbort, { once: true });
  const exit = await proc.exited;
  clearTimeout(timer);
  clearInterval(ticker);
  signal.removeEventListener('abort', onAbort);
  take(Buffer.alloc(0));
  pending += decoder.end();
  if (hidden > 0) pending += `\n… ${hidden.toLocaleString('en-US')} more characters of output not shown.\n`;
  emit({ type: 'agent.command', entry, command: argv, exitCode: exit.code, output: pending || undefined });
  signal.throwIfAborted();

  const lastWords = tail.trim() ? ` Its last output:\n${tail.trim()}` : '';
  if (timedOut) {
    throw new PreparationError(
      `Setup stopped \`${shown}\`: it ran past its limit of ${timeoutSec} s (podium.worktrees.setupTimeoutSec). ` +
        `Raise the limit or make the command faster, then restart the task.${lastWords}`,
    );
  }
  if (exit.code !== 0) {
    const how = exit.code === null ? `was killed by ${exit.signal ?? 'a signal'}` : `exited with code ${exit.code}`;
    throw new PreparationError(`Setup failed: \`${shown}\` ${how} in ${cwd}. Fix the project or podium.worktrees.setup, then restart the task.${lastWords}`);
  }
}

function describeCarry(result: CarryResult): string {
  const how = { clone: 'cloned (copy-on-write)', copy: 'copied', link: 'linked, read-only' } as const;
  const parts = result.carried.map((c) => `${c.path} (${how[c.means]}${c.means === 'link' ? '' : `, ${c.files.toLocaleString('en-US')} file${c.files === 1 ? '' : 's'}`})`);
  const sentences = [parts.length > 0 ? `Carried into the worktree: ${parts.join(', ')}.` : 'Nothing to carry into the worktree.'];
  if (result.unmatched.length > 0) sentences.push(`No ignored path matched ${result.unmatched.map((g) => `"${g}"`).join(', ')}.`);
  for (const s of result.skipped) sentences.push(`Left ${s.path} alone: ${s.reason}.`);
  return sentences.join(' ');
}

function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(() => true, () => false);
}

async function worktreeGitDir(dir: string): Promise<string> {
  const out = await runGit(['rev-parse', '--git-dir'], { cwd: dir });
  return path.resolve(dir, out.stdout.trim());
}

function quoteWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
