/**
 * Running git for the stage. Every call goes through `runGit`, which promises:
 *
 * - git is started directly (`spawn`), never through a shell: arguments are an array, so a file
 *   name or a task title can't be read as shell syntax on any platform.
 * - It never waits on a human: no credential prompt (`GIT_TERMINAL_PROMPT=0`), no pager, no stdin, no
 *   terminal.
 * - It never runs forever or fills memory: a timeout (which stops what git started too) and a cap on
 *   captured output, both per call.
 * - It works on the repository the caller names and no other: the `GIT_DIR`-style variables a parent
 *   process may have set (a git hook running our tests, say) are dropped, so `cwd` alone decides.
 * - A failure is a `GitError` naming the command, the folder, the exit code and git's own stderr, or a
 *   `GitNotFoundError` when git itself can't be started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

export const DEFAULT_GIT_TIMEOUT_MS = 60_000;
export const DEFAULT_GIT_MAX_BUFFER = 32 * 1024 * 1024;

export interface GitRunOptions {
  /** The folder git runs in; it decides which repository is meant. */
  cwd: string;
  /** The git executable (for an engineer's `git.path` setting); `git` on PATH by default. */
  gitPath?: string;
  /** Variables added to the cleaned environment, e.g. `GIT_INDEX_FILE` for a private index. */
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Cap on stdout and on stderr, each, in bytes. */
  maxBuffer?: number;
  /** Exit codes besides 0 that are answers rather than failures (`show-ref --verify` exits 1, etc). */
  okExitCodes?: readonly number[];
  signal?: AbortSignal;
  /** Written to git's stdin, which is then closed (for `--stdin` commands); otherwise stdin is /dev/null. */
  input?: string | Buffer;
}

export interface GitResult {
  stdout: string;
  /** stdout byte for byte (for blobs that may not be UTF-8 text). */
  stdoutBytes: Buffer;
  stderr: string;
  exitCode: number;
}

export type GitFailure = 'exit' | 'timeout' | 'output-too-large' | 'aborted' | 'missing-folder' | 'spawn';

/** git ran (or was meant to run in an existing folder) and did not do what was asked. */
export class GitError extends Error {
  override readonly name = 'GitError';

  constructor(
    readonly args: readonly string[],
    readonly cwd: string,
    readonly failure: GitFailure,
    readonly exitCode: number | null,
    readonly stderr: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`\`${formatGitCommand(args)}\` in "${cwd}" ${detail}`, options);
  }

  /** The command as a user would type it, for messages. */
  get command(): string {
    return formatGitCommand(this.args);
  }
}

/** The git executable could not be started: not installed, or not where the settings say. */
export class GitNotFoundError extends Error {
  override readonly name = 'GitNotFoundError';

  constructor(
    readonly gitPath: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Podium needs git but could not start "${gitPath}". Install git (https://git-scm.com), make sure ` +
        'it is on PATH (or set `git.path`), then reload VS Code.',
      options,
    );
  }
}

/**
 * Variables that point git at a repository, index or object store other than the one `cwd` is in.
 * A parent process may have set them (git exports them to hooks, so a test run from a pre-commit
 * hook inherits them); left in place they would make us read and write the wrong index.
 */
const REPOSITORY_LOCATING_VARIABLES = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_NAMESPACE',
  'GIT_PREFIX',
  'GIT_QUARANTINE_PATH',
];

/** The environment every git call gets: the process's, minus repository pointers, plus `extra`. */
export function gitEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of REPOSITORY_LOCATING_VARIABLES) delete env[name];
  return {
    ...env,
    GIT_TERMINAL_PROMPT: '0',
    GIT_PAGER: 'cat',
    PAGER: 'cat',
    // Never take optional locks (e.g. the index refresh `status` does): Podium reads the engineer's
    // repository while their editor and their own git commands use it.
    GIT_OPTIONAL_LOCKS: '0',
    // git's messages in one language, so the few we recognise (not a repository, dubious ownership)
    // are recognised on every machine. Paths are bytes to git and are not affected.
    LC_ALL: 'C',
    LANGUAGE: 'C',
    ...extra,
  };
}

/** Runs git with `args` in `options.cwd`. Resolves on exit 0 (or an `okExitCodes` code). */
export function runGit(args: readonly string[], options: GitRunOptions): Promise<GitResult> {
  const gitPath = options.gitPath ?? 'git';
  const timeoutMs = options.timeoutMs ?? DEFAULT_GIT_TIMEOUT_MS;
  const maxBuffer = options.maxBuffer ?? DEFAULT_GIT_MAX_BUFFER;
  const cwd = options.cwd;
  const fail = (failure: GitFailure, exitCode: number | null, stderr: string, detail: string, cause?: unknown) =>
    new GitError(args, cwd, failure, exitCode, stderr, detail, { cause });

  return new Promise<GitResult>((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(gitPath, ['--no-pager', ...args], {
        cwd,
        env: gitEnvironment(options.env),
        // stdin is /dev/null unless there is input: a command or hook that would read it gets EOF
        // instead of hanging.
        stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        windowsHide: true,
        // Its own process group (POSIX), so stopping it also stops what it started (hooks, aliases)
        // and nothing it runs can reach a terminal to prompt on.
        detached: process.platform !== 'win32',
      });
    } catch (error) {
      reject(fail('spawn', null, '', `could not run: ${String(error)}`, error));
      return;
    }

    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let stopped: { failure: GitFailure; detail: string } | undefined;
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;

    const settle = (action: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
      action();
    };
    const stop = (failure: GitFailure, detail: string) => {
      if (stopped || settled) return;
      stopped = { failure, detail };
      signalTree(child, 'SIGTERM');
      // A process that ignores SIGTERM, or a grandchild holding our pipes open, must not keep the
      // caller waiting: escalate, then give up on the pipes.
      killTimer = setTimeout(() => {
        signalTree(child, 'SIGKILL');
        settle(() => reject(fail(failure, null, text(err), detail)));
      }, 2000);
    };
    const onAbort = () => stop('aborted', 'was cancelled.');
    const timer = setTimeout(
      () =>
        stop(
          'timeout',
          `did not finish within ${formatSeconds(timeoutMs)} and was stopped. A very large repository, a slow ` +
            'disk or a git hook waiting for input can cause this.',
        ),
      timeoutMs,
    );
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });

    if (options.input !== undefined && child.stdin) {
      // git may exit before reading everything (a failure): that shows in its exit code, not as EPIPE.
      child.stdin.on('error', () => {});
      child.stdin.end(options.input);
    }
    child.stdout?.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > maxBuffer) stop('output-too-large', `printed more than ${maxBuffer} bytes and was stopped.`);
      else out.push(chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      errBytes += chunk.length;
      // stderr is only for messages: keep the start, which says what went wrong, and drop the rest.
      if (errBytes <= maxBuffer) err.push(chunk);
    });

    child.on('error', (error: NodeJS.ErrnoException) => {
      settle(() => {
        if (error.code === 'ENOENT') {
          // spawn reports a missing cwd with the same ENOENT as a missing executable.
          reject(
            existsSync(cwd)
              ? new GitNotFoundError(gitPath, { cause: error })
              : fail('missing-folder', null, '', 'could not run: the folder does not exist.', error),
          );
        } else {
          reject(fail('spawn', null, '', `could not run: ${error.message}`, error));
        }
      });
    });

    child.on('close', (code, signal) => {
      settle(() => {
        const stderr = text(err);
        if (stopped) reject(fail(stopped.failure, null, stderr, stopped.detail));
        else if (code === 0 || (code !== null && options.okExitCodes?.includes(code))) {
          const stdoutBytes = Buffer.concat(out);
          resolve({ stdout: stdoutBytes.toString('utf8'), stdoutBytes, stderr, exitCode: code });
        } else if (code !== null) {
          reject(fail('exit', code, stderr, `failed (exit code ${code})${stderr ? `: ${stderr}` : '.'}`));
        } else reject(fail('exit', null, stderr, `was killed by ${signal ?? 'a signal'}${stderr ? `: ${stderr}` : '.'}`));
      });
    });
  });
}

function signalTree(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (process.platform !== 'win32' && child.pid !== undefined) process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    // Already gone.
  }
}

function text(chunks: Buffer[]): string {
  return Buffer.concat(chunks).toString('utf8').trim();
}

function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`;
}

/** `git …` as a user would type it in a POSIX shell: arguments that need it are single-quoted. */
export function formatGitCommand(args: readonly string[]): string {
  return ['git', ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
