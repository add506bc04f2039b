#!/usr/bin/env python3
"""bench/tokens.py: what checking an issued API token costs (issue: GET by
id with an issued token carrying ten policies within 10% of GET with an
open-mode token, at 1 and at 100,000 issued tokens).

Loads a fixture of one user and one account plus N issued tokens (the one
measured has ten policies), then runs wrk on GET /accounts/{id} with the
open-mode token and with the issued one, in turn, several rounds, and
prints requests per second, their ratio, and p99 latency.

  bench/run --tokens [--rounds 3] [--seconds 5]
"""
import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time

ACCT = 'ab' * 16
SETTINGS_READ = 'c1fde68c7bcc44588cbb6ddbc16d6480'


def fixture(n):
    pols = [{'effect': 'allow', 'permission_groups': [{'id': SETTINGS_READ}],
             'resources': {'com.cloudflare.api.account.' + ('%032x' % (i + 1)): '*'}}
            for i in range(9)]
    pols.append({'effect': 'allow', 'permission_groups': [{'id': SETTINGS_READ}],
                 'resources': {'com.cloudflare.api.account.' + ACCT: '*'}})
    tokens = [{'value': 'open-user-token'}, {'value': 'measured-issued-token', 'name': 'ten',
                                             'policies': pols}]
    for i in range(n - 1):
        tokens.append({'value': 'filler-%08d' % i, 'name': 'f', 'policies': pols[-1:]})
    return {'users': [{'email': 'bench@example.com', 'tokens': tokens}],
            'accounts': [{'id': ACCT, 'name': 'Bench', 'owner': 'bench@example.com'}]}


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wrk(port, token, conns, seconds):
    out = subprocess.run(['wrk', '-t1', '-c%d' % conns, '-d%ds' % seconds, '--latency',
                          '-H', 'Authorization: Bearer ' + token,
                          'http://127.0.0.1:%d/client/v4/accounts/%s' % (port, ACCT)],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r'Requests/sec:\s+([\d.]+)', out).group(1))
    m = re.search(r'99%\s+([\d.]+)(us|ms|s)', out)
    p99 = float(m.group(1)) * {'us': 0.001, 'ms': 1, 's': 1000}[m.group(2)]
    return rps, p99


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--cfmock', required=True)
    ap.add_argument('--rounds', type=int, default=3)
    ap.add_argument('--seconds', type=int, default=5)
    ap.add_argument('--counts', default='1,100000')
    ap.add_argument('--conns', default='1,16')
    a = ap.parse_args()
    rows = []
    for n in [int(x) for x in a.counts.split(',')]:
        with tempfile.TemporaryDirectory() as d:
            fx = os.path.join(d, 'f.json')
            with open(fx, 'w') as f:
                json.dump(fixture(n), f)
            port = free_port()
            t0 = time.time()
            srv = subprocess.Popen([a.cfmock, '--port', str(port), '--db', os.path.join(d, 'db'),
                                    '--fixtures', fx, '--auth', 'strict'],
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            srv.stdout.readline()
            load = time.time() - t0
            # the access log goes to stdout: keep reading it, or a full pipe
            # stops the server
            threading.Thread(target=lambda: [None for _ in srv.stdout], daemon=True).start()
            try:
                for conns in [int(x) for x in a.conns.split(',')]:
                    res = {'open': [], 'issued': []}
                    for _ in range(a.rounds):
                        for kind, tok in (('open', 'open-user-token'),
                                          ('issued', 'measured-issued-token')):
                            res[kind].append(wrk(port, tok, conns, a.seconds))
                    o = max(r[0] for r in res['open'])
                    i = max(r[0] for r in res['issued'])
                    rows.append((n, conns, o, i, i / o, min(r[1] for r in res['open']),
                                 min(r[1] for r in res['issued']), load))
            finally:
                srv.terminate()
                try:
                    srv.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    srv.kill()
                    srv.wait()
    print('| issued tokens | connections | open-mode token req/s | issued token (10 policies) '
          'req/s | ratio | p99 open ms | p99 issued ms | start-up with fixture s |')
    print('|---|---|---|---|---|---|---|---|')
    for r in rows:
        print('| %d | %d | %.0f | %.0f | %.2f | %.2f | %.2f | %.1f |' % r)


if __name__ == '__main__':
    sys.exit(main())
