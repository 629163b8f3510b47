// The Debian packages `npm start` and `npm test` need besides Node and npm: ripgrep (VS Code's search,
// linked into the local VS Code build), Chromium (the browser the tests drive), git, and what
// rebuilding the local VS Code's native modules takes (g++, make, python3). When one is missing and
// apt can be used (root, apt-get present) it is installed, and said so; otherwise this stops at once
// with the one command to run. `node scripts/system-packages.mjs start|test` does it from a shell.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const BUILD = [
  { command: 'git', package: 'git' },
  { command: 'rg', package: 'ripgrep' },
  { command: 'g++', package: 'g++' },
  { command: 'make', package: 'make' },
  { command: 'python3', package: 'python3' },
];

/** What each entry point needs on the PATH, as commands and the Debian packages that bring them. */
export const NEEDS = {
  start: BUILD,
  test: [...BUILD, { command: 'chromium', package: 'chromium' }],
};

/** Where `command` is on `pathVar` (looked up file by file, no shell), or undefined. */
export function findOnPath(command, pathVar = process.env.PATH ?? '') {
  for (const dir of pathVar.split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, command);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

export class MissingPackagesError extends Error {
  constructor(packages, command) {
    super(`Podium needs the Debian package${packages.length > 1 ? 's' : ''} ${packages.join(', ')}, not installed here. Run\n\n    ${command}\n\nand then run this again.`);
    this.name = 'MissingPackagesError';
    this.packages = packages;
    this.command = command;
  }
}

/**
 * Makes sure every need is on the PATH. Resolves with the packages it installed (none when nothing
 * was missing); rejects with MissingPackagesError, whose message is the one command to run, when
 * something is missing and apt cannot be used here, or with apt's own words when apt failed.
 */
export function ensureSystemPackages(needs, options = {}) {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line) => console.log(line));
  const root = options.root ?? process.getuid?.() === 0;
  const missing = needs.filter((n) => !findOnPath(n.command, env.PATH));
  if (missing.length === 0) return [];
  const packages = [...new Set(missing.map((n) => n.package))].sort();
  const aptGet = findOnPath('apt-get', env.PATH) ?? (existsSync('/usr/bin/apt-get') ? '/usr/bin/apt-get' : undefined);
  if (!root || !aptGet) {
    const command = `${root ? '' : 'sudo '}apt-get install -y ${packages.join(' ')}`;
    throw new MissingPackagesError(packages, command);
  }
  log(`Podium needs ${packages.join(', ')} (${missing.map((n) => n.command).join(', ')} not on the PATH): installing with apt-get, as root…`);
  // apt runs with the system's own PATH (as sudo would give it), whatever the caller's is.
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive', PATH: [env.PATH, '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'].filter(Boolean).join(path.delimiter) };
  const apt = (args) => {
    const r = spawnSync(aptGet, ['-o', 'DPkg::Lock::Timeout=300', ...args], { env: aptEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.error) throw new Error(`apt-get could not run: ${r.error.message}`);
    if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${r.status}):\n${(r.stderr || r.stdout).trim().split('\n').slice(-8).join('\n')}`);
  };
  // The package lists on a fresh machine may be missing or stale: read them anew only when the
  // install cannot go ahead with what is there.
  try {
    apt(['install', '-y', '-qq', ...packages]);
  } catch {
    apt(['update', '-qq']);
    apt(['install', '-y', '-qq', ...packages]);
  }
  const still = missing.filter((n) => !findOnPath(n.command, env.PATH));
  if (still.length > 0) {
    throw new Error(`apt-get installed ${packages.join(', ')}, but ${still.map((n) => n.command).join(', ')} is still not on the PATH (${env.PATH}). Add the folder it was installed into (see dpkg -L ${still[0].package}) to the PATH.`);
  }
  log(`Installed ${packages.join(', ')}.`);
  return packages;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const which = process.argv[2] ?? 'test';
  if (!(which in NEEDS)) {
    console.error(`Usage: node scripts/system-packages.mjs ${Object.keys(NEEDS).join('|')}`);
    process.exit(2);
  }
  try {
    ensureSystemPackages(NEEDS[which]);
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
}
