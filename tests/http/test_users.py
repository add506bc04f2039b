"""test_users.py: the caller's own user (GET and PATCH /user), --auth
strict against fixtures, disabled and expired tokens in both modes (token
verify with them included), tenant admins, and bad fixture keys
(CONTRACT.md 0.14 and 4.3; the README's "Users", "Token verify",
"Credentials and who sees what", "Flags" and "Fixtures"). These are IAM
routes: every error carries "result": null. Token verify in open mode is
in test_tokens.py.

Every test gets a fresh server (seed 1, fake clock); results are compared
whole wherever practical. The helpers come from helpers.py."""
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import TOKEN_B  # noqa: E402
from helpers import (ApiTest, ADMIN, ALICE_KEY, DNS, HEX32, JSON_CT, KEY,  # noqa: E402
                     MISSING_AUTH, PROFILE, UNKNOWN_ID, USER_KEYS, email_headers, listed,
                     org_unseen, page_info)

PATCHABLE = {'first_name': 60, 'last_name': 60, 'telephone': 20, 'zipcode': 20, 'country': 30}
# the fixtures of the strict-mode tests
ALICE_ID = '6d7f2f5f5b1d4a0e9081fdc98d432fd1'
BOB_KEY = '0123456789abcdef0123456789abcdef'
TOKEN_ID = 'ed17574386854bf78a67040be0a770b0'
ORG_ID = 'a7b9c3d2e8f4a1b5c6d0e9f2a3b7c4d8'
SUB_ID = 'b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6'
ACCT_ID = '2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e'
SAND_ID = '3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f'
FIXTURES = {
    'users': [
        {'id': ALICE_ID, 'email': 'alice@example.com', 'api_key': ALICE_KEY,
         'tenant_admin': True, 'first_name': 'Alice', 'last_name': 'Smith',
         'tokens': ['alice-token', {'value': 'alice-old', 'status': 'disabled'},
                    {'value': 'alice-exp', 'status': 'expired'},
                    {'value': 'alice-ided', 'status': 'active', 'id': TOKEN_ID}]},
        {'email': 'bob@example.com', 'api_key': BOB_KEY, 'tokens': ['bob-token']},
        {'email': 'carol@example.com', 'tenant_admin': False, 'tokens': ['carol-token']},
    ],
    'organizations': [
        {'id': ORG_ID, 'name': 'Acme', 'owner': 'alice@example.com',
         'create_time': '2026-01-05T09:00:00.000Z',
         'members': [{'email': 'bob@example.com', 'status': 'active'},
                     {'email': 'dave@example.com', 'status': 'canceled'}],
         'organizations': [{'id': SUB_ID, 'name': 'Acme Europe',
                            'create_time': '2026-01-05T09:05:00.000Z'}],
         'accounts': [{'id': ACCT_ID, 'name': 'Acme Web', 'created_on': '2026-01-06T10:00:00.000Z',
                       'members': [{'email': 'carol@example.com', 'status': 'accepted',
                                    'roles': [ADMIN]}]}]},
    ],
    'accounts': [{'id': SAND_ID, 'name': 'Sandbox', 'owner': 'alice@example.com',
                  'created_on': '2026-01-07T10:00:00.000Z'}],
}


def user_object(id, email, **fields):
    """The whole GET /user result."""
    u = {'id': id, 'email': email, 'first_name': None, 'last_name': None, 'telephone': None,
         'country': None, 'zipcode': None, 'two_factor_authentication_enabled': False,
         'two_factor_authentication_locked': False, 'suspended': False, 'has_pro_zones': False,
         'has_business_zones': False, 'has_enterprise_zones': False, 'betas': []}
    u.update(fields)
    return u


def write_fixtures(d, data):
    path = os.path.join(d, 'fixtures.json')
    with open(path, 'w') as f:
        json.dump(data, f)
    return path


class FixtureTest(ApiTest):
    """A server started with FIXTURES and the auth mode of the class."""
    auth_mode = 'strict'

    def setUp(self):
        self._dir = tempfile.TemporaryDirectory()
        path = write_fixtures(self._dir.name, FIXTURES)
        self.srv = harness.Server('--auth', self.auth_mode, '--fixtures', path)

    def tearDown(self):
        try:
            super().tearDown()
        finally:
            self._dir.cleanup()

    def alice(self):
        return email_headers('alice@example.com', ALICE_KEY)

    def as_headers(self, method, path, headers, body=None, query=None):
        return self.srv.request(method, path, body, auth=None, headers=headers, query=query)


# ---------------------------------------------------------------------------
# GET /user


class GetUser(ApiTest):
    def test_user_1_1_token_user_whole(self):
        u = self.get_user()
        self.assertRegex(u['id'], HEX32)
        self.assertIsInstance(u['email'], str)
        self.assertTrue(u['email'])
        self.assertEqual(u, user_object(u['id'], u['email']))
        # the same on every call; another token is another user
        self.assertEqual(self.get_user(), u)
        b = self.get_user(TOKEN_B)
        self.assertNotEqual(b['id'], u['id'])
        self.assertNotEqual(b['email'], u['email'])
        self.assertEqual(b, user_object(b['id'], b['email']))

    def test_user_1_2_id_is_managed_by_of_its_organizations(self):
        org = self.create_org('Org')
        self.assertEqual(self.get_user()['id'], org['meta']['managed_by'])
        r = self.req('POST', '/organizations', {'name': 'E'}, auth='ops@example.com')
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.get_user('ops@example.com')['id'],
                         r.json['result']['meta']['managed_by'])
        self.assertNotEqual(org['meta']['managed_by'], r.json['result']['meta']['managed_by'])

    def test_user_1_3_email_user_whole(self):
        u = self.get_user('ops@example.com')
        self.assertEqual(u, user_object(u['id'], 'ops@example.com'))
        # any well-formed key, and the email in any case: the same user
        for key in ('a' * 37, 'b' * 32, ALICE_KEY):
            r = self.srv.request('GET', '/user', auth=None,
                                 headers=email_headers('ops@example.com', key))
            self.assertEqual(r.json, harness.ok_envelope(u))
        r = self.srv.request('GET', '/user', auth=None, headers=email_headers('OPS@Example.COM'))
        self.assertEqual(r.json['result']['id'], u['id'])
        other = self.get_user('other@example.com')
        self.assertNotEqual(other['id'], u['id'])
        self.assertEqual(other['email'], 'other@example.com')

    def test_user_1_4_service_key_user(self):
        h = {'X-Auth-User-Service-Key': 'v1.0-0123456789abcdef-ffff'}
        r = self.srv.request('GET', '/user', auth=None, headers=h)
        self.assertEqual(r.status, 200, r)
        u = r.json['result']
        self.assertEqual(set(u), USER_KEYS)
        self.assertEqual(u, user_object(u['id'], u['email']))
        self.assertNotEqual(u['id'], self.get_user()['id'])
        self.assertEqual(self.srv.request('GET', '/user', auth=None, headers=h).json, r.json)

    def test_user_1_5_member_user_is_the_caller(self):
        """A user created as a member has its email, and no names."""
        org = self.create_org('Org')
        m = self.add(org, 'new@example.com')
        self.assertEqual(self.get_user('new@example.com'),
                         user_object(m['user']['id'], 'new@example.com'))

    def test_user_1_6_routes_credentials_and_methods(self):
        for method, allow in (('POST', {'GET', 'PATCH'}), ('PUT', {'GET', 'PATCH'}),
                              ('DELETE', {'GET', 'PATCH'})):
            with self.subTest(method=method):
                r = self.req(method, '/user', {'first_name': 'x'})
                self.assertError(r, 405, [7001], result_key='null')
                self.assertEqual(set(r.headers['allow'].split(', ')), allow)
        for method in ('POST', 'PATCH', 'DELETE'):
            for path in ('/user/tokens/verify', '/accounts/%s/tokens/verify' % UNKNOWN_ID):
                with self.subTest(method=method, path=path):
                    r = self.req(method, path)
                    self.assertError(r, 405, [7001], result_key='null')
                    self.assertEqual(r.headers['allow'], 'GET')
        for path in ('/user/', '/users', '/user/tokenz', '/user/tokens/verify/x'):
            with self.subTest(path=path):
                self.assertError(self.req('GET', path), 400, [7003, 7000], result_key='null')
        for method, body in (('GET', None), ('PATCH', {'first_name': 'x'})):
            with self.subTest(method=method):
                r = self.srv.request(method, '/user', body, auth=None)
                self.assertEqual(r.json, MISSING_AUTH)
                r = self.srv.request(method, '/user', body, auth=None,
                                     headers={'X-Auth-Email': 'nope', 'X-Auth-Key': KEY})
                self.assertError(r, 400, [6003], result_key='null')
                self.assertEqual([e['code'] for e in r.json['errors'][0]['error_chain']], [6102])
        self.assertEqual(self.get_user()['first_name'], None)


# ---------------------------------------------------------------------------
# PATCH /user


class PatchUser(ApiTest):
    def test_user_2_1_each_field_and_null_clears(self):
        u = self.get_user()
        steps = [
            {'first_name': 'Ada'},
            {'last_name': 'Lovelace'},
            {'telephone': '+44 20 7946 0000', 'zipcode': 'SW1A 1AA', 'country': 'GB'},
            {},
            {'first_name': 'Augusta Ada', 'country': 'United Kingdom'},
            {'telephone': None},
            {'first_name': None, 'last_name': None, 'zipcode': None, 'country': None},
            {'first_name': 'Ünïcødé 名前 🚀', 'last_name': '  spaced  '},
        ]
        for body in steps:
            with self.subTest(body=body):
                r = self.req('PATCH', '/user', body)
                u.update(body)
                self.assertEqual(r.status, 200, r)
                self.assertEqual(r.headers.get('content-type'), 'application/json')
                self.assertEqual(r.json, harness.ok_envelope(u))
                self.assertEqual(self.get_user(), u)

    def test_user_2_2_lengths(self):
        u = self.get_user('ops@example.com')
        for field, limit in PATCHABLE.items():
            for value in ('x' * limit, 'é' * limit, '🚀' * limit):
                with self.subTest(field=field, length=len(value)):
                    r = self.req('PATCH', '/user', {field: value}, auth='ops@example.com')
                    u[field] = value
                    self.assertEqual(r.json, harness.ok_envelope(u))
            before = self.get_user('ops@example.com')
            for value in ('x' * (limit + 1), 'é' * (limit + 1), 'x' * 5000):
                with self.subTest(field=field, length=len(value)):
                    r = self.req('PATCH', '/user', {field: value}, auth='ops@example.com')
                    self.assertFieldError(r, 1003, '/' + field, 'null')
            self.assertEqual(self.get_user('ops@example.com'), before)

    def test_user_2_3_wrong_types_and_bodies(self):
        self.patch_user({'first_name': 'Ada', 'country': 'GB'})
        before = self.get_user()
        for field in PATCHABLE:
            for bad in (5, 1.5, True, [], ['x'], {}, {'v': 'x'}):
                with self.subTest(field=field, value=bad):
                    r = self.req('PATCH', '/user', {field: bad})
                    self.assertFieldError(r, 1002, '/' + field, 'null')
        # a valid change next to an invalid one: nothing changes
        r = self.req('PATCH', '/user', {'first_name': 'Grace', 'last_name': 'x' * 61})
        self.assertFieldError(r, 1003, '/last_name', 'null')
        r = self.req('PATCH', '/user', {'first_name': 'Grace', 'zipcode': 5})
        self.assertFieldError(r, 1002, '/zipcode', 'null')
        for raw in ('[]', '"x"', '5', 'null'):
            with self.subTest(raw=raw):
                r = self.req('PATCH', '/user', raw=raw, headers=JSON_CT)
                self.assertFieldError(r, 1002, '', 'null')
        for raw in ('', '{', '{"first_name": }'):
            with self.subTest(raw=raw):
                r = self.req('PATCH', '/user', raw=raw, headers=JSON_CT)
                self.assertError(r, 400, [6007], result_key='null')
        r = self.req('PATCH', '/user', raw='{"first_name": "x"}',
                     headers={'Content-Type': 'text/plain'})
        self.assertError(r, 400, [9207], result_key='null')
        r = self.req('PATCH', '/user', raw='{"first_name": "x", "first_name": "y"}',
                     headers=JSON_CT)
        self.assertError(r, 400, [1007], result_key='null')
        self.assertEqual(self.get_user(), before)

    def test_user_2_4_read_only_fields_ignored(self):
        u = self.get_user('ops@example.com')
        body = {'id': UNKNOWN_ID, 'email': 'evil@example.com', 'suspended': True,
                'two_factor_authentication_enabled': True,
                'two_factor_authentication_locked': True, 'has_pro_zones': True,
                'has_business_zones': True, 'has_enterprise_zones': True, 'betas': ['x'],
                'organizations': [], 'first_name': 'Ops'}
        r = self.req('PATCH', '/user', body, auth='ops@example.com')
        u['first_name'] = 'Ops'
        self.assertEqual(r.json, harness.ok_envelope(u))
        self.assertEqual(self.get_user('ops@example.com'), u)
        # evil@example.com is still another (new) user
        self.assertNotEqual(self.get_user('evil@example.com')['id'], u['id'])

    def test_user_2_5_users_are_patched_separately(self):
        a, b = self.get_user(), self.get_user(TOKEN_B)
        self.patch_user({'first_name': 'Alpha', 'telephone': '1'})
        self.patch_user({'first_name': 'Beta', 'zipcode': '2'}, auth=TOKEN_B)
        a.update(first_name='Alpha', telephone='1')
        b.update(first_name='Beta', zipcode='2')
        self.assertEqual(self.get_user(), a)
        self.assertEqual(self.get_user(TOKEN_B), b)

    def test_user_2_6_names_show_in_memberships(self):
        org = self.create_org('Org')
        acct = self.create_account('acct')
        om = self.add(org, 'ada@example.com')
        r = self.req('POST', '/accounts/%s/members' % acct['id'],
                     {'email': 'ada@example.com', 'roles': [DNS]})
        self.assertEqual(r.status, 200, r)
        am = r.json['result']
        self.patch_user({'first_name': 'Ada', 'last_name': 'Lovelace', 'country': 'GB'},
                        auth='ada@example.com')
        om['user']['name'] = 'Ada Lovelace'
        self.assertMemberIs(org, om)
        am['user'].update(first_name='Ada', last_name='Lovelace')
        r = self.req('GET', '/accounts/%s/members/%s' % (acct['id'], am['id']))
        self.assertEqual(r.json, harness.ok_envelope(am))
        self.patch_user({'first_name': None, 'last_name': None}, auth='ada@example.com')
        om['user']['name'] = ''
        self.assertMemberIs(org, om)

    def test_user_2_7_patch_survives_a_restart(self):
        with tempfile.TemporaryDirectory() as d:
            db = os.path.join(d, 'cfmock.db')
            srv = harness.Server(db=db)
            try:
                r = srv.request('PATCH', '/user', {'first_name': 'Ada', 'zipcode': '12345'})
                self.assertEqual(r.status, 200, r)
                want = r.json
                verify = srv.request('GET', '/user/tokens/verify').json
            finally:
                self.assertEqual(srv.stop(), 0)
            srv = harness.Server(db=db)
            try:
                self.assertEqual(srv.request('GET', '/user').json, want)
                # and the token keeps its id
                self.assertEqual(srv.request('GET', '/user/tokens/verify').json, verify)
            finally:
                self.assertEqual(srv.stop(), 0)


# ---------------------------------------------------------------------------
# Fixtures: disabled and expired tokens in open mode


class OpenModeFixtures(FixtureTest):
    auth_mode = 'open'

    def test_user_4_1_disabled_or_expired_token_is_403_and_401_on_verify(self):
        alice_before = self.world(auth='alice-token')
        for token in ('alice-old', 'alice-exp'):
            for method, path, body in (('GET', '/organizations', None), ('GET', '/user', None),
                                       ('PATCH', '/user', {'first_name': 'x'}),
                                       ('POST', '/accounts', {'name': 'x'}),
                                       ('POST', '/organizations', {'name': 'x'}),
                                       ('GET', '/accounts/' + ACCT_ID, None),
                                       ('DELETE', '/accounts/' + SAND_ID, None),
                                       ('GET', '/organizations/%s/members' % ORG_ID, None)):
                with self.subTest(token=token, method=method, path=path):
                    self.assertAuthError(self.req(method, path, body, auth=token))
            for path in ('/user/tokens/verify', '/accounts/%s/tokens/verify' % ACCT_ID):
                with self.subTest(token=token, path=path):
                    self.assertInvalidToken(self.req('GET', path, auth=token))
        self.assertEqual(self.world(auth='alice-token'), alice_before)

    def test_user_4_2_open_mode_takes_any_well_formed_credential(self):
        # alice by email, with any key
        for key in (ALICE_KEY, KEY, 'f' * 37):
            r = self.as_headers('GET', '/user', email_headers('alice@example.com', key))
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.json['result']['id'], ALICE_ID)
        # unknown tokens and emails are new users
        for auth in ('brand-new-token', 'new@example.com'):
            with self.subTest(auth=auth):
                u = self.get_user(auth)
                self.assertNotEqual(u['id'], ALICE_ID)
                self.assertEqual(self.req('GET', '/organizations', auth=auth).json, listed([]))
        self.assertVerified(self.req('GET', '/user/tokens/verify', auth='brand-new-token'))
        self.assertVerified(self.req('GET', '/user/tokens/verify', auth='alice-ided'), TOKEN_ID)

    def test_user_4_3_tenant_admin_does_not_matter_in_open_mode(self):
        for auth in ('bob-token', 'carol-token', 'someone@example.com'):
            with self.subTest(auth=auth):
                r = self.req('POST', '/accounts', {'name': 'mine'}, auth=auth)
                self.assertEqual(r.status, 200, r)
                r = self.req('DELETE', '/accounts/' + r.json['result']['id'], auth=auth)
                self.assertEqual(r.status, 200, r)
        # bob sees the fixture's account through the organization, and may delete it
        r = self.req('POST', '/accounts', {'name': 'in acme', 'unit': {'id': ORG_ID}},
                     auth='bob-token')
        self.assertEqual(r.status, 200, r)
        r = self.req('DELETE', '/accounts/' + ACCT_ID, auth='bob-token')
        self.assertEqual(r.json, harness.ok_envelope({'id': ACCT_ID}))


# ---------------------------------------------------------------------------
# --auth strict


class Strict(FixtureTest):
    def test_user_5_1_fixture_users_by_token_and_by_email(self):
        alice = user_object(ALICE_ID, 'alice@example.com', first_name='Alice',
                            last_name='Smith')
        for auth in ('alice-token', 'alice-ided'):
            self.assertEqual(self.get_user(auth), alice)
        r = self.as_headers('GET', '/user', self.alice())
        self.assertEqual(r.json, harness.ok_envelope(alice))
        bob = self.get_user('bob-token')
        self.assertEqual(bob, user_object(bob['id'], 'bob@example.com'))
        r = self.as_headers('GET', '/user', email_headers('bob@example.com', BOB_KEY))
        self.assertEqual(r.json, harness.ok_envelope(bob))
        carol = self.get_user('carol-token')
        self.assertEqual(carol, user_object(carol['id'], 'carol@example.com'))
        self.assertEqual(len({ALICE_ID, bob['id'], carol['id']}), 3)
        # what each sees
        acme = self.get_org(ORG_ID, auth='alice-token')
        europe = self.get_org(SUB_ID, auth='alice-token')
        self.assertEqual(acme['meta']['managed_by'], ALICE_ID)
        self.assertEqual(self.req('GET', '/organizations', auth='alice-token').json,
                         listed([acme, europe]))
        self.assertEqual(self.req('GET', '/organizations', auth='bob-token').json,
                         listed([acme, europe]))           # an active member
        self.assertEqual(self.req('GET', '/organizations', auth='carol-token').json, listed([]))
        web = self.req('GET', '/accounts/' + ACCT_ID, auth='alice-token').json['result']
        sandbox = self.req('GET', '/accounts/' + SAND_ID, auth='alice-token').json['result']
        self.assertEqual(self.list_accounts(auth='alice-token'),
                         harness.ok_envelope([web, sandbox], result_info=page_info(1, 20, 2, 2)))
        self.assertEqual(self.list_accounts(auth='bob-token'),
                         harness.ok_envelope([web], result_info=page_info(1, 20, 1, 1)))
        # carol, an account member who sees no organization, without managed_by
        self.assertEqual(self.list_accounts(auth='carol-token'),
                         harness.ok_envelope([org_unseen(web)],
                                             result_info=page_info(1, 20, 1, 1)))
        # the fixture's members
        env = self.list_members(ORG_ID, {'page_size': 1000}, auth='alice-token')
        self.assertEqual([(m['user']['email'], m['status']) for m in env['result']],
                         [('bob@example.com', 'active'), ('dave@example.com', 'canceled')])
        self.assertEqual(env['result'][0]['user']['id'], bob['id'])
        r = self.req('GET', '/accounts/%s/members' % ACCT_ID, auth='alice-token')
        carol_m = [m for m in r.json['result'] if m['email'] == 'carol@example.com']
        self.assertEqual(len(carol_m), 1, r)
        self.assertEqual((carol_m[0]['status'], [x['id'] for x in carol_m[0]['roles']],
                          carol_m[0]['user']['id']), ('accepted', [ADMIN], carol['id']))

    def test_user_5_2_unknown_credentials_are_403(self):
        before = self.world(auth='alice-token')
        creds = [
            ('unknown token', {'Authorization': 'Bearer not-a-fixture-token'}),
            ('a token in another case', {'Authorization': 'Bearer Alice-Token'}),
            ('unknown email', email_headers('nobody@example.com', ALICE_KEY)),
            ('wrong key', email_headers('alice@example.com', KEY)),
            ("bob's key", email_headers('alice@example.com', BOB_KEY)),
            ('key of another length', email_headers('alice@example.com', ALICE_KEY[:32] + 'f' * 5)),
            ('user without a key', email_headers('carol@example.com', KEY)),
            ('member without credentials', email_headers('dave@example.com', KEY)),
            ('service key', {'X-Auth-User-Service-Key': 'v1.0-0123456789abcdef-ffff'}),
        ]
        routes = [('GET', '/organizations', None), ('POST', '/organizations', {'name': 'x'}),
                  ('GET', '/organizations/' + ORG_ID, None),
                  ('GET', '/organizations/%s/members' % ORG_ID, None),
                  ('POST', '/organizations/%s/members' % ORG_ID,
                   {'member': {'user': {'email': 'x@example.com'}}}),
                  ('GET', '/accounts', None), ('POST', '/accounts', {'name': 'x'}),
                  ('GET', '/accounts/' + ACCT_ID, None),
                  ('DELETE', '/accounts/' + SAND_ID, None),
                  ('GET', '/accounts/%s/members' % ACCT_ID, None),
                  ('GET', '/accounts/%s/roles' % ACCT_ID, None),
                  ('GET', '/user', None), ('PATCH', '/user', {'first_name': 'x'})]
        for name, headers in creds:
            for method, path, body in routes:
                with self.subTest(credentials=name, method=method, path=path):
                    self.assertAuthError(self.as_headers(method, path, headers, body))
        self.assertEqual(self.world(auth='alice-token'), before)

    def test_user_5_3_disabled_expired_and_unknown_tokens_on_verify(self):
        for token in ('alice-old', 'alice-exp', 'not-a-fixture-token'):
            with self.subTest(token=token):
                self.assertAuthError(self.req('GET', '/organizations', auth=token))
                self.assertAuthError(self.req('GET', '/accounts/' + ACCT_ID, auth=token))
                for path in ('/user/tokens/verify', '/accounts/%s/tokens/verify' % ACCT_ID):
                    self.assertInvalidToken(self.req('GET', path, auth=token))
        tid = self.assertVerified(self.req('GET', '/user/tokens/verify', auth='alice-token'))
        self.assertNotEqual(tid, TOKEN_ID)
        self.assertVerified(self.req('GET', '/user/tokens/verify', auth='alice-ided'), TOKEN_ID)
        self.assertVerified(self.req('GET', '/accounts/%s/tokens/verify' % SAND_ID,
                                     auth='alice-ided'), TOKEN_ID)
        self.assertVerified(self.req('GET', '/accounts/%s/tokens/verify' % ACCT_ID,
                                     auth='bob-token'))
        self.assertNotFound(self.req('GET', '/accounts/%s/tokens/verify' % SAND_ID,
                                     auth='bob-token'), SAND_ID)
        # email + the right key is a user, but not a token
        for path in ('/user/tokens/verify', '/accounts/%s/tokens/verify' % SAND_ID):
            self.assertMissingAuthz(self.as_headers('GET', path, self.alice()))

    def test_user_5_4_missing_and_malformed_credentials_stay_400(self):
        for path in ('/organizations', '/user', '/accounts/' + ACCT_ID, '/user/tokens/verify'):
            with self.subTest(path=path):
                r = self.srv.request('GET', path, auth=None)
                self.assertEqual(r.status, 400)
                self.assertEqual(r.json, MISSING_AUTH)
                r = self.srv.request('GET', path, auth=None, headers={'Authorization': 'Bearer '})
                self.assertError(r, 400, [6003], result_key='null')
                r = self.as_headers('GET', path, email_headers('alice@example.com', 'nothex'))
                self.assertError(r, 400, [6003], result_key='null')
                self.assertEqual(r.json['errors'][0]['error_chain'][0]['code'], 6103)
                r = self.as_headers('GET', path, {'X-Auth-User-Service-Key': ''})
                self.assertError(r, 400, [6003], result_key='null')

    def test_user_5_5_non_admins_may_not_create_or_delete_accounts(self):
        before = self.world(auth='alice-token')
        bob_before = self.world(auth='bob-token')
        carol_before = self.world(auth='carol-token')
        for name, call in (('bob token', lambda m, p, b: self.req(m, p, b, auth='bob-token')),
                           ('bob email', lambda m, p, b: self.as_headers(
                               m, p, email_headers('bob@example.com', BOB_KEY), b)),
                           ('carol', lambda m, p, b: self.req(m, p, b, auth='carol-token'))):
            for method, path, body in (('POST', '/accounts', {'name': 'x'}),
                                       ('POST', '/accounts', {'name': 'x', 'unit': {'id': ORG_ID}}),
                                       ('POST', '/accounts', {'name': 'x', 'unit': {'id': SUB_ID}}),
                                       ('DELETE', '/accounts/' + ACCT_ID, None)):
                with self.subTest(caller=name, method=method, body=body):
                    self.assertAuthError(call(method, path, body))
        self.assertEqual(self.world(auth='alice-token'), before)
        self.assertEqual(self.world(auth='bob-token'), bob_before)
        self.assertEqual(self.world(auth='carol-token'), carol_before)

    def test_user_5_6_non_admins_may_do_everything_else_they_see(self):
        bob = 'bob-token'
        r = self.req('PUT', '/accounts/' + ACCT_ID, {'name': 'Acme Web 2', 'type': 'enterprise'},
                     auth=bob)
        self.assertEqual(r.status, 200, r)
        r = self.req('PUT', '/accounts/%s/profile' % ACCT_ID, PROFILE, auth=bob)
        self.assertEqual(r.status, 204, r)
        r = self.req('POST', '/accounts/%s/move' % ACCT_ID,
                     {'destination_organization_id': SUB_ID}, auth=bob)
        self.assertEqual(r.status, 200, r)
        r = self.req('PUT', '/organizations/' + ORG_ID, {'name': 'Acme 2'}, auth=bob)
        self.assertEqual(r.status, 200, r)
        sub = self.create_org('Bob sub', parent={'id': SUB_ID}, auth=bob)
        own = self.create_org('Bob own', auth=bob)
        m = self.add(sub, 'erin@example.com', auth=bob)
        self.remove(sub, m, auth=bob)
        r = self.req('DELETE', '/organizations/' + sub['id'], auth=bob)
        self.assertEqual(r.json, harness.ok_envelope({'id': sub['id']}))
        r = self.req('POST', '/accounts/%s/members' % ACCT_ID,
                     {'email': 'frank@example.com', 'roles': [DNS]}, auth=bob)
        self.assertEqual(r.status, 200, r)
        r = self.req('DELETE', '/accounts/%s/members/%s' % (ACCT_ID, r.json['result']['id']),
                     auth=bob)
        self.assertEqual(r.status, 200, r)
        self.patch_user({'first_name': 'Bob'}, auth=bob)
        self.assertEqual(self.get_user(bob)['first_name'], 'Bob')
        # carol, an accepted account member, may rename the account
        r = self.req('PUT', '/accounts/' + ACCT_ID, {'name': 'Acme Web 3', 'type': 'standard'},
                     auth='carol-token')
        self.assertEqual(r.status, 200, r)
        # alice sees every change
        r = self.req('GET', '/accounts/' + ACCT_ID, auth='alice-token')
        self.assertEqual((r.json['result']['name'], r.json['result']['managed_by']),
                         ('Acme Web 3',
                          {'parent_org_id': SUB_ID, 'parent_org_name': 'Acme Europe'}))
        self.assertEqual(self.get_org(ORG_ID, auth='alice-token')['name'], 'Acme 2')
        self.assertOrgNotFound(self.req('GET', '/organizations/' + own['id'],
                                        auth='alice-token'), own['id'])
        self.assertProfile(ACCT_ID, PROFILE, auth='alice-token')

    def test_user_5_7_tenant_admin_creates_and_deletes_accounts(self):
        r = self.req('POST', '/accounts', {'name': 'by token', 'unit': {'id': SUB_ID}},
                     auth='alice-token')
        self.assertEqual(r.status, 200, r)
        a = r.json['result']
        r = self.as_headers('POST', '/accounts', self.alice(), {'name': 'by email'})
        self.assertEqual(r.status, 200, r)
        s = r.json['result']
        self.assertEqual(self.list_accounts(auth='alice-token')['result_info']['total_count'], 4)
        # bob sees the one in the organization, but may not delete it
        self.assertGetIs(a, auth='bob-token')
        self.assertAuthError(self.req('DELETE', '/accounts/' + a['id'], auth='bob-token'))
        for acct, headers in ((a, harness.bearer('alice-token')), (s, self.alice()),
                              ({'id': SAND_ID}, harness.bearer('alice-ided'))):
            r = self.as_headers('DELETE', '/accounts/' + acct['id'], headers)
            self.assertEqual(r.json, harness.ok_envelope({'id': acct['id']}))
        self.assertEqual(self.list_accounts(auth='alice-token')['result_info']['total_count'], 1)

    def test_user_5_8_members_added_in_strict_mode_cannot_log_in(self):
        m = self.add(ORG_ID, 'newbie@example.com', auth='alice-token')
        for key in (KEY, ALICE_KEY, BOB_KEY):
            r = self.as_headers('GET', '/organizations', email_headers('newbie@example.com', key))
            self.assertAuthError(r)
        # but the membership is there, with a user of its own
        self.assertMemberIs(ORG_ID, m, auth='alice-token')
        self.assertRegex(m['user']['id'], HEX32)

    def test_user_5_9_patch_user_in_strict_mode(self):
        r = self.req('PATCH', '/user', {'first_name': 'Alicia', 'last_name': None},
                     auth='alice-token')
        want = user_object(ALICE_ID, 'alice@example.com', first_name='Alicia')
        self.assertEqual(r.json, harness.ok_envelope(want))
        r = self.as_headers('GET', '/user', self.alice())
        self.assertEqual(r.json, harness.ok_envelope(want))


# ---------------------------------------------------------------------------
# Fixtures with the new keys


class FixtureErrors(ApiTest):
    def test_user_6_1_bad_new_fixture_keys_fail_naming_the_entry(self):
        def broken(change):
            data = json.loads(json.dumps(FIXTURES))
            change(data)
            return data

        user0 = lambda d: d['users'][0]                                   # noqa: E731
        org0 = lambda d: d['organizations'][0]                            # noqa: E731
        cases = [
            (lambda d: user0(d).update(tenant_admin='yes'), '/users/0', 'tenant_admin'),
            (lambda d: user0(d).update(tenant_admin=1), '/users/0', 'tenant_admin'),
            (lambda d: user0(d)['tokens'][1].update(status='revoked'), '/users/0', 'status'),
            (lambda d: user0(d)['tokens'].append({'status': 'active'}), '/users/0', 'value'),
            (lambda d: user0(d)['tokens'].append({'value': 'x', 'sttus': 'active'}), '/users/0',
             'sttus'),
            (lambda d: user0(d)['tokens'][3].update(id='XYZ'), '/users/0', 'id'),
            (lambda d: user0(d).update(frist_name='A'), '/users/0', 'frist_name'),
            (lambda d: org0(d)['members'].append({'email': 'no-at-sign', 'status': 'active'}),
             '/organizations/0/members/2', 'email'),
            (lambda d: org0(d)['members'].append({'email': 'x@example.com', 'status': 'pending'}),
             '/organizations/0/members/2', 'status'),
            (lambda d: org0(d)['members'].append({'emial': 'x@example.com'}),
             '/organizations/0/members/2', 'emial'),
            (lambda d: org0(d)['accounts'][0]['members'][0].update(roles=[UNKNOWN_ID]),
             '/organizations/0/accounts/0/members/0', 'roles'),
            (lambda d: org0(d)['accounts'][0]['members'][0].update(status='active'),
             '/organizations/0/accounts/0/members/0', 'status'),
        ]
        with tempfile.TemporaryDirectory() as d:
            for change, entry, key in cases:
                path = write_fixtures(d, broken(change))
                with self.subTest(entry=entry, key=key):
                    code, out, err = harness.run_cfmock('--port', '0', '--db', ':memory:',
                                                        '--auth', 'strict', '--fixtures', path)
                    self.assertEqual(code, 1, err)
                    self.assertEqual(err.count('\n'), 1, err)
                    self.assertTrue(err.startswith("cfmock: %s: %s/" % (path, entry)),
                                    err)
                    self.assertIn(key, err)
            # all or nothing: a database left by a refused start is still empty
            db = os.path.join(d, 'cfmock.db')
            bad = write_fixtures(d, broken(lambda x: org0(x)['accounts'][0]['members'][0]
                                           .update(status='active')))
            code, _, err = harness.run_cfmock('--port', '0', '--db', db, '--auth', 'strict',
                                              '--fixtures', bad)
            self.assertEqual(code, 1, err)
            good = write_fixtures(d, FIXTURES)
            with harness.Server('--auth', 'strict', '--fixtures', good, db=db) as srv:
                r = srv.request('GET', '/organizations', auth='alice-token')
                self.assertEqual(r.json['result_info'], {'total_size': 2})
                r = srv.request('GET', '/organizations/%s/members' % ORG_ID, auth='alice-token')
                self.assertEqual(r.json['result_info'], {'total_size': 2})
            self.assertEqual(srv.proc.returncode, 0)


if __name__ == '__main__':
    harness.main()
