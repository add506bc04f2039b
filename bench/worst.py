#!/usr/bin/env python3
"""worst.py: the worst case at cfmock's limits (README "Limits and
security"; run it with bench/run --worst, which builds cfmock optimised).
cfmock serves every request on one thread, so the slowest single request is
how long every other client may wait: this builds the most expensive state
the limits allow, times the slowest requests on it, and meanwhile asks
/_cfmock/health from another connection, whose latency is what the others
see.

The state, all made through the API: a chain of 32 organizations (the
maximum depth) and --orgs more at the deepest level (each carrying 32
hierarchy tags), every one with a 100-character name and each profile field
at its maximum, written in control characters (each answered as a
6-byte \\u00XX escape); --accounts accounts with 100-character names and
--members members with 254-character emails in the deepest organization; a
second user who is a member one level above the deepest only, so that every
organization it lists has 30 ancestors to hide. The requests: pages of
1,000, filters of 256 characters that match everything and that match
nothing (each scans every row), an account's whole chain, the member
changes that rebuild a user's access to every organization, a batch move of
100 accounts, and the control API's state export.

Goal: the slowest request under 50 ms, health under 100 ms meanwhile.
Prints a table and writes it to bench/results/DATE-worst.md.

  python3 bench/worst.py --cfmock build-bench/src/cfmock [--orgs 10000] [--rounds 5]"""
import argparse
import datetime
import http.client
import json
import os
import statistics
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DEPTH_MAX = 32
NAME_MAX = 100
FILTER_MAX = 256
EMAIL_MAX = 254
PAGE_MAX = 1000
PROFILE_MAX = {'business_address': 500, 'business_email': 254, 'business_name': 100,
               'business_phone': 50, 'external_metadata': 2000}
PROFILE = {k: '\u0001' * n for k, n in PROFILE_MAX.items()}
NAME = 'a' * NAME_MAX
B_EMAIL = 'b@example.com'


class Client:
    """One keep-alive connection."""

    def __init__(self, port, headers=None):
        self.port = port
        self.headers = dict(bench.AUTH if headers is None else headers)
        self.conn = http.client.HTTPConnection('127.0.0.1', port, timeout=60)

    def send(self, method, path, body=None):
        """(status, raw body, seconds from the request's first byte sent to
        the answer's last byte read)."""
        h = dict(self.headers)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h['Content-Type'] = 'application/json'
        t0 = time.perf_counter()
        self.conn.request(method, path, body=data, headers=h)
        r = self.conn.getresponse()
        raw = r.read()
        return r.status, raw, time.perf_counter() - t0

    def ok(self, method, path, body=None):
        status, raw, _ = self.send(method, '/client/v4' + path, body)
        if status >= 300:
            raise RuntimeError('%s %s: %d %s' % (method, path, status, raw[:300]))
        return json.loads(raw)['result'] if raw else None


def email(i):
    tail = '-%06d@example.com' % i
    return 'm' * (EMAIL_MAX - len(tail)) + tail


def build(c, orgs, accounts, members):
    chain = [c.ok('POST', '/organizations', {'name': NAME, 'profile': PROFILE})]
    for _ in range(DEPTH_MAX - 1):
        chain.append(c.ok('POST', '/organizations', {'name': NAME, 'profile': PROFILE,
                                                     'parent': {'id': chain[-1]['id']}}))
    assert len(chain[-1]['meta']['hierarchy_tags']) == DEPTH_MAX
    above = chain[-2]['id']
    for _ in range(orgs):
        c.ok('POST', '/organizations', {'name': NAME, 'profile': PROFILE, 'parent': {'id': above}})
    leaf = chain[-1]['id']
    accts = [c.ok('POST', '/accounts', {'name': NAME, 'unit': {'id': leaf}})['id']
             for _ in range(accounts)]
    for i in range(0, members, 10):
        c.ok('POST', '/organizations/%s/members:batchCreate' % leaf,
             {'members': [{'user': {'email': email(j)}}
                          for j in range(i, min(i + 10, members))]})
    c.ok('POST', '/organizations/%s/members' % above, {'member': {'user': {'email': B_EMAIL}}})
    return chain, accts


class Health(threading.Thread):
    """GET /_cfmock/health in a loop on its own connection, keeping each
    latency while a request of interest is under way."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.client = Client(port, headers={})
        self.stop = threading.Event()
        self.latencies = {}     # what ran meanwhile -> latencies
        self.during = 'api'

    def run(self):
        while not self.stop.is_set():
            during = self.during
            status, _, secs = self.client.send('GET', '/_cfmock/health')
            assert status == 200
            self.latencies.setdefault(during, []).append(secs)
            time.sleep(0.001)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--cfmock', required=True)
    ap.add_argument('--orgs', type=int, default=10000,
                    help='organizations at the deepest level (default 10000)')
    ap.add_argument('--accounts', type=int, default=1000)
    ap.add_argument('--members', type=int, default=1000)
    ap.add_argument('--rounds', type=int, default=5)
    args = ap.parse_args()
    lines = []

    def say(s=''):
        print(s, flush=True)
        lines.append(s)

    with tempfile.TemporaryDirectory(prefix='cfmock-worst-') as tmp:
        port = bench.free_port()
        srv = bench.cfmock(args.cfmock, os.path.join(tmp, 'worst.db'), port)
        try:
            a = Client(port)
            t0 = time.time()
            chain, accts = build(a, args.orgs, args.accounts, args.members)
            made = time.time() - t0
            b = Client(port, headers={'X-Auth-Email': B_EMAIL, 'X-Auth-Key': '0' * 32})
            root, above, leaf = chain[0]['id'], chain[-2]['id'], chain[-1]['id']
            miss = 'a' * (FILTER_MAX - 1) + 'b'     # matches nothing, after a long prefix
            page = '?page_size=%d' % PAGE_MAX
            cf = '/client/v4'
            member_path = cf + '/organizations/%s/members' % root
            reads = [
                ('GET /organizations, page of 1000', a, cf + '/organizations' + page),
                ('GET /organizations, page of 1000, 30 ancestors hidden', b,
                 cf + '/organizations' + page),
                ('GET /organizations?name.contains=<256, matches none>', a,
                 cf + '/organizations' + page + '&name.contains=' + miss),
                ('GET /organizations?name.contains=<100, matches all>', a,
                 cf + '/organizations' + page + '&name.contains=' + NAME),
                ('GET /organizations?name.endsWith=<256>', a,
                 cf + '/organizations' + page + '&name.endsWith=' + miss),
                ('GET /organizations?containing.organization=<leaf>', a,
                 cf + '/organizations' + page + '&containing.organization=' + leaf),
                ('GET /accounts/{id}/organizations, 32 deep', a,
                 cf + '/accounts/%s/organizations' % accts[0]),
                ('GET /organizations/{id}/accounts, page of 1000', a,
                 cf + '/organizations/%s/accounts%s&order_by=account_name' % (leaf, page)),
                ('GET /organizations/{id}/accounts?account_pubname.contains=<256>', a,
                 cf + '/organizations/%s/accounts%s&account_pubname.contains=%s'
                 % (leaf, page, miss)),
                ('GET /organizations/{id}/members, page of 1000', a,
                 cf + '/organizations/%s/members%s' % (leaf, page)),
                ('GET /organizations/{id}/members?user.email.contains=<256>', a,
                 cf + '/organizations/%s/members%s&user.email.contains=%s'
                 % (leaf, page, 'm' * (FILTER_MAX - 1) + 'x')),
            ]
            admin = [('GET /_cfmock/state (the whole state)', a, '/_cfmock/state')]
            results = []
            health = Health(port)
            health.start()
            try:
                for name, c, path in reads + admin:
                    health.during = 'admin' if path.startswith('/_cfmock') else 'api'
                    times, size = [], 0
                    # the state export once: it grows with the whole state
                    for _ in range(1 if path.startswith('/_cfmock') else args.rounds):
                        status, raw, secs = c.send('GET', path)
                        if status != 200:
                            raise RuntimeError('%s: %d %s' % (name, status, raw[:300]))
                        times.append(secs)
                        size = len(raw)
                    results.append((name, times, size))
                # writes: each round a new user joins the root (its access is
                # rebuilt over every organization) and leaves; a batch move
                # of 100 accounts there and back
                health.during = 'api'
                joins, leaves, moves = [], [], []
                for i in range(args.rounds):
                    body = {'member': {'user': {'email': 'join-%d@example.com' % i}}}
                    status, raw, secs = a.send('POST', member_path, body)
                    assert status == 200, raw[:300]
                    joins.append(secs)
                    mid = json.loads(raw)['result']['id']
                    status, raw, secs = a.send('DELETE', member_path + '/' + mid)
                    assert status in (200, 204), raw[:300]
                    leaves.append(secs)
                    for dest in (above, leaf):
                        status, raw, secs = a.send('POST', cf + '/accounts/move',
                                                   {'account_ids': accts[:100],
                                                    'destination_organization_id': dest})
                        assert status == 200, raw[:300]
                        moves.append(secs)
                results.append(('POST /organizations/{root}/members (access rebuilt)', joins, 0))
                results.append(('DELETE /organizations/{root}/members/{id}', leaves, 0))
                results.append(('POST /accounts/move, 100 accounts', moves, 0))
            finally:
                health.stop.set()
                health.join()
            hwm = srv.rss_kb()[0]
        finally:
            srv.stop()

    def summary(lat):
        lat = sorted(lat or [0])
        return ('%d requests, median %.2f ms, p99 %.1f ms, max %.1f ms'
                % (len(lat), statistics.median(lat) * 1000, lat[int(len(lat) * 0.99)] * 1000,
                   lat[-1] * 1000))
    say('# cfmock worst case at the limits, %s' % datetime.date.today().isoformat())
    say()
    say('Machine: %s, %d cores, loopback. State: %d organizations at depth 32 (+ the chain of '
        '32), %d accounts, %d members, every name and profile field at its maximum (made '
        'through the API in %.0f s). %d rounds a request; time from the first byte sent to the '
        'last byte read, on a keep-alive connection.'
        % (os.uname().machine, os.cpu_count(), args.orgs, args.accounts, args.members, made,
           args.rounds))
    say()
    say('| request | median ms | max ms | answer bytes |')
    say('|---|---:|---:|---:|')
    api_worst = 0
    for name, times, size in results:
        if not name.startswith('GET /_cfmock'):
            api_worst = max(api_worst, max(times))
        say('| %s | %.1f | %.1f | %s |' % (name, statistics.median(times) * 1000,
                                          max(times) * 1000, format(size, ',') if size else '-'))
    say()
    say('Slowest API request: %.1f ms (goal: under 50 ms).' % (api_worst * 1000))
    say('/_cfmock/health from another connection during the API requests: %s (goal: under '
        '100 ms).' % summary(health.latencies.get('api')))
    say('/_cfmock/health during the state export (the whole state in one answer, so it '
        'grows with the state, not with any input): %s.' % summary(health.latencies.get('admin')))
    say('Peak RSS: %.1f MB.' % (hwm / 1024))
    os.makedirs(os.path.join(HERE, 'results'), exist_ok=True)
    path = os.path.join(HERE, 'results', datetime.date.today().isoformat() + '-worst.md')
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    print('\nwrote %s' % path)


if __name__ == '__main__':
    main()
