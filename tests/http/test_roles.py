"""test_roles.py: account roles, GET /accounts/{id}/roles and
/accounts/{id}/roles/{role_id} (CONTRACT.md 4.3; the README's "Roles"):
exactly the README's seven roles, in its order, with their permissions,
page numbers, each role by id, the same roles for every account and in its
members, and an unknown or invisible account. These are IAM routes: every
error carries "result": null.

Every test gets a fresh server (seed 1, fake clock); results are compared
whole wherever practical. The helpers come from helpers.py."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import TOKEN_A, TOKEN_B  # noqa: E402
from helpers import (ApiTest, ADMIN, BAD_IDS, OTHER_ID, ROLES, ROLE_IDS, SUPER_ADMIN,  # noqa: E402
                     UNKNOWN_ID, page_info)

PERMISSION_KEYS = {'analytics', 'billing', 'cache_purge', 'dns', 'dns_records', 'lb', 'logs',
                   'organization', 'ssl', 'waf', 'zone_settings', 'zones'}


def role_not_found(id):
    return {'success': False, 'messages': [], 'result': None,
            'errors': [{'code': 1303, 'message': "role '%s' not found" % id}]}


# ---------------------------------------------------------------------------
# GET /accounts/{id}/roles and /roles/{role_id}


class Roles(ApiTest):
    def test_am_7_1_exactly_the_seven_roles(self):
        a = self.create_account('a')
        r = self.req('GET', '/accounts/%s/roles' % a['id'])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers.get('content-type'), 'application/json')
        env = r.json
        self.assertEqual(set(env), {'success', 'errors', 'messages', 'result', 'result_info'})
        self.assertEqual(env['result_info'], page_info(1, 20, 7, 7))
        self.assertEqual([(x['id'], x['name']) for x in env['result']], ROLES)
        for role in env['result']:
            with self.subTest(role=role['name']):
                self.assertEqual(set(role), {'id', 'name', 'description', 'permissions'})
                self.assertIsInstance(role['description'], str)
                self.assertTrue(role['description'])
                self.assertEqual(set(role['permissions']), PERMISSION_KEYS)
                for grant in role['permissions'].values():
                    self.assertEqual(set(grant), {'read', 'write'})
                    self.assertIsInstance(grant['read'], bool)
                    self.assertIsInstance(grant['write'], bool)
        self.assertEqual(env, harness.ok_envelope(env['result'],
                                                  result_info=page_info(1, 20, 7, 7)))

    def test_am_7_2_page_numbers(self):
        a = self.create_account('a')
        whole = self.role_objects(a)
        self.assertEqual(list(whole), ROLE_IDS)
        roles = list(whole.values())
        for page, items in ((1, roles[:5]), (2, roles[5:]), (3, []), (4, [])):
            with self.subTest(page=page):
                r = self.req('GET', '/accounts/%s/roles' % a['id'],
                             query={'page': page, 'per_page': 5})
                self.assertEqual(r.json, harness.ok_envelope(
                    items, result_info=page_info(page, 5, len(items), 7)))
        r = self.req('GET', '/accounts/%s/roles' % a['id'], query={'page': 2})
        self.assertEqual(r.json, harness.ok_envelope([], result_info=page_info(2, 20, 0, 7)))
        r = self.req('GET', '/accounts/%s/roles' % a['id'], query={'per_page': 7})
        self.assertEqual(r.json, harness.ok_envelope(roles, result_info=page_info(1, 7, 7, 7)))
        for key, v in (('page', '0'), ('per_page', '0'), ('per_page', '1.5'), ('page', 'x')):
            with self.subTest(key=key, value=v):
                r = self.req('GET', '/accounts/%s/roles' % a['id'], query={key: v})
                self.assertParamError(r, 1004, key, 'null')

    def test_am_7_3_each_role_by_id(self):
        a = self.create_account('a')
        whole = self.role_objects(a)
        for rid, name in ROLES:
            with self.subTest(role=name):
                r = self.req('GET', '/accounts/%s/roles/%s' % (a['id'], rid))
                self.assertEqual(r.status, 200, r)
                self.assertEqual(r.json, harness.ok_envelope(whole[rid]))
                self.assertEqual(r.json['result']['name'], name)
        for rid in (UNKNOWN_ID, OTHER_ID, a['id']):
            with self.subTest(role=rid):
                r = self.req('GET', '/accounts/%s/roles/%s' % (a['id'], rid))
                self.assertError(r, 404, [1303], result_key='null')
                self.assertEqual(r.json, role_not_found(rid))
        for bad in BAD_IDS + (SUPER_ADMIN.upper(),):
            with self.subTest(role=bad):
                r = self.req('GET', '/accounts/%s/roles/%s' % (a['id'], bad))
                self.assertError(r, 400, [7003, 7000], result_key='null')

    def test_am_7_4_the_same_for_every_account_and_in_members(self):
        org = self.create_org('Org')
        a = self.create_account('a', org=org)
        s = self.create_account('s', auth=TOKEN_B)
        self.assertEqual(self.role_objects(a), self.role_objects(s, auth=TOKEN_B))
        whole = self.role_objects(a)
        m = self.add_am(a, 'bob@example.com', roles=list(reversed(ROLE_IDS[1:])))
        self.assertEqual(sorted(r['id'] for r in m['roles']), sorted(ROLE_IDS[1:]))
        for role in m['roles']:
            self.assertEqual(role, whole[role['id']])
        self.assertEqual(self.creator(a)['roles'], [whole[SUPER_ADMIN]])

    def test_am_7_5_roles_of_an_unknown_or_invisible_account(self):
        a = self.create_account('a')
        for aid in (UNKNOWN_ID, a['id']):
            auth = TOKEN_B if aid == a['id'] else TOKEN_A
            with self.subTest(account=aid):
                self.assertNotFound(self.req('GET', '/accounts/%s/roles' % aid, auth=auth), aid)
                self.assertNotFound(self.req('GET', '/accounts/%s/roles/%s' % (aid, ADMIN),
                                             auth=auth), aid)
                self.assertNotFound(self.req('GET', '/accounts/%s/roles/%s' % (aid, UNKNOWN_ID),
                                             auth=auth), aid)


if __name__ == '__main__':
    harness.main()
