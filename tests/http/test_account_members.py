"""test_account_members.py: account members (GET/POST
/accounts/{id}/members, GET/PUT/DELETE /accounts/{id}/members/{member_id};
CONTRACT.md 0.3, 0.13 and 4.3, the README's "Account members"): the
creator as first member, adding with roles or policies, page-numbered
lists with status, order and direction, replacing roles, removing, what an
accepted member sees, that deleting an account removes its members, and
routing. These are IAM routes: every error carries "result": null. The
roles themselves are in test_roles.py.

Every test gets a fresh server (seed 1, fake clock); results are compared
whole wherever practical. The helpers come from helpers.py."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import TOKEN_A, TOKEN_B  # noqa: E402
from helpers import (ApiTest, ADMIN, ADMIN_RO, ANALYTICS, BAD_IDS, BILLING,  # noqa: E402
                     CACHE_PURGE, DENY, DNS, JSON_CT, OTHER_ID, POLICY, PROFILE, SUPER_ADMIN,
                     MAGIC_NM, UNKNOWN_ID, ZONE_READ, account_member, answered, in_account,
                     listed, org_unseen, page_info, permission_group, resource_group,
                     resource_group_id)


# ---------------------------------------------------------------------------
# The creator


class Creator(ApiTest):
    def test_am_1_1_creator_is_the_first_member(self):
        a = self.create_account('a')
        c = self.creator(a)
        me = self.me()
        self.assertEqual(c['user']['id'], me['id'])
        self.assertEqual(c['email'], me['email'])
        self.assertEqual(c['status'], 'accepted')
        self.assertEqual([r['name'] for r in c['roles']], ['Super Administrator - All Privileges'])
        self.assertEqual(c['policies'], [])
        self.assertEqual(set(c), {'id', 'email', 'status', 'user', 'roles', 'policies'})
        self.assertEqual(self.list_am(a), harness.ok_envelope(
            [c], result_info=page_info(1, 20, 1, 1)))
        self.assertAMemberIs(a, c)

    def test_am_1_2_every_account_has_its_own_creator_member(self):
        org = self.create_org('Org')
        a = self.create_account('a', org=org)
        s = self.create_account('s')
        ca, cs = self.creator(a), self.creator(s)
        self.assertNotEqual(ca['id'], cs['id'])
        self.assertEqual(ca['user'], cs['user'])
        # a member of one is not a member of the other
        self.assertAmNotFound(self.req('GET', self.aurl(s, ca)), ca['id'])
        # an account made by an email user: that user
        r = self.req('POST', '/accounts', {'name': 'e'}, auth='owner@example.com')
        self.assertEqual(r.status, 200, r)
        e = r.json['result']
        ce = self.creator(e, auth='owner@example.com')
        self.assertEqual(ce['email'], 'owner@example.com')
        self.assertEqual(ce['user']['id'], self.user_id('owner@example.com'))

    def test_am_1_3_creator_names_follow_patch_user(self):
        a = self.create_account('a')
        self.patch_user({'first_name': 'Ada', 'last_name': 'Lovelace'})
        c = self.creator(a)
        self.assertEqual((c['user']['first_name'], c['user']['last_name']), ('Ada', 'Lovelace'))
        self.patch_user({'first_name': None})
        c = self.creator(a)
        self.assertEqual((c['user']['first_name'], c['user']['last_name']), (None, 'Lovelace'))


# ---------------------------------------------------------------------------
# POST /accounts/{id}/members


class Add(ApiTest):
    def test_am_2_1_add_pending_by_default_with_roles(self):
        a = self.create_account('a')
        c = self.creator(a)
        m = self.add_am(a, 'bob@example.com', roles=[ADMIN])
        self.assertEqual(m['status'], 'pending')
        self.assertEqual(m['email'], 'bob@example.com')
        self.assertEqual([r['id'] for r in m['roles']], [ADMIN])
        self.assertEqual(m['roles'][0]['name'], 'Administrator')
        self.assertAMemberIs(a, m)
        self.assertAMembers(a, [c, m])
        self.assertNotEqual(m['id'], m['user']['id'])

    def test_am_2_2_add_accepted_with_several_roles(self):
        a = self.create_account('a')
        c = self.creator(a)
        m = self.add_am(a, 'bob@example.com', 'accepted', roles=[ADMIN_RO, BILLING, DNS])
        p = self.add_am(a, 'pat@example.com', 'pending', roles=[ANALYTICS, CACHE_PURGE])
        self.assertAMembers(a, [c, m, p])
        self.assertEqual([r['name'] for r in m['roles']],
                         ['Administrator Read Only', 'Billing', 'DNS'])

    def test_am_2_3_add_with_policies_kept_as_given(self):
        a = self.create_account('a')
        c = self.creator(a)
        pols = [in_account(POLICY, a), DENY]
        m = self.add_am(a, 'bob@example.com', 'accepted', policies=pols)
        self.assertEqual(m['roles'], [])
        self.assertEqual(m['policies'], answered(pols, a))
        self.assertAMemberIs(a, m)
        self.assertAMembers(a, [c, m])

    def test_am_2_3b_groups_are_answered_in_their_whole_shape(self):
        """A policy's groups are stored by id and answered from the IAM
        catalogue and the account's resource group: a name, meta or scope
        sent with them is not kept."""
        a = self.create_account('a')
        m = self.add_am(a, 'bob@example.com', 'accepted', policies=[in_account(POLICY, a)])
        self.assertEqual(m['policies'][0]['resource_groups'], [resource_group(a)])
        self.assertEqual(m['policies'][0]['permission_groups'],
                         [permission_group(ZONE_READ), permission_group(MAGIC_NM)])
        zone = {'key': 'com.cloudflare.api.account.' + a['id'],
                'objects': [{'key': 'com.cloudflare.api.account.zone.' + OTHER_ID}]}
        dressed = dict(POLICY,
                       permission_groups=[{'id': ZONE_READ, 'name': 'Mine',
                                           'meta': {'key': 'label', 'value': 'mine'}}],
                       resource_groups=[{'id': resource_group_id(a), 'scope': zone,
                                         'name': 'x'}])
        p = self.add_am(a, 'pat@example.com', 'accepted', policies=[dressed])
        plain = in_account(dict(POLICY, permission_groups=[{'id': ZONE_READ}]), a)
        self.assertEqual(p['policies'], answered([plain], a))
        self.assertAMemberIs(a, p)

    def test_am_2_4_user_found_by_email_or_created(self):
        a = self.create_account('a')
        bob = self.me('bob@example.com')
        m = self.add_am(a, 'bob@example.com', roles=[DNS])
        self.assertEqual(m['user']['id'], bob['id'])
        r = self.req('POST', self.aurl(a), {'email': 'New.User@Example.com', 'roles': [DNS]})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json['result']['user']['id'], self.user_id('new.user@example.com'))
        # the same user in an organization and in another account
        org = self.create_org('Org')
        om = self.add(org, 'bob@example.com', user=bob['id'])
        s = self.create_account('s')
        self.assertEqual(self.add_am(s, 'bob@example.com', roles=[])['user']['id'],
                         om['user']['id'])

    def test_am_2_5_same_user_twice_is_1302(self):
        a = self.create_account('a')
        c = self.creator(a)
        m = self.add_am(a, 'bob@example.com', roles=[ADMIN])
        p = self.add_am(a, 'pat@example.com', 'accepted', policies=[POLICY])
        before = self.world()
        for body in ({'email': 'bob@example.com', 'roles': [ADMIN]},
                     {'email': 'BOB@Example.COM', 'roles': [DNS], 'status': 'accepted'},
                     {'email': 'pat@example.com', 'policies': [DENY]},
                     {'email': c['email'], 'roles': [BILLING]}):
            with self.subTest(body=body):
                r = self.req('POST', self.aurl(a), body)
                self.assertError(r, 400, [1302], result_key='null')
                self.assertIn('is already a member of', r.json['errors'][0]['message'])
        self.assertEqual(self.world(), before)
        self.assertAMembers(a, [c, m, p])
        # another account is another matter
        s = self.create_account('s')
        self.add_am(s, 'bob@example.com', roles=[ADMIN])

    def test_am_2_6_body_validation(self):
        a = self.create_account('a')
        c = self.creator(a)
        before = self.world()
        email90 = 'x' * 78 + '@example.com'
        self.assertEqual(len(email90), 90)
        ok = {'email': 'new@example.com', 'roles': [ADMIN]}

        def with_policy(**kw):
            pol = dict(POLICY)
            for k, v in kw.items():
                if v is KeyError:
                    del pol[k]
                else:
                    pol[k] = v
            return {'email': 'new@example.com', 'policies': [pol]}

        cases = [
            ({'roles': [ADMIN]}, 1001, '/email'),
            ({'email': None, 'roles': [ADMIN]}, 1001, '/email'),
            ({'email': 5, 'roles': [ADMIN]}, 1002, '/email'),
            ({'email': ['new@example.com'], 'roles': [ADMIN]}, 1002, '/email'),
            ({'email': '', 'roles': [ADMIN]}, 1003, '/email'),
            ({'email': 'no-at-sign', 'roles': [ADMIN]}, 1003, '/email'),
            ({'email': 'x' + email90, 'roles': [ADMIN]}, 1003, '/email'),
            (dict(ok, status='rejected'), 1003, '/status'),
            (dict(ok, status='active'), 1003, '/status'),
            (dict(ok, status='Accepted'), 1003, '/status'),
            (dict(ok, status=''), 1003, '/status'),
            (dict(ok, status=5), 1002, '/status'),
            (dict(ok, status=True), 1002, '/status'),
            (dict(ok, roles=ADMIN), 1002, '/roles'),
            (dict(ok, roles={'id': ADMIN}), 1002, '/roles'),
            (dict(ok, roles=[5]), 1002, '/roles/0'),
            (dict(ok, roles=[ADMIN, None]), 1002, '/roles/1'),
            (dict(ok, roles=[UNKNOWN_ID]), 1003, '/roles/0'),
            (dict(ok, roles=[ADMIN, 'nope']), 1003, '/roles/1'),
            (dict(ok, roles=[ADMIN, DNS, ADMIN.upper()]), 1003, '/roles/2'),
            ({'email': 'new@example.com', 'policies': POLICY}, 1002, '/policies'),
            ({'email': 'new@example.com', 'policies': [POLICY, 'x']}, 1002, '/policies/1'),
            (with_policy(access=KeyError), 1001, '/policies/0/access'),
            (with_policy(access='maybe'), 1003, '/policies/0/access'),
            (with_policy(access='ALLOW'), 1003, '/policies/0/access'),
            (with_policy(access=1), 1002, '/policies/0/access'),
            (with_policy(id=5), 1002, '/policies/0/id'),
            (with_policy(permission_groups=KeyError), 1001, '/policies/0/permission_groups'),
            (with_policy(permission_groups='x'), 1002, '/policies/0/permission_groups'),
            (with_policy(permission_groups=[{}]), 1001, '/policies/0/permission_groups/0/id'),
            (with_policy(resource_groups=KeyError), 1001, '/policies/0/resource_groups'),
            (with_policy(resource_groups=[{'id': 5}]), 1002, '/policies/0/resource_groups/0/id'),
        ]
        for body, code, pointer in cases:
            with self.subTest(body=body):
                r = self.req('POST', self.aurl(a), body)
                self.assertFieldError(r, code, pointer, 'null')
        for raw in ('[]', '"x"', '5', 'null'):
            with self.subTest(raw=raw):
                r = self.req('POST', self.aurl(a), raw=raw, headers=JSON_CT)
                self.assertFieldError(r, 1002, '', 'null')
        for raw in ('', '{', '{"email": }'):
            with self.subTest(raw=raw):
                r = self.req('POST', self.aurl(a), raw=raw, headers=JSON_CT)
                self.assertError(r, 400, [6007], result_key='null')
        r = self.req('POST', self.aurl(a), raw='{"email": "x@example.com", "roles": []}',
                     headers={'Content-Type': 'text/plain'})
        self.assertError(r, 400, [9207], result_key='null')
        r = self.req('POST', self.aurl(a), raw='{"email": "x@example.com", "email": "y@example.com"'
                                               ', "roles": []}', headers=JSON_CT)
        self.assertError(r, 400, [1007], result_key='null')
        self.assertEqual(self.world(), before)
        self.assertAMembers(a, [c])
        # 90 characters are fine
        m = self.add_am(a, email90, roles=[ADMIN])
        self.assertAMembers(a, [c, m])

    def test_am_2_7_member_names_follow_patch_user(self):
        a = self.create_account('a')
        c = self.creator(a)
        m = self.add_am(a, 'ada@example.com', roles=[BILLING])
        self.patch_user({'first_name': 'Ada', 'last_name': 'Lovelace'}, auth='ada@example.com')
        m['user'].update(first_name='Ada', last_name='Lovelace')
        self.assertAMemberIs(a, m)
        self.assertAMembers(a, [c, m])

    def test_am_2_8_unknown_or_invisible_account_is_1201(self):
        a = self.create_account('a')
        b = self.create_account('b', auth=TOKEN_B)
        gone = self.create_account('gone')
        self.assertEqual(self.req('DELETE', self.url(gone)).status, 200)
        for aid in (UNKNOWN_ID, b['id'], gone['id']):
            with self.subTest(account=aid):
                r = self.req('POST', self.aurl(aid), {'email': 'x@example.com', 'roles': [ADMIN]})
                self.assertNotFound(r, aid)
                self.assertNotFound(self.req('GET', self.aurl(aid)), aid)
                self.assertNotFound(self.req('GET', self.aurl(aid, UNKNOWN_ID)), aid)
        self.assertAMembers(b, [self.creator(b, auth=TOKEN_B)], auth=TOKEN_B)
        self.assertAMembers(a, [self.creator(a)])


# ---------------------------------------------------------------------------
# PUT /accounts/{id}/members/{member_id}


class Update(ApiTest):
    def put_am(self, acct, member, body, auth=TOKEN_A):
        r = self.req('PUT', self.aurl(acct, member), body, auth=auth)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers.get('content-type'), 'application/json')
        return r

    def test_am_3_1_roles_are_replaced(self):
        a = self.create_account('a')
        c = self.creator(a)
        m = self.add_am(a, 'bob@example.com', roles=[ADMIN])
        for ids in ([ADMIN_RO, BILLING], [CACHE_PURGE], [SUPER_ADMIN, ADMIN, DNS], []):
            with self.subTest(roles=ids):
                r = self.put_am(a, m, {'roles': [{'id': i} for i in ids]})
                m['roles'] = self.roles(a, ids)
                self.assertEqual(r.json, harness.ok_envelope(m))
                self.assertAMemberIs(a, m)
                self.assertAMembers(a, [c, m])

    def test_am_3_2_status_user_and_read_only_fields_ignored(self):
        a = self.create_account('a')
        c = self.creator(a)
        m = self.add_am(a, 'bob@example.com', roles=[ADMIN])
        body = {'roles': [{'id': DNS, 'name': 'Ignored', 'description': 'x',
                           'permissions': {'dns': {'read': False, 'write': False}}}],
                'status': 'accepted', 'id': UNKNOWN_ID, 'email': 'other@example.com',
                'user': {'id': UNKNOWN_ID, 'email': 'other@example.com', 'first_name': 'X'}}
        r = self.put_am(a, m, body)
        m['roles'] = self.roles(a, [DNS])
        self.assertEqual(r.json, harness.ok_envelope(m))
        self.assertEqual(r.json['result']['status'], 'pending')
        self.assertAMembers(a, [c, m])
        self.assertAmNotFound(self.req('GET', self.aurl(a, UNKNOWN_ID)), UNKNOWN_ID)
        # still pending: bob does not see the account
        self.assertNotFound(self.req('GET', self.url(a), auth='bob@example.com'), a['id'])
        # the creator's own roles can change too
        r = self.put_am(a, c, {'roles': [{'id': ADMIN}], 'status': 'pending'})
        c['roles'] = self.roles(a, [ADMIN])
        self.assertEqual(r.json, harness.ok_envelope(c))
        self.assertAMembers(a, [c, m])

    def test_am_3_3_policies_are_replaced(self):
        a = self.create_account('a')
        c = self.creator(a)
        m = self.add_am(a, 'bob@example.com', 'accepted', policies=[POLICY])
        for pols in ([DENY], [DENY, POLICY], []):
            with self.subTest(policies=pols):
                r = self.put_am(a, m, {'policies': pols})
                m['policies'] = answered(pols, a)
                self.assertEqual(r.json, harness.ok_envelope(m))
                self.assertAMemberIs(a, m)
        self.assertAMembers(a, [c, m])

    def test_am_3_3b_a_policy_without_an_id_gets_one(self):
        a = self.create_account('a')
        c = self.creator(a)
        bare = {k: v for k, v in POLICY.items() if k != 'id'}
        r = self.req('POST', self.aurl(a), {'email': 'bob@example.com', 'status': 'accepted',
                                            'policies': [bare, DENY]})
        self.assertEqual(r.status, 200, r)
        m = r.json['result']
        got = m['policies'][0]
        self.assertIsInstance(got.get('id'), str, r)
        self.assertTrue(got['id'])
        self.assertNotEqual(got['id'], DENY['id'])
        self.assertEqual(m['policies'], answered([dict(bare, id=got['id']), DENY], a))
        self.assertEqual(r.json, harness.ok_envelope(account_member(
            m['id'], 'accepted', self.me('bob@example.com'), [],
            answered([dict(bare, id=got['id']), DENY], a))))
        self.assertAMemberIs(a, m)
        # the same in a PUT; a given id is kept
        r = self.req('PUT', self.aurl(a, m), {'policies': [DENY, bare]})
        self.assertEqual(r.status, 200, r)
        new = r.json['result']['policies'][1]
        self.assertIsInstance(new.get('id'), str, r)
        self.assertTrue(new['id'])
        m['policies'] = answered([DENY, dict(bare, id=new['id'])], a)
        self.assertEqual(r.json, harness.ok_envelope(m))
        self.assertAMembers(a, [c, m])

    def test_am_3_3c_put_with_neither_roles_nor_policies_changes_nothing(self):
        a = self.create_account('a')
        c = self.creator(a)
        m = self.add_am(a, 'bob@example.com', roles=[ADMIN, DNS])
        p = self.add_am(a, 'pat@example.com', 'accepted', policies=[POLICY])
        for member in (m, p, c):
            for body in ({}, {'status': 'accepted'}, {'user': {'email': 'x@example.com'}},
                         {'status': 'pending', 'id': UNKNOWN_ID}):
                with self.subTest(member=member['email'], body=body):
                    r = self.put_am(a, member, body)
                    self.assertEqual(r.json, harness.ok_envelope(member))
        self.assertAMembers(a, [c, m, p])
        self.assertNotFound(self.req('GET', self.url(a), auth='bob@example.com'), a['id'])

    def test_am_3_4_put_validation(self):
        a = self.create_account('a')
        c = self.creator(a)
        m = self.add_am(a, 'bob@example.com', roles=[ADMIN])
        p = self.add_am(a, 'pat@example.com', policies=[POLICY])
        before = self.world()
        cases = [
            (m, {'roles': ADMIN}, 1002, ('/roles',)),
            (m, {'roles': {'id': ADMIN}}, 1002, ('/roles',)),
            (m, {'roles': [5]}, 1002, ('/roles/0',)),
            (m, {'roles': [{'id': DNS}, ADMIN]}, 1002, ('/roles/1',)),
            (m, {'roles': [{}]}, 1001, ('/roles/0/id',)),
            (m, {'roles': [{'id': DNS}, {'name': 'Administrator'}]}, 1001, ('/roles/1/id',)),
            (m, {'roles': [{'id': 5}]}, 1002, ('/roles/0/id',)),
            (m, {'roles': [{'id': UNKNOWN_ID}]}, 1003, ('/roles/0', '/roles/0/id')),
            (m, {'roles': [{'id': DNS}, {'id': 'nope'}]}, 1003, ('/roles/1', '/roles/1/id')),
            (p, {'policies': POLICY}, 1002, ('/policies',)),
            (p, {'policies': [dict(POLICY, access='maybe')]}, 1003, ('/policies/0/access',)),
            (p, {'policies': [DENY, dict(POLICY, access=None)]}, 1001,
             ('/policies/1/access',)),
            (p, {'policies': [DENY, dict(POLICY, resource_groups='x')]}, 1002,
             ('/policies/1/resource_groups',)),
        ]
        for member, body, code, pointers in cases:
            with self.subTest(body=body):
                r = self.req('PUT', self.aurl(a, member), body)
                self.assertError(r, 400, [code], result_key='null')
                self.assertIn(r.json['errors'][0].get('source', {}).get('pointer'), pointers, r)
        for raw in ('[]', '"x"', 'null'):
            with self.subTest(raw=raw):
                r = self.req('PUT', self.aurl(a, m), raw=raw, headers=JSON_CT)
                self.assertFieldError(r, 1002, '', 'null')
        r = self.req('PUT', self.aurl(a, m), raw='{"roles": [', headers=JSON_CT)
        self.assertError(r, 400, [6007], result_key='null')
        self.assertEqual(self.world(), before)
        self.assertAMembers(a, [c, m, p])

    def test_am_3_5_unknown_member_is_1301(self):
        a = self.create_account('a')
        s = self.create_account('s')
        other = self.add_am(s, 'bob@example.com', roles=[ADMIN])
        for mid in (UNKNOWN_ID, other['id'], other['user']['id'], a['id']):
            with self.subTest(member=mid):
                r = self.req('PUT', self.aurl(a, mid), {'roles': [{'id': DNS}]})
                self.assertAmNotFound(r, mid)
                self.assertAmNotFound(self.req('GET', self.aurl(a, mid)), mid)
                self.assertAmNotFound(self.req('DELETE', self.aurl(a, mid)), mid)
        self.assertAMemberIs(s, other)


# ---------------------------------------------------------------------------
# DELETE /accounts/{id}/members/{member_id}, and deleting the account


class Remove(ApiTest):
    def test_am_4_1_delete_with_or_without_a_body(self):
        a = self.create_account('a')
        c = self.creator(a)
        ms = [self.add_am(a, e, roles=[DNS]) for e in ('m0@example.com', 'm1@example.com',
                                                       'm2@example.com')]
        for m, body in ((ms[1], None), (ms[0], {}), (ms[2], {'id': ms[2]['id']})):
            with self.subTest(member=m['email'], body=body):
                r = self.req('DELETE', self.aurl(a, m), body)
                self.assertEqual(r.status, 200, r)
                self.assertEqual(r.headers.get('content-type'), 'application/json')
                self.assertEqual(r.json, harness.ok_envelope({'id': m['id']}))
                self.assertAmNotFound(self.req('GET', self.aurl(a, m)), m['id'])
                self.assertAmNotFound(self.req('DELETE', self.aurl(a, m)), m['id'])
                self.assertAmNotFound(self.req('PUT', self.aurl(a, m), {'roles': []}), m['id'])
        self.assertAMembers(a, [c])
        # and the email can be added again, as a new member
        again = self.add_am(a, 'm1@example.com', 'accepted', roles=[ADMIN])
        self.assertNotEqual(again['id'], ms[1]['id'])
        self.assertEqual(again['user']['id'], ms[1]['user']['id'])
        self.assertAMembers(a, [c, again])

    def test_am_4_2_removing_an_accepted_member_removes_its_access(self):
        org = self.create_org('Org')
        a = self.create_account('a', org=org)
        m = self.add_am(a, 'bob@example.com', 'accepted', roles=[ADMIN])
        bob = 'bob@example.com'
        # bob does not see the organization: managed_by would name it
        self.assertGetIs(org_unseen(a), auth=bob)
        r = self.req('DELETE', self.aurl(a, m))
        self.assertEqual(r.json, harness.ok_envelope({'id': m['id']}))
        self.assertNotFound(self.req('GET', self.url(a), auth=bob), a['id'])
        self.assertNotFound(self.req('GET', self.aurl(a), auth=bob), a['id'])
        self.assertEqual(self.list_accounts(auth=bob),
                         harness.ok_envelope([], result_info=page_info(1, 20, 0, 0)))

    def test_am_4_3_deleting_the_account_removes_its_members(self):
        org = self.create_org('Org')
        a = self.create_account('a', org=org)
        keep = self.create_account('keep')
        kc = self.creator(keep)
        m = self.add_am(a, 'bob@example.com', 'accepted', roles=[ADMIN])
        p = self.add_am(a, 'pat@example.com', roles=[DNS])
        km = self.add_am(keep, 'bob@example.com', roles=[BILLING])
        self.assertGetIs(org_unseen(a), auth='bob@example.com')
        r = self.req('DELETE', self.url(a))
        self.assertEqual(r.json, harness.ok_envelope({'id': a['id']}))
        for path in (self.aurl(a), self.aurl(a, m), self.aurl(a, p)):
            with self.subTest(path=path):
                self.assertNotFound(self.req('GET', path), a['id'])
                self.assertNotFound(self.req('GET', path, auth='bob@example.com'), a['id'])
        self.assertNotFound(self.req('POST', self.aurl(a), {'email': 'x@example.com',
                                                            'roles': []}), a['id'])
        self.assertNotFound(self.req('GET', self.url(a), auth='bob@example.com'), a['id'])
        self.assertEqual(self.list_accounts(auth='bob@example.com'),
                         harness.ok_envelope([], result_info=page_info(1, 20, 0, 0)))
        # the other account keeps its members, and bob is still a user
        self.assertAMembers(keep, [kc, km])
        self.assertEqual(self.user_id('bob@example.com'), m['user']['id'])
        # the organization is empty again
        r = self.req('DELETE', '/organizations/' + org['id'])
        self.assertEqual(r.json, harness.ok_envelope({'id': org['id']}))

    def test_am_4_4_an_accepted_member_may_manage_members(self):
        a = self.create_account('a')
        c = self.creator(a)
        bob = 'bob@example.com'
        m = self.add_am(a, bob, 'accepted', roles=[ADMIN])
        d = self.add_am(a, 'dave@example.com', roles=[DNS], auth=bob)
        self.assertAMembers(a, [c, m, d], auth=bob)
        r = self.req('PUT', self.aurl(a, d), {'roles': [{'id': BILLING}]}, auth=bob)
        self.assertEqual(r.status, 200, r)
        d['roles'] = self.roles(a, [BILLING])
        self.assertAMembers(a, [c, m, d])
        r = self.req('DELETE', self.aurl(a, d), auth=bob)
        self.assertEqual(r.json, harness.ok_envelope({'id': d['id']}))
        self.assertAMembers(a, [c, m])


# ---------------------------------------------------------------------------
# What an account member sees


class Visibility(ApiTest):
    def test_am_5_1_accepted_sees_the_account_pending_does_not(self):
        org = self.create_org('Org')
        a = self.create_account('a', org=org)
        s = self.create_account('s')
        self.put_profile(a, PROFILE)
        c = self.creator(a)
        acc = self.add_am(a, 'acc@example.com', 'accepted', roles=[ADMIN])
        pen = self.add_am(a, 'pen@example.com', 'pending', roles=[ADMIN])
        self.add_am(s, 'pen@example.com', 'accepted', roles=[DNS])
        # accepted: in its list, its GET, profile and members (without
        # managed_by, which names an organization acc does not see)
        self.assertEqual(self.list_accounts(auth='acc@example.com'),
                         harness.ok_envelope([org_unseen(a)],
                                             result_info=page_info(1, 20, 1, 1)))
        self.assertGetIs(org_unseen(a), auth='acc@example.com')
        self.assertProfile(a, PROFILE, auth='acc@example.com')
        self.assertAMembers(a, [c, acc, pen], auth='acc@example.com')
        self.assertEqual(self.role_objects(a, auth='acc@example.com'), self.role_objects(a))
        # but not the organization holding it
        r = self.req('GET', '/organizations/' + org['id'], auth='acc@example.com')
        self.assertError(r, 404, [1101], result_key='absent')
        self.assertEqual(self.req('GET', '/organizations', auth='acc@example.com').json,
                         listed([]))
        # pending: as if it did not exist; its accepted account only
        pen_user = 'pen@example.com'
        self.assertEqual(self.list_accounts(auth=pen_user),
                         harness.ok_envelope([s], result_info=page_info(1, 20, 1, 1)))
        for path in (self.url(a), self.url(a, '/profile'), self.aurl(a), self.aurl(a, pen),
                     '/accounts/%s/roles' % a['id']):
            with self.subTest(path=path):
                r = self.req('GET', path, auth=pen_user)
                unknown = self.req('GET', path.replace(a['id'], UNKNOWN_ID), auth=pen_user)
                self.assertEqual(r.status, 404, r)
                self.assertEqual(r.raw.replace(a['id'].encode(), b'X'),
                                 unknown.raw.replace(UNKNOWN_ID.encode(), b'X'))

    def test_am_5_2_org_member_sees_the_accounts_members(self):
        org = self.create_org('Org')
        a = self.create_account('a', org=org)
        c = self.creator(a)
        self.add(org, 'bob@example.com')
        self.assertAMembers(a, [c], auth='bob@example.com')
        self.assertAMemberIs(a, c, auth='bob@example.com')
        m = self.add_am(a, 'carol@example.com', roles=[DNS], auth='bob@example.com')
        self.assertAMembers(a, [c, m])

    def test_am_5_3_accepted_member_of_an_account_moved_around(self):
        root = self.create_org('Root')
        child = self.create_org('Child', parent=root)
        a = self.create_account('a', org=root)
        self.add_am(a, 'bob@example.com', 'accepted', roles=[ADMIN])
        r = self.req('POST', self.url(a, '/move'), {'destination_organization_id': child['id']})
        self.assertEqual(r.status, 200, r)
        a['managed_by'] = {'parent_org_id': child['id'], 'parent_org_name': 'Child'}
        self.assertGetIs(a)
        # bob sees the account where it went, but no organization
        self.assertGetIs(org_unseen(a), auth='bob@example.com')
        self.assertEqual(self.list_accounts(auth='bob@example.com')['result'], [org_unseen(a)])


# ---------------------------------------------------------------------------
# GET /accounts/{id}/members: pages, status, order, direction


class Listing(ApiTest):
    OWNER = 'owner@example.com'
    PEOPLE = [  # email, first, last, status, in the order added
        ('dave@example.com', 'Dave', 'Brown', 'accepted'),
        ('alice@example.com', 'Alice', 'Young', 'pending'),
        ('carl@example.com', 'Carl', 'Adams', 'accepted'),
        ('bea@example.com', 'Bea', 'Brown', 'pending'),
        ('eve@example.com', 'Eve', 'Cole', 'accepted'),
        ('fay@example.com', 'Fay', 'Diaz', 'pending'),
    ]

    def people(self):
        """An account of owner@example.com (Olga Smith) with six members of
        known names; returns (account, members by first name)."""
        self.patch_user({'first_name': 'Olga', 'last_name': 'Smith'}, auth=self.OWNER)
        r = self.req('POST', '/accounts', {'name': 'people'}, auth=self.OWNER)
        self.assertEqual(r.status, 200, r)
        acct = r.json['result']
        by = {'Olga': self.creator(acct, auth=self.OWNER)}
        for email, first, last, status in self.PEOPLE:
            self.patch_user({'first_name': first, 'last_name': last}, auth=email)
            by[first] = self.add_am(acct, email, status, roles=[DNS], auth=self.OWNER)
        return acct, by

    def listing(self, acct, query):
        return self.list_am(acct, query, auth=self.OWNER)

    def test_am_6_1_pages(self):
        a = self.create_account('a')
        c = self.creator(a)
        made = [c] + [self.add_am(a, 'm%02d@example.com' % i, roles=[DNS]) for i in range(12)]
        for page, items in ((1, made[0:5]), (2, made[5:10]), (3, made[10:]), (4, []),
                            (1000, [])):
            with self.subTest(page=page):
                env = self.list_am(a, {'page': page, 'per_page': 5})
                self.assertEqual(env, harness.ok_envelope(
                    items, result_info=page_info(page, 5, len(items), 13)))
        self.assertEqual(self.list_am(a), harness.ok_envelope(
            made, result_info=page_info(1, 20, 13, 13)))
        self.assertEqual(self.list_am(a, {'page': 2}), harness.ok_envelope(
            [], result_info=page_info(2, 20, 0, 13)))
        self.assertEqual(self.list_am(a, {'per_page': 50}), harness.ok_envelope(
            made, result_info=page_info(1, 50, 13, 13)))
        # direction alone: the order added, or its reverse
        rev = made[::-1]
        for page, items in ((1, rev[0:5]), (2, rev[5:10]), (3, rev[10:])):
            env = self.list_am(a, {'page': page, 'per_page': 5, 'direction': 'desc'})
            self.assertEqual(env, harness.ok_envelope(
                items, result_info=page_info(page, 5, len(items), 13)))
        self.assertEqual(self.list_am(a, {'direction': 'asc'})['result'], made)

    def test_am_6_2_status_filter(self):
        acct, by = self.people()
        accepted = [by[n] for n in ('Olga', 'Dave', 'Carl', 'Eve')]
        pending = [by[n] for n in ('Alice', 'Bea', 'Fay')]
        for status, want in (('accepted', accepted), ('pending', pending), ('rejected', [])):
            with self.subTest(status=status):
                self.assertEqual(self.listing(acct, {'status': status}), harness.ok_envelope(
                    want, result_info=page_info(1, 20, len(want), len(want))))
        env = self.listing(acct, {'status': 'accepted', 'per_page': 5, 'page': 1})
        self.assertEqual(env['result_info'], page_info(1, 5, 4, 4))
        env = self.listing(acct, {'status': 'pending', 'per_page': 5, 'page': 2})
        self.assertEqual(env, harness.ok_envelope([], result_info=page_info(2, 5, 0, 3)))

    def test_am_6_3_order_and_direction(self):
        acct, by = self.people()
        orders = {
            'user.first_name': ['Alice', 'Bea', 'Carl', 'Dave', 'Eve', 'Fay', 'Olga'],
            'user.last_name': ['Carl', 'Dave', 'Bea', 'Eve', 'Fay', 'Olga', 'Alice'],
            'user.email': ['Alice', 'Bea', 'Carl', 'Dave', 'Eve', 'Fay', 'Olga'],
            'status': ['Olga', 'Dave', 'Carl', 'Eve', 'Alice', 'Bea', 'Fay'],
        }
        for order, names in orders.items():
            want = [by[n] for n in names]
            for q in ({'order': order}, {'order': order, 'direction': 'asc'}):
                with self.subTest(query=q):
                    self.assertEqual(self.listing(acct, q), harness.ok_envelope(
                        want, result_info=page_info(1, 20, 7, 7)))
            # through pages
            with self.subTest(order=order, per_page=5):
                got = []
                for page in (1, 2, 3):
                    env = self.listing(acct, {'order': order, 'per_page': 5, 'page': page})
                    self.assertEqual(env['result_info'],
                                     page_info(page, 5, [5, 2, 0][page - 1], 7))
                    got += env['result']
                self.assertEqual(got, want)
        # desc where there are no ties
        for order in ('user.first_name', 'user.email'):
            with self.subTest(order=order, direction='desc'):
                want = [by[n] for n in orders[order][::-1]]
                env = self.listing(acct, {'order': order, 'direction': 'desc'})
                self.assertEqual(env, harness.ok_envelope(
                    want, result_info=page_info(1, 20, 7, 7)))
                env = self.listing(acct, {'order': order, 'direction': 'desc', 'per_page': 5,
                                          'page': 2})
                self.assertEqual(env, harness.ok_envelope(
                    want[5:], result_info=page_info(2, 5, 2, 7)))
        env = self.listing(acct, {'order': 'status', 'direction': 'desc'})
        self.assertEqual([m['status'] for m in env['result']], ['pending'] * 3 + ['accepted'] * 4)
        env = self.listing(acct, {'order': 'user.last_name', 'direction': 'desc'})
        self.assertEqual([m['user']['last_name'] for m in env['result']],
                         ['Young', 'Smith', 'Diaz', 'Cole', 'Brown', 'Brown', 'Adams'])
        # order with a status filter
        env = self.listing(acct, {'status': 'pending', 'order': 'user.last_name'})
        self.assertEqual(env, harness.ok_envelope([by['Bea'], by['Fay'], by['Alice']],
                                                  result_info=page_info(1, 20, 3, 3)))
        env = self.listing(acct, {'status': 'accepted', 'order': 'user.first_name',
                                  'direction': 'desc', 'per_page': 5})
        self.assertEqual(env, harness.ok_envelope(
            [by['Olga'], by['Eve'], by['Dave'], by['Carl']], result_info=page_info(1, 5, 4, 4)))

    def test_am_6_4_bad_parameters(self):
        a = self.create_account('a')
        url = self.aurl(a)
        for key, values in (('page', ('0', '-1', 'abc', '1.5', '')),
                            ('per_page', ('0', '-1', 'abc', '1.5', '')),
                            ('status', ('active', 'Accepted', 'canceled', '')),
                            ('order', ('email', 'user.email ', 'name', 'created_on', '')),
                            ('direction', ('up', 'DESC', ''))):
            for v in values:
                with self.subTest(key=key, value=v):
                    self.assertParamError(self.req('GET', url, query={key: v}), 1004, key, 'null')
        for key, v in (('page', '1'), ('per_page', '5'), ('status', 'pending'),
                       ('order', 'status'), ('direction', 'asc')):
            with self.subTest(repeated=key):
                r = self.req('GET', url, query=[(key, v), (key, v)])
                self.assertParamError(r, 1004, key, 'null')


# ---------------------------------------------------------------------------
# Routing and credentials


class Routing(ApiTest):
    def test_am_8_1_malformed_ids_route_nowhere(self):
        a = self.create_account('a')
        c = self.creator(a)
        for bad in BAD_IDS:
            with self.subTest(id=bad):
                for method, path, body in (
                        ('GET', self.aurl(bad), None),
                        ('POST', self.aurl(bad), {'email': 'x@example.com', 'roles': []}),
                        ('GET', self.aurl(bad, c), None),
                        ('PUT', self.aurl(bad, c), {'roles': []}),
                        ('DELETE', self.aurl(bad, c), None),
                        ('GET', '/accounts/%s/roles' % bad, None),
                        ('GET', '/accounts/%s/roles/%s' % (bad, ADMIN), None),
                        ('GET', self.aurl(a, bad), None),
                        ('PUT', self.aurl(a, bad), {'roles': []}),
                        ('DELETE', self.aurl(a, bad), None)):
                    r = self.req(method, path, body)
                    self.assertError(r, 400, [7003, 7000], result_key='null')
        self.assertAMembers(a, [c])

    def test_am_8_2_wrong_methods_are_405(self):
        a = self.create_account('a')
        c = self.creator(a)
        cases = [
            ('PATCH', self.aurl(a, c), {'GET', 'PUT', 'DELETE'}),
            ('POST', self.aurl(a, c), {'GET', 'PUT', 'DELETE'}),
            ('DELETE', self.aurl(a), {'GET', 'POST'}),
            ('PUT', self.aurl(a), {'GET', 'POST'}),
            ('POST', '/accounts/%s/roles' % a['id'], {'GET'}),
            ('DELETE', '/accounts/%s/roles/%s' % (a['id'], ADMIN), {'GET'}),
            ('PUT', '/accounts/%s/roles/%s' % (a['id'], ADMIN), {'GET'}),
        ]
        for method, path, allow in cases:
            with self.subTest(method=method, path=path):
                r = self.req(method, path)
                self.assertError(r, 405, [7001], result_key='null')
                self.assertEqual(set(r.headers['allow'].split(', ')), allow)
        self.assertAMembers(a, [c])

    def test_am_8_3_every_route_needs_credentials(self):
        a = self.create_account('a')
        c = self.creator(a)
        before = self.world()
        routes = [('GET', self.aurl(a), None),
                  ('POST', self.aurl(a), {'email': 'x@example.com', 'roles': [ADMIN]}),
                  ('GET', self.aurl(a, c), None), ('PUT', self.aurl(a, c), {'roles': []}),
                  ('DELETE', self.aurl(a, c), None),
                  ('GET', '/accounts/%s/roles' % a['id'], None),
                  ('GET', '/accounts/%s/roles/%s' % (a['id'], ADMIN), None)]
        for method, path, body in routes:
            with self.subTest(method=method, path=path):
                r = self.srv.request(method, path, body, auth=None)
                self.assertError(r, 400, [9106], result_key='null')
                r = self.srv.request(method, path, body, auth=None,
                                     headers={'Authorization': 'Basic dXNlcjpwYXNz'})
                self.assertError(r, 400, [6003], result_key='null')
                self.assertEqual(r.json['errors'][0]['error_chain'][0]['code'], 6111)
        self.assertEqual(self.world(), before)


if __name__ == '__main__':
    harness.main()
