"""test_machine.py: faults of the machine under a running cfmock (the
README's "Limits and security").

- A file-size limit (ulimit -f, RLIMIT_FSIZE): a write that would go past it
  answers 500 / 1099, nothing of it is kept, and the server goes on serving.
  The limit is set in the child without any signal disposition, so only
  cfmock's own handling of SIGXFSZ keeps it alive.
- An outside reader holding a read transaction on the database file stops
  checkpoints: the WAL grows, and cfmock logs one warning that says why,
  however long it goes on."""
import http.client
import json
import os
import resource
import shutil
import sqlite3
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import TOKEN_A  # noqa: E402


class MachineTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix='cfmock-machine-')
        self.db = os.path.join(self.dir, 'cfmock.db')

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def names(self, srv):
        r = srv.request('GET', '/organizations', query={'page_size': 100})
        self.assertEqual(r.status, 200, r)
        return sorted(o['name'] for o in r.json['result'])

    def test_a_write_past_the_file_size_limit_answers_500_and_the_server_goes_on(self):
        srv = harness.Server(db=self.db)
        for i in range(20):
            srv.request('POST', '/organizations', {'name': 'Kept %02d' % i})
        srv.proc.kill()                 # the WAL stays, at its size
        srv.proc.wait()
        srv.stop()
        limit = os.path.getsize(self.db + '-wal')
        self.assertGreater(limit, 32 * 1024)   # room for the WAL index

        def small_files():
            # no file may grow: the next WAL frame goes past the limit
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        srv = harness.Server(db=self.db, preexec=small_files)
        try:
            r = srv.request('POST', '/organizations', {'name': 'Lost'})
            self.assertEqual(r.status, 500, r)
            self.assertEqual(r.json, {
                'success': False, 'messages': [],
                'errors': [{'code': 1099, 'message': 'internal error: the database could not '
                            'commit; nothing was saved (see the server log)'}]})
            self.assertIsNone(srv.proc.poll(), 'cfmock died of the file-size limit')
            self.assertEqual(srv.request('GET', '/_cfmock/health', auth=None).status, 200)
            self.assertEqual(self.names(srv), ['Kept %02d' % i for i in range(20)])
        finally:
            code = srv.stop()
        self.assertEqual(code, 0, srv.stderr)
        with harness.Server(db=self.db) as srv:
            self.assertEqual(self.names(srv), ['Kept %02d' % i for i in range(20)])

    def test_an_outside_reader_makes_the_wal_grow_and_cfmock_says_why_once(self):
        srv = harness.Server(db=self.db)
        try:
            srv.request('POST', '/organizations', {'name': 'Before'})
            reader = sqlite3.connect(self.db, isolation_level=None)
            reader.execute('BEGIN')
            reader.execute('SELECT count(*) FROM organizations').fetchone()
            c = http.client.HTTPConnection(srv.host, srv.port, timeout=30)
            name = 'n' * 90

            def create(n):
                c.request('POST', '/client/v4/organizations', json.dumps({'name': n}),
                          {'Authorization': 'Bearer ' + TOKEN_A,
                           'Content-Type': 'application/json'})
                r = c.getresponse()
                harness.checked('POST', '/client/v4/organizations', r.status,
                                {k.lower(): v for k, v in r.getheaders()}, r.read())
                self.assertEqual(r.status, 200)
            # writes until the WAL is well past the 4,000 pages (16 MiB) at
            # which cfmock copies it back itself, every commit past that
            # one more try that cannot progress
            made = 0
            while os.path.getsize(self.db + '-wal') < 40 * 1024 * 1024 and made < 40000:
                create('%d %s' % (made, name))
                made += 1
            self.assertGreater(os.path.getsize(self.db + '-wal'), 40 * 1024 * 1024)
            # the reader still sees only what was there when it began
            self.assertEqual(reader.execute('SELECT count(*) FROM organizations').fetchone(),
                             (1,))
            reader.execute('COMMIT')
            reader.close()
            for i in range(200):
                create('after %d %s' % (i, name))
            c.close()
        finally:
            code = srv.stop()
        self.assertEqual(code, 0, srv.stderr)
        with sqlite3.connect(self.db) as db:
            self.assertEqual(db.execute('SELECT count(*) FROM organizations').fetchone(),
                             (1 + made + 200,))
        lines = [line for line in srv.stderr.decode().splitlines() if 'warning' in line]
        self.assertEqual(len(lines), 1, srv.stderr)
        self.assertRegex(lines[0], r'^cfmock: warning: .*cfmock\.db-wal holds \d+ pages '
                         r'\(\d+ MiB\) that cannot be copied back into the database: another '
                         r'process \(a sqlite3 shell\?\) holds a read transaction open on it, '
                         r'and the WAL grows until that reader ends$')
        # once the reader is gone the WAL restarts: it is cut back to
        # journal_size_limit (4 MiB) at the next checkpoint that empties it
        self.assertLessEqual(os.path.getsize(self.db + '-wal'), 64 * 1024 * 1024)


if __name__ == '__main__':
    harness.main()
