"""test_accounts_move.py: moving accounts between organizations (POST
/accounts/{id}/move and the batch POST /accounts/move), and the rule that
an organization holding accounts cannot be deleted (CONTRACT.md 0.15 and
4.2; the README's "Accounts" section). The chain of organizations an
account is in, which moves change, is in test_accounts_organizations.py.

Every test gets a fresh server (seed 1, fake clock); results are compared
whole wherever practical. The helpers come from helpers.py."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import TOKEN_B  # noqa: E402
from helpers import ApiTest, JSON_CT, PROFILE, UNKNOWN_ID, in_org, page_info  # noqa: E402

DEST = '/destination_organization_id'


# ---------------------------------------------------------------------------
# POST /accounts/{id}/move


class Move(ApiTest):
    def test_mv_1_1_standalone_into_an_org(self):
        root = self.create_org('Root')
        child = self.create_org('Child', parent=root)
        s = self.create_account('standalone')
        other = self.create_account('other')
        self.assertChain(s, [])
        s = self.assertMoved(s, None, child)
        self.assertEqual(s['managed_by'], {'parent_org_id': child['id'],
                                           'parent_org_name': 'Child'})
        self.assertChain(s, [root, child])
        self.assertOrgAccounts(child, [s])
        self.assertOrgAccounts(root, [])
        self.assertEqual(self.all_accounts(), [s, other])     # same place in the list
        self.assertGetIs(other)
        self.assertChain(other, [])

    def test_mv_1_2_three_levels_down_then_up(self):
        root = self.create_org('Root')
        child = self.create_org('Child', parent=root)
        grand = self.create_org('Grandchild', parent=child)
        a = self.create_account('a', org=root)
        keep = self.create_account('keep', org=child)
        self.assertChain(a, [root])
        self.assertEqual(a['managed_by'], {'parent_org_id': root['id'], 'parent_org_name': 'Root'})

        # root -> grandchild
        a = self.assertMoved(a, root, grand)
        self.assertEqual(a['managed_by'], {'parent_org_id': grand['id'],
                                           'parent_org_name': 'Grandchild'})
        self.assertChain(a, [root, child, grand])
        self.assertOrgAccounts(root, [])
        self.assertOrgAccounts(child, [keep])
        self.assertOrgAccounts(grand, [a])
        self.assertEqual(self.all_accounts(), [a, keep])

        # grandchild -> child
        a = self.assertMoved(a, grand, child)
        self.assertEqual(a['managed_by'], {'parent_org_id': child['id'],
                                           'parent_org_name': 'Child'})
        self.assertChain(a, [root, child])
        self.assertOrgAccounts(grand, [])
        self.assertOrgAccounts(child, [a, keep])             # creation order
        self.assertOrgAccounts(root, [])

        # child -> root
        a = self.assertMoved(a, child, root)
        self.assertChain(a, [root])
        self.assertOrgAccounts(root, [a])
        self.assertOrgAccounts(child, [keep])
        self.assertChain(keep, [root, child])
        # the organizations themselves did not change
        for o in (root, child, grand):
            self.assertEqual(self.get_org(o['id']), o)
        # the emptied grandchild can go now; the child still holds keep
        r = self.req('DELETE', '/organizations/' + grand['id'])
        self.assertEqual(r.json, harness.ok_envelope({'id': grand['id']}))
        self.assertOrgError(self.req('DELETE', '/organizations/' + child['id']), 400, 1102)

    def test_mv_1_3_between_siblings_and_cousins(self):
        root = self.create_org('Root')
        left = self.create_org('Left', parent=root)
        right = self.create_org('Right', parent=root)
        right_leaf = self.create_org('Right leaf', parent=right)
        a = self.create_account('a', org=left)
        a = self.assertMoved(a, left, right)
        self.assertChain(a, [root, right])
        a = self.assertMoved(a, right, right_leaf)
        self.assertChain(a, [root, right, right_leaf])
        a = self.assertMoved(a, right_leaf, left)
        self.assertChain(a, [root, left])
        self.assertOrgAccounts(left, [a])
        for o in (root, right, right_leaf):
            self.assertOrgAccounts(o, [])

    def test_mv_1_4_already_in_that_org_is_1202(self):
        root = self.create_org('Root')
        child = self.create_org('Child', parent=root)
        a = self.create_account('a', org=child)
        b = self.create_account('b')
        b = self.assertMoved(b, None, root)
        before = self.account_world()
        for acct, org in ((a, child), (b, root)):
            r = self.move(acct, org)
            self.assertOrgError(r, 400, 1202)
            self.assertEqual(r.json['errors'], [{
                'code': 1202,
                'message': "account '%s' is already in organization '%s'" % (acct['id'],
                                                                             org['id']),
                'source': {'pointer': DEST}}])
        self.assertEqual(self.account_world(), before)

    def test_mv_1_5_other_hierarchy_is_1203(self):
        r1 = self.create_org('Root one')
        c1 = self.create_org('Child one', parent=r1)
        r2 = self.create_org('Root two')
        c2 = self.create_org('Child two', parent=r2)
        g2 = self.create_org('Grandchild two', parent=c2)
        a = self.create_account('a', org=c1)
        b = self.create_account('b', org=r1)
        before = self.account_world()
        for acct in (a, b):
            for dest in (r2, c2, g2):
                with self.subTest(account=acct['name'], dest=dest['name']):
                    r = self.move(acct, dest)
                    self.assertOrgError(r, 400, 1203)
                    self.assertEqual(r.json['errors'], [{
                        'code': 1203,
                        'message': "account '%s' cannot move to organization '%s': it is in "
                                   "another hierarchy" % (acct['id'], dest['id']),
                        'source': {'pointer': DEST}}])
        self.assertEqual(self.account_world(), before)

    def test_mv_1_6_standalone_moved_in_is_then_bound_to_that_hierarchy(self):
        r1 = self.create_org('Root one')
        r2 = self.create_org('Root two')
        c1 = self.create_org('Child one', parent=r1)
        s = self.create_account('s')
        s = self.assertMoved(s, None, r2)      # a stand-alone account can go anywhere
        self.assertOrgError(self.move(s, r1), 400, 1203)
        self.assertOrgError(self.move(s, c1), 400, 1203)
        self.assertGetIs(s)
        self.assertChain(s, [r2])
        # there is no way back to stand-alone
        for dest in ('', None):
            r = self.req('POST', self.url(s, '/move'), {'destination_organization_id': dest})
            self.assertEqual(r.status, 400, r)
            self.assertNotIn('result', r.json)
            self.assertEqual(r.json['errors'][0]['source'], {'pointer': DEST})
        self.assertGetIs(s)

    def test_mv_1_7_destination_unknown_or_invisible_is_1103(self):
        root = self.create_org('Root')
        gone = self.create_org('Gone', parent=root)
        self.assertEqual(self.req('DELETE', '/organizations/' + gone['id']).status, 200)
        b_org = self.create_org('B org', auth=TOKEN_B)
        a = self.create_account('a', org=root)
        s = self.create_account('s')
        before = self.account_world()
        before_b = self.account_world(auth=TOKEN_B)
        for acct in (a, s):
            for dest in (UNKNOWN_ID, gone['id'], b_org['id'], root['id'].upper(),
                         root['id'][:31], 'not-an-id', '', a['id']):
                with self.subTest(account=acct['name'], dest=dest):
                    r = self.move(acct, dest)
                    self.assertFieldError(r, 1103, DEST, 'absent')
                    self.assertIn("'%s'" % dest, r.json['errors'][0]['message'])
        self.assertEqual(self.account_world(), before)
        self.assertEqual(self.account_world(auth=TOKEN_B), before_b)

    def test_mv_1_8_body_validation(self):
        root = self.create_org('Root')
        a = self.create_account('a')
        url = self.url(a, '/move')
        for body in ({}, {'destination_organization_id': None},
                     {'destination': root['id']}, {'account_ids': [a['id']]}):
            with self.subTest(body=body):
                self.assertFieldError(self.req('POST', url, body), 1001, DEST, 'absent')
        for bad in (5, True, [root['id']], {'id': root['id']}):
            with self.subTest(dest=bad):
                self.assertFieldError(self.req('POST', url, {'destination_organization_id': bad}),
                                      1002, DEST, 'absent')
        for raw in ('[]', '"x"', '5', 'null'):
            with self.subTest(raw=raw):
                r = self.req('POST', url, raw=raw, headers=JSON_CT)
                self.assertFieldError(r, 1002, '', 'absent')
        for raw in ('', '{', '{"destination_organization_id": }'):
            with self.subTest(raw=raw):
                r = self.req('POST', url, raw=raw, headers=JSON_CT)
                self.assertError(r, 400, [6007], result_key='absent')
        r = self.req('POST', url, raw='{"destination_organization_id": "%s"}' % root['id'],
                     headers={'Content-Type': 'text/plain'})
        self.assertError(r, 400, [9207], result_key='absent')
        self.assertGetIs(a)
        self.assertOrgAccounts(root, [])

    def test_mv_1_9_account_unknown_or_invisible_is_1201(self):
        root = self.create_org('Root')
        b_org = self.create_org('B org', auth=TOKEN_B)
        b_acct = self.create_account('b', org=b_org, auth=TOKEN_B)
        b_alone = self.create_account('b alone', auth=TOKEN_B)
        gone = self.create_account('gone')
        self.assertEqual(self.req('DELETE', self.url(gone)).status, 200)
        before_b = self.account_world(auth=TOKEN_B)
        for aid in (UNKNOWN_ID, b_acct['id'], b_alone['id'], gone['id'], root['id']):
            with self.subTest(account=aid):
                r = self.move(aid, root)
                self.assertNotFound(r, aid, 'absent')
        self.assertEqual(self.account_world(auth=TOKEN_B), before_b)
        self.assertOrgAccounts(root, [])

    def test_mv_1_10_move_keeps_everything_else(self):
        root = self.create_org('Root')
        child = self.create_org('Child', parent=root)
        a = self.create_account('a', org=root, type='enterprise')
        r = self.put_account(a, {'name': 'a', 'type': 'enterprise',
                         'settings': {'enforce_twofactor': True,
                                      'abuse_contact_email': 'abuse@example.com'}})
        a = r.json['result']
        self.put_profile(a, PROFILE)
        a = self.assertMoved(a, root, child)
        self.assertEqual(a['settings'], {'enforce_twofactor': True,
                                         'abuse_contact_email': 'abuse@example.com'})
        self.assertProfile(a, PROFILE)
        self.assertOrgAccounts(child, [a])
        # a PUT afterwards keeps the new place
        r = self.put_account(a, {'name': 'a2', 'type': 'standard'})
        a.update(name='a2', type='standard')
        self.assertEqual(r.json, harness.ok_envelope(a))
        self.assertChain(a, [root, child])

    def test_mv_1_11_malformed_account_id_routes_nowhere(self):
        root = self.create_org('Root')
        for bad in ('xyz', UNKNOWN_ID.upper(), UNKNOWN_ID[:31]):
            with self.subTest(id=bad):
                r = self.move(bad, root)
                self.assertError(r, 400, [7003, 7000], result_key='null')
        # /accounts/move is the batch, not an account called "move"
        r = self.req('POST', '/accounts/move/move', {'destination_organization_id': root['id']})
        self.assertError(r, 400, [7003, 7000], result_key='null')


# ---------------------------------------------------------------------------
# POST /accounts/move (batch)


class BatchMove(ApiTest):
    def test_mv_2_1_batch_mixed(self):
        root = self.create_org('Root')
        child = self.create_org('Child', parent=root)
        other_root = self.create_org('Other root')
        b_acct = self.create_account('b', auth=TOKEN_B)
        s1 = self.create_account('s1')
        in_root = self.create_account('in root', org=root)
        already = self.create_account('already', org=child)
        foreign = self.create_account('foreign', org=other_root)
        s2 = self.create_account('s2')
        ids = [s1['id'], in_root['id'], already['id'], foreign['id'], UNKNOWN_ID, b_acct['id'],
               s2['id']]
        r = self.batch(ids, child)
        messages = self.assertStatuses(r, [s1['id'], in_root['id'], s2['id']],
                                       [already['id'], foreign['id'], UNKNOWN_ID, b_acct['id']],
                                       child, ids)
        # an invisible account reads exactly like one that does not exist
        self.assertEqual(messages[b_acct['id']].replace(b_acct['id'], 'X'),
                         messages[UNKNOWN_ID].replace(UNKNOWN_ID, 'X'))
        s1, in_root, s2 = (in_org(x, child) for x in (s1, in_root, s2))
        for x in (s1, in_root, already, foreign, s2):
            self.assertGetIs(x)
        self.assertOrgAccounts(child, [s1, in_root, already, s2])
        self.assertOrgAccounts(root, [])
        self.assertOrgAccounts(other_root, [foreign])
        self.assertChain(s1, [root, child])
        self.assertChain(foreign, [other_root])
        self.assertGetIs(b_acct, auth=TOKEN_B)
        self.assertEqual(self.all_accounts(auth=TOKEN_B), [b_acct])

    def test_mv_2_2_batch_one_and_order_of_ids(self):
        root = self.create_org('Root')
        child = self.create_org('Child', parent=root)
        a = self.create_account('a', org=root)
        r = self.batch([a['id']], child)
        self.assertStatuses(r, [a['id']], [], child, [a['id']])
        a = in_org(a, child)
        self.assertGetIs(a)
        # again: now it is already there
        r = self.batch([a['id']], child)
        self.assertStatuses(r, [], [a['id']], child, [a['id']])
        self.assertGetIs(a)
        # and back up
        r = self.batch([a['id']], root)
        self.assertEqual(r.json, harness.ok_envelope({'statuses': {
            'moved': True, 'tag': root['id'], 'accounts': [{'tag': a['id'], 'moved': True}]}}))
        self.assertGetIs(in_org(a, root))

    def test_mv_2_2b_statuses_is_one_object_as_the_document_says(self):
        """BatchAccountMoveResponse.statuses is one {moved, tag, message?}
        (generated clients read it so): for the batch, with the detail of
        each account beside it."""
        root = self.create_org('Root')
        a = self.create_account('a', org=root)
        r = self.batch([UNKNOWN_ID, a['id']], root)
        st = r.json['result']['statuses']
        self.assertEqual(set(st), {'moved', 'tag', 'message', 'accounts'}, r)
        self.assertIs(st['moved'], False)
        self.assertEqual(st['tag'], root['id'])
        self.assertEqual(st['message'], '0 of 2 accounts moved')
        self.assertEqual([e['moved'] for e in st['accounts']], [False, False])
        self.assertIn(UNKNOWN_ID, st['accounts'][0]['message'])
        self.assertIn(a['id'], st['accounts'][1]['message'])
        s = self.create_account('s')
        r = self.batch([s['id']], root)
        self.assertEqual(r.json['result'], {'statuses': {
            'moved': True, 'tag': root['id'], 'accounts': [{'tag': s['id'], 'moved': True}]}})

    def test_mv_2_3_destination_checked_first(self):
        root = self.create_org('Root')
        gone = self.create_org('Gone')
        self.assertEqual(self.req('DELETE', '/organizations/' + gone['id']).status, 200)
        b_org = self.create_org('B org', auth=TOKEN_B)
        s = self.create_account('s')
        a = self.create_account('a', org=root)
        before = self.account_world()
        before_b = self.account_world(auth=TOKEN_B)
        for dest in (UNKNOWN_ID, gone['id'], b_org['id'], 'not-an-id', '', root['id'].upper(),
                     s['id']):
            with self.subTest(dest=dest):
                r = self.batch([s['id'], a['id'], UNKNOWN_ID], dest)
                self.assertFieldError(r, 1103, DEST, 'absent')
                self.assertIn("'%s'" % dest, r.json['errors'][0]['message'])
        self.assertEqual(self.account_world(), before)
        self.assertEqual(self.account_world(auth=TOKEN_B), before_b)

    def test_mv_2_4_body_validation(self):
        root = self.create_org('Root')
        s = self.create_account('s')
        ok_ids = [s['id']]
        cases = [
            ({'destination_organization_id': root['id']}, 1001, '/account_ids'),
            ({'account_ids': None, 'destination_organization_id': root['id']}, 1001,
             '/account_ids'),
            ({'account_ids': ok_ids}, 1001, DEST),
            ({'account_ids': ok_ids, 'destination_organization_id': None}, 1001, DEST),
            ({'account_ids': s['id'], 'destination_organization_id': root['id']}, 1002,
             '/account_ids'),
            ({'account_ids': {'0': s['id']}, 'destination_organization_id': root['id']}, 1002,
             '/account_ids'),
            ({'account_ids': 5, 'destination_organization_id': root['id']}, 1002,
             '/account_ids'),
            ({'account_ids': [s['id'], 5], 'destination_organization_id': root['id']}, 1002,
             '/account_ids/1'),
            ({'account_ids': [s['id'], UNKNOWN_ID, [s['id']]],
              'destination_organization_id': root['id']}, 1002, '/account_ids/2'),
            ({'account_ids': [], 'destination_organization_id': root['id']}, 1003,
             '/account_ids'),
            ({'account_ids': ['%032x' % i for i in range(100)] + [s['id']],
              'destination_organization_id': root['id']}, 1003, '/account_ids'),
            ({'account_ids': [s['id'], UNKNOWN_ID, s['id']],
              'destination_organization_id': root['id']}, 1003, '/account_ids/2'),
            ({'account_ids': ok_ids, 'destination_organization_id': 5}, 1002, DEST),
            ({'account_ids': ok_ids, 'destination_organization_id': [root['id']]}, 1002, DEST),
        ]
        for body, code, pointer in cases:
            with self.subTest(body=str(body)[:100]):
                r = self.req('POST', '/accounts/move', body)
                self.assertFieldError(r, code, pointer, 'absent')
        for raw in ('[]', '"x"', '5', 'null'):
            with self.subTest(raw=raw):
                r = self.req('POST', '/accounts/move', raw=raw, headers=JSON_CT)
                self.assertFieldError(r, 1002, '', 'absent')
        for raw in ('', '{', '{"account_ids": [}'):
            with self.subTest(raw=raw):
                r = self.req('POST', '/accounts/move', raw=raw, headers=JSON_CT)
                self.assertError(r, 400, [6007], result_key='absent')
        self.assertGetIs(s)
        self.assertOrgAccounts(root, [])

    def test_mv_2_5_up_to_100_ids(self):
        root = self.create_org('Root')
        made = [self.create_account('a%d' % i) for i in range(3)]
        unknown = ['%032x' % i for i in range(97)]
        ids = [made[0]['id']] + unknown[:50] + [made[1]['id']] + unknown[50:] + [made[2]['id']]
        self.assertEqual(len(ids), 100)
        r = self.batch(ids, root)
        self.assertStatuses(r, [m['id'] for m in made], unknown, root, ids)
        self.assertEqual(len(r.json['result']['statuses']['accounts']), 100)
        self.assertEqual(r.json['result']['statuses']['message'], '3 of 100 accounts moved')
        made = [in_org(m, root) for m in made]
        self.assertOrgAccounts(root, made)
        self.assertEqual(self.all_accounts(), made)

    def test_mv_2_6_ids_of_the_wrong_shape_are_not_moved(self):
        root = self.create_org('Root')
        s = self.create_account('s')
        bad = ['not-an-id', s['id'].upper(), root['id']]
        r = self.batch(bad + [s['id']], root)
        self.assertStatuses(r, [s['id']], bad, root, bad + [s['id']])
        self.assertGetIs(in_org(s, root))
        self.assertEqual(self.get_org(root['id']), root)

    def test_mv_2_7_other_user_moves_nothing(self):
        root = self.create_org('A root')
        a = self.create_account('a', org=root)
        s = self.create_account('s')
        b_org = self.create_org('B org', auth=TOKEN_B)
        b = self.create_account('b', auth=TOKEN_B)
        before = self.account_world()
        r = self.batch([a['id'], s['id'], b['id']], b_org, auth=TOKEN_B)
        self.assertStatuses(r, [b['id']], [a['id'], s['id']], b_org,
                            [a['id'], s['id'], b['id']])
        self.assertEqual(self.account_world(), before)
        self.assertGetIs(in_org(b, b_org), auth=TOKEN_B)
        self.assertOrgAccounts(b_org, [in_org(b, b_org)], auth=TOKEN_B)
        # and A cannot move into B's organization
        r = self.batch([a['id']], b_org)
        self.assertFieldError(r, 1103, DEST, 'absent')
        self.assertEqual(self.account_world(), before)

    def test_mv_2_8_batch_follows_the_hierarchy_rules(self):
        r1 = self.create_org('Root one')
        c1 = self.create_org('Child one', parent=r1)
        g1 = self.create_org('Grand one', parent=c1)
        r2 = self.create_org('Root two')
        in_r1 = self.create_account('in r1', org=r1)
        in_g1 = self.create_account('in g1', org=g1)
        in_c1 = self.create_account('in c1', org=c1)
        in_r2 = self.create_account('in r2', org=r2)
        alone = self.create_account('alone')
        ids = [in_r1['id'], in_g1['id'], in_c1['id'], in_r2['id'], alone['id']]
        r = self.batch(ids, c1)
        self.assertStatuses(r, [in_r1['id'], in_g1['id'], alone['id']],
                            [in_c1['id'], in_r2['id']], c1, ids)
        now = [in_org(x, c1) for x in (in_r1, in_g1)] + [in_c1, in_org(alone, c1)]
        self.assertOrgAccounts(c1, [now[0], now[1], in_c1, now[3]])
        self.assertOrgAccounts(r1, [])
        self.assertOrgAccounts(g1, [])
        self.assertOrgAccounts(r2, [in_r2])
        self.assertChain(now[1], [r1, c1])
        self.assertChain(in_r2, [r2])
        self.assertEqual(self.list_accounts(),
                         harness.ok_envelope([now[0], now[1], in_c1, in_r2, now[3]],
                                             result_info=page_info(1, 20, 5, 5)))


# ---------------------------------------------------------------------------
# DELETE /organizations/{id} with accounts


class OrgDelete(ApiTest):
    def test_mv_4_1_org_holding_an_account_is_not_deleted(self):
        org = self.create_org('Org')
        a = self.create_account('a', org=org)
        before = self.account_world()
        r = self.req('DELETE', '/organizations/' + org['id'])
        self.assertOrgError(r, 400, 1102)
        msg = r.json['errors'][0]['message']
        self.assertTrue(msg.startswith("organization '%s' is not empty: it still contains "
                                       % org['id']), msg)
        self.assertIn('1 account', msg)
        self.assertNotIn('1 accounts', msg)
        self.assertNotIn('sub-organization', msg)
        self.assertEqual(self.account_world(), before)
        # deleting the account empties it
        self.assertEqual(self.req('DELETE', self.url(a)).json, harness.ok_envelope({'id': a['id']}))
        r = self.req('DELETE', '/organizations/' + org['id'])
        self.assertEqual(r.json, harness.ok_envelope({'id': org['id']}))
        self.assertError(self.req('GET', '/organizations/' + org['id']), 404, [1101],
                         result_key='absent')

    def test_mv_4_2_refused_until_the_last_account_is_gone(self):
        org = self.create_org('Org')
        accts = [self.create_account('a%d' % i, org=org) for i in range(3)]
        for left, a in zip(('3 accounts', '2 accounts', '1 account'), accts):
            r = self.req('DELETE', '/organizations/' + org['id'])
            self.assertOrgError(r, 400, 1102)
            msg = r.json['errors'][0]['message']
            self.assertTrue(msg.startswith("organization '%s' is not empty: it still contains "
                                           % org['id']), msg)
            self.assertIn(left, msg)
            self.assertNotIn('1 accounts', msg)
            self.assertEqual(self.req('DELETE', self.url(a)).status, 200)
        self.assertOrgAccounts(org, [])
        r = self.req('DELETE', '/organizations/' + org['id'])
        self.assertEqual(r.json, harness.ok_envelope({'id': org['id']}))

    def test_mv_4_3_org_emptied_by_a_move_is_deletable(self):
        root = self.create_org('Root')
        child = self.create_org('Child', parent=root)
        a = self.create_account('a', org=child)
        self.assertOrgError(self.req('DELETE', '/organizations/' + child['id']), 400, 1102)
        a = self.assertMoved(a, child, root)
        r = self.req('DELETE', '/organizations/' + child['id'])
        self.assertEqual(r.json, harness.ok_envelope({'id': child['id']}))
        # the root still holds the account
        r = self.req('DELETE', '/organizations/' + root['id'])
        self.assertOrgError(r, 400, 1102)
        self.assertIn('account', r.json['errors'][0]['message'])
        self.assertGetIs(a)
        self.assertChain(a, [root])
        # a batch move cannot empty it into nowhere; deleting the account does
        self.assertEqual(self.req('DELETE', self.url(a)).status, 200)
        self.assertEqual(self.req('DELETE', '/organizations/' + root['id']).json,
                         harness.ok_envelope({'id': root['id']}))

    def test_mv_4_4_sub_organizations_and_accounts_named_together(self):
        root = self.create_org('Root')
        child = self.create_org('Child', parent=root)
        a = self.create_account('a', org=root)
        g = self.create_account('g', org=child)
        r = self.req('DELETE', '/organizations/' + root['id'])
        self.assertOrgError(r, 400, 1102)
        msg = r.json['errors'][0]['message']
        self.assertIn('1 sub-organization', msg)
        self.assertIn('1 account', msg)
        self.assertNotIn('1 accounts', msg)
        r = self.req('DELETE', '/organizations/' + child['id'])
        self.assertOrgError(r, 400, 1102)
        self.assertIn('1 account', r.json['errors'][0]['message'])
        self.assertNotIn('sub-organization', r.json['errors'][0]['message'])
        for x in (a, g):
            self.assertGetIs(x)
        self.assertChain(g, [root, child])
        # bottom-up: account, child, account, root
        for path in (self.url(g), '/organizations/' + child['id'], self.url(a),
                     '/organizations/' + root['id']):
            r = self.req('DELETE', path)
            self.assertEqual(r.status, 200, (path, r))
        self.assertEqual(self.all_accounts(), [])

    def test_mv_4_5_account_stays_listed_after_a_refused_delete(self):
        org = self.create_org('Org')
        a = self.create_account('a', org=org)
        b = self.create_account('b')
        self.assertOrgError(self.req('DELETE', '/organizations/' + org['id']), 400, 1102)
        self.assertEqual(self.list_accounts(),
                         harness.ok_envelope([a, b], result_info=page_info(1, 20, 2, 2)))
        self.assertOrgAccounts(org, [a])
        self.assertChain(a, [org])


if __name__ == '__main__':
    harness.main()
