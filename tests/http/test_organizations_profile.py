"""test_organizations_profile.py: the organization profile, GET and PUT
/organizations/{id}/profile (CONTRACT.md 0.6, 0.9 and 4.1) over HTTP, and
the profile as part of the Organization. The account profile is in
test_accounts_profile.py."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import TOKEN_B  # noqa: E402
import helpers  # noqa: E402
from helpers import (ApiTest, EMPTY_PROFILE, OTHER_ID, OTHER_PROFILE, PROFILE_KEYS,  # noqa: E402
                     PROFILE_MAX)

# This file's organization profile: the shared PROFILE with a longer address
# and metadata.
PROFILE = dict(helpers.PROFILE, business_address='101 Townsend St, San Francisco, CA 94107',
               external_metadata='{"crm_id": 42, "tier": "gold"}')


class Profiles(ApiTest):
    def test_prof_1_1_never_set_is_empty_strings(self):
        org = self.create_org('Acme')
        self.assertOrgProfile(org, EMPTY_PROFILE)
        self.assertNotIn('profile', org)
        self.assertOrgIs(org)

    def test_prof_1_2_put_get_round_trip(self):
        org = self.create_org('Acme')
        r = self.req('PUT', self.org_url(org, '/profile'), PROFILE)
        self.assertEqual(r.status, 204, r)
        self.assertEqual(r.raw, b'')
        self.assertEqual(r.headers.get('content-length', '0'), '0')
        self.assertOrgProfile(org, PROFILE)
        # the organization now carries it, and nothing else changed
        self.assertOrgIs(dict(org, profile=PROFILE))
        # a second PUT replaces every field
        self.put_org_profile(org, OTHER_PROFILE)
        self.assertOrgProfile(org, OTHER_PROFILE)
        self.assertOrgIs(dict(org, profile=OTHER_PROFILE))

    def test_prof_1_3_profile_given_at_create(self):
        root = self.create_org('Root')
        org = self.create_org('Child', parent=root, profile=PROFILE)
        self.assertEqual(org['profile'], PROFILE)
        self.assertEqual(org['parent'], {'id': root['id'], 'name': 'Root'})
        self.assertOrgIs(org)
        self.assertOrgProfile(org, PROFILE)
        # the parent's profile is its own
        self.assertOrgProfile(root, EMPTY_PROFILE)
        self.assertOrgIs(root)
        r = self.req('GET', '/organizations', query={'page_size': 10})
        self.assertEqual(r.json, harness.ok_envelope([root, org], result_info={'total_size': 2}))

    def test_prof_1_4_put_missing_field(self):
        org = self.create_org('Acme', profile=PROFILE)
        for key in PROFILE_KEYS:
            with self.subTest(missing=key):
                body = dict(OTHER_PROFILE)
                del body[key]
                r = self.req('PUT', self.org_url(org, '/profile'), body)
                self.assertPointer(r, 1001, '/' + key)
                self.assertIn(key, r.json['errors'][0]['message'])
            with self.subTest(null=key):
                r = self.req('PUT', self.org_url(org, '/profile'),
                             dict(OTHER_PROFILE, **{key: None}))
                self.assertPointer(r, 1001, '/' + key)
        r = self.req('PUT', self.org_url(org, '/profile'), {})
        self.assertPointer(r, 1001, '/business_address')
        # nothing was changed by the rejected requests
        self.assertOrgProfile(org, PROFILE)
        self.assertOrgIs(org)

    def test_prof_1_5_put_wrong_type(self):
        org = self.create_org('Acme')
        for key in PROFILE_KEYS:
            for bad in (5, 0, 1.5, True, False, [], ['x'], {}, {'v': 'x'}):
                with self.subTest(key=key, value=bad):
                    r = self.req('PUT', self.org_url(org, '/profile'), dict(PROFILE, **{key: bad}))
                    self.assertPointer(r, 1002, '/' + key)
                    self.assertIn(key, r.json['errors'][0]['message'])
        # external_metadata is a string, not an object
        r = self.req('PUT', self.org_url(org, '/profile'),
                     dict(PROFILE, external_metadata={'crm_id': 42}))
        self.assertPointer(r, 1002, '/external_metadata')
        self.assertOrgProfile(org, EMPTY_PROFILE)
        self.assertOrgIs(org)

    def test_prof_1_6_put_body_not_an_object(self):
        org = self.create_org('Acme', profile=PROFILE)
        ct = {'Content-Type': 'application/json'}
        for raw in ('[]', '"x"', '5', 'null', '[%s]' % '{}'):
            with self.subTest(raw=raw):
                self.assertPointer(self.req('PUT', self.org_url(org, '/profile'), raw=raw,
                                            headers=ct), 1002, '')
        for raw in ('', '{', '{"business_name": }', 'business_name=x'):
            with self.subTest(raw=raw):
                r = self.req('PUT', self.org_url(org, '/profile'), raw=raw, headers=ct)
                self.assertError(r, 400, [6007], result_key='absent')
        r = self.req('PUT', self.org_url(org, '/profile'), raw='business_name=x',
                     headers={'Content-Type': 'application/x-www-form-urlencoded'})
        self.assertError(r, 400, [9207], result_key='absent')
        # the profile wrapped in an object is not the profile
        r = self.req('PUT', self.org_url(org, '/profile'), {'profile': OTHER_PROFILE})
        self.assertPointer(r, 1001, '/business_address')
        self.assertOrgProfile(org, PROFILE)

    def test_prof_1_7_unknown_org(self):
        self.assertOrgNotFound(self.req('GET', self.org_url(OTHER_ID, '/profile')), OTHER_ID)
        self.assertOrgNotFound(self.req('PUT', self.org_url(OTHER_ID, '/profile'), PROFILE),
                               OTHER_ID)
        # a malformed id routes nowhere
        for method in ('GET', 'PUT'):
            r = self.req(method, '/organizations/not-an-id/profile',
                         PROFILE if method == 'PUT' else None)
            self.assertError(r, 400, [7003, 7000], result_key='null')
        r = self.req('GET', '/organizations', query={'page_size': 10})
        self.assertEqual(r.json, harness.ok_envelope([], result_info={'total_size': 0}))

    def test_prof_1_8_isolation(self):
        org = self.create_org('A org', profile=PROFILE)
        sub = self.create_org('A sub', parent=org)
        for o in (org, sub):
            with self.subTest(org=o['name']):
                self.assertOrgNotFound(self.req('GET', self.org_url(o, '/profile'), auth=TOKEN_B),
                                       o['id'])
                self.assertOrgNotFound(self.req('PUT', self.org_url(o, '/profile'), OTHER_PROFILE,
                                                auth=TOKEN_B), o['id'])
        self.assertOrgProfile(org, PROFILE)
        self.assertOrgProfile(sub, EMPTY_PROFILE)
        self.assertOrgIs(org)
        self.assertOrgIs(sub)
        # B's own profile does not touch A's
        b = self.create_org('B org', auth=TOKEN_B)
        self.put_org_profile(b, OTHER_PROFILE, auth=TOKEN_B)
        self.assertOrgProfile(b, OTHER_PROFILE, auth=TOKEN_B)
        self.assertOrgNotFound(self.req('GET', self.org_url(b, '/profile')), b['id'])
        self.assertOrgProfile(org, PROFILE)

    def test_prof_1_9_deleted_org_profile_is_gone(self):
        org = self.create_org('Doomed', profile=PROFILE)
        r = self.req('DELETE', '/organizations/' + org['id'])
        self.assertEqual(r.json, harness.ok_envelope({'id': org['id']}))
        self.assertOrgNotFound(self.req('GET', self.org_url(org, '/profile')), org['id'])
        self.assertOrgNotFound(self.req('PUT', self.org_url(org, '/profile'), OTHER_PROFILE),
                               org['id'])
        # a new organization (even with the same name) starts with none
        again = self.create_org('Doomed')
        self.assertNotEqual(again['id'], org['id'])
        self.assertNotIn('profile', again)
        self.assertOrgProfile(again, EMPTY_PROFILE)

    def test_prof_1_10_sub_org_profiles_are_independent(self):
        root = self.create_org('Root')
        mid = self.create_org('Mid', parent=root)
        leaf = self.create_org('Leaf', parent=mid)
        self.put_org_profile(mid, PROFILE)
        self.assertOrgProfile(root, EMPTY_PROFILE)
        self.assertOrgProfile(mid, PROFILE)
        self.assertOrgProfile(leaf, EMPTY_PROFILE)
        self.assertOrgIs(root)
        self.assertOrgIs(dict(mid, profile=PROFILE))
        self.assertOrgIs(leaf)       # parent is {id, name}, no profile
        self.put_org_profile(leaf, OTHER_PROFILE)
        self.assertOrgProfile(mid, PROFILE)
        self.assertOrgProfile(leaf, OTHER_PROFILE)

    def test_prof_1_11_values_kept_exactly(self):
        org = self.create_org('Acme')
        odd = {
            'business_address': 'Straße 1\n80331 München\tDE',
            'business_email': 'ünïcødé@例え.jp',
            'business_name': '  "Quoted" \\ name  ',
            'business_phone': '☎ 0',
            'external_metadata': '{"nested": {"a": [1, 2, {"b": null}]}, "emoji": "🚀"}',
        }
        self.put_org_profile(org, odd)
        self.assertOrgProfile(org, odd)
        self.assertOrgIs(dict(org, profile=odd))
        long = {k: k[0] * n for k, n in PROFILE_MAX.items()}
        self.put_org_profile(org, long)
        self.assertOrgProfile(org, long)

    def test_prof_1_12_empty_strings_are_a_profile(self):
        org = self.create_org('Acme', profile=PROFILE)
        self.put_org_profile(org, EMPTY_PROFILE)
        self.assertOrgProfile(org, EMPTY_PROFILE)
        # the organization still shows a (now empty) profile
        self.assertOrgIs(dict(org, profile=EMPTY_PROFILE))
        created = self.create_org('Empty at create', profile=EMPTY_PROFILE)
        self.assertEqual(created['profile'], EMPTY_PROFILE)
        self.assertOrgIs(created)

    def test_prof_1_13_unknown_fields_ignored(self):
        org = self.create_org('Acme')
        self.put_org_profile(org, dict(PROFILE, website='https://example.com', id=OTHER_ID))
        self.assertOrgProfile(org, PROFILE)
        self.assertOrgIs(dict(org, profile=PROFILE))

    def test_prof_1_14_org_put_does_not_touch_profile(self):
        org = self.create_org('Acme', profile=PROFILE)
        r = self.req('PUT', '/organizations/' + org['id'],
                     {'name': 'Acme 2', 'profile': OTHER_PROFILE})
        self.assertEqual(r.status, 200, r)
        org['name'] = 'Acme 2'
        self.assertEqual(r.json, harness.ok_envelope(org))
        self.assertOrgProfile(org, PROFILE)
        # and a profile PUT does not touch the name or anything else
        self.put_org_profile(org, OTHER_PROFILE)
        self.assertOrgIs(dict(org, profile=OTHER_PROFILE))

    def test_prof_1_15_profile_in_lists(self):
        a = self.create_org('a')
        b = self.create_org('b', profile=PROFILE)
        self.put_org_profile(a, OTHER_PROFILE)
        r = self.req('GET', '/organizations')
        self.assertEqual(r.json, harness.ok_envelope([dict(a, profile=OTHER_PROFILE), b],
                                                     result_info={'total_size': 2}))

    def test_prof_1_16_profile_survives_a_restart(self):
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            db = os.path.join(d, 'cfmock.db')
            srv = harness.Server(db=db)
            try:
                org = srv.request('POST', '/organizations', {'name': 'Acme'}).json['result']
                r = srv.request('PUT', self.org_url(org, '/profile'), PROFILE)
                self.assertEqual(r.status, 204, r)
            finally:
                self.assertEqual(srv.stop(), 0)
            srv = harness.Server(db=db)
            try:
                r = srv.request('GET', self.org_url(org, '/profile'))
                self.assertEqual(r.json, harness.ok_envelope(PROFILE))
                r = srv.request('GET', '/organizations/' + org['id'])
                self.assertEqual(r.json, harness.ok_envelope(dict(org, profile=PROFILE)))
            finally:
                self.assertEqual(srv.stop(), 0)


if __name__ == '__main__':
    harness.main()
