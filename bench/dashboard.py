#!/usr/bin/env python3
"""bench/dashboard.py: how soon the dashboard (README "Dashboard") is
usable on a large state. cfmock starts with 10,000 organizations and
10,000 accounts (--orgs), Debian's headless chromium (through
python3-selenium and chromedriver) loads /_cfmock/ui --loads times, and
each load reports the page's own mark "cfmock-state-ready": the time from
navigation until the tree is drawn and answers clicks, with the page's
fetch and draw times. The first load is a cold browser cache.

  bench/run --dashboard [--orgs 10000] [--loads 10]"""
import argparse
import json
import os
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--cfmock', required=True)
    ap.add_argument('--orgs', type=int, default=10000)
    ap.add_argument('--loads', type=int, default=10)
    args = ap.parse_args()
    orgs = [{'id': '%032x' % (i + 1), 'name': 'Org %05d' % i, 'owner': 'big@example.com',
             'accounts': [{'id': '%032x' % (0x10000000 + i), 'name': 'Account %05d' % i}]}
            for i in range(args.orgs)]
    with tempfile.TemporaryDirectory(prefix='cfmock-dash-') as tmp:
        fx = os.path.join(tmp, 'big.json')
        with open(fx, 'w') as f:
            json.dump({'users': [{'email': 'big@example.com', 'tokens': ['big-token']}],
                       'organizations': orgs}, f)
        port = bench.free_port()
        s = bench.cfmock(args.cfmock, ':memory:', port, '--fixtures', fx)
        o = Options()
        for a in ('--headless=new', '--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu',
                  '--window-size=1400,900', '--no-first-run', '--disable-extensions'):
            o.add_argument(a)
        d = webdriver.Chrome(service=Service(os.environ.get('CHROMEDRIVER',
                                                            '/usr/bin/chromedriver')), options=o)
        rows = []
        try:
            for _ in range(args.loads):
                d.get('http://127.0.0.1:%d/_cfmock/ui' % port)
                WebDriverWait(d, 30).until(
                    lambda x: x.execute_script('return document.body.dataset.ready === "1"'))
                ready = d.execute_script('return performance.getEntriesByName('
                                         '"cfmock-state-ready")[0].startTime')
                t = d.execute_script('return window.cfmockTimings')
                rows.append((ready, t['fetch_ms'], t['draw_ms'], t['nodes']))
        finally:
            d.quit()
            s.stop()
    print('## The dashboard on %s organizations and as many accounts\n'
          % '{:,}'.format(args.orgs))
    print('| load | ready (ms after navigation) | state fetched (ms) | tree drawn (ms) |')
    print('|---|---|---|---|')
    for i, (ready, fetch, draw, _) in enumerate(rows):
        print('| %d%s | %.0f | %d | %d |' % (i + 1, ' (cold)' if i == 0 else '', ready, fetch,
                                             draw))
    warm = [r[0] for r in rows[1:]] or [rows[0][0]]
    print('\nwarm loads: median %.0f ms, %.0f to %.0f ms; %d nodes in the index'
          % (statistics.median(warm), min(warm), max(warm), rows[0][3]))


if __name__ == '__main__':
    main()
