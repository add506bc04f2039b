"""test_limits.py: the limits that keep every request small (README "Limits
and security"): the hierarchy's depth, the length of a name or email
filter, of an organization's name and of each profile field. For each: at
the limit works, one past answers 400 with the exact envelope, whose
message names the limit, and the state (GET /_cfmock/state) is what it was
before the refused call. The depth holds for fixtures too, and a state
exported at the maximum depth loads back the same.

No timing here: what the limits buy in time is bench/worst.py's to
measure."""
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from helpers import ApiTest, PROFILE, PROFILE_MAX  # noqa: E402

DEPTH_MAX = 32       # organizations from a root down to a leaf
FILTER_MAX = 256     # characters of a name or email filter
ORG_NAME_MAX = 100   # characters of an organization's name

OWNER = 'owner@example.com'
OWNER_TOKEN = 'owner-token'

ORG_FILTERS = ['name', 'name.startsWith', 'name.endsWith', 'name.contains']
ACCOUNT_FILTERS = ORG_FILTERS + ['account_pubname', 'account_pubname.startsWith',
                                 'account_pubname.endsWith', 'account_pubname.contains']
MEMBER_FILTERS = ['user.email', 'user.email.contains', 'user.email.startsWith',
                  'user.email.endsWith']


def org_error(code, message, source):
    """An Organizations-API error envelope (no "result")."""
    return {'success': False, 'errors': [{'code': code, 'message': message, 'source': source}],
            'messages': []}


def too_deep():
    return org_error(1003, "invalid value for 'parent.id': a hierarchy is at most %d "
                     "organizations deep" % DEPTH_MAX, {'pointer': '/parent/id'})


def filter_too_long(key):
    return org_error(1004, "invalid value for query parameter '%s': must be at most %d "
                     "characters" % (key, FILTER_MAX), {'parameter': key})


def chain_fixture(depth, name='Level'):
    """A fixture of one user and a chain of @depth organizations, an
    account in the deepest."""
    leaf = {'name': '%s %d' % (name, depth), 'accounts': [{'name': 'Deep account'}]}
    node = leaf
    for level in range(depth - 1, 0, -1):
        node = {'name': '%s %d' % (name, level), 'organizations': [node]}
    node['owner'] = OWNER
    return {'users': [{'email': OWNER, 'tokens': [OWNER_TOKEN]}], 'organizations': [node]}


class LimitTest(ApiTest):
    def state(self, srv=None):
        r = (srv or self.srv).request('GET', '/_cfmock/state')
        self.assertEqual(r.status, 200, r)
        return r.raw

    def assertRefusedUnchanged(self, method, path, body, want, query=None):
        """@method @path answers 400 and exactly @want, and the state is
        unchanged by it."""
        before = self.state()
        r = self.req(method, path, body, query=query)
        self.assertEqual(r.status, 400, r)
        self.assertEqual(r.headers.get('content-type'), 'application/json')
        self.assertEqual(r.json, want)
        self.assertEqual(self.state(), before)

    def chain(self, depth, name='Level'):
        """A chain of @depth organizations made through the API, root
        first."""
        orgs = [self.create_org('%s 1' % name)]
        for level in range(2, depth + 1):
            orgs.append(self.create_org('%s %d' % (name, level), parent=orgs[-1]))
        return orgs


class Depth(LimitTest):
    def test_lim_1_1_a_hierarchy_32_deep_is_made_and_answered_whole(self):
        orgs = self.chain(DEPTH_MAX)
        leaf = orgs[-1]
        self.assertEqual(leaf['meta']['hierarchy_tags'], [o['id'] for o in orgs])
        self.assertEqual(leaf['parent'], {'id': orgs[-2]['id'], 'name': orgs[-2]['name']})
        acct = self.create_account('Deep', org=leaf)
        r = self.req('GET', self.url(acct, '/organizations'))
        self.assertEqual(r.status, 200, r)
        self.assertEqual([o['id'] for o in r.json['result']], [o['id'] for o in orgs])
        self.assertEqual(r.json['result'], [self.get_org(o['id']) for o in orgs])
        # containing.organization walks the whole chain above the leaf
        ids = self.list_org_ids({'containing.organization': leaf['id']})
        self.assertEqual(ids, ([o['id'] for o in orgs[:-1]], DEPTH_MAX - 1))

    def test_lim_1_2_one_level_more_is_400_and_changes_nothing(self):
        leaf = self.chain(DEPTH_MAX)[-1]
        self.assertRefusedUnchanged('POST', '/organizations',
                                    {'name': 'Too deep', 'parent': {'id': leaf['id']}},
                                    too_deep())
        # with a profile too: nothing of it is kept
        self.assertRefusedUnchanged('POST', '/organizations',
                                    {'name': 'Too deep', 'parent': {'id': leaf['id']},
                                     'profile': PROFILE}, too_deep())
        # the level above the leaf still takes more children
        self.assertEqual(self.create_org('Sibling', parent=leaf['parent']['id'])
                         ['meta']['hierarchy_tags'][:-1], leaf['meta']['hierarchy_tags'][:-1])

    def test_lim_1_3_a_member_of_a_deep_leaf_sees_only_below_it(self):
        orgs = self.chain(DEPTH_MAX)
        self.add(orgs[-1], 'deep@example.com')
        seen = self.list_orgs(auth='deep@example.com')['result']
        self.assertEqual([o['id'] for o in seen], [orgs[-1]['id']])
        self.assertEqual(seen[0]['meta']['hierarchy_tags'], [orgs[-1]['id']])
        self.assertNotIn('parent', seen[0])
        # a member half-way sees its part of the chain
        self.add(orgs[15], 'mid@example.com')
        seen = self.list_orgs({'page_size': '100'}, auth='mid@example.com')['result']
        self.assertEqual([o['id'] for o in seen], [o['id'] for o in orgs[15:]])
        for i, o in enumerate(seen):
            self.assertEqual(o['meta']['hierarchy_tags'], [x['id'] for x in orgs[15:16 + i]])

    def test_lim_1_4_the_state_at_the_maximum_depth_loads_back_the_same(self):
        orgs = self.chain(DEPTH_MAX)
        self.put_org_profile(orgs[-1], PROFILE)
        acct = self.create_account('Deep', org=orgs[-1])
        self.add(orgs[-1], 'deep@example.com')
        self.move(self.create_account('Moved', org=orgs[0]), orgs[-1])
        raw = self.state()
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, 'state.json')
            with open(path, 'wb') as f:
                f.write(raw)
            srv = self.server('--fixtures', path)
            self.assertEqual(self.state(srv), raw)
            r = srv.request('GET', '/accounts/%s/organizations' % acct['id'])
            self.assertEqual(len(r.json['result']), DEPTH_MAX, r)

    def test_lim_1_5_fixtures_32_deep_load_and_33_are_refused(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, 'deep.json')
            with open(path, 'w') as f:
                json.dump(chain_fixture(DEPTH_MAX), f)
            srv = self.server('--fixtures', path)
            r = srv.request('GET', '/organizations', auth=OWNER_TOKEN,
                            query={'page_size': '100'})
            self.assertEqual(len(r.json['result']), DEPTH_MAX, r)
            self.assertEqual(len(r.json['result'][-1]['meta']['hierarchy_tags']), DEPTH_MAX)

            with open(path, 'w') as f:
                json.dump(chain_fixture(DEPTH_MAX + 1), f)
            code, out, err = harness.run_cfmock('--port', '0', '--db', ':memory:',
                                                '--fixtures', path)
            self.assertEqual(code, 1, err)
            self.assertEqual(out, '')
            pointer = '/organizations/0' * (DEPTH_MAX + 1)
            self.assertEqual(err, 'cfmock: %s: %s: a hierarchy is at most %d organizations '
                             'deep\n' % (path, pointer, DEPTH_MAX))


class Filters(LimitTest):
    def setUp(self):
        super().setUp()
        self.org = self.create_org('a' * ORG_NAME_MAX)
        self.acct = self.create_account('a' * 100, org=self.org)

    def test_lim_2_1_organization_name_filters_at_and_past_the_limit(self):
        for key in ORG_FILTERS:
            with self.subTest(key=key):
                # at the limit: served (a name is never that long: no match)
                env = self.list_orgs({key: 'a' * FILTER_MAX})
                self.assertEqual((env['result'], env['result_info']), ([], {'total_size': 0}))
                # characters, not bytes
                env = self.list_orgs({key: '\U0001f600' * FILTER_MAX})
                self.assertEqual(env['result'], [])
                self.assertRefusedUnchanged('GET', '/organizations', None,
                                            filter_too_long(key),
                                            query={key: 'a' * (FILTER_MAX + 1)})

    def test_lim_2_2_organization_accounts_filters_at_and_past_the_limit(self):
        path = self.org_url(self.org, '/accounts')
        for key in ACCOUNT_FILTERS:
            with self.subTest(key=key):
                env = self.list_envelope(path, {key: 'a' * FILTER_MAX})
                self.assertEqual(env['result'], [])
                self.assertRefusedUnchanged('GET', path, None, filter_too_long(key),
                                            query={key: 'a' * (FILTER_MAX + 1)})

    def test_lim_2_3_member_email_filters_at_and_past_the_limit(self):
        path = self.murl(self.org)
        for key in MEMBER_FILTERS:
            with self.subTest(key=key):
                env = self.list_envelope(path, {key: 'a' * FILTER_MAX})
                self.assertEqual(env['result'], [])
                self.assertRefusedUnchanged('GET', path, None, filter_too_long(key),
                                            query={key: 'a' * (FILTER_MAX + 1)})

    def test_lim_2_4_a_filter_as_long_as_the_longest_email_finds_it(self):
        email = 'X' * (254 - len('@example.com')) + '@example.com'
        m = self.add(self.org, email)
        for key, value in [('user.email', email.lower()), ('user.email.contains', email),
                           ('user.email.startsWith', email), ('user.email.endsWith', email)]:
            with self.subTest(key=key):
                env = self.list_envelope(self.murl(self.org), {key: value})
                self.assertEqual([x['id'] for x in env['result']], [m['id']])

    def test_lim_2_5_a_name_filter_matches_whole_characters_literally(self):
        names = ['100% sure', 'a_b', 'back\\slash', 'Ünïcødé 組織', 'aaab']
        orgs = {n: self.create_org(n) for n in names}
        for key, value, want in [
                ('name.contains', '%', ['100% sure']), ('name.contains', '_', ['a_b']),
                ('name.contains', '\\', ['back\\slash']), ('name.endsWith', 'ÜRE', []),
                ('name.startsWith', 'üNÏ', ['Ünïcødé 組織']), ('name.endsWith', '組織',
                                                               ['Ünïcødé 組織']),
                ('name.contains', 'aab', ['aaab']), ('name', 'AAAB', ['aaab']),
                ('name', 'aaa', []), ('name.contains', '', None)]:
            with self.subTest(key=key, value=value):
                ids = self.list_org_ids({key: value})[0]
                if want is None:     # an empty filter matches every name
                    self.assertEqual(len(ids), len(names) + 1)
                else:
                    self.assertEqual(ids, [orgs[n]['id'] for n in want])


class Lengths(LimitTest):
    def test_lim_3_1_organization_name_at_and_past_100_characters(self):
        for c in ['o', '\u00e9', '\U0001f600']:
            with self.subTest(c=c):
                made = self.create_org(c * ORG_NAME_MAX)
                self.assertEqual(made['name'], c * ORG_NAME_MAX)
                want = org_error(1003, "invalid value for 'name': must be at most %d characters"
                                 % ORG_NAME_MAX, {'pointer': '/name'})
                self.assertRefusedUnchanged('POST', '/organizations',
                                            {'name': c * (ORG_NAME_MAX + 1)}, want)
                self.assertRefusedUnchanged('PUT', self.org_url(made),
                                            {'name': c * (ORG_NAME_MAX + 1)}, want)

    def test_lim_3_2_profile_fields_at_and_past_their_limits(self):
        org = self.create_org('Acme')
        acct = self.create_account('Acme')
        at = {k: '\u260e' * n for k, n in PROFILE_MAX.items()}
        self.put_org_profile(org, at)
        self.assertOrgProfile(org, at)
        self.put_profile(acct, at)
        self.assertProfile(acct, at)
        self.assertEqual(self.create_org('With profile', profile=at)['profile'], at)
        for key, n in PROFILE_MAX.items():
            with self.subTest(key=key):
                past = dict(PROFILE, **{key: 'x' * (n + 1)})
                why = 'must be at most %d characters' % n
                self.assertRefusedUnchanged(
                    'PUT', self.org_url(org, '/profile'), past,
                    org_error(1003, "invalid value for '%s': %s" % (key, why),
                              {'pointer': '/' + key}))
                self.assertRefusedUnchanged(
                    'POST', '/organizations', {'name': 'New', 'profile': past},
                    org_error(1003, "invalid value for 'profile.%s': %s" % (key, why),
                              {'pointer': '/profile/' + key}))
                self.assertRefusedUnchanged(
                    'PUT', self.url(acct, '/profile'), past,
                    org_error(1003, "invalid value for '%s': %s" % (key, why),
                              {'pointer': '/' + key}))

    def test_lim_3_3_fixtures_refuse_a_profile_field_past_its_limit(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, 'f.json')
            data = chain_fixture(1)
            data['organizations'][0]['profile'] = dict(PROFILE, business_phone='9' * 51)
            with open(path, 'w') as f:
                json.dump(data, f)
            code, out, err = harness.run_cfmock('--port', '0', '--db', ':memory:',
                                                '--fixtures', path)
            self.assertEqual(code, 1, err)
            self.assertEqual(err, 'cfmock: %s: /organizations/0/profile/business_phone: '
                             'must be at most 50 characters\n' % path)


class PageBytes(LimitTest):
    def test_lim_4_1_a_page_stops_at_about_a_mib_and_goes_on_from_there(self):
        # each organization answers ~17 KB: its profile is control characters,
        # six bytes each in JSON
        heavy = {k: '\u0001' * n for k, n in PROFILE_MAX.items()}
        made = [self.create_org('Heavy %d' % i, profile=heavy)['id'] for i in range(100)]
        r = self.req('GET', '/organizations', query={'page_size': '1000'})
        self.assertEqual(r.status, 200, r)
        first = r.json['result']
        self.assertLess(len(first), 100)
        self.assertGreater(len(first), 20)
        self.assertLessEqual(len(r.raw), 1024 * 1024 + 64 * 1024)
        self.assertEqual(r.json['result_info']['total_size'], 100)
        self.assertIn('next_page_token', r.json['result_info'])
        items, pages = self.cursor_walk(lambda q: self.list_orgs(q), 1000)
        self.assertEqual([o['id'] for o in items], made)
        self.assertEqual(pages[0], (len(first), 100))
        # a page of small organizations is not cut
        for i in range(100):
            self.create_org('Light %d' % i)
        self.assertEqual(len(self.list_orgs({'page_size': '1000',
                                             'name.startsWith': 'light'})['result']), 100)


if __name__ == '__main__':
    harness.main()
