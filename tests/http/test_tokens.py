"""test_tokens.py: API token verification in open mode, GET
/user/tokens/verify and GET /accounts/{id}/tokens/verify (CONTRACT.md 0.14
and 4.3; the README's "Token verify" and "Credentials and who sees what"):
the token's id, an account seen directly or through a membership, and the
credentials that are not a token (1001) or are malformed. These are IAM
routes: every error carries "result": null. Verifying against fixtures
(--auth strict, disabled and expired tokens) is in test_users.py.

Every test gets a fresh server (seed 1, fake clock); results are compared
whole wherever practical. The helpers come from helpers.py."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import TOKEN_B  # noqa: E402
from helpers import (ApiTest, ADMIN, ALICE_KEY, BAD_IDS, MISSING_AUTH, UNKNOWN_ID,  # noqa: E402
                     email_headers, listed)


# ---------------------------------------------------------------------------
# Token verify, open mode


class Verify(ApiTest):
    def test_user_3_1_valid_token(self):
        r = self.req('GET', '/user/tokens/verify')
        tid = self.assertVerified(r)
        # stable across calls; another token has another id
        self.assertVerified(self.req('GET', '/user/tokens/verify'), tid)
        tid_b = self.assertVerified(self.req('GET', '/user/tokens/verify', auth=TOKEN_B))
        self.assertNotEqual(tid, tid_b)
        self.assertVerified(self.req('GET', '/user/tokens/verify'), tid)
        # not the user's id
        self.assertNotEqual(tid, self.get_user()['id'])
        # a token verified before any other call is a user too, created on first use
        tid_c = self.assertVerified(self.req('GET', '/user/tokens/verify', auth='fresh-token'))
        self.assertNotIn(tid_c, (tid, tid_b))
        self.assertEqual(self.req('GET', '/organizations', auth='fresh-token').json, listed([]))

    def test_user_3_2_account_verify(self):
        org = self.create_org('Org')
        a = self.create_account('a', org=org)
        s = self.create_account('s')
        tid = self.assertVerified(self.req('GET', '/user/tokens/verify'))
        for acct in (a, s):
            r = self.req('GET', '/accounts/%s/tokens/verify' % acct['id'])
            self.assertVerified(r, tid)
        # an account the token's user does not see, or that does not exist
        b = self.create_account('b', auth=TOKEN_B)
        gone = self.create_account('gone')
        self.assertEqual(self.req('DELETE', self.url(gone)).status, 200)
        for aid in (b['id'], UNKNOWN_ID, gone['id'], org['id']):
            with self.subTest(account=aid):
                self.assertNotFound(self.req('GET', '/accounts/%s/tokens/verify' % aid), aid)
        for bad in BAD_IDS:
            with self.subTest(account=bad):
                r = self.req('GET', '/accounts/%s/tokens/verify' % bad)
                self.assertError(r, 400, [7003, 7000], result_key='null')
        # B's token verifies on B's account, with B's token id
        tid_b = self.assertVerified(self.req('GET', '/user/tokens/verify', auth=TOKEN_B))
        self.assertVerified(self.req('GET', '/accounts/%s/tokens/verify' % b['id'],
                                     auth=TOKEN_B), tid_b)

    def test_user_3_3_account_verify_through_memberships(self):
        org = self.create_org('Org')
        a = self.create_account('a', org=org)
        s = self.create_account('s')
        b_email = self.get_user(TOKEN_B)['email']
        self.assertNotFound(self.req('GET', '/accounts/%s/tokens/verify' % a['id'],
                                     auth=TOKEN_B), a['id'])
        # B's user, found by its email, as an organization member
        m = self.add(org, b_email)
        self.assertEqual(m['user']['id'], self.get_user(TOKEN_B)['id'])
        self.assertVerified(self.req('GET', '/accounts/%s/tokens/verify' % a['id'], auth=TOKEN_B))
        self.assertNotFound(self.req('GET', '/accounts/%s/tokens/verify' % s['id'],
                                     auth=TOKEN_B), s['id'])
        # and as an accepted account member
        r = self.req('POST', '/accounts/%s/members' % s['id'],
                     {'email': b_email, 'status': 'accepted', 'roles': [ADMIN]})
        self.assertEqual(r.status, 200, r)
        self.assertVerified(self.req('GET', '/accounts/%s/tokens/verify' % s['id'], auth=TOKEN_B))

    def test_user_3_4_other_credentials_are_1001(self):
        a = self.create_account('a', auth='ops@example.com')
        for headers in (email_headers('ops@example.com'),
                        email_headers('ops@example.com', ALICE_KEY),
                        {'X-Auth-User-Service-Key': 'v1.0-0123456789abcdef-ffff'}):
            for path in ('/user/tokens/verify', '/accounts/%s/tokens/verify' % a['id']):
                with self.subTest(headers=headers, path=path):
                    r = self.srv.request('GET', path, auth=None, headers=headers)
                    self.assertMissingAuthz(r)

    def test_user_3_5_missing_or_malformed_credentials(self):
        a = self.create_account('a')
        for path in ('/user/tokens/verify', '/accounts/%s/tokens/verify' % a['id']):
            with self.subTest(path=path):
                r = self.srv.request('GET', path, auth=None)
                self.assertEqual(r.json, MISSING_AUTH)
                self.assertEqual(r.status, 400)
                for value in ('Bearer ', 'Basic dXNlcjpwYXNz', 'Bearer two words'):
                    r = self.srv.request('GET', path, auth=None, headers={'Authorization': value})
                    self.assertError(r, 400, [6003], result_key='null')
                    self.assertEqual(r.json['errors'][0]['error_chain'],
                                     [{'code': 6111,
                                       'message': 'Invalid format for Authorization header'}])
                r = self.srv.request('GET', path, auth=None,
                                     headers={'X-Auth-Email': 'ops@example.com',
                                              'X-Auth-Key': 'Zb1x-ThisIsAnApiTokenNotAKey_0123'})
                self.assertError(r, 400, [6003], result_key='null')


if __name__ == '__main__':
    harness.main()
