"""harness.py: run the real cfmock binary on a free port and talk to it.

Every http test starts its own server (port 0, its own database), so test
files run in parallel. The server is found through $CFMOCK_BIN (set by
meson); $CFMOCK_WRAPPER (e.g. "valgrind --error-exitcode=1") wraps it.
Each test file ends with `harness.main()`, which runs its unittest cases
and prints TAP for meson."""
import http.client
import json
import os
import shlex
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import traceback
import unittest
import urllib.parse

import contract

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.environ.get('CFMOCK_BIN') or os.path.join(HERE, '..', '..', 'build', 'src', 'cfmock')
WRAPPER = shlex.split(os.environ.get('CFMOCK_WRAPPER', ''))
START_TIMEOUT = 60 if WRAPPER else 10

# The fixed clock and seed every server starts with unless told otherwise:
# ids and timestamps are then the same on every run.
CLOCK = '2026-01-01T00:00:00Z'
SEED = '1'

TOKEN_A = 'token-team-a'
TOKEN_B = 'token-team-b'


def bearer(token):
    return {'Authorization': 'Bearer ' + token}


class Response:
    def __init__(self, status, headers, raw):
        self.status = status
        self.headers = headers          # dict, lowercase names
        self.raw = raw                  # bytes
        try:
            self.json = json.loads(raw) if raw else None
        except ValueError:
            self.json = None

    def __repr__(self):
        return 'Response(%d, %r)' % (self.status, self.raw[:500])


def checked(method, url, status, headers, raw):
    """The Response of one answer to METHOD url (headers: a dict with
    lowercase names), validated against the OpenAPI document
    (contract.py): a violation fails the test that made the request. Code
    that talks HTTP itself calls this on what it reads."""
    contract.check(method, url, status, headers, raw)
    return Response(status, headers, raw)


class Server:
    """A running cfmock. Use as a context manager, or call stop()."""

    def __init__(self, *args, db=':memory:', seed=SEED, clock=CLOCK, env=None,
                 access_log=False, preexec=None):
        self.args = ['--bind', '127.0.0.1', '--port', '0', '--db', db]
        if seed is not None:
            self.args += ['--seed', seed]
        if clock is not None:
            self.args += ['--clock', clock]
        if not access_log:
            self.args += ['--access-log', 'off']
        self.args += list(args)
        full_env = dict(os.environ)
        full_env.update(env or {})
        self.proc = subprocess.Popen(WRAPPER + [BIN] + self.args, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=full_env,
                                     preexec_fn=preexec)
        self.stdout_lines = []
        self.stdout_raw = []            # the same lines, as bytes
        self.stderr = b''
        first = self._read_first_line()
        if not first.startswith('cfmock listening on http://'):
            self.proc.kill()
            self.proc.wait()
            raise RuntimeError('cfmock did not start: %r %r' % (first, self.proc.stderr.read()))
        self.base = first.split('listening on ', 1)[1].strip()      # .../client/v4
        hostport = self.base.split('//', 1)[1].split('/', 1)[0]
        self.host, self.port = hostport.rsplit(':', 1)
        self.port = int(self.port)
        # the second start-up line says where the dashboard is; the access
        # log (stdout_lines) starts after it
        self.dashboard_line = self._read_first_line()
        self._drain()
        self.wait_healthy()

    def _read_first_line(self):
        out = []

        def reader():
            out.append(self.proc.stdout.readline().decode('utf-8', 'replace'))
        t = threading.Thread(target=reader, daemon=True)
        t.start()
        t.join(START_TIMEOUT)
        return out[0] if out else ''

    def _drain(self):
        def out():
            for line in self.proc.stdout:
                self.stdout_raw.append(line)
                self.stdout_lines.append(line.decode('utf-8', 'replace'))

        def err():
            data = self.proc.stderr.read()
            self.stderr += data or b''
        self._threads = [threading.Thread(target=out, daemon=True),
                         threading.Thread(target=err, daemon=True)]
        for t in self._threads:
            t.start()

    def wait_healthy(self):
        deadline = time.time() + START_TIMEOUT
        while time.time() < deadline:
            try:
                if self.request('GET', '/_cfmock/health', auth=None).status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.02)
        raise RuntimeError('cfmock never became healthy')

    def request(self, method, path, body=None, auth=TOKEN_A, headers=None, raw=None,
                query=None, timeout=30):
        """Sends one request. path is relative to /client/v4 unless it starts
        with /_cfmock or is absolute-from-root (starts with //). body is
        JSON-encoded; raw is sent as is. auth is a bearer token (None: no
        credentials). query is a dict or a list of (key, value) pairs."""
        if path.startswith('/_cfmock') or path.startswith('//'):
            url = path[1:] if path.startswith('//') else path
        else:
            url = '/client/v4' + path
        if query:
            url += '?' + urllib.parse.urlencode(query, doseq=True)
        h = {}
        if auth:
            h.update(bearer(auth))
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h['Content-Type'] = 'application/json'
        if raw is not None:
            data = raw if isinstance(raw, bytes) else raw.encode()
        h.update(headers or {})
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            conn.request(method, url, body=data, headers=h)
            resp = conn.getresponse()
            payload = resp.read()
            return checked(method, url, resp.status,
                           {k.lower(): v for k, v in resp.getheaders()}, payload)
        finally:
            conn.close()

    def stop(self):
        """SIGTERM, then the exit status (0 expected: a clean shutdown)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=START_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        for t in self._threads:
            t.join(5)
        return code

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def run_cfmock(*args, env=None, timeout=10):
    """Runs cfmock to completion (for --help, failing starts); returns
    (exit code, stdout, stderr) as text."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    p = subprocess.run(WRAPPER + [BIN] + list(args), capture_output=True, env=full_env,
                       timeout=timeout * (6 if WRAPPER else 1))
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def read_to_close(sock, reset_ok=False):
    """Everything sock receives until the peer closes it (or resets it,
    with reset_ok)."""
    data = b''
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            if not reset_ok:
                raise
            return data
        if not chunk:
            return data
        data += chunk


class HttpReader:
    """Reads HTTP responses one after the other from one socket (pipelined
    answers included): next() gives (status, headers dict with lowercase
    names, body bytes), or raises ConnectionError if the server closed
    without a whole answer. sent: (method, url) of the requests written on
    the socket, in order; each answer read is validated against the one it
    answers (see checked())."""

    def __init__(self, sock, timeout=15, sent=()):
        sock.settimeout(timeout)
        self.f = sock.makefile('rb')
        self.sent = list(sent)

    def line(self):
        line = self.f.readline(65537)
        if not line.endswith(b'\n'):
            raise ConnectionError('closed mid-line: %r' % line[:200])
        return line.rstrip(b'\r\n')

    def next(self):
        status_line = self.line()
        parts = status_line.split(b' ', 2)
        if len(parts) < 2 or not parts[0].startswith(b'HTTP/1.') or not parts[1].isdigit():
            raise http.client.BadStatusLine(status_line[:200])
        headers = {}
        while True:
            h = self.line()
            if not h:
                break
            k, sep, v = h.partition(b':')
            if not sep:
                raise http.client.HTTPException('bad header line %r' % h[:200])
            headers[k.decode('latin-1').strip().lower()] = v.decode('latin-1').strip()
        if headers.get('transfer-encoding', '').lower() == 'chunked':
            body = b''
            while True:
                n = int(self.line().split(b';')[0], 16)
                if n == 0:
                    self.line()
                    break
                body += self.f.read(n)
                self.line()
        elif 'content-length' in headers:
            n = int(headers['content-length'])
            body = self.f.read(n)
            if len(body) != n:
                raise ConnectionError('closed mid-body')
        else:
            body = self.f.read()
        if self.sent:
            method, url = self.sent.pop(0)
            contract.check(method, url, int(parts[1]), headers, body)
        return int(parts[1]), headers, body


def read_http_response(sock, timeout=15, sent=None):
    """One HTTP response from sock (see HttpReader); sent: the (method,
    url) it answers, to validate it."""
    return HttpReader(sock, timeout, [sent] if sent else ()).next()


def assert_database_sound(test, path):
    """The SQLite file at path passes integrity_check and
    foreign_key_check (test: the unittest.TestCase that asserts)."""
    conn = sqlite3.connect(path)
    try:
        test.assertEqual(conn.execute('PRAGMA integrity_check').fetchall(), [('ok',)])
        test.assertEqual(conn.execute('PRAGMA foreign_key_check').fetchall(), [])
    finally:
        conn.close()


def ok_envelope(result, **extra):
    """The whole success envelope cfmock sends."""
    env = {'success': True, 'errors': [], 'messages': [], 'result': result}
    env.update(extra)
    return env


class ServerTest(unittest.TestCase):
    """A test case with one fresh server per test (self.srv). Stopping it
    must exit 0, which makes a leak or crash under a sanitizer fail the test
    that caused it."""
    server_args = ()
    server_kwargs = {}

    def setUp(self):
        self.srv = Server(*self.server_args, **self.server_kwargs)

    def tearDown(self):
        code = self.srv.stop()
        self.assertEqual(code, 0, 'cfmock exited %d; stderr: %s' % (code, self.srv.stderr.decode()))

    def req(self, *a, **kw):
        return self.srv.request(*a, **kw)

    def server(self, *args, **kw):
        """Another server for this test, stopped (exit 0 expected) at the
        end."""
        srv = Server(*args, **kw)

        def stop():
            code = srv.stop()
            self.assertEqual(code, 0, 'cfmock exited %d; stderr: %s' % (code, srv.stderr.decode()))
        self.addCleanup(stop)
        return srv

    def cursor_walk(self, fetch, page_size, query=()):
        """Follows next_page_token to the end of a cursor list: fetch(q)
        answers the envelope for the query pairs q. Returns (items, pages)
        where pages lists (number of items, total_size) per page."""
        items, pages, token = [], [], None
        while True:
            q = list(query)
            if page_size is not None:
                q.append(('page_size', page_size))
            if token is not None:
                q.append(('page_token', token))
            env = fetch(q)
            info = env['result_info']
            self.assertLessEqual(set(info), {'next_page_token', 'total_size'})
            pages.append((len(env['result']), info['total_size']))
            items += env['result']
            if 'next_page_token' not in info:
                return items, pages
            token = info['next_page_token']
            self.assertIsInstance(token, str)
            self.assertTrue(token)
            self.assertLess(len(pages), 2000, 'paging never ends')

    def assertSameOnAnotherServer(self, run):
        """run(server) makes requests and returns their responses: on a
        second server started the same way they must be byte for byte the
        same, and all 200. Returns this server's responses."""
        first = run(self.srv)
        other = Server(*self.server_args, **self.server_kwargs)
        try:
            second = run(other)
        finally:
            self.assertEqual(other.stop(), 0)
        self.assertEqual(len(first), len(second))
        for a, b in zip(first, second):
            self.assertEqual(a.status, 200, a)
            self.assertEqual(a.raw, b.raw)
        return first

    def assertError(self, resp, status, codes, result_key='null'):
        """resp is an error envelope with exactly these error codes, in
        order. result_key: 'null' (IAM/gateway: "result": null) or 'absent'
        (Organizations-API operation errors)."""
        self.assertEqual(resp.status, status, resp)
        self.assertIsNotNone(resp.json, resp)
        self.assertIs(resp.json['success'], False, resp)
        self.assertEqual([e['code'] for e in resp.json['errors']], codes, resp)
        self.assertEqual(resp.json['messages'], [], resp)
        for e in resp.json['errors']:
            self.assertIsInstance(e['message'], str)
            self.assertTrue(e['message'])
        if result_key == 'null':
            self.assertIn('result', resp.json)
            self.assertIsNone(resp.json['result'])
        else:
            self.assertNotIn('result', resp.json)
        self.assertEqual(resp.headers.get('content-type'), 'application/json')


class _TapResult(unittest.TestResult):
    def __init__(self):
        super().__init__()
        self.n = 0
        self._reported = False

    def startTest(self, test):
        super().startTest(test)
        self._reported = False

    def stopTest(self, test):
        # a test whose only failures were in subTests gets no addFailure
        # or addSuccess: it still needs its "not ok" line
        if not self._reported:
            self._line(False, test, ' # failed in a subTest')
            self._contract()
        super().stopTest(test)

    def _line(self, ok, test, note=''):
        self.n += 1
        self._reported = True
        print('%s %d - %s%s' % ('ok' if ok else 'not ok', self.n, test.id(), note), flush=True)

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            print('# subTest %s failed:' % subtest._subDescription(), flush=True)
            for line in ''.join(traceback.format_exception(*err)).splitlines():
                print('# ' + line, flush=True)

    def addSuccess(self, test):
        # a response that breaks the OpenAPI document fails the test that
        # asked for it, though every assertion of the test held
        broken = contract.take()
        if broken:
            self.addFailure(test, (AssertionError, AssertionError(
                'responses that break the OpenAPI document:\n' + '\n'.join(broken)), None))
            return
        super().addSuccess(test)
        self._line(True, test)

    def _contract(self):
        for v in contract.take():
            for line in ('response that breaks the OpenAPI document: ' + v).splitlines():
                print('# ' + line, flush=True)

    def _fail(self, test, err, kind):
        self._line(False, test)
        for line in ''.join(traceback.format_exception(*err)).splitlines():
            print('# ' + line, flush=True)
        self._contract()

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._fail(test, err, 'failure')

    def addError(self, test, err):
        super().addError(test, err)
        self._fail(test, err, 'error')

    def addSkip(self, test, reason):
        # a skipped test is a defect: report it as a failure
        super().addSkip(test, reason)
        self._line(False, test, ' # skipped: ' + reason)

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self._line(False, test, ' # expected failure is not allowed')

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._line(False, test)


def main():
    """Runs the calling module's tests, printing TAP."""
    module = sys.modules['__main__']
    suite = unittest.defaultTestLoader.loadTestsFromModule(module)
    if len(sys.argv) > 1:   # run only tests whose id contains an argument
        suite = unittest.TestSuite(t for t in _flatten(suite) if any(a in t.id() for a in sys.argv[1:]))
    whole = len(sys.argv) == 1
    if whole:
        contract.forget_record(module.__file__)
    print('1..%d' % suite.countTestCases(), flush=True)
    result = _TapResult()
    suite.run(result)
    if whole:       # what it validated, for check_contract.py
        contract.write_record(module.__file__)
    print('# %d responses validated against the OpenAPI document' % sum(contract.counts.values()),
          flush=True)
    bad = len(result.failures) + len(result.errors) + len(result.skipped) + \
        len(result.expectedFailures) + len(result.unexpectedSuccesses)
    sys.exit(1 if bad or result.n == 0 else 0)


def _flatten(suite):
    for t in suite:
        if isinstance(t, unittest.TestSuite):
            yield from _flatten(t)
        else:
            yield t
