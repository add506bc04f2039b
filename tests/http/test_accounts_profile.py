"""test_accounts_profile.py: the account profile, GET and PUT
/accounts/{id}/profile (CONTRACT.md 4.2; the README's "Accounts" section)
over HTTP: empty strings until set, the round trip, validation, unknown and
invisible accounts, and that it is the account's own. The organization
profile is in test_organizations_profile.py.

Every test gets a fresh server (seed 1, fake clock); results are compared
whole wherever practical. The helpers come from helpers.py."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from helpers import (ApiTest, EMPTY_PROFILE, JSON_CT, OTHER_PROFILE, PROFILE,  # noqa: E402
                     PROFILE_KEYS, UNKNOWN_ID)


# ---------------------------------------------------------------------------
# GET/PUT /accounts/{id}/profile


class Profiles(ApiTest):
    def test_acc_6_1_empty_strings_until_set(self):
        org = self.create_org('Org', profile=PROFILE)
        a = self.create_account('a', org=org)
        s = self.create_account('s')
        for acct in (a, s):
            self.assertProfile(acct, EMPTY_PROFILE)
        # the organization's profile is its own
        self.assertEqual(self.get_org(org['id'])['profile'], PROFILE)

    def test_acc_6_2_put_get_round_trip(self):
        a = self.create_account('a')
        r = self.put_profile(a, PROFILE)
        self.assertIsNone(r.json)
        self.assertProfile(a, PROFILE)
        self.put_profile(a, OTHER_PROFILE)
        self.assertProfile(a, OTHER_PROFILE)
        self.put_profile(a, EMPTY_PROFILE)
        self.assertProfile(a, EMPTY_PROFILE)
        odd = {
            'business_address': 'Straße 1\n80331 München\tDE',
            'business_email': 'ünïcødé@例え.jp',
            'business_name': '  "Quoted" \\ name  ',
            'business_phone': '☎ 0',
            'external_metadata': '{"nested": {"a": [1, 2, {"b": null}]}, "emoji": "🚀"}',
        }
        self.put_profile(a, dict(odd, website='https://example.com'))   # unknown keys ignored
        self.assertProfile(a, odd)
        # the profile is not part of the account object
        self.assertGetIs(a)
        self.assertEqual(self.all_accounts(), [a])

    def test_acc_6_3_put_missing_field(self):
        a = self.create_account('a')
        self.put_profile(a, PROFILE)
        for key in PROFILE_KEYS:
            with self.subTest(missing=key):
                body = dict(OTHER_PROFILE)
                del body[key]
                r = self.req('PUT', self.url(a, '/profile'), body)
                self.assertFieldError(r, 1001, '/' + key, 'absent')
            with self.subTest(null=key):
                r = self.req('PUT', self.url(a, '/profile'), dict(OTHER_PROFILE, **{key: None}))
                self.assertFieldError(r, 1001, '/' + key, 'absent')
        r = self.req('PUT', self.url(a, '/profile'), {})
        self.assertFieldError(r, 1001, '/business_address', 'absent')
        r = self.req('PUT', self.url(a, '/profile'), {'profile': OTHER_PROFILE})
        self.assertFieldError(r, 1001, '/business_address', 'absent')
        self.assertProfile(a, PROFILE)

    def test_acc_6_4_put_wrong_type(self):
        a = self.create_account('a')
        for key in PROFILE_KEYS:
            for bad in (5, 1.5, True, [], ['x'], {}, {'v': 'x'}):
                with self.subTest(key=key, value=bad):
                    r = self.req('PUT', self.url(a, '/profile'), dict(PROFILE, **{key: bad}))
                    self.assertFieldError(r, 1002, '/' + key, 'absent')
        self.assertProfile(a, EMPTY_PROFILE)

    def test_acc_6_5_put_body_not_an_object(self):
        a = self.create_account('a')
        self.put_profile(a, PROFILE)
        for raw in ('[]', '"x"', '5', 'null'):
            with self.subTest(raw=raw):
                r = self.req('PUT', self.url(a, '/profile'), raw=raw, headers=JSON_CT)
                self.assertFieldError(r, 1002, '', 'absent')
        for raw in ('', '{', 'business_name=x'):
            with self.subTest(raw=raw):
                r = self.req('PUT', self.url(a, '/profile'), raw=raw, headers=JSON_CT)
                self.assertError(r, 400, [6007], result_key='absent')
        r = self.req('PUT', self.url(a, '/profile'), raw='{}',
                     headers={'Content-Type': 'text/plain'})
        self.assertError(r, 400, [9207], result_key='absent')
        self.assertProfile(a, PROFILE)

    def test_acc_6_6_unknown_account(self):
        for method, body in (('GET', None), ('PUT', PROFILE)):
            r = self.req(method, self.url(UNKNOWN_ID, '/profile'), body)
            self.assertNotFound(r, UNKNOWN_ID, 'absent')
        org = self.create_org('Org')
        r = self.req('GET', self.url(org['id'], '/profile'))
        self.assertNotFound(r, org['id'], 'absent')

    def test_acc_6_7_profile_goes_with_the_account(self):
        a = self.create_account('Doomed')
        self.put_profile(a, PROFILE)
        self.assertEqual(self.req('DELETE', self.url(a)).status, 200)
        self.assertNotFound(self.req('GET', self.url(a, '/profile')), a['id'], 'absent')
        self.assertNotFound(self.req('PUT', self.url(a, '/profile'), OTHER_PROFILE), a['id'],
                            'absent')
        again = self.create_account('Doomed')
        self.assertProfile(again, EMPTY_PROFILE)

    def test_acc_6_8_profiles_are_independent(self):
        org = self.create_org('Org')
        a = self.create_account('a', org=org)
        b = self.create_account('b', org=org)
        self.put_profile(a, PROFILE)
        self.assertProfile(b, EMPTY_PROFILE)
        r = self.req('GET', '/organizations/%s/profile' % org['id'])
        self.assertEqual(r.json, harness.ok_envelope(EMPTY_PROFILE))
        r = self.req('PUT', '/organizations/%s/profile' % org['id'], OTHER_PROFILE)
        self.assertEqual(r.status, 204, r)
        self.assertProfile(a, PROFILE)
        self.assertProfile(b, EMPTY_PROFILE)
        self.put_profile(b, OTHER_PROFILE)
        self.assertProfile(a, PROFILE)
        self.assertProfile(b, OTHER_PROFILE)
        self.assertOrgAccounts(org, [a, b])

    def test_acc_6_9_account_put_does_not_touch_profile(self):
        a = self.create_account('a')
        self.put_profile(a, PROFILE)
        r = self.put_account(a, {'name': 'b', 'type': 'standard', 'profile': OTHER_PROFILE})
        a['name'] = 'b'
        self.assertEqual(r.json, harness.ok_envelope(a))
        self.assertProfile(a, PROFILE)


if __name__ == '__main__':
    harness.main()
