"""test_accounts_organizations.py: the chain of organizations holding an
account, GET /accounts/{id}/organizations, and its twin GET
/organizations?containing.account= (CONTRACT.md 4.2; the README's
"Accounts"): none for a stand-alone account, whole organizations root
first, an unknown or invisible account, the filter alone and with others
and paged, and the chain after moves and deletes.

Every test gets a fresh server (seed 1, fake clock); results are compared
whole wherever practical. The helpers come from helpers.py."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import TOKEN_A, TOKEN_B  # noqa: E402
from helpers import ApiTest, PROFILE, UNKNOWN_ID, account_not_found  # noqa: E402


# ---------------------------------------------------------------------------
# GET /accounts/{id}/organizations and containing.account


class Chain(ApiTest):
    def test_mv_3_1_standalone_has_no_organizations(self):
        self.create_org('Org')
        s = self.create_account('s')
        r = self.req('GET', self.url(s, '/organizations'))
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json, harness.ok_envelope([]))
        self.assertNotIn('result_info', r.json)
        r = self.req('GET', '/organizations', query={'containing.account': s['id']})
        self.assertEqual(r.json, harness.ok_envelope([], result_info={'total_size': 0}))

    def test_mv_3_2_chain_is_whole_organizations_root_first(self):
        root = self.create_org('Root', profile=PROFILE)
        self.create_org('Unrelated')
        child = self.create_org('Child', parent=root)
        self.create_org('Sibling', parent=root)
        grand = self.create_org('Grand', parent=child)
        self.create_org('Grand sibling', parent=child)
        a = self.create_account('a', org=grand)
        r = self.req('GET', self.url(a, '/organizations'))
        self.assertEqual(r.json, harness.ok_envelope([root, child, grand]))
        self.assertEqual(r.json['result'][0]['profile'], PROFILE)
        self.assertEqual(r.json['result'][2]['parent'], {'id': child['id'], 'name': 'Child'})
        self.assertChain(a, [root, child, grand])
        # renames show
        r = self.req('PUT', '/organizations/' + child['id'], {'name': 'Child 2'})
        self.assertEqual(r.status, 200, r)
        child['name'] = 'Child 2'
        grand['parent']['name'] = 'Child 2'
        r = self.req('GET', self.url(a, '/organizations'))
        self.assertEqual(r.json, harness.ok_envelope([root, child, grand]))
        self.assertChain(a, [root, child, grand])

    def test_mv_3_3_unknown_or_invisible_account_is_1201(self):
        org = self.create_org('Org')
        a = self.create_account('a', org=org)
        for aid in (UNKNOWN_ID, org['id']):
            self.assertNotFound(self.req('GET', self.url(aid, '/organizations')), aid, 'absent')
        self.assertNotFound(self.req('GET', self.url(a, '/organizations'), auth=TOKEN_B),
                            a['id'], 'absent')
        self.assertEqual(self.req('GET', self.url(a, '/organizations'), auth=TOKEN_B).json,
                         account_not_found(a['id'], 'absent'))

    def test_mv_3_4_containing_account(self):
        root = self.create_org('Root')
        other = self.create_org('Other')
        child = self.create_org('Child', parent=root)
        self.create_org('Sibling', parent=root)
        grand = self.create_org('Grand', parent=child)
        a = self.create_account('a', org=grand)
        o = self.create_account('o', org=other)
        s = self.create_account('s')
        b = self.create_account('b', org=self.create_org('B org', auth=TOKEN_B), auth=TOKEN_B)

        def listed(query, auth=TOKEN_A):
            r = self.req('GET', '/organizations', auth=auth, query=query)
            self.assertEqual(r.status, 200, r)
            return r.json

        full = [self.get_org(x['id']) for x in (root, child, grand)]
        self.assertEqual(listed({'containing.account': a['id']}),
                         harness.ok_envelope(full, result_info={'total_size': 3}))
        self.assertEqual(listed({'containing.account': o['id']}),
                         harness.ok_envelope([other], result_info={'total_size': 1}))
        empty = harness.ok_envelope([], result_info={'total_size': 0})
        for aid in (s['id'], b['id'], UNKNOWN_ID, 'not-an-id', root['id']):
            with self.subTest(account=aid):
                self.assertEqual(listed({'containing.account': aid}), empty)
        # B sees nothing of A's account, A nothing of B's
        self.assertEqual(listed({'containing.account': a['id']}, auth=TOKEN_B), empty)
        self.assertEqual(listed({'containing.account': b['id']}, auth=TOKEN_B)['result_info'],
                         {'total_size': 1})
        # combined with other filters
        self.assertEqual(listed([('containing.account', a['id']), ('parent.id', 'null')]),
                         harness.ok_envelope([full[0]], result_info={'total_size': 1}))
        self.assertEqual(listed([('containing.account', a['id']), ('name.startsWith', 'c')]),
                         harness.ok_envelope([full[1]], result_info={'total_size': 1}))
        self.assertEqual(listed([('containing.account', a['id']), ('id', grand['id']),
                                 ('id', other['id'])]),
                         harness.ok_envelope([full[2]], result_info={'total_size': 1}))
        # paged one at a time
        seen, token = [], None
        while True:
            q = [('containing.account', a['id']), ('page_size', 1)]
            if token:
                q.append(('page_token', token))
            env = listed(q)
            self.assertEqual(env['result_info']['total_size'], 3)
            seen += env['result']
            token = env['result_info'].get('next_page_token')
            if not token:
                break
            self.assertLess(len(seen), 10)
        self.assertEqual(seen, full)
        # a token made for one account is not good for another
        env = listed([('containing.account', a['id']), ('page_size', 1)])
        r = self.req('GET', '/organizations', query=[
            ('containing.account', o['id']), ('page_size', 1),
            ('page_token', env['result_info']['next_page_token'])])
        self.assertParamError(r, 1006, 'page_token', 'absent')

    def test_mv_3_5_chain_follows_moves_and_deletes(self):
        root = self.create_org('Root')
        child = self.create_org('Child', parent=root)
        s = self.create_account('s')
        self.assertChain(s, [])
        s = self.assertMoved(s, None, child)
        self.assertChain(s, [root, child])
        s = self.assertMoved(s, child, root)
        self.assertChain(s, [root])
        self.assertEqual(self.req('DELETE', self.url(s)).status, 200)
        r = self.req('GET', '/organizations', query={'containing.account': s['id']})
        self.assertEqual(r.json, harness.ok_envelope([], result_info={'total_size': 0}))
        self.assertNotFound(self.req('GET', self.url(s, '/organizations')), s['id'], 'absent')


if __name__ == '__main__':
    harness.main()
