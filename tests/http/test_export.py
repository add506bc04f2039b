"""test_export.py: GET /_cfmock/state on a database file is built on a
thread of its own, from a read transaction of its own (the README's
"Control API" and "Limits and security"): other clients are answered while
a large export is being built, the export is the state as committed when it
began (every write answered before it is in it, and it is whole: no
organization without its parent, no account without its organization), and
a stop waits for it to be answered. With --db :memory: it runs inline."""
import http.client
import json
import os
import shutil
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import TOKEN_A  # noqa: E402
import helpers  # noqa: E402

ORGS = 2000
PROFILE = dict(helpers.PROFILE, external_metadata='m' * 2000)


def post(c, path, body):
    c.request('POST', '/client/v4' + path, json.dumps(body),
              {'Authorization': 'Bearer ' + TOKEN_A, 'Content-Type': 'application/json'})
    r = c.getresponse()
    data = r.read()
    return r.status, json.loads(data)


def get(c, path):
    c.request('GET', path)
    r = c.getresponse()
    return r.status, r.read()


def walk(state):
    """The ids of every organization and account in an export, checking
    that each one's organization is there."""
    orgs, accounts = set(), set()

    def orgs_of(items, parent):
        for o in items:
            orgs.add(o['id'])
            accounts.update(a['id'] for a in o.get('accounts', []))
            orgs_of(o.get('organizations', []), o)
    orgs_of(state['organizations'], None)
    accounts.update(a['id'] for a in state.get('accounts', []))
    return orgs, accounts


class ExportTest(helpers.ApiTest):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix='cfmock-export-')
        self.server_kwargs = {'db': os.path.join(self.dir, 'cfmock.db')}
        super().setUp()
        self.addCleanup(shutil.rmtree, self.dir, True)
        c = http.client.HTTPConnection(self.srv.host, self.srv.port, timeout=60)
        self.made = []
        root = None
        for i in range(ORGS):
            status, doc = post(c, '/organizations', {
                'name': 'Org %d' % i, 'profile': PROFILE,
                **({'parent': {'id': root}} if root else {})})
            self.assertEqual(status, 200, doc)
            self.made.append(doc['result']['id'])
            root = root or doc['result']['id']
        c.close()

    def test_export_1_other_clients_are_answered_while_it_is_built(self):
        answered = []
        done = threading.Event()

        def others():
            c = http.client.HTTPConnection(self.srv.host, self.srv.port, timeout=60)
            n = 0
            while not done.is_set():
                status, _ = get(c, '/_cfmock/health')
                self.assertEqual(status, 200)
                status, doc = post(c, '/organizations', {'name': 'During %d' % n})
                self.assertEqual(status, 200, doc)
                answered.append((done.is_set(), doc['result']['id']))
                n += 1
            c.close()
        c = http.client.HTTPConnection(self.srv.host, self.srv.port, timeout=60)
        c.request('GET', '/_cfmock/state')
        t = threading.Thread(target=others)
        t.start()
        r = c.getresponse()
        raw = r.read()
        done.set()
        t.join(60)
        c.close()
        self.assertEqual(r.status, 200)
        state = json.loads(raw)
        orgs, _ = walk(state)
        # everything answered before the export is in it
        self.assertLessEqual(set(self.made), orgs)
        # requests were answered while it was being built
        before = [id for late, id in answered if not late]
        self.assertGreaterEqual(len(before), 1, 'no request was answered during the export')
        # and the export is a state as committed: it loads back whole
        with open(os.path.join(self.dir, 'state.json'), 'wb') as f:
            f.write(raw)
        again = self.server('--fixtures', os.path.join(self.dir, 'state.json'))
        back = again.request('GET', '/_cfmock/state', auth=None)
        self.assertEqual(json.loads(back.raw), state)

    def test_export_2_a_stop_waits_for_it(self):
        c = http.client.HTTPConnection(self.srv.host, self.srv.port, timeout=60)
        c.request('GET', '/_cfmock/state')
        # the request is in: stop now
        got = self.req('GET', '/_cfmock/health', auth=None)
        self.assertEqual(got.status, 200)
        self.srv.proc.send_signal(harness.signal.SIGTERM)
        r = c.getresponse()
        raw = r.read()
        c.close()
        self.assertEqual(r.status, 200)
        orgs, _ = walk(json.loads(raw))
        self.assertEqual(orgs, set(self.made))

    def test_export_3_the_admin_token_is_checked_on_its_thread_too(self):
        srv = self.server('--db', os.path.join(self.dir, 'other.db'), '--admin-token', 'sekrit')
        r = srv.request('GET', '/_cfmock/state', auth=None)
        self.assertEqual(r.status, 401, r)
        self.assertEqual([e['code'] for e in r.json['errors']], [1401])
        r = srv.request('GET', '/_cfmock/state', auth='sekrit')
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json, {'users': [], 'organizations': [], 'accounts': [], 'audit_logs': []})


if __name__ == '__main__':
    harness.main()
