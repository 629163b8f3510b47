/**
 * Entry point of the rehearsal agent process: `node dist/rehearsal.js --script <file> [--log <file>]`.
 * It speaks ACP on stdin/stdout until the client closes the connection. The log (also settable with
 * PODIUM_REHEARSAL_LOG) receives one JSON line per prompt heard, answer received, file touched.
 *
 * A script that cannot be read or is not valid is reported on stderr with exit code 2, before any
 * protocol is spoken, so the client shows the reason among the agent's last error output.
 */
import { Readable, Writable } from 'node:stream';
import { fileLog, rehearsalAgent } from './agent';
import { loadScript, ScriptError, type Script } from './script';

const USAGE = 'usage: rehearsal --script <file.json> [--log <file>]';

function parseArgs(args: string[]): { script?: string; log?: string } {
  const out: { script?: string; log?: string } = {};
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    if (arg === '--script' || arg === '--log') {
      const value = args[i + 1];
      if (value === undefined) throw new ScriptError(`${arg} needs a file. ${USAGE}`);
      out[arg === '--script' ? 'script' : 'log'] = value;
      i += 1;
    } else {
      throw new ScriptError(`Unknown argument ${JSON.stringify(arg)}. ${USAGE}`);
    }
  }
  return out;
}

async function main(): Promise<void> {
  let script: Script;
  let logFile: string | undefined;
  try {
    const args = parseArgs(process.argv.slice(2));
    if (!args.script) throw new ScriptError(`No script given. ${USAGE}`);
    script = loadScript(args.script);
    logFile = args.log ?? process.env.PODIUM_REHEARSAL_LOG;
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  }
  const sdk = await import('@agentclientprotocol/sdk');
  const app = rehearsalAgent(sdk, { script, log: logFile ? fileLog(logFile) : undefined });
  const connection = app.connect(
    sdk.ndJsonStream(Writable.toWeb(process.stdout) as WritableStream<Uint8Array>, Readable.toWeb(process.stdin) as ReadableStream<Uint8Array>),
  );
  await connection.closed;
  // The client hung up: nothing more to play (a pending `hang` must not keep the process alive).
  process.exit(0);
}

void main().catch((err: unknown) => {
  process.stderr.write(`rehearsal agent failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
