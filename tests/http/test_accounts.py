"""test_accounts.py: /accounts and /accounts/{id} (CONTRACT.md 0, 3 and
4.2; the README's "Accounts" section) over HTTP: creating, validation,
reading and routing, updating, deleting, the page-numbered list, who sees
what, and persistence.

Every test gets a fresh server (seed 1, fake clock), so ids and timestamps
are deterministic; results are compared whole wherever practical. The
helpers come from helpers.py."""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import TOKEN_B  # noqa: E402
from helpers import (ApiTest, CREATED_ON, HEX32, JSON_CT, OTHER_PROFILE, PROFILE,  # noqa: E402
                     UNKNOWN_ID, account_not_found, iam_account, in_org, org_account, page_info)


# ---------------------------------------------------------------------------
# POST /accounts


class Create(ApiTest):
    def test_acc_1_1_create_standalone(self):
        r = self.req('POST', '/accounts', {'name': 'Acme'})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers.get('content-type'), 'application/json')
        res = r.json['result']
        self.assertRegex(res['id'], HEX32)
        self.assertRegex(res['created_on'], CREATED_ON)
        want = iam_account(res['id'], 'Acme', res['created_on'])
        # exactly these keys: no managed_by, no abuse_contact_email
        self.assertEqual(r.json, harness.ok_envelope(want))
        self.assertNotIn('managed_by', res)
        self.assertEqual(res['settings'], {'enforce_twofactor': False})
        self.assertGetIs(want)
        self.assertEqual(self.list_accounts(),
                         harness.ok_envelope([want], result_info=page_info(1, 20, 1, 1)))

    def test_acc_1_2_create_in_org_and_sub_org(self):
        root = self.create_org('Root')
        child = self.create_org('Child', parent=root)
        a = self.create_account('In root', org=root)
        b = self.create_account('In child', org=child, type='enterprise')
        c = self.create_account('Standard explicitly', org=child, type='standard')
        self.assertEqual(a['managed_by'], {'parent_org_id': root['id'], 'parent_org_name': 'Root'})
        self.assertEqual(b['managed_by'], {'parent_org_id': child['id'],
                                           'parent_org_name': 'Child'})
        self.assertEqual(b['type'], 'enterprise')
        for x in (a, b, c):
            self.assertGetIs(x)
        self.assertOrgAccounts(root, [a])          # not those of the sub-organization
        self.assertOrgAccounts(child, [b, c])
        self.assertEqual(self.all_accounts(), [a, b, c])
        # the organizations themselves are unchanged
        self.assertEqual(self.get_org(root['id']), root)
        self.assertEqual(self.get_org(child['id']), child)

    def test_acc_1_3_ids_and_times_are_deterministic(self):
        def run(srv):
            out = [srv.request('POST', '/organizations', {'name': 'org'})]
            oid = out[0].json['result']['id']
            out.append(srv.request('POST', '/accounts', {'name': 'one'}))
            out.append(srv.request('POST', '/accounts', {'name': 'two', 'unit': {'id': oid}}))
            out.append(srv.request('GET', '/accounts'))
            out.append(srv.request('GET', '/organizations/%s/accounts' % oid))
            return out
        first = self.assertSameOnAnotherServer(run)
        accts = [r.json['result'] for r in first[1:3]]
        self.assertNotEqual(accts[0]['id'], accts[1]['id'])
        self.assertNotEqual(accts[1]['id'], first[0].json['result']['id'])
        times = [first[0].json['result']['create_time']] + [a['created_on'] for a in accts]
        self.assertEqual(times, sorted(set(times)), 'timestamps must increase')

    def test_acc_1_4_read_only_and_unknown_fields_ignored(self):
        org = self.create_org('Org')
        other = self.create_org('Other')
        body = {'name': 'Sneaky', 'id': UNKNOWN_ID, 'created_on': '1999-01-01T00:00:00Z',
                'managed_by': {'parent_org_id': other['id'], 'parent_org_name': 'x'},
                'colour': 'blue', 'unit': {'id': org['id'], 'name': 'ignored'}}
        r = self.req('POST', '/accounts', body)
        self.assertEqual(r.status, 200, r)
        res = r.json['result']
        self.assertNotEqual(res['id'], UNKNOWN_ID)
        self.assertRegex(res['created_on'], CREATED_ON)
        want = iam_account(res['id'], 'Sneaky', res['created_on'], org=org)
        self.assertEqual(r.json, harness.ok_envelope(want))
        self.assertNotFound(self.req('GET', self.url(UNKNOWN_ID)), UNKNOWN_ID)
        self.assertOrgAccounts(other, [])
        self.assertOrgAccounts(org, [want])

    def test_acc_1_5_names_kept_exactly_up_to_100_characters(self):
        names = ['  spaced  ', 'Ünïcødé 組織 🚀', 'quote " and \\ backslash', "it's 100%_",
                 'x' * 100, 'é' * 100, '🚀' * 100, '組' * 100, 'same', 'same']
        made = [self.create_account(n) for n in names]
        self.assertEqual(len({a['id'] for a in made}), len(made))   # names need not be unique
        for a, n in zip(made, names):
            self.assertEqual(a['name'], n)
            self.assertGetIs(a)
        self.assertEqual(self.all_accounts(), made)


class CreateValidation(ApiTest):
    def test_acc_2_1_name_missing(self):
        org = self.create_org('Org')
        for body in ({}, {'name': None}, {'type': 'standard'}, {'unit': {'id': org['id']}}):
            with self.subTest(body=body):
                r = self.req('POST', '/accounts', body)
                self.assertFieldError(r, 1001, '/name')

    def test_acc_2_2_name_wrong_type(self):
        for name in (5, 1.5, True, False, [], ['a'], {}, {'name': 'x'}):
            with self.subTest(name=name):
                self.assertFieldError(self.req('POST', '/accounts', {'name': name}), 1002, '/name')

    def test_acc_2_3_name_empty_or_longer_than_100_characters(self):
        for name in ('', 'x' * 101, 'é' * 101, '🚀' * 101, 'x' * 5000):
            with self.subTest(length=len(name)):
                self.assertFieldError(self.req('POST', '/accounts', {'name': name}), 1003, '/name')
        self.assertEqual(self.all_accounts(), [])

    def test_acc_2_4_type_invalid(self):
        for t in ('free', 'Standard', 'ENTERPRISE', '', 'standard '):
            with self.subTest(type=t):
                r = self.req('POST', '/accounts', {'name': 'x', 'type': t})
                self.assertFieldError(r, 1003, '/type')
        for t in (5, True, [], ['standard'], {}):
            with self.subTest(type=t):
                r = self.req('POST', '/accounts', {'name': 'x', 'type': t})
                self.assertFieldError(r, 1002, '/type')
        self.assertEqual(self.all_accounts(), [])

    def test_acc_2_5_unit_invalid(self):
        org = self.create_org('Org')
        gone = self.create_org('Gone')
        self.assertEqual(self.req('DELETE', '/organizations/' + gone['id']).status, 200)
        b_org = self.create_org('B org', auth=TOKEN_B)
        for unit in ('x', org['id'], 5, [org['id']], True):
            with self.subTest(unit=unit):
                r = self.req('POST', '/accounts', {'name': 'x', 'unit': unit})
                self.assertFieldError(r, 1002, '/unit')
        for uid in (5, True, [org['id']], {'id': org['id']}):
            with self.subTest(unit_id=uid):
                r = self.req('POST', '/accounts', {'name': 'x', 'unit': {'id': uid}})
                self.assertFieldError(r, 1002, '/unit/id')
        for uid in (UNKNOWN_ID, gone['id'], b_org['id'], org['id'].upper(), org['id'][:31],
                    org['id'] + '0', 'not-an-id', ''):
            with self.subTest(unit_id=uid):
                r = self.req('POST', '/accounts', {'name': 'x', 'unit': {'id': uid}})
                self.assertFieldError(r, 1103, '/unit/id')
                self.assertIn("'%s'" % uid, r.json['errors'][0]['message'])
        self.assertEqual(self.all_accounts(), [])
        self.assertOrgAccounts(org, [])
        self.assertOrgAccounts(b_org, [], auth=TOKEN_B)
        self.assertEqual(self.all_accounts(auth=TOKEN_B), [])

    def test_acc_2_6_body_not_an_object_or_not_json(self):
        for raw in ('[]', '"name"', '5', 'null', '[{"name": "x"}]'):
            with self.subTest(raw=raw):
                r = self.req('POST', '/accounts', raw=raw, headers=JSON_CT)
                self.assertFieldError(r, 1002, '')
        for raw in ('{"name": "x"', 'name=x', '', '{"name": "x"} trailing'):
            with self.subTest(raw=raw):
                r = self.req('POST', '/accounts', raw=raw, headers=JSON_CT)
                self.assertError(r, 400, [6007], result_key='null')
        r = self.req('POST', '/accounts', raw='{"name": "x"}',
                     headers={'Content-Type': 'application/x-www-form-urlencoded'})
        self.assertError(r, 400, [9207], result_key='null')
        r = self.req('POST', '/accounts', raw='{"name": "a", "name": "b"}', headers=JSON_CT)
        self.assertError(r, 400, [1007], result_key='null')
        self.assertEqual(self.all_accounts(), [])

    def test_acc_2_7_rejected_creates_change_nothing(self):
        root = self.create_org('Root')
        child = self.create_org('Child', parent=root)
        a = self.create_account('a', org=root)
        self.create_account('b', org=child)
        self.create_account('c')
        self.put_profile(a, PROFILE)
        before = self.account_world()
        bad = [
            {'name': ''},
            {'name': 'x' * 101, 'unit': {'id': root['id']}},
            {'name': 'x', 'unit': {'id': UNKNOWN_ID}},
            {'name': 'x', 'type': 'free', 'unit': {'id': child['id']}},
            {'name': 7, 'unit': {'id': root['id']}},
            {'name': 'x', 'unit': {'id': child['id'].upper()}},
        ]
        for body in bad:
            r = self.req('POST', '/accounts', body)
            self.assertEqual(r.status, 400, r)
        self.assertEqual(self.account_world(), before)


# ---------------------------------------------------------------------------
# GET /accounts/{id}, routing and credentials


class GetAndRouting(ApiTest):
    def test_acc_3_1_get_unknown(self):
        self.assertNotFound(self.req('GET', self.url(UNKNOWN_ID)), UNKNOWN_ID)
        self.create_account('a')
        self.assertNotFound(self.req('GET', self.url(UNKNOWN_ID)), UNKNOWN_ID)
        # an organization's id is not an account's
        org = self.create_org('Org')
        self.assertNotFound(self.req('GET', self.url(org['id'])), org['id'])

    def test_acc_3_2_malformed_id_routes_nowhere(self):
        a = self.create_account('a')
        routes = [('GET', ''), ('PUT', ''), ('DELETE', ''), ('GET', '/profile'),
                  ('PUT', '/profile'), ('POST', '/move'), ('GET', '/organizations')]
        for bad in ('xyz', a['id'].upper(), a['id'][:31], a['id'] + 'a', 'g' * 32,
                    'acme@example.com'):
            for method, suffix in routes:
                with self.subTest(id=bad, method=method, suffix=suffix):
                    body = None
                    if method in ('PUT', 'POST'):
                        body = {'name': 'x', 'type': 'standard'}
                    r = self.req(method, '/accounts/' + bad + suffix, body=body)
                    self.assertError(r, 400, [7003, 7000], result_key='null')
                    self.assertIn('/client/v4/accounts/' + bad, r.json['errors'][0]['message'])
        self.assertGetIs(a)
        self.assertEqual(self.all_accounts(), [a])

    def test_acc_3_3_wrong_method_is_405(self):
        a = self.create_account('a')
        cases = [
            ('PATCH', '/accounts/' + a['id'], {'GET', 'PUT', 'DELETE'}),
            ('POST', '/accounts/' + a['id'], {'GET', 'PUT', 'DELETE'}),
            ('DELETE', '/accounts', {'GET', 'POST'}),
            ('PUT', '/accounts', {'GET', 'POST'}),
            ('GET', '/accounts/move', {'POST'}),
            ('GET', '/accounts/%s/move' % a['id'], {'POST'}),
            ('POST', '/accounts/%s/organizations' % a['id'], {'GET'}),
            ('DELETE', '/accounts/%s/profile' % a['id'], {'GET', 'PUT'}),
        ]
        for method, path, allow in cases:
            with self.subTest(method=method, path=path):
                r = self.req(method, path)
                self.assertError(r, 405, [7001], result_key='null')
                self.assertEqual(set(r.headers['allow'].split(', ')), allow)
        self.assertGetIs(a)

    def test_acc_3_4_every_endpoint_needs_credentials(self):
        org = self.create_org('Org')
        a = self.create_account('a', org=org)
        before = self.account_world()
        routes = [
            ('GET', '/accounts', None), ('POST', '/accounts', {'name': 'x'}),
            ('GET', self.url(a), None), ('PUT', self.url(a), {'name': 'x', 'type': 'standard'}),
            ('DELETE', self.url(a), None), ('GET', self.url(a, '/profile'), None),
            ('PUT', self.url(a, '/profile'), PROFILE),
            ('POST', self.url(a, '/move'), {'destination_organization_id': org['id']}),
            ('POST', '/accounts/move', {'account_ids': [a['id']],
                                        'destination_organization_id': org['id']}),
            ('GET', self.url(a, '/organizations'), None),
            ('GET', '/organizations/%s/accounts' % org['id'], None),
        ]
        for method, path, body in routes:
            with self.subTest(method=method, path=path):
                r = self.req(method, path, body, auth=None)
                self.assertError(r, 400, [9106], result_key='null')
                self.assertEqual(r.json['errors'][0]['message'],
                                 'Missing X-Auth-Key, X-Auth-Email or Authorization headers')
                r = self.req(method, path, body, auth=None,
                             headers={'X-Auth-Email': 'a@example.com', 'X-Auth-Key': 'token'})
                self.assertError(r, 400, [6003], result_key='null')
        self.assertEqual(self.account_world(), before)

    def test_acc_3_5_email_and_key_user_is_one_user(self):
        """A user named by X-Auth-Email sees its accounts whatever well-formed
        key comes with the email; another email does not."""
        h1 = {'X-Auth-Email': 'ops@example.com', 'X-Auth-Key': 'a' * 37}
        h2 = {'X-Auth-Email': 'ops@example.com', 'X-Auth-Key': 'b' * 32}
        h3 = {'X-Auth-Email': 'other@example.com', 'X-Auth-Key': 'a' * 37}
        r = self.req('POST', '/accounts', {'name': 'keyed'}, auth=None, headers=h1)
        self.assertEqual(r.status, 200, r)
        acct = r.json['result']
        r = self.req('GET', self.url(acct), auth=None, headers=h2)
        self.assertEqual(r.json, harness.ok_envelope(acct))
        self.assertNotFound(self.req('GET', self.url(acct), auth=None, headers=h3), acct['id'])
        self.assertNotFound(self.req('GET', self.url(acct)), acct['id'])


# ---------------------------------------------------------------------------
# PUT /accounts/{id}


class Update(ApiTest):
    def test_acc_4_1_put_name_type_and_settings(self):
        org = self.create_org('Org')
        a = self.create_account('Before', org=org)
        r = self.req('PUT', self.url(a), {
            'name': 'After', 'type': 'enterprise',
            'settings': {'enforce_twofactor': True, 'abuse_contact_email': 'abuse@example.com'}})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers.get('content-type'), 'application/json')
        want = iam_account(a['id'], 'After', a['created_on'], 'enterprise', org, True,
                           'abuse@example.com')
        self.assertEqual(r.json, harness.ok_envelope(want))
        self.assertGetIs(want)
        self.assertEqual(self.all_accounts(), [want])
        self.assertOrgAccounts(org, [want])
        self.assertEqual(org_account(want)['settings']['abuse_contact_email'],
                         'abuse@example.com')
        # and back again, in a standalone account too
        s = self.create_account('Standalone', type='enterprise')
        r = self.put_account(s, {'name': 'Standalone 2', 'type': 'standard'})
        s.update(name='Standalone 2', type='standard')
        self.assertEqual(r.json, harness.ok_envelope(s))
        self.assertGetIs(s)
        self.assertEqual(self.all_accounts(), [want, s])

    def test_acc_4_2_settings_change_only_when_given(self):
        org = self.create_org('Org')
        a = self.create_account('a', org=org)
        steps = [
            ({'settings': {'enforce_twofactor': True}}, {'enforce_twofactor': True}),
            ({}, {'enforce_twofactor': True}),
            ({'settings': {}}, {'enforce_twofactor': True}),
            ({'settings': {'abuse_contact_email': 'one@example.com'}},
             {'enforce_twofactor': True, 'abuse_contact_email': 'one@example.com'}),
            ({}, {'enforce_twofactor': True, 'abuse_contact_email': 'one@example.com'}),
            ({'settings': {'enforce_twofactor': False}},
             {'enforce_twofactor': False, 'abuse_contact_email': 'one@example.com'}),
            ({'settings': {'abuse_contact_email': 'ops+abuse@sub.example.co.uk',
                           'enforce_twofactor': True}},
             {'enforce_twofactor': True, 'abuse_contact_email': 'ops+abuse@sub.example.co.uk'}),
            ({'settings': {'unknown_setting': 5}},
             {'enforce_twofactor': True, 'abuse_contact_email': 'ops+abuse@sub.example.co.uk'}),
        ]
        for extra, settings in steps:
            with self.subTest(body=extra):
                body = {'name': 'a', 'type': 'standard'}
                body.update(extra)
                r = self.put_account(a, body)
                a['settings'] = settings
                self.assertEqual(r.json, harness.ok_envelope(a))
                self.assertGetIs(a)
                self.assertOrgAccounts(org, [a])

    def test_acc_4_3_empty_abuse_email_clears_it(self):
        org = self.create_org('Org')
        a = self.create_account('a', org=org)
        self.put_account(a, {'name': 'a', 'type': 'standard',
                     'settings': {'abuse_contact_email': 'abuse@example.com'}})
        a['settings'] = {'enforce_twofactor': False, 'abuse_contact_email': 'abuse@example.com'}
        self.assertGetIs(a)
        env = self.org_accounts(org)
        self.assertEqual(env['result'][0]['settings']['abuse_contact_email'], 'abuse@example.com')
        r = self.put_account(a, {'name': 'a', 'type': 'standard',
                                 'settings': {'abuse_contact_email': ''}})
        a['settings'] = {'enforce_twofactor': False}
        self.assertEqual(r.json, harness.ok_envelope(a))
        self.assertNotIn('abuse_contact_email', r.json['result']['settings'])
        self.assertGetIs(a)
        # null in the Organizations-API shape
        self.assertOrgAccounts(org, [a])
        self.assertIsNone(self.org_accounts(org)['result'][0]['settings']['abuse_contact_email'])

    def test_acc_4_4_read_only_fields_ignored(self):
        org = self.create_org('Org')
        other = self.create_org('Other')
        a = self.create_account('a', org=org)
        s = self.create_account('s')
        for acct in (a, s):
            body = {'name': 'renamed', 'type': 'standard', 'id': UNKNOWN_ID,
                    'created_on': '1999-01-01T00:00:00Z',
                    'managed_by': {'parent_org_id': other['id'], 'parent_org_name': 'Other'},
                    'unit': {'id': other['id']}}
            r = self.put_account(acct, body)
            acct['name'] = 'renamed'
            self.assertEqual(r.json, harness.ok_envelope(acct))
            self.assertGetIs(acct)
        self.assertOrgAccounts(org, [a])
        self.assertOrgAccounts(other, [])
        self.assertNotFound(self.req('GET', self.url(UNKNOWN_ID)), UNKNOWN_ID)
        self.assertNotIn('managed_by', s)
        r = self.req('GET', self.url(s, '/organizations'))
        self.assertEqual(r.json, harness.ok_envelope([]))

    def test_acc_4_5_put_validation(self):
        org = self.create_org('Org')
        a = self.create_account('a', org=org)
        self.put_account(a, {'name': 'a', 'type': 'standard',
                     'settings': {'enforce_twofactor': True, 'abuse_contact_email': 'x@example.com'}})
        a['settings'] = {'enforce_twofactor': True, 'abuse_contact_email': 'x@example.com'}
        before = self.account_world()
        ok = {'name': 'new', 'type': 'enterprise'}
        cases = [
            ({'type': 'standard'}, 1001, '/name'),
            ({'name': None, 'type': 'standard'}, 1001, '/name'),
            ({'name': 'x'}, 1001, '/type'),
            ({'name': 'x', 'type': None}, 1001, '/type'),
            ({}, 1001, None),
            ({'name': 5, 'type': 'standard'}, 1002, '/name'),
            ({'name': True, 'type': 'standard'}, 1002, '/name'),
            ({'name': ['x'], 'type': 'standard'}, 1002, '/name'),
            ({'name': {}, 'type': 'standard'}, 1002, '/name'),
            ({'name': '', 'type': 'standard'}, 1003, '/name'),
            ({'name': 'x' * 101, 'type': 'standard'}, 1003, '/name'),
            ({'name': 'é' * 101, 'type': 'standard'}, 1003, '/name'),
            ({'name': 'x', 'type': 'free'}, 1003, '/type'),
            ({'name': 'x', 'type': 'Standard'}, 1003, '/type'),
            ({'name': 'x', 'type': ''}, 1003, '/type'),
            ({'name': 'x', 'type': 5}, 1002, '/type'),
            ({'name': 'x', 'type': ['standard']}, 1002, '/type'),
            (dict(ok, settings='x'), 1002, '/settings'),
            (dict(ok, settings=5), 1002, '/settings'),
            (dict(ok, settings=[]), 1002, '/settings'),
            (dict(ok, settings={'enforce_twofactor': 'true'}), 1002, '/settings/enforce_twofactor'),
            (dict(ok, settings={'enforce_twofactor': 1}), 1002, '/settings/enforce_twofactor'),
            (dict(ok, settings={'enforce_twofactor': 0}), 1002, '/settings/enforce_twofactor'),
            (dict(ok, settings={'enforce_twofactor': {}}), 1002, '/settings/enforce_twofactor'),
            (dict(ok, settings={'abuse_contact_email': 5}), 1002,
             '/settings/abuse_contact_email'),
            (dict(ok, settings={'abuse_contact_email': True}), 1002,
             '/settings/abuse_contact_email'),
            (dict(ok, settings={'abuse_contact_email': ['a@example.com']}), 1002,
             '/settings/abuse_contact_email'),
            (dict(ok, settings={'abuse_contact_email': 'not-an-email'}), 1003,
             '/settings/abuse_contact_email'),
            (dict(ok, settings={'abuse_contact_email': 'missing-domain@'}), 1003,
             '/settings/abuse_contact_email'),
            (dict(ok, settings={'abuse_contact_email': '@missing-local.example'}), 1003,
             '/settings/abuse_contact_email'),
            # a valid change next to an invalid one: nothing changes
            (dict(ok, settings={'enforce_twofactor': False, 'abuse_contact_email': 'bad'}), 1003,
             '/settings/abuse_contact_email'),
            (dict(ok, settings={'abuse_contact_email': 'y@example.com', 'enforce_twofactor': 'no'}),
             1002, '/settings/enforce_twofactor'),
        ]
        for body, code, pointer in cases:
            with self.subTest(body=body):
                r = self.req('PUT', self.url(a), body)
                if pointer is None:
                    self.assertError(r, 400, [code], result_key='null')
                    self.assertIn(r.json['errors'][0]['source']['pointer'], ('/name', '/type'))
                else:
                    self.assertFieldError(r, code, pointer)
        for raw in ('[]', '"x"', '5', 'null'):
            with self.subTest(raw=raw):
                r = self.req('PUT', self.url(a), raw=raw, headers=JSON_CT)
                self.assertFieldError(r, 1002, '')
        for raw in ('', '{', '{"name": "x", "type": }'):
            with self.subTest(raw=raw):
                r = self.req('PUT', self.url(a), raw=raw, headers=JSON_CT)
                self.assertError(r, 400, [6007], result_key='null')
        self.assertEqual(self.account_world(), before)
        self.assertGetIs(a)

    def test_acc_4_6_put_unknown(self):
        body = {'name': 'x', 'type': 'standard'}
        self.assertNotFound(self.req('PUT', self.url(UNKNOWN_ID), body), UNKNOWN_ID)
        a = self.create_account('a')
        self.assertEqual(self.req('DELETE', self.url(a)).status, 200)
        self.assertNotFound(self.req('PUT', self.url(a), body), a['id'])
        self.assertEqual(self.all_accounts(), [])

    def test_acc_4_7_names_up_to_100_characters(self):
        a = self.create_account('a')
        for name in ('x' * 100, 'é' * 100, '🚀' * 100, ' ', 'Ünïcødé 組織'):
            with self.subTest(length=len(name)):
                r = self.put_account(a, {'name': name, 'type': 'standard'})
                a['name'] = name
                self.assertEqual(r.json, harness.ok_envelope(a))
                self.assertGetIs(a)

    def test_acc_4_8_managed_by_follows_organization_rename(self):
        root = self.create_org('Old name')
        child = self.create_org('Child', parent=root)
        a = self.create_account('a', org=root)
        b = self.create_account('b', org=child)
        r = self.req('PUT', '/organizations/' + root['id'], {'name': 'New name'})
        self.assertEqual(r.status, 200, r)
        a['managed_by']['parent_org_name'] = 'New name'
        self.assertGetIs(a)
        self.assertGetIs(b)              # held by the child, not renamed
        self.assertEqual(self.all_accounts(), [a, b])
        r = self.req('PUT', '/organizations/' + child['id'], {'name': 'Child 2'})
        self.assertEqual(r.status, 200, r)
        b['managed_by']['parent_org_name'] = 'Child 2'
        self.assertGetIs(b)
        self.assertEqual(self.all_accounts(), [a, b])

    def test_acc_4_9_put_keeps_created_on_and_profile(self):
        a = self.create_account('a')
        self.put_profile(a, PROFILE)
        r = self.put_account(a, {'name': 'b', 'type': 'enterprise',
                                 'settings': {'enforce_twofactor': True}})
        self.assertEqual(r.json['result']['created_on'], a['created_on'])
        self.assertProfile(a, PROFILE)
        self.assertNotIn('profile', r.json['result'])


# ---------------------------------------------------------------------------
# DELETE /accounts/{id}


class Delete(ApiTest):
    def test_acc_5_1_delete_then_gone_everywhere(self):
        org = self.create_org('Org')
        doomed = self.create_account('Doomed', org=org)
        keep = self.create_account('Keep', org=org)
        self.put_profile(doomed, PROFILE)
        r = self.req('DELETE', self.url(doomed))
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers.get('content-type'), 'application/json')
        self.assertEqual(r.json, harness.ok_envelope({'id': doomed['id']}))
        aid = doomed['id']
        self.assertNotFound(self.req('GET', self.url(aid)), aid)
        self.assertNotFound(self.req('PUT', self.url(aid), {'name': 'x', 'type': 'standard'}),
                            aid)
        self.assertNotFound(self.req('DELETE', self.url(aid)), aid)
        self.assertNotFound(self.req('GET', self.url(aid, '/profile')), aid, 'absent')
        self.assertNotFound(self.req('PUT', self.url(aid, '/profile'), PROFILE), aid, 'absent')
        self.assertNotFound(self.req('GET', self.url(aid, '/organizations')), aid, 'absent')
        self.assertNotFound(self.req('POST', self.url(aid, '/move'),
                                     {'destination_organization_id': org['id']}), aid, 'absent')
        self.assertEqual(self.list_accounts(),
                         harness.ok_envelope([keep], result_info=page_info(1, 20, 1, 1)))
        self.assertOrgAccounts(org, [keep])
        self.assertGetIs(keep)
        r = self.req('GET', '/organizations', query={'containing.account': aid})
        self.assertEqual(r.json, harness.ok_envelope([], result_info={'total_size': 0}))

    def test_acc_5_2_delete_unknown_and_twice(self):
        self.assertNotFound(self.req('DELETE', self.url(UNKNOWN_ID)), UNKNOWN_ID)
        a = self.create_account('Once')
        self.assertEqual(self.req('DELETE', self.url(a)).json, harness.ok_envelope({'id': a['id']}))
        self.assertNotFound(self.req('DELETE', self.url(a)), a['id'])
        self.assertEqual(self.list_accounts(),
                         harness.ok_envelope([], result_info=page_info(1, 20, 0, 0)))

    def test_acc_5_3_delete_leaves_the_others_and_new_ids_are_fresh(self):
        made = [self.create_account('a%d' % i) for i in range(4)]
        for a in (made[1], made[3]):
            self.assertEqual(self.req('DELETE', self.url(a)).status, 200)
        again = self.create_account('a3')
        self.assertNotIn(again['id'], {a['id'] for a in made})
        self.assertEqual(self.all_accounts(), [made[0], made[2], again])
        for a in (made[0], made[2], again):
            self.assertGetIs(a)


# ---------------------------------------------------------------------------
# GET /accounts (page numbers)


class ListAccounts(ApiTest):
    def make(self, n, prefix='acct', org=None):
        return [self.create_account('%s-%03d' % (prefix, i), org=org) for i in range(n)]

    def test_acc_7_1_empty(self):
        want = harness.ok_envelope([], result_info=page_info(1, 20, 0, 0))
        self.assertEqual(want['result_info']['total_pages'], 0)
        self.assertEqual(self.list_accounts(), want)
        self.assertEqual(self.list_accounts({'page': 2, 'per_page': 5}),
                         harness.ok_envelope([], result_info=page_info(2, 5, 0, 0)))
        # organizations alone are not accounts
        self.create_org('Org')
        self.assertEqual(self.list_accounts(), want)

    def test_acc_7_2_standalone_and_in_organizations_in_creation_order(self):
        root = self.create_org('Root')
        child = self.create_org('Child', parent=root)
        grand = self.create_org('Grand', parent=child)
        made = [self.create_account('s1'), self.create_account('r1', org=root),
                self.create_account('g1', org=grand), self.create_account('s2', type='enterprise'),
                self.create_account('c1', org=child)]
        self.assertEqual(self.list_accounts(),
                         harness.ok_envelope(made, result_info=page_info(1, 20, 5, 5)))
        self.assertEqual(self.list_accounts({'direction': 'asc'}), self.list_accounts())
        self.assertEqual(self.list_accounts({'direction': 'desc'}),
                         harness.ok_envelope(made[::-1], result_info=page_info(1, 20, 5, 5)))

    def test_acc_7_3_page_numbers_through_several_pages(self):
        made = self.make(12)
        for page, items in ((1, made[0:5]), (2, made[5:10]), (3, made[10:12]), (4, []),
                            (5, []), (1000, [])):
            with self.subTest(page=page):
                env = self.list_accounts({'page': page, 'per_page': 5})
                self.assertEqual(env, harness.ok_envelope(
                    items, result_info=page_info(page, 5, len(items), 12)))
        self.assertEqual(page_info(1, 5, 5, 12)['total_pages'], 3)
        # pages as the TypeScript SDK walks them: until an empty page
        seen, page = [], 1
        while True:
            env = self.list_accounts({'page': page, 'per_page': 7})
            if not env['result']:
                break
            seen += env['result']
            page += 1
        self.assertEqual(seen, made)
        self.assertEqual(page, 3)
        # per_page bounds 5 and 50 are fine; the default is 20
        env = self.list_accounts({'per_page': 50})
        self.assertEqual(env, harness.ok_envelope(made, result_info=page_info(1, 50, 12, 12)))
        env = self.list_accounts({'page': 1})
        self.assertEqual(env, harness.ok_envelope(made, result_info=page_info(1, 20, 12, 12)))
        env = self.list_accounts({'page': 2})
        self.assertEqual(env, harness.ok_envelope([], result_info=page_info(2, 20, 0, 12)))
        env = self.list_accounts({'per_page': 12, 'page': 1})
        self.assertEqual(env['result_info'], page_info(1, 12, 12, 12))
        self.assertEqual(env['result_info']['total_pages'], 1)

    def test_acc_7_4_default_per_page_is_20(self):
        made = self.make(25)
        self.assertEqual(self.list_accounts(),
                         harness.ok_envelope(made[:20], result_info=page_info(1, 20, 20, 25)))
        self.assertEqual(self.list_accounts({'page': 2}),
                         harness.ok_envelope(made[20:], result_info=page_info(2, 20, 5, 25)))
        self.assertEqual(self.list_accounts({'page': 3}),
                         harness.ok_envelope([], result_info=page_info(3, 20, 0, 25)))

    def test_acc_7_5_direction_desc_pages(self):
        made = self.make(11)
        rev = made[::-1]
        for page, items in ((1, rev[0:5]), (2, rev[5:10]), (3, rev[10:]), (4, [])):
            with self.subTest(page=page):
                env = self.list_accounts({'page': page, 'per_page': 5, 'direction': 'desc'})
                self.assertEqual(env, harness.ok_envelope(
                    items, result_info=page_info(page, 5, len(items), 11)))
        env = self.list_accounts({'page': 2, 'per_page': 5, 'direction': 'asc'})
        self.assertEqual(env, harness.ok_envelope(made[5:10],
                                                  result_info=page_info(2, 5, 5, 11)))

    def test_acc_7_6_name_filter_whole_name_case_insensitive(self):
        names = ['Alpha', 'alpha beta', 'ALPHA', 'Beta', 'alph', 'xalpha', 'ÉCOLE', 'école',
                 'Écolé', 'Ödön', '100%', 'a_b', 'axb']
        made = {}
        for n in names:
            made.setdefault(n, self.create_account(n))

        def q(name, **extra):
            query = {'name': name, 'per_page': 50}
            query.update(extra)
            return self.list_accounts(query)

        for name, want in (('alpha', ['Alpha', 'ALPHA']), ('ALPHA BETA', ['alpha beta']),
                           ('alpha ', []), ('alp', []), ('gamma', []),
                           ('école', ['ÉCOLE', 'école']), ('ÉCOLE', ['ÉCOLE', 'école']),
                           ('écolé', ['Écolé']), ('ÖDÖN', ['Ödön']), ('100%', ['100%']),
                           ('%', []), ('a_b', ['a_b']), ('___', [])):
            with self.subTest(name=name):
                items = [made[n] for n in want]
                self.assertEqual(q(name), harness.ok_envelope(
                    items, result_info=page_info(1, 50, len(items), len(items))))
        # the filter with desc and with pages
        self.assertEqual(q('alpha', direction='desc')['result'], [made['ALPHA'], made['Alpha']])
        for i in range(7):
            self.create_account('Paged')
        env = self.list_accounts({'name': 'paged', 'per_page': 5, 'page': 2})
        self.assertEqual(env['result_info'], page_info(2, 5, 2, 7))
        self.assertEqual([a['name'] for a in env['result']], ['Paged'] * 2)
        env = self.list_accounts({'name': 'paged', 'per_page': 5, 'page': 3})
        self.assertEqual(env, harness.ok_envelope([], result_info=page_info(3, 5, 0, 7)))

    def test_acc_7_7_bad_query_parameters(self):
        made = self.make(3)
        for v in ('0', '-1', 'abc', '1.5', '', '1x'):
            with self.subTest(page=v):
                self.assertParamError(self.req('GET', '/accounts', query={'page': v}), 1004,
                                      'page')
        # (1 to 4 and more than 50 are taken: test_clients.py)
        for v in ('0', '-5', 'abc', '', '1.5', '5.0', '1e1'):
            with self.subTest(per_page=v):
                self.assertParamError(self.req('GET', '/accounts', query={'per_page': v}), 1004,
                                      'per_page')
        for v in ('up', '', 'descending', 'ascending', 'asc '):
            with self.subTest(direction=v):
                self.assertParamError(self.req('GET', '/accounts', query={'direction': v}), 1004,
                                      'direction')
        for key, v in (('page', '1'), ('per_page', '5'), ('direction', 'asc'), ('name', 'x')):
            with self.subTest(repeated=key):
                r = self.req('GET', '/accounts', query=[(key, v), (key, v)])
                self.assertParamError(r, 1004, key)
        r = self.req('GET', '/accounts', query=[('name', 'a'), ('name', 'b')])
        self.assertParamError(r, 1004, 'name')
        self.assertEqual(self.all_accounts(), made)

    def test_acc_7_8_list_follows_every_write(self):
        org = self.create_org('Org')
        a = self.create_account('a')
        b = self.create_account('b', org=org)
        c = self.create_account('c')
        self.assertEqual(self.all_accounts(), [a, b, c])
        self.put_account(b, {'name': 'B!', 'type': 'enterprise',
                             'settings': {'enforce_twofactor': True}})
        b.update(name='B!', type='enterprise', settings={'enforce_twofactor': True})
        self.assertEqual(self.all_accounts(), [a, b, c])
        self.assertEqual(self.req('DELETE', self.url(a)).status, 200)
        self.assertEqual(self.list_accounts(),
                         harness.ok_envelope([b, c], result_info=page_info(1, 20, 2, 2)))
        r = self.req('POST', self.url(c, '/move'), {'destination_organization_id': org['id']})
        self.assertEqual(r.status, 200, r)
        c = in_org(c, org)
        self.assertEqual(self.all_accounts(), [b, c])
        self.assertOrgAccounts(org, [b, c])


# ---------------------------------------------------------------------------
# Who sees what


class Isolation(ApiTest):
    def test_acc_9_1_other_user_gets_404_everywhere(self):
        org = self.create_org('A org')
        child = self.create_org('A child', parent=org)
        accts = [self.create_account('standalone'), self.create_account('in org', org=org),
                 self.create_account('in child', org=child)]
        self.put_profile(accts[0], PROFILE)
        b_org = self.create_org('B org', auth=TOKEN_B)
        before = self.account_world()
        for a in accts:
            aid = a['id']
            with self.subTest(account=a['name']):
                self.assertNotFound(self.req('GET', self.url(a), auth=TOKEN_B), aid)
                self.assertNotFound(self.req('PUT', self.url(a), {'name': 'pwned',
                                                                  'type': 'standard'},
                                             auth=TOKEN_B), aid)
                self.assertNotFound(self.req('DELETE', self.url(a), auth=TOKEN_B), aid)
                self.assertNotFound(self.req('GET', self.url(a, '/profile'), auth=TOKEN_B), aid,
                                    'absent')
                self.assertNotFound(self.req('PUT', self.url(a, '/profile'), OTHER_PROFILE,
                                             auth=TOKEN_B), aid, 'absent')
                self.assertNotFound(self.req('GET', self.url(a, '/organizations'), auth=TOKEN_B),
                                    aid, 'absent')
                self.assertNotFound(self.req('POST', self.url(a, '/move'),
                                             {'destination_organization_id': b_org['id']},
                                             auth=TOKEN_B), aid, 'absent')
                # exactly what a never-existing id answers
                self.assertEqual(self.req('GET', self.url(a), auth=TOKEN_B).json,
                                 account_not_found(aid))
        self.assertEqual(self.account_world(), before)
        self.assertEqual(self.list_accounts(auth=TOKEN_B),
                         harness.ok_envelope([], result_info=page_info(1, 20, 0, 0)))
        self.assertOrgAccounts(b_org, [], auth=TOKEN_B)

    def test_acc_9_2_lists_and_counts_are_per_user(self):
        org = self.create_org('A org')
        a1 = self.create_account('shared name')
        a2 = self.create_account('shared name', org=org)
        b_org = self.create_org('B org', auth=TOKEN_B)
        b1 = self.create_account('shared name', auth=TOKEN_B)
        b2 = self.create_account('B only', org=b_org, auth=TOKEN_B)
        a3 = self.create_account('A only')
        self.assertEqual(self.list_accounts(),
                         harness.ok_envelope([a1, a2, a3], result_info=page_info(1, 20, 3, 3)))
        self.assertEqual(self.list_accounts(auth=TOKEN_B),
                         harness.ok_envelope([b1, b2], result_info=page_info(1, 20, 2, 2)))
        self.assertEqual(self.list_accounts({'name': 'SHARED NAME'}),
                         harness.ok_envelope([a1, a2], result_info=page_info(1, 20, 2, 2)))
        self.assertEqual(self.list_accounts({'name': 'shared name'}, auth=TOKEN_B),
                         harness.ok_envelope([b1], result_info=page_info(1, 20, 1, 1)))
        self.assertEqual(self.list_accounts({'page': 2, 'per_page': 5}, auth=TOKEN_B),
                         harness.ok_envelope([], result_info=page_info(2, 5, 0, 2)))
        self.assertEqual(self.list_accounts({'direction': 'desc'}, auth=TOKEN_B)['result'],
                         [b2, b1])
        self.assertOrgAccounts(org, [a2])
        self.assertOrgAccounts(b_org, [b2], auth=TOKEN_B)
        # the two users' GETs
        self.assertGetIs(b1, auth=TOKEN_B)
        self.assertNotFound(self.req('GET', self.url(b1)), b1['id'])

    def test_acc_9_3_other_user_cannot_create_in_an_org_it_does_not_see(self):
        org = self.create_org('A org')
        child = self.create_org('A child', parent=org)
        before = self.account_world()
        for o in (org, child):
            r = self.req('POST', '/accounts', {'name': 'intruder', 'unit': {'id': o['id']}},
                         auth=TOKEN_B)
            self.assertFieldError(r, 1103, '/unit/id')
            self.assertIn(o['id'], r.json['errors'][0]['message'])
        self.assertEqual(self.account_world(), before)
        self.assertEqual(self.all_accounts(auth=TOKEN_B), [])
        # the organizations are still empty: A deletes them bottom-up
        for o in (child, org):
            self.assertEqual(self.req('DELETE', '/organizations/' + o['id']).status, 200)


# ---------------------------------------------------------------------------
# Restarts


class Persistence(ApiTest):
    def test_acc_10_1_accounts_survive_a_restart(self):
        with tempfile.TemporaryDirectory() as d:
            db = os.path.join(d, 'cfmock.db')
            srv = harness.Server(db=db)
            paths = []
            try:
                org = srv.request('POST', '/organizations', {'name': 'Org'}).json['result']
                a = srv.request('POST', '/accounts', {'name': 'a', 'unit': {'id': org['id']}})
                s = srv.request('POST', '/accounts', {'name': 's', 'type': 'enterprise'})
                gone = srv.request('POST', '/accounts', {'name': 'gone'})
                for r in (a, s, gone):
                    self.assertEqual(r.status, 200, r)
                a, s, gone = a.json['result'], s.json['result'], gone.json['result']
                r = srv.request('PUT', '/accounts/' + s['id'], {
                    'name': 's2', 'type': 'enterprise',
                    'settings': {'enforce_twofactor': True, 'abuse_contact_email': 'x@example.com'}})
                self.assertEqual(r.status, 200, r)
                self.assertEqual(srv.request('PUT', '/accounts/%s/profile' % a['id'],
                                             PROFILE).status, 204)
                self.assertEqual(srv.request('DELETE', '/accounts/' + gone['id']).status, 200)
                b = srv.request('POST', '/accounts', {'name': 'b'}, auth=TOKEN_B).json['result']
                paths = ['/accounts', '/accounts?per_page=5&page=1',
                         '/accounts/' + a['id'], '/accounts/' + s['id'],
                         '/accounts/%s/profile' % a['id'], '/accounts/%s/organizations' % a['id'],
                         '/organizations/%s/accounts' % org['id']]
                before = {p: srv.request('GET', p).raw for p in paths}
                before_b = srv.request('GET', '/accounts', auth=TOKEN_B).raw
            finally:
                self.assertEqual(srv.stop(), 0)
            srv = harness.Server(db=db)
            try:
                for p in paths:
                    r = srv.request('GET', p)
                    self.assertEqual(r.status, 200, (p, r))
                    self.assertEqual(r.raw, before[p], p)
                self.assertEqual(srv.request('GET', '/accounts', auth=TOKEN_B).raw, before_b)
                r = srv.request('GET', '/accounts/' + gone['id'])
                self.assertEqual(r.json, account_not_found(gone['id']))
                r = srv.request('GET', '/accounts/' + b['id'])
                self.assertEqual(r.status, 404, r)
                # new accounts after a restart get fresh ids
                r = srv.request('POST', '/accounts', {'name': 'new'})
                self.assertEqual(r.status, 200, r)
                self.assertNotIn(r.json['result']['id'],
                                 {a['id'], s['id'], gone['id'], b['id'], org['id']})
                # and the organization still holds its account
                r = srv.request('DELETE', '/organizations/' + org['id'])
                self.assertError(r, 400, [1102], result_key='absent')
            finally:
                self.assertEqual(srv.stop(), 0)


if __name__ == '__main__':
    harness.main()
