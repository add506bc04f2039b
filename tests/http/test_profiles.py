"""test_profiles.py: GET and PUT /organizations/{id}/profile (CONTRACT.md 0.6,
0.9 and 4.1) over HTTP, and the profile as part of the Organization."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import TOKEN_A, TOKEN_B  # noqa: E402

KEYS = ('business_address', 'business_email', 'business_name', 'business_phone',
        'external_metadata')
PROFILE = {
    'business_address': '101 Townsend St, San Francisco, CA 94107',
    'business_email': 'billing@example.com',
    'business_name': 'Example Inc.',
    'business_phone': '+1 555 0100',
    'external_metadata': '{"crm_id": 42, "tier": "gold"}',
}
OTHER = {
    'business_address': '1 Rue de Rivoli, Paris',
    'business_email': 'compta@exemple.fr',
    'business_name': 'Exemple SARL',
    'business_phone': '+33 1 00 00 00 00',
    'external_metadata': '',
}
EMPTY = {k: '' for k in KEYS}
UNKNOWN_ID = 'fedcba9876543210fedcba9876543210'


class ProfileTest(harness.ServerTest):
    def create(self, name, parent=None, profile=None, auth=TOKEN_A):
        body = {'name': name}
        if parent is not None:
            body['parent'] = {'id': parent['id']}
        if profile is not None:
            body['profile'] = profile
        r = self.req('POST', '/organizations', body, auth=auth)
        self.assertEqual(r.status, 200, r)
        return r.json['result']

    def url(self, org):
        return '/organizations/%s/profile' % (org if isinstance(org, str) else org['id'])

    def put_profile(self, org, profile, auth=TOKEN_A):
        r = self.req('PUT', self.url(org), profile, auth=auth)
        self.assertEqual(r.status, 204, r)
        self.assertEqual(r.raw, b'')
        self.assertIsNone(r.json)
        return r

    def assertProfile(self, org, profile, auth=TOKEN_A):
        r = self.req('GET', self.url(org), auth=auth)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers.get('content-type'), 'application/json')
        self.assertEqual(r.json, harness.ok_envelope(profile))

    def assertOrg(self, org, auth=TOKEN_A):
        r = self.req('GET', '/organizations/' + org['id'], auth=auth)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json, harness.ok_envelope(org))

    def assertNotFound(self, resp, id):
        self.assertError(resp, 404, [1101], result_key='absent')
        self.assertEqual(resp.json, {'success': False, 'messages': [], 'errors': [
            {'code': 1101, 'message': "organization '%s' not found" % id}]})

    def assertFieldError(self, resp, code, pointer):
        self.assertError(resp, 400, [code], result_key='absent')
        self.assertEqual(resp.json['errors'][0]['source'], {'pointer': pointer}, resp)


class Profiles(ProfileTest):
    def test_prof_1_1_never_set_is_empty_strings(self):
        org = self.create('Acme')
        self.assertProfile(org, EMPTY)
        self.assertNotIn('profile', org)
        self.assertOrg(org)

    def test_prof_1_2_put_get_round_trip(self):
        org = self.create('Acme')
        r = self.req('PUT', self.url(org), PROFILE)
        self.assertEqual(r.status, 204, r)
        self.assertEqual(r.raw, b'')
        self.assertEqual(r.headers.get('content-length', '0'), '0')
        self.assertProfile(org, PROFILE)
        # the organization now carries it, and nothing else changed
        self.assertOrg(dict(org, profile=PROFILE))
        # a second PUT replaces every field
        self.put_profile(org, OTHER)
        self.assertProfile(org, OTHER)
        self.assertOrg(dict(org, profile=OTHER))

    def test_prof_1_3_profile_given_at_create(self):
        root = self.create('Root')
        org = self.create('Child', parent=root, profile=PROFILE)
        self.assertEqual(org['profile'], PROFILE)
        self.assertEqual(org['parent'], {'id': root['id'], 'name': 'Root'})
        self.assertOrg(org)
        self.assertProfile(org, PROFILE)
        # the parent's profile is its own
        self.assertProfile(root, EMPTY)
        self.assertOrg(root)
        r = self.req('GET', '/organizations', query={'page_size': 10})
        self.assertEqual(r.json, harness.ok_envelope([root, org], result_info={'total_size': 2}))

    def test_prof_1_4_put_missing_field(self):
        org = self.create('Acme', profile=PROFILE)
        for key in KEYS:
            with self.subTest(missing=key):
                body = dict(OTHER)
                del body[key]
                r = self.req('PUT', self.url(org), body)
                self.assertFieldError(r, 1001, '/' + key)
                self.assertIn(key, r.json['errors'][0]['message'])
            with self.subTest(null=key):
                r = self.req('PUT', self.url(org), dict(OTHER, **{key: None}))
                self.assertFieldError(r, 1001, '/' + key)
        r = self.req('PUT', self.url(org), {})
        self.assertFieldError(r, 1001, '/business_address')
        # nothing was changed by the rejected requests
        self.assertProfile(org, PROFILE)
        self.assertOrg(org)

    def test_prof_1_5_put_wrong_type(self):
        org = self.create('Acme')
        for key in KEYS:
            for bad in (5, 0, 1.5, True, False, [], ['x'], {}, {'v': 'x'}):
                with self.subTest(key=key, value=bad):
                    r = self.req('PUT', self.url(org), dict(PROFILE, **{key: bad}))
                    self.assertFieldError(r, 1002, '/' + key)
                    self.assertIn(key, r.json['errors'][0]['message'])
        # external_metadata is a string, not an object
        r = self.req('PUT', self.url(org), dict(PROFILE, external_metadata={'crm_id': 42}))
        self.assertFieldError(r, 1002, '/external_metadata')
        self.assertProfile(org, EMPTY)
        self.assertOrg(org)

    def test_prof_1_6_put_body_not_an_object(self):
        org = self.create('Acme', profile=PROFILE)
        ct = {'Content-Type': 'application/json'}
        for raw in ('[]', '"x"', '5', 'null', '[%s]' % '{}'):
            with self.subTest(raw=raw):
                self.assertFieldError(self.req('PUT', self.url(org), raw=raw, headers=ct), 1002, '')
        for raw in ('', '{', '{"business_name": }', 'business_name=x'):
            with self.subTest(raw=raw):
                r = self.req('PUT', self.url(org), raw=raw, headers=ct)
                self.assertError(r, 400, [6007], result_key='absent')
        r = self.req('PUT', self.url(org), raw='business_name=x',
                     headers={'Content-Type': 'application/x-www-form-urlencoded'})
        self.assertError(r, 400, [9207], result_key='absent')
        # the profile wrapped in an object is not the profile
        r = self.req('PUT', self.url(org), {'profile': OTHER})
        self.assertFieldError(r, 1001, '/business_address')
        self.assertProfile(org, PROFILE)

    def test_prof_1_7_unknown_org(self):
        self.assertNotFound(self.req('GET', self.url(UNKNOWN_ID)), UNKNOWN_ID)
        self.assertNotFound(self.req('PUT', self.url(UNKNOWN_ID), PROFILE), UNKNOWN_ID)
        # a malformed id routes nowhere
        for method in ('GET', 'PUT'):
            r = self.req(method, '/organizations/not-an-id/profile',
                         PROFILE if method == 'PUT' else None)
            self.assertError(r, 400, [7003, 7000], result_key='null')
        r = self.req('GET', '/organizations', query={'page_size': 10})
        self.assertEqual(r.json, harness.ok_envelope([], result_info={'total_size': 0}))

    def test_prof_1_8_isolation(self):
        org = self.create('A org', profile=PROFILE)
        sub = self.create('A sub', parent=org)
        for o in (org, sub):
            with self.subTest(org=o['name']):
                self.assertNotFound(self.req('GET', self.url(o), auth=TOKEN_B), o['id'])
                self.assertNotFound(self.req('PUT', self.url(o), OTHER, auth=TOKEN_B), o['id'])
        self.assertProfile(org, PROFILE)
        self.assertProfile(sub, EMPTY)
        self.assertOrg(org)
        self.assertOrg(sub)
        # B's own profile does not touch A's
        b = self.create('B org', auth=TOKEN_B)
        self.put_profile(b, OTHER, auth=TOKEN_B)
        self.assertProfile(b, OTHER, auth=TOKEN_B)
        self.assertNotFound(self.req('GET', self.url(b)), b['id'])
        self.assertProfile(org, PROFILE)

    def test_prof_1_9_deleted_org_profile_is_gone(self):
        org = self.create('Doomed', profile=PROFILE)
        r = self.req('DELETE', '/organizations/' + org['id'])
        self.assertEqual(r.json, harness.ok_envelope({'id': org['id']}))
        self.assertNotFound(self.req('GET', self.url(org)), org['id'])
        self.assertNotFound(self.req('PUT', self.url(org), OTHER), org['id'])
        # a new organization (even with the same name) starts with none
        again = self.create('Doomed')
        self.assertNotEqual(again['id'], org['id'])
        self.assertNotIn('profile', again)
        self.assertProfile(again, EMPTY)

    def test_prof_1_10_sub_org_profiles_are_independent(self):
        root = self.create('Root')
        mid = self.create('Mid', parent=root)
        leaf = self.create('Leaf', parent=mid)
        self.put_profile(mid, PROFILE)
        self.assertProfile(root, EMPTY)
        self.assertProfile(mid, PROFILE)
        self.assertProfile(leaf, EMPTY)
        self.assertOrg(root)
        self.assertOrg(dict(mid, profile=PROFILE))
        self.assertOrg(leaf)       # parent is {id, name}, no profile
        self.put_profile(leaf, OTHER)
        self.assertProfile(mid, PROFILE)
        self.assertProfile(leaf, OTHER)

    def test_prof_1_11_values_kept_exactly(self):
        org = self.create('Acme')
        odd = {
            'business_address': 'Straße 1\n80331 München\tDE',
            'business_email': 'ünïcødé@例え.jp',
            'business_name': '  "Quoted" \\ name  ',
            'business_phone': '☎ 0',
            'external_metadata': '{"nested": {"a": [1, 2, {"b": null}]}, "emoji": "🚀"}',
        }
        self.put_profile(org, odd)
        self.assertProfile(org, odd)
        self.assertOrg(dict(org, profile=odd))
        long = {k: k[0] * 20000 for k in KEYS}
        self.put_profile(org, long)
        self.assertProfile(org, long)

    def test_prof_1_12_empty_strings_are_a_profile(self):
        org = self.create('Acme', profile=PROFILE)
        self.put_profile(org, EMPTY)
        self.assertProfile(org, EMPTY)
        # the organization still shows a (now empty) profile
        self.assertOrg(dict(org, profile=EMPTY))
        created = self.create('Empty at create', profile=EMPTY)
        self.assertEqual(created['profile'], EMPTY)
        self.assertOrg(created)

    def test_prof_1_13_unknown_fields_ignored(self):
        org = self.create('Acme')
        self.put_profile(org, dict(PROFILE, website='https://example.com', id=UNKNOWN_ID))
        self.assertProfile(org, PROFILE)
        self.assertOrg(dict(org, profile=PROFILE))

    def test_prof_1_14_org_put_does_not_touch_profile(self):
        org = self.create('Acme', profile=PROFILE)
        r = self.req('PUT', '/organizations/' + org['id'], {'name': 'Acme 2', 'profile': OTHER})
        self.assertEqual(r.status, 200, r)
        org['name'] = 'Acme 2'
        self.assertEqual(r.json, harness.ok_envelope(org))
        self.assertProfile(org, PROFILE)
        # and a profile PUT does not touch the name or anything else
        self.put_profile(org, OTHER)
        self.assertOrg(dict(org, profile=OTHER))

    def test_prof_1_15_profile_in_lists(self):
        a = self.create('a')
        b = self.create('b', profile=PROFILE)
        self.put_profile(a, OTHER)
        r = self.req('GET', '/organizations')
        self.assertEqual(r.json, harness.ok_envelope([dict(a, profile=OTHER), b],
                                                     result_info={'total_size': 2}))

    def test_prof_1_16_profile_survives_a_restart(self):
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            db = os.path.join(d, 'cfmock.db')
            srv = harness.Server(db=db)
            try:
                org = srv.request('POST', '/organizations', {'name': 'Acme'}).json['result']
                r = srv.request('PUT', self.url(org), PROFILE)
                self.assertEqual(r.status, 204, r)
            finally:
                self.assertEqual(srv.stop(), 0)
            srv = harness.Server(db=db)
            try:
                r = srv.request('GET', self.url(org))
                self.assertEqual(r.json, harness.ok_envelope(PROFILE))
                r = srv.request('GET', '/organizations/' + org['id'])
                self.assertEqual(r.json, harness.ok_envelope(dict(org, profile=PROFILE)))
            finally:
                self.assertEqual(srv.stop(), 0)


if __name__ == '__main__':
    harness.main()
