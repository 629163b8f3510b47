/**
 * A tiny static server for the harness: the built webview (dist/webview) and the harness files,
 * on 127.0.0.1 and a free port. Over http rather than file:// so the page has an origin, the way a
 * webview does, and the CSP's 'self' means something.
 */
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const SERVED = ['dist/webview/', 'webview-ui/test-harness/'];
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.ttf': 'font/ttf',
  '.map': 'application/json',
};

export interface HarnessServer {
  url: string;
  close(): Promise<void>;
}

export async function startServer(): Promise<HarnessServer> {
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    // Chromium asks every new page for a favicon; a 404 would be a console error in a test that
    // checks for none, depending on when the request lands.
    if (path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const relative = path === '/' ? 'webview-ui/test-harness/harness.html' : normalize(path.slice(1)).split(sep).join('/');
    if (relative.includes('..') || !SERVED.some((prefix) => relative.startsWith(prefix))) {
      res.writeHead(404).end();
      return;
    }
    readFile(join(ROOT, relative)).then(
      (body) => res.writeHead(200, { 'content-type': TYPES[extname(relative)] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('harness server has no port');
  return {
    url: `http://127.0.0.1:${address.port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
