"""test_organizations.py: /organizations and /organizations/{id} (CONTRACT.md
0, 3 and 4.1) over HTTP: creating, validation, reading, renaming and
deleting, who sees what, cursor pages, filters, and persistence.

Every test gets a fresh server (seed 1, fake clock), so ids and timestamps
are deterministic; results are compared whole wherever practical."""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import TOKEN_A, TOKEN_B  # noqa: E402
from helpers import (ApiTest, CREATED_ON, EMPTY_PROFILE, HEX32, PROFILE, PROFILE_KEYS,  # noqa: E402
                     UNKNOWN_ID, org_not_found)

FLAGS = {k: 'enabled' for k in (
    'account_creation', 'account_deletion', 'account_migration', 'account_mobility',
    'sub_org_creation')}
TENANT_FLAGS = {k: 'enabled' for k in (
    'account_creation', 'account_creation_applies_tenant_defaults', 'account_deletion',
    'account_migration', 'account_mobility', 'enterprise_capability', 'member_management',
    'sub_org_creation')}
SCALAR_FILTERS = ('name', 'name.startsWith', 'name.endsWith', 'name.contains', 'parent.id',
                  'containing.account', 'containing.organization', 'containing.user')


def expected_org(id, name, create_time, tags, managed_by, parent=None, profile=None):
    """The whole Organization object cfmock must answer."""
    org = {
        'id': id,
        'name': name,
        'create_time': create_time,
        'meta': {
            'flags': dict(FLAGS),
            'tenant_flags': dict(TENANT_FLAGS),
            'hierarchy_tags': list(tags),
            'managed_by': managed_by,
        },
    }
    if parent is not None:
        org['parent'] = {'id': parent['id'], 'name': parent['name']}
    if profile is not None:
        org['profile'] = dict(profile)
    return org


class CreateAndGet(ApiTest):
    def test_orgs_2_1_create_root(self):
        r = self.req('POST', '/organizations', {'name': 'Acme'})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers.get('content-type'), 'application/json')
        org = r.json['result']
        self.assertRegex(org['id'], HEX32)
        self.assertRegex(org['create_time'], CREATED_ON)
        self.assertRegex(org['meta']['managed_by'], HEX32)
        self.assertNotEqual(org['meta']['managed_by'], org['id'])
        want = expected_org(org['id'], 'Acme', org['create_time'], [org['id']],
                            org['meta']['managed_by'])
        self.assertEqual(r.json, harness.ok_envelope(want))
        # no parent and no profile keys at all on a plain root
        self.assertNotIn('parent', org)
        self.assertNotIn('profile', org)
        self.assertOrgIs(want)

    def test_orgs_2_2_ids_and_times_are_deterministic(self):
        def run(srv):
            out = []
            for body in ({'name': 'one'}, {'name': 'two'}):
                out.append(srv.request('POST', '/organizations', body))
            out.append(srv.request('POST', '/organizations',
                                   {'name': 'three', 'parent': {'id': out[0].json['result']['id']}}))
            out.append(srv.request('GET', '/organizations'))
            return out
        first = self.assertSameOnAnotherServer(run)
        orgs = [r.json['result'] for r in first[:3]]
        self.assertEqual(len({o['id'] for o in orgs}), 3)
        times = [o['create_time'] for o in orgs]
        for t in times:
            self.assertRegex(t, CREATED_ON)
        self.assertEqual(times, sorted(set(times)), 'create_time must increase')

    def test_orgs_2_3_create_sub_org(self):
        root = self.create_org('Root')
        r = self.req('POST', '/organizations', {'name': 'Child', 'parent': {'id': root['id']}})
        self.assertEqual(r.status, 200, r)
        child = r.json['result']
        self.assertRegex(child['id'], HEX32)
        self.assertNotEqual(child['id'], root['id'])
        self.assertRegex(child['create_time'], CREATED_ON)
        self.assertGreater(child['create_time'], root['create_time'])
        want = expected_org(child['id'], 'Child', child['create_time'],
                            [root['id'], child['id']], root['meta']['managed_by'],
                            parent=root)
        self.assertEqual(r.json, harness.ok_envelope(want))
        self.assertOrgIs(want)
        self.assertOrgIs(root)   # the parent itself is unchanged

    def test_orgs_2_4_hierarchy_tags_three_levels(self):
        root = self.create_org('L1')
        mid = self.create_org('L2', parent=root)
        leaf = self.create_org('L3', parent=mid)
        other = self.create_org('L2b', parent=root)
        user = root['meta']['managed_by']
        self.assertEqual(leaf, expected_org(leaf['id'], 'L3', leaf['create_time'],
                                            [root['id'], mid['id'], leaf['id']], user,
                                            parent=mid))
        self.assertEqual(mid['meta']['hierarchy_tags'], [root['id'], mid['id']])
        self.assertEqual(other['meta']['hierarchy_tags'], [root['id'], other['id']])
        for o in (root, mid, leaf, other):
            self.assertOrgIs(o)
        env = self.list_orgs()
        self.assertEqual(env, harness.ok_envelope([root, mid, leaf, other],
                                                  result_info={'total_size': 4}))

    def test_orgs_2_5_parent_name_follows_rename(self):
        root = self.create_org('Old name')
        child = self.create_org('Child', parent=root)
        grandchild = self.create_org('Grandchild', parent=child)
        r = self.req('PUT', '/organizations/' + root['id'], {'name': 'New name'})
        self.assertEqual(r.status, 200, r)
        child['parent']['name'] = 'New name'
        self.assertOrgIs(child)
        self.assertOrgIs(grandchild)       # its parent is the child, not renamed
        root['name'] = 'New name'
        env = self.list_orgs()
        self.assertEqual(env['result'], [root, child, grandchild])
        r = self.req('PUT', '/organizations/' + child['id'], {'name': 'Child 2'})
        self.assertEqual(r.status, 200, r)
        grandchild['parent']['name'] = 'Child 2'
        self.assertOrgIs(grandchild)

    def test_orgs_2_6_create_with_profile(self):
        root = self.create_org('Root')
        r = self.req('POST', '/organizations',
                     {'name': 'With profile', 'parent': {'id': root['id']}, 'profile': PROFILE})
        self.assertEqual(r.status, 200, r)
        org = r.json['result']
        want = expected_org(org['id'], 'With profile', org['create_time'],
                            [root['id'], org['id']], root['meta']['managed_by'],
                            parent=root, profile=PROFILE)
        self.assertEqual(r.json, harness.ok_envelope(want))
        self.assertOrgIs(want)
        self.assertEqual(self.list_orgs()['result'], [root, want])

    def test_orgs_2_7_create_ignores_read_only_fields(self):
        root = self.create_org('Root')
        body = {
            'name': 'Sneaky',
            'id': UNKNOWN_ID,
            'create_time': '1999-01-01T00:00:00Z',
            'meta': {'managed_by': UNKNOWN_ID, 'hierarchy_tags': ['x'], 'flags': {}},
            'parent': {'id': root['id'], 'name': 'not the name'},
        }
        r = self.req('POST', '/organizations', body)
        self.assertEqual(r.status, 200, r)
        org = r.json['result']
        self.assertNotEqual(org['id'], UNKNOWN_ID)
        self.assertRegex(org['create_time'], CREATED_ON)
        want = expected_org(org['id'], 'Sneaky', org['create_time'], [root['id'], org['id']],
                            root['meta']['managed_by'], parent=root)
        self.assertEqual(org, want)
        self.assertOrgNotFound(self.req('GET', '/organizations/' + UNKNOWN_ID), UNKNOWN_ID)

    def test_orgs_2_8_name_is_kept_exactly(self):
        names = ['  spaced  ', 'Ünïcødé 組織 🚀', 'x' * 100, 'quote " and \\ backslash',
                 'same']
        orgs = [self.create_org(n) for n in names]
        orgs.append(self.create_org('same'))     # names need not be unique
        self.assertNotEqual(orgs[-1]['id'], orgs[-2]['id'])
        for o, n in zip(orgs, names + ['same']):
            self.assertEqual(o['name'], n)
            self.assertOrgIs(o)
        self.assertEqual(self.list_orgs([('page_size', 100)])['result'], orgs)

    def test_orgs_2_9_list_whole_envelope(self):
        self.assertEqual(self.list_orgs(), harness.ok_envelope([], result_info={'total_size': 0}))
        a = self.create_org('a')
        b = self.create_org('b', parent=a, profile=PROFILE)
        self.assertEqual(self.list_orgs(),
                         harness.ok_envelope([a, b], result_info={'total_size': 2}))


class CreateValidation(ApiTest):
    def test_orgs_3_1_name_missing(self):
        for body in ({}, {'name': None}, {'parent': None}, {'profile': PROFILE}):
            with self.subTest(body=body):
                r = self.req('POST', '/organizations', body)
                self.assertPointer(r, 1001, '/name')
                self.assertIn('name', r.json['errors'][0]['message'])

    def test_orgs_3_2_name_wrong_type(self):
        for name in (5, 1.5, True, False, [], ['a'], {}, {'name': 'x'}):
            with self.subTest(name=name):
                r = self.req('POST', '/organizations', {'name': name})
                self.assertPointer(r, 1002, '/name')
                self.assertIn('name', r.json['errors'][0]['message'])

    def test_orgs_3_3_name_empty(self):
        r = self.req('POST', '/organizations', {'name': ''})
        self.assertPointer(r, 1003, '/name')
        self.assertIn('name', r.json['errors'][0]['message'])

    def test_orgs_3_4_parent_unknown(self):
        root = self.create_org('Root')
        for pid in (UNKNOWN_ID, root['id'].upper(), 'zz', '', root['id'] + '0',
                    root['id'][:31], 'not-an-id@example.com'):
            with self.subTest(parent=pid):
                r = self.req('POST', '/organizations', {'name': 'x', 'parent': {'id': pid}})
                self.assertPointer(r, 1103, '/parent/id')
        self.assertEqual(self.orgs_snapshot(),
                         harness.ok_envelope([root], result_info={'total_size': 1}))

    def test_orgs_3_5_parent_wrong_shape(self):
        root = self.create_org('Root')
        cases = [
            ({'parent': root['id']}, 1002, '/parent'),
            ({'parent': [root['id']]}, 1002, '/parent'),
            ({'parent': 7}, 1002, '/parent'),
            ({'parent': {}}, 1001, '/parent/id'),
            ({'parent': {'name': 'Root'}}, 1001, '/parent/id'),
            ({'parent': {'id': None}}, 1001, '/parent/id'),
            ({'parent': {'id': 5}}, 1002, '/parent/id'),
            ({'parent': {'id': {'id': root['id']}}}, 1002, '/parent/id'),
        ]
        for extra, code, pointer in cases:
            with self.subTest(body=extra):
                body = {'name': 'x'}
                body.update(extra)
                self.assertPointer(self.req('POST', '/organizations', body), code, pointer)
        self.assertEqual(self.orgs_snapshot()['result'], [root])

    def test_orgs_3_6_profile_validation(self):
        for key in PROFILE_KEYS:
            with self.subTest(missing=key):
                prof = dict(PROFILE)
                del prof[key]
                r = self.req('POST', '/organizations', {'name': 'x', 'profile': prof})
                self.assertPointer(r, 1001, '/profile/' + key)
                self.assertIn(key, r.json['errors'][0]['message'])
            with self.subTest(null=key):
                prof = dict(PROFILE, **{key: None})
                r = self.req('POST', '/organizations', {'name': 'x', 'profile': prof})
                self.assertPointer(r, 1001, '/profile/' + key)
            for bad in (5, True, [], {}):
                with self.subTest(key=key, value=bad):
                    prof = dict(PROFILE, **{key: bad})
                    r = self.req('POST', '/organizations', {'name': 'x', 'profile': prof})
                    self.assertPointer(r, 1002, '/profile/' + key)
        for bad in ('x', 5, [PROFILE], True):
            with self.subTest(profile=bad):
                r = self.req('POST', '/organizations', {'name': 'x', 'profile': bad})
                self.assertPointer(r, 1002, '/profile')
        r = self.req('POST', '/organizations', {'name': 'x', 'profile': {}})
        self.assertPointer(r, 1001, '/profile/business_address')
        self.assertEqual(self.orgs_snapshot(),
                         harness.ok_envelope([], result_info={'total_size': 0}))

    def test_orgs_3_7_body_not_an_object(self):
        for raw in ('[]', '"name"', '5', 'null', '[{"name": "x"}]'):
            with self.subTest(raw=raw):
                r = self.req('POST', '/organizations', raw=raw,
                             headers={'Content-Type': 'application/json'})
                self.assertPointer(r, 1002, '')
        for raw in ('{"name": "x"', 'name=x', '', '{"name": "x"} trailing'):
            with self.subTest(raw=raw):
                r = self.req('POST', '/organizations', raw=raw,
                             headers={'Content-Type': 'application/json'})
                self.assertError(r, 400, [6007], result_key='absent')
        self.assertEqual(self.orgs_snapshot()['result'], [])

    def test_orgs_3_8_rejected_create_leaves_state_unchanged(self):
        root = self.create_org('Root')
        child = self.create_org('Child', parent=root, profile=PROFILE)
        before = self.orgs_snapshot()
        bad = [
            {'name': ''},
            {'name': 'x', 'parent': {'id': UNKNOWN_ID}},
            {'name': 'x', 'parent': {'id': root['id']}, 'profile': {'business_name': 'y'}},
            {'name': 'x', 'parent': {'id': child['id']}, 'profile': dict(PROFILE, business_phone=1)},
            {'name': 7, 'parent': {'id': root['id']}},
        ]
        for body in bad:
            r = self.req('POST', '/organizations', body)
            self.assertEqual(r.status, 400, r)
        self.assertEqual(self.orgs_snapshot(), before)
        self.assertOrgIs(root)
        self.assertOrgIs(child)
        # the parent is still deletable bottom-up: no hidden child was made
        r = self.req('DELETE', '/organizations/' + child['id'])
        self.assertEqual(r.status, 200, r)
        r = self.req('DELETE', '/organizations/' + root['id'])
        self.assertEqual(r.json, harness.ok_envelope({'id': root['id']}))


class GetPutDelete(ApiTest):
    def test_orgs_4_1_get_unknown(self):
        self.assertOrgNotFound(self.req('GET', '/organizations/' + UNKNOWN_ID), UNKNOWN_ID)
        self.create_org('Root')
        self.assertOrgNotFound(self.req('GET', '/organizations/' + UNKNOWN_ID), UNKNOWN_ID)

    def test_orgs_4_2_malformed_id_routes_nowhere(self):
        root = self.create_org('Root')
        for bad in ('xyz', root['id'].upper(), root['id'][:31], root['id'] + 'a',
                    'g' * 32):
            for method, suffix in (('GET', ''), ('PUT', ''), ('DELETE', ''),
                                   ('GET', '/profile'), ('GET', '/accounts')):
                with self.subTest(id=bad, method=method, suffix=suffix):
                    r = self.req(method, '/organizations/' + bad + suffix,
                                 body={'name': 'x'} if method == 'PUT' else None)
                    self.assertError(r, 400, [7003, 7000], result_key='null')
                    self.assertIn('/client/v4/organizations/' + bad,
                                  r.json['errors'][0]['message'])
        self.assertOrgIs(root)

    def test_orgs_4_3_put_renames(self):
        root = self.create_org('Root')
        child = self.create_org('Child', parent=root, profile=PROFILE)
        r = self.req('PUT', '/organizations/' + child['id'], {'name': 'Renamed'})
        self.assertEqual(r.status, 200, r)
        child['name'] = 'Renamed'
        self.assertEqual(r.json, harness.ok_envelope(child))
        self.assertOrgIs(child)
        self.assertOrgIs(root)
        # renaming again to the same name is fine
        r = self.req('PUT', '/organizations/' + child['id'], {'name': 'Renamed'})
        self.assertEqual(r.json, harness.ok_envelope(child))

    def test_orgs_4_4_put_ignores_parent_profile_and_read_only(self):
        a = self.create_org('A')
        b = self.create_org('B')
        child = self.create_org('Child', parent=a)
        body = {'name': 'Child 2', 'parent': {'id': b['id']}, 'profile': PROFILE,
                'id': UNKNOWN_ID, 'create_time': '1999-01-01T00:00:00Z',
                'meta': {'managed_by': 'nobody', 'hierarchy_tags': []}}
        r = self.req('PUT', '/organizations/' + child['id'], body)
        self.assertEqual(r.status, 200, r)
        child['name'] = 'Child 2'
        self.assertEqual(r.json, harness.ok_envelope(child))
        self.assertOrgIs(child)
        r = self.req('GET', '/organizations/%s/profile' % child['id'])
        self.assertEqual(r.json, harness.ok_envelope(EMPTY_PROFILE))
        # a root cannot be moved under another either, and invalid ignored
        # fields do not fail the rename
        r = self.req('PUT', '/organizations/' + b['id'],
                     {'name': 'B2', 'parent': {'id': 'garbage'}, 'profile': 5})
        self.assertEqual(r.status, 200, r)
        b['name'] = 'B2'
        self.assertEqual(r.json, harness.ok_envelope(b))
        self.assertEqual(self.list_org_ids({'parent.id': 'null'})[0], [a['id'], b['id']])

    def test_orgs_4_5_put_validation(self):
        root = self.create_org('Root')
        url = '/organizations/' + root['id']
        self.assertPointer(self.req('PUT', url, {}), 1001, '/name')
        self.assertPointer(self.req('PUT', url, {'name': None}), 1001, '/name')
        for bad in (1, True, [], {}):
            self.assertPointer(self.req('PUT', url, {'name': bad}), 1002, '/name')
        self.assertPointer(self.req('PUT', url, {'name': ''}), 1003, '/name')
        self.assertPointer(self.req('PUT', url, raw='[]',
                                       headers={'Content-Type': 'application/json'}), 1002, '')
        self.assertError(self.req('PUT', url, raw='{', headers={'Content-Type': 'application/json'}),
                         400, [6007], result_key='absent')
        self.assertError(self.req('PUT', url, raw=''), 400, [6007], result_key='absent')
        self.assertOrgIs(root)

    def test_orgs_4_6_put_unknown(self):
        self.assertOrgNotFound(self.req('PUT', '/organizations/' + UNKNOWN_ID, {'name': 'x'}),
                            UNKNOWN_ID)
        self.assertEqual(self.orgs_snapshot()['result'], [])

    def test_orgs_4_7_delete_then_gone_everywhere(self):
        root = self.create_org('Root')
        keep = self.create_org('Keep')
        r = self.req('DELETE', '/organizations/' + root['id'])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers.get('content-type'), 'application/json')
        self.assertEqual(r.json, harness.ok_envelope({'id': root['id']}))
        oid = root['id']
        url = '/organizations/' + oid
        self.assertOrgNotFound(self.req('GET', url), oid)
        self.assertOrgNotFound(self.req('PUT', url, {'name': 'back'}), oid)
        self.assertOrgNotFound(self.req('DELETE', url), oid)
        self.assertOrgNotFound(self.req('GET', url + '/profile'), oid)
        self.assertOrgNotFound(self.req('PUT', url + '/profile', PROFILE), oid)
        self.assertOrgNotFound(self.req('GET', url + '/accounts'), oid)
        r = self.req('POST', '/organizations', {'name': 'x', 'parent': {'id': oid}})
        self.assertPointer(r, 1103, '/parent/id')
        self.assertEqual(self.orgs_snapshot(), harness.ok_envelope([keep], result_info={'total_size': 1}))
        self.assertEqual(self.list_org_ids([('id', oid)]), ([], 0))

    def test_orgs_4_8_delete_not_empty_then_bottom_up(self):
        root = self.create_org('Root')
        mid = self.create_org('Mid', parent=root)
        side = self.create_org('Side', parent=root)
        leaf = self.create_org('Leaf', parent=mid)
        before = self.orgs_snapshot()

        r = self.req('DELETE', '/organizations/' + root['id'])
        self.assertError(r, 400, [1102], result_key='absent')
        msg = r.json['errors'][0]['message']
        self.assertIn(root['id'], msg)
        self.assertIn('2 sub-organizations', msg)

        r = self.req('DELETE', '/organizations/' + mid['id'])
        self.assertError(r, 400, [1102], result_key='absent')
        msg = r.json['errors'][0]['message']
        self.assertIn(mid['id'], msg)
        self.assertIn('1 sub-organization', msg)
        self.assertNotIn('1 sub-organizations', msg)
        self.assertEqual(self.orgs_snapshot(), before)
        for o in (root, mid, side, leaf):
            self.assertOrgIs(o)

        for o in (leaf, mid):
            r = self.req('DELETE', '/organizations/' + o['id'])
            self.assertEqual(r.json, harness.ok_envelope({'id': o['id']}))
        r = self.req('DELETE', '/organizations/' + root['id'])
        self.assertError(r, 400, [1102], result_key='absent')
        self.assertIn('1 sub-organization', r.json['errors'][0]['message'])
        for o in (side, root):
            r = self.req('DELETE', '/organizations/' + o['id'])
            self.assertEqual(r.json, harness.ok_envelope({'id': o['id']}))
        self.assertEqual(self.orgs_snapshot(),
                         harness.ok_envelope([], result_info={'total_size': 0}))

    def test_orgs_4_9_delete_unknown_and_twice(self):
        self.assertOrgNotFound(self.req('DELETE', '/organizations/' + UNKNOWN_ID), UNKNOWN_ID)
        o = self.create_org('Once')
        self.assertEqual(self.req('DELETE', '/organizations/' + o['id']).json,
                         harness.ok_envelope({'id': o['id']}))
        self.assertOrgNotFound(self.req('DELETE', '/organizations/' + o['id']), o['id'])

    def test_orgs_4_10_deleted_parent_id_not_reused(self):
        """After deletions, new organizations get fresh ids and a correct
        hierarchy."""
        root = self.create_org('Root')
        child = self.create_org('Child', parent=root)
        self.req('DELETE', '/organizations/' + child['id'])
        again = self.create_org('Child', parent=root)
        self.assertNotEqual(again['id'], child['id'])
        self.assertEqual(again['meta']['hierarchy_tags'], [root['id'], again['id']])
        self.assertEqual(self.list_org_ids({'parent.id': root['id']}), ([again['id']], 1))


class Isolation(ApiTest):
    def test_orgs_6_1_other_user_gets_404_everywhere(self):
        root = self.create_org('A root', profile=PROFILE)
        child = self.create_org('A child', parent=root)
        before = self.orgs_snapshot()
        for o in (root, child):
            oid = o['id']
            url = '/organizations/' + oid
            with self.subTest(org=o['name']):
                self.assertOrgNotFound(self.req('GET', url, auth=TOKEN_B), oid)
                self.assertOrgNotFound(self.req('PUT', url, {'name': 'pwned'}, auth=TOKEN_B), oid)
                self.assertOrgNotFound(self.req('DELETE', url, auth=TOKEN_B), oid)
                self.assertOrgNotFound(self.req('GET', url + '/profile', auth=TOKEN_B), oid)
                self.assertOrgNotFound(self.req('PUT', url + '/profile', EMPTY_PROFILE,
                                             auth=TOKEN_B), oid)
                self.assertOrgNotFound(self.req('GET', url + '/accounts', auth=TOKEN_B), oid)
                # exactly what a never-existing id answers
                self.assertEqual(self.req('GET', url, auth=TOKEN_B).json,
                                 org_not_found(oid))
        self.assertEqual(self.orgs_snapshot(), before)
        self.assertOrgIs(root)
        self.assertOrgIs(child)
        r = self.req('GET', '/organizations/%s/profile' % root['id'])
        self.assertEqual(r.json, harness.ok_envelope(PROFILE))

    def test_orgs_6_2_lists_and_total_size_are_per_user(self):
        a1 = self.create_org('shared name')
        a2 = self.create_org('shared sub', parent=a1)
        self.assertEqual(self.orgs_snapshot(auth=TOKEN_B),
                         harness.ok_envelope([], result_info={'total_size': 0}))
        b1 = self.create_org('shared name', auth=TOKEN_B)
        self.assertNotEqual(b1['meta']['managed_by'], a1['meta']['managed_by'])
        b2 = self.create_org('shared b-sub', parent=b1, auth=TOKEN_B)
        self.assertEqual(self.orgs_snapshot(auth=TOKEN_A),
                         harness.ok_envelope([a1, a2], result_info={'total_size': 2}))
        self.assertEqual(self.orgs_snapshot(auth=TOKEN_B),
                         harness.ok_envelope([b1, b2], result_info={'total_size': 2}))
        # no filter lets B reach A's organizations
        for q in ([('id', a1['id']), ('id', a2['id'])], {'name': 'shared name'},
                  {'name.startsWith': 'shared'}, {'name.contains': 'sub'},
                  {'parent.id': a1['id']}, {'containing.organization': a2['id']},
                  {'parent.id': 'null'}):
            with self.subTest(query=q):
                ids, total = self.list_org_ids(q, auth=TOKEN_B)
                self.assertFalse({a1['id'], a2['id']} & set(ids))
                self.assertEqual(total, len(ids))
        self.assertEqual(self.list_org_ids({'name': 'shared name'}, auth=TOKEN_B), ([b1['id']], 1))
        self.assertEqual(self.list_org_ids({'name': 'shared name'}, auth=TOKEN_A), ([a1['id']], 1))
        # paging B's list never shows A's
        ids, pages = self.orgs_walk(1, auth=TOKEN_B)
        self.assertEqual(ids, [b1['id'], b2['id']])
        self.assertEqual(pages, [(1, 2), (1, 2)])

    def test_orgs_6_3_other_user_cannot_use_org_as_parent(self):
        root = self.create_org('A root')
        child = self.create_org('A child', parent=root)
        before = self.orgs_snapshot()
        for parent in (root, child):
            r = self.req('POST', '/organizations', {'name': 'B intruder',
                                                    'parent': {'id': parent['id']}},
                         auth=TOKEN_B)
            self.assertPointer(r, 1103, '/parent/id')
            self.assertIn(parent['id'], r.json['errors'][0]['message'])
        self.assertEqual(self.orgs_snapshot(), before)
        self.assertEqual(self.orgs_snapshot(auth=TOKEN_B)['result'], [])
        # nothing was attached: A deletes bottom-up without a 1102
        for o in (child, root):
            self.assertEqual(self.req('DELETE', '/organizations/' + o['id']).status, 200)

    def test_orgs_6_4_page_token_not_transferable(self):
        for i in range(3):
            self.create_org('a%d' % i)
        for i in range(3):
            self.create_org('b%d' % i, auth=TOKEN_B)
        env = self.list_orgs({'page_size': 1})
        token = env['result_info']['next_page_token']
        r = self.req('GET', '/organizations', auth=TOKEN_B,
                     query={'page_size': 1, 'page_token': token})
        self.assertEqual(r.status, 400, r)
        self.assertError(r, 400, [r.json['errors'][0]['code']], result_key='absent')
        self.assertIn(r.json['errors'][0]['code'], (1005, 1006))
        self.assertEqual(r.json['errors'][0]['source'], {'parameter': 'page_token'})

    def test_orgs_6_5_users_have_separate_trees(self):
        a = self.create_org('A')
        b = self.create_org('B', auth=TOKEN_B)
        bc = self.create_org('B child', parent=b, auth=TOKEN_B)
        self.assertEqual(bc['meta']['managed_by'], b['meta']['managed_by'])
        self.assertEqual(bc['meta']['hierarchy_tags'], [b['id'], bc['id']])
        self.assertOrgNotFound(self.req('GET', '/organizations/' + b['id']), b['id'])
        self.assertOrgNotFound(self.req('DELETE', '/organizations/' + bc['id']), bc['id'])
        self.assertOrgIs(bc, auth=TOKEN_B)
        self.assertOrgIs(a)


class Paging(ApiTest):
    def make(self, n, prefix='org'):
        return [self.create_org('%s-%03d' % (prefix, i))['id'] for i in range(n)]

    def test_orgs_7_1_default_page_size_is_10(self):
        ids = self.make(25)
        for q in (None, {'page_size': 0}):
            with self.subTest(query=q):
                env = self.list_orgs(q)
                self.assertEqual([o['id'] for o in env['result']], ids[:10])
                self.assertEqual(env['result_info']['total_size'], 25)
                self.assertIn('next_page_token', env['result_info'])
        got, pages = self.orgs_walk(None)
        self.assertEqual(got, ids)
        self.assertEqual(pages, [(10, 25), (10, 25), (5, 25)])
        got, pages = self.orgs_walk(0)
        self.assertEqual(got, ids)

    def test_orgs_7_2_walk_with_several_page_sizes(self):
        ids = self.make(25)
        for size in (1, 2, 3, 7, 10, 12, 24, 25, 26, 1000):
            with self.subTest(page_size=size):
                got, pages = self.orgs_walk(size)
                self.assertEqual(len(got), len(set(got)), 'duplicates')
                self.assertEqual(got, ids)
                n = -(-25 // size)
                self.assertEqual(len(pages), n)
                want = [(min(size, 25 - i * size), 25) for i in range(n)]
                self.assertEqual(pages, want)

    def test_orgs_7_3_page_size_bounds(self):
        ids = self.make(12)
        env = self.list_orgs({'page_size': 1})
        self.assertEqual([o['id'] for o in env['result']], ids[:1])
        env = self.list_orgs({'page_size': 1000})
        self.assertEqual([o['id'] for o in env['result']], ids)
        self.assertEqual(env['result_info'], {'total_size': 12})
        env = self.list_orgs({'page_size': 0})
        self.assertEqual(len(env['result']), 10)
        for v in ('1001', '-1', 'abc', '1.5', '', '1e3', '10abc', '99999999999999999999'):
            with self.subTest(page_size=v):
                self.assertParamError(self.req('GET', '/organizations', query={'page_size': v}),
                                      1004, 'page_size', 'absent')
        self.assertParamError(
            self.req('GET', '/organizations', query=[('page_size', '5'), ('page_size', '5')]),
            1004, 'page_size', 'absent')

    def test_orgs_7_4_token_filter_mismatch(self):
        self.make(6, 'alpha')
        self.make(6, 'beta')
        base = [('name.startsWith', 'alpha'), ('name.contains', '-0')]
        env = self.list_orgs(base + [('page_size', 2)])
        token = env['result_info']['next_page_token']
        for q in ([('name.startsWith', 'beta'), ('name.contains', '-0')],   # changed
                  [('name.startsWith', 'alpha')],                          # dropped
                  [],                                                      # all dropped
                  base + [('name.endsWith', '5')],                         # added
                  base + [('parent.id', 'null')],
                  [('name.startsWith', 'ALPHA'), ('name.contains', '-0')]):  # other case
            with self.subTest(query=q):
                r = self.req('GET', '/organizations', query=q + [('page_token', token)])
                self.assertParamError(r, 1006, 'page_token', 'absent')
        # the same filters in another order, and another page_size, are fine
        env = self.list_orgs(list(reversed(base)) + [('page_token', token), ('page_size', 3)])
        self.assertEqual([o['name'] for o in env['result']], ['alpha-002', 'alpha-003',
                                                              'alpha-004'])
        self.assertEqual(env['result_info']['total_size'], 6)

    def test_orgs_7_5_ids_token_keeps_repeated_filter(self):
        ids = self.make(6)
        pick = [ids[4], ids[1], ids[3]]
        env = self.list_orgs([('id', i) for i in pick] + [('page_size', 2)])
        self.assertEqual([o['id'] for o in env['result']], [ids[1], ids[3]])
        token = env['result_info']['next_page_token']
        # other order of the same ids: accepted
        env = self.list_orgs([('id', i) for i in reversed(pick)] + [('page_token', token),
                                                              ('page_size', 2)])
        self.assertEqual([o['id'] for o in env['result']], [ids[4]])
        self.assertEqual(env['result_info'], {'total_size': 3})
        # one id fewer or one more: rejected
        for q in ([('id', i) for i in pick[:2]], [('id', i) for i in pick + [ids[0]]]):
            r = self.req('GET', '/organizations', query=q + [('page_token', token)])
            self.assertParamError(r, 1006, 'page_token', 'absent')

    def test_orgs_7_6_garbage_token(self):
        self.make(3)
        env = self.list_orgs({'page_size': 1})
        token = env['result_info']['next_page_token']
        flipped = token[:-1] + ('A' if token[-1] != 'A' else 'B')
        middle = token[:10] + ('A' if token[10] != 'A' else 'B') + token[11:]
        for bad in ('abc', 'A' * len(token), flipped, middle, token + 'A', token[:-1],
                    '!' * len(token), token.upper() if token.upper() != token else 'x'):
            with self.subTest(token=bad):
                r = self.req('GET', '/organizations', query={'page_size': 1, 'page_token': bad})
                self.assertParamError(r, 1005, 'page_token', 'absent')
        self.assertParamError(
            self.req('GET', '/organizations', query=[('page_token', token), ('page_token', token)]),
            1004, 'page_token', 'absent')
        # an empty page_token is the first page
        env = self.list_orgs({'page_size': 1, 'page_token': ''})
        self.assertEqual(env['result'][0]['name'], 'org-000')

    def test_orgs_7_7_token_from_another_list(self):
        root = self.create_org('Root')
        self.make(3)
        token = self.list_orgs({'page_size': 1})['result_info']['next_page_token']
        r = self.req('GET', '/organizations/%s/accounts' % root['id'],
                     query={'page_size': 1, 'page_token': token})
        self.assertError(r, 400, [r.json['errors'][0]['code']], result_key='absent')
        self.assertIn(r.json['errors'][0]['code'], (1005, 1006))

    def test_orgs_7_8_orgs_created_while_paging_come_later(self):
        ids = self.make(8)
        env = self.list_orgs({'page_size': 5})
        seen = [o['id'] for o in env['result']]
        token = env['result_info']['next_page_token']
        ids += self.make(2, 'late')
        env = self.list_orgs({'page_size': 5, 'page_token': token})
        seen += [o['id'] for o in env['result']]
        self.assertEqual(env['result_info'], {'total_size': 10})
        self.assertEqual(seen, ids)

    def test_orgs_7_9_orgs_deleted_while_paging(self):
        ids = self.make(6)
        env = self.list_orgs({'page_size': 2})
        seen = [o['id'] for o in env['result']]
        token = env['result_info']['next_page_token']
        # delete the org the token points after, and one on the next page
        for i in (ids[1], ids[2]):
            self.assertEqual(self.req('DELETE', '/organizations/' + i).status, 200)
        env = self.list_orgs({'page_size': 2, 'page_token': token})
        self.assertEqual([o['id'] for o in env['result']], [ids[3], ids[4]])
        self.assertEqual(env['result_info']['total_size'], 4)
        seen += [o['id'] for o in env['result']]
        env = self.list_orgs({'page_size': 2, 'page_token': env['result_info']['next_page_token']})
        self.assertEqual(env['result_info'], {'total_size': 4})
        self.assertEqual([o['id'] for o in env['result']], [ids[5]])

    def test_orgs_7_10_token_survives_deleting_the_newest(self):
        """A cursor must not skip an organization created after the newest
        ones were deleted (internal keys must never be reused)."""
        ids = self.make(3)
        env = self.list_orgs({'page_size': 2})
        token = env['result_info']['next_page_token']
        self.assertEqual([o['id'] for o in env['result']], ids[:2])
        for i in (ids[2], ids[1]):
            self.assertEqual(self.req('DELETE', '/organizations/' + i).status, 200)
        new = self.create_org('newest')
        self.assertEqual(self.list_org_ids(None), ([ids[0], new['id']], 2))
        env = self.list_orgs({'page_size': 2, 'page_token': token})
        self.assertEqual(env, harness.ok_envelope([new], result_info={'total_size': 2}))

    def test_orgs_7_11_paging_with_a_filter(self):
        want = []
        for i in range(30):
            o = self.create_org('%s-%02d' % ('even' if i % 2 == 0 else 'odd', i))
            if i % 2 == 0:
                want.append(o['id'])
        for size in (1, 4, 15, 16):
            with self.subTest(page_size=size):
                got, pages = self.orgs_walk(size, [('name.startsWith', 'EVEN')])
                self.assertEqual(got, want)
                self.assertEqual({t for _, t in pages}, {15})
                self.assertEqual(len(pages), -(-15 // size))


class Filters(ApiTest):
    def test_orgs_8_1_name_equal_case_insensitive(self):
        orgs = {n: self.create_org(n)['id'] for n in ('Alpha', 'alpha beta', 'ALPHA', 'Beta',
                                                  'alph', 'xalpha')}
        self.assertEqual(self.org_names({'name': 'alpha'}), ['Alpha', 'ALPHA'])
        self.assertEqual(self.org_names({'name': 'ALPHA BETA'}), ['alpha beta'])
        self.assertEqual(self.org_names({'name': 'alpha '}), [])
        self.assertEqual(self.org_names({'name': 'gamma'}), [])
        self.assertEqual(self.list_org_ids({'name': 'aLpHa'}), ([orgs['Alpha'], orgs['ALPHA']], 2))

    def test_orgs_8_2_starts_ends_contains_case_insensitive(self):
        for n in ('Production EU', 'production-us', 'Staging EU', 'dev', 'PRE-PRODUCTION'):
            self.create_org(n)
        self.assertEqual(self.org_names({'name.startsWith': 'PROD'}),
                         ['Production EU', 'production-us'])
        self.assertEqual(self.org_names({'name.endsWith': 'eu'}), ['Production EU', 'Staging EU'])
        self.assertEqual(self.org_names({'name.contains': 'Duct'}),
                         ['Production EU', 'production-us', 'PRE-PRODUCTION'])
        self.assertEqual(self.org_names({'name.contains': 'dev'}), ['dev'])
        self.assertEqual(self.org_names({'name.startsWith': 'dev'}), ['dev'])
        self.assertEqual(self.org_names({'name.endsWith': 'DEV'}), ['dev'])
        self.assertEqual(self.org_names({'name.contains': 'x'}), [])
        self.assertEqual(self.org_names({'name.startsWith': 'EU'}), [])
        self.assertEqual(self.org_names({'name.endsWith': 'Production'}), ['PRE-PRODUCTION'])

    def test_orgs_8_3_like_wildcards_are_literal(self):
        for n in ('100%', '100 percent', '1000', 'a_b', 'axb', 'a_bc', 'back\\slash',
                  'backslash', "it's", '[x]'):
            self.create_org(n)
        self.assertEqual(self.org_names({'name.contains': '%'}), ['100%'])
        self.assertEqual(self.org_names({'name': '100%'}), ['100%'])
        self.assertEqual(self.org_names({'name.startsWith': '100%'}), ['100%'])
        self.assertEqual(self.org_names({'name.endsWith': '0%'}), ['100%'])
        self.assertEqual(self.org_names({'name': 'a_b'}), ['a_b'])
        self.assertEqual(self.org_names({'name.contains': '_'}), ['a_b', 'a_bc'])
        self.assertEqual(self.org_names({'name.endsWith': '_b'}), ['a_b'])
        self.assertEqual(self.org_names({'name.startsWith': 'a_'}), ['a_b', 'a_bc'])
        self.assertEqual(self.org_names({'name': '%'}), [])
        self.assertEqual(self.org_names({'name': '____'}), [])
        self.assertEqual(self.org_names({'name.contains': '\\'}), ['back\\slash'])
        self.assertEqual(self.org_names({'name': 'back\\slash'}), ['back\\slash'])
        self.assertEqual(self.org_names({'name.contains': "'"}), ["it's"])
        self.assertEqual(self.org_names({'name': '[x]'}), ['[x]'])
        self.assertEqual(self.org_names({'name.contains': '*'}), [])

    def test_orgs_8_4_non_ascii_case_insensitive(self):
        for n in ('Élan', 'ÉCOLE', 'Ödön', 'plain'):
            self.create_org(n)
        self.assertEqual(self.org_names({'name': 'élan'}), ['Élan'])
        self.assertEqual(self.org_names({'name.startsWith': 'éc'}), ['ÉCOLE'])
        self.assertEqual(self.org_names({'name.contains': 'É'}), ['Élan', 'ÉCOLE'])
        self.assertEqual(self.org_names({'name.endsWith': 'DÖN'}), ['Ödön'])

    def test_orgs_8_5_parent_id(self):
        r1 = self.create_org('r1')
        r2 = self.create_org('r2')
        c1 = self.create_org('c1', parent=r1)
        c2 = self.create_org('c2', parent=r1)
        g1 = self.create_org('g1', parent=c1)
        c3 = self.create_org('c3', parent=r2)
        self.assertEqual(self.list_org_ids({'parent.id': r1['id']}), ([c1['id'], c2['id']], 2))
        self.assertEqual(self.list_org_ids({'parent.id': r2['id']}), ([c3['id']], 1))
        self.assertEqual(self.list_org_ids({'parent.id': c1['id']}), ([g1['id']], 1))
        self.assertEqual(self.list_org_ids({'parent.id': g1['id']}), ([], 0))
        self.assertEqual(self.list_org_ids({'parent.id': 'null'}), ([r1['id'], r2['id']], 2))
        for unknown in (UNKNOWN_ID, 'nope', r1['id'].upper(), 'NULL', 'Null', ''):
            with self.subTest(parent=unknown):
                self.assertEqual(self.list_org_ids({'parent.id': unknown}), ([], 0))
        env = self.list_orgs({'parent.id': r1['id']})
        self.assertEqual(env, harness.ok_envelope([c1, c2], result_info={'total_size': 2}))

    def test_orgs_8_6_containing_organization(self):
        root = self.create_org('root')
        mid = self.create_org('mid', parent=root)
        leaf = self.create_org('leaf', parent=mid)
        self.create_org('sibling', parent=root)
        other = self.create_org('other root')
        self.assertEqual(self.list_orgs(
            {'containing.organization': leaf['id']}),
            harness.ok_envelope([root, mid], result_info={'total_size': 2}))
        self.assertEqual(self.list_org_ids({'containing.organization': mid['id']}),
                         ([root['id']], 1))
        self.assertEqual(self.list_org_ids({'containing.organization': root['id']}), ([], 0))
        self.assertEqual(self.list_org_ids({'containing.organization': other['id']}), ([], 0))
        self.assertEqual(self.list_org_ids({'containing.organization': UNKNOWN_ID}), ([], 0))
        self.assertEqual(self.list_org_ids({'containing.organization': 'bogus'}), ([], 0))
        # combined with other filters
        self.assertEqual(self.list_org_ids([('containing.organization', leaf['id']),
                                        ('parent.id', 'null')]), ([root['id']], 1))
        self.assertEqual(self.list_org_ids([('containing.organization', leaf['id']),
                                        ('name.startsWith', 'M')]), ([mid['id']], 1))
        # paged
        got, pages = self.orgs_walk(1, [('containing.organization', leaf['id'])])
        self.assertEqual(got, [root['id'], mid['id']])
        self.assertEqual(pages, [(1, 2), (1, 2)])

    def test_orgs_8_7_containing_account_and_user_are_empty(self):
        root = self.create_org('root')
        self.create_org('child', parent=root)
        user = root['meta']['managed_by']
        for key in ('containing.account', 'containing.user'):
            for v in (UNKNOWN_ID, user, root['id'], 'x'):
                with self.subTest(key=key, value=v):
                    self.assertEqual(self.list_orgs({key: v}),
                                     harness.ok_envelope([], result_info={'total_size': 0}))

    def test_orgs_8_8_id_filter_repeated(self):
        orgs = [self.create_org('o%d' % i) for i in range(5)]
        ids = [o['id'] for o in orgs]
        self.assertEqual(self.list_orgs([('id', ids[3]), ('id', ids[0])]),
                         harness.ok_envelope([orgs[0], orgs[3]], result_info={'total_size': 2}))
        self.assertEqual(self.list_org_ids([('id', ids[2])]), ([ids[2]], 1))
        self.assertEqual(self.list_org_ids([('id', ids[2]), ('id', ids[2])]), ([ids[2]], 1))
        self.assertEqual(self.list_org_ids([('id', UNKNOWN_ID), ('id', ids[4]), ('id', 'junk')]),
                         ([ids[4]], 1))
        self.assertEqual(self.list_org_ids([('id', UNKNOWN_ID)]), ([], 0))
        self.assertEqual(self.list_org_ids([('id', ids[1].upper())]), ([], 0))
        # 100 ids are fine, 101 are not
        many = [('id', '%032x' % i) for i in range(99)] + [('id', ids[1])]
        self.assertEqual(self.list_org_ids(many), ([ids[1]], 1))
        r = self.req('GET', '/organizations', query=many + [('id', ids[2])])
        self.assertParamError(r, 1004, 'id', 'absent')

    def test_orgs_8_9_scalar_filter_given_twice(self):
        root = self.create_org('root')
        for key in SCALAR_FILTERS:
            with self.subTest(filter=key):
                r = self.req('GET', '/organizations', query=[(key, root['id']), (key, root['id'])])
                self.assertParamError(r, 1004, key, 'absent')
                self.assertIn('more than once', r.json['errors'][0]['message'])
        # still rejected when the two values differ or one is empty
        r = self.req('GET', '/organizations', query=[('name', 'a'), ('name', '')])
        self.assertParamError(r, 1004, 'name', 'absent')

    def test_orgs_8_10_filters_combined(self):
        r1 = self.create_org('Team Red')
        r2 = self.create_org('Team Blue')
        a = self.create_org('red-app', parent=r1)
        b = self.create_org('red-db', parent=r1)
        c = self.create_org('blue-app', parent=r2)
        d = self.create_org('red-app-eu', parent=a)
        self.assertEqual(self.list_org_ids([('name.startsWith', 'red'), ('parent.id', r1['id'])]),
                         ([a['id'], b['id']], 2))
        self.assertEqual(self.list_org_ids([('name.contains', 'app'), ('name.endsWith', 'APP')]),
                         ([a['id'], c['id']], 2))
        self.assertEqual(self.list_org_ids([('name.startsWith', 'red'), ('name.endsWith', 'eu'),
                                        ('name.contains', '-app-')]), ([d['id']], 1))
        self.assertEqual(self.list_org_ids([('name', 'RED-APP'), ('parent.id', r1['id'])]),
                         ([a['id']], 1))
        self.assertEqual(self.list_org_ids([('name', 'red-app'), ('parent.id', r2['id'])]), ([], 0))
        self.assertEqual(self.list_org_ids([('id', a['id']), ('id', c['id']), ('id', d['id']),
                                        ('name.contains', 'red')]), ([a['id'], d['id']], 2))
        self.assertEqual(self.list_org_ids([('parent.id', 'null'), ('name.contains', 'team')]),
                         ([r1['id'], r2['id']], 2))
        self.assertEqual(self.list_org_ids([('containing.organization', d['id']),
                                        ('id', r1['id']), ('id', r2['id'])]), ([r1['id']], 1))
        self.assertEqual(self.list_org_ids([('parent.id', 'null'), ('containing.account', 'x')]),
                         ([], 0))
        # total_size counts the filtered list, not the page
        env = self.list_orgs([('name.contains', 'red'), ('page_size', 1)])
        self.assertEqual(env['result'], [r1])
        self.assertEqual(env['result_info']['total_size'], 4)


class Persistence(ApiTest):
    def test_orgs_9_1_state_survives_a_restart(self):
        with tempfile.TemporaryDirectory() as d:
            db = os.path.join(d, 'cfmock.db')
            srv = harness.Server(db=db)
            try:
                root = srv.request('POST', '/organizations', {'name': 'Root', 'profile': PROFILE}).json['result']
                kids = [srv.request('POST', '/organizations',
                                    {'name': 'kid%d' % i, 'parent': {'id': root['id']}}).json['result']
                        for i in range(4)]
                self.assertEqual(srv.request('PUT', '/organizations/' + kids[0]['id'],
                                             {'name': 'renamed'}).status, 200)
                self.assertEqual(srv.request('DELETE', '/organizations/' + kids[3]['id']).status,
                                 200)
                b = srv.request('POST', '/organizations', {'name': 'B'}, auth=TOKEN_B).json['result']
                before_a = srv.request('GET', '/organizations', query={'page_size': 1000})
                before_b = srv.request('GET', '/organizations', auth=TOKEN_B)
                first = srv.request('GET', '/organizations', query={'page_size': 2})
                token = first.json['result_info']['next_page_token']
                second = srv.request('GET', '/organizations',
                                     query={'page_size': 2, 'page_token': token})
                gets = {o['id']: srv.request('GET', '/organizations/' + o['id']).raw
                        for o in [root] + kids[:3]}
            finally:
                self.assertEqual(srv.stop(), 0)
            self.assertEqual(len(before_a.json['result']), 4)

            srv = harness.Server(db=db)
            try:
                self.assertEqual(srv.request('GET', '/organizations',
                                             query={'page_size': 1000}).raw, before_a.raw)
                self.assertEqual(srv.request('GET', '/organizations', auth=TOKEN_B).raw,
                                 before_b.raw)
                for oid, raw in gets.items():
                    self.assertEqual(srv.request('GET', '/organizations/' + oid).raw, raw)
                r = srv.request('GET', '/organizations/%s/profile' % root['id'])
                self.assertEqual(r.json, harness.ok_envelope(PROFILE))
                r = srv.request('GET', '/organizations/' + kids[3]['id'])
                self.assertEqual(r.status, 404)
                r = srv.request('GET', '/organizations/' + b['id'])
                self.assertEqual(r.status, 404)
                # a page token from before the restart still works
                r = srv.request('GET', '/organizations', query={'page_size': 2, 'page_token': token})
                self.assertEqual(r.raw, second.raw)
                # and the delete-not-empty rule still holds
                r = srv.request('DELETE', '/organizations/' + root['id'])
                self.assertError(r, 400, [1102], result_key='absent')
            finally:
                self.assertEqual(srv.stop(), 0)

    def test_orgs_9_2_new_objects_after_a_restart(self):
        """Restarting on the same database (same --seed) must not hand out
        ids that are already taken."""
        with tempfile.TemporaryDirectory() as d:
            db = os.path.join(d, 'cfmock.db')
            srv = harness.Server(db=db)
            try:
                old = [srv.request('POST', '/organizations', {'name': 'old%d' % i}).json['result']
                       for i in range(3)]
            finally:
                self.assertEqual(srv.stop(), 0)
            srv = harness.Server(db=db)
            try:
                new = []
                for i in range(6):
                    r = srv.request('POST', '/organizations', {'name': 'new%d' % i})
                    self.assertEqual(r.status, 200, r)
                    new.append(r.json['result'])
                # a user first seen after the restart
                r = srv.request('POST', '/organizations', {'name': 'c'}, auth='token-team-c')
                self.assertEqual(r.status, 200, r)
                c = r.json['result']
                self.assertNotEqual(c['meta']['managed_by'], old[0]['meta']['managed_by'])
                all_ids = [o['id'] for o in old + new + [c]]
                self.assertEqual(len(set(all_ids)), len(all_ids))
                r = srv.request('GET', '/organizations', query={'page_size': 100})
                self.assertEqual([o['id'] for o in r.json['result']],
                                 [o['id'] for o in old + new])
                self.assertEqual(r.json['result_info'], {'total_size': 9})
            finally:
                self.assertEqual(srv.stop(), 0)


if __name__ == '__main__':
    harness.main()
