"""test_shutdown.py: SIGTERM and SIGINT with requests in flight (the
README's "Flags": "it stops accepting, lets requests in flight finish (up
to 10 s), closes the database and exits 0", and "an answered write survives").

A latency fault holds requests in the server long enough to signal it while
they are in flight; the fault's hit count says when all of them arrived.
Timing is checked by order and lower bounds, with generous limits."""
import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import TOKEN_A  # noqa: E402

LATENCY_MS = 1500
EXIT_WITHIN = 10 + (50 if harness.WRAPPER else 5)     # the 10 s grace, and then some


class Shutdown(unittest.TestCase):
    def start(self, db=':memory:'):
        srv = harness.Server(db=db)
        self.addCleanup(self.cleanup, srv)
        return srv

    def cleanup(self, srv):
        if srv.proc.poll() is None:
            srv.proc.kill()
        srv.stop()

    def hold(self, srv, method, path):
        r = srv.request('POST', '/_cfmock/faults', {
            'method': method, 'path': path, 'action': {'type': 'latency', 'ms': LATENCY_MS}},
            auth=None)
        self.assertEqual(r.status, 200, r)
        return r.json['id']

    def hits(self, srv, id):
        r = srv.request('GET', '/_cfmock/faults', auth=None)
        self.assertEqual(r.status, 200, r)
        return [f for f in r.json['faults'] if f['id'] == id][0]['hits']

    def wait_hits(self, srv, id, n):
        deadline = time.monotonic() + 30
        while self.hits(srv, id) < n and time.monotonic() < deadline:
            time.sleep(0.01)
        self.assertEqual(self.hits(srv, id), n, 'the requests never reached the server')

    def in_flight(self, srv, calls):
        """Starts each (method, path, body) in its own thread; returns the
        threads and the list their (end time, response or exception) go
        to, in call order."""
        results = [None] * len(calls)

        def run(i, method, path, body):
            try:
                r = srv.request(method, path, body, timeout=60)
            except Exception as e:      # noqa: BLE001: the test reports it
                r = e
            results[i] = (time.monotonic(), r)
        threads = [threading.Thread(target=run, args=(i,) + c) for i, c in enumerate(calls)]
        for t in threads:
            t.start()
        return threads, results

    def refused_after(self, srv, deadline):
        """Connects again and again until the server refuses; returns the
        time it first did, or None."""
        while time.monotonic() < deadline:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.settimeout(5)
            try:
                s.connect((srv.host, srv.port))
            except ConnectionRefusedError:
                return time.monotonic()
            except OSError:
                pass
            finally:
                s.close()
            time.sleep(0.01)
        return None

    def signal_in_flight(self, sig):
        srv = self.start()
        org = srv.request('POST', '/organizations', {'name': 'Acme'})
        self.assertEqual(org.status, 200, org)
        want = srv.request('GET', '/organizations').json
        fault = self.hold(srv, 'GET', '/organizations')
        threads, results = self.in_flight(srv, [('GET', '/organizations', None)] * 3)
        self.wait_hits(srv, fault, 3)
        self.assertEqual(results, [None] * 3, 'answered before the signal')
        sent = time.monotonic()
        srv.proc.send_signal(sig)
        refused = self.refused_after(srv, sent + LATENCY_MS / 1000.0 * 4)
        try:
            code = srv.proc.wait(timeout=EXIT_WITHIN)
        except subprocess.TimeoutExpired:
            self.fail('cfmock did not exit within %d s of the signal' % EXIT_WITHIN)
        exited = time.monotonic()
        for t in threads:
            t.join(60)
        self.assertEqual(code, 0, srv.stderr.decode())
        # every request in flight got its whole answer
        for i, res in enumerate(results):
            with self.subTest(request=i):
                self.assertIsNotNone(res)
                end, r = res
                self.assertIsInstance(r, harness.Response, r)
                self.assertEqual(r.status, 200, r)
                self.assertEqual(r.headers.get('content-type'), 'application/json')
                self.assertEqual(r.json, want)
                self.assertEqual(int(r.headers.get('content-length', '-1')), len(r.raw))
        # a new connection after the signal was refused, while they were
        # still being held
        self.assertIsNotNone(refused, 'new connections were still accepted after the signal')
        self.assertLess(refused, min(end for end, _ in results))
        self.assertGreaterEqual(exited, sent)
        # and nothing more answers
        with self.assertRaises(ConnectionRefusedError):
            socket.create_connection((srv.host, srv.port), timeout=5).close()

    def test_stop_1_1_sigterm_lets_requests_in_flight_finish(self):
        self.signal_in_flight(signal.SIGTERM)

    def test_stop_1_2_sigint_lets_requests_in_flight_finish(self):
        self.signal_in_flight(signal.SIGINT)

    def writes_survive(self, sig):
        with tempfile.TemporaryDirectory() as d:
            db = os.path.join(d, 'cfmock.db')
            srv = self.start(db=db)
            org = srv.request('POST', '/organizations', {'name': 'Answered'})
            self.assertEqual(org.status, 200, org)
            fault = self.hold(srv, 'POST', '/accounts')
            unit = {'id': org.json['result']['id']}
            threads, results = self.in_flight(srv, [
                ('POST', '/accounts', {'name': 'In flight', 'unit': unit})])
            self.wait_hits(srv, fault, 1)
            srv.proc.send_signal(sig)
            code = srv.proc.wait(timeout=EXIT_WITHIN)
            for t in threads:
                t.join(60)
            self.assertEqual(code, 0, srv.stderr.decode())
            _, acct = results[0]
            self.assertIsInstance(acct, harness.Response, acct)
            self.assertEqual(acct.status, 200, acct)

            again = self.start(db=db)
            r = again.request('GET', '/organizations/' + org.json['result']['id'])
            self.assertEqual(r.json, org.json)
            r = again.request('GET', '/accounts/' + acct.json['result']['id'])
            self.assertEqual(r.json, acct.json)
            r = again.request('GET', '/accounts')
            self.assertEqual([a['name'] for a in r.json['result']], ['In flight'])
            self.assertEqual(again.stop(), 0)

    def test_stop_2_1_answered_writes_survive_sigterm(self):
        self.writes_survive(signal.SIGTERM)

    def test_stop_2_2_answered_writes_survive_sigint(self):
        self.writes_survive(signal.SIGINT)

    def test_stop_3_1_idle_keep_alive_connections_do_not_hold_it(self):
        srv = self.start()
        conn = http.client.HTTPConnection(srv.host, srv.port, timeout=30)
        try:
            conn.request('GET', '/client/v4/user', headers=harness.bearer(TOKEN_A))
            r = conn.getresponse()
            harness.checked('GET', '/client/v4/user', r.status,
                            {k.lower(): v for k, v in r.getheaders()}, r.read())
            self.assertEqual(r.status, 200)
            sent = time.monotonic()
            srv.proc.send_signal(signal.SIGTERM)
            code = srv.proc.wait(timeout=EXIT_WITHIN)
            self.assertEqual(code, 0, srv.stderr.decode())
            # not held for the 30 s connection timeout, nor for the 10 s grace
            self.assertLess(time.monotonic() - sent, 9.5)
        finally:
            conn.close()

    def test_stop_3_2_no_requests_exits_at_once_with_0(self):
        srv = self.start()
        srv.proc.send_signal(signal.SIGTERM)
        self.assertEqual(srv.proc.wait(timeout=EXIT_WITHIN), 0, srv.stderr.decode())


if __name__ == '__main__':
    harness.main()
