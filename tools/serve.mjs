#!/usr/bin/env node
/**
 * Static file server for the examples and the browser tests. Serves the repository root on
 * 127.0.0.1 (never another interface), so `/examples/…`, `/dist/…` and `/models/…` resolve.
 *
 * CLI: `node tools/serve.mjs [--port N]` (default 5173, env PORT; 0 picks a free port).
 * API: `startServer({ root, port, headers, replay, dataRoot }) → Promise<{ url, port, close(), requests, urls }>`.
 * `headers(path)` may add response headers per path (the CSP tests use it); `replay: true`
 * serves `/replay/real-sessions.json` from ../shared/data when present (the CLI turns it on).
 *
 * Hardening: a request whose Host header is not this server's loopback address (DNS rebinding)
 * gets 403; a malformed path gets 400; any other failure gets 500 and the server keeps running.
 * Responses carry `cache-control: no-cache` (revalidate, but keep the back/forward cache usable).
 */
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

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
const TEXT = { 'content-type': 'text/plain; charset=utf-8' };

/** A request path that is not valid percent-encoding (answered 400). */
class BadPath extends Error {}

/**
 * The Host header values this server answers: its loopback address and port, under the names a
 * browser on this machine uses. Anything else (a rebinding DNS name) gets 403.
 * @param {number} port
 */
export function allowedHosts(port) {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
}

/**
 * Starts the server. `requests` records every path asked for (decoded), in order; `urls` every
 * request target as sent, path and query (`/models/intent/model.json?v=3`, still percent-encoded),
 * in the same order, so a test can see data carried in a query string.
 * @param {{ root?: string, port?: number, headers?: (path: string) => Record<string,string>,
 *   replay?: boolean, dataRoot?: string }} [opts]
 *   `dataRoot`: where the replay reads REES46 from (default `$HUNCH_DATA`, else `<repo>/../shared/data`).
 */
export async function startServer(opts = {}) {
  const root = resolve(opts.root ?? repoRoot);
  const requests = [];
  const urls = [];
  let hosts = new Set();
  // The real sessions are read and parsed once (2.3 MB, ~0.4 s of blocked event loop); the
  // outcome, a failure included, is kept for the server's lifetime: the data file does not change
  // while it runs, and retrying a bad file on every request would only repeat the stall.
  /** @type {Promise<{ status: number, type: string, body: string }> | null} */
  let replay = null;
  const replayAnswer = () =>
    (replay ??= (async () => {
      try {
        const { loadRealSessions } = await import('../examples/dashboard/real-sessions.mjs');
        const sessions = await loadRealSessions(opts.dataRoot);
        if (!sessions) return { status: 404, type: TEXT['content-type'], body: 'no ../shared/data (set HUNCH_DATA)' };
        return { status: 200, type: TYPES['.json'], body: JSON.stringify(sessions) };
      } catch (err) {
        return { status: 500, type: TEXT['content-type'], body: `real sessions failed: ${err?.message ?? err}` };
      }
    })());

  async function handle(req, res) {
    if (!hosts.has(String(req.headers.host ?? '').toLowerCase())) {
      res.writeHead(403, TEXT).end('forbidden host');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    urls.push(url.pathname + url.search);
    let path;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      throw new BadPath(url.pathname);
    }
    requests.push(path);
    if (path === '/') {
      res.writeHead(302, { location: '/examples/' });
      res.end();
      return;
    }
    // `npm start` only: real sessions read from ../shared/data at run time for the dashboard's
    // replay (nothing is copied into the repository)
    if (opts.replay && path === '/replay/real-sessions.json') {
      const a = await replayAnswer();
      res.writeHead(a.status, { 'content-type': a.type, 'cache-control': 'no-cache' }).end(a.body);
      return;
    }
    let file = normalize(join(root, path));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403, TEXT).end('forbidden');
      return;
    }
    let body;
    try {
      let info = await stat(file);
      if (info.isDirectory()) {
        file = join(file, 'index.html');
        info = await stat(file);
      }
      body = await readFile(file);
    } catch {
      res.writeHead(404, TEXT).end('not found');
      return;
    }
    const extra = opts.headers ? opts.headers(path) : {};
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-cache',
      ...extra,
    });
    res.end(body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      const bad = err instanceof BadPath;
      if (!bad) console.error(`serve: ${req.method} ${req.url}:`, err);
      if (res.headersSent) res.destroy();
      else res.writeHead(bad ? 400 : 500, TEXT).end(bad ? 'bad request: malformed path' : 'internal error');
    });
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, '127.0.0.1', ok);
  });
  const port = server.address().port;
  hosts = allowedHosts(port);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    urls,
    close: () => new Promise((ok) => { server.closeAllConnections?.(); server.close(() => ok()); }),
  };
}

/**
 * The CLI's port: `--port N` / `--port=N`, else env `PORT`, else 5173. 0 picks a free port.
 * @param {string[]} argv arguments after the script name
 * @param {Record<string, string | undefined>} [env]
 * @returns {number}
 * @throws {TypeError} naming `--port` (or `PORT`) for a missing, non-integer or out-of-range value,
 *   and for an unknown flag or a positional argument
 */
export function cliPort(argv, env = {}) {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { port: { type: 'string' } }, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new TypeError(`${err.message} (usage: node tools/serve.mjs [--port N])`);
  }
  const [name, raw] = values.port !== undefined ? ['--port', values.port] : ['PORT', env.PORT];
  if (raw === undefined) return 5173;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(n) || n < 0 || n > 65535) {
    throw new TypeError(`${name}: needs a whole number from 0 to 65535 (got "${raw}")`);
  }
  return n;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let port;
  try {
    port = cliPort(process.argv.slice(2), process.env);
  } catch (err) {
    console.error(`serve: ${err.message}`);
    process.exit(1);
  }
  let s;
  try {
    s = await startServer({ port, replay: true });
  } catch (err) {
    // a port already taken (another `npm start`, a dev server) is the usual case: say what to do, no stack
    console.error(err?.code === 'EADDRINUSE' ? `serve: port ${port} is in use; pick another with --port N (npm start -- --port 8080), or --port 0 for any free port` : `serve: ${err?.message ?? err}`);
    process.exit(1);
  }
  console.log(`hunch examples: ${s.url}/examples/`);
  console.log(`  storefront (script tag): ${s.url}/examples/storefront/`);
  console.log(`  SPA (ESM build):         ${s.url}/examples/spa/`);
  console.log(`  dashboard:               ${s.url}/examples/dashboard/`);
  console.log('Ctrl+C to stop.');
}
