"""test_organizations_accounts.py: the accounts directly in an organization,
GET /organizations/{id}/accounts (CONTRACT.md 4.1 and 4.2; the README's
"Accounts" section) over HTTP: the Organizations-API shape of an account,
only direct accounts, cursor pages, the filters and order, bad parameters
and unknown organizations.

Every test gets a fresh server (seed 1, fake clock); results are compared
whole wherever practical. The helpers come from helpers.py."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import TOKEN_B  # noqa: E402
from helpers import ApiTest, UNKNOWN_ID, org_account  # noqa: E402


# ---------------------------------------------------------------------------
# GET /organizations/{id}/accounts: empty lists, bad parameters, unknown
# organizations


class Accounts(ApiTest):
    def test_orgs_5_1_accounts_empty_list(self):
        root = self.create_org('Root')
        child = self.create_org('Child', parent=root)
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
        self.assertOrgNotFound(self.req('GET', '/organizations/%s/accounts' % UNKNOWN_ID),
                            UNKNOWN_ID)

    def test_orgs_5_3_accounts_bad_order_by_and_direction(self):
        root = self.create_org('Root')
        url = '/organizations/%s/accounts' % root['id']
        for v in ('name', 'ACCOUNT_NAME', '', 'account_name desc'):
            with self.subTest(order_by=v):
                self.assertParamError(self.req('GET', url, query={'order_by': v}), 1004,
                                      'order_by', 'absent')
        for v in ('up', 'ASCENDING', '', 'descending'):
            with self.subTest(direction=v):
                self.assertParamError(self.req('GET', url, query={'direction': v}), 1004,
                                      'direction', 'absent')
        self.assertParamError(
            self.req('GET', url, query=[('order_by', 'account_name'), ('order_by', 'account_name')]),
            1004, 'order_by', 'absent')

    def test_orgs_5_4_accounts_paging_params(self):
        root = self.create_org('Root')
        url = '/organizations/%s/accounts' % root['id']
        for v in ('1001', '-1', 'abc', '1.5'):
            with self.subTest(page_size=v):
                self.assertParamError(self.req('GET', url, query={'page_size': v}), 1004,
                                      'page_size', 'absent')
        self.assertParamError(self.req('GET', url, query={'page_token': 'garbage'}), 1005,
                              'page_token', 'absent')


# ---------------------------------------------------------------------------
# GET /organizations/{id}/accounts (cursor pages)


class OrgAccounts(ApiTest):
    def make(self, org, names):
        return [self.create_account(n, org=org) for n in names]

    def test_acc_8_1_only_direct_accounts_in_the_org_shape(self):
        root = self.create_org('Root')
        child = self.create_org('Child', parent=root)
        grand = self.create_org('Grand', parent=child)
        r1 = self.create_account('r1', org=root)
        c1 = self.create_account('c1', org=child, type='enterprise')
        g1 = self.create_account('g1', org=grand)
        r2 = self.create_account('r2', org=root)
        self.create_account('standalone')
        self.put_account(r2, {'name': 'r2', 'type': 'standard',
                      'settings': {'enforce_twofactor': True,
                                   'abuse_contact_email': 'abuse@example.com'}})
        r2['settings'] = {'enforce_twofactor': True, 'abuse_contact_email': 'abuse@example.com'}
        env = self.org_accounts(root)
        self.assertEqual(env, harness.ok_envelope([org_account(r1), org_account(r2)],
                                                  result_info={'total_size': 2}))
        # every item has exactly the six settings keys
        for item in env['result']:
            self.assertEqual(set(item), {'id', 'name', 'type', 'created_on', 'settings'})
            self.assertEqual(set(item['settings']), {
                'abuse_contact_email', 'access_approval_expiry', 'api_access_enabled',
                'default_nameservers', 'enforce_twofactor', 'use_account_custom_ns_by_default'})
        self.assertEqual(env['result'][1]['settings'], {
            'abuse_contact_email': 'abuse@example.com', 'access_approval_expiry': None,
            'api_access_enabled': None, 'default_nameservers': None, 'enforce_twofactor': True,
            'use_account_custom_ns_by_default': None})
        self.assertOrgAccounts(child, [c1])
        self.assertOrgAccounts(grand, [g1])

    def test_acc_8_2_walk_in_creation_order(self):
        org = self.create_org('Org')
        made = self.make(org, ['n%02d' % i for i in range(23)])
        want = [org_account(a) for a in made]
        for size in (1, 2, 5, 10, 22, 23, 24, 1000):
            with self.subTest(page_size=size):
                items, pages = self.org_walk(org, size)
                self.assertEqual(items, want)
                n = -(-23 // size)
                self.assertEqual(pages, [(min(size, 23 - i * size), 23) for i in range(n)])
        # default page size 10 (absent or 0)
        for size in (None, 0):
            with self.subTest(page_size=size):
                items, pages = self.org_walk(org, size)
                self.assertEqual(items, want)
                self.assertEqual(pages, [(10, 23), (10, 23), (3, 23)])
        # the whole first and last page
        env = self.org_accounts(org, {'page_size': 20})
        token = env['result_info'].pop('next_page_token')
        self.assertEqual(env, harness.ok_envelope(want[:20], result_info={'total_size': 23}))
        env = self.org_accounts(org, {'page_size': 20, 'page_token': token})
        self.assertEqual(env, harness.ok_envelope(want[20:], result_info={'total_size': 23}))

    def test_acc_8_3_direction_desc_without_order_by(self):
        org = self.create_org('Org')
        made = self.make(org, ['b', 'a', 'c', 'B', 'e', 'd', 'a'])
        want = [org_account(a) for a in made]
        for size in (1, 3, 1000):
            with self.subTest(page_size=size):
                self.assertEqual(self.org_walk(org, size, [('direction', 'desc')])[0], want[::-1])
                self.assertEqual(self.org_walk(org, size, [('direction', 'asc')])[0], want)

    def test_acc_8_4_order_by_account_name(self):
        org = self.create_org('Org')
        names = ['delta', 'Alpha', 'charlie', 'Bravo', 'echo', 'alpha', 'ALPHA', 'bravo two',
                 'Charlie', 'a', 'Delta 2']
        made = self.make(org, names)
        by = {}
        for a in made:
            by.setdefault(a['name'], a)
        # case-insensitive, ties (alpha/Alpha/ALPHA, charlie/Charlie) in creation order
        asc = ['a', 'Alpha', 'alpha', 'ALPHA', 'Bravo', 'bravo two', 'charlie', 'Charlie',
               'delta', 'Delta 2', 'echo']
        want = [org_account(by[n]) for n in asc]
        for size in (1, 2, 4, 1000):
            for q in ([('order_by', 'account_name')],
                      [('order_by', 'account_name'), ('direction', 'asc')]):
                with self.subTest(page_size=size, query=q):
                    items, pages = self.org_walk(org, size, q)
                    self.assertEqual([i['name'] for i in items], asc)
                    self.assertEqual(items, want)
                    self.assertEqual({t for _, t in pages}, {11})
        env = self.org_accounts(org, {'order_by': 'account_name', 'page_size': 1000})
        self.assertEqual(env, harness.ok_envelope(want, result_info={'total_size': 11}))

    def test_acc_8_5_order_by_account_name_desc(self):
        org = self.create_org('Org')
        names = ['delta', 'Alpha', 'charlie', 'Bravo', 'echo', 'Foxtrot', 'golf', 'a']
        made = self.make(org, names)
        by = {a['name']: a for a in made}
        desc = ['golf', 'Foxtrot', 'echo', 'delta', 'charlie', 'Bravo', 'Alpha', 'a']
        want = [org_account(by[n]) for n in desc]
        for size in (1, 3, 8, 1000):
            with self.subTest(page_size=size):
                items, pages = self.org_walk(org, size, [('order_by', 'account_name'),
                                                         ('direction', 'desc')])
                self.assertEqual([i['name'] for i in items], desc)
                self.assertEqual(items, want)
                self.assertEqual(len(pages), -(-8 // size))

    def test_acc_8_6_filters_case_insensitive(self):
        org = self.create_org('Org')
        names = ['Production EU', 'production-us', 'Staging EU', 'dev', 'PRE-PRODUCTION',
                 'ÉCOLE', 'école primaire', 'Élan', 'Ödön']
        made = {a['name']: a for a in self.make(org, names)}
        self.create_account('production elsewhere')          # stand-alone: never listed

        def names_of(query):
            q = list(query.items()) + [('page_size', 1000)]
            env = self.org_accounts(org, q)
            self.assertEqual(env['result_info'], {'total_size': len(env['result'])})
            for item in env['result']:
                self.assertEqual(item, org_account(made[item['name']]))
            return [i['name'] for i in env['result']]

        cases = [
            ('', 'production eu', ['Production EU']),
            ('', 'PRODUCTION', []),
            ('.startsWith', 'PROD', ['Production EU', 'production-us']),
            ('.endsWith', 'eu', ['Production EU', 'Staging EU']),
            ('.contains', 'Duct', ['Production EU', 'production-us', 'PRE-PRODUCTION']),
            ('.contains', 'x', []),
            ('', 'école', ['ÉCOLE']),
            ('', 'ÉCOLE', ['ÉCOLE']),
            ('.startsWith', 'éCO', ['ÉCOLE', 'école primaire']),
            ('.contains', 'COLE', ['ÉCOLE', 'école primaire']),
            ('.endsWith', 'LAN', ['Élan']),
            ('', 'élan', ['Élan']),
            ('.endsWith', 'DÖN', ['Ödön']),
            ('.contains', 'É', ['ÉCOLE', 'école primaire', 'Élan']),
        ]
        for base in ('name', 'account_pubname'):
            for suffix, value, want in cases:
                with self.subTest(filter=base + suffix, value=value):
                    self.assertEqual(names_of({base + suffix: value}), want)
        # filters combine (all must hold), also across the two names
        self.assertEqual(names_of({'name.startsWith': 'pro', 'account_pubname.endsWith': 'US'}),
                         ['production-us'])
        self.assertEqual(names_of({'name.contains': 'eu', 'name.startsWith': 's'}),
                         ['Staging EU'])
        self.assertEqual(names_of({'name': 'dev', 'account_pubname': 'DEV'}), ['dev'])
        self.assertEqual(names_of({'name': 'dev', 'account_pubname': 'prod'}), [])

    def test_acc_8_7_filter_wildcards_are_literal(self):
        org = self.create_org('Org')
        made = {a['name']: a for a in self.make(
            org, ['100%', '100 percent', 'a_b', 'axb', 'back\\slash', "it's"])}
        for key, value, want in (('name.contains', '%', ['100%']), ('name', 'a_b', ['a_b']),
                                 ('name.contains', '_', ['a_b']), ('name', '%', []),
                                 ('account_pubname.startsWith', 'a_', ['a_b']),
                                 ('name.contains', '\\', ['back\\slash']),
                                 ('name', "IT'S", ["it's"])):
            with self.subTest(filter=key, value=value):
                env = self.org_accounts(org, {key: value, 'page_size': 100})
                self.assertEqual(env, harness.ok_envelope(
                    [org_account(made[n]) for n in want], result_info={'total_size': len(want)}))

    def test_acc_8_8_filters_with_pages_and_order(self):
        org = self.create_org('Org')
        names = ['Team %s %02d' % ('red' if i % 3 else 'blue', i) for i in range(20)]
        made = self.make(org, names)
        reds = [a for a in made if 'red' in a['name']]
        self.assertEqual(len(reds), 13)
        q = [('name.contains', 'RED')]
        for size in (1, 4, 13, 14):
            with self.subTest(page_size=size):
                items, pages = self.org_walk(org, size, q)
                self.assertEqual(items, [org_account(a) for a in reds])
                self.assertEqual({t for _, t in pages}, {13})
                self.assertEqual(len(pages), -(-13 // size))
        # sorted by name, desc, filtered by account_pubname
        want = sorted(reds, key=lambda a: a['name'].lower(), reverse=True)
        items, pages = self.org_walk(org, 5, [('account_pubname.startsWith', 'team red'),
                                              ('order_by', 'account_name'),
                                              ('direction', 'desc')])
        self.assertEqual(items, [org_account(a) for a in want])
        self.assertEqual(pages, [(5, 13), (5, 13), (3, 13)])

    def test_acc_8_9_token_with_other_filters_is_1006(self):
        org = self.create_org('Org')
        self.make(org, ['alpha-%d' % i for i in range(6)] + ['beta-%d' % i for i in range(6)])
        base = [('name.startsWith', 'alpha'), ('account_pubname.contains', '-')]
        env = self.org_accounts(org, base + [('page_size', 2)])
        token = env['result_info']['next_page_token']
        for q in ([('name.startsWith', 'beta'), ('account_pubname.contains', '-')],
                  [('name.startsWith', 'alpha')],
                  [],
                  base + [('name.endsWith', '5')],
                  [('account_pubname.startsWith', 'alpha'), ('account_pubname.contains', '-')],
                  [('name.startsWith', 'ALPHA'), ('account_pubname.contains', '-')]):
            with self.subTest(query=q):
                r = self.req('GET', '/organizations/%s/accounts' % org['id'],
                             query=q + [('page_token', token), ('page_size', 2)])
                self.assertParamError(r, 1006, 'page_token', 'absent')
        # the same filters in another order are fine, and so is another page_size
        env = self.org_accounts(org, list(reversed(base)) + [('page_token', token),
                                                              ('page_size', 3)])
        self.assertEqual([a['name'] for a in env['result']], ['alpha-2', 'alpha-3', 'alpha-4'])
        self.assertEqual(env['result_info']['total_size'], 6)
        # another user gets what it gets for an organization that does not
        # exist (the token is bound to its caller; the organization is not B's)
        r = self.req('GET', '/organizations/%s/accounts' % org['id'], auth=TOKEN_B,
                     query=base + [('page_token', token)])
        unknown = self.req('GET', '/organizations/%s/accounts' % UNKNOWN_ID, auth=TOKEN_B,
                           query=base + [('page_token', token)])
        self.assertIn(r.status, (400, 404), r)
        self.assertEqual((r.status, r.raw.replace(org['id'].encode(), b'X')),
                         (unknown.status, unknown.raw.replace(UNKNOWN_ID.encode(), b'X')))

    def test_acc_8_10_bad_parameters(self):
        org = self.create_org('Org')
        self.make(org, ['a', 'b', 'c'])
        url = '/organizations/%s/accounts' % org['id']
        for key in ('name', 'name.startsWith', 'name.endsWith', 'name.contains',
                    'account_pubname', 'account_pubname.startsWith', 'account_pubname.endsWith',
                    'account_pubname.contains', 'order_by', 'direction', 'page_size'):
            with self.subTest(repeated=key):
                value = {'order_by': 'account_name', 'direction': 'asc',
                         'page_size': '5'}.get(key, 'a')
                r = self.req('GET', url, query=[(key, value), (key, value)])
                self.assertParamError(r, 1004, key, 'absent')
        for v in ('name', 'created_on', ''):
            with self.subTest(order_by=v):
                self.assertParamError(self.req('GET', url, query={'order_by': v}), 1004,
                                      'order_by', 'absent')
        for v in ('up', ''):
            with self.subTest(direction=v):
                self.assertParamError(self.req('GET', url, query={'direction': v}), 1004,
                                      'direction', 'absent')
        for v in ('1001', '-1', 'x'):
            with self.subTest(page_size=v):
                self.assertParamError(self.req('GET', url, query={'page_size': v}), 1004,
                                      'page_size', 'absent')
        token = self.org_accounts(org, {'page_size': 1})['result_info']['next_page_token']
        for bad in ('garbage', token[:-1], token + 'A', 'A' * len(token)):
            with self.subTest(token=bad):
                self.assertParamError(self.req('GET', url, query={'page_token': bad}), 1005,
                                      'page_token', 'absent')

    def test_acc_8_11_unknown_or_invisible_org(self):
        org = self.create_org('Org')
        self.create_account('a', org=org)
        r = self.req('GET', '/organizations/%s/accounts' % UNKNOWN_ID)
        self.assertError(r, 404, [1101], result_key='absent')
        r = self.req('GET', '/organizations/%s/accounts' % org['id'], auth=TOKEN_B)
        self.assertError(r, 404, [1101], result_key='absent')
        self.assertEqual(r.json['errors'][0]['message'], "organization '%s' not found" % org['id'])


if __name__ == '__main__':
    harness.main()
