#!/usr/bin/env python3
"""bench.py: cfmock's benchmark (run it with bench/run, which builds what
it needs). Measures, with wrk on loopback:

  - GET one account by id, GET a 50-item page of organizations, POST
    create, and a mixed CRUD workload, each at 1, 16 and 64 connections;
  - the floor: the same libmicrohttpd set-up answering a constant body
    (bench/floor.c), at the same connection counts: cfmock's numbers are
    read as a ratio to it, which holds on any machine;
  - the time from exec to the first answered request;
  - peak RSS with 100,000 organizations and 100,000 accounts stored;
  - list and get cost at 1,000 and at 1,000,000 organizations;
  - Prism (@stoplight/prism-cli) on the same request, where it is installed.

Prints a table and writes it, with an SVG plot, to bench/results/DATE.md
and DATE.svg. --quick: shorter runs and 100,000 instead of 1,000,000."""
import argparse
import datetime
import http.client
import json
import os
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOKEN = 'bench-token'
AUTH = {'Authorization': 'Bearer ' + TOKEN}


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, proc, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError('server exited: %s' % proc.stderr.read())
        try:
            c = http.client.HTTPConnection('127.0.0.1', port, timeout=2)
            c.request('GET', '/_cfmock/health')
            if c.getresponse().status in (200,):
                return
        except OSError:
            time.sleep(0.005)
    raise RuntimeError('server never answered')


class Server:
    def __init__(self, argv, port):
        self.port = port
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wait_port(port, self.proc)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(30)

    def rss_kb(self):
        status = open('/proc/%d/status' % self.proc.pid).read()
        hwm = int(re.search(r'VmHWM:\s+(\d+)', status).group(1))
        rss = int(re.search(r'VmRSS:\s+(\d+)', status).group(1))
        return hwm, rss


def cfmock(binary, db, port, *extra):
    return Server([binary, '--port', str(port), '--db', db, '--access-log', 'off',
                   '--journal-size', '0'] + list(extra), port)


def call(port, method, path, body=None):
    c = http.client.HTTPConnection('127.0.0.1', port, timeout=30)
    h = dict(AUTH)
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        h['Content-Type'] = 'application/json'
    c.request(method, '/client/v4' + path, body=data, headers=h)
    r = c.getresponse()
    out = json.loads(r.read() or b'null')
    if r.status >= 300:
        raise RuntimeError('%s %s: %d %s' % (method, path, r.status, out))
    return out


LUA_HEADERS = 'wrk.headers["Authorization"] = "Bearer %s"\n' % TOKEN


def lua(path, text):
    with open(path, 'w') as f:
        f.write(LUA_HEADERS + text)
    return path


def wrk(url, conns, seconds, script=None):
    args = ['wrk', '-t', str(min(conns, 2)), '-c', str(conns), '-d', '%ds' % seconds,
            '--latency', url]
    if script:
        args[1:1] = ['-s', script]
    out = subprocess.run(args, capture_output=True, text=True, timeout=seconds + 60).stdout
    rps = float(re.search(r'Requests/sec:\s+([\d.]+)', out).group(1))

    def ms(label):
        m = re.search(r'^\s+%s\s+([\d.]+)(us|ms|s)\s*$' % re.escape(label), out, re.M)
        if not m:
            return float('nan')
        v = float(m.group(1))
        return v / 1000 if m.group(2) == 'us' else v * 1000 if m.group(2) == 's' else v
    bad = re.search(r'Non-2xx or 3xx responses:\s+(\d+)', out)
    errs = re.search(r'Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)', out)
    return {'rps': rps, 'p50': ms('50%'), 'p99': ms('99%'),
            'non2xx': int(bad.group(1)) if bad else 0,
            'sockerr': sum(int(x) for x in errs.groups()) if errs else 0}


def seed_api(port):
    """What the workloads need: organizations to page through, an account to
    get, an organization to rename."""
    root = call(port, 'POST', '/organizations', {'name': 'Bench Root'})['result']
    for i in range(60):
        call(port, 'POST', '/organizations', {'name': 'org-%03d' % i,
                                              'parent': {'id': root['id']}})
    acct = call(port, 'POST', '/accounts', {'name': 'Bench Account',
                                            'unit': {'id': root['id']}})['result']
    return root, acct


def startup_ms(binary, runs):
    times = []
    with tempfile.TemporaryDirectory() as d:
        for i in range(runs):
            port = free_port()
            db = os.path.join(d, 'start-%d.db' % i)
            t0 = time.perf_counter()
            proc = subprocess.Popen([binary, '--port', str(port), '--db', db,
                                     '--access-log', 'off'],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            while True:
                try:
                    c = http.client.HTTPConnection('127.0.0.1', port, timeout=2)
                    c.request('GET', '/_cfmock/health')
                    if c.getresponse().status == 200:
                        break
                except OSError:
                    pass
            times.append((time.perf_counter() - t0) * 1000)
            proc.terminate()
            proc.wait()
    return statistics.median(times), max(times)


def populate(binary, db, orgs, accounts):
    """A database with @orgs organizations (all seen by the bench user) and
    @accounts accounts, written with SQLite directly in cfmock's schema."""
    port = free_port()
    s = cfmock(binary, db, port)
    root, acct = seed_api(port)
    s.stop()
    con = sqlite3.connect(db)
    cur = con.cursor()
    user_seq = cur.execute('SELECT user_seq FROM credentials WHERE secret = ?', (TOKEN,)).fetchone()[0]
    base = cur.execute('SELECT max(seq) FROM organizations').fetchone()[0]
    now = '2026-01-01T00:00:00.000Z'
    n = max(0, orgs - base)

    def org_rows():
        for i in range(n):
            seq = base + 1 + i
            oid = '%032x' % (0xb000000000000000 + seq)
            yield (seq, oid, 'org-%07d' % seq, user_seq, oid, now)
    cur.executemany('INSERT INTO organizations(seq, id, name, creator_seq, tags, create_time) '
                    'VALUES (?, ?, ?, ?, ?, ?)', org_rows())
    cur.execute('INSERT INTO org_access(user_seq, org_seq) SELECT ?, seq FROM organizations '
                'WHERE seq > ?', (user_seq, base))
    abase = cur.execute('SELECT max(seq) FROM accounts').fetchone()[0]
    root_seq = cur.execute('SELECT seq FROM organizations WHERE id = ?', (root['id'],)).fetchone()[0]

    def acct_rows():
        for i in range(max(0, accounts - abase)):
            seq = abase + 1 + i
            yield (seq, '%032x' % (0xa000000000000000 + seq), 'acct-%07d' % seq,
                   'acct-%07d' % seq, 'standard', root_seq, user_seq, now)
    cur.executemany('INSERT INTO accounts(seq, id, name, name_key, type, org_seq, creator_seq, '
                    'created_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', acct_rows())
    con.commit()
    con.execute('PRAGMA wal_checkpoint(TRUNCATE)')
    con.close()
    return root, acct


def measure_store_size(binary, org_count, seconds, tag):
    """GET a 50-page and GET by id on a store of @org_count organizations."""
    with tempfile.TemporaryDirectory() as d:
        db = os.path.join(d, 'size.db')
        t0 = time.time()
        root, acct = populate(binary, db, org_count, 1)
        made = time.time() - t0
        port = free_port()
        s = cfmock(binary, db, port)
        base = 'http://127.0.0.1:%d/client/v4' % port
        page = wrk(base + '/organizations?page_size=50', 16, seconds, lua(os.path.join(d, 'h.lua'), ''))
        get = wrk(base + '/accounts/' + acct['id'], 16, seconds, lua(os.path.join(d, 'g.lua'), ''))
        s.stop()
    print('  %s: %d organizations (made in %.0f s): page %.0f/s, get %.0f/s'
          % (tag, org_count, made, page['rps'], get['rps']), flush=True)
    return page, get


def rss_with(binary, n):
    with tempfile.TemporaryDirectory() as d:
        db = os.path.join(d, 'rss.db')
        populate(binary, db, n, n)
        port = free_port()
        s = cfmock(binary, db, port)
        base = 'http://127.0.0.1:%d/client/v4' % port
        # a little of everything: pages, gets, creates
        token = None
        for i in range(200):
            q = '?page_size=1000' + ('&page_token=' + token if token else '')
            c = http.client.HTTPConnection('127.0.0.1', port)
            c.request('GET', '/client/v4/organizations' + q, headers=AUTH)
            body = json.loads(c.getresponse().read())
            token = body['result_info'].get('next_page_token')
            if not token:
                break
        for i in range(20):
            call(port, 'GET', '/accounts?per_page=50&page=%d' % (i + 1))
            call(port, 'POST', '/organizations', {'name': 'rss-%d' % i})
        hwm, rss = s.rss_kb()
        s.stop()
        return hwm, rss, os.path.getsize(db)


def prism_line(prism, spec, account_id, secs, results):
    """Prism's stateless mock of the same spec, on the same GET."""
    port = free_port()
    proc = subprocess.Popen([prism, 'mock', '-p', str(port), spec],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                socket.create_connection(('127.0.0.1', port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        with tempfile.TemporaryDirectory() as d:
            r = wrk('http://127.0.0.1:%d/accounts/%s' % (port, account_id), 16, secs,
                    lua(os.path.join(d, 'p.lua'), ''))
    finally:
        proc.terminate()
        proc.wait()
    ours = results[('GET account by id', 16)]['rps']
    return ('Prism on the same spec, GET account by id, 16 connections: %.0f req/s, p99 %.1f ms '
            '(cfmock: %.0f req/s, %.1fx).' % (r['rps'], r['p99'], ours, ours / max(r['rps'], 1)))


def svg(rows, path):
    """A bar chart of each workload's requests per second as a share of
    the floor's at the same connection count."""
    w, bar, gap, left = 760, 16, 6, 260
    h = 40 + len(rows) * (bar + gap)
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'font-family="sans-serif" font-size="12">' % (w, h),
           '<text x="10" y="20" font-size="14">cfmock requests/s as a share of the floor '
           '(same libmicrohttpd set-up, constant body)</text>']
    scale = (w - left - 80)
    for i, (label, ratio) in enumerate(rows):
        y = 35 + i * (bar + gap)
        width = max(1, int(scale * min(ratio, 1.5) / 1.5))
        out.append('<text x="10" y="%d">%s</text>' % (y + 12, label))
        out.append('<rect x="%d" y="%d" width="%d" height="%d" fill="%s"/>'
                   % (left, y, width, bar, '#3b7dd8' if ratio >= 0.5 else '#d8613b'))
        out.append('<text x="%d" y="%d">%.2f</text>' % (left + width + 5, y + 12, ratio))
    x5 = left + int(scale * 0.5 / 1.5)
    out.append('<line x1="%d" y1="30" x2="%d" y2="%d" stroke="#888" stroke-dasharray="4"/>'
               % (x5, x5, h))
    out.append('</svg>')
    with open(path, 'w') as f:
        f.write('\n'.join(out) + '\n')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--cfmock', required=True)
    ap.add_argument('--floor', required=True)
    ap.add_argument('--quick', action='store_true')
    ap.add_argument('--spec', default=os.path.join(HERE, '..', 'spec',
                                                   'cloudflare-organizations-accounts.openapi.json'),
                    help='the OpenAPI file Prism serves (when prism is installed)')
    args = ap.parse_args()
    secs = 3 if args.quick else 8
    big = 100000 if args.quick else 1000000
    conns = [1, 16, 64]
    lines = []
    ratios = []

    def say(s=''):
        print(s, flush=True)
        lines.append(s)

    tmp = tempfile.mkdtemp(prefix='cfmock-bench-')
    try:
        # the floor
        port = free_port()

        proc = subprocess.Popen([args.floor, str(port)], stdout=subprocess.PIPE)
        proc.stdout.readline()
        floor = {c: wrk('http://127.0.0.1:%d/' % port, c, secs) for c in conns}
        proc.terminate()
        proc.wait()

        # cfmock on a file database (WAL)
        db = os.path.join(tmp, 'bench.db')
        port = free_port()
        s = cfmock(args.cfmock, db, port)
        root, acct = seed_api(port)
        base = 'http://127.0.0.1:%d/client/v4' % port
        get = lua(os.path.join(tmp, 'get.lua'), '')
        post = lua(os.path.join(tmp, 'post.lua'),
                   'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                   'wrk.body = \'{"name":"bench org"}\'\n')
        mixed = lua(os.path.join(tmp, 'mixed.lua'), '''
local n = 0
local json = {}
for k, v in pairs(wrk.headers) do json[k] = v end
json["Content-Type"] = "application/json"
request = function()
  n = n + 1
  local k = n %% 4
  if k == 0 then
    return wrk.format("GET", "/client/v4/accounts/%(acct)s")
  elseif k == 1 then
    return wrk.format("GET", "/client/v4/organizations?page_size=50")
  elseif k == 2 then
    return wrk.format("POST", "/client/v4/accounts", json,
                      '{"name":"mixed","unit":{"id":"%(root)s"}}')
  else
    return wrk.format("PUT", "/client/v4/organizations/%(root)s", json,
                      '{"name":"renamed ' .. n .. '"}')
  end
end
''' % {'acct': acct['id'], 'root': root['id']})
        work = [
            ('GET account by id', base + '/accounts/' + acct['id'], get),
            ('GET 50 organizations', base + '/organizations?page_size=50', get),
            ('POST create organization', base + '/organizations', post),
            ('mixed CRUD (get, list, create, update)', base + '/', mixed),
        ]
        results = {}
        for name, url, script in work:
            for c in conns:
                results[(name, c)] = wrk(url, c, secs, script)
        hwm_work = s.rss_kb()[0]
        s.stop()

        say('# cfmock benchmark, %s' % datetime.date.today().isoformat())
        say()
        say('Machine: %s, %d cores; wrk on the same cores (loopback); cfmock on a file '
            'database (WAL, synchronous=NORMAL: every answered write survives a crash of the '
            'process); %d s per run.' % (os.uname().machine, os.cpu_count(), secs))
        say()
        say('| workload | conns | req/s | x floor | p50 ms | p99 ms | errors |')
        say('|---|---:|---:|---:|---:|---:|---:|')
        for c in conns:
            f = floor[c]
            say('| floor (constant body) | %d | %.0f | 1.00 | %.3f | %.3f | %d |'
                % (c, f['rps'], f['p50'], f['p99'], f['non2xx'] + f['sockerr']))
        for name, _, _ in work:
            for c in conns:
                r = results[(name, c)]
                ratio = r['rps'] / floor[c]['rps']
                ratios.append(('%s, %d conn' % (name, c), ratio))
                say('| %s | %d | %.0f | %.2f | %.3f | %.3f | %d |'
                    % (name, c, r['rps'], ratio, r['p50'], r['p99'], r['non2xx'] + r['sockerr']))
        say()
        med, worst = startup_ms(args.cfmock, 5 if args.quick else 15)
        say('Start-up, exec to the first answered request (new database): median %.1f ms, '
            'worst %.1f ms.' % (med, worst))
        say('Peak RSS during the runs above: %.1f MB.' % (hwm_work / 1024))
        n = 100000
        hwm, rss, size = rss_with(args.cfmock, n)
        say('Peak RSS with %d organizations and %d accounts stored (database %.0f MB), '
            'after paging through all of them: %.1f MB (now %.1f MB).'
            % (n, n, size / 1e6, hwm / 1024, rss / 1024))
        say()
        small_page, small_get = measure_store_size(args.cfmock, 1000, secs, 'small')
        big_page, big_get = measure_store_size(args.cfmock, big, secs, 'big')
        say('| store size | GET 50 organizations req/s | GET account req/s |')
        say('|---:|---:|---:|')
        say('| 1,000 organizations | %.0f | %.0f |' % (small_page['rps'], small_get['rps']))
        say('| %s organizations | %.0f (%.0f%%) | %.0f (%.0f%%) |'
            % (format(big, ','), big_page['rps'], 100 * big_page['rps'] / small_page['rps'],
               big_get['rps'], 100 * big_get['rps'] / small_get['rps']))
        say()
        prism = shutil.which('prism')
        if prism and args.spec and os.path.exists(args.spec):
            say(prism_line(prism, args.spec, acct['id'], secs, results))
        elif prism:
            say('Prism is installed, but no OpenAPI file was given (--spec PATH).')
        else:
            say('Prism (@stoplight/prism-cli) is not installed here; '
                '`npm install -g @stoplight/prism-cli` and --spec PATH measure it alongside.')
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    os.makedirs(os.path.join(HERE, 'results'), exist_ok=True)
    stem = os.path.join(HERE, 'results', datetime.date.today().isoformat())
    with open(stem + '.md', 'w') as f:
        f.write('\n'.join(lines) + '\n\n![requests per second as a share of the floor](%s.svg)\n'
                % os.path.basename(stem))
    svg(ratios, stem + '.svg')
    print('\nwrote %s.md and %s.svg' % (stem, stem))


if __name__ == '__main__':
    main()
