"""test_group_commit.py: writes that arrive together are committed together
(README "Durability"), and that changes nothing a client can see.

- Writes that fail inside a group (a rule refuses them) leave the group's
  other writes as they were: 32 clients send at once, round after round,
  a mix of creates that must work and writes the store refuses; every
  create answered 200 is there, nothing refused is.
- A commit that fails answers 500 (1099) to every write of its group (a
  read that wrote, as the first use of a token does, included: it is not
  answered before its commit), and then none of them is there: the server runs with a file-size limit, so
  the WAL cannot grow past it. Every write answered 200 is in the state
  and survives a restart; every write answered 500 is in neither. Reads
  go on being answered.
- cfmock's own API (reset, snapshots, export) runs between groups: a flood
  of writes while snapshots are saved and restored and the store is reset
  gets only the answers the README allows, and the server stays up."""
import http.client
import json
import os
import resource
import shutil
import sys
import tempfile
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

CLIENTS = 32
ROUNDS = 12
MISSING_PARENT = '0123456789abcdef0123456789abcdef'
UNSAVED = ('internal error: the database could not commit; nothing was saved (see the '
           'server log)')


class Client:
    """One keep-alive connection, as an SDK keeps one."""

    def __init__(self, srv):
        self.conn = http.client.HTTPConnection(srv.host, srv.port, timeout=60)

    def call(self, method, path, body=None):
        h = dict(harness.bearer(harness.TOKEN_A))
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h['Content-Type'] = 'application/json'
        url = '/client/v4' + path if not path.startswith('/_cfmock') else path
        self.conn.request(method, url, body=data, headers=h)
        resp = self.conn.getresponse()
        raw = resp.read()
        return harness.checked(method, url, resp.status,
                               {k.lower(): v for k, v in resp.getheaders()}, raw)

    def close(self):
        self.conn.close()


def run_together(srv, n, rounds, work):
    """n clients, each on its own connection, call work(client_no, round_no,
    client) at the same moment, round after round. Returns what each call
    returned, and the exceptions raised."""
    barrier = threading.Barrier(n)
    results, problems, lock = [], [], threading.Lock()

    def body(i):
        c = Client(srv)
        try:
            for rnd in range(rounds):
                barrier.wait(30)
                try:
                    out = work(i, rnd, c)
                except Exception as e:  # noqa: BLE001 (every one is a problem)
                    with lock:
                        problems.append(repr(e))
                    c.close()
                    c = Client(srv)
                    continue
                with lock:
                    results.append(out)
        finally:
            c.close()
    threads = [threading.Thread(target=body, args=(i,), daemon=True) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results, problems


def all_orgs(srv):
    ids, token = [], None
    while True:
        q = {'page_size': 1000}
        if token:
            q['page_token'] = token
        r = srv.request('GET', '/organizations', query=q)
        assert r.status == 200, r
        ids += [o['id'] for o in r.json['result']]
        token = r.json['result_info'].get('next_page_token')
        if not token:
            return ids


class GroupTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix='cfmock-group-')
        self.db = os.path.join(self.dir, 'cfmock.db')

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def stop(self, srv):
        code = srv.stop()
        self.assertEqual(code, 0, 'cfmock exited %d; stderr: %s' % (code, srv.stderr.decode()))

    def test_group_1_a_refused_write_leaves_the_rest_of_its_group(self):
        srv = harness.Server(db=self.db)
        root = srv.request('POST', '/organizations', {'name': 'Root'}).json['result']['id']
        first = srv.request('POST', '/organizations', {'name': 'First', 'parent': {'id': root}})
        first = first.json['result']['id']  # the root is never empty

        def work(i, rnd, c):
            name = 'c%d-r%d' % (i, rnd)
            kind = i % 4
            if kind == 1:       # refused inside the store: the root is not empty
                r = c.call('DELETE', '/organizations/' + root)
            elif kind == 3:     # refused inside the store: no such parent
                r = c.call('POST', '/organizations', {'name': name, 'parent': {'id': MISSING_PARENT}})
            else:
                r = c.call('POST', '/organizations', {'name': name, 'parent': {'id': root}})
            code = r.json['errors'][0]['code'] if r.json and r.json['errors'] else None
            return kind, name, r.status, code, r.json

        results, problems = run_together(srv, CLIENTS, ROUNDS, work)
        self.assertEqual(problems, [])
        self.assertEqual(len(results), CLIENTS * ROUNDS)
        made = {}
        for kind, name, status, code, body in results:
            if kind == 1:
                self.assertEqual((status, code), (400, 1102), body)
            elif kind == 3:
                self.assertEqual((status, code), (400, 1103), body)
            else:
                self.assertEqual((status, code), (200, None), body)
                self.assertEqual(body['result']['name'], name)
                made[body['result']['id']] = name
        self.assertEqual(len(made), CLIENTS // 2 * ROUNDS)
        listed = all_orgs(srv)
        self.assertEqual(sorted(listed), sorted(list(made) + [root, first]))
        for oid, name in list(made.items())[:20]:
            r = srv.request('GET', '/organizations/' + oid)
            self.assertEqual((r.status, r.json['result']['name']), (200, name))
        self.stop(srv)
        srv = harness.Server(db=self.db)
        self.assertEqual(sorted(all_orgs(srv)), sorted(list(made) + [root, first]))
        self.stop(srv)

    def test_group_2_a_failed_commit_answers_500_and_keeps_nothing_of_its_group(self):
        def limited():
            # the WAL cannot grow past 400 KiB: commits fail once it is full
            resource.setrlimit(resource.RLIMIT_FSIZE, (400 * 1024, 400 * 1024))
        srv = harness.Server(db=self.db, preexec=limited)

        def work(i, rnd, c):
            name = 'c%d-r%d' % (i, rnd)
            return name, c.call('POST', '/organizations', {'name': name})

        results, problems = run_together(srv, 16, 40, work)
        self.assertEqual(problems, [])
        saved, unsaved = {}, set()
        for name, r in results:
            if r.status == 200:
                saved[r.json['result']['id']] = name
            else:
                self.assertEqual(r.status, 500, r)
                # (an Organizations-API error has no "result")
                self.assertEqual(r.json, {'success': False, 'messages': [],
                                          'errors': [{'code': 1099, 'message': UNSAVED}]})
                unsaved.add(name)
        print('# %d writes saved, %d answered 500' % (len(saved), len(unsaved)), flush=True)
        self.assertGreater(len(saved), 0)
        self.assertGreater(len(unsaved), 0)
        # reads go on, and show exactly what was answered 200
        self.assertEqual(srv.request('GET', '/_cfmock/health', auth=None).status, 200)
        self.assertEqual(sorted(all_orgs(srv)), sorted(saved))
        self.stop(srv)
        self.assertIn(b'cannot commit', srv.stderr)
        # and so does the file, without the limit
        srv = harness.Server(db=self.db)
        self.assertEqual(sorted(all_orgs(srv)), sorted(saved))
        names = {o['name'] for o in srv.request('GET', '/organizations', query={'page_size': 1000}).json['result']}
        self.assertEqual(names & unsaved, set())
        r = srv.request('POST', '/organizations', {'name': 'after'})
        self.assertEqual(r.status, 200, r)
        self.stop(srv)

    def test_group_2b_a_read_that_writes_waits_for_its_commit(self):
        srv = harness.Server(db=self.db)
        made = [srv.request('POST', '/organizations', {'name': 'Kept %d' % i}).json['result']['id']
                for i in range(20)]
        srv.proc.kill()                 # the WAL stays, holding those writes
        srv.proc.wait()
        srv.stop()
        size = os.path.getsize(self.db + '-wal')
        self.assertGreater(size, 32 * 1024)

        def full():
            # the files may not grow: every new WAL frame would go past
            # the end of the WAL, so every commit fails
            resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
        srv = harness.Server(db=self.db, preexec=full)
        # the first use of a token makes its user: a write, in a GET
        r = srv.request('GET', '/user', auth='a-token-never-seen')
        self.assertEqual(r.status, 500, r)
        self.assertEqual([e['code'] for e in r.json['errors']], [1099], r)
        self.assertIsNone(r.json['result'])
        # a read that writes nothing is answered from what is saved
        self.assertEqual(sorted(all_orgs(srv)), sorted(made))
        r = srv.request('POST', '/organizations', {'name': 'Lost'})
        self.assertEqual(r.status, 500, r)
        self.assertEqual([e['code'] for e in r.json['errors']], [1099], r)
        # the write past the limit did not kill it (SIGXFSZ is ignored by
        # cfmock itself: the test sets no signal disposition)
        self.assertIsNone(srv.proc.poll())
        self.assertEqual(srv.request('GET', '/_cfmock/health', auth=None).status, 200)
        self.stop(srv)
        srv = harness.Server(db=self.db)
        self.assertEqual(sorted(all_orgs(srv)), sorted(made))
        self.stop(srv)

    def test_group_3_control_calls_run_between_groups(self):
        srv = harness.Server(db=self.db)
        srv.request('POST', '/organizations', {'name': 'Seed'})
        self.assertEqual(srv.request('POST', '/_cfmock/snapshots/seeded', auth=None).status, 200)

        def work(i, rnd, c):
            if i == 0:
                what = ('POST', ['/_cfmock/snapshots/s', '/_cfmock/snapshots/seeded/restore',
                                 '/_cfmock/reset', '/_cfmock/snapshots/s/restore'][rnd % 4])
                r = c.call(what[0], what[1])
                return 'control', r.status, r.json
            if i == 1:
                r = c.call('GET', '/_cfmock/state')
                return 'export', r.status, r.json
            r = c.call('POST', '/organizations', {'name': 'c%d-r%d' % (i, rnd)})
            return 'write', r.status, r.json

        results, problems = run_together(srv, 24, 40, work)
        self.assertEqual(problems, [])
        self.assertEqual(len(results), 24 * 40)
        for kind, status, body in results:
            if kind == 'control':
                # the restore of "s" may come before any save of it
                self.assertIn(status, (200, 404), body)
                if status == 404:
                    self.assertEqual(body['errors'][0]['code'], 1402, body)
            else:
                self.assertEqual(status, 200, (kind, body))
        self.assertEqual(srv.request('GET', '/_cfmock/health', auth=None).status, 200)
        self.assertEqual(srv.request('POST', '/organizations', {'name': 'after'}).status, 200)
        self.stop(srv)


if __name__ == '__main__':
    harness.main()
