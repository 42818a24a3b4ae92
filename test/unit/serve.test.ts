// @vitest-environment node
/**
 * tools/serve.mjs, the demo and test server: it stays up on a malformed path or a broken replay
 * file, parses the real sessions once, refuses foreign Host headers, and its CLI port flag is checked.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM module without types
import { startServer, cliPort } from '../../tools/serve.mjs';

interface Served { url: string; port: number; close(): Promise<void> }
interface Answer { status: number; headers: Record<string, string | string[] | undefined>; body: string }

/** A raw GET (no URL normalisation, any Host header). */
function get(port: number, path: string, host = `127.0.0.1:${port}`): Promise<Answer> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.setTimeout(5000, () => req.destroy(new Error(`no answer to ${path}`)));
    req.on('error', fail);
    req.end();
  });
}

const REES46_HEADER = 'event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session';
function rees46Row(min: number, type: string, session: string): string {
  return `2019-10-01 00:0${min}:00 UTC,${type},100${min},1,electronics.audio,acme,10.0,7,${session}`;
}

let servers: Served[] = [];
let dirs: string[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  servers = [];
  dirs = [];
});
async function start(opts: Record<string, unknown> = {}): Promise<Served> {
  const s = (await startServer({ port: 0, ...opts })) as Served;
  servers.push(s);
  return s;
}
function dataDir(csv: string): string {
  const d = mkdtempSync(join(tmpdir(), 'hunch-serve-'));
  dirs.push(d);
  mkdirSync(join(d, 'events/rees46'), { recursive: true });
  writeFileSync(join(d, 'events/rees46/2019-Oct-head.csv'), csv);
  return d;
}

describe('serve.mjs', () => {
  it('answers a malformed path with 400 and keeps serving', async () => {
    const s = await start();
    expect((await get(s.port, '/%')).status).toBe(400);
    expect((await get(s.port, '/%E0%A4%A')).status).toBe(400);
    const page = await get(s.port, '/examples/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<html');
  });

  it('sends no-cache, not no-store (no-store stops the back/forward cache)', async () => {
    const s = await start();
    const page = await get(s.port, '/examples/');
    expect(page.headers['cache-control']).toBe('no-cache');
  });

  it('refuses a Host header other than its own loopback address (DNS rebinding)', async () => {
    const s = await start();
    expect((await get(s.port, '/examples/', 'evil.example:' + s.port)).status).toBe(403);
    expect((await get(s.port, '/examples/', `127.0.0.1:${s.port + 1}`)).status).toBe(403);
    expect((await get(s.port, '/examples/', `localhost:${s.port}`)).status).toBe(200);
    expect((await get(s.port, '/examples/', `[::1]:${s.port}`)).status).toBe(200);
  });

  it('a replay file that is not REES46 is a 500, every time, and the server stays up', async () => {
    const s = await start({ replay: true, dataRoot: dataDir('a,b,c\n1,2,3\n') });
    const first = await get(s.port, '/replay/real-sessions.json');
    expect(first.status).toBe(500);
    expect(first.body).toMatch(/REES46 header/);
    expect((await get(s.port, '/replay/real-sessions.json')).status).toBe(500);
    expect((await get(s.port, '/examples/')).status).toBe(200);
  });

  it('parses the replay file once and answers later requests from memory', async () => {
    const rows = ['view', 'view', 'cart', 'purchase'].map((t, i) => rees46Row(i, t, 'sess-aaaaaaaa'));
    const dir = dataDir([REES46_HEADER, ...rows].join('\n'));
    const s = await start({ replay: true, dataRoot: dir });
    const first = await get(s.port, '/replay/real-sessions.json');
    expect(first.status).toBe(200);
    const sessions = JSON.parse(first.body);
    expect(sessions).toHaveLength(1);
    // the file changes (here: breaks) after the first read; the answer does not
    writeFileSync(join(dir, 'events/rees46/2019-Oct-head.csv'), 'not,rees46\n');
    const second = await get(s.port, '/replay/real-sessions.json');
    expect(second.status).toBe(200);
    expect(second.body).toBe(first.body);
  });

  it('without replay data the replay path is a 404', async () => {
    const d = mkdtempSync(join(tmpdir(), 'hunch-serve-'));
    dirs.push(d);
    const s = await start({ replay: true, dataRoot: d });
    expect((await get(s.port, '/replay/real-sessions.json')).status).toBe(404);
  });
});

describe('serve.mjs CLI port', () => {
  it('reads --port N, --port=N and PORT, 0 included; default 5173', () => {
    expect(cliPort([])).toBe(5173);
    expect(cliPort(['--port', '8080'])).toBe(8080);
    expect(cliPort(['--port=0'])).toBe(0);
    expect(cliPort(['--port', '0'])).toBe(0);
    expect(cliPort([], { PORT: '0' })).toBe(0);
    expect(cliPort(['--port=9000'], { PORT: '1234' })).toBe(9000);
  });

  it('a port in use: one line saying so and what to do, exit code 1, no stack trace', async () => {
    const busy = (await startServer({ port: 0 })) as Served;
    try {
      const run = promisify(execFile)(process.execPath, [fileURLToPath(new URL('../../tools/serve.mjs', import.meta.url)), '--port', String(busy.port)], { timeout: 20_000 });
      const err = (await run.then(() => null, (e) => e)) as { code: number; stderr: string } | null;
      expect(err?.code).toBe(1);
      expect(err!.stderr.trim()).toBe(`serve: port ${busy.port} is in use; pick another with --port N (npm start -- --port 8080), or --port 0 for any free port`); // was an uncaught EADDRINUSE stack
    } finally {
      await busy.close();
    }
  });

  it('rejects a missing, non-integer or out-of-range port and unknown arguments', () => {
    expect(() => cliPort(['--port'])).toThrow(TypeError);
    expect(() => cliPort(['--port='])).toThrow(/--port/);
    expect(() => cliPort(['--port', 'abc'])).toThrow(/--port/);
    expect(() => cliPort(['--port', '70000'])).toThrow(/--port/);
    expect(() => cliPort(['--port', '1.5'])).toThrow(/--port/);
    expect(() => cliPort([], { PORT: 'x' })).toThrow(/PORT/);
    expect(() => cliPort(['--prot', '1'])).toThrow(TypeError);
    expect(() => cliPort(['8080'])).toThrow(TypeError);
  });
});
