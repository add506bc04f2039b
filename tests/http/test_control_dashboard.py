"""test_control_dashboard.py: what the dashboard (README "Dashboard") needs
of the control API, over HTTP: its embedded files at /_cfmock/ui with
their types, ETags and security headers (CSP, nosniff, frame-ancestors);
GET /_cfmock/state?view=dashboard, the state's index with no secret;
GET /_cfmock/as/{user_id}, a public-API GET answered as a user, and why it
is no way around the admin token or the visibility rule; the journal's
since and user_id; and errors 1405 and 1406.

Every test gets a fresh server (seed 1, fake clock); the browser tests of
the page itself are tests/browser/test_dashboard.py."""
import json
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import TOKEN_A, TOKEN_B  # noqa: E402
from helpers import ApiTest, UNKNOWN_ID  # noqa: E402

UI = os.path.join(harness.HERE, '..', '..', 'src', 'ui')
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
TYPES = {'index.html': 'text/html; charset=utf-8', 'app.js': 'text/javascript; charset=utf-8',
         'app.css': 'text/css; charset=utf-8', 'favicon.svg': 'image/svg+xml'}
ADMIN_TOKEN = 'dash-s3cret'
API_KEY = 'cd' * 16
SERVICE_KEY = 'v1.0-0123456789abcdef-dash-key'
FIXTURES = {
    'users': [
        {'email': 'olive@example.com', 'api_key': API_KEY, 'tenant_admin': True,
         'tokens': ['olive-token', {'value': 'olive-old-token', 'status': 'disabled'}],
         'service_keys': [SERVICE_KEY]},
        {'email': 'victor@example.com', 'tokens': ['victor-token']},
    ],
    'organizations': [
        {'id': 'a' * 32, 'name': 'Top', 'owner': 'olive@example.com',
         'organizations': [{'id': 'b' * 32, 'name': 'Sub',
                            'accounts': [{'id': 'c' * 32, 'name': 'In Sub'}]}]},
        {'id': 'd' * 32, 'name': 'Victor Org', 'owner': 'victor@example.com'},
    ],
    'accounts': [{'id': 'e' * 32, 'name': 'Loose', 'owner': 'victor@example.com'}],
}
SECRETS = ('olive-token', 'olive-old-token', 'victor-token', API_KEY, SERVICE_KEY)


def source(name):
    with open(os.path.join(UI, name), 'rb') as f:
        return f.read()


class DashboardTest(ApiTest):
    def fixture_server(self, *args):
        path = os.path.join(self.tmp(), 'fixtures.json')
        with open(path, 'w') as f:
            json.dump(FIXTURES, f)
        return self.server('--fixtures', path, *args)

    def tmp(self):
        d = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, d, True)
        return d

    def users(self, srv):
        state = srv.request('GET', '/_cfmock/state', auth=None).json
        return {u['email']: u['id'] for u in state['users']}

    def as_user(self, uid, path, srv=None, **query):
        q = dict(query)
        q['path'] = path
        return (srv or self.srv).request('GET', '/_cfmock/as/' + uid, auth=None, query=q)


class Files(DashboardTest):
    def test_dash_1_1_the_page_and_its_headers(self):
        r = self.srv.request('GET', '/_cfmock/ui', auth=None)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.raw, source('index.html'))
        h = r.headers
        self.assertEqual(h['content-type'], 'text/html; charset=utf-8')
        self.assertEqual(h['content-security-policy'], CSP)
        self.assertEqual(h['x-content-type-options'], 'nosniff')
        self.assertEqual(h['x-frame-options'], 'DENY')
        self.assertEqual(h['referrer-policy'], 'no-referrer')
        self.assertEqual(h['cross-origin-opener-policy'], 'same-origin')
        self.assertEqual(h['cross-origin-resource-policy'], 'same-origin')
        self.assertEqual(h['cache-control'], 'no-cache')
        self.assertRegex(h['etag'], r'^"[0-9a-f]{20}"$')
        self.assertEqual(self.srv.request('GET', '/_cfmock/ui/index.html', auth=None).raw, r.raw)

    def test_dash_1_2_every_file_is_served_as_it_is_in_the_tree(self):
        etags = set()
        for name, ctype in TYPES.items():
            with self.subTest(name=name):
                r = self.srv.request('GET', '/_cfmock/ui/' + name, auth=None)
                self.assertEqual((r.status, r.headers['content-type']), (200, ctype))
                self.assertEqual(r.raw, source(name))
                self.assertEqual(r.headers['content-security-policy'], CSP)
                self.assertEqual(r.headers['x-content-type-options'], 'nosniff')
                etags.add(r.headers['etag'])
        self.assertEqual(len(etags), len(TYPES))
        self.assertEqual(sorted(TYPES), sorted(f for f in os.listdir(UI) if f != 'embed.py'),
                         'src/meson.build embeds every file of src/ui')

    def test_dash_1_3_an_etag_that_matches_answers_304(self):
        etag = self.srv.request('GET', '/_cfmock/ui/app.js', auth=None).headers['etag']
        r = self.srv.request('GET', '/_cfmock/ui/app.js', auth=None, headers={'If-None-Match': etag})
        self.assertEqual((r.status, r.raw), (304, b''))
        self.assertEqual(r.headers['etag'], etag)
        self.assertNotIn('content-type', r.headers)
        r = self.srv.request('GET', '/_cfmock/ui/app.js', auth=None,
                             headers={'If-None-Match': '"0000", ' + etag})
        self.assertEqual(r.status, 304)
        r = self.srv.request('GET', '/_cfmock/ui/app.js', auth=None, headers={'If-None-Match': '"0000"'})
        self.assertEqual((r.status, r.raw), (200, source('app.js')))

    def test_dash_1_4_no_such_file_is_1406(self):
        for name in ('nope.js', 'embed.py', '..', 'APP.JS'):
            with self.subTest(name=name):
                r = self.srv.request('GET', '/_cfmock/ui/' + name, auth=None)
                self.assertError(r, 404, [1406])
                self.assertEqual(r.json['errors'][0]['message'],
                                 "the dashboard has no file '%s'" % name)
        self.assertError(self.srv.request('POST', '/_cfmock/ui', auth=None), 405, [7001])
        r = self.srv.request('HEAD', '/_cfmock/ui', auth=None)
        self.assertEqual((r.status, r.raw, r.headers['content-type']),
                         (200, b'', 'text/html; charset=utf-8'))

    def test_dash_1_5_with_an_admin_token_the_files_are_open_the_data_is_not(self):
        srv = self.server('--admin-token', ADMIN_TOKEN)
        r = srv.request('GET', '/_cfmock/ui', auth=None)
        self.assertEqual((r.status, r.raw), (200, source('index.html')))
        self.assertError(srv.request('GET', '/_cfmock/state', auth=None, query={'view': 'dashboard'}),
                         401, [1401])
        r = srv.request('GET', '/_cfmock/state', auth=ADMIN_TOKEN, query={'view': 'dashboard'})
        self.assertEqual(r.status, 200, r)

    def test_dash_1_6_the_start_up_lines_say_where_the_page_is(self):
        self.assertEqual(self.srv.dashboard_line,
                         'cfmock dashboard at http://127.0.0.1:%d/_cfmock/ui\n' % self.srv.port)

    def test_dash_1_7_the_page_runs_nothing_inline_and_writes_no_html(self):
        """What the CSP allows is the files' own script and style; and the
        script puts every string in the page as text."""
        html = source('index.html').decode()
        self.assertEqual(re.findall(r'<script(?![^>]*\bsrc=)[^>]*>', html), [])
        self.assertEqual(re.findall(r'<style|\sstyle=|\son[a-z]+=', html), [])
        self.assertEqual(re.findall(r'https?://', html + source('app.css').decode()), [])
        js = source('app.js').decode()
        self.assertEqual(re.findall(r'innerHTML|outerHTML|insertAdjacentHTML|document\.write|'
                                    r'\beval\(|new Function|setAttribute\(.style', js), [])
        self.assertEqual(re.findall(r'https?://', js), [])


class StateView(DashboardTest):
    def test_dash_2_1_the_index_whole_with_no_secret(self):
        srv = self.fixture_server()
        ids = self.users(srv)
        r = srv.request('GET', '/_cfmock/state', auth=None, query={'view': 'dashboard'})
        self.assertEqual(r.status, 200, r)
        for secret in SECRETS:
            self.assertNotIn(secret.encode(), r.raw)
        olive_tokens = [t for u in srv.request('GET', '/_cfmock/state', auth=None).json['users']
                        if u['email'] == 'olive@example.com' for t in u['tokens']]
        self.assertEqual(r.json, {
            'users': [
                {'id': ids['olive@example.com'], 'email': 'olive@example.com', 'tenant_admin': True,
                 'tokens': [{'status': t['status'], 'id': t['id']} for t in olive_tokens],
                 'credential_kinds': ['key', 'service_key', 'token']},
                {'id': ids['victor@example.com'], 'email': 'victor@example.com',
                 'tokens': [{'status': 'active', 'id': r.json['users'][1]['tokens'][0]['id']}],
                 'credential_kinds': ['token']},
            ],
            'organizations': [['a' * 32, 'Top', None, 'olive@example.com'],
                              ['b' * 32, 'Sub', 'a' * 32, 'olive@example.com'],
                              ['d' * 32, 'Victor Org', None, 'victor@example.com']],
            'accounts': [['c' * 32, 'In Sub', 'b' * 32, 'olive@example.com'],
                         ['e' * 32, 'Loose', None, 'victor@example.com']],
        })
        self.assertEqual(len(olive_tokens), 2)

    def test_dash_2_2_issued_tokens_show_without_their_value(self):
        acct = self.create_account('Acct')
        r = self.req('POST', '/user/tokens', {'name': 'ci', 'policies': [{
            'effect': 'allow', 'resources': {'com.cloudflare.api.account.%s' % acct['id']: '*'},
            'permission_groups': [{'id': 'c1fde68c7bcc44588cbb6ddbc16d6480'}]}]})
        self.assertEqual(r.status, 200, r)
        value = r.json['result']['value']
        d = self.srv.request('GET', '/_cfmock/state', auth=None, query={'view': 'dashboard'})
        self.assertNotIn(value.encode(), d.raw)
        self.assertNotIn(TOKEN_A.encode(), d.raw)
        tokens = d.json['users'][0]['tokens']
        self.assertEqual([t.get('name') for t in tokens], [None, 'ci'])
        self.assertTrue(all('value' not in t for t in tokens))
        self.assertIn(value.encode(), self.srv.request('GET', '/_cfmock/state', auth=None).raw,
                      'the fixtures export keeps it: it must load back')

    def test_dash_2_3_another_view_is_1004(self):
        for v in ('', 'full', 'Dashboard'):
            with self.subTest(view=v):
                r = self.srv.request('GET', '/_cfmock/state', auth=None, query={'view': v})
                self.assertError(r, 400, [1004])
                self.assertEqual(r.json['errors'][0]['source'], {'parameter': 'view'})


class AsUser(DashboardTest):
    def test_dash_3_1_a_get_answers_as_the_users_own_credential_would(self):
        mine = self.create_org('Mine')
        theirs = self.create_org('Theirs', auth=TOKEN_B)
        a, b = self.user_id(TOKEN_A), self.user_id(TOKEN_B)
        for uid, token, org in ((a, TOKEN_A, mine), (b, TOKEN_B, theirs)):
            r = self.as_user(uid, '/client/v4/organizations')
            direct = self.req('GET', '/organizations', auth=token)
            self.assertEqual((r.status, r.json), (200, direct.json))
            self.assertEqual([o['id'] for o in r.json['result']], [org['id']])
        # someone else's: exactly as if it did not exist
        r = self.as_user(a, '/client/v4/organizations/' + theirs['id'])
        direct = self.req('GET', '/organizations/' + theirs['id'])
        self.assertEqual((r.status, r.json), (404, direct.json))
        self.assertEqual([e['code'] for e in r.json['errors']], [1101])

    def test_dash_3_2_the_query_goes_with_it(self):
        for n in range(3):
            self.create_account('Acct %d' % n)
        uid = self.user_id()
        r = self.as_user(uid, '/client/v4/accounts', per_page='1', page='2', name='Acct 1')
        direct = self.req('GET', '/accounts', query={'per_page': '1', 'page': '2', 'name': 'Acct 1'})
        self.assertEqual((r.status, r.json), (200, direct.json))
        r = self.as_user(uid, '/client/v4/accounts', per_page='x')
        self.assertEqual((r.status, r.json),
                         (400, self.req('GET', '/accounts', query={'per_page': 'x'}).json))

    def test_dash_3_3_audit_logs_read_as_the_user(self):
        acct = self.create_account('Logged')
        r = self.req('PUT', '/accounts/' + acct['id'], {'id': acct['id'], 'name': 'Logged again',
                                                       'type': 'standard'})
        self.assertEqual(r.status, 200, r)
        q = {'since': '2025-01-01', 'before': '2027-01-01'}
        r = self.as_user(self.user_id(), '/client/v4/accounts/%s/logs/audit' % acct['id'], **q)
        direct = self.req('GET', '/accounts/%s/logs/audit' % acct['id'], query=q)
        self.assertEqual((r.status, r.json), (200, direct.json))
        self.assertEqual([e['action']['description'] for e in r.json['result']],
                         ['Update Account', 'Create Account'])
        # another user cannot read it: 404 / 1201, as for its own token
        r = self.as_user(self.user_id(TOKEN_B), '/client/v4/accounts/%s/logs/audit' % acct['id'], **q)
        self.assertEqual(r.status, 404)
        self.assertEqual([e['code'] for e in r.json['errors']], [1201])

    def test_dash_3_4_an_unknown_user_is_1405(self):
        r = self.as_user(UNKNOWN_ID, '/client/v4/user')
        self.assertError(r, 404, [1405])
        self.assertEqual(r.json['errors'][0]['message'], "user '%s' not found" % UNKNOWN_ID)
        self.assertError(self.as_user('not-an-id', '/client/v4/user'), 400, [7003, 7000])

    def test_dash_3_5_only_a_path_under_client_v4_and_only_get(self):
        uid = self.user_id()
        for path in (None, '', '/user', '/_cfmock/state', '/_cfmock/as/%s' % uid,
                     '/client/v4', '/client/v4/user?x=1', 'client/v4/user'):
            with self.subTest(path=path):
                q = {} if path is None else {'path': path}
                r = self.srv.request('GET', '/_cfmock/as/' + uid, auth=None, query=q)
                self.assertError(r, 400, [1004])
                self.assertEqual(r.json['errors'][0]['source'], {'parameter': 'path'})
        r = self.srv.request('POST', '/_cfmock/as/' + uid, {'name': 'x'}, auth=None,
                             query={'path': '/client/v4/organizations'})
        self.assertError(r, 405, [7001])
        self.assertEqual(r.headers['allow'], 'GET')
        # a route that wants a token answers as it does to an email and key
        r = self.as_user(uid, '/client/v4/user/tokens/verify')
        self.assertError(r, 400, [1001])
        r = self.as_user(uid, '/client/v4/no/such/route')
        self.assertError(r, 400, [7003, 7000])

    def test_dash_3_6_no_credential_of_the_api_reaches_it_behind_the_admin_token(self):
        srv = self.server('--admin-token', ADMIN_TOKEN)
        srv.request('POST', '/organizations', {'name': 'Secret Org'}, auth=TOKEN_A)
        uid = srv.request('GET', '/user', auth=TOKEN_A).json['result']['id']
        q = {'path': '/client/v4/organizations'}
        for auth, headers in ((None, None), (TOKEN_A, None), (TOKEN_B, None),
                              (None, {'X-Auth-Email': 'a@example.com', 'X-Auth-Key': '0' * 32})):
            with self.subTest(auth=auth, headers=headers):
                r = srv.request('GET', '/_cfmock/as/' + uid, auth=auth, headers=headers, query=q)
                self.assertError(r, 401, [1401])
        r = srv.request('GET', '/_cfmock/as/' + uid, auth=ADMIN_TOKEN, query=q)
        self.assertEqual(r.status, 200, r)
        self.assertEqual([o['name'] for o in r.json['result']], ['Secret Org'])

    def test_dash_3_7_it_leaves_no_trace(self):
        self.create_org('Org')
        uid = self.user_id()
        before = self.srv.request('GET', '/_cfmock/state', auth=None).json
        journal = self.srv.request('GET', '/_cfmock/requests', auth=None).json['total']
        for path in ('/client/v4/organizations', '/client/v4/user', '/client/v4/accounts'):
            self.assertEqual(self.as_user(uid, path).status, 200)
        self.assertEqual(self.srv.request('GET', '/_cfmock/state', auth=None).json, before)
        self.assertEqual(self.srv.request('GET', '/_cfmock/requests', auth=None).json['total'],
                         journal)


class Journal(DashboardTest):
    def seqs(self, **query):
        r = self.srv.request('GET', '/_cfmock/requests', auth=None, query=query)
        self.assertEqual(r.status, 200, r)
        return [e['seq'] for e in r.json['requests']]

    def test_dash_4_1_since_lists_what_came_after(self):
        for _ in range(3):
            self.req('GET', '/user')
        self.assertEqual(self.seqs(), [3, 2, 1])
        self.assertEqual(self.seqs(since='1'), [3, 2])
        self.assertEqual(self.seqs(since='3'), [])
        self.assertEqual(self.seqs(since='0'), [3, 2, 1])
        self.assertEqual(self.seqs(since='1', limit='1'), [3])
        # emptied, the numbers go on: a poller's since stays good
        self.srv.request('DELETE', '/_cfmock/requests', auth=None)
        self.req('GET', '/user')
        self.assertEqual(self.seqs(since='3'), [4])

    def test_dash_4_2_user_id_is_one_credentials_requests(self):
        self.req('GET', '/user')
        self.req('GET', '/user', auth=TOKEN_B)
        self.req('GET', '/user', auth=None)          # refused: no credentials
        a, b = self.user_id(TOKEN_A), self.user_id(TOKEN_B)
        self.assertEqual(self.seqs(user_id=a), [4, 1])
        self.assertEqual(self.seqs(user_id=b), [5, 2])
        self.assertEqual(self.seqs(user_id=''), [3])
        self.assertEqual(self.seqs(user_id=UNKNOWN_ID), [])
        self.assertEqual(self.seqs(user_id=a, since='1'), [4])

    def test_dash_4_3_a_bad_since_is_1004(self):
        for v in ('x', '-1', '1.5', ''):
            with self.subTest(since=v):
                r = self.srv.request('GET', '/_cfmock/requests', auth=None, query={'since': v})
                self.assertError(r, 400, [1004])
                self.assertEqual(r.json['errors'][0]['source'], {'parameter': 'since'})


if __name__ == '__main__':
    harness.main()
