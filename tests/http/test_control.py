"""test_control.py: cfmock's own control API (the README's "Control API",
"Flags" and "Errors" 1401-1403): /_cfmock/health, /_cfmock/reset,
/_cfmock/state and its exact round trip through --fixtures,
/_cfmock/snapshots, --admin-token, CORS on every answer and OPTIONS
preflights, and --log-format.

Every test gets a fresh server (seed 1, fake clock); tests that need other
flags start their own. The journal and faults have their own files
(test_journal.py, test_faults.py); here they only show that a reset clears
them."""
import glob
import json
import os
import re
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import TOKEN_A, TOKEN_B  # noqa: E402
from helpers import (ApiTest, ADMIN, ADMIN_RO, BILLING, DENY, DNS, HEX32,  # noqa: E402
                     OTHER_PROFILE, POLICY, PROFILE, SUPER_ADMIN, UNKNOWN_ID, email_headers,
                     in_account)

FIXTURES = os.path.join(harness.HERE, '..', '..', 'fixtures', 'example.json')
SCHEMA_DIR = os.path.join(harness.HERE, '..', '..', 'schema')
EMPTY_STATE = {'users': [], 'organizations': [], 'accounts': [], 'audit_logs': []}
RFC3339_MS = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$')
ADMIN_TOKEN = 'control-s3cret'
ADMIN_MESSAGE = "the control API needs 'Authorization: Bearer' with the --admin-token"
ORIGIN = 'http://localhost:5173'
SERVICE_KEY = 'v1.0-0123456789abcdef-service-key'

# The base of the rich state: what only fixtures can say (a disabled and an
# expired token, an api_key, service keys, telephone/country/zipcode,
# tenant_admin), on top of which the API builds the rest.
RICH_FIXTURES = {
    'users': [
        {'email': 'olive@example.com', 'first_name': 'Olive', 'last_name': 'Owner',
         'telephone': '+1 555 0199', 'country': 'US', 'zipcode': '94107',
         'api_key': 'ab' * 16, 'tenant_admin': True,
         'tokens': ['olive-token', {'value': 'olive-old-token', 'status': 'disabled'},
                    {'value': 'olive-expired-token', 'status': 'expired'}],
         'service_keys': [SERVICE_KEY]},
        {'email': 'victor@example.com', 'first_name': 'Victor', 'tokens': ['victor-token']},
    ],
    'organizations': [
        {'name': 'Fixture Org', 'owner': 'olive@example.com',
         'create_time': '2025-12-01T08:00:00.000Z',
         'members': [{'email': 'victor@example.com', 'status': 'active'}],
         'accounts': [{'name': 'Fixture Account', 'type': 'enterprise',
                       'created_on': '2025-12-02T08:00:00.000Z',
                       'members': [{'email': 'victor@example.com', 'status': 'accepted',
                                    'roles': [ADMIN_RO]}]}]},
    ],
}


def write_json(obj_or_bytes):
    """A temporary file holding obj_or_bytes (bytes as is, else JSON); the
    caller removes it."""
    fd, path = tempfile.mkstemp(suffix='.json')
    with os.fdopen(fd, 'wb') as f:
        f.write(obj_or_bytes if isinstance(obj_or_bytes, bytes) else
                json.dumps(obj_or_bytes).encode())
    return path


class ControlTest(ApiTest):
    """Helpers for the control API."""

    def on(self, srv):
        """A context in which self.req (and every helper) talks to srv."""
        test = self

        class Ctx:
            def __enter__(self):
                self.saved = test.srv
                test.srv = srv

            def __exit__(self, *exc):
                test.srv = self.saved
        return Ctx()

    def control(self, method, path, body=None, status=200, srv=None, **kw):
        """A control API call that must answer status with a JSON object;
        returns the parsed answer."""
        kw.setdefault('auth', None)
        r = (srv or self.srv).request(method, path, body, **kw)
        self.assertEqual(r.status, status, r)
        self.assertEqual(r.headers.get('content-type'), 'application/json', r)
        self.assertIsInstance(r.json, dict, r)
        return r.json

    def state(self, srv=None, **kw):
        """GET /_cfmock/state: (parsed, raw bytes)."""
        kw.setdefault('auth', None)
        r = (srv or self.srv).request('GET', '/_cfmock/state', **kw)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers.get('content-type'), 'application/json', r)
        self.assertIsInstance(r.json, dict, r)
        self.assertEqual(set(r.json), {'users', 'organizations', 'accounts', 'audit_logs'}, r)
        return r.json, r.raw

    def reset(self, srv=None, **kw):
        return self.control('POST', '/_cfmock/reset', srv=srv, **kw)

    def save(self, name, srv=None, **kw):
        return self.control('POST', '/_cfmock/snapshots/' + name, srv=srv, **kw)

    def restore(self, name, srv=None, **kw):
        return self.control('POST', '/_cfmock/snapshots/%s/restore' % name, srv=srv, **kw)

    def snapshots(self, srv=None, **kw):
        body = self.control('GET', '/_cfmock/snapshots', srv=srv, **kw)
        self.assertEqual(set(body), {'snapshots'}, body)
        for s in body['snapshots']:
            self.assertEqual(set(s), {'name', 'created_at', 'bytes'}, s)
        return body['snapshots']

    def orgs_page(self, query, auth=TOKEN_A):
        r = self.req('GET', '/organizations', auth=auth, query=query)
        self.assertEqual(r.status, 200, r)
        return r.json

    def assertControlError(self, resp, status, code, message=None):
        self.assertError(resp, status, [code])
        if message is not None:
            self.assertEqual(resp.json['errors'][0]['message'], message, resp)


# ---------------------------------------------------------------------------
# GET /_cfmock/health


class Health(ControlTest):
    def test_ctl_1_1_health_answers_exactly_its_keys(self):
        r = self.req('GET', '/_cfmock/health', auth=None)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers.get('content-type'), 'application/json')
        self.assertEqual(set(r.json), {'status', 'version', 'schema_version', 'uptime_ms'}, r)
        self.assertEqual(r.json['status'], 'ok')
        self.assertRegex(r.json['version'], r'^\d+\.\d+\.\d+')
        # PRAGMA user_version after every schema/NNN-*.sql was applied
        migrations = glob.glob(os.path.join(SCHEMA_DIR, '[0-9][0-9][0-9]-*.sql'))
        self.assertEqual(r.json['schema_version'], len(migrations), r)
        self.assertIsInstance(r.json['uptime_ms'], int)
        self.assertGreaterEqual(r.json['uptime_ms'], 0)

    def test_ctl_1_2_uptime_grows(self):
        first = self.control('GET', '/_cfmock/health')['uptime_ms']
        time.sleep(0.3)
        second = self.control('GET', '/_cfmock/health')['uptime_ms']
        self.assertGreaterEqual(second - first, 250)

    def test_ctl_1_3_version_is_the_binarys(self):
        code, out, _ = harness.run_cfmock('--version')
        self.assertEqual(code, 0)
        self.assertEqual(self.control('GET', '/_cfmock/health')['version'],
                         out.strip().split()[-1])

    def test_ctl_1_4_health_is_open_with_an_admin_token(self):
        srv = self.server('--admin-token', ADMIN_TOKEN)
        for auth in (None, 'wrong', ADMIN_TOKEN):
            with self.subTest(auth=auth):
                body = self.control('GET', '/_cfmock/health', srv=srv, auth=auth)
                self.assertEqual(body['status'], 'ok')


# ---------------------------------------------------------------------------
# POST /_cfmock/reset


class Reset(ControlTest):
    def change_everything(self, auth=TOKEN_A):
        org = self.create_org('Changed', profile=PROFILE, auth=auth)
        sub = self.create_org('Changed Sub', parent=org, auth=auth)
        self.create_account('Changed Account', org=sub, auth=auth)
        self.create_account('Changed Alone', auth=auth)
        self.add(org, 'changed-member@example.com', auth=auth)
        self.patch_user({'first_name': 'Changed'}, auth=auth)

    def test_ctl_2_1_reset_goes_back_to_empty(self):
        before, before_raw = self.state()
        self.assertEqual(before, EMPTY_STATE)
        self.change_everything()
        self.change_everything(auth=TOKEN_B)
        self.assertNotEqual(self.state()[0], before)
        body = self.reset()
        self.assertEqual(body.get('status'), 'reset', body)
        after, after_raw = self.state()
        self.assertEqual(after, before)
        self.assertEqual(after_raw, before_raw)
        self.assertEqual(self.orgs_page({'page_size': 1000}),
                         harness.ok_envelope([], result_info={'total_size': 0}))

    def test_ctl_2_2_reset_goes_back_to_the_fixtures(self):
        srv = self.server('--fixtures', FIXTURES)
        before, before_raw = self.state(srv)
        self.assertEqual(len(before['organizations']), 2)
        with self.on(srv):
            admin = 'platform-admin-token'
            self.change_everything(auth=admin)
            # change and delete what the fixtures made
            r = self.req('PUT', '/organizations/a7b9c3d2e8f4a1b5c6d0e9f2a3b7c4d8',
                         {'name': 'Renamed'}, auth=admin)
            self.assertEqual(r.status, 200, r)
            r = self.req('DELETE', '/accounts/7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d', auth=admin)
            self.assertEqual(r.status, 200, r)
            self.patch_user({'first_name': 'Someone', 'last_name': None}, auth=admin)
        self.assertNotEqual(self.state(srv)[0], before)
        self.reset(srv)
        after, after_raw = self.state(srv)
        self.assertEqual(after, before)
        self.assertEqual(after_raw, before_raw)
        # and the API sees it as it was
        r = srv.request('GET', '/accounts/7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d',
                        auth='platform-admin-token')
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json['result']['name'], 'Platform Sandbox')

    def calls(self, srv):
        """A fixed run of calls that make ids and timestamps; their whole
        answers."""
        out = []

        def call(method, path, body=None, auth=TOKEN_A, query=None):
            r = srv.request(method, path, body, auth=auth, query=query)
            self.assertIn(r.status, (200, 204), r)
            out.append((method, path, r.status, r.json))
            return r.json

        org = call('POST', '/organizations', {'name': 'Acme', 'profile': PROFILE})['result']
        sub = call('POST', '/organizations', {'name': 'Acme Sub', 'parent': {'id': org['id']}})
        acct = call('POST', '/accounts', {'name': 'Web', 'unit': {'id': sub['result']['id']}})
        call('POST', '/accounts', {'name': 'Alone'}, auth=TOKEN_B)
        call('POST', '/organizations/%s/members' % org['id'],
             {'member': {'user': {'email': 'bob@example.com'}}})
        call('POST', '/accounts/%s/members' % acct['result']['id'],
             {'email': 'carol@example.com', 'roles': [ADMIN]})
        call('GET', '/organizations', query={'page_size': 1000})
        call('GET', '/accounts')
        call('GET', '/accounts/%s/members' % acct['result']['id'])
        call('GET', '/user')
        call('GET', '/user', auth=TOKEN_B)
        return out

    def test_ctl_2_3_same_calls_after_reset_give_same_ids_and_times(self):
        first = self.calls(self.srv)
        self.reset()
        second = self.calls(self.srv)
        self.assertEqual(second, first)
        # and a reset after a different history still starts over
        self.change_everything()
        self.reset()
        self.assertEqual(self.calls(self.srv), first)

    def test_ctl_2_4_same_ids_and_times_after_reset_with_fixtures(self):
        srv = self.server('--fixtures', FIXTURES, seed='42', clock='2027-06-01T12:00:00Z')
        first = self.calls(srv)
        first_state = self.state(srv)
        self.reset(srv)
        self.assertEqual(self.calls(srv), first)
        self.assertEqual(self.state(srv), first_state)
        # a fresh server with the same flags agrees too
        fresh = self.server('--fixtures', FIXTURES, seed='42', clock='2027-06-01T12:00:00Z')
        self.assertEqual(self.calls(fresh), first)

    def test_ctl_2_5_reset_clears_faults_and_journal_but_keeps_snapshots(self):
        self.create_org('Kept in a snapshot')
        snap_state = self.state()
        self.save('keep')
        fault = self.control('POST', '/_cfmock/faults',
                             {'path': '/organizations', 'action': {'type': 'error', 'status': 503}})
        self.assertEqual(self.req('GET', '/organizations').status, 503)
        journal = self.control('GET', '/_cfmock/requests')
        self.assertGreater(journal['count'], 0)
        self.assertEqual(len(self.control('GET', '/_cfmock/faults')['faults']), 1, fault)

        self.reset()
        self.assertEqual(self.control('GET', '/_cfmock/faults'), {'faults': []})
        journal = self.control('GET', '/_cfmock/requests')
        self.assertEqual((journal['requests'], journal['count'], journal['total'],
                          journal['dropped']), ([], 0, 0, 0), journal)
        # the fault no longer fires
        self.assertEqual(self.req('GET', '/organizations').status, 200)
        snaps = self.snapshots()
        self.assertEqual([s['name'] for s in snaps], ['keep'])
        self.restore('keep')
        self.assertEqual(self.state(), snap_state)

    def test_ctl_2_6_page_tokens_from_before_a_reset_are_1005(self):
        for n in range(3):
            self.create_org('Org %d' % n)
        token = self.orgs_page({'page_size': 1})['result_info']['next_page_token']
        org = self.create_org('Members')
        for n in range(3):
            self.add(org, 'm%d@example.com' % n)
        mtoken = self.list_members(org, {'page_size': 1})['result_info']['next_page_token']
        self.reset()
        # the same calls make the very same organizations again...
        for n in range(3):
            self.create_org('Org %d' % n)
        org2 = self.create_org('Members')
        self.assertEqual(org2['id'], org['id'])
        for n in range(3):
            self.add(org2, 'm%d@example.com' % n)
        # ...but the old tokens were issued before the reset
        r = self.req('GET', '/organizations', query={'page_size': 1, 'page_token': token})
        self.assertParamError(r, 1005, 'page_token', 'absent')
        r = self.req('GET', self.murl(org2), query={'page_size': 1, 'page_token': mtoken})
        self.assertParamError(r, 1005, 'page_token', 'absent')
        # a new token works
        token = self.orgs_page({'page_size': 1})['result_info']['next_page_token']
        r = self.req('GET', '/organizations', query={'page_size': 1, 'page_token': token})
        self.assertEqual(r.status, 200, r)
        self.assertEqual([o['name'] for o in r.json['result']], ['Org 1'])

    def test_ctl_2_7_reset_under_load(self):
        """Workers create and list as fast as they can while another thread
        resets again and again: every answer is a whole envelope with a 200
        or 4xx status, no connection breaks, and a last reset gives the
        start state back exactly."""
        srv = self.server('--fixtures', FIXTURES)
        start, start_raw = self.state(srv)
        stop = threading.Event()
        lock = threading.Lock()
        problems, statuses = [], {}

        def check(tag, method, path, body=None, auth=TOKEN_A, query=None):
            try:
                r = srv.request(method, path, body, auth=auth, query=query, timeout=30)
            except Exception as e:      # a broken connection is a failure
                with lock:
                    problems.append('%s %s %s: %r' % (tag, method, path, e))
                return None
            with lock:
                statuses[r.status] = statuses.get(r.status, 0) + 1
            env = r.json
            ok = (200 <= r.status < 500 and r.status not in (204,) and isinstance(env, dict)
                  and isinstance(env.get('success'), bool)
                  and env['success'] == (r.status == 200)
                  and isinstance(env.get('errors'), list)
                  and env.get('messages') == []
                  and (env['success'] or (env['errors'] and all(
                      isinstance(e.get('code'), int) and isinstance(e.get('message'), str)
                      for e in env['errors']))))
            if not ok:
                with lock:
                    problems.append('%s %s %s: %r' % (tag, method, path, r))
                return None
            return env

        def worker(n):
            token = 'load-token-%d' % n
            i = 0
            while not stop.is_set():
                i += 1
                env = check(n, 'POST', '/organizations', {'name': 'load %d-%d' % (n, i)},
                            auth=token)
                org = env['result'] if env and env['success'] else None
                check(n, 'GET', '/organizations', auth=token, query={'page_size': 5})
                body = {'name': 'load acct %d-%d' % (n, i)}
                if org:
                    body['unit'] = {'id': org['id']}
                check(n, 'POST', '/accounts', body, auth=token)
                check(n, 'GET', '/accounts', auth=token)
                if org:
                    check(n, 'GET', '/organizations/%s/accounts' % org['id'], auth=token)
                    check(n, 'POST', '/organizations/%s/members' % org['id'],
                          {'member': {'user': {'email': 'load%d@example.com' % i}}},
                          auth=token)
                check(n, 'GET', '/accounts', auth='platform-admin-token')

        def resetter():
            try:
                for _ in range(12):
                    time.sleep(0.05)
                    try:
                        r = srv.request('POST', '/_cfmock/reset', auth=None, timeout=30)
                    except Exception as e:
                        with lock:
                            problems.append('reset: %r' % e)
                        continue
                    if r.status != 200 or not isinstance(r.json, dict):
                        with lock:
                            problems.append('reset: %r' % r)
            finally:
                stop.set()

        workers = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
        for t in workers:
            t.start()
        resets = threading.Thread(target=resetter)
        resets.start()
        resets.join(120)
        stop.set()
        for t in workers:
            t.join(120)
        self.assertEqual(problems, [])
        self.assertGreater(statuses.get(200, 0), 20, statuses)
        self.assertEqual([s for s in statuses if s >= 500], [], statuses)
        self.reset(srv)
        after, after_raw = self.state(srv)
        self.assertEqual(after, start)
        self.assertEqual(after_raw, start_raw)
        r = srv.request('GET', '/organizations', auth='load-token-0')
        self.assertEqual(r.json, harness.ok_envelope([], result_info={'total_size': 0}))

    def test_ctl_2_8_reset_takes_no_body_and_only_post(self):
        r = self.req('GET', '/_cfmock/reset', auth=None)
        self.assertEqual(r.status, 405, r)
        self.assertIn('POST', r.headers.get('allow', ''))


# ---------------------------------------------------------------------------
# GET /_cfmock/state: the exact round trip


class State(ControlTest):
    def setUp(self):
        self.fixture_path = write_json(RICH_FIXTURES)
        self.addCleanup(os.unlink, self.fixture_path)
        self.server_args = ('--fixtures', self.fixture_path)
        super().setUp()

    def service(self, method, path, body=None, query=None):
        return self.srv.request(method, path, body, auth=None, query=query,
                                headers={'X-Auth-User-Service-Key': SERVICE_KEY})

    def build_rich_state(self):
        """Everything the state can hold, made through the API on top of
        RICH_FIXTURES. Returns the credentials that see parts of it."""
        # users with names and the other fields
        self.patch_user({'first_name': 'Alice', 'last_name': 'Adams', 'telephone': '+1 555 0101',
                         'country': 'FR', 'zipcode': '75001'})
        self.patch_user({'first_name': 'Bob', 'last_name': 'Builder'}, auth='bob@example.com')
        # three levels of organizations, with profiles
        root = self.create_org('Root', profile=PROFILE)
        mid = self.create_org('Mid', parent=root)
        leaf = self.create_org('Leaf', parent=mid)
        r = self.req('PUT', '/organizations/%s/profile' % mid['id'], OTHER_PROFILE)
        self.assertEqual(r.status, 204, r)
        other_root = self.create_org('Other Root', auth=TOKEN_B)
        # organization members, active and canceled
        self.add(root, 'bob@example.com', name='Bob Builder')
        self.add(root, 'carol@example.com', status='canceled')
        self.add(leaf, 'dave@example.com')
        gone = self.add(mid, 'gone@example.com')
        self.remove(mid, gone)
        # accounts in organizations and alone, with settings and profiles
        a_root = self.create_account('Root Account', org=root, type='enterprise')
        self.put_account(a_root, {'name': 'Root Account', 'type': 'enterprise',
                          'settings': {'enforce_twofactor': True,
                                       'abuse_contact_email': 'abuse@example.com'}})
        self.put_profile(a_root, PROFILE)
        a_leaf = self.create_account('Leaf Account', org=leaf)
        a_mid = self.create_account('Moved Account', org=leaf)
        r = self.req('POST', '/accounts/%s/move' % a_mid['id'],
                     {'destination_organization_id': mid['id']})
        self.assertEqual(r.status, 200, r)
        alone = self.create_account('Alone')
        self.put_profile(alone, OTHER_PROFILE)
        self.create_account('Deleted')
        r = self.req('DELETE', '/accounts/%s' % self.all_accounts()[-1]['id'])
        self.assertEqual(r.status, 200, r)
        self.create_account('B Account', org=other_root, auth=TOKEN_B)
        # account members with roles, with policies, pending and accepted
        self.add_am(a_root, 'erin@example.com', status='accepted', roles=[ADMIN, DNS])
        self.add_am(a_leaf, 'frank@example.com', policies=[in_account(POLICY, a_leaf), DENY])
        no_id = {'access': 'allow',
                 'permission_groups': [{'id': 'c8fed203ed3043cba015a93ad1616f1f'}],
                 'resource_groups': []}
        r = self.req('POST', self.aurl(alone), {'email': 'gina@example.com', 'status': 'accepted',
                                                'policies': [no_id]})
        self.assertEqual(r.status, 200, r)
        self.add_am(alone, 'hank@example.com', roles=[BILLING])
        # an owner who removed its own membership
        handed = self.create_account('Handed Over', auth=TOKEN_B)
        self.add_am(handed, 'ivy@example.com', status='accepted', roles=[SUPER_ADMIN],
                    auth=TOKEN_B)
        owner_member = self.list_am(handed, {'per_page': 50}, auth=TOKEN_B)['result'][0]
        r = self.req('DELETE', self.aurl(handed, owner_member), auth=TOKEN_B)
        self.assertEqual(r.status, 200, r)
        # the fixture users at work: a token, an email, a service key
        fixture_org = self.req('GET', '/organizations', auth='olive-token').json['result'][0]
        self.create_account('Olive API Account', org=fixture_org, auth='olive-token')
        r = self.service('POST', '/accounts', {'name': 'Service Key Account'})
        self.assertEqual(r.status, 200, r)
        return [TOKEN_A, TOKEN_B, 'bob@example.com', 'carol@example.com', 'dave@example.com',
                'erin@example.com', 'frank@example.com', 'gina@example.com', 'ivy@example.com',
                'olive-token', 'victor-token', 'olive@example.com']

    def everything(self, creds):
        """What each credential sees, and token verify answers."""
        out = {}
        for c in creds:
            out[c] = self.world(auth=c)
        r = self.service('GET', '/accounts', query={'per_page': 50})
        out['service key /accounts'] = (r.status, r.json)
        r = self.service('GET', '/user')
        out['service key /user'] = (r.status, r.json)
        for token in ('olive-token', 'olive-old-token', 'olive-expired-token', 'victor-token',
                      TOKEN_A):
            r = self.req('GET', '/user/tokens/verify', auth=token)
            out['verify ' + token] = (r.status, r.json)
        return out

    def test_ctl_3_1_export_has_the_fixtures_format(self):
        self.build_rich_state()
        st, raw = self.state()
        # every piece the fixtures format names is there
        olive = [u for u in st['users'] if u['email'] == 'olive@example.com'][0]
        self.assertEqual(olive['telephone'], '+1 555 0199')
        self.assertEqual(olive['service_keys'], [SERVICE_KEY])
        self.assertIs(olive['tenant_admin'], True)
        self.assertEqual(olive['api_key'], 'ab' * 16)
        statuses = sorted((t['value'], t['status']) for t in olive['tokens'])
        self.assertEqual(statuses, [('olive-expired-token', 'expired'),
                                    ('olive-old-token', 'disabled'), ('olive-token', 'active')])
        for t in olive['tokens']:
            self.assertRegex(t['id'], HEX32)
        root = [o for o in st['organizations'] if o['name'] == 'Root'][0]
        self.assertEqual(root['profile'], PROFILE)
        self.assertEqual([o['name'] for o in root['organizations']], ['Mid'])
        self.assertEqual([o['name'] for o in root['organizations'][0]['organizations']], ['Leaf'])
        self.assertEqual(sorted((m['email'], m['status']) for m in root['members']),
                         [('bob@example.com', 'active'), ('carol@example.com', 'canceled')])
        handed = [a for a in st['accounts'] if a['name'] == 'Handed Over'][0]
        self.assertIs(handed['owner_is_member'], False)
        self.assertEqual([m['email'] for m in handed['members']], ['ivy@example.com'])
        # and it loads as fixtures
        path = write_json(raw)
        self.addCleanup(os.unlink, path)
        self.server('--fixtures', path)

    def test_ctl_3_2_round_trip_is_byte_identical(self):
        self.build_rich_state()
        st, raw = self.state()
        path = write_json(raw)
        self.addCleanup(os.unlink, path)
        # other seed and clock: nothing of the state may come from them
        srv2 = self.server('--fixtures', path, seed='777', clock='2031-03-03T03:03:03Z')
        st2, raw2 = self.state(srv2)
        self.assertEqual(st2, st)
        self.assertEqual(raw2, raw)
        # and again, from the second export
        path2 = write_json(raw2)
        self.addCleanup(os.unlink, path2)
        srv3 = self.server('--fixtures', path2)
        self.assertEqual(self.state(srv3)[1], raw)

    def test_ctl_3_3_round_trip_answers_the_api_the_same(self):
        creds = self.build_rich_state()
        want = self.everything(creds)
        _, raw = self.state()
        path = write_json(raw)
        self.addCleanup(os.unlink, path)
        srv2 = self.server('--fixtures', path, seed='777', clock='2031-03-03T03:03:03Z')
        with self.on(srv2):
            got = self.everything(creds)
        self.assertEqual(set(got), set(want))
        for key in want:
            if isinstance(want[key], dict):
                self.assertEqual(set(got[key]), set(want[key]), key)
                for path in want[key]:
                    with self.subTest(credential=key, path=path):
                        self.assertEqual(got[key][path], want[key][path])
            else:
                with self.subTest(what=key):
                    self.assertEqual(got[key], want[key])

    def test_ctl_3_4_round_trip_of_the_example_fixtures(self):
        srv = self.server('--fixtures', FIXTURES)
        st, raw = self.state(srv)
        path = write_json(raw)
        self.addCleanup(os.unlink, path)
        srv2 = self.server('--fixtures', path, seed='5')
        self.assertEqual(self.state(srv2), (st, raw))

    def test_ctl_3_6_round_trip_keeps_the_order_of_lists(self):
        """Organizations come in creation order and /accounts oldest first:
        an account or organization made later in a higher organization, or a
        stand-alone account made first, keeps its place after the round
        trip."""
        self.create_account('First, alone')
        root1 = self.create_org('Root 1')
        root2 = self.create_org('Root 2')
        self.create_org('Sub of Root 1', parent=root1)
        self.create_account('In Root 2', org=root2)
        self.create_account('In Root 1', org=root1)
        orgs = self.orgs_page({'page_size': 1000})
        accts = self.list_accounts({'per_page': 50})
        self.assertEqual([o['name'] for o in orgs['result']], ['Root 1', 'Root 2', 'Sub of Root 1'])
        self.assertEqual([a['name'] for a in accts['result']],
                         ['First, alone', 'In Root 2', 'In Root 1'])
        path = write_json(self.state()[1])
        self.addCleanup(os.unlink, path)
        srv2 = self.server('--fixtures', path)
        with self.on(srv2):
            orgs2 = self.orgs_page({'page_size': 1000})
            accts2 = self.list_accounts({'per_page': 50})
        self.assertEqual([o['name'] for o in orgs2['result']],
                         ['Root 1', 'Root 2', 'Sub of Root 1'])
        self.assertEqual([a['name'] for a in accts2['result']],
                         ['First, alone', 'In Root 2', 'In Root 1'])
        self.assertEqual((orgs2, accts2), (orgs, accts))

    def test_ctl_3_5_state_is_read_only(self):
        self.build_rich_state()
        first = self.state()
        self.assertEqual(self.state(), first)
        for method in ('POST', 'PUT', 'DELETE'):
            with self.subTest(method=method):
                r = self.req(method, '/_cfmock/state', auth=None)
                self.assertEqual(r.status, 405, r)
        self.assertEqual(self.state(), first)


# ---------------------------------------------------------------------------
# Snapshots


class Snapshots(ControlTest):
    def test_ctl_4_1_save_change_restore(self):
        root = self.create_org('Root', profile=PROFILE)
        acct = self.create_account('Acct', org=root)
        self.add(root, 'bob@example.com')
        saved = self.state()
        body = self.save('before-changes')
        self.assertEqual(body.get('name'), 'before-changes', body)
        # change everything a little
        self.create_org('New', parent=root)
        r = self.req('DELETE', self.url(acct))
        self.assertEqual(r.status, 200, r)
        self.patch_user({'first_name': 'Changed'})
        self.create_account('B', auth=TOKEN_B)
        self.assertNotEqual(self.state(), saved)
        body = self.restore('before-changes')
        self.assertEqual(body.get('name'), 'before-changes', body)
        self.assertEqual(self.state(), saved)
        self.assertGetIs(acct)
        # a snapshot is a copy: changing after the restore leaves it as it was
        self.create_org('After')
        self.restore('before-changes')
        self.assertEqual(self.state(), saved)

    def test_ctl_4_2_list_names_times_and_sizes(self):
        self.assertEqual(self.snapshots(), [])
        self.save('empty')
        for n in range(20):
            self.create_org('Org %d' % n, profile=PROFILE)
        self.save('full_2.0')
        snaps = self.snapshots()
        self.assertEqual(sorted(s['name'] for s in snaps), ['empty', 'full_2.0'])
        for s in snaps:
            self.assertRegex(s['created_at'], RFC3339_MS)
            self.assertIsInstance(s['bytes'], int)
            self.assertGreater(s['bytes'], 0)
        by_name = {s['name']: s for s in snaps}
        self.assertLessEqual(by_name['empty']['created_at'], by_name['full_2.0']['created_at'])

    def test_ctl_4_3_saving_a_name_again_replaces_it(self):
        self.create_org('One')
        self.save('s')
        self.create_org('Two')
        second = self.state()
        self.save('s')
        self.create_org('Three')
        self.assertEqual([s['name'] for s in self.snapshots()], ['s'])
        self.restore('s')
        self.assertEqual(self.state(), second)

    def test_ctl_4_4_delete_one_and_all(self):
        for name in ('a', 'b', 'c'):
            self.save(name)
        self.control('DELETE', '/_cfmock/snapshots/b')
        self.assertEqual(sorted(s['name'] for s in self.snapshots()), ['a', 'c'])
        r = self.req('POST', '/_cfmock/snapshots/b/restore', auth=None)
        self.assertControlError(r, 404, 1402, "snapshot 'b' not found")
        r = self.req('DELETE', '/_cfmock/snapshots/b', auth=None)
        self.assertControlError(r, 404, 1402, "snapshot 'b' not found")
        self.control('DELETE', '/_cfmock/snapshots')
        self.assertEqual(self.snapshots(), [])
        r = self.req('POST', '/_cfmock/snapshots/a/restore', auth=None)
        self.assertControlError(r, 404, 1402, "snapshot 'a' not found")
        # deleting all of none is fine
        self.control('DELETE', '/_cfmock/snapshots')

    def test_ctl_4_5_restore_unknown_is_1402_and_changes_nothing(self):
        self.create_org('Kept')
        before = self.state()
        r = self.req('POST', '/_cfmock/snapshots/never-saved/restore', auth=None)
        self.assertControlError(r, 404, 1402, "snapshot 'never-saved' not found")
        self.assertEqual(self.state(), before)

    def test_ctl_4_6_bad_names_are_1003(self):
        bad = ['a%20b', 'x' * 65, 'caf%C3%A9', 'a%2Bb', 'semi%3Bcolon', 'star*']
        for name in bad:
            for method, path in (('POST', '/_cfmock/snapshots/%s'),
                                 ('POST', '/_cfmock/snapshots/%s/restore'),
                                 ('DELETE', '/_cfmock/snapshots/%s')):
                with self.subTest(name=name, method=method, path=path):
                    r = self.req(method, path % name, auth=None)
                    self.assertControlError(r, 400, 1003)
        self.assertEqual(self.snapshots(), [])
        # the longest and the oddest good names
        for name in ('x' * 64, 'A-z_0.9', '.hidden', '-', '_'):
            with self.subTest(good=name):
                self.save(name)
                self.restore(name)
        self.assertEqual(len(self.snapshots()), 5)

    def test_ctl_4_7_max_snapshots(self):
        srv = self.server('--max-snapshots', '2')
        self.save('one', srv=srv)
        self.save('two', srv=srv)
        r = srv.request('POST', '/_cfmock/snapshots/three', auth=None)
        self.assertControlError(
            r, 400, 1403, 'at most 2 snapshots are kept (--max-snapshots): delete one first')
        self.assertEqual(sorted(s['name'] for s in self.snapshots(srv=srv)), ['one', 'two'])
        # replacing one is not one more
        self.save('two', srv=srv)
        self.control('DELETE', '/_cfmock/snapshots/one', srv=srv)
        self.save('three', srv=srv)
        self.assertEqual(sorted(s['name'] for s in self.snapshots(srv=srv)), ['three', 'two'])

    def test_ctl_4_8_page_token_from_before_the_save_works_after_the_restore(self):
        orgs = [self.create_org('Org %d' % n) for n in range(4)]
        page1 = self.orgs_page({'page_size': 2})
        token = page1['result_info']['next_page_token']
        page2 = self.orgs_page({'page_size': 2, 'page_token': token})
        self.assertEqual([o['id'] for o in page2['result']], [orgs[2]['id'], orgs[3]['id']])
        self.save('paged')
        r = self.req('DELETE', '/organizations/' + orgs[2]['id'])
        self.assertEqual(r.status, 200, r)
        self.create_org('Org 4')
        self.restore('paged')
        self.assertEqual(self.orgs_page({'page_size': 2, 'page_token': token}), page2)

    def test_ctl_4_9_restore_after_reset_and_snapshot_of_fixtures(self):
        srv = self.server('--fixtures', FIXTURES)
        fixtures_state = self.state(srv)
        with self.on(srv):
            self.create_org('Mine')
            mine = self.state()
            self.save('mine')
            self.reset()
            self.assertEqual(self.state(), fixtures_state)
            self.restore('mine')
            self.assertEqual(self.state(), mine)
            self.assertEqual([o['name'] for o in self.orgs_page({})['result']], ['Mine'])


# ---------------------------------------------------------------------------
# --admin-token


class AdminToken(ControlTest):
    server_args = ('--admin-token', ADMIN_TOKEN)

    # (method, path, body): every control endpoint but health
    ENDPOINTS = [
        ('GET', '/_cfmock/state', None),
        ('POST', '/_cfmock/reset', None),
        ('POST', '/_cfmock/snapshots/snap', None),
        ('POST', '/_cfmock/snapshots/snap/restore', None),
        ('GET', '/_cfmock/snapshots', None),
        ('DELETE', '/_cfmock/snapshots/snap', None),
        ('DELETE', '/_cfmock/snapshots', None),
        ('GET', '/_cfmock/requests', None),
        ('DELETE', '/_cfmock/requests', None),
        ('POST', '/_cfmock/faults', {'path': '/accounts', 'action': {'type': 'drop'}}),
        ('GET', '/_cfmock/faults', None),
        ('DELETE', '/_cfmock/faults/' + UNKNOWN_ID, None),
        ('DELETE', '/_cfmock/faults', None),
    ]
    BAD = [
        ('no credentials', {}),
        ('wrong token', {'Authorization': 'Bearer wrong'}),
        ('token plus one', {'Authorization': 'Bearer ' + ADMIN_TOKEN + 'x'}),
        ('token prefix', {'Authorization': 'Bearer ' + ADMIN_TOKEN[:-1]}),
        ('not bearer', {'Authorization': 'Basic ' + ADMIN_TOKEN}),
        ('bare token', {'Authorization': ADMIN_TOKEN}),
        ('a cloudflare token', {'Authorization': 'Bearer ' + TOKEN_A}),
        ('as a key', {'X-Auth-Email': 'admin@example.com', 'X-Auth-Key': '0' * 32}),
    ]

    def test_ctl_5_1_every_control_endpoint_needs_the_token(self):
        for method, path, body in self.ENDPOINTS:
            for what, headers in self.BAD:
                with self.subTest(method=method, path=path, credentials=what):
                    r = self.req(method, path, body, auth=None, headers=headers)
                    self.assertControlError(r, 401, 1401, ADMIN_MESSAGE)
                    self.assertEqual(r.headers.get('access-control-allow-origin'), '*')

    def test_ctl_5_2_refused_calls_change_nothing(self):
        self.create_org('Kept')
        self.control('POST', '/_cfmock/snapshots/kept', auth=ADMIN_TOKEN)
        before = self.state(auth=ADMIN_TOKEN)
        for method, path, body in self.ENDPOINTS:
            self.req(method, path, body, auth='wrong')
        self.assertEqual(self.state(auth=ADMIN_TOKEN), before)
        self.assertEqual([s['name'] for s in self.snapshots(auth=ADMIN_TOKEN)], ['kept'])
        self.assertEqual(self.control('GET', '/_cfmock/faults', auth=ADMIN_TOKEN), {'faults': []})
        self.assertEqual(self.req('GET', '/accounts').status, 200)

    def test_ctl_5_3_every_control_endpoint_works_with_the_token(self):
        self.create_org('Org')
        a = dict(auth=ADMIN_TOKEN)
        st = self.state(**a)[0]
        self.assertEqual([o['name'] for o in st['organizations']], ['Org'])
        fault = self.control('POST', '/_cfmock/faults',
                             {'path': '/nothing', 'action': {'type': 'drop'}}, **a)
        self.assertEqual(len(self.control('GET', '/_cfmock/faults', **a)['faults']), 1)
        self.control('DELETE', '/_cfmock/faults/' + fault['id'], **a)
        self.control('DELETE', '/_cfmock/faults', **a)
        self.save('snap', **a)
        self.assertEqual([s['name'] for s in self.snapshots(**a)], ['snap'])
        self.restore('snap', **a)
        self.control('DELETE', '/_cfmock/snapshots/snap', **a)
        self.control('DELETE', '/_cfmock/snapshots', **a)
        self.assertEqual(self.control('GET', '/_cfmock/requests', **a)['count'], 1)
        self.control('DELETE', '/_cfmock/requests', **a)
        self.reset(**a)
        self.assertEqual(self.state(**a)[0], EMPTY_STATE)
        # errors past the check are the endpoint's own
        r = self.req('DELETE', '/_cfmock/faults/' + UNKNOWN_ID, auth=ADMIN_TOKEN)
        self.assertControlError(r, 404, 1404)
        r = self.req('POST', '/_cfmock/snapshots/none/restore', auth=ADMIN_TOKEN)
        self.assertControlError(r, 404, 1402)

    def test_ctl_5_4_cloudflare_routes_are_unaffected(self):
        org = self.create_org('Org')
        r = self.req('GET', '/organizations/' + org['id'])
        self.assertEqual(r.json, harness.ok_envelope(org))
        r = self.req('GET', '/organizations', auth=None)
        self.assertError(r, 400, [9106])
        # the admin token is just another credential there: a user of its own
        r = self.req('GET', '/organizations', auth=ADMIN_TOKEN)
        self.assertEqual(r.json, harness.ok_envelope([], result_info={'total_size': 0}))
        r = self.req('GET', '/accounts', headers=email_headers('x@example.com'), auth=None)
        self.assertEqual(r.status, 200, r)

    def test_ctl_5_5_admin_token_from_the_environment(self):
        srv = self.server(env={'CFMOCK_ADMIN_TOKEN': 'from-env'})
        r = srv.request('GET', '/_cfmock/state', auth=None)
        self.assertControlError(r, 401, 1401, ADMIN_MESSAGE)
        self.assertEqual(self.state(srv, auth='from-env')[0], EMPTY_STATE)
        # the flag wins over the variable
        srv2 = self.server('--admin-token', 'from-flag', env={'CFMOCK_ADMIN_TOKEN': 'from-env'})
        r = srv2.request('GET', '/_cfmock/state', auth='from-env')
        self.assertControlError(r, 401, 1401, ADMIN_MESSAGE)
        self.assertEqual(self.state(srv2, auth='from-flag')[0], EMPTY_STATE)

    def test_ctl_5_6_without_admin_token_control_is_open(self):
        srv = self.server()
        for method, path, body in self.ENDPOINTS:
            with self.subTest(method=method, path=path):
                r = srv.request(method, path, body, auth=None)
                self.assertNotEqual(r.status, 401, r)


# ---------------------------------------------------------------------------
# CORS


class Cors(ControlTest):
    def answers(self):
        """(what, method, path, body, auth, expected status) of every kind."""
        org = self.create_org('Org')
        return [
            ('success', 'GET', '/organizations/' + org['id'], None, TOKEN_A, 200),
            ('create', 'POST', '/organizations', {'name': 'x'}, TOKEN_A, 200),
            ('no content', 'PUT', '/organizations/%s/profile' % org['id'], PROFILE, TOKEN_A, 204),
            ('error', 'GET', '/organizations', None, None, 400),
            ('bad body', 'POST', '/organizations', {'name': 5}, TOKEN_A, 400),
            ('404', 'GET', '/accounts/' + UNKNOWN_ID, None, TOKEN_A, 404),
            ('no route', 'GET', '/nowhere', None, TOKEN_A, 400),
            ('405', 'PATCH', '/organizations', {}, TOKEN_A, 405),
            ('control', 'GET', '/_cfmock/health', None, None, 200),
            ('control state', 'GET', '/_cfmock/state', None, None, 200),
            ('control error', 'POST', '/_cfmock/snapshots/nope/restore', None, None, 404),
            ('control 405', 'PUT', '/_cfmock/health', None, None, 405),
        ]

    def test_ctl_6_1_origin_is_echoed_on_every_answer(self):
        for what, method, path, body, auth, status in self.answers():
            for origin in (ORIGIN, 'https://app.example.com:8443'):
                with self.subTest(what=what, origin=origin):
                    r = self.req(method, path, body, auth=auth, headers={'Origin': origin})
                    self.assertEqual(r.status, status, r)
                    self.assertEqual(r.headers.get('access-control-allow-origin'), origin)

    def test_ctl_6_2_star_without_an_origin(self):
        for what, method, path, body, auth, status in self.answers():
            with self.subTest(what=what):
                r = self.req(method, path, body, auth=auth)
                self.assertEqual(r.status, status, r)
                self.assertEqual(r.headers.get('access-control-allow-origin'), '*')

    def assertPreflight(self, srv, url):
        headers = {'Origin': ORIGIN, 'Access-Control-Request-Method': 'DELETE',
                   'Access-Control-Request-Headers': 'authorization, content-type'}
        r = srv.request('OPTIONS', url, auth=None, headers=headers)
        self.assertEqual(r.status, 204, r)
        self.assertEqual(r.raw, b'')
        self.assertEqual(r.headers.get('access-control-allow-origin'), ORIGIN)
        methods = {m.strip().upper() for m in
                   r.headers.get('access-control-allow-methods', '').split(',')}
        self.assertLessEqual({'GET', 'POST', 'PUT', 'PATCH', 'DELETE'}, methods, r.headers)
        allowed = {h.strip().lower() for h in
                   r.headers.get('access-control-allow-headers', '').split(',')}
        self.assertLessEqual({'authorization', 'content-type', 'x-auth-email', 'x-auth-key',
                              'x-auth-user-service-key', 'idempotency-key'}, allowed, r.headers)
        # without an Origin
        r = srv.request('OPTIONS', url, auth=None)
        self.assertEqual(r.status, 204, r)
        self.assertEqual(r.headers.get('access-control-allow-origin'), '*')

    def test_ctl_6_3_preflight_to_any_path_needs_no_credentials(self):
        org = self.create_org('Org')
        for url in ('/organizations', '/organizations/' + org['id'], '/accounts/' + UNKNOWN_ID,
                    '/nowhere/at/all', '/user', '/_cfmock/reset', '/_cfmock/state',
                    '//somewhere/else'):
            with self.subTest(url=url):
                self.assertPreflight(self.srv, url)
        # a preflight is not a request: nothing changed, nothing reset
        self.assertEqual(self.orgs_page({})['result'], [org])

    def test_ctl_6_4_preflight_with_an_admin_token(self):
        srv = self.server('--admin-token', ADMIN_TOKEN)
        for url in ('/_cfmock/state', '/_cfmock/reset', '/_cfmock/faults', '/organizations'):
            with self.subTest(url=url):
                self.assertPreflight(srv, url)
        r = srv.request('GET', '/_cfmock/state', auth=None, headers={'Origin': ORIGIN})
        self.assertControlError(r, 401, 1401)
        self.assertEqual(r.headers.get('access-control-allow-origin'), ORIGIN)


# ---------------------------------------------------------------------------
# --log-format


TEXT_LINE = re.compile(r'^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z) (\S+) ([A-Z]+) (\S+) (\d{3}) '
                       r'(\d+)us$')


class LogFormat(ControlTest):
    def setUp(self):
        pass        # each test starts its own server

    def tearDown(self):
        pass

    def wait_lines(self, srv, pred, n, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            lines = [line.rstrip('\n') for line in list(srv.stdout_lines)]
            if len([line for line in lines if pred(line)]) >= n:
                return lines
            time.sleep(0.02)
        self.fail('fewer than %d matching access-log lines: %r' % (n, srv.stdout_lines))

    def traffic(self, srv):
        r = srv.request('GET', '/user')
        self.assertEqual(r.status, 200, r)
        user_id = r.json['result']['id']
        self.assertEqual(srv.request('POST', '/organizations', {'name': 'Logged'}).status, 200)
        self.assertEqual(srv.request('GET', '/organizations', auth=None).status, 400)
        self.assertEqual(srv.request('GET', '/accounts/' + UNKNOWN_ID).status, 404)
        self.assertEqual(srv.request('GET', '/_cfmock/state', auth=None).status, 200)
        return user_id

    def test_ctl_7_1_json_lines(self):
        srv = self.server('--log-format', 'json', access_log=True)
        user_id = self.traffic(srv)
        lines = self.wait_lines(srv, lambda l: '/_cfmock/state' in l, 1)
        entries = []
        for line in lines:
            with self.subTest(line=line):
                entry = json.loads(line)
                self.assertIsInstance(entry, dict)
                self.assertLessEqual({'time', 'remote', 'method', 'path', 'status', 'duration_us'},
                                     set(entry))
                self.assertLessEqual(set(entry), {'time', 'remote', 'method', 'path', 'status',
                                                  'duration_us', 'user_id'})
                self.assertRegex(entry['time'], r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$')
                self.assertEqual(entry['remote'], '127.0.0.1')
                self.assertIsInstance(entry['status'], int)
                self.assertIsInstance(entry['duration_us'], int)
                self.assertGreaterEqual(entry['duration_us'], 0)
                entries.append(entry)
        got = [(e['method'], e['path'], e['status'], e.get('user_id')) for e in entries
               if e['path'] != '/_cfmock/health']
        self.assertEqual(got, [
            ('GET', '/client/v4/user', 200, user_id),
            ('POST', '/client/v4/organizations', 200, user_id),
            ('GET', '/client/v4/organizations', 400, None),
            ('GET', '/client/v4/accounts/' + UNKNOWN_ID, 404, user_id),
            ('GET', '/_cfmock/state', 200, None),
        ])

    def test_ctl_7_2_json_from_the_environment(self):
        srv = self.server(access_log=True, env={'CFMOCK_LOG_FORMAT': 'json'})
        srv.request('GET', '/organizations')
        lines = self.wait_lines(srv, lambda l: '/client/v4/organizations' in l, 1)
        for line in lines:
            self.assertIsInstance(json.loads(line), dict)

    def test_ctl_7_3_text_format_unchanged(self):
        for args in ((), ('--log-format', 'text')):
            with self.subTest(args=args):
                srv = self.server(*args, access_log=True)
                self.traffic(srv)
                lines = self.wait_lines(srv, lambda l: '/_cfmock/state' in l, 1)
                got = []
                for line in lines:
                    m = TEXT_LINE.match(line)
                    self.assertIsNotNone(m, line)
                    self.assertEqual(m.group(3), '127.0.0.1')
                    if m.group(5) != '/_cfmock/health':
                        got.append((m.group(4), m.group(5), m.group(6)))
                self.assertEqual(got, [
                    ('GET', '/client/v4/user', '200'),
                    ('POST', '/client/v4/organizations', '200'),
                    ('GET', '/client/v4/organizations', '400'),
                    ('GET', '/client/v4/accounts/' + UNKNOWN_ID, '404'),
                    ('GET', '/_cfmock/state', '200'),
                ])

    def test_ctl_7_4_bad_log_format_fails_to_start(self):
        code, out, err = harness.run_cfmock('--port', '0', '--db', ':memory:', '--log-format',
                                            'yaml')
        self.assertEqual(code, 1)
        self.assertEqual(out, '')
        self.assertEqual(err.count('\n'), 1, err)
        self.assertIn('--log-format', err)


if __name__ == '__main__':
    harness.main()
