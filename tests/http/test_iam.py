"""test_iam.py: the IAM catalogues account-member policies refer to,
GET /accounts/{id}/iam/permission_groups[/{id}] and
/accounts/{id}/iam/resource_groups[/{id}] (CONTRACT.md 9.12, 10.7; the
README's "IAM permission groups"): exactly the README's groups in its
order, page numbers, filters, each group by id, the account's one resource
group, unknown ids and invisible accounts, and member policies checked
against both. These are IAM routes: every error carries "result": null.

Every test gets a fresh server (seed 1, fake clock); results are compared
whole. The helpers come from helpers.py."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import TOKEN_A, TOKEN_B  # noqa: E402
from helpers import (ApiTest, ADMIN, BAD_IDS, DENY, DNS, MAGIC_NM, OTHER_ID,  # noqa: E402
                     PERMISSION_GROUPS, POLICY, ROLES, SUPER_ADMIN, UNKNOWN_ID, ZONE_READ,
                     answered, in_account, page_info, permission_group, resource_group,
                     resource_group_id)

ALL = [permission_group(g[0]) for g in PERMISSION_GROUPS]


def not_found(code, what, id):
    return {'success': False, 'messages': [], 'result': None,
            'errors': [{'code': code, 'message': "%s '%s' not found" % (what, id)}]}


class IamTest(ApiTest):
    def pg_url(self, acct, pid=None):
        aid = acct if isinstance(acct, str) else acct['id']
        return '/accounts/%s/iam/permission_groups%s' % (aid, '/' + pid if pid else '')

    def rg_url(self, acct, rid=None):
        aid = acct if isinstance(acct, str) else acct['id']
        return '/accounts/%s/iam/resource_groups%s' % (aid, '/' + rid if rid else '')


# ---------------------------------------------------------------------------
# GET /accounts/{id}/iam/permission_groups and /{permission_group_id}


class PermissionGroups(IamTest):
    def test_iam_1_1_exactly_the_readme_groups(self):
        a = self.create_account('a')
        r = self.req('GET', self.pg_url(a))
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers.get('content-type'), 'application/json')
        n = len(PERMISSION_GROUPS)
        self.assertEqual(r.json, harness.ok_envelope(ALL, result_info=page_info(1, 20, n, n)))
        # the roles are permission groups: the same ids and names, in order
        self.assertEqual([(g['id'], g['name']) for g in ALL[:len(ROLES)]], ROLES)
        self.assertEqual(len({g['meta']['value'] for g in ALL}), n, 'labels are unique')

    def test_iam_1_2_page_numbers(self):
        a = self.create_account('a')
        n = len(PERMISSION_GROUPS)
        for page in (1, 2, 3, 4):
            items = ALL[(page - 1) * 5:page * 5]
            with self.subTest(page=page):
                r = self.req('GET', self.pg_url(a), query={'page': page, 'per_page': 5})
                self.assertEqual(r.json, harness.ok_envelope(
                    items, result_info=page_info(page, 5, len(items), n)))
        r = self.req('GET', self.pg_url(a), query={'page': 2})
        self.assertEqual(r.json, harness.ok_envelope([], result_info=page_info(2, 20, 0, n)))
        # as GET /accounts: more than 50 is read as 50, less than 5 is taken
        r = self.req('GET', self.pg_url(a), query={'per_page': 500})
        self.assertEqual(r.json, harness.ok_envelope(ALL, result_info=page_info(1, 50, n, n)))
        r = self.req('GET', self.pg_url(a), query={'per_page': 1, 'page': 3})
        self.assertEqual(r.json, harness.ok_envelope(ALL[2:3],
                                                     result_info=page_info(3, 1, 1, n)))
        for key, v in (('page', '0'), ('per_page', '0'), ('per_page', '1.5'), ('page', 'x')):
            with self.subTest(key=key, value=v):
                self.assertParamError(self.req('GET', self.pg_url(a), query={key: v}),
                                      1004, key)

    def test_iam_1_3_filters(self):
        a = self.create_account('a')
        zr = permission_group(ZONE_READ)
        cases = [
            ({'id': ZONE_READ}, [zr]),
            ({'name': 'Zone Read'}, [zr]),
            ({'label': 'zone_read'}, [zr]),
            ({'label': 'all_privileges'}, [permission_group(SUPER_ADMIN)]),
            ({'label': 'load_balancer_admin'}, [ALL[len(ROLES)]]),
            ({'label': 'domain_admin_readonly'}, [ALL[-1]]),
            ({'id': ZONE_READ, 'label': 'zone_read', 'name': 'Zone Read'}, [zr]),
            ({'id': ZONE_READ, 'label': 'fbm_user'}, []),
            ({'id': UNKNOWN_ID}, []),
            ({'name': 'zone read'}, []),           # exact, as given
            ({'label': 'nope'}, []),
            ({'name': ''}, []),
        ]
        for query, want in cases:
            with self.subTest(query=query):
                r = self.req('GET', self.pg_url(a), query=query)
                self.assertEqual(r.json, harness.ok_envelope(
                    want, result_info=page_info(1, 20, len(want), len(want))))
        # paging counts what the filter keeps
        r = self.req('GET', self.pg_url(a), query={'label': 'zone_read', 'page': 2,
                                                   'per_page': 5})
        self.assertEqual(r.json, harness.ok_envelope([], result_info=page_info(2, 5, 0, 1)))
        for bad in ('xyz', UNKNOWN_ID.upper()):
            with self.subTest(id=bad):
                self.assertParamError(self.req('GET', self.pg_url(a), query={'id': bad}),
                                      1004, 'id')
        self.assertParamError(self.req('GET', self.pg_url(a), query={'label': 'x' * 300}),
                              1004, 'label')
        r = self.req('GET', self.pg_url(a) + '?name=a&name=b')
        self.assertParamError(r, 1004, 'name')

    def test_iam_1_4_each_group_by_id(self):
        a = self.create_account('a')
        for g in ALL:
            with self.subTest(group=g['name']):
                self.assertGetAnswers(self.pg_url(a, g['id']), g)
        for pid in (UNKNOWN_ID, OTHER_ID, a['id'], resource_group_id(a)):
            with self.subTest(group=pid):
                r = self.req('GET', self.pg_url(a, pid))
                self.assertError(r, 404, [1304], result_key='null')
                self.assertEqual(r.json, not_found(1304, 'permission group', pid))
        for bad in BAD_IDS[:3]:
            with self.subTest(group=bad):
                r = self.req('GET', self.pg_url(a, bad))
                self.assertError(r, 400, [7003, 7000], result_key='null')

    def test_iam_1_5_the_same_for_every_account(self):
        org = self.create_org('Org')
        a = self.create_account('a', org=org)
        s = self.create_account('s', auth=TOKEN_B)
        ra = self.req('GET', self.pg_url(a), query={'per_page': 50})
        rs = self.req('GET', self.pg_url(s), query={'per_page': 50}, auth=TOKEN_B)
        self.assertEqual(ra.json, rs.json)

    def test_iam_1_6_unknown_or_invisible_account(self):
        a = self.create_account('a')
        for aid, auth in ((UNKNOWN_ID, TOKEN_A), (a['id'], TOKEN_B)):
            for path in (self.pg_url(aid), self.pg_url(aid, SUPER_ADMIN),
                         self.pg_url(aid, UNKNOWN_ID)):
                with self.subTest(path=path, auth=auth):
                    self.assertNotFound(self.req('GET', path, auth=auth), aid)


# ---------------------------------------------------------------------------
# GET /accounts/{id}/iam/resource_groups and /{resource_group_id}


class ResourceGroups(IamTest):
    def test_iam_2_1_the_whole_account_group(self):
        a = self.create_account('a')
        r = self.req('GET', self.rg_url(a))
        self.assertEqual(r.status, 200, r)
        key = 'com.cloudflare.api.account.' + a['id']
        want = {'id': resource_group_id(a), 'name': key,
                'scope': {'key': key, 'objects': [{'key': '*'}]},
                'meta': {'key': 'editable', 'value': 'false'}}
        self.assertEqual(want, resource_group(a))
        # CF-API: no result_info (SinglePage)
        self.assertEqual(r.json, harness.ok_envelope([want]))
        self.assertNotIn('result_info', r.json)
        self.assertGetAnswers(self.rg_url(a, want['id']), want)
        # stable: the same id on every read, another for another account
        s = self.create_account('s')
        self.assertEqual(self.req('GET', self.rg_url(a)).json, r.json)
        self.assertNotEqual(resource_group_id(s), want['id'])
        self.assertEqual(self.req('GET', self.rg_url(s)).json,
                         harness.ok_envelope([resource_group(s)]))

    def test_iam_2_2_filters(self):
        a = self.create_account('a')
        s = self.create_account('s')
        g = resource_group(a)
        cases = [
            ({'id': g['id']}, [g]),
            ({'name': g['name']}, [g]),
            ({'id': g['id'], 'name': g['name']}, [g]),
            ({'id': resource_group_id(s)}, []),
            ({'name': resource_group(s)['name']}, []),
            ({'id': UNKNOWN_ID}, []),
            ({'name': g['name'].upper()}, []),
        ]
        for query, want in cases:
            with self.subTest(query=query):
                r = self.req('GET', self.rg_url(a), query=query)
                self.assertEqual(r.json, harness.ok_envelope(want))
        # no paging: page and per_page are not parameters of this list
        r = self.req('GET', self.rg_url(a), query={'page': 2, 'per_page': 5})
        self.assertEqual(r.json, harness.ok_envelope([g]))
        self.assertParamError(self.req('GET', self.rg_url(a), query={'id': 'xyz'}), 1004, 'id')
        self.assertParamError(self.req('GET', self.rg_url(a) + '?id=%s&id=%s' % (
            g['id'], g['id'])), 1004, 'id')

    def test_iam_2_3_unknown_group(self):
        a = self.create_account('a')
        s = self.create_account('s')
        for rid in (UNKNOWN_ID, a['id'], resource_group_id(s), SUPER_ADMIN):
            with self.subTest(group=rid):
                r = self.req('GET', self.rg_url(a, rid))
                self.assertError(r, 404, [1305], result_key='null')
                self.assertEqual(r.json, not_found(1305, 'resource group', rid))

    def test_iam_2_4_unknown_or_invisible_account(self):
        a = self.create_account('a')
        for aid, auth in ((UNKNOWN_ID, TOKEN_A), (a['id'], TOKEN_B)):
            for path in (self.rg_url(aid), self.rg_url(aid, resource_group_id(aid))):
                with self.subTest(path=path, auth=auth):
                    self.assertNotFound(self.req('GET', path, auth=auth), aid)
        # a member who has not accepted does not see the account either
        self.add_am(a, 'bob@example.com', roles=[ADMIN])
        self.assertNotFound(self.req('GET', self.rg_url(a), auth='bob@example.com'), a['id'])
        self.add_am(a, 'pat@example.com', 'accepted', roles=[ADMIN])
        r = self.req('GET', self.rg_url(a), auth='pat@example.com')
        self.assertEqual(r.json, harness.ok_envelope([resource_group(a)]))


# ---------------------------------------------------------------------------
# Account-member policies name groups of these catalogues


class MemberPolicies(IamTest):
    def test_iam_3_1_good_ids_are_answered_whole(self):
        a = self.create_account('a')
        every = dict(POLICY, permission_groups=[{'id': g['id']} for g in ALL])
        pols = [in_account(every, a), in_account(DENY, a), POLICY]
        m = self.add_am(a, 'bob@example.com', 'accepted', policies=pols)
        self.assertEqual(m['policies'], answered(pols, a))
        self.assertEqual(m['policies'][0]['permission_groups'], ALL)
        self.assertEqual(m['policies'][1]['resource_groups'], [resource_group(a)])
        self.assertAMemberIs(a, m)
        # what the member's groups say is what the catalogues answer
        for g in m['policies'][0]['permission_groups']:
            self.assertGetAnswers(self.pg_url(a, g['id']), g)
        self.assertGetAnswers(self.rg_url(a, resource_group_id(a)), resource_group(a))
        # and PUT the same
        new = [in_account(dict(DENY, permission_groups=[{'id': MAGIC_NM}, {'id': DNS}]), a)]
        r = self.req('PUT', self.aurl(a, m), {'policies': new})
        self.assertEqual(r.status, 200, r)
        m['policies'] = answered(new, a)
        self.assertEqual(r.json, harness.ok_envelope(m))
        self.assertAMemberIs(a, m)

    def test_iam_3_2_bad_ids_are_refused_and_nothing_changes(self):
        a = self.create_account('a')
        s = self.create_account('s')
        c = self.creator(a)
        m = self.add_am(a, 'bob@example.com', 'accepted', policies=[in_account(POLICY, a)])
        before = self.world()
        token_group = '3536bcfad5faccb999b47003c79917fb'   # not an IAM permission group
        pg_rule = ("no permission group has the id '%s' "
                   "(see GET /accounts/{id}/iam/permission_groups)")
        rg_rule = ("no resource group has the id '%s' in account '%s' "
                   "(see GET /accounts/{id}/iam/resource_groups)")
        cases = [
            (dict(POLICY, permission_groups=[{'id': ZONE_READ}, {'id': UNKNOWN_ID}]),
             '/policies/0/permission_groups/1/id', pg_rule % UNKNOWN_ID),
            (dict(POLICY, permission_groups=[{'id': token_group}]),
             '/policies/0/permission_groups/0/id', pg_rule % token_group),
            (dict(POLICY, permission_groups=[{'id': 'nope'}]),
             '/policies/0/permission_groups/0/id', pg_rule % 'nope'),
            (dict(POLICY, resource_groups=[{'id': resource_group_id(a)},
                                           {'id': resource_group_id(s)}]),
             '/policies/0/resource_groups/1/id', rg_rule % (resource_group_id(s), a['id'])),
            (dict(POLICY, resource_groups=[{'id': '6d7f2f5f5b1d4a0e9081fdc98d432fd1'}]),
             '/policies/0/resource_groups/0/id',
             rg_rule % ('6d7f2f5f5b1d4a0e9081fdc98d432fd1', a['id'])),
        ]
        for policy, pointer, rule in cases:
            for method, path, body in (
                    ('POST', self.aurl(a), {'email': 'new@example.com',
                                            'policies': [policy]}),
                    ('PUT', self.aurl(a, m), {'policies': [policy]}),
                    ('PUT', self.aurl(a, m), {'policies': [in_account(DENY, a), policy]})):
                want = pointer if len(body['policies']) == 1 else \
                    pointer.replace('/policies/0/', '/policies/1/')
                with self.subTest(method=method, pointer=want, policy=policy):
                    r = self.req(method, path, body)
                    self.assertFieldError(r, 1003, want)
                    self.assertEqual(r.json['errors'][0]['message'], "invalid value for '%s': %s"
                                     % (want[1:].replace('/', '.'), rule))
        self.assertEqual(self.world(), before)
        self.assertAMembers(a, [c, m])


if __name__ == '__main__':
    harness.main()
