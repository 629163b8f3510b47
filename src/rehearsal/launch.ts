/**
 * How to start the rehearsal agent as a process: what the conductor puts in an AgentLaunch for the
 * built-in demo profile, and what tests use.
 */
import * as path from 'node:path';

export interface RehearsalCommandOptions {
  /** The agent's entry: `dist/rehearsal.js` in the extension, `src/rehearsal/main.ts` from source (run through tsx). */
  entry: string;
  /** The script file to play. */
  script: string;
  /** Where the agent logs what it heard (else PODIUM_REHEARSAL_LOG from env, if any). */
  log?: string;
  /** The Node runtime; defaults to this process's. */
  node?: string;
}

/**
 * argv and env for the rehearsal agent. Promises a command that runs under plain Node and under VS
 * Code's own runtime alike (ELECTRON_RUN_AS_NODE makes Electron behave as Node).
 */
export function rehearsalCommand(options: RehearsalCommandOptions): { argv: string[]; env: Record<string, string> } {
  const node = options.node ?? process.execPath;
  const loader = path.extname(options.entry) === '.ts' ? ['--import', 'tsx'] : [];
  const argv = [node, ...loader, options.entry, '--script', options.script];
  if (options.log) argv.push('--log', options.log);
  return { argv, env: { ELECTRON_RUN_AS_NODE: '1' } };
}
