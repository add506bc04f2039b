// harness.mjs: the Node.js side of the clients suite. Starts the real
// cfmock ($CFMOCK_BIN, set by meson) on a free port with an in-memory
// database, a fixed seed and clock, as tests/http/harness.py does, and runs
// test cases as TAP for meson: test(name, fn) registers one, run() runs them
// in order, each with a fresh cfmock that must stop with exit 0.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const BIN = process.env.CFMOCK_BIN || path.join(HERE, '..', '..', 'build', 'src', 'cfmock');
export const CLOCK = '2026-01-01T00:00:00Z';

// A running cfmock: base is http://127.0.0.1:PORT/client/v4.
export async function startCfmock(args = []) {
  const proc = spawn(BIN, ['--bind', '127.0.0.1', '--port', '0', '--db', ':memory:',
    '--seed', '1', '--clock', CLOCK, '--access-log', 'off', ...args],
  { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const first = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('cfmock did not start: ' + stderr)), 10000);
    proc.stdout.on('data', function onData(d) {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        proc.stdout.off('data', onData);
        proc.stdout.resume();
        resolve(out.slice(0, nl));
      }
    });
    proc.on('exit', (code) => reject(new Error(`cfmock exited ${code}: ${stderr}`)));
  });
  const m = /^cfmock listening on (http:\/\/\S+)$/.exec(first);
  if (!m) throw new Error('cfmock did not start: ' + first + stderr);
  const base = m[1];
  const root = base.replace(/\/client\/v4$/, '');
  return {
    base,
    root,
    // one request with fetch: path relative to /client/v4 unless it starts with /_cfmock
    async request(method, p, { token, body, headers } = {}) {
      const h = { ...(headers || {}) };
      if (token) h.Authorization = 'Bearer ' + token;
      if (body !== undefined) h['Content-Type'] = 'application/json';
      const url = (p.startsWith('/_cfmock') ? root : base) + p;
      const r = await fetch(url, { method, headers: h,
        body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: r.status, json: await r.json() };
    },
    // the journal of /client/v4 requests, oldest first
    async journal() {
      const r = await fetch(root + '/_cfmock/requests?limit=1000');
      return (await r.json()).requests.reverse();
    },
    async stop() {
      if (proc.exitCode !== null) return proc.exitCode;
      proc.kill('SIGTERM');
      const [code] = await once(proc, 'exit');
      return code;
    },
    get stderr() { return stderr; },
  };
}

const cases = [];
export function test(name, fn) { cases.push({ name, fn }); }

// Runs every registered case (or those whose name contains an argument)
// with a fresh cfmock each, printing TAP; exits 1 if any failed.
export async function run() {
  const wanted = process.argv.slice(2);
  const todo = cases.filter((c) => !wanted.length || wanted.some((w) => c.name.includes(w)));
  console.log(`1..${todo.length}`);
  let failed = 0;
  for (const [i, c] of todo.entries()) {
    let srv = null;
    let err = null;
    try {
      srv = await startCfmock();
      await c.fn(srv);
    } catch (e) {
      err = e;
    }
    if (srv) {
      const code = await srv.stop();
      if (!err && code !== 0) err = new Error(`cfmock exited ${code}: ${srv.stderr}`);
    }
    console.log(`${err ? 'not ok' : 'ok'} ${i + 1} - ${c.name}`);
    if (err) {
      failed++;
      for (const line of String(err.stack || err).split('\n')) console.log('# ' + line);
    }
  }
  process.exit(failed || !todo.length ? 1 : 0);
}
