#!/usr/bin/env node
/**
 * Static file server for the examples and the browser tests. Serves the repository root on
 * 127.0.0.1 (never another interface), so `/examples/…`, `/dist/…` and `/models/…` resolve.
 *
 * CLI: `node tools/serve.mjs [--port N]` (default 5173, env PORT; 0 picks a free port).
 * API: `startServer({ root, port, headers, replay }) → Promise<{ url, port, close(), requests }>`.
 * `headers(path)` may add response headers per path (the CSP tests use it); `replay: true`
 * serves `/replay/real-sessions.json` from ../shared/data when present (the CLI turns it on).
 */
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.bin': 'application/octet-stream',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));

/**
 * Starts the server. `requests` records every path asked for, in order (tests read it).
 * @param {{ root?: string, port?: number, headers?: (path: string) => Record<string,string> }} [opts]
 */
export async function startServer(opts = {}) {
  const root = resolve(opts.root ?? repoRoot);
  const requests = [];
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let path = decodeURIComponent(url.pathname);
    requests.push(path);
    if (path === '/') {
      res.writeHead(302, { location: '/examples/' });
      res.end();
      return;
    }
    // `npm start` only: real sessions read from ../shared/data at run time for the dashboard's
    // replay (nothing is copied into the repository)
    if (opts.replay && path === '/replay/real-sessions.json') {
      const { loadRealSessions } = await import('../examples/dashboard/real-sessions.mjs');
      const sessions = await loadRealSessions();
      if (!sessions) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('no ../shared/data (set HUNCH_DATA)');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(sessions));
      return;
    }
    let file = normalize(join(root, path));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end('forbidden');
      return;
    }
    try {
      let info = await stat(file);
      if (info.isDirectory()) {
        file = join(file, 'index.html');
        info = await stat(file);
      }
      const body = await readFile(file);
      const extra = opts.headers ? opts.headers(path) : {};
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
        ...extra,
      });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, '127.0.0.1', ok);
  });
  const port = server.address().port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () => new Promise((ok) => { server.closeAllConnections?.(); server.close(() => ok()); }),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--port');
  const port = Number(i > 0 ? process.argv[i + 1] : process.env.PORT ?? 5173);
  const s = await startServer({ port, replay: true });
  console.log(`hunch examples: ${s.url}/examples/`);
  console.log(`  storefront (script tag): ${s.url}/examples/storefront/`);
  console.log(`  SPA (ESM build):         ${s.url}/examples/spa/`);
  console.log(`  dashboard:               ${s.url}/examples/dashboard/`);
  console.log('Ctrl+C to stop.');
}
