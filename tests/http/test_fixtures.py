"""test_fixtures.py: fixtures and the API share one set of value rules
(src/rules.c).

For each rule: a fixture holding a value the API refuses is refused at
start-up, exit 1, with exactly "cfmock: FILE: POINTER: RULE" on stderr (the
RFC 6901 pointer of the bad value); the same value sent to the API answers
400 with the same rule text; and a fixture at the boundary loads. Rules the
API applies to headers answer their 6003 chain (the API gives no reason
there), and rules only fixtures can break (token status, timestamps) are
checked on the fixture side alone.

The text itself is read by the strict reader request bodies go through
(src/json.c): a duplicate key, a \u0000, trailing data or any other
departure from RFC 8259 is refused at start-up, named by the pointer of
the value (or object) it is about, or by its offset where no value is."""
import json
import os
import tempfile
import unittest

import harness
from helpers import resource_group, resource_group_id

OWNER = 'owner@example.com'
OWNER_TOKEN = 'owner-token'
ADMIN = '05784afa30c1afe1440e79d9351c7430'     # the built-in Administrator role
KEY = '0' * 32
ZONE_READ = 'c8fed203ed3043cba015a93ad1616f1f'  # an IAM permission group (README)
POLICY = {'access': 'allow', 'permission_groups': [{'id': ZONE_READ}],
          'resource_groups': []}
FIXED_ACCOUNT = 'abcdefabcdefabcdefabcdefabcdef01'


def base():
    """A fixture with one of each thing a rule applies to, all valid."""
    return {
        'users': [{'email': OWNER, 'tokens': [OWNER_TOKEN]}],
        'organizations': [{
            'name': 'Root', 'owner': OWNER,
            'members': [{'email': 'member@example.com', 'status': 'active'}],
            'accounts': [{
                'name': 'Account', 'type': 'standard',
                'settings': {'abuse_contact_email': 'abuse@example.com'},
                'members': [{'email': 'am@example.com', 'status': 'pending',
                             'roles': [ADMIN]}]}]}],
        'accounts': [],
    }


def org0(d):
    return d['organizations'][0]


def acct0(d):
    return org0(d)['accounts'][0]


def email_of(n):
    """An email of exactly n characters."""
    return 'x' * (n - len('@example.com')) + '@example.com'


class FixtureRules(unittest.TestCase):
    """One API server (open auth) for the API side of every rule."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.srv = harness.Server()
        org = cls.srv.request('POST', '/organizations', {'name': 'Root'}).json['result']
        acct = cls.srv.request('POST', '/accounts', {'name': 'A', 'unit': {'id': org['id']}})
        cls.org, cls.acct = org['id'], acct.json['result']['id']

    @classmethod
    def tearDownClass(cls):
        code = cls.srv.stop()
        cls.tmp.cleanup()
        assert code == 0, 'cfmock exited %d: %s' % (code, cls.srv.stderr.decode())

    # -- the fixture side ------------------------------------------------

    def write(self, data, name='f.json'):
        path = os.path.join(self.tmp.name, name)
        with open(path, 'w') as f:
            json.dump(data, f, ensure_ascii=False)
        return path

    def changed(self, change):
        data = base()
        change(data)
        return data

    def assertRefused(self, change, pointer, rule):
        """The base fixture with change(data) applied fails to start: exit
        1 and exactly 'cfmock: FILE: POINTER: RULE'."""
        path = self.write(self.changed(change))
        code, out, err = harness.run_cfmock('--port', '0', '--db', ':memory:', '--fixtures', path)
        self.assertEqual(code, 1, err)
        self.assertEqual(out, '')
        self.assertEqual(err, 'cfmock: %s: %s: %s\n' % (path, pointer, rule))

    def loaded(self, change, *args):
        """A server started on the base fixture with change(data) applied
        (it must load), stopped with exit 0 at the end of the test."""
        srv = harness.Server('--fixtures', self.write(self.changed(change)), *args)

        def stop():
            self.assertEqual(srv.stop(), 0, srv.stderr.decode())
        self.addCleanup(stop)
        return srv

    def members(self, srv, kind):
        """The members of the first organization or account (@kind) that
        @srv's fixture owner sees."""
        first = srv.request('GET', '/' + kind, auth=OWNER_TOKEN).json['result'][0]['id']
        r = srv.request('GET', '/%s/%s/members' % (kind, first), auth=OWNER_TOKEN)
        return r.json['result']

    # -- the API side ----------------------------------------------------

    def assertApiRefuses(self, method, path, body, pointer, rule, auth=harness.TOKEN_A):
        """The API answers 400 / 1003 naming @pointer, with the rule's text."""
        r = self.srv.request(method, path, body, auth=auth)
        self.assertEqual(r.status, 400, r)
        name = pointer[1:].replace('/', '.')
        self.assertEqual(r.json['errors'], [{
            'code': 1003, 'message': "invalid value for '%s': %s" % (name, rule),
            'source': {'pointer': pointer}}], r)

    def assertBothRefuse(self, change, pointer, request, api_pointer, rule):
        """The fixture refuses the value at @pointer, and the API the same
        value sent by @request (method, path, body) at @api_pointer, by the
        same rule."""
        self.assertRefused(change, pointer, rule)
        self.assertApiRefuses(*request, api_pointer, rule)

    def org_member(self, email, status=None):
        """POST /organizations/{id}/members with @email (and @status)."""
        m = {'user': {'email': email}}
        if status is not None:
            m['status'] = status
        return 'POST', '/organizations/%s/members' % self.org, {'member': m}

    def account_member(self, email='x@example.com', **body):
        """POST /accounts/{id}/members with @email and @body (roles:
        Administrator, unless @body gives policies)."""
        if 'policies' not in body:
            body.setdefault('roles', [ADMIN])
        return 'POST', '/accounts/%s/members' % self.acct, dict(body, email=email)

    def assertHeaderRefused(self, headers, chain):
        """The API answers 400 / 6003 with @chain: the header rules."""
        r = self.srv.request('GET', '/user', auth=None, headers=headers)
        self.assertEqual(r.status, 400, r)
        self.assertEqual([e['code'] for e in r.json['errors']], [6003], r)
        self.assertEqual([e['code'] for e in r.json['errors'][0]['error_chain']], chain, r)

    # -- 1: organization name --------------------------------------------

    def test_fix_1_1_organization_name_empty(self):
        rule = 'must not be empty'
        self.assertBothRefuse(lambda d: org0(d).update(name=''), '/organizations/0/name',
                              ('POST', '/organizations', {'name': ''}), '/name', rule)
        self.assertApiRefuses('PUT', '/organizations/' + self.org, {'name': ''}, '/name', rule)

    def test_fix_1_2_organization_name_past_100_characters(self):
        rule = 'must be at most 100 characters'
        name = '\u00e9' * 101
        self.assertBothRefuse(lambda d: org0(d).update(name=name), '/organizations/0/name',
                              ('POST', '/organizations', {'name': name}), '/name', rule)

    def test_fix_1_3_organization_name_of_100_characters_loads(self):
        name = '\u00e9' * 100
        srv = self.loaded(lambda d: org0(d).update(name=name))
        r = srv.request('GET', '/organizations', auth=OWNER_TOKEN)
        self.assertEqual([o['name'] for o in r.json['result']], [name])
        self.assertEqual(self.srv.request('POST', '/organizations', {'name': name}).status, 200)

    # -- 2: account name and type ----------------------------------------

    def test_fix_2_1_account_name_empty(self):
        rule = 'must not be empty'
        self.assertBothRefuse(lambda d: acct0(d).update(name=''),
                              '/organizations/0/accounts/0/name',
                              ('POST', '/accounts', {'name': ''}), '/name', rule)

    def test_fix_2_2_account_name_past_100_characters(self):
        rule = 'must be at most 100 characters'
        self.assertBothRefuse(lambda d: d['accounts'].append({'name': 'a' * 101, 'owner': OWNER}),
                              '/accounts/0/name', ('POST', '/accounts', {'name': 'a' * 101}),
                              '/name', rule)
        self.assertApiRefuses('PUT', '/accounts/' + self.acct,
                              {'name': 'a' * 101, 'type': 'standard'}, '/name', rule)

    def test_fix_2_3_account_name_of_100_characters_loads(self):
        srv = self.loaded(lambda d: acct0(d).update(name='\u00e9' * 100))
        r = srv.request('GET', '/accounts', auth=OWNER_TOKEN)
        self.assertEqual([a['name'] for a in r.json['result']], ['\u00e9' * 100])

    def test_fix_2_4_account_type_not_standard_or_enterprise(self):
        rule = "must be 'standard' or 'enterprise'"
        self.assertBothRefuse(lambda d: acct0(d).update(type='gold'),
                              '/organizations/0/accounts/0/type',
                              ('POST', '/accounts', {'name': 'A', 'type': 'gold'}), '/type', rule)
        srv = self.loaded(lambda d: acct0(d).update(type='enterprise'))
        r = srv.request('GET', '/accounts', auth=OWNER_TOKEN)
        self.assertEqual([a['type'] for a in r.json['result']], ['enterprise'])

    # -- 3: organization member email and status -------------------------

    def test_fix_3_1_org_member_email_shape(self):
        rule = 'must be an email address'
        for email in ('x y@', 'no-at-sign', 'a@b@c', '@example.com', 'a\u0001@b.c', ''):
            with self.subTest(email=email):
                self.assertBothRefuse(lambda d: org0(d)['members'][0].update(email=email),
                                      '/organizations/0/members/0/email', self.org_member(email),
                                      '/member/user/email', rule)

    def test_fix_3_2_org_member_email_past_254_characters(self):
        rule = 'must be at most 254 characters'
        self.assertBothRefuse(lambda d: org0(d)['members'].append({'email': email_of(255)}),
                              '/organizations/0/members/1/email', self.org_member(email_of(255)),
                              '/member/user/email', rule)

    def test_fix_3_3_org_member_email_of_254_characters_loads(self):
        srv = self.loaded(lambda d: org0(d)['members'][0].update(email=email_of(254)))
        self.assertEqual([m['user']['email'] for m in self.members(srv, 'organizations')],
                         [email_of(254)])

    def test_fix_3_4_org_member_status_as_created(self):
        rule = "must be 'active' or 'canceled'"
        for status in ('pending', 'rejected', 'Active', ''):
            with self.subTest(status=status):
                self.assertBothRefuse(lambda d: org0(d)['members'][0].update(status=status),
                                      '/organizations/0/members/0/status',
                                      self.org_member('s@example.com', status), '/member/status',
                                      rule)
        srv = self.loaded(lambda d: org0(d)['members'][0].update(status='canceled'))
        self.assertEqual([m['status'] for m in self.members(srv, 'organizations')], ['canceled'])

    # -- 4: account member email and status ------------------------------

    def test_fix_4_1_account_member_email_shape(self):
        rule = 'must be an email address'
        for email in ('x y@', 'no-at-sign', 'a\tb@c.d'):
            with self.subTest(email=email):
                self.assertBothRefuse(lambda d: acct0(d)['members'][0].update(email=email),
                                      '/organizations/0/accounts/0/members/0/email',
                                      self.account_member(email=email), '/email', rule)

    def test_fix_4_2_account_member_email_past_90_characters(self):
        rule = 'must be at most 90 characters'
        self.assertBothRefuse(lambda d: acct0(d)['members'][0].update(email=email_of(91)),
                              '/organizations/0/accounts/0/members/0/email',
                              self.account_member(email=email_of(91)), '/email', rule)
        # the organization member limit is not the account member one
        srv = self.loaded(lambda d: org0(d)['members'][0].update(email=email_of(91)))
        self.assertEqual(srv.request('GET', '/user', auth=OWNER_TOKEN).status, 200)

    def test_fix_4_3_account_member_email_of_90_characters_loads(self):
        srv = self.loaded(lambda d: acct0(d)['members'][0].update(email=email_of(90)))
        members = self.members(srv, 'accounts')
        self.assertIn(email_of(90), [m['email'] for m in members])

    def test_fix_4_4_owner_entry_is_found_by_email_whatever_its_case_and_length(self):
        """The owner's own entry says how POST /accounts made it a member:
        the email is the owner's (any case, the user email's 254 limit), not
        one POST /accounts/{id}/members would take (90)."""
        long_owner = email_of(120)

        def change(d):
            d['users'][0]['email'] = long_owner
            org0(d)['owner'] = long_owner
            acct0(d)['members'] = [{'email': long_owner.upper(), 'status': 'accepted',
                                    'roles': [ADMIN]}]
        srv = self.loaded(change)
        members = self.members(srv, 'accounts')
        self.assertEqual([m['email'] for m in members], [long_owner])
        # and the API, too, takes emails as the same but for ASCII case
        r = self.srv.request('POST', '/organizations/%s/members:batchCreate' % self.org,
                             {'members': [{'user': {'email': 'case@example.com'}},
                                          {'user': {'email': 'CASE@example.com'}}]})
        self.assertEqual([e['code'] for e in r.json['errors']], [1302], r)

    def test_fix_4_5_account_member_status_as_created(self):
        rule = "must be 'accepted' or 'pending'"
        for status in ('active', 'rejected', 'canceled'):
            with self.subTest(status=status):
                self.assertBothRefuse(lambda d: acct0(d)['members'][0].update(status=status),
                                      '/organizations/0/accounts/0/members/0/status',
                                      self.account_member(status=status), '/status', rule)
        srv = self.loaded(lambda d: acct0(d)['members'][0].update(status='accepted'))
        members = self.members(srv, 'accounts')
        self.assertEqual(sorted(m['status'] for m in members), ['accepted', 'accepted'])

    # -- 5: roles and policies of an account member ----------------------

    def test_fix_5_1_more_than_32_roles(self):
        rule = 'at most 32 roles'
        self.assertBothRefuse(lambda d: acct0(d)['members'][0].update(roles=[ADMIN] * 33),
                              '/organizations/0/accounts/0/members/0/roles',
                              self.account_member(roles=[ADMIN] * 33), '/roles', rule)
        self.loaded(lambda d: acct0(d)['members'][0].update(roles=[ADMIN] * 32))
        r = self.srv.request(*self.account_member('r32@example.com', roles=[ADMIN] * 32))
        self.assertEqual(r.status, 200, r)

    def test_fix_5_2_unknown_role(self):
        rule = "no role has the id '%s' (see GET /accounts/{id}/roles)" % ('0' * 32)
        self.assertBothRefuse(lambda d: acct0(d)['members'][0].update(roles=[ADMIN, '0' * 32]),
                              '/organizations/0/accounts/0/members/0/roles/1',
                              self.account_member(roles=[ADMIN, '0' * 32]), '/roles/1', rule)

    def test_fix_5_3_more_than_64_policies(self):
        rule = 'at most 64 policies'

        def policies(n):
            return lambda d: acct0(d)['members'][0].update(roles=[], policies=[POLICY] * n)
        self.assertBothRefuse(policies(65), '/organizations/0/accounts/0/members/0/policies',
                              self.account_member(policies=[POLICY] * 65), '/policies', rule)
        self.loaded(policies(64))

    def test_fix_5_4_policy_access_allow_or_deny(self):
        rule = "must be 'allow' or 'deny'"
        bad = dict(POLICY, access='maybe')
        self.assertBothRefuse(lambda d: acct0(d)['members'][0].update(policies=[POLICY, bad]),
                              '/organizations/0/accounts/0/members/0/policies/1/access',
                              self.account_member(policies=[POLICY, bad]), '/policies/1/access',
                              rule)
        srv = self.loaded(lambda d: acct0(d)['members'][0].update(
            roles=[], policies=[dict(POLICY, access='deny')]))
        members = self.members(srv, 'accounts')
        self.assertIn('deny', [p['access'] for m in members for p in m.get('policies', [])])

    def test_fix_5_5_policy_permission_groups_in_the_catalogue(self):
        rule = ("no permission group has the id '%s' (see GET "
                "/accounts/{id}/iam/permission_groups)" % ('0' * 32))
        bad = dict(POLICY, permission_groups=[{'id': ZONE_READ}, {'id': '0' * 32}])
        self.assertBothRefuse(lambda d: acct0(d)['members'][0].update(roles=[], policies=[bad]),
                              '/organizations/0/accounts/0/members/0/policies/0/'
                              'permission_groups/1/id',
                              self.account_member(policies=[bad]),
                              '/policies/0/permission_groups/1/id', rule)

    def test_fix_5_6_policy_resource_groups_of_the_account(self):
        """Only the account's own resource group: the error names the one
        it has, which a fixture can know when it gives the account's id."""
        rule = ("no resource group has the id '%s' in account '%s' (see GET "
                "/accounts/{id}/iam/resource_groups)" % ('0' * 32, FIXED_ACCOUNT))
        bad = dict(POLICY, resource_groups=[{'id': '0' * 32}])

        def with_policy(p):
            def change(d):
                acct0(d)['id'] = FIXED_ACCOUNT
                acct0(d)['members'][0].update(roles=[], policies=[p])
            return change
        self.assertRefused(with_policy(bad),
                           '/organizations/0/accounts/0/members/0/policies/0/'
                           'resource_groups/0/id',
                           rule + " (the account's is '%s')" % resource_group_id(FIXED_ACCOUNT))
        good = dict(POLICY, resource_groups=[{'id': resource_group_id(FIXED_ACCOUNT)}])
        srv = self.loaded(with_policy(good))
        pols = [p for m in self.members(srv, 'accounts') for p in m['policies']]
        self.assertEqual([p['resource_groups'] for p in pols], [[resource_group(FIXED_ACCOUNT)]])

    # -- 6: account settings ---------------------------------------------

    def test_fix_6_1_abuse_contact_email(self):
        rule = 'must be an email address or ""'
        self.assertBothRefuse(
            lambda d: acct0(d)['settings'].update(abuse_contact_email='x y@'),
            '/organizations/0/accounts/0/settings/abuse_contact_email',
            ('PUT', '/accounts/' + self.acct, {'name': 'A', 'type': 'standard',
                                               'settings': {'abuse_contact_email': 'x y@'}}),
            '/settings/abuse_contact_email', rule)
        # "" is none, and the email has no length limit of its own
        for email in ('', email_of(300)):
            with self.subTest(email=email):
                self.loaded(lambda d: acct0(d)['settings'].update(abuse_contact_email=email))

    # -- 7: the user fields of PATCH /user -------------------------------

    def test_fix_7_1_user_fields_past_their_limits(self):
        for key, limit in (('first_name', 60), ('last_name', 60), ('telephone', 20),
                           ('country', 30), ('zipcode', 20)):
            with self.subTest(key=key):
                rule = 'must be at most %d characters' % limit
                value = 'x' * (limit + 1)
                self.assertBothRefuse(lambda d: d['users'][0].update({key: value}),
                                      '/users/0/' + key, ('PATCH', '/user', {key: value}),
                                      '/' + key, rule)

    def test_fix_7_2_user_fields_at_their_limits_load(self):
        fields = {'first_name': '\u00e9' * 60, 'last_name': 'l' * 60, 'telephone': 't' * 20,
                  'country': 'c' * 30, 'zipcode': 'z' * 20}
        srv = self.loaded(lambda d: d['users'][0].update(fields))
        user = srv.request('GET', '/user', auth=OWNER_TOKEN).json['result']
        self.assertEqual({k: user[k] for k in fields}, fields)

    # -- 8: credentials and the user's email (header rules) --------------

    def test_fix_8_1_user_email_shape(self):
        self.assertRefused(lambda d: d['users'].append({'email': 'x y@'}), '/users/1/email',
                           'must be an email address')
        self.assertHeaderRefused({'X-Auth-Email': 'x y@', 'X-Auth-Key': KEY}, [6102])

    def test_fix_8_2_user_email_past_254_characters(self):
        self.assertRefused(lambda d: d['users'].append({'email': email_of(255)}),
                           '/users/1/email', 'must be at most 254 characters')
        self.assertHeaderRefused({'X-Auth-Email': email_of(255), 'X-Auth-Key': KEY}, [6102])
        # at the limit: a fixture's user, and a user the header names
        srv = self.loaded(lambda d: d['users'].append({'email': email_of(254), 'api_key': KEY}),
                          '--auth', 'strict')
        r = srv.request('GET', '/user', auth=None,
                        headers={'X-Auth-Email': email_of(254), 'X-Auth-Key': KEY})
        self.assertEqual(r.json['result']['email'], email_of(254), r)
        r = self.srv.request('GET', '/user', auth=None,
                             headers={'X-Auth-Email': email_of(254), 'X-Auth-Key': KEY})
        self.assertEqual(r.status, 200, r)

    def test_fix_8_3_api_key_shape(self):
        rule = 'must be 32 or 37 lowercase hex characters'
        for key in ('XYZ', 'a' * 33, 'A' * 32):
            with self.subTest(key=key):
                self.assertRefused(lambda d: d['users'][0].update(api_key=key),
                                   '/users/0/api_key', rule)
                self.assertHeaderRefused({'X-Auth-Email': OWNER, 'X-Auth-Key': key}, [6103])
        for key in ('a' * 32, 'b' * 37):
            with self.subTest(key=key):
                srv = self.loaded(lambda d: d['users'][0].update(api_key=key), '--auth', 'strict')
                r = srv.request('GET', '/user', auth=None,
                                headers={'X-Auth-Email': OWNER, 'X-Auth-Key': key})
                self.assertEqual(r.status, 200, r)

    def test_fix_8_4_api_token_shape(self):
        chars = "must hold only letters, digits and '-._~+/', then any '=' padding"
        for token, pointer_tail, rule in (
                ('has space', '', chars), ('a=b', '', chars),
                ('t' * 1025, '', 'must be 1 to 1024 characters'),
                ({'value': 'has space'}, '/value', chars),
                ({'value': ''}, '/value', 'must be 1 to 1024 characters')):
            with self.subTest(token=token):
                self.assertRefused(lambda d: d['users'][0]['tokens'].append(token),
                                   '/users/0/tokens/1' + pointer_tail, rule)
                value = token['value'] if isinstance(token, dict) else token
                if value:
                    self.assertHeaderRefused({'Authorization': 'Bearer ' + value}, [6111])
        srv = self.loaded(lambda d: d['users'][0]['tokens'].append('t' * 1024), '--auth',
                          'strict')
        r = srv.request('GET', '/user', auth='t' * 1024)
        self.assertEqual(r.json['result']['email'], OWNER, r)

    def test_fix_8_5_service_key_shape(self):
        self.assertRefused(lambda d: d['users'][0].update(service_keys=['ok-key', 'a b']),
                           '/users/0/service_keys/1',
                           'must not hold white space or control characters')
        self.assertHeaderRefused({'X-Auth-User-Service-Key': 'a b'}, [6104])
        self.assertRefused(lambda d: d['users'][0].update(service_keys=['k' * 1025]),
                           '/users/0/service_keys/0', 'must be 1 to 1024 characters')
        self.assertHeaderRefused({'X-Auth-User-Service-Key': 'k' * 1025}, [6104])
        srv = self.loaded(lambda d: d['users'][0].update(service_keys=['k' * 1024]), '--auth',
                          'strict')
        r = srv.request('GET', '/user', auth=None, headers={'X-Auth-User-Service-Key': 'k' * 1024})
        self.assertEqual(r.json['result']['email'], OWNER, r)

    # -- 9: what only fixtures can say -----------------------------------

    def test_fix_9_1_token_status(self):
        self.assertRefused(
            lambda d: d['users'][0]['tokens'].append({'value': 'old', 'status': 'revoked'}),
            '/users/0/tokens/1/status', "must be 'active', 'disabled' or 'expired'")
        srv = self.loaded(
            lambda d: d['users'][0]['tokens'].append({'value': 'old', 'status': 'disabled'}),
            '--auth', 'strict')
        self.assertEqual([e['code'] for e in srv.request('GET', '/user', auth='old')
                          .json['errors']], [10000])

    def test_fix_9_2_ids_are_32_lowercase_hex(self):
        rule = 'must be 32 lowercase hex characters'
        for bad in ('nothex', 'A' * 32, 'a' * 33):
            with self.subTest(id=bad):
                self.assertRefused(lambda d: org0(d).update(id=bad), '/organizations/0/id', rule)
                # the API: an id of another shape routes nowhere
                r = self.srv.request('GET', '/organizations/' + bad)
                self.assertEqual([e['code'] for e in r.json['errors']], [7003, 7000], r)
        srv = self.loaded(lambda d: org0(d).update(id='a' * 32))
        self.assertEqual(srv.request('GET', '/organizations/' + 'a' * 32, auth=OWNER_TOKEN)
                         .status, 200)

    def test_fix_9_3_timestamps_are_rfc3339_utc(self):
        rule = 'must be RFC 3339 UTC, like 2026-01-02T03:04:05.000Z'
        self.assertRefused(lambda d: org0(d).update(create_time='yesterday'),
                           '/organizations/0/create_time', rule)
        self.assertRefused(lambda d: acct0(d).update(created_on='2026-01-02 03:04:05'),
                           '/organizations/0/accounts/0/created_on', rule)
        self.assertRefused(lambda d: org0(d)['members'][0].update(create_time='2026-01-02'),
                           '/organizations/0/members/0/create_time', rule)
        for bad in ('2026-01-02t03:04:05Z', '2026-01-02T03:04:05z', '2026-1-02T03:04:05Z',
                    '2026-+1-02T03:04:05Z', ' 2026-01-02T03:04:05Z', '2026-01-02T03:04:05.Z',
                    '2026-01-02T03:04:05.000Z ', '2026-01-02T03:04:05'):
            with self.subTest(time=bad):
                self.assertRefused(lambda d: org0(d).update(create_time=bad),
                                   '/organizations/0/create_time', rule)
        self.loaded(lambda d: org0(d).update(create_time='2026-01-02T03:04:05.000Z'))

    def test_fix_9_4_timestamps_are_real_dates(self):
        rule = 'must be a real calendar date'
        for bad in ('2026-02-31T00:00:00.000Z', '2025-02-29T00:00:00.000Z',
                    '1900-02-29T00:00:00.000Z', '2026-04-31T00:00:00.000Z',
                    '2026-13-01T00:00:00.000Z', '2026-00-10T00:00:00.000Z',
                    '2026-01-00T00:00:00.000Z'):
            with self.subTest(time=bad):
                self.assertRefused(lambda d: acct0(d).update(created_on=bad),
                                   '/organizations/0/accounts/0/created_on', rule)
        self.assertRefused(lambda d: org0(d).update(create_time='1969-12-31T23:59:59.999Z'),
                           '/organizations/0/create_time', 'must not be before 1970-01-01T00:00:00Z')
        # leap years: 2024 and 2000 have a 29 February, 2025 and 1900 do not
        srv = self.loaded(lambda d: (acct0(d).update(created_on='2024-02-29T12:00:00.000Z'),
                                     org0(d).update(create_time='2000-02-29T00:00:00.000Z')))
        a = srv.request('GET', '/accounts', auth=OWNER_TOKEN).json['result'][0]
        self.assertEqual(a['created_on'], '2024-02-29T12:00:00.000Z')

    def test_fix_9_5_timestamps_are_times_of_day(self):
        rule = 'must be a time of day from 00:00:00 to 23:59:59'
        for bad in ('2026-01-02T24:00:00.000Z', '2026-01-02T23:60:00.000Z',
                    '2026-01-02T23:59:60.000Z'):
            with self.subTest(time=bad):
                self.assertRefused(lambda d: org0(d)['members'][0].update(create_time=bad),
                                   '/organizations/0/members/0/create_time', rule)
        self.loaded(lambda d: org0(d)['members'][0].update(create_time='2026-01-02T23:59:59.999Z'))

    def test_fix_9_6_fractions_are_milliseconds(self):
        rule = ('fractional seconds must be milliseconds: 3 digits (more only as trailing '
                'zeros), or none')
        for bad in ('2026-01-02T03:04:05.5Z', '2026-01-02T03:04:05.12Z',
                    '2026-01-02T03:04:05.1234Z', '2026-01-02T03:04:05.123000001Z',
                    '2026-01-02T03:04:05.0000000000Z'):
            with self.subTest(time=bad):
                self.assertRefused(lambda d: org0(d).update(create_time=bad),
                                   '/organizations/0/create_time', rule)

    def test_fix_9_7_offsets_other_than_z_are_refused(self):
        for bad in ('2026-01-02T03:04:05.000+00:00', '2026-01-02T04:04:05+01:00',
                    '2026-01-02T03:04:05-00:00'):
            with self.subTest(time=bad):
                self.assertRefused(lambda d: acct0(d).update(created_on=bad),
                                   '/organizations/0/accounts/0/created_on',
                                   "must be UTC, ending in 'Z', not an offset")

    def test_fix_9_8_timestamps_echo_in_the_apis_form(self):
        """Each form the API writes loads, and comes back as cfmock writes
        it (milliseconds), in the API and in the state export, which
        loads back the same."""
        def change(d):
            org0(d)['create_time'] = '2019-12-27T18:11:19Z'
            org0(d)['members'][0]['create_time'] = '2019-12-27T18:11:19.117000Z'
            acct0(d)['created_on'] = '2014-03-01T12:21:02.0000Z'
            acct0(d)['members'][0]['create_time'] = '2014-03-01T12:21:02.123Z'
        srv = self.loaded(change)
        org = srv.request('GET', '/organizations', auth=OWNER_TOKEN).json['result'][0]
        self.assertEqual(org['create_time'], '2019-12-27T18:11:19.000Z')
        member = self.members(srv, 'organizations')
        self.assertEqual([m['create_time'] for m in member if m['user']['email'] != OWNER],
                         ['2019-12-27T18:11:19.117Z'])
        acct = srv.request('GET', '/accounts', auth=OWNER_TOKEN).json['result'][0]
        self.assertEqual(acct['created_on'], '2014-03-01T12:21:02.000Z')
        r = srv.request('GET', '/_cfmock/state', auth=None)
        self.assertEqual(r.status, 200, r)
        state = r.json
        self.assertEqual(state['organizations'][0]['create_time'], '2019-12-27T18:11:19.000Z')
        self.assertEqual(state['organizations'][0]['accounts'][0]['created_on'],
                         '2014-03-01T12:21:02.000Z')
        self.assertIn('2014-03-01T12:21:02.123Z', [
            m.get('create_time') for m in state['organizations'][0]['accounts'][0]['members']])
        # the export loads back through --fixtures, to the same state
        path = self.write_text(r.raw, 'state.json')
        again = harness.Server('--fixtures', path)
        r2 = again.request('GET', '/_cfmock/state', auth=None)
        self.assertEqual(again.stop(), 0, again.stderr.decode())
        self.assertEqual(r2.raw, r.raw)

    # -- 10: the pointer ---------------------------------------------------

    def test_fix_10_1_pointer_escapes_keys_as_rfc6901_says(self):
        self.assertRefused(lambda d: org0(d).update({'a/b~c': 1}),
                           '/organizations/0/a~1b~0c', 'unknown key')

    def test_fix_10_2_the_example_fixtures_load(self):
        path = os.path.join(harness.HERE, '..', '..', 'fixtures', 'example.json')
        with harness.Server('--fixtures', path) as srv:
            self.assertEqual(srv.request('GET', '/_cfmock/health', auth=None).status, 200)
        self.assertEqual(srv.proc.returncode, 0)


    # -- 11: the text, read as strictly as a request body -----------------

    def write_text(self, text, name='raw.json'):
        path = os.path.join(self.tmp.name, name)
        with open(path, 'wb') as f:
            f.write(text.encode() if isinstance(text, str) else text)
        return path

    def assertTextRefused(self, text, where, rule):
        """The fixture file holding exactly @text fails to start: exit 1
        and exactly 'cfmock: FILE: WHERE: RULE' (no WHERE when it is
        empty: the whole text)."""
        path = self.write_text(text)
        code, out, err = harness.run_cfmock('--port', '0', '--db', ':memory:', '--fixtures', path)
        self.assertEqual(code, 1, err)
        self.assertEqual(out, '')
        self.assertEqual(err, 'cfmock: %s: %s%s\n' % (path, where + ': ' if where else '', rule))

    def test_fix_11_1_duplicate_key_names_its_object_and_the_key(self):
        text = json.dumps(base())
        dup = text.replace('"name": "Root"', '"name": "Root", "name": "Other"', 1)
        self.assertNotEqual(dup, text)
        self.assertTextRefused(dup, '/organizations/0', "duplicate key 'name'")
        # at the top, the same however the key is escaped
        self.assertTextRefused('{"users": [], "\\u0075sers": []}', '', "duplicate key 'users'")
        # the API: the same text as a body is 1007
        r = self.srv.request('POST', '/organizations', raw=b'{"name": "a", "name": "b"}')
        self.assertEqual([e['code'] for e in r.json['errors']], [1007], r)

    def test_fix_11_2_nul_escape_is_refused_at_its_string(self):
        text = json.dumps(base()).replace('"name": "Account"', '"name": "Acc\\u0000ount"', 1)
        self.assertTextRefused(text, '/organizations/0/accounts/0/name',
                               'holds \\u0000, a NUL character')
        self.assertTextRefused('{"users": [{"e\\u0000mail": "a@example.com"}]}', '/users/0',
                               'a key holds \\u0000, a NUL character')
        r = self.srv.request('POST', '/organizations', raw=b'{"name": "a\\u0000b"}')
        self.assertEqual([e['code'] for e in r.json['errors']], [6007], r)

    def test_fix_11_3_trailing_data_is_refused_at_its_offset(self):
        text = json.dumps(base())
        self.assertTextRefused(text + '\n\n  }', 'offset %d (line 3, column 3)' % (len(text) + 4),
                               'trailing data after the JSON value')
        self.assertTextRefused(text + '{}', 'offset %d (line 1, column %d)' % (
            len(text), len(text) + 1), 'trailing data after the JSON value')
        r = self.srv.request('POST', '/organizations', raw=b'{"name": "a"} x')
        self.assertEqual([e['code'] for e in r.json['errors']], [6007], r)

    def test_fix_11_4_other_departures_from_rfc_8259(self):
        self.assertTextRefused('{"users": [],}', 'offset 13 (line 1, column 14)',
                               'not valid JSON: expected a string key')
        self.assertTextRefused('{"users": [\n  01]}', 'offset 15 (line 2, column 4)',
                               "not valid JSON: expected ',' or ']'")
        self.assertTextRefused(b'{"users": [{"email": "\xff@example.com"}]}',
                               'offset 21 (line 1, column 22)', 'not valid UTF-8')
        self.assertTextRefused('[' * 513 + ']' * 513, 'offset 512 (line 1, column 513)',
                               'nested deeper than 512')
        self.assertTextRefused('', 'offset 0 (line 1, column 1)', 'not valid JSON: unexpected end')
        # white space around the value is fine
        srv = harness.Server('--fixtures', self.write_text('\r\n ' + json.dumps(base()) + '\n\t'))
        self.assertEqual(srv.request('GET', '/user', auth=OWNER_TOKEN).json['result']['email'],
                         OWNER)
        self.assertEqual(srv.stop(), 0, srv.stderr.decode())

if __name__ == '__main__':
    harness.main()
