"""test_organizations.py: /organizations, /organizations/{id} and
/organizations/{id}/accounts (CONTRACT.md 0, 3 and 4.1) over HTTP.

Every test gets a fresh server (seed 1, fake clock), so ids and timestamps
are deterministic; results are compared whole wherever practical."""
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import TOKEN_A, TOKEN_B  # noqa: E402

HEX32 = re.compile(r'^[0-9a-f]{32}$')
# the fake clock starts at 2026-01-01T00:00:00Z and moves 1 ms per reading
CREATE_TIME = re.compile(r'^2026-01-01T00:00:00\.\d{3}Z$')

FLAGS = {k: 'enabled' for k in (
    'account_creation', 'account_deletion', 'account_migration', 'account_mobility',
    'sub_org_creation')}
TENANT_FLAGS = {k: 'enabled' for k in (
    'account_creation', 'account_creation_applies_tenant_defaults', 'account_deletion',
    'account_migration', 'account_mobility', 'enterprise_capability', 'member_management',
    'sub_org_creation')}
PROFILE_KEYS = ('business_address', 'business_email', 'business_name', 'business_phone',
                'external_metadata')
PROFILE = {
    'business_address': '101 Townsend St, San Francisco, CA',
    'business_email': 'billing@example.com',
    'business_name': 'Example Inc.',
    'business_phone': '+1 555 0100',
    'external_metadata': '{"crm_id": 42}',
}
EMPTY_PROFILE = {k: '' for k in PROFILE_KEYS}
UNKNOWN_ID = '0123456789abcdef0123456789abcdef'
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


def not_found(id):
    """The whole error envelope for an organization that is not there."""
    return {'success': False, 'messages': [],
            'errors': [{'code': 1101, 'message': "organization '%s' not found" % id}]}


class OrgTest(harness.ServerTest):
    """Helpers shared by the organization tests."""

    def create(self, name, parent=None, profile=None, auth=TOKEN_A):
        body = {'name': name}
        if parent is not None:
            body['parent'] = {'id': parent if isinstance(parent, str) else parent['id']}
        if profile is not None:
            body['profile'] = profile
        r = self.req('POST', '/organizations', body, auth=auth)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers.get('content-type'), 'application/json')
        self.assertEqual(set(r.json), {'success', 'errors', 'messages', 'result'}, r)
        self.assertIs(r.json['success'], True)
        return r.json['result']

    def get(self, id, auth=TOKEN_A):
        r = self.req('GET', '/organizations/' + id, auth=auth)
        self.assertEqual(r.status, 200, r)
        return r.json['result']

    def assertGetIs(self, org, auth=TOKEN_A):
        r = self.req('GET', '/organizations/' + org['id'], auth=auth)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json, harness.ok_envelope(org))

    def list(self, query=None, auth=TOKEN_A):
        r = self.req('GET', '/organizations', auth=auth, query=query)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(set(r.json), {'success', 'errors', 'messages', 'result', 'result_info'},
                         r)
        self.assertIs(r.json['success'], True)
        self.assertEqual(r.json['errors'], [])
        self.assertEqual(r.json['messages'], [])
        return r.json

    def list_ids(self, query=None, auth=TOKEN_A):
        """ids of the first page (page_size 1000) and the total_size."""
        q = list(query.items() if isinstance(query, dict) else query or [])
        q.append(('page_size', 1000))
        env = self.list(q, auth=auth)
        self.assertNotIn('next_page_token', env['result_info'])
        return [o['id'] for o in env['result']], env['result_info']['total_size']

    def names(self, query, auth=TOKEN_A):
        q = list(query.items() if isinstance(query, dict) else query)
        q.append(('page_size', 1000))
        env = self.list(q, auth=auth)
        self.assertEqual(env['result_info'], {'total_size': len(env['result'])})
        return [o['name'] for o in env['result']]

    def walk(self, page_size, query=(), auth=TOKEN_A):
        """The ids of the whole of /organizations, and the pages (as
        cursor_walk)."""
        items, pages = self.cursor_walk(lambda q: self.list(q, auth=auth), page_size, query)
        return [o['id'] for o in items], pages

    def assertNotFound(self, resp, id):
        self.assertError(resp, 404, [1101], result_key='absent')
        self.assertEqual(resp.json, not_found(id))

    def assertFieldError(self, resp, code, pointer):
        self.assertError(resp, 400, [code], result_key='absent')
        self.assertEqual(resp.json['errors'][0]['source'], {'pointer': pointer}, resp)

    def assertParamError(self, resp, code, parameter):
        self.assertError(resp, 400, [code], result_key='absent')
        self.assertEqual(resp.json['errors'][0]['source'], {'parameter': parameter}, resp)
        self.assertIn(parameter, resp.json['errors'][0]['message'])

    def snapshot(self, auth=TOKEN_A):
        """The whole visible state of a user: the full list envelope."""
        return self.list([('page_size', 1000)], auth=auth)


class CreateAndGet(OrgTest):
    def test_orgs_2_1_create_root(self):
        r = self.req('POST', '/organizations', {'name': 'Acme'})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers.get('content-type'), 'application/json')
        org = r.json['result']
        self.assertRegex(org['id'], HEX32)
        self.assertRegex(org['create_time'], CREATE_TIME)
        self.assertRegex(org['meta']['managed_by'], HEX32)
        self.assertNotEqual(org['meta']['managed_by'], org['id'])
        want = expected_org(org['id'], 'Acme', org['create_time'], [org['id']],
                            org['meta']['managed_by'])
        self.assertEqual(r.json, harness.ok_envelope(want))
        # no parent and no profile keys at all on a plain root
        self.assertNotIn('parent', org)
        self.assertNotIn('profile', org)
        self.assertGetIs(want)

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
            self.assertRegex(t, CREATE_TIME)
        self.assertEqual(times, sorted(set(times)), 'create_time must increase')

    def test_orgs_2_3_create_sub_org(self):
        root = self.create('Root')
        r = self.req('POST', '/organizations', {'name': 'Child', 'parent': {'id': root['id']}})
        self.assertEqual(r.status, 200, r)
        child = r.json['result']
        self.assertRegex(child['id'], HEX32)
        self.assertNotEqual(child['id'], root['id'])
        self.assertRegex(child['create_time'], CREATE_TIME)
        self.assertGreater(child['create_time'], root['create_time'])
        want = expected_org(child['id'], 'Child', child['create_time'],
                            [root['id'], child['id']], root['meta']['managed_by'],
                            parent=root)
        self.assertEqual(r.json, harness.ok_envelope(want))
        self.assertGetIs(want)
        self.assertGetIs(root)   # the parent itself is unchanged

    def test_orgs_2_4_hierarchy_tags_three_levels(self):
        root = self.create('L1')
        mid = self.create('L2', parent=root)
        leaf = self.create('L3', parent=mid)
        other = self.create('L2b', parent=root)
        user = root['meta']['managed_by']
        self.assertEqual(leaf, expected_org(leaf['id'], 'L3', leaf['create_time'],
                                            [root['id'], mid['id'], leaf['id']], user,
                                            parent=mid))
        self.assertEqual(mid['meta']['hierarchy_tags'], [root['id'], mid['id']])
        self.assertEqual(other['meta']['hierarchy_tags'], [root['id'], other['id']])
        for o in (root, mid, leaf, other):
            self.assertGetIs(o)
        env = self.list()
        self.assertEqual(env, harness.ok_envelope([root, mid, leaf, other],
                                                  result_info={'total_size': 4}))

    def test_orgs_2_5_parent_name_follows_rename(self):
        root = self.create('Old name')
        child = self.create('Child', parent=root)
        grandchild = self.create('Grandchild', parent=child)
        r = self.req('PUT', '/organizations/' + root['id'], {'name': 'New name'})
        self.assertEqual(r.status, 200, r)
        child['parent']['name'] = 'New name'
        self.assertGetIs(child)
        self.assertGetIs(grandchild)       # its parent is the child, not renamed
        root['name'] = 'New name'
        env = self.list()
        self.assertEqual(env['result'], [root, child, grandchild])
        r = self.req('PUT', '/organizations/' + child['id'], {'name': 'Child 2'})
        self.assertEqual(r.status, 200, r)
        grandchild['parent']['name'] = 'Child 2'
        self.assertGetIs(grandchild)

    def test_orgs_2_6_create_with_profile(self):
        root = self.create('Root')
        r = self.req('POST', '/organizations',
                     {'name': 'With profile', 'parent': {'id': root['id']}, 'profile': PROFILE})
        self.assertEqual(r.status, 200, r)
        org = r.json['result']
        want = expected_org(org['id'], 'With profile', org['create_time'],
                            [root['id'], org['id']], root['meta']['managed_by'],
                            parent=root, profile=PROFILE)
        self.assertEqual(r.json, harness.ok_envelope(want))
        self.assertGetIs(want)
        self.assertEqual(self.list()['result'], [root, want])

    def test_orgs_2_7_create_ignores_read_only_fields(self):
        root = self.create('Root')
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
        self.assertRegex(org['create_time'], CREATE_TIME)
        want = expected_org(org['id'], 'Sneaky', org['create_time'], [root['id'], org['id']],
                            root['meta']['managed_by'], parent=root)
        self.assertEqual(org, want)
        self.assertNotFound(self.req('GET', '/organizations/' + UNKNOWN_ID), UNKNOWN_ID)

    def test_orgs_2_8_name_is_kept_exactly(self):
        names = ['  spaced  ', 'Ünïcødé 組織 🚀', 'x' * 5000, 'quote " and \\ backslash',
                 'same']
        orgs = [self.create(n) for n in names]
        orgs.append(self.create('same'))     # names need not be unique
        self.assertNotEqual(orgs[-1]['id'], orgs[-2]['id'])
        for o, n in zip(orgs, names + ['same']):
            self.assertEqual(o['name'], n)
            self.assertGetIs(o)
        self.assertEqual(self.list([('page_size', 100)])['result'], orgs)

    def test_orgs_2_9_list_whole_envelope(self):
        self.assertEqual(self.list(), harness.ok_envelope([], result_info={'total_size': 0}))
        a = self.create('a')
        b = self.create('b', parent=a, profile=PROFILE)
        self.assertEqual(self.list(), harness.ok_envelope([a, b], result_info={'total_size': 2}))


class CreateValidation(OrgTest):
    def test_orgs_3_1_name_missing(self):
        for body in ({}, {'name': None}, {'parent': None}, {'profile': PROFILE}):
            with self.subTest(body=body):
                r = self.req('POST', '/organizations', body)
                self.assertFieldError(r, 1001, '/name')
                self.assertIn('name', r.json['errors'][0]['message'])

    def test_orgs_3_2_name_wrong_type(self):
        for name in (5, 1.5, True, False, [], ['a'], {}, {'name': 'x'}):
            with self.subTest(name=name):
                r = self.req('POST', '/organizations', {'name': name})
                self.assertFieldError(r, 1002, '/name')
                self.assertIn('name', r.json['errors'][0]['message'])

    def test_orgs_3_3_name_empty(self):
        r = self.req('POST', '/organizations', {'name': ''})
        self.assertFieldError(r, 1003, '/name')
        self.assertIn('name', r.json['errors'][0]['message'])

    def test_orgs_3_4_parent_unknown(self):
        root = self.create('Root')
        for pid in (UNKNOWN_ID, root['id'].upper(), 'zz', '', root['id'] + '0',
                    root['id'][:31], 'not-an-id@example.com'):
            with self.subTest(parent=pid):
                r = self.req('POST', '/organizations', {'name': 'x', 'parent': {'id': pid}})
                self.assertFieldError(r, 1103, '/parent/id')
        self.assertEqual(self.snapshot(),
                         harness.ok_envelope([root], result_info={'total_size': 1}))

    def test_orgs_3_5_parent_wrong_shape(self):
        root = self.create('Root')
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
                self.assertFieldError(self.req('POST', '/organizations', body), code, pointer)
        self.assertEqual(self.snapshot()['result'], [root])

    def test_orgs_3_6_profile_validation(self):
        for key in PROFILE_KEYS:
            with self.subTest(missing=key):
                prof = dict(PROFILE)
                del prof[key]
                r = self.req('POST', '/organizations', {'name': 'x', 'profile': prof})
                self.assertFieldError(r, 1001, '/profile/' + key)
                self.assertIn(key, r.json['errors'][0]['message'])
            with self.subTest(null=key):
                prof = dict(PROFILE, **{key: None})
                r = self.req('POST', '/organizations', {'name': 'x', 'profile': prof})
                self.assertFieldError(r, 1001, '/profile/' + key)
            for bad in (5, True, [], {}):
                with self.subTest(key=key, value=bad):
                    prof = dict(PROFILE, **{key: bad})
                    r = self.req('POST', '/organizations', {'name': 'x', 'profile': prof})
                    self.assertFieldError(r, 1002, '/profile/' + key)
        for bad in ('x', 5, [PROFILE], True):
            with self.subTest(profile=bad):
                r = self.req('POST', '/organizations', {'name': 'x', 'profile': bad})
                self.assertFieldError(r, 1002, '/profile')
        r = self.req('POST', '/organizations', {'name': 'x', 'profile': {}})
        self.assertFieldError(r, 1001, '/profile/business_address')
        self.assertEqual(self.snapshot(), harness.ok_envelope([], result_info={'total_size': 0}))

    def test_orgs_3_7_body_not_an_object(self):
        for raw in ('[]', '"name"', '5', 'null', '[{"name": "x"}]'):
            with self.subTest(raw=raw):
                r = self.req('POST', '/organizations', raw=raw,
                             headers={'Content-Type': 'application/json'})
                self.assertFieldError(r, 1002, '')
        for raw in ('{"name": "x"', 'name=x', '', '{"name": "x"} trailing'):
            with self.subTest(raw=raw):
                r = self.req('POST', '/organizations', raw=raw,
                             headers={'Content-Type': 'application/json'})
                self.assertError(r, 400, [6007], result_key='absent')
        self.assertEqual(self.snapshot()['result'], [])

    def test_orgs_3_8_rejected_create_leaves_state_unchanged(self):
        root = self.create('Root')
        child = self.create('Child', parent=root, profile=PROFILE)
        before = self.snapshot()
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
        self.assertEqual(self.snapshot(), before)
        self.assertGetIs(root)
        self.assertGetIs(child)
        # the parent is still deletable bottom-up: no hidden child was made
        r = self.req('DELETE', '/organizations/' + child['id'])
        self.assertEqual(r.status, 200, r)
        r = self.req('DELETE', '/organizations/' + root['id'])
        self.assertEqual(r.json, harness.ok_envelope({'id': root['id']}))


class GetPutDelete(OrgTest):
    def test_orgs_4_1_get_unknown(self):
        self.assertNotFound(self.req('GET', '/organizations/' + UNKNOWN_ID), UNKNOWN_ID)
        self.create('Root')
        self.assertNotFound(self.req('GET', '/organizations/' + UNKNOWN_ID), UNKNOWN_ID)

    def test_orgs_4_2_malformed_id_routes_nowhere(self):
        root = self.create('Root')
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
        self.assertGetIs(root)

    def test_orgs_4_3_put_renames(self):
        root = self.create('Root')
        child = self.create('Child', parent=root, profile=PROFILE)
        r = self.req('PUT', '/organizations/' + child['id'], {'name': 'Renamed'})
        self.assertEqual(r.status, 200, r)
        child['name'] = 'Renamed'
        self.assertEqual(r.json, harness.ok_envelope(child))
        self.assertGetIs(child)
        self.assertGetIs(root)
        # renaming again to the same name is fine
        r = self.req('PUT', '/organizations/' + child['id'], {'name': 'Renamed'})
        self.assertEqual(r.json, harness.ok_envelope(child))

    def test_orgs_4_4_put_ignores_parent_profile_and_read_only(self):
        a = self.create('A')
        b = self.create('B')
        child = self.create('Child', parent=a)
        body = {'name': 'Child 2', 'parent': {'id': b['id']}, 'profile': PROFILE,
                'id': UNKNOWN_ID, 'create_time': '1999-01-01T00:00:00Z',
                'meta': {'managed_by': 'nobody', 'hierarchy_tags': []}}
        r = self.req('PUT', '/organizations/' + child['id'], body)
        self.assertEqual(r.status, 200, r)
        child['name'] = 'Child 2'
        self.assertEqual(r.json, harness.ok_envelope(child))
        self.assertGetIs(child)
        r = self.req('GET', '/organizations/%s/profile' % child['id'])
        self.assertEqual(r.json, harness.ok_envelope(EMPTY_PROFILE))
        # a root cannot be moved under another either, and invalid ignored
        # fields do not fail the rename
        r = self.req('PUT', '/organizations/' + b['id'],
                     {'name': 'B2', 'parent': {'id': 'garbage'}, 'profile': 5})
        self.assertEqual(r.status, 200, r)
        b['name'] = 'B2'
        self.assertEqual(r.json, harness.ok_envelope(b))
        self.assertEqual(self.list_ids({'parent.id': 'null'})[0], [a['id'], b['id']])

    def test_orgs_4_5_put_validation(self):
        root = self.create('Root')
        url = '/organizations/' + root['id']
        self.assertFieldError(self.req('PUT', url, {}), 1001, '/name')
        self.assertFieldError(self.req('PUT', url, {'name': None}), 1001, '/name')
        for bad in (1, True, [], {}):
            self.assertFieldError(self.req('PUT', url, {'name': bad}), 1002, '/name')
        self.assertFieldError(self.req('PUT', url, {'name': ''}), 1003, '/name')
        self.assertFieldError(self.req('PUT', url, raw='[]',
                                       headers={'Content-Type': 'application/json'}), 1002, '')
        self.assertError(self.req('PUT', url, raw='{', headers={'Content-Type': 'application/json'}),
                         400, [6007], result_key='absent')
        self.assertError(self.req('PUT', url, raw=''), 400, [6007], result_key='absent')
        self.assertGetIs(root)

    def test_orgs_4_6_put_unknown(self):
        self.assertNotFound(self.req('PUT', '/organizations/' + UNKNOWN_ID, {'name': 'x'}),
                            UNKNOWN_ID)
        self.assertEqual(self.snapshot()['result'], [])

    def test_orgs_4_7_delete_then_gone_everywhere(self):
        root = self.create('Root')
        keep = self.create('Keep')
        r = self.req('DELETE', '/organizations/' + root['id'])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers.get('content-type'), 'application/json')
        self.assertEqual(r.json, harness.ok_envelope({'id': root['id']}))
        oid = root['id']
        url = '/organizations/' + oid
        self.assertNotFound(self.req('GET', url), oid)
        self.assertNotFound(self.req('PUT', url, {'name': 'back'}), oid)
        self.assertNotFound(self.req('DELETE', url), oid)
        self.assertNotFound(self.req('GET', url + '/profile'), oid)
        self.assertNotFound(self.req('PUT', url + '/profile', PROFILE), oid)
        self.assertNotFound(self.req('GET', url + '/accounts'), oid)
        r = self.req('POST', '/organizations', {'name': 'x', 'parent': {'id': oid}})
        self.assertFieldError(r, 1103, '/parent/id')
        self.assertEqual(self.snapshot(), harness.ok_envelope([keep], result_info={'total_size': 1}))
        self.assertEqual(self.list_ids([('id', oid)]), ([], 0))

    def test_orgs_4_8_delete_not_empty_then_bottom_up(self):
        root = self.create('Root')
        mid = self.create('Mid', parent=root)
        side = self.create('Side', parent=root)
        leaf = self.create('Leaf', parent=mid)
        before = self.snapshot()

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
        self.assertEqual(self.snapshot(), before)
        for o in (root, mid, side, leaf):
            self.assertGetIs(o)

        for o in (leaf, mid):
            r = self.req('DELETE', '/organizations/' + o['id'])
            self.assertEqual(r.json, harness.ok_envelope({'id': o['id']}))
        r = self.req('DELETE', '/organizations/' + root['id'])
        self.assertError(r, 400, [1102], result_key='absent')
        self.assertIn('1 sub-organization', r.json['errors'][0]['message'])
        for o in (side, root):
            r = self.req('DELETE', '/organizations/' + o['id'])
            self.assertEqual(r.json, harness.ok_envelope({'id': o['id']}))
        self.assertEqual(self.snapshot(), harness.ok_envelope([], result_info={'total_size': 0}))

    def test_orgs_4_9_delete_unknown_and_twice(self):
        self.assertNotFound(self.req('DELETE', '/organizations/' + UNKNOWN_ID), UNKNOWN_ID)
        o = self.create('Once')
        self.assertEqual(self.req('DELETE', '/organizations/' + o['id']).json,
                         harness.ok_envelope({'id': o['id']}))
        self.assertNotFound(self.req('DELETE', '/organizations/' + o['id']), o['id'])

    def test_orgs_4_10_deleted_parent_id_not_reused(self):
        """After deletions, new organizations get fresh ids and a correct
        hierarchy."""
        root = self.create('Root')
        child = self.create('Child', parent=root)
        self.req('DELETE', '/organizations/' + child['id'])
        again = self.create('Child', parent=root)
        self.assertNotEqual(again['id'], child['id'])
        self.assertEqual(again['meta']['hierarchy_tags'], [root['id'], again['id']])
        self.assertEqual(self.list_ids({'parent.id': root['id']}), ([again['id']], 1))


class Accounts(OrgTest):
    def test_orgs_5_1_accounts_empty_list(self):
        root = self.create('Root')
        child = self.create('Child', parent=root)
        empty = harness.ok_envelope([], result_info={'total_size': 0})
        for o in (root, child):
            for q in (None, {'order_by': 'account_name'},
                      {'order_by': 'account_name', 'direction': 'desc'},
                      {'direction': 'asc'}, {'name': 'x', 'account_pubname.contains': 'y'},
                      {'page_size': 1000}, {'page_size': 0}):
                with self.subTest(org=o['name'], query=q):
                    r = self.req('GET', '/organizations/%s/accounts' % o['id'], query=q)
                    self.assertEqual(r.status, 200, r)
                    self.assertEqual(r.headers.get('content-type'), 'application/json')
                    self.assertEqual(r.json, empty)

    def test_orgs_5_2_accounts_unknown_org(self):
        self.assertNotFound(self.req('GET', '/organizations/%s/accounts' % UNKNOWN_ID),
                            UNKNOWN_ID)

    def test_orgs_5_3_accounts_bad_order_by_and_direction(self):
        root = self.create('Root')
        url = '/organizations/%s/accounts' % root['id']
        for v in ('name', 'ACCOUNT_NAME', '', 'account_name desc'):
            with self.subTest(order_by=v):
                self.assertParamError(self.req('GET', url, query={'order_by': v}), 1004,
                                      'order_by')
        for v in ('up', 'ASCENDING', '', 'descending'):
            with self.subTest(direction=v):
                self.assertParamError(self.req('GET', url, query={'direction': v}), 1004,
                                      'direction')
        self.assertParamError(
            self.req('GET', url, query=[('order_by', 'account_name'), ('order_by', 'account_name')]),
            1004, 'order_by')

    def test_orgs_5_4_accounts_paging_params(self):
        root = self.create('Root')
        url = '/organizations/%s/accounts' % root['id']
        for v in ('1001', '-1', 'abc', '1.5'):
            with self.subTest(page_size=v):
                self.assertParamError(self.req('GET', url, query={'page_size': v}), 1004,
                                      'page_size')
        self.assertParamError(self.req('GET', url, query={'page_token': 'garbage'}), 1005,
                              'page_token')


class Isolation(OrgTest):
    def test_orgs_6_1_other_user_gets_404_everywhere(self):
        root = self.create('A root', profile=PROFILE)
        child = self.create('A child', parent=root)
        before = self.snapshot()
        for o in (root, child):
            oid = o['id']
            url = '/organizations/' + oid
            with self.subTest(org=o['name']):
                self.assertNotFound(self.req('GET', url, auth=TOKEN_B), oid)
                self.assertNotFound(self.req('PUT', url, {'name': 'pwned'}, auth=TOKEN_B), oid)
                self.assertNotFound(self.req('DELETE', url, auth=TOKEN_B), oid)
                self.assertNotFound(self.req('GET', url + '/profile', auth=TOKEN_B), oid)
                self.assertNotFound(self.req('PUT', url + '/profile', EMPTY_PROFILE,
                                             auth=TOKEN_B), oid)
                self.assertNotFound(self.req('GET', url + '/accounts', auth=TOKEN_B), oid)
                # exactly what a never-existing id answers
                self.assertEqual(self.req('GET', url, auth=TOKEN_B).json,
                                 not_found(oid))
        self.assertEqual(self.snapshot(), before)
        self.assertGetIs(root)
        self.assertGetIs(child)
        r = self.req('GET', '/organizations/%s/profile' % root['id'])
        self.assertEqual(r.json, harness.ok_envelope(PROFILE))

    def test_orgs_6_2_lists_and_total_size_are_per_user(self):
        a1 = self.create('shared name')
        a2 = self.create('shared sub', parent=a1)
        self.assertEqual(self.snapshot(auth=TOKEN_B),
                         harness.ok_envelope([], result_info={'total_size': 0}))
        b1 = self.create('shared name', auth=TOKEN_B)
        self.assertNotEqual(b1['meta']['managed_by'], a1['meta']['managed_by'])
        b2 = self.create('shared b-sub', parent=b1, auth=TOKEN_B)
        self.assertEqual(self.snapshot(auth=TOKEN_A),
                         harness.ok_envelope([a1, a2], result_info={'total_size': 2}))
        self.assertEqual(self.snapshot(auth=TOKEN_B),
                         harness.ok_envelope([b1, b2], result_info={'total_size': 2}))
        # no filter lets B reach A's organizations
        for q in ([('id', a1['id']), ('id', a2['id'])], {'name': 'shared name'},
                  {'name.startsWith': 'shared'}, {'name.contains': 'sub'},
                  {'parent.id': a1['id']}, {'containing.organization': a2['id']},
                  {'parent.id': 'null'}):
            with self.subTest(query=q):
                ids, total = self.list_ids(q, auth=TOKEN_B)
                self.assertFalse({a1['id'], a2['id']} & set(ids))
                self.assertEqual(total, len(ids))
        self.assertEqual(self.list_ids({'name': 'shared name'}, auth=TOKEN_B), ([b1['id']], 1))
        self.assertEqual(self.list_ids({'name': 'shared name'}, auth=TOKEN_A), ([a1['id']], 1))
        # paging B's list never shows A's
        ids, pages = self.walk(1, auth=TOKEN_B)
        self.assertEqual(ids, [b1['id'], b2['id']])
        self.assertEqual(pages, [(1, 2), (1, 2)])

    def test_orgs_6_3_other_user_cannot_use_org_as_parent(self):
        root = self.create('A root')
        child = self.create('A child', parent=root)
        before = self.snapshot()
        for parent in (root, child):
            r = self.req('POST', '/organizations', {'name': 'B intruder',
                                                    'parent': {'id': parent['id']}},
                         auth=TOKEN_B)
            self.assertFieldError(r, 1103, '/parent/id')
            self.assertIn(parent['id'], r.json['errors'][0]['message'])
        self.assertEqual(self.snapshot(), before)
        self.assertEqual(self.snapshot(auth=TOKEN_B)['result'], [])
        # nothing was attached: A deletes bottom-up without a 1102
        for o in (child, root):
            self.assertEqual(self.req('DELETE', '/organizations/' + o['id']).status, 200)

    def test_orgs_6_4_page_token_not_transferable(self):
        for i in range(3):
            self.create('a%d' % i)
        for i in range(3):
            self.create('b%d' % i, auth=TOKEN_B)
        env = self.list({'page_size': 1})
        token = env['result_info']['next_page_token']
        r = self.req('GET', '/organizations', auth=TOKEN_B,
                     query={'page_size': 1, 'page_token': token})
        self.assertEqual(r.status, 400, r)
        self.assertError(r, 400, [r.json['errors'][0]['code']], result_key='absent')
        self.assertIn(r.json['errors'][0]['code'], (1005, 1006))
        self.assertEqual(r.json['errors'][0]['source'], {'parameter': 'page_token'})

    def test_orgs_6_5_users_have_separate_trees(self):
        a = self.create('A')
        b = self.create('B', auth=TOKEN_B)
        bc = self.create('B child', parent=b, auth=TOKEN_B)
        self.assertEqual(bc['meta']['managed_by'], b['meta']['managed_by'])
        self.assertEqual(bc['meta']['hierarchy_tags'], [b['id'], bc['id']])
        self.assertNotFound(self.req('GET', '/organizations/' + b['id']), b['id'])
        self.assertNotFound(self.req('DELETE', '/organizations/' + bc['id']), bc['id'])
        self.assertGetIs(bc, auth=TOKEN_B)
        self.assertGetIs(a)


class Paging(OrgTest):
    def make(self, n, prefix='org'):
        return [self.create('%s-%03d' % (prefix, i))['id'] for i in range(n)]

    def test_orgs_7_1_default_page_size_is_10(self):
        ids = self.make(25)
        for q in (None, {'page_size': 0}):
            with self.subTest(query=q):
                env = self.list(q)
                self.assertEqual([o['id'] for o in env['result']], ids[:10])
                self.assertEqual(env['result_info']['total_size'], 25)
                self.assertIn('next_page_token', env['result_info'])
        got, pages = self.walk(None)
        self.assertEqual(got, ids)
        self.assertEqual(pages, [(10, 25), (10, 25), (5, 25)])
        got, pages = self.walk(0)
        self.assertEqual(got, ids)

    def test_orgs_7_2_walk_with_several_page_sizes(self):
        ids = self.make(25)
        for size in (1, 2, 3, 7, 10, 12, 24, 25, 26, 1000):
            with self.subTest(page_size=size):
                got, pages = self.walk(size)
                self.assertEqual(len(got), len(set(got)), 'duplicates')
                self.assertEqual(got, ids)
                n = -(-25 // size)
                self.assertEqual(len(pages), n)
                want = [(min(size, 25 - i * size), 25) for i in range(n)]
                self.assertEqual(pages, want)

    def test_orgs_7_3_page_size_bounds(self):
        ids = self.make(12)
        env = self.list({'page_size': 1})
        self.assertEqual([o['id'] for o in env['result']], ids[:1])
        env = self.list({'page_size': 1000})
        self.assertEqual([o['id'] for o in env['result']], ids)
        self.assertEqual(env['result_info'], {'total_size': 12})
        env = self.list({'page_size': 0})
        self.assertEqual(len(env['result']), 10)
        for v in ('1001', '-1', 'abc', '1.5', '', '1e3', '10abc', '99999999999999999999'):
            with self.subTest(page_size=v):
                self.assertParamError(self.req('GET', '/organizations', query={'page_size': v}),
                                      1004, 'page_size')
        self.assertParamError(
            self.req('GET', '/organizations', query=[('page_size', '5'), ('page_size', '5')]),
            1004, 'page_size')

    def test_orgs_7_4_token_filter_mismatch(self):
        self.make(6, 'alpha')
        self.make(6, 'beta')
        base = [('name.startsWith', 'alpha'), ('name.contains', '-0')]
        env = self.list(base + [('page_size', 2)])
        token = env['result_info']['next_page_token']
        for q in ([('name.startsWith', 'beta'), ('name.contains', '-0')],   # changed
                  [('name.startsWith', 'alpha')],                          # dropped
                  [],                                                      # all dropped
                  base + [('name.endsWith', '5')],                         # added
                  base + [('parent.id', 'null')],
                  [('name.startsWith', 'ALPHA'), ('name.contains', '-0')]):  # other case
            with self.subTest(query=q):
                r = self.req('GET', '/organizations', query=q + [('page_token', token)])
                self.assertParamError(r, 1006, 'page_token')
        # the same filters in another order, and another page_size, are fine
        env = self.list(list(reversed(base)) + [('page_token', token), ('page_size', 3)])
        self.assertEqual([o['name'] for o in env['result']], ['alpha-002', 'alpha-003',
                                                              'alpha-004'])
        self.assertEqual(env['result_info']['total_size'], 6)

    def test_orgs_7_5_ids_token_keeps_repeated_filter(self):
        ids = self.make(6)
        pick = [ids[4], ids[1], ids[3]]
        env = self.list([('id', i) for i in pick] + [('page_size', 2)])
        self.assertEqual([o['id'] for o in env['result']], [ids[1], ids[3]])
        token = env['result_info']['next_page_token']
        # other order of the same ids: accepted
        env = self.list([('id', i) for i in reversed(pick)] + [('page_token', token),
                                                              ('page_size', 2)])
        self.assertEqual([o['id'] for o in env['result']], [ids[4]])
        self.assertEqual(env['result_info'], {'total_size': 3})
        # one id fewer or one more: rejected
        for q in ([('id', i) for i in pick[:2]], [('id', i) for i in pick + [ids[0]]]):
            r = self.req('GET', '/organizations', query=q + [('page_token', token)])
            self.assertParamError(r, 1006, 'page_token')

    def test_orgs_7_6_garbage_token(self):
        self.make(3)
        env = self.list({'page_size': 1})
        token = env['result_info']['next_page_token']
        flipped = token[:-1] + ('A' if token[-1] != 'A' else 'B')
        middle = token[:10] + ('A' if token[10] != 'A' else 'B') + token[11:]
        for bad in ('abc', 'A' * len(token), flipped, middle, token + 'A', token[:-1],
                    '!' * len(token), token.upper() if token.upper() != token else 'x'):
            with self.subTest(token=bad):
                r = self.req('GET', '/organizations', query={'page_size': 1, 'page_token': bad})
                self.assertParamError(r, 1005, 'page_token')
        self.assertParamError(
            self.req('GET', '/organizations', query=[('page_token', token), ('page_token', token)]),
            1004, 'page_token')
        # an empty page_token is the first page
        env = self.list({'page_size': 1, 'page_token': ''})
        self.assertEqual(env['result'][0]['name'], 'org-000')

    def test_orgs_7_7_token_from_another_list(self):
        root = self.create('Root')
        self.make(3)
        token = self.list({'page_size': 1})['result_info']['next_page_token']
        r = self.req('GET', '/organizations/%s/accounts' % root['id'],
                     query={'page_size': 1, 'page_token': token})
        self.assertError(r, 400, [r.json['errors'][0]['code']], result_key='absent')
        self.assertIn(r.json['errors'][0]['code'], (1005, 1006))

    def test_orgs_7_8_orgs_created_while_paging_come_later(self):
        ids = self.make(8)
        env = self.list({'page_size': 5})
        seen = [o['id'] for o in env['result']]
        token = env['result_info']['next_page_token']
        ids += self.make(2, 'late')
        env = self.list({'page_size': 5, 'page_token': token})
        seen += [o['id'] for o in env['result']]
        self.assertEqual(env['result_info'], {'total_size': 10})
        self.assertEqual(seen, ids)

    def test_orgs_7_9_orgs_deleted_while_paging(self):
        ids = self.make(6)
        env = self.list({'page_size': 2})
        seen = [o['id'] for o in env['result']]
        token = env['result_info']['next_page_token']
        # delete the org the token points after, and one on the next page
        for i in (ids[1], ids[2]):
            self.assertEqual(self.req('DELETE', '/organizations/' + i).status, 200)
        env = self.list({'page_size': 2, 'page_token': token})
        self.assertEqual([o['id'] for o in env['result']], [ids[3], ids[4]])
        self.assertEqual(env['result_info']['total_size'], 4)
        seen += [o['id'] for o in env['result']]
        env = self.list({'page_size': 2, 'page_token': env['result_info']['next_page_token']})
        self.assertEqual(env['result_info'], {'total_size': 4})
        self.assertEqual([o['id'] for o in env['result']], [ids[5]])

    def test_orgs_7_10_token_survives_deleting_the_newest(self):
        """A cursor must not skip an organization created after the newest
        ones were deleted (internal keys must never be reused)."""
        ids = self.make(3)
        env = self.list({'page_size': 2})
        token = env['result_info']['next_page_token']
        self.assertEqual([o['id'] for o in env['result']], ids[:2])
        for i in (ids[2], ids[1]):
            self.assertEqual(self.req('DELETE', '/organizations/' + i).status, 200)
        new = self.create('newest')
        self.assertEqual(self.list_ids(None), ([ids[0], new['id']], 2))
        env = self.list({'page_size': 2, 'page_token': token})
        self.assertEqual(env, harness.ok_envelope([new], result_info={'total_size': 2}))

    def test_orgs_7_11_paging_with_a_filter(self):
        want = []
        for i in range(30):
            o = self.create('%s-%02d' % ('even' if i % 2 == 0 else 'odd', i))
            if i % 2 == 0:
                want.append(o['id'])
        for size in (1, 4, 15, 16):
            with self.subTest(page_size=size):
                got, pages = self.walk(size, [('name.startsWith', 'EVEN')])
                self.assertEqual(got, want)
                self.assertEqual({t for _, t in pages}, {15})
                self.assertEqual(len(pages), -(-15 // size))


class Filters(OrgTest):
    def test_orgs_8_1_name_equal_case_insensitive(self):
        orgs = {n: self.create(n)['id'] for n in ('Alpha', 'alpha beta', 'ALPHA', 'Beta',
                                                  'alph', 'xalpha')}
        self.assertEqual(self.names({'name': 'alpha'}), ['Alpha', 'ALPHA'])
        self.assertEqual(self.names({'name': 'ALPHA BETA'}), ['alpha beta'])
        self.assertEqual(self.names({'name': 'alpha '}), [])
        self.assertEqual(self.names({'name': 'gamma'}), [])
        self.assertEqual(self.list_ids({'name': 'aLpHa'}), ([orgs['Alpha'], orgs['ALPHA']], 2))

    def test_orgs_8_2_starts_ends_contains_case_insensitive(self):
        for n in ('Production EU', 'production-us', 'Staging EU', 'dev', 'PRE-PRODUCTION'):
            self.create(n)
        self.assertEqual(self.names({'name.startsWith': 'PROD'}),
                         ['Production EU', 'production-us'])
        self.assertEqual(self.names({'name.endsWith': 'eu'}), ['Production EU', 'Staging EU'])
        self.assertEqual(self.names({'name.contains': 'Duct'}),
                         ['Production EU', 'production-us', 'PRE-PRODUCTION'])
        self.assertEqual(self.names({'name.contains': 'dev'}), ['dev'])
        self.assertEqual(self.names({'name.startsWith': 'dev'}), ['dev'])
        self.assertEqual(self.names({'name.endsWith': 'DEV'}), ['dev'])
        self.assertEqual(self.names({'name.contains': 'x'}), [])
        self.assertEqual(self.names({'name.startsWith': 'EU'}), [])
        self.assertEqual(self.names({'name.endsWith': 'Production'}), ['PRE-PRODUCTION'])

    def test_orgs_8_3_like_wildcards_are_literal(self):
        for n in ('100%', '100 percent', '1000', 'a_b', 'axb', 'a_bc', 'back\\slash',
                  'backslash', "it's", '[x]'):
            self.create(n)
        self.assertEqual(self.names({'name.contains': '%'}), ['100%'])
        self.assertEqual(self.names({'name': '100%'}), ['100%'])
        self.assertEqual(self.names({'name.startsWith': '100%'}), ['100%'])
        self.assertEqual(self.names({'name.endsWith': '0%'}), ['100%'])
        self.assertEqual(self.names({'name': 'a_b'}), ['a_b'])
        self.assertEqual(self.names({'name.contains': '_'}), ['a_b', 'a_bc'])
        self.assertEqual(self.names({'name.endsWith': '_b'}), ['a_b'])
        self.assertEqual(self.names({'name.startsWith': 'a_'}), ['a_b', 'a_bc'])
        self.assertEqual(self.names({'name': '%'}), [])
        self.assertEqual(self.names({'name': '____'}), [])
        self.assertEqual(self.names({'name.contains': '\\'}), ['back\\slash'])
        self.assertEqual(self.names({'name': 'back\\slash'}), ['back\\slash'])
        self.assertEqual(self.names({'name.contains': "'"}), ["it's"])
        self.assertEqual(self.names({'name': '[x]'}), ['[x]'])
        self.assertEqual(self.names({'name.contains': '*'}), [])

    def test_orgs_8_4_non_ascii_case_insensitive(self):
        for n in ('Élan', 'ÉCOLE', 'Ödön', 'plain'):
            self.create(n)
        self.assertEqual(self.names({'name': 'élan'}), ['Élan'])
        self.assertEqual(self.names({'name.startsWith': 'éc'}), ['ÉCOLE'])
        self.assertEqual(self.names({'name.contains': 'É'}), ['Élan', 'ÉCOLE'])
        self.assertEqual(self.names({'name.endsWith': 'DÖN'}), ['Ödön'])

    def test_orgs_8_5_parent_id(self):
        r1 = self.create('r1')
        r2 = self.create('r2')
        c1 = self.create('c1', parent=r1)
        c2 = self.create('c2', parent=r1)
        g1 = self.create('g1', parent=c1)
        c3 = self.create('c3', parent=r2)
        self.assertEqual(self.list_ids({'parent.id': r1['id']}), ([c1['id'], c2['id']], 2))
        self.assertEqual(self.list_ids({'parent.id': r2['id']}), ([c3['id']], 1))
        self.assertEqual(self.list_ids({'parent.id': c1['id']}), ([g1['id']], 1))
        self.assertEqual(self.list_ids({'parent.id': g1['id']}), ([], 0))
        self.assertEqual(self.list_ids({'parent.id': 'null'}), ([r1['id'], r2['id']], 2))
        for unknown in (UNKNOWN_ID, 'nope', r1['id'].upper(), 'NULL', 'Null', ''):
            with self.subTest(parent=unknown):
                self.assertEqual(self.list_ids({'parent.id': unknown}), ([], 0))
        env = self.list({'parent.id': r1['id']})
        self.assertEqual(env, harness.ok_envelope([c1, c2], result_info={'total_size': 2}))

    def test_orgs_8_6_containing_organization(self):
        root = self.create('root')
        mid = self.create('mid', parent=root)
        leaf = self.create('leaf', parent=mid)
        self.create('sibling', parent=root)
        other = self.create('other root')
        self.assertEqual(self.list(
            {'containing.organization': leaf['id']}),
            harness.ok_envelope([root, mid], result_info={'total_size': 2}))
        self.assertEqual(self.list_ids({'containing.organization': mid['id']}), ([root['id']], 1))
        self.assertEqual(self.list_ids({'containing.organization': root['id']}), ([], 0))
        self.assertEqual(self.list_ids({'containing.organization': other['id']}), ([], 0))
        self.assertEqual(self.list_ids({'containing.organization': UNKNOWN_ID}), ([], 0))
        self.assertEqual(self.list_ids({'containing.organization': 'bogus'}), ([], 0))
        # combined with other filters
        self.assertEqual(self.list_ids([('containing.organization', leaf['id']),
                                        ('parent.id', 'null')]), ([root['id']], 1))
        self.assertEqual(self.list_ids([('containing.organization', leaf['id']),
                                        ('name.startsWith', 'M')]), ([mid['id']], 1))
        # paged
        got, pages = self.walk(1, [('containing.organization', leaf['id'])])
        self.assertEqual(got, [root['id'], mid['id']])
        self.assertEqual(pages, [(1, 2), (1, 2)])

    def test_orgs_8_7_containing_account_and_user_are_empty(self):
        root = self.create('root')
        self.create('child', parent=root)
        user = root['meta']['managed_by']
        for key in ('containing.account', 'containing.user'):
            for v in (UNKNOWN_ID, user, root['id'], 'x'):
                with self.subTest(key=key, value=v):
                    self.assertEqual(self.list({key: v}),
                                     harness.ok_envelope([], result_info={'total_size': 0}))

    def test_orgs_8_8_id_filter_repeated(self):
        orgs = [self.create('o%d' % i) for i in range(5)]
        ids = [o['id'] for o in orgs]
        self.assertEqual(self.list([('id', ids[3]), ('id', ids[0])]),
                         harness.ok_envelope([orgs[0], orgs[3]], result_info={'total_size': 2}))
        self.assertEqual(self.list_ids([('id', ids[2])]), ([ids[2]], 1))
        self.assertEqual(self.list_ids([('id', ids[2]), ('id', ids[2])]), ([ids[2]], 1))
        self.assertEqual(self.list_ids([('id', UNKNOWN_ID), ('id', ids[4]), ('id', 'junk')]),
                         ([ids[4]], 1))
        self.assertEqual(self.list_ids([('id', UNKNOWN_ID)]), ([], 0))
        self.assertEqual(self.list_ids([('id', ids[1].upper())]), ([], 0))
        # 100 ids are fine, 101 are not
        many = [('id', '%032x' % i) for i in range(99)] + [('id', ids[1])]
        self.assertEqual(self.list_ids(many), ([ids[1]], 1))
        r = self.req('GET', '/organizations', query=many + [('id', ids[2])])
        self.assertParamError(r, 1004, 'id')

    def test_orgs_8_9_scalar_filter_given_twice(self):
        root = self.create('root')
        for key in SCALAR_FILTERS:
            with self.subTest(filter=key):
                r = self.req('GET', '/organizations', query=[(key, root['id']), (key, root['id'])])
                self.assertParamError(r, 1004, key)
                self.assertIn('more than once', r.json['errors'][0]['message'])
        # still rejected when the two values differ or one is empty
        r = self.req('GET', '/organizations', query=[('name', 'a'), ('name', '')])
        self.assertParamError(r, 1004, 'name')

    def test_orgs_8_10_filters_combined(self):
        r1 = self.create('Team Red')
        r2 = self.create('Team Blue')
        a = self.create('red-app', parent=r1)
        b = self.create('red-db', parent=r1)
        c = self.create('blue-app', parent=r2)
        d = self.create('red-app-eu', parent=a)
        self.assertEqual(self.list_ids([('name.startsWith', 'red'), ('parent.id', r1['id'])]),
                         ([a['id'], b['id']], 2))
        self.assertEqual(self.list_ids([('name.contains', 'app'), ('name.endsWith', 'APP')]),
                         ([a['id'], c['id']], 2))
        self.assertEqual(self.list_ids([('name.startsWith', 'red'), ('name.endsWith', 'eu'),
                                        ('name.contains', '-app-')]), ([d['id']], 1))
        self.assertEqual(self.list_ids([('name', 'RED-APP'), ('parent.id', r1['id'])]),
                         ([a['id']], 1))
        self.assertEqual(self.list_ids([('name', 'red-app'), ('parent.id', r2['id'])]), ([], 0))
        self.assertEqual(self.list_ids([('id', a['id']), ('id', c['id']), ('id', d['id']),
                                        ('name.contains', 'red')]), ([a['id'], d['id']], 2))
        self.assertEqual(self.list_ids([('parent.id', 'null'), ('name.contains', 'team')]),
                         ([r1['id'], r2['id']], 2))
        self.assertEqual(self.list_ids([('containing.organization', d['id']),
                                        ('id', r1['id']), ('id', r2['id'])]), ([r1['id']], 1))
        self.assertEqual(self.list_ids([('parent.id', 'null'), ('containing.account', 'x')]),
                         ([], 0))
        # total_size counts the filtered list, not the page
        env = self.list([('name.contains', 'red'), ('page_size', 1)])
        self.assertEqual(env['result'], [r1])
        self.assertEqual(env['result_info']['total_size'], 4)


class Persistence(OrgTest):
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
