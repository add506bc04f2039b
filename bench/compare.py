#!/usr/bin/env python3
"""compare.py: an A/B of two cfmock builds on the hot paths, for a change's
before/after figures (README "Benchmark"). The two run in turn, round after
round, each on a fresh file database (WAL), so that the machine's drift
falls on both alike; the spread of each side's rounds is the noise.

  python3 bench/compare.py --a OLD_BINARY --b NEW_BINARY [--rounds 5] [--seconds 5]

Workloads, all at --conns connections (default 16) with wrk: GET one
account by id, GET a 50-item page of organizations, POST create
organization."""
import argparse
import os
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402


def one_round(binary, conns, secs, tmp, tag):
    db = os.path.join(tmp, '%s.db' % tag)
    port = bench.free_port()
    s = bench.cfmock(binary, db, port)
    try:
        root, acct = bench.seed_api(port)
        base = 'http://127.0.0.1:%d/client/v4' % port
        get = bench.lua(os.path.join(tmp, 'get.lua'), '')
        post = bench.lua(os.path.join(tmp, 'post.lua'),
                         'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                         'wrk.body = \'{"name":"bench org"}\'\n')
        out = {}
        for name, url, script in (('GET account by id', base + '/accounts/' + acct['id'], get),
                                  ('GET 50 organizations', base + '/organizations?page_size=50',
                                   get),
                                  ('POST create organization', base + '/organizations', post)):
            r = bench.wrk(url, conns, secs, script)
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--a', required=True, help='the build before')
    ap.add_argument('--b', required=True, help='the build after')
    ap.add_argument('--rounds', type=int, default=5)
    ap.add_argument('--seconds', type=int, default=5)
    ap.add_argument('--conns', type=int, default=16)
    args = ap.parse_args()
    runs = {'a': [], 'b': []}
    with tempfile.TemporaryDirectory(prefix='cfmock-ab-') as tmp:
        for i in range(args.rounds):
            order = ('a', 'b') if i % 2 == 0 else ('b', 'a')
            for side in order:
                r = one_round(getattr(args, side), args.conns, args.seconds, tmp, side)
                runs[side].append(r)
                print('round %d %s: %s' % (i + 1, side, ', '.join(
                    '%s %.0f/s' % (k, v) for k, v in r.items())), flush=True)
    print()
    print('| workload (%d connections, %d rounds of %d s) | a: median (min-max) | '
          'b: median (min-max) | b/a |' % (args.conns, args.rounds, args.seconds))
    print('|---|---|---|---|')
    for name in runs['a'][0]:
        a = [r[name] for r in runs['a']]
        b = [r[name] for r in runs['b']]
        ma, mb = statistics.median(a), statistics.median(b)
        print('| %s | %.0f (%.0f-%.0f) | %.0f (%.0f-%.0f) | %.2f |'
              % (name, ma, min(a), max(a), mb, min(b), max(b), mb / ma))
    return 0


if __name__ == '__main__':
    sys.exit(main())
