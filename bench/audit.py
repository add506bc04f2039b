#!/usr/bin/env python3
"""bench/audit.py: what the audit log costs (README "Audit logs").

1. Writing: POST create organization and POST create account, each now
   writing an audit-log entry in its transaction, against a build from
   before the audit log (--before), at 1 and 16 connections with wrk. The
   two builds run in turn, round after round, each on a fresh file
   database (WAL), so the machine's drift falls on both alike.
2. Reading: GET /accounts/{id}/logs/audit (v2: the first page of 100, a
   page deep in the log by its cursor, a filtered page) and the v1 page 1
   on a store of 1,000 and of 1,000,000 entries, all in the measured
   account's log (its worst case), the two stores in turn.

  bench/run --audit [--before OLD_BINARY] [--rounds 3] [--seconds 5]

Prints a Markdown table of requests per second (median of the rounds, with
the spread) and the ratios."""
import argparse
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402

SINCE, BEFORE = '2026-01-01', '2027-01-01'
T0 = 1767225600000  # 2026-01-01T00:00:00Z in ms


def post_round(binary, conns, secs, tmp, tag):
    db = os.path.join(tmp, '%s.db' % tag)
    port = bench.free_port()
    s = bench.cfmock(binary, db, port)
    try:
        root, _ = bench.seed_api(port)
        base = 'http://127.0.0.1:%d/client/v4' % port
        out = {}
        for name, path, body in (
                ('POST create organization', '/organizations', {'name': 'bench org'}),
                ('POST create account', '/accounts',
                 {'name': 'bench acct', 'unit': {'id': root['id']}})):
            script = bench.lua(os.path.join(tmp, 'post.lua'),
                               'wrk.method = "POST"\n'
                               'wrk.headers["Content-Type"] = "application/json"\n'
                               'wrk.body = \'%s\'\n' % json.dumps(body))
            r = bench.wrk(base + path, conns, secs, script)
            if r['non2xx'] or r['sockerr']:
                raise RuntimeError('%s on %s: %d non-2xx, %d socket errors'
                                   % (name, binary, r['non2xx'], r['sockerr']))
            out[name] = r['rps']
        return out
    finally:
        s.stop()
        for suffix in ('', '-wal', '-shm'):
            if os.path.exists(db + suffix):
                os.unlink(db + suffix)


def entries_db(binary, db, n):
    """A database whose account holds @n audit-log entries, written with
    SQLite directly in cfmock's schema; returns the account's id and a
    cursor some way into its log."""
    port = bench.free_port()
    s = bench.cfmock(binary, db, port)
    _, acct = bench.seed_api(port)
    user = bench.call(port, 'GET', '/user')['result']
    s.stop()
    con = sqlite3.connect(db)
    have = con.execute('SELECT count(*) FROM audit_logs').fetchone()[0]
    acct_seq = con.execute('SELECT seq FROM accounts WHERE id = ?', (acct['id'],)).fetchone()[0]
    request = json.dumps({'name': 'Bench Account', 'type': 'standard'})
    response = json.dumps({'id': acct['id'], 'name': 'Bench Account', 'type': 'standard'})

    def rows():
        for i in range(n - have):
            yield ('%032x' % (0xe000000000000000 + i), T0 + 3600000 + i * 10, acct['id'],
                   acct_seq, 'Bench Account', user['id'], 'update' if i % 2 else 'create',
                   'Update Account', 'success', user['id'], user['email'], 'user', 'api_token',
                   '127.0.0.1', 'PUT', '/accounts/' + acct['id'], 200,
                   '%016x' % i, 'bench', acct['id'], 'accounts', 'account', 'accounts',
                   request, response)
    con.executemany(
        'INSERT INTO audit_logs(id, time_ms, account_id, account_seq, account_name, actor_user, action_type, '
        'description, result, actor_id, actor_email, actor_type, actor_context, ip, method, '
        'uri, status, ray_id, user_agent, resource_id, product, rtype, scope, request, '
        'response) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '
        '?, ?)', rows())
    con.commit()
    con.execute('PRAGMA wal_checkpoint(TRUNCATE)')
    con.close()
    return acct['id']


def get_paths(port, acct):
    log = '/accounts/%s/logs/audit?since=%s&before=%s' % (acct, SINCE, BEFORE)
    first = bench.call(port, 'GET', log + '&limit=100')
    cursor = first['result_info']['cursor']
    # 5 pages of 100 in: the cursor of a page deep enough to need the key
    for _ in range(4):
        cursor = bench.call(port, 'GET', log + '&limit=100&cursor=' + cursor)['result_info']['cursor']
    return [('v2 first page (limit 100)', log + '&limit=100'),
            ('v2 page 6 by its cursor', log + '&limit=100&cursor=' + cursor),
            ('v2 filtered (action_type=update)', log + '&limit=100&action_type=update'),
            ('v1 page 1 (per_page 100)', '/accounts/%s/audit_logs?per_page=100' % acct)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--cfmock', required=True)
    ap.add_argument('--before', help='a build from before the audit log')
    ap.add_argument('--rounds', type=int, default=3)
    ap.add_argument('--seconds', type=int, default=5)
    ap.add_argument('--sizes', default='1000,1000000')
    args = ap.parse_args()

    def spread(v):
        return '%.0f (%.0f to %.0f)' % (statistics.median(v), min(v), max(v))

    with tempfile.TemporaryDirectory(prefix='cfmock-audit-') as tmp:
        if args.before:
            print('## Writing: with the audit log against before it\n')
            print('| workload | conns | before (/s) | with audit (/s) | ratio |')
            print('|---|---|---|---|---|', flush=True)
            for conns in (1, 16):
                runs = {'a': [], 'b': []}
                for rnd in range(args.rounds):
                    for side, binary in (('a', args.before), ('b', args.cfmock)):
                        runs[side].append(post_round(binary, conns, args.seconds, tmp,
                                                     '%s%d' % (side, rnd)))
                for name in runs['a'][0]:
                    a = [r[name] for r in runs['a']]
                    b = [r[name] for r in runs['b']]
                    print('| %s | %d | %s | %s | %.2f |' % (
                        name, conns, spread(a), spread(b),
                        statistics.median(b) / statistics.median(a)), flush=True)
            print()

        sizes = [int(x) for x in args.sizes.split(',')]
        servers, paths = {}, {}
        try:
            for n in sizes:
                db = os.path.join(tmp, 'log-%d.db' % n)
                t = time.time()
                acct = entries_db(args.cfmock, db, n)
                port = bench.free_port()
                servers[n] = bench.cfmock(args.cfmock, db, port)
                paths[n] = [(name, 'http://127.0.0.1:%d/client/v4%s' % (port, p))
                            for name, p in get_paths(port, acct)]
                print('(%d entries made in %.0f s)' % (n, time.time() - t), file=sys.stderr,
                      flush=True)
            script = bench.lua(os.path.join(tmp, 'get.lua'), '')
            res = {n: {} for n in sizes}
            for _ in range(args.rounds):
                for n in sizes:
                    for name, url in paths[n]:
                        r = bench.wrk(url, 16, args.seconds, script)
                        if r['non2xx'] or r['sockerr']:
                            raise RuntimeError('%s at %d: %d non-2xx' % (name, n, r['non2xx']))
                        res[n].setdefault(name, []).append(r['rps'])
        finally:
            for s in servers.values():
                s.stop()
        print('## Reading: the log of one account at %s entries (16 connections)\n'
              % ' and '.join('{:,}'.format(n) for n in sizes))
        print('| request | ' + ' | '.join('{:,} entries (/s)'.format(n) for n in sizes) +
              ' | ratio |')
        print('|---|' + '---|' * len(sizes) + '---|')
        for name, _ in paths[sizes[0]]:
            vals = [res[n][name] for n in sizes]
            print('| %s | %s | %.2f |' % (name, ' | '.join(spread(v) for v in vals),
                                          statistics.median(vals[-1]) /
                                          statistics.median(vals[0])), flush=True)


if __name__ == '__main__':
    main()
