"""test_memberships.py: the user's side of account membership
(CONTRACT.md 10.1, 10.2, 12.1; README "Memberships and invitations"):
GET/PUT/DELETE /memberships and GET/PATCH /user/invites. A member added
to an account is the invitee's pending membership and invitation, with
the member's id; accepting it shows the account in the invitee's
/accounts, rejecting keeps it listed but gives no access, leaving removes
the member; another user's id is 404. An account-owned token on
/memberships answers 400 / 9106, as wrangler expects.

Every test gets a fresh server (seed 1, fake clock)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import TOKEN_B  # noqa: E402
from helpers import ADMIN, ADMIN_RO, ApiTest, UNKNOWN_ID  # noqa: E402

BOB = 'bob@example.com'


class Memberships(ApiTest):
    def setUp(self):
        super().setUp()
        self.acct = self.create_account('Acme')
        r = self.req('POST', self.url(self.acct, '/members'),
                     {'email': BOB, 'roles': [ADMIN, ADMIN_RO]})
        self.assertEqual(r.status, 200, r)
        self.member = r.json['result']
        self.bob = self.req('GET', '/user', auth=BOB).json['result']['id']

    def membership(self, status):
        return {'id': self.member['id'], 'account': self.acct, 'status': status,
                'roles': ['Administrator', 'Administrator Read Only'],
                'permissions': {k: {'read': True, 'write': k != 'billing'} for k in (
                    'analytics', 'billing', 'cache_purge', 'dns', 'dns_records', 'lb', 'logs',
                    'organization', 'ssl', 'waf', 'zone_settings', 'zones')},
                'policies': [], 'api_access_enabled': None}

    def test_mem_1_1_an_added_member_is_a_pending_membership_and_invitation(self):
        env = self.list_envelope('/memberships', auth=BOB)
        self.assertEqual(env['result'], [self.membership('pending')])
        self.assertEqual(env['result_info'], {'page': 1, 'per_page': 20, 'count': 1,
                                              'total_count': 1, 'total_pages': 1})
        self.assertGetAnswers('/memberships/' + self.member['id'], self.membership('pending'),
                              auth=BOB)
        inv = self.list_envelope('/user/invites', auth=BOB)['result']
        self.assertEqual(len(inv), 1)
        i = inv[0]
        self.assertEqual({k: i[k] for k in ('id', 'invited_member_id', 'invited_member_email',
                                             'organization_id', 'organization_name', 'roles',
                                             'status')},
                         {'id': self.member['id'], 'invited_member_id': self.bob,
                          'invited_member_email': BOB, 'organization_id': self.acct['id'],
                          'organization_name': 'Acme',
                          'roles': ['Administrator', 'Administrator Read Only'],
                          'status': 'pending'})
        self.assertGreater(i['expires_on'], i['invited_on'])
        self.assertGetAnswers('/user/invites/' + i['id'], i, auth=BOB)
        # pending: no access
        self.assertEqual(self.list_envelope('/accounts', auth=BOB)['result'], [])
        self.assertError(self.req('GET', self.url(self.acct), auth=BOB), 404, [1201])
        # the owner's own membership
        mine = self.list_envelope('/memberships')['result']
        self.assertEqual([(m['status'], m['roles']) for m in mine],
                         [('accepted', ['Super Administrator - All Privileges'])])

    def test_mem_1_2_accept(self):
        r = self.req('PUT', '/memberships/' + self.member['id'], {'status': 'accepted'}, auth=BOB)
        self.assertEqual(r.json, harness.ok_envelope(self.membership('accepted')))
        self.assertEqual(self.list_envelope('/accounts', auth=BOB)['result'], [self.acct])
        self.assertEqual(self.req('GET', self.url(self.acct), auth=BOB).status, 200)
        # the account's view says so too; no invitation is left
        r = self.req('GET', self.aurl(self.acct, self.member))
        self.assertEqual(r.json['result']['status'], 'accepted')
        self.assertEqual(self.list_envelope('/user/invites', auth=BOB)['result'], [])
        # the same again is a no-op; the other way is refused
        r = self.req('PUT', '/memberships/' + self.member['id'], {'status': 'accepted'}, auth=BOB)
        self.assertEqual(r.status, 200)
        r = self.req('PUT', '/memberships/' + self.member['id'], {'status': 'rejected'}, auth=BOB)
        self.assertError(r, 400, [1003])
        self.assertEqual(r.json['errors'][0]['source'], {'pointer': '/status'})

    def test_mem_1_3_reject_through_the_invitation(self):
        r = self.req('PATCH', '/user/invites/' + self.member['id'], {'status': 'rejected'},
                     auth=BOB)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json['result']['status'], 'rejected')
        self.assertEqual(self.list_envelope('/memberships', auth=BOB)['result'],
                         [self.membership('rejected')])
        self.assertEqual(self.list_envelope('/accounts', auth=BOB)['result'], [])
        env = self.list_envelope('/memberships', auth=BOB, query={'status': 'accepted'})
        self.assertEqual(env['result'], [])

    def test_mem_1_4_leave(self):
        self.req('PUT', '/memberships/' + self.member['id'], {'status': 'accepted'}, auth=BOB)
        r = self.req('DELETE', '/memberships/' + self.member['id'], auth=BOB)
        self.assertEqual(r.json, harness.ok_envelope({'id': self.member['id']}))
        self.assertEqual(self.list_envelope('/memberships', auth=BOB)['result'], [])
        self.assertEqual(self.list_envelope('/accounts', auth=BOB)['result'], [])
        self.assertError(self.req('GET', self.aurl(self.acct, self.member)), 404, [1301])

    def test_mem_1_5_another_users_membership_is_not_there(self):
        mid = self.member['id']
        for method, path, body in (('GET', '/memberships/' + mid, None),
                                   ('PUT', '/memberships/' + mid, {'status': 'accepted'}),
                                   ('DELETE', '/memberships/' + mid, None),
                                   ('GET', '/user/invites/' + mid, None),
                                   ('PATCH', '/user/invites/' + mid, {'status': 'accepted'}),
                                   ('GET', '/memberships/' + UNKNOWN_ID, None)):
            with self.subTest(method=method, path=path):
                self.assertError(self.req(method, path, body, auth=TOKEN_B), 404, [1306])
        self.assertEqual(self.req('GET', '/memberships/' + mid, auth=BOB).json['result']['status'],
                         'pending')

    def test_mem_1_6_filters_order_paging_and_bad_input(self):
        for i in range(6):
            a = self.create_account('Z%d' % i)
            self.req('POST', self.url(a, '/members'), {'email': BOB, 'roles': [ADMIN]})
        env = self.list_envelope('/memberships', auth=BOB, query={'per_page': 5, 'page': 2,
                                                                   'order': 'account.name',
                                                                   'direction': 'desc'})
        self.assertEqual([m['account']['name'] for m in env['result']], ['Z0', 'Acme'])
        self.assertEqual(env['result_info'], {'page': 2, 'per_page': 5, 'count': 2,
                                              'total_count': 7, 'total_pages': 2})
        self.assertEqual(self.list_envelope('/memberships', auth=BOB,
                                            query={'page': 3, 'per_page': 5})['result'], [])
        for q in ({'account.name': 'z3'}, {'name': 'Z3'}):
            env = self.list_envelope('/memberships', auth=BOB, query=q)
            self.assertEqual([m['account']['name'] for m in env['result']], ['Z3'])
        for q in ({'status': 'maybe'}, {'order': 'name'}, {'direction': 'up'}):
            with self.subTest(q=q):
                self.assertError(self.req('GET', '/memberships', auth=BOB, query=q), 400, [1004])
        for body in ({}, {'status': 'pending'}, {'status': 1}):
            with self.subTest(body=body):
                r = self.req('PUT', '/memberships/' + self.member['id'], body, auth=BOB)
                self.assertEqual(r.status, 400, r)
        self.assertEqual(len(self.list_envelope('/user/invites', auth=BOB)['result']), 7)

    def test_mem_1_7_tokens_and_memberships(self):
        s = self.req('POST', self.url(self.acct, '/tokens'), {'name': 'a', 'policies': [{
            'effect': 'allow', 'permission_groups': [{'id': 'c1fde68c7bcc44588cbb6ddbc16d6480'}],
            'resources': {'com.cloudflare.api.account.' + self.acct['id']: '*'}}]}
        ).json['result']['value']
        self.assertError(self.req('GET', '/memberships', auth=s), 400, [9106])
        self.assertError(self.req('GET', '/user/invites', auth=s), 403, [9109])
        me = 'com.cloudflare.api.user.' + self.user_id()
        t = self.req('POST', '/user/tokens', {'name': 'u', 'policies': [{
            'effect': 'allow', 'permission_groups': [{'id': '8acbe5bb0d54464ab867149d7f7cf8ac'}],
            'resources': {me: '*'}}]}).json['result']['value']
        self.assertError(self.req('GET', '/memberships', auth=t), 403, [10000])
        t = self.req('POST', '/user/tokens', {'name': 'm', 'policies': [{
            'effect': 'allow', 'permission_groups': [{'id': '3518d0f75557482e952c6762d3e64903'}],
            'resources': {me: '*'}}]}).json['result']['value']
        got = self.list_envelope('/memberships', auth=t)['result']
        self.assertEqual([m['account']['id'] for m in got], [self.acct['id']])
        self.assertEqual(got[0]['roles'], ['Super Administrator - All Privileges'])

    def test_mem_1_8_a_members_token_ends_with_the_membership(self):
        # a user token never exceeds its owner: once bob is no longer an
        # accepted member, his token no longer reaches the account
        self.req('PUT', '/memberships/' + self.member['id'], {'status': 'accepted'}, auth=BOB)
        t = self.req('POST', '/user/tokens', {'name': 'b', 'policies': [{
            'effect': 'allow', 'permission_groups': [{'id': 'c1fde68c7bcc44588cbb6ddbc16d6480'}],
            'resources': {'com.cloudflare.api.account.' + self.acct['id']: '*'}}]},
            auth=BOB).json['result']['value']
        self.assertEqual(self.req('GET', self.url(self.acct), auth=t).json['result'], self.acct)
        self.assertEqual(self.list_envelope('/accounts', auth=t)['result'], [self.acct])
        r = self.req('DELETE', self.aurl(self.acct, self.member))
        self.assertEqual(r.status, 200, r)
        self.assertError(self.req('GET', self.url(self.acct), auth=t), 404, [1201])
        self.assertEqual(self.list_envelope('/accounts', auth=t)['result'], [])
        self.assertEqual(self.req('GET', '/user/tokens/verify', auth=t).status, 200)


class LegacyOrganizations(Memberships):
    """GET/DELETE /user/organizations (CONTRACT.md 10.6): the caller's
    accepted and pending memberships as the older "organizations"."""

    def org(self, status):
        perms = []
        for k in ('analytics', 'billing', 'cache_purge', 'dns', 'dns_records', 'lb', 'logs',
                  'organization', 'ssl', 'waf', 'zone_settings', 'zones'):
            perms.append('#%s:read' % k)
            if k != 'billing':
                perms.append('#%s:edit' % k)
        return {'id': self.acct['id'], 'name': 'Acme', 'permissions': perms,
                'roles': ['Administrator', 'Administrator Read Only'], 'status': status}

    def test_mem_2_1_pending_is_invited_accepted_is_member(self):
        env = self.list_envelope('/user/organizations', auth=BOB)
        self.assertEqual(env['result'], [self.org('invited')])
        self.assertEqual(env['result_info'], {'page': 1, 'per_page': 20, 'count': 1,
                                              'total_count': 1, 'total_pages': 1})
        self.assertGetAnswers('/user/organizations/' + self.acct['id'], self.org('invited'),
                              auth=BOB)
        self.req('PUT', '/memberships/' + self.member['id'], {'status': 'accepted'}, auth=BOB)
        self.assertGetAnswers('/user/organizations/' + self.acct['id'], self.org('member'),
                              auth=BOB)
        # the owner's own, and its filters
        other = self.create_account('Beta')
        mine = self.list_envelope('/user/organizations', {'order': 'name',
                                                          'direction': 'desc'})['result']
        self.assertEqual([(o['name'], o['status'], o['roles']) for o in mine],
                         [('Beta', 'member', ['Super Administrator - All Privileges']),
                          ('Acme', 'member', ['Super Administrator - All Privileges'])])
        self.assertEqual([o['id'] for o in self.list_envelope(
            '/user/organizations', {'name': 'beta'})['result']], [other['id']])
        self.assertEqual(self.list_envelope('/user/organizations',
                                            {'status': 'invited'})['result'], [])
        either = self.list_envelope('/user/organizations', {'status': 'invited', 'name': 'Beta',
                                                            'match': 'any'})['result']
        self.assertEqual([o['id'] for o in either], [other['id']])
        both = self.list_envelope('/user/organizations', {'status': 'invited', 'name': 'Beta',
                                                          'match': 'all'})['result']
        self.assertEqual(both, [])

    def test_mem_2_2_rejected_is_not_listed_and_leaving_removes(self):
        self.req('PATCH', '/user/invites/' + self.member['id'], {'status': 'rejected'}, auth=BOB)
        self.assertEqual(self.list_envelope('/user/organizations', auth=BOB)['result'], [])
        self.assertError(self.req('GET', '/user/organizations/' + self.acct['id'], auth=BOB),
                         404, [1101])
        r = self.req('DELETE', '/user/organizations/' + self.acct['id'], auth=BOB)
        self.assertEqual(r.json, harness.ok_envelope({'id': self.acct['id']}))
        self.assertError(self.req('GET', self.aurl(self.acct, self.member)), 404, [1301])
        self.assertError(self.req('DELETE', '/user/organizations/' + self.acct['id'], auth=BOB),
                         404, [1101])
        # another user's account is no organization of theirs
        self.assertError(self.req('GET', '/user/organizations/' + self.acct['id'],
                                  auth=TOKEN_B), 404, [1101])
        self.assertError(self.req('GET', '/user/organizations/' + UNKNOWN_ID), 404, [1101])

    def test_mem_2_3_bad_query(self):
        for q in ({'status': 'accepted'}, {'order': 'created'}, {'match': 'some'},
                  {'direction': 'up'}, {'per_page': 'x'}):
            with self.subTest(q=q):
                r = self.req('GET', '/user/organizations', query=q, auth=BOB)
                self.assertError(r, 400, [1004])
                self.assertEqual(r.json['errors'][0]['source'], {'parameter': list(q)[0]})


if __name__ == '__main__':
    harness.main()
